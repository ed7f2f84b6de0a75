"""Synthetic control (Abadie & Gardeazabal 2003; Abadie, Diamond & Hainmueller 2010).

A treated unit's counterfactual is a convex combination of donor units (weights >= 0,
summing to 1) that tracks it before treatment. The gap treated - synthetic after
treatment is the estimated effect; in-space placebos (every unit of the pool treated in
turn, each fitted from all the others) give its randomisation p-value.
"""

from __future__ import annotations

import inspect
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize

from wardstudy.evaluate.panel import wide_grid
from wardstudy.evaluate.results import ShowsItself, frame

__all__ = ["PlaceboTest", "SyntheticControl", "placebo_test", "synthetic_control"]


@dataclass(frozen=True, repr=False)
class SyntheticControl(ShowsItself):
    """Result of :func:`synthetic_control` (outcome units throughout, time as in the data)."""

    treated: object
    treatment_time: float
    weights: pd.Series = field(repr=False)  # by donor, >= 0, sum 1
    synthetic: pd.Series = field(repr=False)  # by time
    gaps: pd.Series = field(repr=False)  # treated - synthetic, by time
    pre_rmspe: float  # root mean squared gap over all periods before treatment_time
    post_rmspe: float  # the same from treatment_time on
    loss: float  # mean squared gap over the fitting periods (R Synth's loss.v)
    predictor_weights: pd.Series | None = field(default=None, repr=False)  # diagonal V

    @property
    def post_gap(self) -> float:
        """The mean gap (treated - synthetic) over the periods from treatment_time on, outcome units."""
        return float(self.gaps[self.gaps.index.to_numpy(dtype=float) >= self.treatment_time].mean())

    def to_frame(self) -> pd.DataFrame:
        """One row: method "synth", estimate (`post_gap`), then treated, treatment_time,
        pre_rmspe, post_rmspe, loss and n_donors (donors with a weight above 1e-6).

        >>> SyntheticControl("a", 2.0, pd.Series({"b": 0.5, "c": 0.5}), pd.Series({1: 1.0, 2: 2.0}),
        ...                  pd.Series({1: 0.0, 2: 3.0}), 0.0, 3.0, 0.0).to_frame()[["method", "estimate", "n_donors"]]
          method  estimate  n_donors
        0  synth       3.0         2
        """
        return frame([{"method": "synth", "estimate": self.post_gap, "treated": self.treated,
                       "treatment_time": self.treatment_time, "pre_rmspe": self.pre_rmspe,
                       "post_rmspe": self.post_rmspe, "loss": self.loss,
                       "n_donors": int((self.weights > 1e-6).sum())}],
                     extra=["treated", "treatment_time", "pre_rmspe", "post_rmspe", "loss", "n_donors"])


@dataclass(frozen=True, repr=False)
class PlaceboTest(ShowsItself):
    """In-space placebo test: each unit of the pool in turn treated, donors = all the others."""

    ratios: pd.Series = field(repr=False)  # post RMSPE / max(pre RMSPE, floor) by unit, the treated one included
    p_value: float  # share of units with a statistic >= the treated one's (treated counted)
    min_p_value: float  # 1 / (J + 1), the smallest p this design can give
    treated: object = None
    results: dict = field(repr=False, default_factory=dict)  # each unit's SyntheticControl
    floor: float = 0.0  # the pre-RMSPE floor (outcome units): 1e-6 x the outcome's RMS
    statistic: str = "ratio"  # what p ranks: "standardised" (|z| by unit) or "ratio" (`ratios`)
    z: pd.Series | None = field(repr=False, default=None)  # the standardised statistic by unit (signed)

    @property
    def statistics(self) -> pd.Series:
        """The statistic p ranks, by unit: |z| for "standardised", the ratio for "ratio"."""
        return self.ratios if self.statistic == "ratio" else self.z.abs()

    def to_frame(self) -> pd.DataFrame:
        """One row: method "synth_placebo", estimate (the treated unit's `SyntheticControl.post_gap`,
        NaN without its fit), p_value, min_p_value, n_assignments (the J + 1 units of the pool),
        then treated, ratio (the treated unit's post / pre RMSPE), statistic (what p ranks) and
        z (the treated unit's standardised statistic; NaN for the ratio statistic).

        >>> PlaceboTest(pd.Series({"a": 6.0, "b": 4.0, "c": 2.0}), 1 / 3, 1 / 3, "a").to_frame().iloc[:, :7]
                  method  estimate   p_value  min_p_value  n_assignments treated  ratio
        0  synth_placebo       NaN  0.333333     0.333333              3       a    6.0
        """
        fit = self.results.get(self.treated)
        z = np.nan if self.z is None else float(self.z.get(self.treated, np.nan))
        return frame([{"method": "synth_placebo", "estimate": np.nan if fit is None else fit.post_gap,
                       "p_value": self.p_value, "min_p_value": self.min_p_value, "n_assignments": len(self.ratios),
                       "treated": self.treated, "ratio": float(self.ratios.get(self.treated, np.nan)),
                       "statistic": self.statistic, "z": z}],
                     extra=["treated", "ratio", "statistic", "z"])


# --- the inner problem: weights on the simplex ------------------------------------------


def simplex_least_squares(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """argmin_w ||a w - b||^2 subject to w >= 0, sum(w) = 1 (a convex QP).

    Solved with scipy's Lawson-Hanson NNLS on the system augmented with a heavily
    weighted row M * (1'w - 1) (exact enough: the sum is off by ~1e-9, then rescaled).
    Deterministic.

    >>> a = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> simplex_least_squares(a, np.array([0.3, 0.7])).round(6).tolist()
    [0.3, 0.7]
    """
    scale = max(float(np.linalg.norm(a)), float(np.linalg.norm(b)), 1e-12)
    big = 1e4 * scale
    aug_a = np.vstack([a, np.full((1, a.shape[1]), big)])
    aug_b = np.append(b, big)
    w, _ = optimize.nnls(aug_a, aug_b, maxiter=50 * a.shape[1])
    total = w.sum()
    if total <= 0:
        return np.full(a.shape[1], 1.0 / a.shape[1])
    return w / total


# --- data preparation -----------------------------------------------------------------


def _outcome_wide(data, unit, time, outcome) -> pd.DataFrame:
    units, times, wide = wide_grid(data, unit, time, outcome)
    return pd.DataFrame(wide, index=pd.Index(units, name=unit), columns=pd.Index(times, name=time))


def _rms(x: np.ndarray) -> float:
    """sqrt(mean(x^2)) over the non-missing values; NaN if there are none."""
    x = x[~np.isnan(x)]
    return float(np.sqrt(np.dot(x, x) / len(x))) if len(x) else float("nan")


def _predictor_matrix(data, unit, time, predictors, default_years, units) -> pd.DataFrame:
    """Rows = predictors (mean over their years, NaN skipped, as Synth's dataprep), cols = units."""
    rows = {}
    for spec in predictors:
        if isinstance(spec, str):
            col, years = spec, default_years
        else:
            col, years = spec[0], spec[1]
            if len(spec) > 2 and spec[2] != "mean":
                raise ValueError(f"only the 'mean' aggregation is supported, got {spec[2]!r}")
        if col not in data.columns:
            raise ValueError(f'predictor column "{col}" not found')
        years = np.atleast_1d(np.asarray(years, dtype=float))
        sel = data[data[time].astype(float).isin(years)]
        values = sel.groupby(unit)[col].mean().reindex(units)
        label = col if isinstance(spec, str) else f"{col} {years.min():g}-{years.max():g}"
        if values.isna().any():
            raise ValueError(f"predictor {label}: no values for {values[values.isna()].index[0]!r}")
        rows[label] = values
    return pd.DataFrame(rows).T


# --- the outer problem: predictor weights V ---------------------------------------------


def _weights_for_v(v, x1, x0):
    root = np.sqrt(np.abs(v) / np.abs(v).sum())
    return simplex_least_squares(root[:, None] * x0, root * x1)


def _loss_for_v(v, x1, x0, z1, z0):
    if not np.all(np.isfinite(v)) or np.abs(v).sum() == 0:
        return np.inf
    w = _weights_for_v(v, x1, x0)
    return float(np.mean((z1 - z0 @ w) ** 2))


def _regression_start(x1, x0, z1, z0):
    """R Synth's second start: diag(B B') of the regression of outcomes on predictors."""
    xall = np.column_stack([np.ones(x0.shape[1] + 1), np.column_stack([x1, x0]).T])
    zall = np.column_stack([z1, z0]).T
    beta, *_ = np.linalg.lstsq(xall, zall, rcond=None)
    sv = np.sum(beta[1:] ** 2, axis=1)
    return sv / sv.sum() if sv.sum() > 0 else None


_OPTIMISERS = {
    # R optim's defaults as Synth calls them: Nelder-Mead and BFGS with ndeps = 1e-3.
    "Nelder-Mead": {"method": "Nelder-Mead",
                    "options": {"maxiter": 20000, "adaptive": True, "xatol": 1e-8, "fatol": 1e-12}},
    "BFGS": {"method": "BFGS", "options": {"eps": 1e-3, "maxiter": 100}},
    "Powell": {"method": "Powell", "options": {"xtol": 1e-8, "ftol": 1e-12}},
}


def _fit_v(x1, x0, z1, z0, n_starts, seed, methods):
    k = len(x1)
    starts = [np.full(k, 1.0 / k)]
    reg = _regression_start(x1, x0, z1, z0)
    if reg is not None:
        starts.append(reg)
    rng = np.random.default_rng(seed)
    starts = starts[:n_starts] + list(rng.dirichlet(np.ones(k), size=max(0, n_starts - len(starts))))
    best_v, best_loss = starts[0], _loss_for_v(starts[0], x1, x0, z1, z0)
    for start in starts:
        for name in methods:
            res = optimize.minimize(_loss_for_v, start, args=(x1, x0, z1, z0), **_OPTIMISERS[name])
            if res.fun < best_loss:
                best_v, best_loss = res.x, res.fun
    return np.abs(best_v) / np.abs(best_v).sum()


# --- public API ---------------------------------------------------------------------


def synthetic_control(
    data: pd.DataFrame,
    *,
    unit: str,
    time: str,
    outcome: str,
    treated,
    treatment_time,
    predictors=None,
    donors=None,
    predictor_years=None,
    optimize_years=None,
    n_starts: int = 2,
    methods=("Nelder-Mead", "BFGS"),
    seed: int = 0,
) -> SyntheticControl:
    """Synthetic control for one treated unit from a long panel.

    Donors: `donors`, or every unit other than `treated` (drop aggregates such as a
    country total yourself). Pre-period: times < `treatment_time`.

    * ``predictors=None``: W = argmin ||Y1 - Y0 W||^2 over the pre-period outcomes (or
      `optimize_years`), W on the simplex. A convex QP, solved deterministically.
    * With predictors (R Synth): each is a column name (mean over `predictor_years`,
      default the pre-period) or ``(column, years)`` / ``(column, years, "mean")``.
      Predictors are scaled by their standard deviation across units. Inner problem:
      W(V) = argmin (X1 - X0 W)' V (X1 - X0 W) on the simplex; outer: diagonal V >= 0
      minimising the mean squared outcome gap over `optimize_years` (default the
      pre-period). The outer problem is not convex. Starts: equal V, then Synth's
      regression-based V, then seeded random ones, `n_starts` in all; from each, every
      optimiser in `methods` ("Nelder-Mead", "BFGS", "Powell"); the lowest loss is kept.
      The defaults (2 starts x Nelder-Mead, BFGS) follow R Synth and reproduce its
      published Basque weights; more starts or Powell can find a lower loss with
      different weights (the V problem has many local optima), so report the choice.

    gaps = Y1 - Y0 W by time; pre/post RMSPE = sqrt(mean(gaps^2)) before / from treatment.

    >>> df = pd.DataFrame({"u": list("aabbcc"), "t": [1, 2] * 3,
    ...                    "y": [1.0, 5.0, 0.0, 1.0, 2.0, 3.0]})
    >>> r = synthetic_control(df, unit="u", time="t", outcome="y", treated="a", treatment_time=2)
    >>> r.weights.round(3).to_dict(), float(r.gaps.loc[2].round(3))
    ({'b': 0.5, 'c': 0.5}, 3.0)
    """
    return _fit(data, _outcome_wide(data, unit, time, outcome), unit=unit, time=time, outcome=outcome,
                treated=treated, treatment_time=treatment_time, predictors=predictors, donors=donors,
                predictor_years=predictor_years, optimize_years=optimize_years, n_starts=n_starts,
                methods=methods, seed=seed)


def _fit(data, wide, *, unit, time, outcome, treated, treatment_time, predictors, donors, predictor_years,
         optimize_years, n_starts, methods, seed) -> SyntheticControl:
    """:func:`synthetic_control` on `wide` (= _outcome_wide(data, unit, time, outcome)), pivoted once."""
    row = {u: i for i, u in enumerate(wide.index)}  # positions: plain lookups, no pandas indexing
    if treated not in row:
        raise ValueError(f"treated unit {treated!r} is not in column {unit!r}")
    donor_ids = [u for u in (wide.index if donors is None else donors) if u != treated]
    missing = [u for u in donor_ids if u not in row]
    if missing:
        raise ValueError(f"donor {missing[0]!r} is not in column {unit!r}")
    if len(donor_ids) < 1:
        raise ValueError("need at least one donor unit")
    times = wide.columns.to_numpy(dtype=float)
    pre = times < float(treatment_time)
    if not pre.any():
        raise ValueError(f"no periods before treatment_time {treatment_time!r}")
    fit_times = times[pre] if optimize_years is None else np.asarray(optimize_years, dtype=float)
    fit = np.isin(times, fit_times)
    values, donor_rows = wide.to_numpy(float), np.array([row[u] for u in donor_ids], dtype=int)
    y1 = values[row[treated]]
    y0 = values[donor_rows].T  # times x donors
    if np.isnan(y1[fit]).any() or np.isnan(y0[fit]).any():
        raise ValueError(f"{outcome} is missing in a fitting period; fill or drop that unit")
    z1, z0 = y1[fit], y0[fit]
    v_series = None
    if predictors is None:
        w = simplex_least_squares(z0, z1)
    else:
        default_years = times[pre] if predictor_years is None else predictor_years
        xm = _predictor_matrix(data, unit, time, predictors, default_years, [treated, *donor_ids])
        xv = xm.to_numpy(float)
        sd = xv.std(axis=1, ddof=1)
        xv = xv / np.where(sd > 0, sd, 1.0)[:, None]
        x1, x0 = xv[:, 0], xv[:, 1:]
        unknown = [m for m in methods if m not in _OPTIMISERS]
        if unknown:
            raise ValueError(f"unknown optimiser {unknown[0]!r}; choose from {list(_OPTIMISERS)}")
        v = _fit_v(x1, x0, z1, z0, n_starts, seed, methods)
        w = _weights_for_v(v, x1, x0)
        v_series = pd.Series(v, index=xm.index, name="v")
    g = y1 - y0 @ w
    synth = pd.Series(y0 @ w, index=wide.columns, name="synthetic")
    gaps = pd.Series(g, index=wide.columns, name="gap")
    return SyntheticControl(
        treated=treated,
        treatment_time=float(treatment_time),
        weights=pd.Series(w, index=wide.index.take(donor_rows), name="weight"),
        synthetic=synth,
        gaps=gaps,
        pre_rmspe=_rms(g[pre]),
        post_rmspe=_rms(g[~pre]),
        loss=float(np.mean(g[fit] ** 2)),
        predictor_weights=v_series,
    )


_STATISTICS = ("standardised", "ratio")


def placebo_test(data: pd.DataFrame, *, unit: str, treated, donors=None, statistic: str | None = None,
                 count: str | None = None, exposure: str | None = None, **kwargs) -> PlaceboTest:
    """In-space placebo (permutation) test of a synthetic control (ADH 2010, section 2.4).

    Takes the arguments of :func:`synthetic_control`. The pool is the treated unit and its J
    donors (`donors`, default every other unit). Each of the J + 1 units is in turn treated
    and fitted from all the other J units of the pool, the truly treated unit included, as
    in Abadie, Diamond & Hainmueller (2010). Every unit is thus fitted by the same rule from
    the same number of donors, so when the programme did nothing and the units are
    exchangeable, the treated unit's rank among the J + 1 statistics is uniform and the test
    is exact: P(p <= k / (J + 1)) <= k / (J + 1). (Leaving the treated unit out of the
    placebos' pools gives it one donor more than any placebo, a better pre-period fit, a
    larger ratio and too many rejections.) A real effect also moves the placebos that put
    weight on the treated unit; that costs power, not validity.

    Statistic (default ``"standardised"`` when `count` and `exposure` are given; without
    them ``"ratio"``, with a warning, since it holds its level only among units of one size):

    * ``"standardised"``, for an outcome that is a rate count / exposure (times any constant,
      e.g. per 1,000): unit k's synthetic-control gaps computed on the rates r = count /
      exposure with its fitted weights w, g_t = r_kt - sum_j w_j r_jt, and the contrast
      z_k = (mean of g_t from treatment_time on - mean of g_t before) / se, with the Poisson
      se under no effect: Var(g_t) = own_k / exposure_kt + sum_j w_j^2 own_j / exposure_jt,
      own_k the unit's rate over all its periods (count and exposure summed), the weights
      taken as given, se = sqrt(sum_t c_t^2 Var(g_t)) for the contrast's coefficients c_t
      (1 / n_post and -1 / n_pre). p ranks |z| (two-sided). As the DiD's standardised test
      (`did.did_permutation_test`): a ward's rate has Poisson variance rate / residents, so
      unscaled gaps make a small ward's noise look like an effect and a large ward's fit
      look too good; over its own se every unit's statistic has mean 0 and variance about 1
      under no effect, whatever its size. The pre-period mean is subtracted so that a unit
      outside its donors' hull (a level no mix of donors reaches) is not ranked by that
      level. Periods whose gap is undefined (a unit or donor with no value) are left out.
      Limits: counts assumed Poisson; the weights' own noise (they are fitted to the pre-
      period) is not in the se, the same for every unit. In no-effect worlds with treated
      wards of 0.5, 1 and 2 times their donors' size, J = 5 and 7, Poisson and overdispersed
      counts, its size is within level + 2 Monte-Carlo SE (tests/test_calibration_synth.py,
      benchmarks/bench_calibration_synth.py), where the ratio rejects 0.25 at level 1/6 for
      a ward of twice its donors' size (J = 5).
    * ``"ratio"`` (the earlier default): ratio = post RMSPE / max(pre RMSPE, floor), with the RMSPEs of
      :func:`synthetic_control` (outcome units) and floor = 1e-6 x the root mean square of the
      outcome over the pool's units and periods (1 if that is 0). Unit-free and two-sided.
      Dividing by the pre-period RMSPE sets each unit's post-period gap against how well it
      could be fitted at all; but a ward's noise scales with its size, and the ratio does not
      remove that: with Poisson counts a treated ward of half its donors' size is rejected at
      0.5-0.8 x the level, one of twice their size at 1.5 x (issue 23). The floor only
      matters for a perfect pre-period fit (the solver leaves ~1e-11 of the scale; it happens
      when a unit matches a donor exactly, or lies inside the donors' hull because there are
      more donors than pre-periods): such units are then ranked by their post RMSPE instead
      of dividing by 0. The ratios are computed (`ratios`) whichever statistic p ranks.

    p = (number of units with a statistic >= the treated unit's) / (J + 1), the treated unit
    counted and ties (within a relative 1e-9) counted against it, so the smallest attainable
    p is min_p_value = 1 / (J + 1). ValueError if a unit has no outcome from treatment_time on,
    or (standardised) a count that is not a whole number >= 0 or an exposure that is not > 0
    where the outcome is given.

    Example: a = 1, 5; b = 0, 1; c = 2, 3 at t = 1, 2, treated from t = 2. a is matched
    exactly by b/2 + c/2 (pre RMSPE 0; post gap 5 - 2 = 3); b's nearest mix is a (gap -1,
    then 1 - 5 = -4: ratio 4); c's is a (gap 1, then 3 - 5 = -2: ratio 2). a's ratio is
    3 / floor, floor = 1e-6 x sqrt(40 / 6): a ranks first of 3.

    >>> df = pd.DataFrame({"u": list("aabbcc"), "t": [1, 2] * 3,
    ...                    "y": [1.0, 5.0, 0.0, 1.0, 2.0, 3.0]})
    >>> r = placebo_test(df, unit="u", time="t", outcome="y", treated="a", treatment_time=2, statistic="ratio")
    >>> r.ratios.round(1).to_dict(), round(r.p_value, 3), round(r.min_p_value, 3)
    ({'a': 1161895.0, 'b': 4.0, 'c': 2.0}, 0.333, 0.333)

    The same values as counts with an exposure of 1: a's contrast is 3 - 0 = 3, own rates
    are a 3, b 0.5, c 2.5, so Var(g_t) = 3 + 0.5^2 x 0.5 + 0.5^2 x 2.5 = 3.75 in each period
    and z_a = 3 / sqrt(7.5) = 1.095; b (from a: contrast -4 - (-1) = -3, Var 0.5 + 3 each
    period) has z = -3 / sqrt(7) = -1.134, c (from a: -2 - 1 = -3, Var 2.5 + 3) -3 / sqrt(11).
    b's |z| is larger than a's: a ranks second of 3.

    >>> r = placebo_test(df.assign(n=1.0), unit="u", time="t", outcome="y", treated="a", treatment_time=2,
    ...                  count="y", exposure="n")
    >>> r.z.round(3).to_dict(), round(r.p_value, 3)
    ({'a': 1.095, 'b': -1.134, 'c': -0.905}, 0.667)
    """
    if statistic is None:
        if count is None or exposure is None:
            warnings.warn('placebo_test: no count and exposure columns, so the placebo p ranks the post/pre RMSPE '
                          'ratio, which holds its level only among units of one size (it over-rejects for a '
                          'treated unit larger than its donors); for a rate pass count="..." and exposure="..." '
                          '(the standardised statistic), or statistic="ratio" to choose the ratio',
                          UserWarning, stacklevel=2)
            statistic = "ratio"
        else:
            statistic = "standardised"
    if statistic not in _STATISTICS:
        raise ValueError(f"statistic must be one of {_STATISTICS}, got {statistic!r}")
    if statistic == "standardised" and (count is None or exposure is None):
        raise ValueError('statistic="standardised" needs the count and exposure columns: '
                         'pass count="..." and exposure="..."')
    all_units = pd.unique(data[unit])
    donor_ids = [u for u in dict.fromkeys(all_units if donors is None else donors) if u != treated]
    pool = [treated, *donor_ids]
    args = inspect.signature(synthetic_control).bind(data, unit=unit, treated=treated, donors=donor_ids, **kwargs)
    args.apply_defaults()
    args = args.arguments
    wide = _outcome_wide(data, unit, args["time"], args["outcome"])  # once, not once per unit
    results = {}
    for u in pool:
        results[u] = _fit(wide=wide, **{**args, "treated": u, "donors": [v for v in pool if v != u]})
        if not np.isfinite(results[u].post_rmspe):
            raise ValueError(f"{unit}={u!r} has no {args['outcome']} value from treatment_time "
                             f"{args['treatment_time']!r} on: there is no post-period gap to test")
    values = wide.loc[pool].to_numpy(float)
    scale = _rms(values.ravel())
    floor = 1e-6 * scale if scale > 0 else 1.0  # scale is NaN only if the pool has no outcome at all
    ratios = pd.Series({u: r.post_rmspe / max(r.pre_rmspe, floor) for u, r in results.items()}, name="ratio")
    ratios.index.name = unit
    z = None
    if statistic == "standardised":
        z = _standardised_gaps(data, wide, results, pool, unit=unit, time=args["time"], count=count,
                               exposure=exposure, treatment_time=float(args["treatment_time"]))
        ranked = z.abs()
    else:
        ranked = ratios
    p = float(np.mean(ranked.to_numpy() >= ranked[treated] * (1 - 1e-9)))
    return PlaceboTest(ratios=ratios, p_value=p, min_p_value=1.0 / len(ratios), treated=treated,
                       results=results, floor=floor, statistic=statistic, z=z)


def _standardised_gaps(data, wide, results, pool, *, unit, time, count, exposure, treatment_time) -> pd.Series:
    """Each unit's standardised contrast z (see `placebo_test`), signed, by unit of `pool`."""
    for name in (count, exposure):
        if name not in data.columns:
            raise ValueError(f'column "{name}" not found; columns are {list(data.columns)}')
    # The pool's rows of `wide`, and each data row's cell in it, by position (no pandas lookups:
    # the calibration tests run this thousands of times).
    at = {u: i for i, u in enumerate(wide.index)}
    order = np.array([at[u] for u in pool])
    row = pd.Index(pool).get_indexer(data[unit])
    col = pd.Index(wide.columns.to_numpy(float)).get_indexer(data[time].to_numpy(float))
    kept = (row >= 0) & (col >= 0)
    c, e = (np.full((len(pool), wide.shape[1]), np.nan) for _ in range(2))
    c[row[kept], col[kept]] = data[count].to_numpy(float)[kept]
    e[row[kept], col[kept]] = data[exposure].to_numpy(float)[kept]
    given = ~np.isnan(wide.to_numpy(float)[order])
    for name, values, bad, rule in [(count, c, given & (~(c >= 0) | (np.abs(c - np.round(c)) > 1e-9)),
                                     "a count (whole number >= 0)"),
                                    (exposure, e, given & ~(e > 0), "> 0")]:
        if bad.any():
            r, k = np.argwhere(bad)[0]
            when = wide.columns[k]
            when = int(when) if float(when) == round(float(when)) else float(when)
            raise ValueError(f'column "{name}": {values[r, k]:g} for {unit}={pool[r]!r}, {time}={when} '
                             f"must be {rule} (the standardised statistic needs it wherever the outcome is given)")
    c, e = np.where(given, c, np.nan), np.where(given, e, np.nan)
    rate = c / e
    own = np.nansum(c, axis=1) / np.nansum(e, axis=1)
    var = own[:, None] / e  # Poisson variance of each rate under no effect
    post = wide.columns.to_numpy(float) >= treatment_time
    index = {u: i for i, u in enumerate(pool)}
    z = {}
    for u, fit in results.items():
        k, donors = index[u], [index[d] for d in fit.weights.index]
        w = fit.weights.to_numpy(float)
        gap = rate[k] - w @ rate[donors]
        v = var[k] + (w**2) @ var[donors]
        ok = ~np.isnan(gap)
        n_post, n_pre = (ok & post).sum(), (ok & ~post).sum()
        coef = np.where(post, 1 / max(n_post, 1), -1 / max(n_pre, 1)) * ok
        if n_pre == 0:
            coef = np.where(post, coef, 0.0)
        contrast = float(np.nansum(coef * gap))
        se = float(np.sqrt(np.nansum(coef**2 * v)))
        z[u] = contrast / se if se > 0 else 0.0  # se = 0: every count compared is 0
    return pd.Series(z, name="z").rename_axis(unit)
