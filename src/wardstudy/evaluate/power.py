"""What a design could have detected: the minimum detectable effect, by seeded simulation.

A "no significant change" means little unless the design could have seen a real one. For
one ward's impact design, `minimum_detectable_effect` simulates worlds that look like the
design's own pre-period, analyses each by the same method as the real data, and finds the
true rate ratio closest to 1 (the smallest fall) detected with the wanted power (80%).

Judged at the verdict's level: a world counts as detected when the method's p < alpha
(default 0.05, what the page calls significant). A method whose smallest attainable p is
not below alpha (a randomisation test over one ward and J < 20 comparison units: 1 / (J + 1)
>= 0.05) can never detect anything at that level: that is said without simulating
(``reachable`` False, rate ratio NaN), with the comparison units it would need.

The worlds (`fit_worlds`), from the months before the first cohort year (no effect can be in
them), for every unit of the design:

* expected cases in unit k, month m: residents_km x exp(a_k + b t_m + s_month(m)), a Poisson
  regression (log link, log residents as offset) of the pre-period counts: a level a_k per
  unit, a linear trend b (t in years) and 11 month-of-year factors s, both shared by the
  design's units. Two years of one or two cases a month cannot tell a ward's own trend or
  season from noise (the trend's standard error would be about 0.4 a year on the log scale,
  which carried two years forward as if true would plant differential trends in every
  world); shared, they are estimated from every unit's months. A unit with no case before
  the first cohort has 0 expected cases.
* overdispersion by moments: alpha = max(0, (sum (y - mu)^2 x n / (n - p) - sum mu) / sum mu^2)
  over the pre-period months, with the fitted mu (n months, p coefficients); alpha = 0 is
  Poisson. Counts are negative binomial, variance mu + alpha mu^2.
* the treated ward's expectation times the true rate ratio from January of its cohort year.

Common random numbers: a world's count is the Poisson (negative binomial) quantile of one
fixed uniform draw per unit-month, so a larger fall gives every world fewer cases, the power
increases with the size of the effect and the smallest detectable ratio is found by
bisection (`steps` halvings between `floor` and 1). The power at the reported ratio is
measured in the `n_simulations` worlds (default 400) and reported with its exact
(Clopper-Pearson) 95% interval: with 400 worlds a power of 0.80 is known to about +/- 0.04.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd
from scipy import stats

from wardstudy.data.months import with_calendar

__all__ = ["DetectableEffect", "units_needed", "fit_worlds", "simulated_counts", "detection_power",
           "minimum_detectable_effect", "power_at", "clopper_pearson", "ALPHA", "N_SIMULATIONS"]

ALPHA = 0.05
N_SIMULATIONS = 400


@dataclass(frozen=True)
class DetectableEffect:
    """The smallest fall a design detects with the wanted power at `level` (see the module docstring).

    rate_ratio: the true rate ratio (after / before; below 1 is a fall) detected with the
    wanted power; NaN when even the largest fall tried (`floor`) is not detected, or when
    the method cannot give p < level at all (``reachable`` False, nothing simulated).
    power: the share of the worlds in which p < level at `rate_ratio` (at `floor` when
    nothing is detected; NaN when not simulated), with its Clopper-Pearson 95% interval
    power_low - power_high. units_needed: comparison units a randomisation test over one
    ward would need to give p < level (None where the design already can).
    """

    method: str
    rate_ratio: float
    level: float
    power: float
    n_simulations: int
    floor: float
    units_needed: int | None
    power_low: float = float("nan")
    power_high: float = float("nan")
    reachable: bool = True
    min_p_value: float = float("nan")  # the method's smallest attainable p (NaN: an analytic test)
    dispersion: float = float("nan")  # the worlds' negative binomial alpha (0: Poisson)


def units_needed(alpha: float = ALPHA, treated: int = 1) -> int:
    """Comparison units a randomisation test over one treated ward needs for p < alpha.

    The smallest p is 1 / (J + 1), so J + 1 > 1 / alpha: J = 20 for 0.05 (with 19 the
    smallest p is 1/20 = 0.05, not below it).

    >>> units_needed(0.05), units_needed(0.1)
    (20, 10)
    """
    return math.floor(treated / alpha - 1 + 1e-9) + 1


def clopper_pearson(hits: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """The exact binomial interval of a proportion hits / n (Clopper & Pearson 1934; R binom.test).

    >>> [round(x, 4) for x in clopper_pearson(320, 400)]
    [0.7574, 0.8381]
    """
    if n == 0:
        return float("nan"), float("nan")
    tail = (1 - confidence) / 2
    low = stats.beta.ppf(tail, hits, n - hits + 1) if hits > 0 else 0.0
    high = stats.beta.ppf(1 - tail, hits + 1, n - hits) if hits < n else 1.0
    return float(low), float(high)


@dataclass(frozen=True)
class _Baseline:
    """What every simulated world of a design shares: its unit-months and their expectations."""

    months: pd.DataFrame  # ward, month, eligible_residents
    expected: np.ndarray  # cases a month with no effect
    treated_after: np.ndarray  # the ward's months from its cohort year on
    dispersion: float = 0.0  # negative binomial alpha (0: Poisson)


def _shared_design(calendar: pd.DataFrame) -> np.ndarray:
    """Columns shared by the units: years since the first month (the trend), months 2-12."""
    years = calendar["year"].to_numpy(float) + (calendar["month_of_year"].to_numpy(float) - 1) / 12
    month = (calendar["month_of_year"].to_numpy()[:, None] == np.arange(2, 13)[None, :]).astype(float)
    return np.column_stack([years - years.min(), month])


def _fit_levels_and_shared(y, x, log_residents, unit, n_units, iterations: int = 50, tol: float = 1e-9):
    """The Poisson MLE of log mu = log residents + a_unit + x b, by blocks: given b, each unit's
    level is closed-form, a_k = log(sum y_k / sum residents_k exp(x b)); given the levels, b is
    a small Poisson regression with them in the offset. The likelihood is concave, so this
    block ascent reaches the joint MLE, without a design matrix of one column per unit (the
    national pooled panel has thousands)."""
    import statsmodels.api as sm

    total = np.bincount(unit, weights=y, minlength=n_units)
    b = np.zeros(x.shape[1])
    level = np.log(total / np.bincount(unit, weights=np.exp(log_residents), minlength=n_units))
    for _ in range(iterations):
        fit = sm.GLM(y, x, family=sm.families.Poisson(), offset=log_residents + level[unit]).fit(start_params=b)
        new_b = np.asarray(fit.params, dtype=float)
        scale = np.bincount(unit, weights=np.exp(log_residents + x @ new_b), minlength=n_units)
        new_level = np.log(total / scale)
        moved = max(np.abs(new_b - b).max(initial=0), np.abs(new_level - level).max(initial=0))
        b, level = new_b, new_level
        if moved < tol:
            break
    return level, b


def fit_worlds(crimes: pd.DataFrame, project06: pd.DataFrame, treated: dict[str, int], wards: list[str],
               year: int) -> _Baseline:
    """The worlds' generator of a design, fitted to its pre-period (see the module docstring)."""
    months = project06.loc[project06["ward"].isin(wards)
                           & (with_calendar(project06)["year"] <= year), ["ward", "month", "eligible_residents"]]
    months = months.sort_values(["ward", "month"], kind="stable").reset_index(drop=True)
    so = crimes[(crimes["category"] == "social_order") & crimes["ward"].isin(wards)]
    counts = months.merge(so.groupby(["ward", "month"], as_index=False)["count"].sum(), on=["ward", "month"],
                          how="left").fillna({"count": 0})
    calendar = with_calendar(counts)
    before = (calendar["year"] < min(treated.values())).to_numpy()
    y = calendar["count"].to_numpy(float)
    residents = calendar["eligible_residents"].to_numpy(float)
    residents = np.where(residents > 0, residents, np.nan)
    total = calendar[before].groupby("ward")["count"].sum()
    fitted = [w for w in dict.fromkeys(calendar["ward"]) if total.get(w, 0) > 0]
    unit = pd.Index(fitted).get_indexer(calendar["ward"])
    x = _shared_design(calendar)
    rows = before & (unit >= 0) & np.isfinite(residents)
    expected, dispersion = np.zeros(len(y)), 0.0
    if rows.any():
        keep = x[rows].any(axis=0)  # a month of the year with no pre-period row has no factor
        keep[0] = True
        level, b = _fit_levels_and_shared(y[rows], x[rows][:, keep], np.log(residents[rows]), unit[rows],
                                          len(fitted))
        beta = np.zeros(x.shape[1])
        beta[keep] = b
        own = (unit >= 0) & np.isfinite(residents)
        expected[own] = np.exp(level[unit[own]] + x[own] @ beta + np.log(residents[own]))
        mu, n, p = expected[rows], int(rows.sum()), len(fitted) + int(keep.sum())
        if n > p:
            excess = float(((y[rows] - mu) ** 2).sum()) * n / (n - p) - float(mu.sum())
            dispersion = max(0.0, excess / float((mu**2).sum()))
    entry = calendar["ward"].map(treated).to_numpy(dtype=float)  # NaN for comparison units
    return _Baseline(months, expected, calendar["year"].to_numpy() >= np.nan_to_num(entry, nan=np.inf), dispersion)


# The earlier name, kept for callers and tests.
_baseline = fit_worlds


def _draw(baseline: _Baseline, rate_ratio: float, uniforms: np.ndarray, unaffected: np.ndarray | None = None
          ) -> np.ndarray:
    """Counts for every row of `uniforms` (worlds x unit-months), by the quantile of each draw.

    unaffected: the same worlds' counts at any rate ratio, whose unit-months without the
    effect are kept (they do not depend on it): only the treated months are drawn again.
    """
    if unaffected is not None:
        out = unaffected.copy()
        cols = baseline.treated_after
        mu = np.broadcast_to(baseline.expected[cols] * rate_ratio, (len(uniforms), int(cols.sum())))
        drawn = np.zeros(mu.shape, dtype=np.int64)
        drawn[mu > 0] = _quantiles(mu[mu > 0], uniforms[:, cols][mu > 0], baseline.dispersion)
        out[:, cols] = drawn
        return out
    expected = np.where(baseline.treated_after, baseline.expected * rate_ratio, baseline.expected)
    expected = np.broadcast_to(expected, uniforms.shape)
    positive = expected > 0
    out = np.zeros(uniforms.shape, dtype=np.int64)
    out[positive] = _quantiles(expected[positive], uniforms[positive], baseline.dispersion)
    return out


def _quantiles(mu: np.ndarray, u: np.ndarray, dispersion: float) -> np.ndarray:
    """The smallest k with P(count <= k) >= u: Poisson(mu), or negative binomial with variance
    mu + dispersion mu^2. The same as scipy's ppf, summing the probabilities by their
    recursion (far faster for the small counts of a ward's month); scipy for a large mean.

    >>> mu, u = np.array([0.5, 3.0, 3.0]), np.array([0.2, 0.5, 0.999])
    >>> _quantiles(mu, u, 0.0).tolist(), stats.poisson.ppf(u, mu).tolist()
    ([0, 3, 10], [0.0, 3.0, 10.0])
    >>> _quantiles(mu, u, 0.5).tolist(), stats.nbinom.ppf(u, 2, 2 / (2 + mu)).tolist()
    ([0, 2, 17], [0.0, 2.0, 17.0])
    """
    if mu.size == 0:
        return np.zeros(0, dtype=np.int64)
    if mu.max() > 200:
        if dispersion > 0:
            return stats.nbinom.ppf(u, 1 / dispersion, 1 / (1 + dispersion * mu)).astype(np.int64)
        return stats.poisson.ppf(u, mu).astype(np.int64)
    if dispersion > 0:
        size = 1 / dispersion
        q = mu / (size + mu)
        prob = np.exp(size * np.log1p(-q))
    else:
        prob = np.exp(-mu)
    cdf, k = prob.copy(), np.zeros(mu.shape, dtype=np.int64)
    below = cdf < u
    step = 0
    while below.any():
        step += 1
        prob = prob * ((step - 1 + size) / step * q if dispersion > 0 else mu / step)
        k += below
        cdf = cdf + prob
        below &= cdf < u
        if step > 10000:  # u within rounding of 1: the recursion's sum stops short of it
            k[below] = stats.poisson.ppf(u[below], mu[below]) if dispersion == 0 else stats.nbinom.ppf(
                u[below], size, size / (size + mu[below]))
            break
    return k


def simulated_counts(baseline: _Baseline, rate_ratio: float, uniforms: np.ndarray) -> dict[str, pd.DataFrame]:
    """One simulated world like the design's own (see the module docstring).

    uniforms: one U(0, 1) draw per unit-month of the baseline, the common random numbers.
    Returns ``crimes`` and ``project06`` tables of the study's shape: ``project06`` is the
    baseline's own table in every world, and ``crimes`` has one row per row of it, in its
    order (what `design.SimulatedRates` relies on).
    """
    drawn = _draw(baseline, rate_ratio, np.asarray(uniforms)[None, :])[0]
    crimes = baseline.months[["ward", "month"]].assign(category="social_order", count=drawn)
    return {"crimes": crimes, "project06": baseline.months}


def detection_power(analyse, baseline: _Baseline, rate_ratio: float, uniforms: np.ndarray, alpha: float = ALPHA,
                    analyse_counts=None, unaffected: np.ndarray | None = None) -> np.ndarray:
    """Whether each world (a row of `uniforms`) is detected: the method's p < alpha.

    analyse(crimes, project06) -> (p, min_p), one world at a time; or analyse_counts(counts,
    months) -> p for every world at once (counts: worlds x rows of ``months``, the
    baseline's unit-months), when given.
    """
    if analyse_counts is not None:
        counts = _draw(baseline, rate_ratio, uniforms, unaffected)
        p = np.asarray(analyse_counts(counts, baseline.months), dtype=float)
    else:
        worlds = (simulated_counts(baseline, rate_ratio, u) for u in uniforms)
        p = np.array([analyse(w["crimes"], w["project06"])[0] for w in worlds], dtype=float)
    return np.isfinite(p) & (p < alpha)


def minimum_detectable_effect(analyse: Callable[[pd.DataFrame, pd.DataFrame], tuple[float, float]],
                              crimes: pd.DataFrame, project06: pd.DataFrame, ward: str | dict[str, int],
                              controls: list[str], cohort: int | None, year: int, method: str = "",
                              power: float = 0.8, n_simulations: int = N_SIMULATIONS, floor: float = 0.25,
                              steps: int = 8, seed: int = 0, alpha: float = ALPHA,
                              analyse_counts: Callable[[np.ndarray, pd.DataFrame], np.ndarray] | None = None,
                              min_p_value: float | None = None) -> DetectableEffect:
    """The smallest true fall a method detects with `power` at level `alpha`, by seeded simulation.

    analyse(crimes, project06) -> (p_value, min_p_value): the method run on a simulated
    world, exactly as on the real data (`analyse_counts`: the same for many worlds at once,
    see `detection_power`). ward: the treated ward (entering in `cohort`), or several as
    {ward: cohort} (the pooled design; `cohort` is then unused), each with the same true rate
    ratio from January of its cohort year. min_p_value: the method's smallest attainable p
    when the caller knows it (else read from `analyse` on the first world); when it is not
    below `alpha` nothing is simulated. Bisection over the rate ratio between `floor` and 1
    (`steps` halvings, 0.003 apart for 8), the same `n_simulations` worlds each. The
    floor is a fall of 75%: beyond it, months with no case at all make the regression
    designs' Wald tests break down (a step estimated at minus infinity has no p), so a larger
    fall is not a meaningful question for a ward's monthly counts.
    """
    treated = dict(ward) if isinstance(ward, dict) else {ward: cohort}
    baseline = fit_worlds(crimes, project06, treated, [*treated, *controls], year)
    rng = np.random.default_rng(seed)
    uniforms = rng.random((n_simulations, len(baseline.expected)))
    if min_p_value is None:
        world = simulated_counts(baseline, 1.0, uniforms[0])
        min_p_value = float(analyse(world["crimes"], world["project06"])[1])
    needed = units_needed(alpha) if np.isfinite(min_p_value) and min_p_value >= alpha else None
    common = dict(method=method, level=alpha, floor=floor, units_needed=needed, min_p_value=float(min_p_value),
                  dispersion=baseline.dispersion)
    if needed is not None:
        return DetectableEffect(rate_ratio=float("nan"), power=float("nan"), n_simulations=0, reachable=False,
                                **common)

    unaffected = _draw(baseline, 1.0, uniforms) if analyse_counts is not None else None

    def share(ratio: float) -> tuple[float, int]:
        hits = int(detection_power(analyse, baseline, ratio, uniforms, alpha, analyse_counts, unaffected).sum())
        return hits / n_simulations, hits

    reached, hits = share(floor)
    if reached < power:
        return DetectableEffect(rate_ratio=float("nan"), power=reached, n_simulations=n_simulations,
                                power_low=clopper_pearson(hits, n_simulations)[0],
                                power_high=clopper_pearson(hits, n_simulations)[1], **common)
    low, high, at_low = floor, 1.0, (reached, hits)  # detected at `low`, not (by assumption) at 1
    for _ in range(steps):
        middle = (low + high) / 2
        found = share(middle)
        if found[0] >= power:
            low, at_low = middle, found
        else:
            high = middle
    ci = clopper_pearson(at_low[1], n_simulations)
    return DetectableEffect(rate_ratio=round(low, 3), power=at_low[0], n_simulations=n_simulations,
                            power_low=ci[0], power_high=ci[1], **common)


def power_at(analyse, crimes: pd.DataFrame, project06: pd.DataFrame, ward: str | dict[str, int],
             controls: list[str], cohort: int | None, year: int, rate_ratio: float,
             n_simulations: int = N_SIMULATIONS, seed: int = 1, alpha: float = ALPHA,
             analyse_counts=None) -> tuple[float, float, float]:
    """The power at `rate_ratio` in `n_simulations` worlds of `minimum_detectable_effect`'s
    generator drawn from `seed` (pass a seed it did not use for fresh worlds): (power, and its
    Clopper-Pearson 95% interval). How the calibration checks that a reported detectable
    effect has the power it claims.
    """
    treated = dict(ward) if isinstance(ward, dict) else {ward: cohort}
    baseline = fit_worlds(crimes, project06, treated, [*treated, *controls], year)
    uniforms = np.random.default_rng(seed).random((n_simulations, len(baseline.expected)))
    hits = int(detection_power(analyse, baseline, rate_ratio, uniforms, alpha, analyse_counts).sum())
    return (hits / n_simulations, *clopper_pearson(hits, n_simulations))
