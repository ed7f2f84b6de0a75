"""Interrupted time series: segmented regression of a monthly count (Lopez Bernal et al. 2017).

log E[count] = log(offset) + b0 + b1 * time + b2 * post [+ b3 * post * (time - t0)]
               + sum_k (s_k sin(2 pi k season / period) + c_k cos(2 pi k season / period))

exp(b2) is the step: the rate ratio right after the intervention, against the
pre-intervention trend projected forward; exp(b3) the change in the trend per time unit.

time is a running number of periods; for monthly data take it from the month itself
(`months_since_start`), never from the row position, so a missing month leaves a gap
instead of shifting every later month one step back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

__all__ = ["RateRatio", "InterruptedTimeSeries", "interrupted_time_series", "months_since_start"]

_FAMILIES = ("poisson", "quasipoisson", "negativebinomial")


@dataclass(frozen=True)
class RateRatio:
    """A multiplicative effect exp(b) with its Wald interval and p-value."""

    rate_ratio: float
    ci_low: float
    ci_high: float
    p_value: float


@dataclass(frozen=True)
class InterruptedTimeSeries:
    """Result of :func:`interrupted_time_series`."""

    family: str  # the family asked for
    family_used: str  # the family fitted: "poisson" when a negative binomial falls back (see `note`)
    note: str  # why family_used differs from family; "" when it does not
    step: RateRatio
    slope: RateRatio | None
    scale: float  # dispersion: 1 for Poisson, Pearson chi2 / df for quasi-Poisson
    params: pd.Series = field(repr=False)
    fitted: pd.Series = field(repr=False)  # expected counts
    model: object = field(repr=False, default=None)  # the statsmodels results


def months_since_start(year, month_of_year, start: tuple[int, int] | None = None) -> np.ndarray:
    """Months elapsed since `start` (year, month), default the earliest month given.

    Computed from the calendar, not from positions, so a gap in the series stays a gap.

    >>> months_since_start([2021, 2021, 2022], [1, 2, 9]).tolist()
    [0, 1, 20]
    >>> months_since_start([2022], [9], start=(2021, 1)).tolist()
    [20]
    """
    index = np.asarray(year, dtype=int) * 12 + np.asarray(month_of_year, dtype=int) - 1
    origin = index.min() if start is None else start[0] * 12 + start[1] - 1
    return index - origin


def _design(data, time, post, season, harmonics, period, slope) -> pd.DataFrame:
    t = data[time].astype(float)
    x = pd.DataFrame({"const": 1.0, "time": t, "post": data[post].astype(float)}, index=data.index)
    if slope:
        start = t[x["post"] > 0].min()
        x["post_slope"] = x["post"] * (t - start)
    if season is not None:
        angle = 2 * np.pi * data[season].astype(float) / period
        for k in range(1, harmonics + 1):
            x[f"sin{k}"] = np.sin(k * angle)
            x[f"cos{k}"] = np.cos(k * angle)
    return x


def _effect(params, bse, pvalues, name, z) -> RateRatio:
    b, se = params[name], bse[name]
    # A step fitted at the edge (no case at all after it) has a huge se: its upper limit is
    # infinite, which exp says without a warning once overflow is expected.
    with np.errstate(over="ignore"):
        return RateRatio(float(np.exp(b)), float(np.exp(b - z * se)), float(np.exp(b + z * se)),
                         float(pvalues[name]))


def interrupted_time_series(
    data: pd.DataFrame,
    *,
    count: str,
    time: str,
    post: str,
    offset: str | None = None,
    season: str | None = None,
    harmonics: int = 2,
    period: float = 12,
    slope: bool = False,
    family: str = "quasipoisson",
    alpha: float = 0.05,
) -> InterruptedTimeSeries:
    """Segmented Poisson-family regression of a count series around an intervention.

    Columns: `count` (cases), `time` (a running index, e.g. month number), `post` (0/1,
    1 from the intervention on), optional `offset` (exposure, e.g. population; enters as
    log offset so effects are on rates), optional `season` (month 1-12) modelled by
    `harmonics` Fourier pairs of the given `period`. ``slope=True`` adds a change in trend.
    family: "poisson"; "quasipoisson" (Poisson fit, scale = Pearson chi2 / df, as R's
    quasipoisson); "negativebinomial" (NB2 with the dispersion estimated by maximum
    likelihood). When the counts show no overdispersion the NB dispersion estimate sits on
    its boundary (alpha = 0), where NB2 is the Poisson model and its standard errors are
    unusable; the Poisson fit is then reported, with ``family_used="poisson"`` and a `note`
    saying why. The boundary is read from the score for alpha at 0 (Cameron & Trivedi
    1990): d loglik / d alpha = 1/2 sum((y - mu)^2 - y) at the Poisson fit mu, so alpha's
    estimate is 0 when that sum is <= 0. An NB fit that fails otherwise raises; the
    result never carries a silent NaN. Intervals are Wald: exp(b +/- z * se); p-values
    two-sided z tests (R's ``summary.glm`` uses t for quasi families, so its p-values are
    slightly larger).

    >>> df = pd.DataFrame({"t": range(1, 25), "post": [0] * 12 + [1] * 12,
    ...                    "n": [40, 44, 44, 40] * 3 + [20, 22, 22, 20] * 3})
    >>> its = interrupted_time_series(df, count="n", time="t", post="post", family="poisson")
    >>> round(its.step.rate_ratio, 2), its.step.p_value < 0.001
    (0.5, True)
    """
    if family not in _FAMILIES:
        raise ValueError(f"family must be one of {_FAMILIES}, got {family!r}")
    cols = [count, time, post] + [c for c in (offset, season) if c is not None]
    missing = [c for c in cols if c not in data.columns]
    if missing:
        raise ValueError(f'column "{missing[0]}" not found; columns are {list(data.columns)}')
    df = data.dropna(subset=cols)
    y = df[count].astype(float)
    if ((y < 0) | (y != np.round(y))).any():
        bad = y[(y < 0) | (y != np.round(y))].index[0]
        raise ValueError(f'row {bad}, column "{count}": {y[bad]!r} is not a count (whole number >= 0)')
    if not ((df[post] == 0).any() and (df[post] == 1).any()):
        raise ValueError(f'"{post}" must have both pre (0) and post (1) periods')
    x = _design(df, time, post, season, harmonics, period, slope)
    log_off = np.log(df[offset].astype(float)) if offset is not None else None
    poisson = sm.GLM(y, x, family=sm.families.Poisson(), offset=log_off)
    family_used, note = family, ""
    if family == "negativebinomial":
        res = poisson.fit()
        score = float(((y - res.fittedvalues) ** 2 - y).sum()) / 2  # d loglik / d alpha at alpha = 0
        if score <= 0:
            family_used = "poisson"
            note = (f"negative binomial dispersion estimate is 0 (the boundary): the counts are not "
                    f"overdispersed (score for the dispersion at 0 is {score:.3g} <= 0), so the "
                    f"negative binomial reduces to Poisson; the Poisson fit is reported")
        else:
            res = sm.NegativeBinomial(y, x, loglike_method="nb2", offset=log_off).fit(disp=0, maxiter=200)
            finite = np.isfinite(res.params).all() and np.isfinite(res.bse).all()
            if not (res.mle_retvals["converged"] and finite):
                raise RuntimeError(
                    f"negative binomial fit failed (converged={res.mle_retvals['converged']}, "
                    f"dispersion alpha={res.params['alpha']:.3g}, finite standard errors={finite}); "
                    f'use family="quasipoisson"')
    else:
        res = poisson.fit(scale="X2" if family == "quasipoisson" else None)
    params, bse, pvalues = res.params, res.bse, res.pvalues
    if family_used == "negativebinomial":
        scale, fitted = 1.0, pd.Series(res.predict(x, offset=log_off), index=df.index)
    else:
        scale, fitted = float(res.scale), res.fittedvalues
    z = stats.norm.ppf(1 - alpha / 2)
    step = _effect(params, bse, pvalues, "post", z)
    slope_rr = _effect(params, bse, pvalues, "post_slope", z) if slope else None
    return InterruptedTimeSeries(family, family_used, note, step, slope_rr, scale, params, fitted, res)
