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

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from wardstudy.evaluate.results import ShowsItself, frame

__all__ = ["RateRatio", "InterruptedTimeSeries", "interrupted_time_series", "months_since_start"]

_FAMILIES = ("poisson", "quasipoisson", "negativebinomial")


@dataclass(frozen=True)
class RateRatio:
    """A multiplicative effect exp(b) with its Wald interval and p-value."""

    rate_ratio: float
    ci_low: float
    ci_high: float
    p_value: float


@dataclass(frozen=True, repr=False)
class InterruptedTimeSeries(ShowsItself):
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

    def to_frame(self) -> pd.DataFrame:
        """One row per effect: method "its", term ("step"; "slope" when fitted), estimate (the
        rate ratio), ci_low, ci_high, p_value, family (the family fitted), note, then
        dispersion (`scale`).

        >>> its = InterruptedTimeSeries("quasipoisson", "quasipoisson", "", RateRatio(0.8, 0.6, 1.1, 0.2), None,
        ...                             1.5, pd.Series(dtype=float), pd.Series(dtype=float))
        >>> its.to_frame()[["method", "term", "estimate", "ci_low", "ci_high", "family", "dispersion"]]
          method  term  estimate  ci_low  ci_high        family  dispersion
        0    its  step       0.8     0.6      1.1  quasipoisson         1.5
        """
        effects = [("step", self.step)] + ([("slope", self.slope)] if self.slope is not None else [])
        return frame([{"method": "its", "term": term, "estimate": r.rate_ratio, "ci_low": r.ci_low,
                       "ci_high": r.ci_high, "p_value": r.p_value, "family": self.family_used, "note": self.note,
                       "dispersion": self.scale} for term, r in effects], extra=["term", "dispersion"])


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


# The negative binomial fit (NB2). Its dispersion alpha is estimated by maximum likelihood,
# which near alpha = 0 is a flat, ill-scaled problem: an optimiser's own "converged" flag
# there depends on the CPU's floating point (BFGS stopped at alpha 0.0012 on one machine and
# converged on another, on the same series). So the rule is stated on the solution, not on
# the optimiser: a fit is accepted when its parameters and standard errors are finite, alpha
# is positive, the Hessian is negative definite and the Newton decrement g' (-H)^-1 g (twice
# the log-likelihood still to gain by one more Newton step) is below NB_DECREMENT.
NB_DECREMENT = 1e-8
# Optimisers tried in turn, each from the Poisson fit: Newton (fast, exact Hessian), then
# Nelder-Mead (derivative-free, so no gradient tolerance to trip on) polished by Newton.
NB_OPTIMISERS = ("newton", "nm")
# A dispersion this small is the boundary: alpha * mean(mu) is the share by which the
# variance exceeds the Poisson variance at the mean count; below 1e-3 the negative binomial is
# the Poisson model to three digits, and its likelihood in alpha too flat to fit reliably.
NB_BOUNDARY = 1e-3


def _negative_binomial(y: pd.Series, x: pd.DataFrame, log_off, poisson) -> tuple[object, str, str]:
    """(results, family_used, note) of the NB2 fit of y on x, or the Poisson fit by the rule.

    Poisson (``family_used="poisson"``) when the dispersion is at its boundary:
    (1) the score for alpha at 0, S = 1/2 sum((y - mu)^2 - y) at the Poisson fit mu, is <= 0,
    so the maximum likelihood estimate of alpha is 0 (Cameron & Trivedi 1990); decided before
    any optimiser runs, so the same series gives the same answer on any machine; or
    (2) the fitted alpha * mean(mu) < NB_BOUNDARY. Otherwise the NB2 fit starts from the
    Poisson coefficients and the moment estimate alpha0 = sum((y - mu)^2 - y) / sum(mu^2)
    (> 0 when S > 0) and is accepted by the rule above NB_DECREMENT; when no optimiser of
    NB_OPTIMISERS gives an accepted fit, RuntimeError naming what each reached.
    """
    mu = poisson.fittedvalues
    score = float(((y - mu) ** 2 - y).sum()) / 2  # d loglik / d alpha at alpha = 0
    if score <= 0:
        return poisson, "poisson", (
            f"negative binomial dispersion estimate is 0 (the boundary): the counts are not overdispersed "
            f"(score for the dispersion at 0 is {score:.3g} <= 0), so the negative binomial reduces to "
            f"Poisson; the Poisson fit is reported")
    model = sm.NegativeBinomial(y, x, loglike_method="nb2", offset=log_off)
    start = np.r_[np.asarray(poisson.params, dtype=float), float(((y - mu) ** 2 - y).sum() / (mu ** 2).sum())]
    tried = []
    for method in NB_OPTIMISERS:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # judged below by the rule, not by the optimiser's warnings
                res = model.fit(start_params=start, method=method, maxiter=100 if method == "newton" else 5000,
                                disp=0)
                if method != "newton" and not _accepted(model, res):
                    res = model.fit(start_params=np.asarray(res.params), method="newton", maxiter=100, disp=0)
        except (np.linalg.LinAlgError, ValueError) as error:  # a step into alpha < 0 can break the Hessian
            tried.append(f"{method}: {error}")
            continue
        if _accepted(model, res):
            alpha = float(res.params["alpha"])
            if alpha * float(mu.mean()) < NB_BOUNDARY:
                return poisson, "poisson", (
                    f"negative binomial dispersion estimate {alpha:.3g} is at the boundary (alpha x mean count "
                    f"{alpha * float(mu.mean()):.2g} < {NB_BOUNDARY:g}): the negative binomial is the Poisson "
                    f"model there; the Poisson fit is reported")
            return res, "negativebinomial", ""
        tried.append(f"{method}: alpha={np.asarray(res.params)[-1]:.3g}, "
                     f"Newton decrement={_decrement(model, res):.3g}")
    raise RuntimeError(f"negative binomial fit failed by every optimiser ({'; '.join(tried)}); "
                       f'use family="quasipoisson"')


def _decrement(model, res) -> float:
    """g' (-H)^-1 g at the fit; inf when the Hessian is not negative definite or not finite."""
    params = np.asarray(res.params, dtype=float)
    g, h = model.score(params), model.hessian(params)
    if not (np.isfinite(g).all() and np.isfinite(h).all()):
        return np.inf
    try:
        chol = np.linalg.cholesky(-h)
    except np.linalg.LinAlgError:
        return np.inf
    v = np.linalg.solve(chol, g)
    return float(v @ v)


def _accepted(model, res) -> bool:
    params, bse = np.asarray(res.params, dtype=float), np.asarray(res.bse, dtype=float)
    return (np.isfinite(params).all() and np.isfinite(bse).all() and params[-1] > 0
            and _decrement(model, res) < NB_DECREMENT)


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
        res, family_used, note = _negative_binomial(y, x, log_off, res)
    else:
        res = poisson.fit()
        if family == "quasipoisson":
            dispersion = float(res.pearson_chi2 / res.df_resid)
            res = poisson.fit(scale=max(dispersion, 1.0))
            if dispersion < 1:
                note = (f"quasi-Poisson dispersion estimate {dispersion:.3g} is below 1; floored at 1 "
                        f"(Poisson standard errors), so an under-dispersed series does not narrow the interval")
    params, bse, pvalues = res.params, res.bse, res.pvalues
    if family_used == "negativebinomial":
        scale, fitted = 1.0, pd.Series(res.predict(x, offset=log_off), index=df.index)
    else:
        scale, fitted = float(res.scale), res.fittedvalues
    z = stats.norm.ppf(1 - alpha / 2)
    step = _effect(params, bse, pvalues, "post", z)
    slope_rr = _effect(params, bse, pvalues, "post_slope", z) if slope else None
    return InterruptedTimeSeries(family, family_used, note, step, slope_rr, scale, params, fitted, res)
