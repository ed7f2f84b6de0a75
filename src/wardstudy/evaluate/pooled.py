"""The programme as a whole: one effect pooled over every programme ward and cohort.

A single ward with a handful of neighbours cannot show an effect (its randomisation p
never goes below 1/(J + 1)). Pooled over every programme ward, the same design can. The
pooled panel holds every programme ward treated by the report year and the units of their
districts not yet in the programme by then (the union of their donor pools); later
cohorts are controls up to the report year.

* Estimate: the staggered difference-in-differences of Callaway & Sant'Anna on yearly
  social-order crime rates per 1,000 residents, aggregated over every post-treatment cell
  (cohort-size weighted), by cohort and by years since entry (`aggregate_did`).
* Inference at the ward level: a randomisation test that reassigns the cohort labels
  across the units of the pooled panel, with the size-robust standardised statistic (the
  ATT over its Poisson standard error), so a small ward's noisy rate does not decide it.
  The calibration tests check that it holds its level in worlds with no effect.
* Rate ratio: the treated wards' observed mean post-treatment rate over the same minus the
  ATT (what they would have had without the programme); its interval maps the ATT's
  analytic (influence-function) interval the same way, and is labelled as such.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from wardstudy.evaluate.design import ImpactDesign, donor_pool, social_order_rates
from wardstudy.evaluate.did import aggregate_did, did_permutation_test, staggered_did
from wardstudy.evaluate.power import DetectableEffect, minimum_detectable_effect

__all__ = ["PooledEffect", "pooled_panel", "pooled_effect", "pooled_detectable_effect"]

Z95 = 1.959963984540054


@dataclass(frozen=True)
class PooledEffect:
    """The pooled programme effect up to `year` (see the module docstring).

    att: cases per 1,000 residents a year (negative = fewer than without the programme);
    rate_ratio with ci_low/ci_high (analytic 95%); p_value from the randomisation test,
    min_p_value its floor (1 / number of distinct reassignments).
    """

    year: int
    treated: dict[str, int]
    controls: list[str]
    att: float
    se: float
    rate_ratio: float
    ci_low: float
    ci_high: float
    p_value: float
    min_p_value: float
    n_assignments: int
    by_cohort: pd.DataFrame = field(repr=False)
    by_event_time: pd.DataFrame = field(repr=False)


def pooled_panel(crimes: pd.DataFrame, project06: pd.DataFrame, programme: pd.DataFrame, units: pd.DataFrame,
                 year: int) -> tuple[pd.DataFrame, dict[str, int], list[str]]:
    """Yearly rates of every programme ward treated by `year` and of its district's other units.

    Returns (yearly, treated, controls): `yearly` has ward, period, count, residents, rate
    and cohort (the entry year for treated wards, 0 for the rest); treated maps ward to
    cohort; controls are the units not in the programme by `year`.
    """
    cohorts = dict(zip(programme["ward"], programme["cohort_year"].astype(int)))
    known = set(units["slug"])
    treated = {w: g for w, g in cohorts.items() if g <= year and w in known}
    pool = pd.concat([donor_pool(units, w) for w in treated], ignore_index=True) if treated else units.iloc[:0]
    controls = sorted(u for u in pool["slug"].unique() if cohorts.get(u, year + 1) > year)
    if not treated:
        return pd.DataFrame(columns=["ward", "period", "count", "residents", "rate", "cohort"]), {}, controls
    first = min(treated, key=treated.get)
    # social_order_rates builds the yearly table of one design; here every treated ward is
    # "the ward" of its own cohort, set below.
    design = ImpactDesign(first, treated[first], year, [w for w in [*treated, *controls] if w != first], [])
    yearly = social_order_rates(crimes, project06, design, "Y")
    yearly["cohort"] = yearly["ward"].map(treated).fillna(0).astype(int)
    return yearly, treated, controls


def pooled_effect(crimes: pd.DataFrame, project06: pd.DataFrame, programme: pd.DataFrame, units: pd.DataFrame,
                  year: int, n_permutations: int = 2000, seed: int = 0) -> PooledEffect | None:
    """The programme's effect pooled over its wards up to `year`; None without a treated ward
    or with fewer than two controls."""
    yearly, treated, controls = pooled_panel(crimes, project06, programme, units, year)
    if not treated or len(controls) < 2:
        return None
    cells = staggered_did(yearly, unit="ward", time="period", cohort="cohort", outcome="rate")
    simple = aggregate_did(cells, "simple")
    test = did_permutation_test(yearly, unit="ward", time="period", cohort="cohort", outcome="rate",
                                statistic="standardised", count="count", residents="residents",
                                n_permutations=n_permutations, seed=seed)
    post = yearly[(yearly["cohort"] > 0) & (yearly["period"] >= yearly["cohort"])]
    observed = float(post["rate"].mean())

    def ratio(att: float) -> float:
        without = observed - att
        return observed / without if without > 0 else np.nan

    low, high = simple.att - Z95 * simple.se, simple.att + Z95 * simple.se
    return PooledEffect(year=year, treated=treated, controls=controls, att=simple.att, se=simple.se,
                        rate_ratio=ratio(simple.att), ci_low=ratio(low), ci_high=ratio(high),
                        p_value=test.p_value, min_p_value=test.min_p_value, n_assignments=test.n_assignments,
                        by_cohort=aggregate_did(cells, "group").table,
                        by_event_time=aggregate_did(cells, "dynamic").table)


def pooled_detectable_effect(crimes: pd.DataFrame, project06: pd.DataFrame, programme: pd.DataFrame,
                             units: pd.DataFrame, year: int, n_simulations: int = 50, n_permutations: int = 500,
                             seed: int = 0) -> DetectableEffect | None:
    """The smallest fall in every programme ward that the pooled test finds with 80% power.

    Seeded simulation (`power.minimum_detectable_effect`) of worlds like the pooled panel's
    own, each analysed by `pooled_effect`'s randomisation test (with `n_permutations` draws
    where the reassignments are more). None where `pooled_effect` is.
    """
    _, treated, controls = pooled_panel(crimes, project06, programme, units, year)
    if not treated or len(controls) < 2:
        return None

    def analyse(crimes_sim, project06_sim):
        found = pooled_effect(crimes_sim, project06_sim, programme, units, year, n_permutations=n_permutations,
                              seed=seed)
        return found.p_value, found.min_p_value

    return minimum_detectable_effect(analyse, crimes, project06, treated, controls, None, year, method="pooled",
                                     n_simulations=n_simulations, seed=seed)
