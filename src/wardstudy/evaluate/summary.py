"""Plain-language verdicts on evaluation results, for the notebooks' "Impact" sections.

Pure functions: a result object in, an :class:`ImpactSummary` (numbers plus one or two
sentences) out. The wording never says "the programme caused"; it says what the data
can and cannot distinguish from chance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import singledispatch

import numpy as np

from wardstudy.evaluate.did import DidAggregate, PermutationResult
from wardstudy.evaluate.its import InterruptedTimeSeries
from wardstudy.evaluate.poisson import BaselineSensitivity, PoissonChange
from wardstudy.evaluate.synth import PlaceboTest, SyntheticControl

__all__ = ["ImpactSummary", "impact_summary", "format_p"]


@dataclass(frozen=True)
class ImpactSummary:
    """A verdict: the method, the headline numbers and the sentence to show."""

    method: str
    estimate: float
    ci_low: float
    ci_high: float
    p_value: float
    significant: bool  # p < alpha; False when p is NaN
    text: str


def format_p(p: float) -> str:
    """A p-value as people read it.

    >>> format_p(0.2957), format_p(0.0391), format_p(0.00002), format_p(float("nan"))
    ('p = 0.30', 'p = 0.039', 'p < 0.001', 'p not defined')
    """
    if p is None or math.isnan(p):
        return "p not defined"
    if p < 0.001:
        return "p < 0.001"
    if p < 0.1:
        return f"p = {p:.2g}" if p >= 0.01 else f"p = {p:.3f}"
    return f"p = {p:.2f}"


def _num(x: float) -> str:
    return f"{x:g}" if float(x).is_integer() else f"{x:.2f}"


def _chance(p: float, alpha: float) -> str:
    if math.isnan(p):
        return "cannot be tested"
    if p < alpha:
        return f"is unlikely to be chance alone ({format_p(p)})"
    return f"could be chance ({format_p(p)})"


@singledispatch
def impact_summary(result, *, outcome: str = "the outcome", alpha: float = 0.05) -> ImpactSummary:
    """A plain-language verdict on any result of :mod:`wardstudy.evaluate`.

    >>> from wardstudy.evaluate import poisson_change
    >>> impact_summary(poisson_change(13, 20), outcome="social-order crimes").text
    'Social-order crimes fell from 20 to 13 (-7, -35%); this could be chance (p = 0.30). The 95% interval for the rate ratio, 0.30 to 1.37, includes no change.'
    """
    raise TypeError(f"no summary for {type(result).__name__}")


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


@impact_summary.register
def _(result: PoissonChange, *, outcome: str = "the outcome", alpha: float | None = None):
    alpha = result.alpha if alpha is None else alpha
    a, b = result.after, result.before
    level = round(100 * (1 - alpha))
    if a + b == 0:
        text = f"{_cap(outcome)}: no cases in either period, so there is nothing to compare."
    else:
        d = result.difference
        verb = "fell" if d < 0 else "rose" if d > 0 else "stayed"
        pct = f", {100 * (a / b - 1):+.0f}%" if b > 0 else ""
        move = f"{verb} from {_num(b)} to {_num(a)} ({_num(d) if d <= 0 else '+' + _num(d)}{pct})"
        if d == 0:
            move = f"stayed at {_num(a)}"
        if result.after_exposure != result.before_exposure:
            move += f"; per unit of exposure the rate ratio is {result.rate_ratio:.2f}"
        text = f"{_cap(outcome)} {move}; this {_chance(result.p_value, alpha)}."
        covers = result.ci_low <= 1 <= result.ci_high
        hi = "infinity" if math.isinf(result.ci_high) else f"{result.ci_high:.2f}"
        text += (f" The {level}% interval for the rate ratio, {result.ci_low:.2f} to {hi}, "
                 f"{'includes' if covers else 'excludes'} no change.")
    return ImpactSummary("exact Poisson rate ratio", result.rate_ratio, result.ci_low,
                         result.ci_high, result.p_value, bool(result.p_value < alpha), text)


@impact_summary.register
def _(result: BaselineSensitivity, *, outcome: str = "the outcome", alpha: float | None = None):
    alpha = result.alpha if alpha is None else alpha
    d = result.difference
    m = result.max_significant_baseline
    change = f"{_num(d)}" if d <= 0 else f"+{_num(d)}"
    if math.isnan(m):
        verdict = f"at no baseline from {_num(result.table['baseline'].min())} up is it distinguishable from chance"
    else:
        verdict = (f"it is distinguishable from chance ({format_p(alpha).replace('=', '<')}) "
                   f"only if the earlier count was {_num(m)} or fewer")
    text = f"Only the change in {outcome} ({change}) is published, not the counts behind it; {verdict}."
    table = result.table.set_index("baseline")
    example = 20.0 if 20.0 in table.index else float(table.index.max())
    if example in table.index and not (not math.isnan(m) and example <= m):
        row = table.loc[example]
        text += f" From {_num(example)} to {_num(row['after'])}, for example, {format_p(row['p_value'])}."
    return ImpactSummary("baseline sensitivity", d, np.nan, np.nan, np.nan, False, text)


def _interval_sentence(est, low, high, unit_text):
    return f"{est:+.3g}{unit_text} (95% interval {low:+.3g} to {high:+.3g})"


@impact_summary.register
def _(result: DidAggregate, *, outcome: str = "the outcome", alpha: float = 0.05):
    z = 1.959963984540054
    low, high = result.att - z * result.se, result.att + z * result.se
    p = float(2 * (1 - _norm_cdf(abs(result.att / result.se)))) if result.se > 0 else np.nan
    text = (f"Compared with the control wards' change, {outcome} changed by "
            f"{_interval_sentence(result.att, low, high, '')} after the programme started "
            f"(difference-in-differences, {result.kind} average); this {_chance(p, alpha)}.")
    return ImpactSummary(f"difference-in-differences ({result.kind})", result.att, low, high, p,
                         bool(p < alpha), text)


def _norm_cdf(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


@impact_summary.register
def _(result: PermutationResult, *, outcome: str = "the outcome", alpha: float = 0.05):
    text = (f"Against every other way of assigning the programme to wards, the observed change "
            f"in {outcome} ({result.observed:+.3g}) {_chance(result.p_value, alpha)}; "
            f"with these wards the smallest possible p is {result.min_p_value:.2g}.")
    if result.min_p_value >= alpha:
        text += " So no result from so few wards can be called significant at this level."
    return ImpactSummary("randomisation test", result.observed, np.nan, np.nan, result.p_value,
                         bool(result.p_value < alpha), text)


@impact_summary.register
def _(result: SyntheticControl, *, outcome: str = "the outcome", alpha: float = 0.05):
    post = result.gaps[result.gaps.index.to_numpy(float) >= result.treatment_time]
    mean_gap = float(post.mean())
    direction = "below" if mean_gap < 0 else "above"
    top = result.weights.sort_values(ascending=False)
    top = top[top >= 0.05].round(2)
    donors = ", ".join(f"{k} {v:.2f}" for k, v in top.items())
    text = (f"After the start, {outcome} was on average {abs(mean_gap):.3g} {direction} its "
            f"synthetic control (a weighted mix of {donors}); before, the two differed by "
            f"{result.pre_rmspe:.3g} (RMSPE). Judge the gap against that pre-period misfit and "
            "the placebo test.")
    return ImpactSummary("synthetic control", mean_gap, np.nan, np.nan, np.nan, False, text)


@impact_summary.register
def _(result: PlaceboTest, *, outcome: str = "the outcome", alpha: float = 0.05):
    n = len(result.ratios)
    rank = int(round(result.p_value * n))
    treated = result.ratios[result.treated] if result.treated is not None else np.nan
    text = (f"The treated unit's post/pre misfit ratio for {outcome} ranks {rank} of {n} "
            f"(placebo {format_p(result.p_value)}; the smallest possible is {result.min_p_value:.2g}); "
            f"this {_chance(result.p_value, alpha).split(' (')[0]}.")
    return ImpactSummary("synthetic control placebo test", float(treated), np.nan,
                         np.nan, result.p_value, bool(result.p_value < alpha), text)


@impact_summary.register
def _(result: InterruptedTimeSeries, *, outcome: str = "the outcome", alpha: float = 0.05):
    s = result.step
    pct = 100 * (s.rate_ratio - 1)
    text = (f"Right after the start, {outcome} ran {abs(pct):.0f}% {'below' if pct < 0 else 'above'} "
            f"what the earlier trend and season predict (rate ratio {s.rate_ratio:.2f}, 95% "
            f"interval {s.ci_low:.2f} to {s.ci_high:.2f}); this {_chance(s.p_value, alpha)}.")
    return ImpactSummary(f"interrupted time series ({result.family})", s.rate_ratio, s.ci_low,
                         s.ci_high, s.p_value, bool(s.p_value < alpha), text)
