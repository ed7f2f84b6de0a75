"""Simulated worlds for checking inference: monthly Poisson crime counts with a known effect.

The calibration tests (does a test reject no more often than it claims when nothing
happened?) and the minimum detectable effect (what true effect would a design have
found?) both need panels whose truth is known. `poisson_world` makes one: wards of given
sizes, a common seasonal pattern and trend, a per-ward level, and an optional rate ratio
applied to the treated ward from January of its cohort year. The tables have the shapes of
the study's own (`crimes`, `project06`), so the impact design runs on them unchanged.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["poisson_world", "city_shape_world"]


def poisson_world(seed: int, residents, *, treated: int = 0, cohort: int = 2023,
                  years=(2021, 2022, 2023, 2024), rate_per_1000: float = 3.0, rate_ratio: float = 1.0,
                  level_sd: float = 0.15, trend: float = -0.02, cohorts: dict[int, int] | None = None,
                  overdispersion: float = 0.0) -> dict[str, pd.DataFrame]:
    """A panel of monthly social-order crimes for wards of the given sizes.

    Expected cases in ward i, month m: residents_i / 1000 * rate_per_1000 / 12 * exp(u_i)
    * season(m) * exp(trend * years since the start), with u_i ~ N(0, level_sd) a ward's
    own level (drawn once) and a mild year-end peak; the treated ward's expectation is
    multiplied by `rate_ratio` from January of `cohort`. Counts are Poisson. Units: cases a
    month; rate_per_1000 is cases per 1,000 residents a year.

    cohorts: several programme wards, {ward number: entry year} (each gets `rate_ratio` from
    January of its own year), in place of `treated` and `cohort`. overdispersion: alpha > 0
    makes each month's count negative binomial, variance mu + alpha * mu^2 (a gamma-
    distributed month effect of mean 1 and variance alpha, drawn only when alpha > 0, so the
    Poisson worlds of a seed are unchanged).

    Returns ``crimes`` (ward, month, category, count), ``project06`` (ward, month,
    eligible_residents), ``programme`` (ward, cohort_year) and ``units`` (slug, one district,
    one type); wards are
    named ``w0``, ``w1``...; ward number `treated` is the programme ward.

    >>> w = poisson_world(1, [3000, 6000, 9000])
    >>> sorted(w), len(w["crimes"]), w["programme"].to_dict("records")
    (['crimes', 'programme', 'project06', 'units'], 144, [{'ward': 'w0', 'cohort_year': 2023}])
    """
    rng = np.random.default_rng(seed)
    residents = np.asarray(residents, dtype=float)
    wards = [f"w{i}" for i in range(len(residents))]
    months = pd.period_range(f"{years[0]}-01", f"{years[-1]}-12", freq="M")
    month_of_year = months.month.to_numpy()
    elapsed = (months.year.to_numpy() - years[0]) + (month_of_year - 1) / 12
    season = 1 + 0.15 * np.cos(2 * np.pi * (month_of_year - 12) / 12)
    level = np.exp(rng.normal(0.0, level_sd, size=len(wards)))
    base = residents[:, None] / 1000 * rate_per_1000 / 12 * level[:, None] * season * np.exp(trend * elapsed)
    cohorts = {treated: cohort} if cohorts is None else dict(cohorts)
    effect = np.ones_like(base)
    for ward, entry in cohorts.items():
        effect[ward, months.year.to_numpy() >= entry] = rate_ratio
    mean = base * effect
    if overdispersion > 0:
        mean = mean * rng.gamma(1 / overdispersion, overdispersion, size=mean.shape)
    counts = rng.poisson(mean)
    grid = pd.DataFrame({"ward": np.repeat(wards, len(months)), "month": np.tile(months.astype(str), len(wards))})
    crimes = grid.assign(category="social_order", count=counts.ravel())
    project06 = grid.assign(eligible_residents=np.repeat(residents.astype(int), len(months)))
    return {"crimes": crimes, "project06": project06,
            "programme": pd.DataFrame({"ward": [wards[w] for w in cohorts], "cohort_year": list(cohorts.values())}),
            "units": pd.DataFrame({"slug": wards, "district_code": "000", "type": "phường"})}


# The shipped city's pooled panel for 2024 (Bắc Kạn city, data/synthetic): one programme ward
# of 2023 (6,300 residents), two of 2024 (2,500 and 7,300) and five units not in the
# programme (2,300 to 5,500), about 2.5 social-order crimes per 1,000 residents a year.
CITY_RESIDENTS = [6300, 2500, 7300, 2300, 2900, 3900, 5100, 5500]
CITY_COHORTS = {0: 2023, 1: 2024, 2: 2024}


def city_shape_world(seed: int, *, rate_ratio: float = 1.0, overdispersion: float = 0.0,
                     rate_per_1000: float = 2.5) -> dict[str, pd.DataFrame]:
    """A `poisson_world` of the shipped city's shape (`CITY_RESIDENTS`, `CITY_COHORTS`).

    >>> city_shape_world(0)["programme"].to_dict("list")
    {'ward': ['w0', 'w1', 'w2'], 'cohort_year': [2023, 2024, 2024]}
    """
    return poisson_world(seed, CITY_RESIDENTS, cohorts=CITY_COHORTS, rate_per_1000=rate_per_1000,
                         rate_ratio=rate_ratio, overdispersion=overdispersion)
