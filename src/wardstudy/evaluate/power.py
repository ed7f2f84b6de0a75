"""What a design could have detected: the minimum detectable effect, by seeded simulation.

A "no significant change" means little unless the design could have seen a real one. For
one ward's impact design, `minimum_detectable_effect` simulates worlds that look like the
ward's own: every unit of the design (the ward and its comparison units) keeps its
observed residents and its observed average monthly count before the ward's cohort year,
counts are Poisson, and the ward's expected count is multiplied by a true rate ratio from
January of its cohort year. Each simulated world is analysed by the same method as the
real data; the power at a rate ratio is the share of worlds in which the method's p is at
most the level. The minimum detectable effect is the rate ratio closest to 1 (the
smallest fall) detected with the wanted power (80%).

The level is 0.05 where the method can reach it; a randomisation test whose smallest
attainable p is above 0.05 is judged at that smallest p (its "attainable level"), and
the result says how many comparison units would be needed to reach 0.05.

Common random numbers make power increase with the size of the effect in every world (a
ward's count is the Poisson quantile of one fixed uniform draw), so the smallest
detectable ratio is found by bisection.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd
from scipy import stats

from wardstudy.data.months import with_calendar

__all__ = ["DetectableEffect", "units_needed", "simulated_counts", "minimum_detectable_effect"]

ALPHA = 0.05


@dataclass(frozen=True)
class DetectableEffect:
    """The smallest fall a design detects with `power` at `level` (see the module docstring).

    rate_ratio: the true rate ratio (after / before; below 1 is a fall) detected with the
    wanted power; NaN when even the largest fall tried (`floor`) is not detected.
    units_needed: comparison units a randomisation test would need to reach 0.05 (None
    where the design already can).
    """

    method: str
    rate_ratio: float
    level: float
    power: float
    n_simulations: int
    floor: float
    units_needed: int | None


def units_needed(alpha: float = ALPHA, treated: int = 1) -> int:
    """Comparison units a randomisation test over one treated ward needs for p <= alpha.

    The smallest p is 1 / (J + 1), so J >= 1 / alpha - 1.

    >>> units_needed(0.05)
    19
    """
    return math.ceil(treated / alpha - 1 - 1e-9)


@dataclass(frozen=True)
class _Baseline:
    """What every simulated world of a design shares: its unit-months and their expectations."""

    months: pd.DataFrame  # ward, month, eligible_residents
    expected: np.ndarray  # cases a month with no effect
    treated_after: np.ndarray  # the ward's months from its cohort year on


def _baseline(crimes: pd.DataFrame, project06: pd.DataFrame, treated: dict[str, int], wards: list[str],
              year: int) -> _Baseline:
    months = project06.loc[project06["ward"].isin(wards)
                           & (with_calendar(project06)["year"] <= year), ["ward", "month", "eligible_residents"]]
    months = months.sort_values(["ward", "month"], kind="stable").reset_index(drop=True)
    so = crimes[(crimes["category"] == "social_order") & crimes["ward"].isin(wards)]
    counts = months.merge(so.groupby(["ward", "month"], as_index=False)["count"].sum(), on=["ward", "month"],
                          how="left").fillna({"count": 0})
    calendar = with_calendar(counts)
    # Each unit's level is its mean month before the first cohort: no effect can be in it.
    before = (calendar["year"] < min(treated.values())).to_numpy()
    mean = calendar[before].groupby("ward")["count"].mean()
    expected = calendar["ward"].map(mean).fillna(0).to_numpy(dtype=float)
    entry = calendar["ward"].map(treated).to_numpy(dtype=float)  # NaN for comparison units
    return _Baseline(months, expected, calendar["year"].to_numpy() >= np.nan_to_num(entry, nan=np.inf))


def simulated_counts(baseline: _Baseline, rate_ratio: float, uniforms: np.ndarray) -> dict[str, pd.DataFrame]:
    """One simulated world like the design's own (see the module docstring).

    uniforms: one U(0, 1) draw per unit-month of the baseline, the common random numbers.
    Returns ``crimes`` and ``project06`` tables of the study's shape: ``project06`` is the
    baseline's own table in every world, and ``crimes`` has one row per row of it, in its
    order (what `design.SimulatedRates` relies on).
    """
    expected = np.where(baseline.treated_after, baseline.expected * rate_ratio, baseline.expected)
    drawn = np.where(expected > 0, stats.poisson.ppf(uniforms, expected), 0).astype(int)
    crimes = baseline.months[["ward", "month"]].assign(category="social_order", count=drawn)
    return {"crimes": crimes, "project06": baseline.months}


def minimum_detectable_effect(analyse: Callable[[pd.DataFrame, pd.DataFrame], tuple[float, float]],
                              crimes: pd.DataFrame, project06: pd.DataFrame, ward: str | dict[str, int],
                              controls: list[str], cohort: int | None, year: int, method: str = "",
                              power: float = 0.8,
                              n_simulations: int = 50, floor: float = 0.25, steps: int = 5,
                              seed: int = 0) -> DetectableEffect:
    """The smallest true fall a method detects with `power`, by seeded simulation.

    analyse(crimes, project06) -> (p_value, min_p_value): the method run on a simulated
    world, exactly as on the real data. ward: the treated ward (entering in `cohort`), or
    several as {ward: cohort} (the pooled design; `cohort` is then unused), each with the
    same true rate ratio from January of its cohort year. Bisection over the rate ratio between `floor` and
    1 (`steps` halvings, about 0.02 apart for 5), `n_simulations` worlds each. The floor is a
    fall of 75%: beyond it, months with no case at all make the regression designs'
    Wald tests break down (a step estimated at minus infinity has no p), so a larger fall
    is not a meaningful question for a ward's monthly counts.
    """
    treated = dict(ward) if isinstance(ward, dict) else {ward: cohort}
    baseline = _baseline(crimes, project06, treated, [*treated, *controls], year)
    rng = np.random.default_rng(seed)
    uniforms = [rng.random(len(baseline.expected)) for _ in range(n_simulations)]

    def power_at(ratio: float) -> tuple[float, float]:
        hits, level = [], ALPHA
        for u in uniforms:
            world = simulated_counts(baseline, ratio, u)
            p, min_p = analyse(world["crimes"], world["project06"])
            level = max(ALPHA, min_p) if np.isfinite(min_p) else ALPHA
            hits.append(bool(np.isfinite(p) and p <= level + 1e-12))
        return float(np.mean(hits)), level

    reached, level = power_at(floor)
    needed = units_needed() if level > ALPHA else None
    if reached < power:
        return DetectableEffect(method, float("nan"), level, reached, n_simulations, floor, needed)
    low, high = floor, 1.0  # detected at `low`, not (by assumption) at 1
    for _ in range(steps):
        middle = (low + high) / 2
        if power_at(middle)[0] >= power:
            low = middle
        else:
            high = middle
    return DetectableEffect(method, round(low, 3), level, power, n_simulations, floor, needed)
