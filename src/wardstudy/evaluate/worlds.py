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

__all__ = ["poisson_world"]


def poisson_world(seed: int, residents, *, treated: int = 0, cohort: int = 2023,
                  years=(2021, 2022, 2023, 2024), rate_per_1000: float = 3.0, rate_ratio: float = 1.0,
                  level_sd: float = 0.15, trend: float = -0.02) -> dict[str, pd.DataFrame]:
    """A panel of monthly social-order crimes for wards of the given sizes.

    Expected cases in ward i, month m: residents_i / 1000 * rate_per_1000 / 12 * exp(u_i)
    * season(m) * exp(trend * years since the start), with u_i ~ N(0, level_sd) a ward's
    own level (drawn once) and a mild year-end peak; the treated ward's expectation is
    multiplied by `rate_ratio` from January of `cohort`. Counts are Poisson. Units: cases a
    month; rate_per_1000 is cases per 1,000 residents a year.

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
    effect = np.ones_like(base)
    effect[treated, months.year.to_numpy() >= cohort] = rate_ratio
    counts = rng.poisson(base * effect)
    grid = pd.DataFrame({"ward": np.repeat(wards, len(months)), "month": np.tile(months.astype(str), len(wards))})
    crimes = grid.assign(category="social_order", count=counts.ravel())
    project06 = grid.assign(eligible_residents=np.repeat(residents.astype(int), len(months)))
    return {"crimes": crimes, "project06": project06,
            "programme": pd.DataFrame({"ward": [wards[treated]], "cohort_year": [cohort]}),
            "units": pd.DataFrame({"slug": wards, "district_code": "000", "type": "phường"})}
