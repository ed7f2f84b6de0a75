"""Staggered difference-in-differences (Callaway & Sant'Anna 2021), without covariates.

Wards join the programme in different years (cohorts). For each cohort g and period t,
ATT(g, t) compares the outcome change of cohort g with the change of a control group
over the same two periods. Without covariates, the doubly-robust, IPW and
outcome-regression estimators of the paper all reduce to the difference of mean changes

    ATT(g, t) = mean(Y_t - Y_b | G = g) - mean(Y_t - Y_b | C = 1),

with the "varying" base period b = t - 1 before treatment and b = g - 1 from g on.
Standard errors come from the influence function, as R ``did`` with ``bstrap = FALSE``.
With a single ward in a cohort that variance ignores the treated ward's own noise, so
:func:`did_permutation_test` offers randomisation inference across units instead: about
the simple aggregate or, with ``at_time``, the ATT(g, t) of one period, by default
(``statistic="standardised"``) on the ATT of rates divided by its Poisson standard error,
which keeps the test's level when the units differ in size, or, when asked for, on the
ATT itself (``statistic="difference"``).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from wardstudy.evaluate.panel import show as _show
from wardstudy.evaluate.panel import wide_grid
from wardstudy.evaluate.results import ShowsItself, finite_or_nan, frame

__all__ = [
    "staggered_did",
    "att_coefficients",
    "aggregate_did",
    "DidAggregate",
    "did_permutation_test",
    "PermutationResult",
]

_CONTROL_GROUPS = ("never_treated", "not_yet_treated")


@dataclass(frozen=True, eq=False)
class _Influence:
    """Kept in ``result.attrs["did"]``: what :func:`aggregate_did` needs."""

    influence: np.ndarray  # n_units x n_cells, R's (n / n1)-scaled influence functions
    unit_cohort: np.ndarray  # per unit; 0 = never treated
    units: np.ndarray
    alpha: float = 0.05


@dataclass(frozen=True)
class _Panel:
    units: np.ndarray
    times: np.ndarray
    y: np.ndarray  # units x times
    cohort: np.ndarray  # per unit, inf = never treated


def _wide_panel(data: pd.DataFrame, unit: str, time: str, cohort: str, outcome: str) -> _Panel:
    units, times, y = wide_grid(data, unit, time, outcome, needed=(cohort,))
    if np.isnan(y).any():
        r, c = np.argwhere(np.isnan(y))[0]
        raise ValueError(
            f"unbalanced or missing panel: no {outcome} for {unit}={_show(units[r])}, {time}={_show(times[c])} "
            "(the estimator needs every unit in every period)"
        )
    row = pd.Index(units).get_indexer(data[unit])
    given = data[cohort].to_numpy(float)
    known = ~np.isnan(given)
    low, high = np.full(len(units), np.inf), np.full(len(units), -np.inf)
    np.minimum.at(low, row[known], given[known])
    np.maximum.at(high, row[known], given[known])
    varying = np.flatnonzero(np.isfinite(low) & (low != high))
    if len(varying):
        raise ValueError(f'"{cohort}" must be constant within a unit; it varies for {_show(units[varying[0]])}')
    g = np.where(np.isfinite(low), low, np.nan)
    times = np.asarray(times, dtype=float)
    g = np.where(np.isnan(g) | (g == 0) | (g > times[-1]), np.inf, g)
    keep = g > times[0]  # R did drops units treated in the first period
    return _Panel(units[keep], times, y[keep], g[keep])


def _cells(times: np.ndarray, groups: np.ndarray):
    """(group, time index, base index) for every ATT(g, t), varying base period."""
    for g in groups:
        last_pre = int(np.flatnonzero(times < g)[-1])
        for ti in range(1, len(times)):
            base = ti - 1 if times[ti] < g else last_pre
            yield g, ti, base


def _control_mask(cohort, g, t, control_group):
    never = np.isinf(cohort)
    if control_group == "never_treated":
        return never
    return never | ((cohort > t) & (cohort != g))


def _attgt_core(panel: _Panel, cohort: np.ndarray, control_group: str, with_influence: bool):
    groups = np.unique(cohort[np.isfinite(cohort)])
    n = len(cohort)
    rows, infl = [], []
    for g, ti, base in _cells(panel.times, groups):
        treated = cohort == g
        control = _control_mask(cohort, g, panel.times[ti], control_group)
        dy = panel.y[:, ti] - panel.y[:, base]
        n_t, n_c = int(treated.sum()), int(control.sum())
        if n_t == 0 or n_c == 0:
            att, inf_i = np.nan, np.full(n, np.nan)
        else:
            mu1, mu0 = dy[treated].mean(), dy[control].mean()
            att = mu1 - mu0
            if with_influence:
                n1 = n_t + n_c
                p = n_t / n1
                inf_i = np.zeros(n)
                inf_i[treated] = (dy[treated] - mu1) / p
                inf_i[control] = -(dy[control] - mu0) / (1 - p)
                inf_i *= n / n1
        rows.append((g, panel.times[ti], panel.times[base], att, n_t, n_c))
        if with_influence:
            infl.append(inf_i)
    frame = pd.DataFrame(rows, columns=["group", "time", "base_time", "att", "n_treated", "n_control"])
    return frame, (np.column_stack(infl) if infl else np.zeros((n, 0)))


def staggered_did(
    data: pd.DataFrame,
    *,
    unit: str,
    time: str,
    cohort: str,
    outcome: str,
    control_group: str = "never_treated",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Group-time average treatment effects ATT(g, t) of Callaway & Sant'Anna (2021).

    `data` is a balanced long panel (one row per unit and period). `cohort` is the first
    treated period of the unit; 0 or NaN = never treated, and a cohort after the last
    period counts as never treated (as R ``did``); units treated in the first period are
    dropped (no pre-period). Controls: never-treated units, or with
    ``control_group="not_yet_treated"`` also units with cohort > t (other than g).

    att = mean change of cohort g minus mean change of the controls between the base
    period (t-1 before g, g-1 from g on) and t. se = sqrt(sum_i psi_i^2) / n, with psi the
    influence function (R ``did``, ``bstrap = FALSE``). Units: those of `outcome`.

    Returns a DataFrame: group, time, base_time, att, se, ci_low, ci_high (pointwise
    normal), n_treated, n_control, single_unit_cohort (True when the cohort has one
    unit: its se ignores that unit's own variance; use :func:`did_permutation_test`).
    ``attrs["did"]`` keeps the influence functions for :func:`aggregate_did`.

    >>> df = pd.DataFrame({"ward": [1, 1, 2, 2, 3, 3], "year": [1, 2] * 3,
    ...                    "g": [2, 2, 0, 0, 0, 0], "y": [5., 9., 5., 6., 4., 6.]})
    >>> staggered_did(df, unit="ward", time="year", cohort="g", outcome="y")[["group", "time", "att"]]
       group  time  att
    0      2     2  2.5
    """
    if control_group not in _CONTROL_GROUPS:
        raise ValueError(f"control_group must be one of {_CONTROL_GROUPS}, got {control_group!r}")
    panel = _wide_panel(data, unit, time, cohort, outcome)
    if len(panel.times) < 2:
        raise ValueError("need at least two periods")
    frame, infl = _attgt_core(panel, panel.cohort, control_group, with_influence=True)
    n = len(panel.units)
    frame["se"] = np.sqrt((infl**2).sum(axis=0)) / n
    z = stats.norm.ppf(1 - alpha / 2)
    frame["ci_low"] = frame["att"] - z * frame["se"]
    frame["ci_high"] = frame["att"] + z * frame["se"]
    frame["single_unit_cohort"] = frame["n_treated"] == 1
    if np.all(panel.times == np.round(panel.times)):  # years stay years: 2023, not 2023.0
        frame = frame.astype({"group": int, "time": int, "base_time": int})
    frame = frame[["group", "time", "base_time", "att", "se", "ci_low", "ci_high",
                   "n_treated", "n_control", "single_unit_cohort"]]
    unit_cohort = np.where(np.isinf(panel.cohort), 0.0, panel.cohort)
    frame.attrs["did"] = _Influence(infl, unit_cohort, panel.units, alpha)
    if frame["single_unit_cohort"].any():
        frame.attrs["note"] = (
            "a cohort has a single unit: its analytic se ignores that unit's own variance; "
            "use did_permutation_test for inference"
        )
    return frame


def att_coefficients(data: pd.DataFrame, *, unit: str, time: str, cohort: str, outcome: str,
                     control_group: str = "never_treated") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each ATT(g, t) of :func:`staggered_did` as a weighted sum of the outcome.

    Returns (units, times, coef) with coef[c] (units x times) such that the c-th row of
    ``staggered_did(...)`` has att = sum(coef[c] * y): +1/n_g and -1/n_g on the cohort's
    units in t and the base period, -1/n_c and +1/n_c on its controls (NaN-free; a cell
    without treated or control units is all zero). Units and times in the estimator's order.

    >>> df = pd.DataFrame({"ward": [1, 1, 2, 2, 3, 3], "year": [1, 2] * 3,
    ...                    "g": [2, 2, 0, 0, 0, 0], "y": [5., 9., 5., 6., 4., 6.]})
    >>> att_coefficients(df, unit="ward", time="year", cohort="g", outcome="y")[2][0]
    array([[-1. ,  1. ],
           [ 0.5, -0.5],
           [ 0.5, -0.5]])
    """
    if control_group not in _CONTROL_GROUPS:
        raise ValueError(f"control_group must be one of {_CONTROL_GROUPS}, got {control_group!r}")
    panel = _wide_panel(data, unit, time, cohort, outcome)
    groups = np.unique(panel.cohort[np.isfinite(panel.cohort)])
    coefs = []
    for g, ti, base in _cells(panel.times, groups):
        coef = np.zeros_like(panel.y)
        treated = panel.cohort == g
        control = _control_mask(panel.cohort, g, panel.times[ti], control_group)
        if treated.any() and control.any():
            coef[treated, ti] += 1 / treated.sum()
            coef[treated, base] -= 1 / treated.sum()
            coef[control, ti] -= 1 / control.sum()
            coef[control, base] += 1 / control.sum()
        coefs.append(coef)
    return panel.units, panel.times, np.array(coefs).reshape(len(coefs), *panel.y.shape)


# --- aggregation (R did::aggte) -------------------------------------------------------


@dataclass(frozen=True)
class DidAggregate:
    """An aggregate of ATT(g, t): overall `att`, `se` and a per-level `table`.

    influence: the overall estimate's influence function, one value per unit of `units`
    (se = sqrt(mean(influence^2) / n)); unit_cohort: each unit's cohort (0 = never treated).
    """

    kind: str
    att: float
    se: float
    table: pd.DataFrame = field(repr=False)
    influence: np.ndarray | None = field(default=None, repr=False)
    units: np.ndarray | None = field(default=None, repr=False)
    unit_cohort: np.ndarray | None = field(default=None, repr=False)
    level_influence: np.ndarray | None = field(default=None, repr=False)  # units x rows of `table`


def _weight_influence(keep, pg, unit_cohort, cell_group):
    """Influence of estimating the cohort-share weights pg (R did's ``wif``)."""
    ind = (unit_cohort[:, None] == cell_group[keep][None, :]).astype(float) - pg[keep][None, :]
    total = pg[keep].sum()
    return ind / total - np.outer(ind.sum(axis=1), pg[keep] / total**2)


def _combine(att, infl, keep, weights, wif=None):
    psi = infl[:, keep] @ weights
    if wif is not None:
        psi = psi + wif @ att[keep]
    return psi


def _se(psi):
    n = len(psi)
    return float(np.sqrt(np.mean(psi**2) / n))


def aggregate_did(result: pd.DataFrame, kind: str = "simple") -> DidAggregate:
    """Aggregate ATT(g, t) as R ``did::aggte`` does, with influence-function SEs.

    Weights pg = share of all units in cohort g.
    * ``simple``: sum(pg * att) / sum(pg) over post-treatment cells (t >= g); its se
      includes the influence of estimating pg.
    * ``group``: per cohort, the mean of its post-treatment ATTs; overall = pg-weighted.
    * ``dynamic``: per event time e = t - g, pg-weighted mean; overall = mean over e >= 0.
    * ``calendar``: per period t, pg-weighted mean of treated cohorts; overall = mean.
    Returns :class:`DidAggregate`; `table` has level, att, se (level NaN for simple).

    >>> df = pd.DataFrame({"ward": [1, 1, 2, 2, 3, 3], "year": [1, 2] * 3,
    ...                    "g": [2, 2, 0, 0, 0, 0], "y": [5., 9., 5., 6., 4., 6.]})
    >>> aggregate_did(staggered_did(df, unit="ward", time="year", cohort="g", outcome="y")).att
    2.5
    """
    info = result.attrs.get("did")
    if not isinstance(info, _Influence):
        raise ValueError("aggregate_did needs the output of staggered_did (attrs['did'] is missing)")
    group = result["group"].to_numpy(float)
    t = result["time"].to_numpy(float)
    att = result["att"].to_numpy(float)
    infl, uc = info.influence, info.unit_cohort
    glist = np.unique(group)
    pg_g = np.array([np.mean(uc == g) for g in glist])
    pg = pg_g[np.searchsorted(glist, group)]
    post = group <= t

    def level(keep, with_wif=True):
        keep = np.flatnonzero(keep)
        w = pg[keep] / pg[keep].sum()
        wif = _weight_influence(keep, pg, uc, group) if with_wif else None
        psi = _combine(att, infl, keep, w, wif)
        return float(att[keep] @ w), psi

    if kind == "simple":
        est, psi = level(post)
        table = pd.DataFrame({"level": [np.nan], "att": [est], "se": [_se(psi)]})
        return DidAggregate(kind, est, _se(psi), table, psi, info.units, uc, psi[:, None])
    if kind == "group":
        levels = glist
        parts = [level((group == g) & post, with_wif=False) for g in glist]
        overall_w = pg_g / pg_g.sum()
        wif = _weight_influence(np.arange(len(glist)), pg_g, uc, glist)
    elif kind == "dynamic":
        e = t - group
        levels = np.unique(e)
        parts = [level(e == k) for k in levels]
        pos = levels >= 0
        overall_w = np.where(pos, 1.0 / pos.sum(), 0.0)
        wif = None
    elif kind == "calendar":
        levels = np.unique(t[t >= group.min()])
        parts = [level((t == k) & post) for k in levels]
        overall_w = np.full(len(levels), 1.0 / len(levels))
        wif = None
    else:
        raise ValueError(f"kind must be simple, group, dynamic or calendar, got {kind!r}")
    lev_att = np.array([p[0] for p in parts])
    lev_psi = np.column_stack([p[1] for p in parts])
    psi = _combine(lev_att, lev_psi, np.arange(len(levels)), overall_w, wif)
    table = pd.DataFrame({"level": levels, "att": lev_att, "se": [_se(p) for p in lev_psi.T]})
    est = float(lev_att @ overall_w)
    return DidAggregate(kind, est, _se(psi), table, psi, info.units, uc, lev_psi)


# --- randomisation inference ---------------------------------------------------------

_STATISTICS = ("difference", "standardised")
_WHAT = {"count": "cases per unit and period", "residents": "residents (population at risk) per unit and period"}


@dataclass(frozen=True, repr=False)
class PermutationResult(ShowsItself):
    """Randomisation test of an aggregate ATT across units.

    observed: the test statistic for the real assignment (the aggregate ATT itself for
    ``statistic="difference"``, that ATT divided by its Poisson standard error for
    ``"standardised"``); att: the aggregate ATT the test is about, in the units of the
    outcome (with `at_time` = t and one treated cohort g, the ATT(g, t) of
    :func:`staggered_did`); distribution: the statistic under every reassignment drawn.
    """

    observed: float
    p_value: float
    n_assignments: int
    exact: bool
    min_p_value: float
    distribution: np.ndarray = field(repr=False)
    note: str = ""
    statistic: str = "difference"
    att: float = np.nan
    at_time: float | None = None

    def to_frame(self) -> pd.DataFrame:
        """One row: method "did_permutation", estimate (the ATT, outcome units), p_value,
        min_p_value, n_assignments, note, then statistic, observed (the statistic's value),
        exact and at_time (NaN: every post-treatment period).

        >>> t = PermutationResult(1.58, 1 / 3, 3, True, 1 / 3, np.zeros(3), "", "standardised", 10.0).to_frame()
        >>> t.columns.tolist()
        ['method', 'estimate', 'p_value', 'min_p_value', 'n_assignments', 'note', 'statistic', 'observed', 'exact', 'at_time']
        >>> t[["method", "estimate", "p_value", "n_assignments"]].round(3)
                    method  estimate  p_value  n_assignments
        0  did_permutation      10.0    0.333              3
        """
        return frame([{"method": "did_permutation", "estimate": self.att, "p_value": self.p_value,
                       "min_p_value": self.min_p_value, "n_assignments": self.n_assignments, "note": self.note,
                       "statistic": self.statistic, "observed": self.observed, "exact": self.exact,
                       "at_time": finite_or_nan(self.at_time)}],
                     extra=["statistic", "observed", "exact", "at_time"])


@dataclass(frozen=True)
class _Counts:
    """Counts and their population at risk, units x times, in the order of a `_Panel`."""

    count: np.ndarray
    residents: np.ndarray


def _aggregate_coefficients(panel: _Panel, cohort: np.ndarray, control_group: str,
                            at_time: float | None) -> np.ndarray | None:
    """A (units x times) such that the aggregate ATT = sum(A * y) for any outcome y.

    Each ATT(g, t) is a mean change of cohort g minus a mean change of its controls, so it
    is linear in the outcome; the aggregate is the cohort-size-weighted mean of the
    post-treatment cells (t >= g), restricted to t = at_time when it is given, as
    ``aggregate_did(kind="simple")``. Cells without treated or control units are left out;
    None when no cell is left.
    """
    groups, sizes = np.unique(cohort[np.isfinite(cohort)], return_counts=True)
    coef = np.zeros_like(panel.y)
    total = 0.0
    for g, ti, base in _cells(panel.times, groups):
        t = panel.times[ti]
        if t < g or (at_time is not None and t != at_time):
            continue
        treated = cohort == g
        control = _control_mask(cohort, g, t, control_group)
        if not treated.any() or not control.any():
            continue
        w = float(sizes[np.searchsorted(groups, g)])
        coef[treated, ti] += w / treated.sum()
        coef[treated, base] -= w / treated.sum()
        coef[control, ti] -= w / control.sum()
        coef[control, base] += w / control.sum()
        total += w
    return coef / total if total else None


def _standardised(coef: np.ndarray, counts: _Counts) -> float:
    """The aggregate ATT of the rates count / residents over its Poisson se under no effect.

    Var(rate_kt) = mu_kt / residents_kt^2, with mu_kt estimated by unit k's own rate over
    the periods the ATT compares (pooled, so the estimate does not move with the count
    being tested) times residents_kt.
    """
    used = coef != 0
    rate = counts.count / counts.residents
    own = (np.where(used, counts.count, 0).sum(axis=1)
           / np.where(used, counts.residents, 0).sum(axis=1).clip(min=np.finfo(float).tiny))
    var = float((coef**2 * own[:, None] / counts.residents).sum())
    att = float((coef * rate).sum())
    return att / math.sqrt(var) if var > 0 else 0.0  # var = 0: every count compared is 0


def _statistic(panel: _Panel, counts: _Counts | None, cohort: np.ndarray, control_group: str,
               at_time: float | None) -> float:
    coef = _aggregate_coefficients(panel, cohort, control_group, at_time)
    if coef is None:
        return np.nan
    if counts is None:
        return float((coef * panel.y).sum())
    return _standardised(coef, counts)


def _counts_panel(data, panel, unit, time, count, residents) -> _Counts:
    if count is None or residents is None:
        raise ValueError('statistic="standardised" needs the count and residents columns: '
                         'pass count="..." and residents="..."')
    for col in (count, residents):
        if col not in data.columns:
            raise ValueError(f'column "{col}" not found; columns are {list(data.columns)}')
    # _wide_panel has checked one row per unit and period; place the rows in its grid.
    row = pd.Index(panel.units).get_indexer(data[unit])
    col = pd.Index(panel.times).get_indexer(data[time].to_numpy(float))
    kept = row >= 0  # units treated in the first period were dropped
    wide = {}
    for name in (count, residents):
        grid = np.full(panel.y.shape, np.nan)
        grid[row[kept], col[kept]] = data[name].to_numpy(float)[kept]
        wide[name] = grid
    c, n = wide[count], wide[residents]
    bad_c = ~(c >= 0) | (np.abs(c - np.round(c)) > 1e-9)
    for name, values, bad, rule in [(count, c, bad_c, "a count (whole number >= 0)"),
                                    (residents, n, ~(n > 0), "> 0")]:
        if bad.any():
            r, k = np.argwhere(bad)[0]
            t = panel.times[k]
            where = f"{unit}={_show(panel.units[r])}, {time}={_show(int(t) if t == round(t) else t)}"
            if np.isnan(values[r, k]):
                raise ValueError(f'no "{name}" for {where} (the standardised statistic needs it in every period)')
            raise ValueError(f'column "{name}": {values[r, k]:g} for {where} must be {rule}')
    return _Counts(c, n)


def _all_assignments(labels: np.ndarray):
    """Every distinct arrangement of the multiset `labels` over len(labels) positions."""
    values, counts = np.unique(labels, return_counts=True)
    n = len(labels)

    def place(free, k):
        if k == len(values) - 1:
            yield {values[k]: free}
            return
        for chosen in itertools.combinations(free, counts[k]):
            rest = tuple(i for i in free if i not in chosen)
            for tail in place(rest, k + 1):
                yield {values[k]: chosen, **tail}

    for arrangement in place(tuple(range(n)), 0):
        out = np.empty(n)
        for v, idx in arrangement.items():
            out[list(idx)] = v
        yield out


def _n_assignments(labels: np.ndarray) -> int:
    _, counts = np.unique(labels, return_counts=True)
    total = math.factorial(len(labels))
    for c in counts:
        total //= math.factorial(int(c))
    return total


def did_permutation_test(
    data: pd.DataFrame,
    *,
    unit: str,
    time: str,
    cohort: str,
    outcome: str,
    control_group: str = "never_treated",
    n_permutations: int = 999,
    seed: int = 0,
    alternative: str = "two-sided",
    statistic: str | None = None,
    at_time: float | None = None,
    count: str | None = None,
    residents: str | None = None,
) -> PermutationResult:
    """Randomisation inference for an aggregate ATT, permuting cohorts across units.

    Target: the cohort-size-weighted mean of the post-treatment ATT(g, t) of
    :func:`staggered_did` (``aggregate_did(kind="simple")``), or with `at_time` = t only
    the cells of period t: for one treated cohort g, ATT(g, t), the estimate a table shows
    for year t. The sharp null is "no effect in those cells".

    Statistic (default: ``"standardised"``, the one that holds its level whatever the size
    of the treated unit; it needs `count` and `residents`, and without them the call is
    refused with what is missing rather than falling back to an uncalibrated test):

    * ``"difference"``: that aggregate ATT of `outcome`. Only when asked for: with units of
      unequal size it over-rejects for a small treated unit (0.375 at level 0.25 with J = 7
      controls in no-effect worlds, issue 23) and is conservative for a large one.
    * ``"standardised"``: the same ATT computed on the rates count / residents, divided by
      its standard error under the null with Poisson counts,
      z = sum(A * rate) / sqrt(sum(A^2 * own_k / residents_kt)), where A are the weights
      that make the ATT a sum over units and periods (+1 and -1 for the treated unit's
      period t and base period, -1/J and +1/J for each of J controls, for one treated unit)
      and own_k the unit's own rate over the periods compared (its count and residents
      summed over them). `count` and `residents` name the columns; residents is the
      population at risk of the period (for years, the mean residents of the year).

    Why standardise: a ward's rate has Poisson variance rate / residents, so in a ward of
    2,900 residents an unweighted difference of rates is about 1.8 times as spread out as
    in one of 9,000. Whichever ward is treated, its own noise dominates the statistic, so
    a small treated ward looks extreme too often and a large one too rarely: the units are
    not exchangeable for that statistic (Ferman & Pinto 2019, REStat 101(3), on Conley &
    Taber-type inference with groups of unequal size). Dividing by the Poisson se, with the
    treated unit's own noise included (what the influence-function se of a single-unit
    cohort leaves out), gives every unit a statistic with mean 0 and variance about 1 under
    the null, whatever its size; conditional on the unit's total over the periods compared,
    its own part is the score statistic of the exact conditional (binomial) test of two
    Poisson rates. The numerator is the ATT shown, so their signs always agree. Limits:
    counts are assumed Poisson; extra-Poisson variation that grows with ward size would
    again favour one size of ward.

    Under the sharp null, any reassignment of the cohort labels across units was as likely.
    If the number of distinct reassignments is at most `n_permutations` all are enumerated
    (exact test, p = share with a statistic at least as extreme, observed included, so the
    smallest possible p is 1 / n_assignments: 1 / (J + 1) for one treated unit and J
    controls); otherwise `n_permutations` random ones are drawn (seeded) and
    p = (1 + #extreme) / (1 + n_permutations). Reassignments for which the statistic is
    undefined (no cell with treated and control units) are left out.
    `alternative`: "two-sided" (|stat|), "less" or "greater".

    >>> df = pd.DataFrame({"ward": [1, 1, 2, 2, 3, 3], "year": [1, 2] * 3,
    ...                    "g": [2, 2, 0, 0, 0, 0], "y": [5., 9., 5., 6., 4., 6.]})
    >>> r = did_permutation_test(df, unit="ward", time="year", cohort="g", outcome="y", statistic="difference")
    >>> r.p_value, r.min_p_value, r.exact
    (0.3333333333333333, 0.3333333333333333, True)

    Ward 1 goes from 10 to 20 cases, wards 2 and 3 stay at 10, all with 1,000 residents: the
    ATT is 10 per 1,000. Among 1,000 residents the variance of a rate per 1,000 is the rate,
    so the se is sqrt(2 * 15 + 4 * 10 / 2^2) = sqrt(40) (ward 1's own rate over both years
    is 15; each control enters with weight 1/2) and z = 10 / sqrt(40) = 1.58.

    >>> df = df.assign(cases=[10, 20, 10, 10, 10, 10], people=1000)
    >>> r = did_permutation_test(df, unit="ward", time="year", cohort="g", outcome="y",
    ...                          count="cases", residents="people")  # the default statistic
    >>> round(r.observed, 4), r.p_value
    (1.5811, 0.3333333333333333)
    """
    if alternative not in ("two-sided", "less", "greater"):
        raise ValueError(f"alternative must be two-sided, less or greater, got {alternative!r}")
    if control_group not in _CONTROL_GROUPS:
        raise ValueError(f"control_group must be one of {_CONTROL_GROUPS}, got {control_group!r}")
    if statistic is None:
        missing = [name for name, given in (("count", count), ("residents", residents)) if given is None]
        if missing:
            args = " and ".join(f'{m}="..."' for m in missing)
            columns = "; ".join(f"{m}: the column of {_WHAT[m]}" for m in missing)
            raise ValueError(
                f'did_permutation_test: the default statistic "standardised" (the ATT over its Poisson standard '
                f"error, which holds its level whatever the treated unit's size) needs {args} ({columns}); pass {'them' if len(missing) > 1 else 'it'}, or statistic=\"difference\" for the "
                f"unstandardised ATT (which over-rejects for a small treated unit)")
        statistic = "standardised"
    if statistic not in _STATISTICS:
        raise ValueError(f"statistic must be one of {_STATISTICS}, got {statistic!r}")
    panel = _wide_panel(data, unit, time, cohort, outcome)
    counts = (_counts_panel(data, panel, unit, time, count, residents)
              if statistic == "standardised" else None)
    if at_time is not None:
        hit = np.flatnonzero(np.isclose(panel.times, float(at_time), rtol=0, atol=1e-9))
        if not len(hit):
            raise ValueError(f"at_time={_show(at_time)} is not a period of the data; {time} runs "
                             f"{_show(data[time].min())} to {_show(data[time].max())}")
        at_time = panel.times[hit[0]]
        at_time = int(at_time) if at_time == round(at_time) else float(at_time)  # 2024, not 2024.0
    coef = _aggregate_coefficients(panel, panel.cohort, control_group, at_time)
    if coef is None:
        when = "any period" if at_time is None else f"{time}={_show(at_time)}"
        raise ValueError(f"no ATT(g, t) to test in {when}: no cohort is treated by then, or none has controls")
    att = float((coef * panel.y).sum())
    observed = _statistic(panel, counts, panel.cohort, control_group, at_time)
    total = _n_assignments(panel.cohort)
    exact = total <= n_permutations
    if exact:
        draws = _all_assignments(panel.cohort)
    else:
        rng = np.random.default_rng(seed)
        draws = (rng.permutation(panel.cohort) for _ in range(n_permutations))
    dist = np.array([_statistic(panel, counts, c, control_group, at_time) for c in draws])

    def extreme(x):
        tol = 1e-12 * max(1.0, abs(observed))
        if alternative == "two-sided":
            return np.abs(x) >= abs(observed) - tol
        if alternative == "less":
            return x <= observed + tol
        return x >= observed - tol

    hits = extreme(dist[~np.isnan(dist)])
    if exact:
        p, min_p = float(hits.mean()), 1.0 / len(hits)
    else:
        p, min_p = (1 + hits.sum()) / (1 + len(hits)), 1.0 / (1 + len(hits))
    note = (f"exact over all {total} reassignments" if exact
            else f"{n_permutations} random reassignments of {total} (seed {seed})")
    note += f"; {statistic} statistic" + ("" if at_time is None else f" for {time}={_show(at_time)}")
    if (pd.Series(panel.cohort[np.isfinite(panel.cohort)]).value_counts() == 1).any():
        note += "; a cohort has a single unit, so only this test's p-value is trustworthy"
    return PermutationResult(float(observed), float(p), int(len(hits) if exact else total),
                             exact, float(min_p), dist, note, statistic, att, at_time)
