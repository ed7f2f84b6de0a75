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
* Comparison group: the units not yet in the programme (``control_group="not_yet_treated"``
  of `staggered_did`, as the ward designs and the page say): for a cohort's year t, the
  units outside the programme by the report year and the programme wards entering after t.
* Rate ratio: the treated wards' observed mean post-treatment rate over the same minus the
  ATT (what they would have had without the programme); its interval maps the ATT's
  analytic 95% interval the same way.
* The analytic interval (`att_variance`): the influence-function variance of R ``did``
  estimates each group of units' share from how its units differ, so a cohort of one ward
  gets none, and the interval covered the truth in only 0.41-0.82 of no-effect worlds
  (issue 23). Here each group of units (a cohort, or the units outside the programme)
  contributes the larger of its influence-function variance (times k / (k - 1) for its k
  units) and its Poisson variance (each rate's count / exposure^2, the count at the unit's
  own rate over the periods compared, times the extra-Poisson dispersion that the groups of
  two units or more show, at least 1). A one-ward cohort has only the latter. Coverage in
  no-effect worlds: ``benchmarks/bench_calibration_pooled.py`` and
  ``tests/test_calibration_pooled.py``.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from wardstudy.data.months import year_of
from wardstudy.evaluate.design import (PER, ImpactDesign, detectable_row, did_test_p, has_pre_period,
                                       recorded_units, social_order_rates)
from wardstudy.evaluate.did import DidAggregate, aggregate_did, att_coefficients, did_permutation_test, staggered_did
from wardstudy.evaluate.power import ALPHA, N_SIMULATIONS, DetectableEffect, minimum_detectable_effect
from wardstudy.evaluate.results import ShowsItself, frame

__all__ = ["PooledEffect", "pooled_panel", "pooled_effect", "pooled_detectable_effect", "pooled_results",
           "att_variance", "pooled_att", "CONTROL_GROUP", "EFFECT_COLUMNS", "LEVEL_COLUMNS", "UNIT_COLUMNS"]

Z95 = 1.959963984540054
# The comparison group of the pooled DiD and its randomisation test: units not yet in the
# programme (what the page and the ward designs say), not only the never-treated.
CONTROL_GROUP = "not_yet_treated"


@dataclass(frozen=True, repr=False)
class PooledEffect(ShowsItself):
    """The pooled programme effect up to `year` (see the module docstring).

    att: cases per 1,000 residents a year (negative = fewer than without the programme);
    se: its standard error (`att_variance`: every ward's own Poisson variance included),
    se_influence the influence-function se of R ``did`` alone (too small with one-ward
    cohorts; kept for comparison); dispersion: the extra-Poisson dispersion applied;
    rate_ratio with ci_low/ci_high (analytic 95%); p_value from the randomisation test
    (two-sided), min_p_value its floor (1 / number of distinct reassignments).
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
    se_influence: float = np.nan
    dispersion: float = np.nan

    def to_frame(self) -> pd.DataFrame:
        """Two rows, the same test: the ATT (scale "difference", cases per 1,000 residents a
        year, with its analytic 95% interval att +- 1.96 se) and the rate ratio (scale
        "rate_ratio", with the interval mapped from the ATT's). Columns: method ("pooled_did"),
        estimate, ci_low, ci_high, p_value, min_p_value, n_assignments, then year, scale, se
        (of the ATT), n_treated, n_controls.

        >>> e = PooledEffect(2024, {"a": 2023}, ["b", "c"], -2.0, 1.0, 0.8, 0.6, 1.1, 0.25, 0.25, 4,
        ...                  pd.DataFrame(), pd.DataFrame())
        >>> e.to_frame()[["scale", "estimate", "ci_low", "ci_high", "p_value", "n_treated"]].round(2)
                scale  estimate  ci_low  ci_high  p_value  n_treated
        0  difference      -2.0   -3.96    -0.04     0.25          1
        1  rate_ratio       0.8    0.60     1.10     0.25          1
        """
        common = {"method": "pooled_did", "p_value": self.p_value, "min_p_value": self.min_p_value,
                  "n_assignments": self.n_assignments, "year": self.year, "n_treated": len(self.treated),
                  "n_controls": len(self.controls)}
        rows = [common | {"scale": "difference", "estimate": self.att, "ci_low": self.att - Z95 * self.se,
                          "ci_high": self.att + Z95 * self.se, "se": self.se},
                common | {"scale": "rate_ratio", "estimate": self.rate_ratio, "ci_low": self.ci_low,
                          "ci_high": self.ci_high, "se": np.nan}]
        return frame(rows, extra=["year", "scale", "se", "n_treated", "n_controls"])

    @classmethod
    def from_tables(cls, tables: dict[str, pd.DataFrame], year: int) -> "PooledEffect | None":
        """The effect of `year` from the tables `pooled_results` returns (and a build stores):
        ``programme_effects``, ``programme_levels``, ``programme_units``. None when that year
        has no estimate (no treated ward, or fewer than two controls)."""
        effects = tables["programme_effects"]
        row = effects[effects["year"] == year]
        if row.empty or pd.isna(row["att"].iloc[0]):
            return None
        r = row.iloc[0]
        units = tables["programme_units"]
        units = units[units["year"] == year]
        levels = tables["programme_levels"]
        levels = levels[levels["year"] == year]
        treated = units[units["role"] == "treated"]
        n = float(r["n_assignments"])
        return cls(year=int(year), treated=dict(zip(treated["ward"], treated["cohort"].astype(int))),
                   controls=units.loc[units["role"] == "control", "ward"].tolist(), att=float(r["att"]),
                   se=float(r["se"]), rate_ratio=float(r["rate_ratio"]), ci_low=float(r["ci_low"]),
                   ci_high=float(r["ci_high"]), p_value=float(r["p_value"]), min_p_value=float(r["min_p_value"]),
                   n_assignments=int(n) if math.isfinite(n) else n,
                   by_cohort=levels[levels["kind"] == "cohort"][["level", "att", "se"]].reset_index(drop=True),
                   by_event_time=levels[levels["kind"] == "event_time"][["level", "att", "se"]].reset_index(drop=True))


def pooled_panel(crimes: pd.DataFrame, project06: pd.DataFrame, programme: pd.DataFrame, units: pd.DataFrame,
                 year: int) -> tuple[pd.DataFrame, dict[str, int], list[str]]:
    """Yearly rates of every programme ward treated by `year` and of its district's other units.

    Returns (yearly, treated, controls): `yearly` has ward, period, count, residents, rate
    and cohort (the entry year for treated wards, 0 for the rest); treated maps ward to
    cohort (wards that entered after the data's first year: the others have no year before
    entry); controls are the units not in the programme by `year`. Only units with records up
    to `year` (`design.recorded_units`) take part: a folder holding one ward's data has a
    panel of that ward alone, which `pooled_effect` reports as not evaluable.
    """
    cohorts = dict(zip(programme["ward"], programme["cohort_year"].astype(int)))
    known = set(units["slug"]) & recorded_units(crimes, year)
    # A ward that entered in the data's first year (the 2021 pilots) has no year before it to
    # compare with (`has_pre_period`): neither treated here nor a control (it is already in
    # the programme).
    first = [int(year_of(crimes["month"]).min())] if len(crimes) else [year]
    treated = {w: g for w, g in cohorts.items() if g <= year and has_pre_period(g, first) and w in known}
    # The union of the treated wards' donor pools (`donor_pool`: a ward's own district), in one
    # selection rather than one per ward: the national panel has hundreds of treated wards.
    districts = set(units.loc[units["slug"].isin(list(treated)), "district_code"])
    pool = units[units["district_code"].isin(districts)] if treated else units.iloc[:0]
    controls = sorted(u for u in pool["slug"].unique() if cohorts.get(u, year + 1) > year and u in known)
    if not treated:
        columns = ["ward", "period", "count", "residents", "months_observed", "exposure", "rate", "cohort"]
        return pd.DataFrame(columns=columns), {}, controls
    first = min(treated, key=treated.get)
    # social_order_rates builds the yearly table of one design; here every treated ward is
    # "the ward" of its own cohort, set below.
    design = ImpactDesign(first, treated[first], year, [w for w in [*treated, *controls] if w != first], [])
    yearly = social_order_rates(crimes, project06, design, "Y")
    yearly["cohort"] = yearly["ward"].map(treated).fillna(0).astype(int)
    return yearly, treated, controls


def pooled_effect(crimes: pd.DataFrame, project06: pd.DataFrame, programme: pd.DataFrame, units: pd.DataFrame,
                  year: int, n_permutations: int = 2000, seed: int = 0) -> PooledEffect | None:
    """The programme's effect pooled over its wards up to `year` (see the module docstring).

    Parameters
    ----------
    crimes, project06 : pandas.DataFrame
        The monthly record tables as given (`data.load`; no months carried back to new units).
    programme : pandas.DataFrame
        Programme wards and their cohort_year.
    units : pandas.DataFrame
        The units table (slug, district_code, type...): each programme ward's district gives
        its controls.
    year : int
        The report year: the wards treated by then, against the units not yet treated.
    n_permutations : int, default 2000
        Cohort reassignments drawn for the randomisation p (every one when fewer exist).
    seed : int, default 0
        Seed of the reassignments.

    Returns
    -------
    PooledEffect or None
        The ATT (cases per 1,000 residents a year) with its analytic 95% interval, the rate
        ratio, p, the smallest attainable p and the effects by cohort and by years since entry;
        ``to_frame()`` gives them as a table. None without a treated ward or with fewer than
        two controls.

    Examples
    --------
    >>> from wardstudy import data
    >>> study = data.load()                                                        # doctest: +SKIP
    >>> effect = pooled_effect(study.crimes, study.project06, study.programme, study.units, 2024)  # doctest: +SKIP
    >>> effect.to_frame()                                                          # doctest: +SKIP
    """
    yearly, treated, controls = pooled_panel(crimes, project06, programme, units, year)
    if not treated or len(controls) < 2:
        return None
    found = pooled_att(yearly)
    test = did_permutation_test(yearly, unit="ward", time="period", cohort="cohort", outcome="rate",
                                statistic="standardised", count="count", residents="exposure",
                                control_group=CONTROL_GROUP, n_permutations=n_permutations, seed=seed)
    simple = found["simple"]
    return PooledEffect(year=year, treated=treated, controls=controls, att=simple.att, se=found["se"],
                        rate_ratio=found["rate_ratio"], ci_low=found["ci_low"], ci_high=found["ci_high"],
                        p_value=test.p_value, min_p_value=test.min_p_value, n_assignments=test.n_assignments,
                        by_cohort=found["group"].table, by_event_time=found["dynamic"].table,
                        se_influence=found["simple_se_influence"], dispersion=found["dispersion"])


def pooled_att(yearly: pd.DataFrame, kinds: tuple[str, ...] = ("simple", "group", "dynamic")) -> dict:
    """The pooled ATT of a `pooled_panel` table with its analytic 95% interval (no test).

    Returns a dict: "simple", "group", "dynamic" (`DidAggregate`s whose tables' se is the
    `att_variance` se), "se" (of the simple ATT), "simple_se_influence" (its influence-function
    se alone), "dispersion", "rate_ratio", "ci_low",
    "ci_high" (the rate ratio and its interval; ci_high is inf when the ATT's upper end
    would leave the treated wards no cases without the programme: no upper bound). What the calibration runs, many times over
    (with `kinds` = ("simple",) when only the overall effect is wanted).
    """
    cells = staggered_did(yearly, unit="ward", time="period", cohort="cohort", outcome="rate",
                          control_group=CONTROL_GROUP)
    aggregates = {kind: aggregate_did(cells, kind) for kind in dict.fromkeys(("simple", *kinds))}
    variances, dispersion = att_variance(yearly, cells, aggregates)
    for kind, aggregate in aggregates.items():
        aggregate.table["se"] = np.sqrt(variances[kind])
    simple = aggregates["simple"]
    se = float(np.sqrt(variances["simple"][0]))
    post = yearly[(yearly["cohort"] > 0) & (yearly["period"] >= yearly["cohort"])]
    observed = float(post["rate"].mean())

    def ratio(att: float, beyond: float = np.nan) -> float:
        # the rate ratio of an ATT: observed / (observed - att); `beyond` where the rate
        # without the programme would be <= 0 (an interval's upper end: no upper bound)
        without = observed - att
        return observed / without if without > 0 else beyond

    return aggregates | {"se": se, "simple_se_influence": simple.se, "dispersion": dispersion, "rate_ratio": ratio(simple.att),
                         "ci_low": ratio(simple.att - Z95 * se), "ci_high": ratio(simple.att + Z95 * se, np.inf)}


def att_variance(yearly: pd.DataFrame, cells: pd.DataFrame,
                 aggregates: dict[str, DidAggregate]) -> tuple[dict[str, np.ndarray], float]:
    """The variance of each aggregate ATT, every ward's own Poisson variance included.

    Each aggregate (a row of a `DidAggregate`'s table) is a weighted sum of the rates,
    sum(A * rate) (`did.att_coefficients`, weighted as ``aggregate_did`` weights the cells).
    The units fall into groups: each cohort, and the units outside the programme (cohort 0).
    A group of k units contributes the larger of

    * its influence-function variance (R ``did``'s, sum of psi_i^2 / n^2 over its units),
      times k / (k - 1) for the one mean it estimates; none for k = 1 (a one-ward cohort);
    * its Poisson variance, phi * sum(A_kt^2 * own_k * 1,000 / exposure_kt), the variance of
      the rates if counts were Poisson at the unit's own rate over the periods compared
      (own_k: its cases over its person-time there), times phi, the extra-Poisson
      dispersion: the ratio of influence-function to Poisson variance summed over the
      groups of two units or more, at least 1 (1 when there is no such group).

    So a one-ward cohort's own noise counts (at least Poisson, or as overdispersed as the
    other units show), and a group whose units differ more than Poisson keeps its
    influence-function variance. Returns ({kind: variances by table row}, phi of "simple").
    Units: (cases per 1,000 residents a year)^2.
    """
    units, times, coef = att_coefficients(yearly, unit="ward", time="period", cohort="cohort", outcome="rate",
                                          control_group=CONTROL_GROUP)
    grid = yearly.set_index(["ward", "period"])
    index = pd.MultiIndex.from_product([units, times.astype(yearly["period"].dtype)])
    count = grid["count"].reindex(index).to_numpy(float).reshape(len(units), len(times))
    exposure = grid["exposure"].reindex(index).to_numpy(float).reshape(len(units), len(times))
    group, time = cells["group"].to_numpy(float), cells["time"].to_numpy(float)
    unit_cohort = aggregates["simple"].unit_cohort
    pg = np.array([np.mean(unit_cohort == g) for g in group])
    post = group <= time
    n = len(units)
    cohorts = np.unique(unit_cohort)
    sizes = np.array([(unit_cohort == g).sum() for g in cohorts])

    def variance(keep, psi):
        keep = np.flatnonzero(keep)
        weights = pg[keep] / pg[keep].sum()
        a = np.tensordot(weights, coef[keep], axes=1)
        used = a != 0
        own = (np.where(used, count, 0).sum(axis=1)
               / np.where(used, exposure, 0).sum(axis=1).clip(min=np.finfo(float).tiny))
        poisson_unit = (a**2 * own[:, None] * PER**2 / exposure).sum(axis=1)  # own per person-year
        influence_unit = psi**2 / n**2
        design = np.array([influence_unit[unit_cohort == g].sum() * k / (k - 1) if k > 1 else 0.0
                           for g, k in zip(cohorts, sizes)])
        poisson = np.array([poisson_unit[unit_cohort == g].sum() for g in cohorts])
        several = sizes > 1
        phi = max(1.0, design[several].sum() / poisson[several].sum()) if poisson[several].sum() > 0 else 1.0
        return float(np.maximum(design, phi * poisson).sum()), phi

    out, dispersion = {}, np.nan
    for kind, aggregate in aggregates.items():
        levels = aggregate.table["level"].to_numpy(float)
        found = []
        for row, level in enumerate(levels):
            keep = {"simple": post, "group": (group == level) & post, "dynamic": time - group == level}[kind]
            var, phi = variance(keep, aggregate.level_influence[:, row])
            found.append(var)
            if kind == "simple":
                dispersion = phi
        out[kind] = np.array(found)
    return out, dispersion


def pooled_detectable_effect(crimes: pd.DataFrame, project06: pd.DataFrame, programme: pd.DataFrame,
                             units: pd.DataFrame, year: int, n_simulations: int = N_SIMULATIONS,
                             n_permutations: int = 500, seed: int = 0, alpha: float = ALPHA) -> DetectableEffect | None:
    """The smallest fall in every programme ward that the pooled test finds with 80% power at
    `alpha` (p < alpha, the verdict's level).

    Seeded simulation (`power.minimum_detectable_effect`: `n_simulations` worlds with the
    pooled panel's pre-period levels, trend, season and overdispersion) of worlds like the
    pooled panel's own, each analysed by `pooled_effect`'s randomisation test (with
    `n_permutations` draws where the reassignments are more), computed for every world at
    once (`design.did_test_p`, the same p). Not simulated when that test cannot give p <
    alpha. None where `pooled_effect` is.
    """
    _, treated, controls = pooled_panel(crimes, project06, programme, units, year)
    if not treated or len(controls) < 2:
        return None

    def analyse(crimes_sim, project06_sim):
        found = pooled_effect(crimes_sim, project06_sim, programme, units, year, n_permutations=n_permutations,
                              seed=seed)
        return found.p_value, found.min_p_value

    def table_of(crimes_sim, project06_sim):
        return pooled_panel(crimes_sim, project06_sim, programme, units, year)[0]

    many = did_test_p(table_of, control_group=CONTROL_GROUP, n_permutations=n_permutations, seed=seed)
    return minimum_detectable_effect(analyse, crimes, project06, treated, controls, None, year, method="pooled",
                                     n_simulations=n_simulations, seed=seed, alpha=alpha, analyse_counts=many)


def _count_as_float(n: int) -> float:
    """A count of reassignments as a table's float: inf beyond the largest float (about
    1.8e308), which a national panel's reassignments exceed (the test then draws at random,
    so the count is never shown).

    >>> _count_as_float(8), _count_as_float(10**400)
    (8.0, inf)
    """
    return float(n) if n <= sys.float_info.max else math.inf


EFFECT_COLUMNS = ["year", "n_treated", "n_controls", "att", "se", "att_ci_low", "att_ci_high", "rate_ratio", "ci_low",
                  "ci_high", "p_value", "min_p_value", "n_assignments", "exact", "mde_rate_ratio", "mde_level",
                  "mde_power", "mde_floor", "units_needed", "mde_simulations", "mde_power_low", "mde_power_high",
                  "mde_reachable", "mde_dispersion"]
LEVEL_COLUMNS = ["year", "kind", "level", "att", "se", "ci_low", "ci_high"]
UNIT_COLUMNS = ["year", "ward", "cohort", "role"]


def pooled_results(crimes: pd.DataFrame, project06: pd.DataFrame, programme: pd.DataFrame, units: pd.DataFrame,
                   years: list[int], n_permutations: int = 2000, n_simulations: int = N_SIMULATIONS, seed: int = 0,
                   detectable: bool = True) -> dict[str, pd.DataFrame]:
    """The pooled effect of every report year in `years` as tidy tables (what a build stores).

    * ``programme_effects``: one row per year (`EFFECT_COLUMNS`): the treated wards and
      controls counted, the ATT (cases per 1,000 residents a year) with its analytic 95%
      interval, the rate ratio with its interval, the randomisation p (``exact``: over every
      reassignment, so p = k / n_assignments; else over `n_permutations` draws) and, with
      `detectable`, the minimum detectable effect (`pooled_detectable_effect`). A year with
      no treated ward or fewer than two controls has its counts and NaN elsewhere.
    * ``programme_levels``: the ATT by cohort (``kind`` "cohort", ``level`` the entry year)
      and by years since entry (``kind`` "event_time", ``level`` e = t - g, negative before
      entry), each with its analytic 95% interval (`LEVEL_COLUMNS`).
    * ``programme_units``: who is in the pooled panel of each year (`UNIT_COLUMNS`): role
      "treated" (cohort = entry year) or "control" (not yet treated, cohort 0).

    Parameters
    ----------
    crimes, project06 : pandas.DataFrame
        The monthly record tables as given (`data.load`; no months carried back to new units).
    programme : pandas.DataFrame
        Programme wards and their cohort_year.
    units : pandas.DataFrame
        The units table (each programme ward's district gives its controls).
    years : list of int
        The report years.
    n_permutations : int, default 2000
        Cohort reassignments drawn for each year's randomisation p.
    n_simulations : int, optional
        Simulated worlds per candidate effect for the minimum detectable effect.
    seed : int, default 0
        Seed of the reassignments and the simulations.
    detectable : bool, default True
        Also the minimum detectable effect of each year (the slow part).

    Returns
    -------
    dict of str to pandas.DataFrame
        ``programme_effects``, ``programme_levels`` and ``programme_units`` (above).

    Examples
    --------
    >>> from wardstudy import data
    >>> study = data.load()                                                        # doctest: +SKIP
    >>> tables = pooled_results(study.crimes, study.project06, study.programme, study.units,
    ...                         [2023, 2024], detectable=False)                    # doctest: +SKIP
    >>> tables["programme_effects"][["year", "att", "rate_ratio", "p_value"]]     # doctest: +SKIP
    """
    effects, levels, members = [], [], []
    for year in years:
        _, treated, controls = pooled_panel(crimes, project06, programme, units, year)
        members += [(year, w, g, "treated") for w, g in sorted(treated.items())]
        members += [(year, u, 0, "control") for u in controls]
        row = dict.fromkeys(EFFECT_COLUMNS, np.nan) | {"year": year, "n_treated": len(treated),
                                                       "n_controls": len(controls), "exact": False}
        found = pooled_effect(crimes, project06, programme, units, year, n_permutations=n_permutations, seed=seed)
        if found is not None:
            row |= {"att": found.att, "se": found.se, "att_ci_low": found.att - Z95 * found.se,
                    "att_ci_high": found.att + Z95 * found.se, "rate_ratio": found.rate_ratio,
                    "ci_low": found.ci_low, "ci_high": found.ci_high, "p_value": found.p_value,
                    "min_p_value": found.min_p_value, "n_assignments": _count_as_float(found.n_assignments),
                    "exact": bool(found.n_assignments <= n_permutations)}
            for kind, table in (("cohort", found.by_cohort), ("event_time", found.by_event_time)):
                for level, att, se in zip(table["level"], table["att"], table["se"]):
                    levels.append((year, kind, int(level), att, se, att - Z95 * se, att + Z95 * se))
            if detectable:
                mde = pooled_detectable_effect(crimes, project06, programme, units, year, n_simulations=n_simulations,
                                               seed=seed)
                row |= detectable_row(mde)  # mde_simulations: worlds simulated, 0 when the test cannot reach
        effects.append(row)
    effects = pd.DataFrame(effects, columns=EFFECT_COLUMNS)
    effects["units_needed"] = effects["units_needed"].astype(float)
    effects["mde_reachable"] = effects["mde_reachable"].astype("boolean")  # NaN where nothing was asked
    return {"programme_effects": effects,
            "programme_levels": pd.DataFrame(levels, columns=LEVEL_COLUMNS),
            "programme_units": pd.DataFrame(members, columns=UNIT_COLUMNS)}
