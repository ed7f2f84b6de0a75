"""Exact comparison of two Poisson counts: one ward, before and after.

Built on :mod:`wardstudy.exact` (the conditional binomial argument of R's
``poisson.test``); this module adds the result objects and the "only a difference was
published" sensitivity table.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from wardstudy.indicators.exact import as_counts, rate_ratio_interval, rate_ratio_p_value

__all__ = ["PoissonChange", "BaselineSensitivity", "poisson_change", "baseline_sensitivity"]


@dataclass(frozen=True)
class PoissonChange:
    """Result of :func:`poisson_change`. Rates are counts per unit of exposure."""

    after: float
    before: float
    after_exposure: float
    before_exposure: float
    rate_ratio: float
    ci_low: float
    ci_high: float
    p_value: float
    difference: float  # after - before, in cases (raw counts, exposures ignored)
    alpha: float

    @property
    def rate_difference(self) -> float:
        """after / after_exposure - before / before_exposure, in cases per unit of exposure."""
        return self.after / self.after_exposure - self.before / self.before_exposure

    @property
    def significant(self) -> bool:
        """True when p < alpha (False when p is NaN: no evidence either way)."""
        return bool(self.p_value < self.alpha)


def _check_exposure(value, name: str) -> float:
    value = float(value)
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return value


def _scalar_count(value, name: str) -> float:
    arr = as_counts(value, name)
    if arr.ndim != 0 or np.isnan(arr):
        raise ValueError(f"{name} must be one whole number >= 0, got {value!r}")
    return float(arr)


def poisson_change(
    after, before, *, after_exposure=1.0, before_exposure=1.0, alpha: float = 0.05
) -> PoissonChange:
    """Exact conditional test and interval for the change in a Poisson rate.

    rate_ratio = (after / after_exposure) / (before / before_exposure).
    Conditional on n = after + before, after ~ Binomial(n, p) with
    p = RR * e_a / (RR * e_a + e_b). The p-value (H0: RR = 1) is the two-sided "minlike"
    binomial p of R's ``poisson.test``; the interval is Clopper-Pearson for p mapped back.
    Exposures are in any common unit (months, person-years); counts are cases.

    Zeros: 0 vs k (k > 0) gives rate_ratio 0 and interval [0, high]; k vs 0 gives inf and
    [low, inf]; 0 vs 0 gives NaN ratio, NaN interval and **p = NaN** (no cases means no
    information, which is not the same as evidence of no change; ``significant`` is False).
    Whole-valued floats (13.0) are accepted; negative or fractional counts raise ValueError.

    >>> r = poisson_change(11, 21, after_exposure=800, before_exposure=3011)
    >>> round(r.rate_ratio, 4), round(r.ci_low, 4), round(r.ci_high, 4), round(r.p_value, 4)
    (1.9715, 0.8584, 4.2773, 0.0797)
    >>> poisson_change(13, 20).difference
    -7.0
    """
    a = _scalar_count(after, "after")
    b = _scalar_count(before, "before")
    e_a = _check_exposure(after_exposure, "after_exposure")
    e_b = _check_exposure(before_exposure, "before_exposure")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha!r}")
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.float64(a / e_a) / np.float64(b / e_b) if (a + b) > 0 else np.nan
    low, high = rate_ratio_interval(a, b, e_a, e_b, alpha)
    p = rate_ratio_p_value(a, b, e_a, e_b)
    return PoissonChange(a, b, e_a, e_b, float(ratio), float(low), float(high), float(p), a - b, alpha)


@dataclass(frozen=True)
class BaselineSensitivity:
    """Result of :func:`baseline_sensitivity`: one row per candidate baseline."""

    difference: float
    alpha: float
    table: pd.DataFrame

    @property
    def max_significant_baseline(self) -> float:
        """Largest baseline whose change is significant at alpha (NaN if none is)."""
        hits = self.table.loc[self.table["p_value"] < self.alpha, "baseline"]
        return float(hits.max()) if len(hits) else float("nan")


def baseline_sensitivity(
    difference,
    *,
    baselines=None,
    alpha: float = 0.05,
    after_exposure=1.0,
    before_exposure=1.0,
) -> BaselineSensitivity:
    """What a published change means for every baseline count it could have come from.

    Only a difference is often published ("7 fewer cases than the same period last
    year"). For each candidate baseline b the after count is b + difference, and the
    exact conditional test of :func:`poisson_change` is applied (vectorised over b).
    Default baselines: the smallest valid one, max(0, -difference), up to
    max(60, that + 20). Baselines giving a negative after count are refused.
    Columns: baseline, after, rate_ratio, ci_low, ci_high, p_value (cases; probability).

    >>> s = baseline_sensitivity(-7)
    >>> s.max_significant_baseline
    8.0
    >>> s.table.set_index("baseline").loc[20, ["after", "p_value"]].round(3).tolist()
    [13.0, 0.296]
    """
    d = float(difference)
    if d != round(d):
        raise ValueError(f"difference must be a whole number of cases, got {difference!r}")
    if baselines is None:
        start = max(0.0, -d)
        baselines = np.arange(start, max(60.0, start + 20.0) + 1)
    base = as_counts(baselines, "baseline")
    after = base + d
    if np.any(after < 0):
        bad = base[after < 0][0]
        raise ValueError(
            f"baseline {bad:g} with difference {d:g} gives a negative after count; "
            f"baselines must be >= {-d:g}"
        )
    e_a = _check_exposure(after_exposure, "after_exposure")
    e_b = _check_exposure(before_exposure, "before_exposure")
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(after + base > 0, (after / e_a) / (base / e_b), np.nan)
    low, high = rate_ratio_interval(after, base, e_a, e_b, alpha)
    p = rate_ratio_p_value(after, base, e_a, e_b)
    table = pd.DataFrame(
        {"baseline": base, "after": after, "rate_ratio": ratio,
         "ci_low": low, "ci_high": high, "p_value": p}
    )
    return BaselineSensitivity(d, alpha, table)
