"""The impact design: one programme ward against the units not yet treated, and its results.

Prepares the study's tables for the methods of `wardstudy.evaluate` and runs them: numbers
only (the report layer words them). The comparison set for a ward that entered the
programme in year g, reported for year Y >= g, is bounded: it is drawn from the ward's own
district (`donor_pool`), never the whole country, and among those units:

* the ward itself, treated from January of g;
* every unit not treated by the end of Y: never-treated units and later cohorts, whose
  data are used only up to Y, so that no treated period of theirs enters the comparison
  (the "not-yet-treated" design);
* other programme wards already treated by Y are left out.

Outcome: social-order crimes per 1,000 residents, with the Project 06 count of eligible
residents as the population (the only yearly population in the records; it is an
assumption and the report says so).

Three designs, each honest about its limits: difference-in-differences with a
randomisation test (the analytic standard error ignores the single treated ward's own
variance), synthetic control on quarterly rates with an in-space placebo test, and an
interrupted time series of the ward's own monthly counts (no control group, so a
city-wide change would show up as an effect). With J comparison units the smallest
attainable randomisation p-value is 1 / (J + 1).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from wardstudy.data.cohorts import evaluable_ward_years, has_pre_period  # noqa: F401 (re-exported)
from wardstudy.data.impact_columns import DETECTABLE_COLUMNS, ESTIMATE_COLUMNS  # noqa: F401 (re-exported)
from wardstudy.data.months import with_calendar
from wardstudy.evaluate.did import did_permutation_test
from wardstudy.evaluate.its import interrupted_time_series
from wardstudy.evaluate.poisson import baseline_sensitivity, poisson_change
from wardstudy.evaluate.power import ALPHA, N_SIMULATIONS, minimum_detectable_effect
from wardstudy.evaluate.synth import placebo_test

__all__ = ["ImpactDesign", "donor_pool", "impact_design", "social_order_rates", "impact_estimates",
           "ESTIMATE_COLUMNS", "DETECTABLE_COLUMNS", "recorded_units", "detectable_effects", "published_change_sensitivity", "evaluable_ward_years", "has_pre_period", "impact_results",
           "SimulatedRates"]

PER = 1000.0  # rates per 1,000 residents


@dataclass(frozen=True)
class ImpactDesign:
    """Who is compared with whom, for one ward and report year."""

    ward: str
    cohort: int | None  # the ward's programme entry year, None if it never entered
    year: int
    controls: list[str]
    excluded: list[str]  # programme wards already treated by `year`
    # units of the pool that could be controls but have no records up to `year` (e.g. a data
    # folder holding one ward's own workbook): not compared, and named
    unrecorded: list[str] = field(default_factory=list)

    @property
    def evaluable(self) -> bool:
        return self.reason == ""

    @property
    def reason(self) -> str:
        """Why the design cannot be evaluated ("" when it can): at least 2 controls with records.

        >>> ImpactDesign("a", 2023, 2024, [], [], unrecorded=["b", "c"]).reason
        'no comparison unit in the data: none of the 2 units that could be compared has records up to 2024'
        >>> ImpactDesign("a", 2023, 2024, ["b", "c"], []).reason
        ''
        """
        if self.cohort is None:
            return "not in the programme"
        if self.cohort > self.year:
            return f"enters the programme in {self.cohort}, after {self.year}"
        if not self.controls:
            if self.unrecorded:
                return (f"no comparison unit in the data: none of the {len(self.unrecorded)} units that could be "
                        f"compared has records up to {self.year}")
            return f"no comparison unit: no unit of the ward's pool outside the programme exists through {self.year}"
        if len(self.controls) < 2:
            return f"too few comparison units in the data ({len(self.controls)}; at least 2 are needed)"
        return ""

    @property
    def min_p_value(self) -> float:
        """The smallest p a randomisation test over these units can give: 1 / (J + 1)."""
        return 1 / (len(self.controls) + 1)


def donor_pool(units: pd.DataFrame, ward: str, by: str = "district_code", same_type: bool = False) -> pd.DataFrame:
    """The units a ward may be compared with: those of its own district (itself included).

    same_type: only units of the ward's own type (phường with phường, xã with xã), so an
    urban ward is not set against rural communes; off by default because a district often
    has too few units of one type.

    >>> units = pd.DataFrame({"slug": ["a", "b", "c", "d"], "district_code": ["1", "1", "2", "1"],
    ...                       "type": ["phường", "phường", "phường", "xã"]})
    >>> donor_pool(units, "a")["slug"].tolist(), donor_pool(units, "a", same_type=True)["slug"].tolist()
    (['a', 'b', 'd'], ['a', 'b'])
    """
    own = units.loc[units["slug"] == ward]
    if own.empty:
        return units.iloc[:0]
    pool = units[units[by].isin(own[by])]
    return pool[pool["type"].isin(own["type"])] if same_type else pool


def impact_design(programme: pd.DataFrame, units: pd.DataFrame, ward: str, year: int,
                  recorded=None) -> ImpactDesign:
    """The comparison set for `ward` in `year` among `units` (see the module docstring).

    Pass the ward's `donor_pool`, not the whole country. recorded: the units with records up
    to `year` (`recorded_units`); a would-be control outside it is not compared but listed in
    `unrecorded`, so a folder holding only one ward's data gives a design that says why it
    cannot be evaluated instead of a test with nothing to compare. None: every unit counts.

    Parameters
    ----------
    programme : pandas.DataFrame
        Programme wards and their cohort_year.
    units : pandas.DataFrame
        The candidate units (column slug): the ward's `donor_pool`.
    ward : str
        The programme ward's slug.
    year : int
        The report year.
    recorded : set of str, optional
        The units with records up to `year` (`recorded_units`); None: every unit counts.

    Returns
    -------
    ImpactDesign
        The ward, its cohort, the year, the controls (not in the programme by `year`), the
        programme wards left out (`excluded`) and those without records (`unrecorded`);
        ``reason`` says why a design cannot be evaluated ("" when it can).

    Examples
    --------
    >>> programme = pd.DataFrame({"ward": ["a", "b"], "cohort_year": [2023, 2024]})
    >>> units = pd.DataFrame({"slug": ["a", "b", "c", "d"]})
    >>> d = impact_design(programme, units, "a", 2023)
    >>> d.controls, d.excluded
    (['b', 'c', 'd'], [])
    >>> impact_design(programme, units, "a", 2024).excluded
    ['b']
    """
    cohorts = dict(zip(programme["ward"], programme["cohort_year"].astype(int)))
    # A comparison unit exists the whole report year: not a unit made on 1 July 2025, not one
    # that ceased before December (blank dates are open ends).
    alive = _alive_through(units, year)
    others = [u for u, ok in zip(units["slug"], alive) if u != ward and ok]
    excluded = [u for u in others if cohorts.get(u, np.inf) <= year]
    controls = [u for u in others if u not in excluded]
    unrecorded = [] if recorded is None else [u for u in controls if u not in recorded]
    controls = [u for u in controls if u not in unrecorded]
    return ImpactDesign(ward, cohorts.get(ward), year, controls, excluded, unrecorded)


def recorded_units(crimes: pd.DataFrame, year: int) -> set[str]:
    """The units with a social-order crimes record in a month up to the end of `year` (the
    months a rate is computed over, `social_order_rates`).

    >>> crimes = pd.DataFrame({"ward": ["a", "b", "c"], "month": ["2022-05", "2025-01", "2022-05"],
    ...                        "category": ["social_order", "social_order", "drugs"]})
    >>> sorted(recorded_units(crimes, 2024))
    ['a']
    """
    rows = (crimes["category"] == "social_order") & (crimes["month"].astype(str).str[:4].astype(int) <= year)
    return set(crimes.loc[rows, "ward"])


def _alive_through(units: pd.DataFrame, year: int) -> list[bool]:
    """Whether each unit's validity (``valid_from``/``valid_to``, blank = open) covers all of `year`.

    >>> _alive_through(pd.DataFrame({"valid_from": [None, "2025-07-01"], "valid_to": ["2025-06-30", None]}), 2024)
    [True, False]
    """
    def days(column: str, blank: str) -> pd.Series:
        if column not in units.columns:
            return pd.Series(blank, index=units.index)
        text = units[column].astype("string").str.strip().str[:10]
        return text.where(text.notna() & text.ne(""), blank)

    return ((days("valid_from", "0000") <= f"{year}-01-01") & (days("valid_to", "9999") >= f"{year}-12-31")).tolist()


def social_order_rates(crimes: pd.DataFrame, project06: pd.DataFrame, design: ImpactDesign,
                       freq: str = "Y") -> pd.DataFrame:
    """Social-order crimes and rate per 1,000 residents for the design's units, by period.

    freq: "Y" (year), "Q" (quarter) or "M" (month). Periods run up to the end of the report
    year. Columns: ward, period (int year, or a float year + fraction), year, month_of_year
    (for "M"), count, residents (mean eligible residents over the months observed),
    months_observed (months of the period with a record; fewer than the period's 12, 3 or 1
    flags unreported months), exposure (the person-time at risk, in whole periods:
    residents x months_observed / months of the period), rate, cohort (entry year for the
    ward, 0 for comparison units), residents_carried (months of the period whose residents
    figure was carried from a neighbouring month, see below).

    rate = count / exposure * 1,000: cases per 1,000 residents per period (a year for "Y",
    a quarter for "Q", a month for "M"), over the months observed. A year with November and
    December unreported has 10 months of cases over 10 months of person-time, so a ward
    with a constant rate keeps it, where count / residents would give it 10/12 of its rate.

    Every recorded crime is counted. The months of a ward are those with a social-order
    crimes record (a month whose count is 0 has a record with 0); a month without one is
    unreported and left out of both the cases and the person-time, whether or not Project 06
    has its residents (unreported is never zero cases). A month with crimes but no residents
    figure takes the ward's latest earlier figure (or, before its first figure, its earliest
    one): the eligible population changes slowly, so this moves the rate little, whereas
    dropping the month would drop its crimes. Such months are named in a warning and counted
    in `residents_carried`. A ward with crimes and no residents figure at all has no rate:
    ValueError naming it.

    >>> crimes = pd.DataFrame({"ward": ["a"] * 4, "month": ["2022-01", "2022-02", "2022-03", "2022-04"],
    ...                        "category": ["social_order"] * 4, "count": [1, 2, 3, 4]})
    >>> people = pd.DataFrame({"ward": ["a", "a"], "month": ["2022-01", "2022-04"],
    ...                        "eligible_residents": [1000, 2000]})
    >>> import warnings
    >>> with warnings.catch_warnings(record=True):
    ...     got = social_order_rates(crimes, people, ImpactDesign("a", 2023, 2022, [], []))
    >>> got[["ward", "period", "count", "residents", "months_observed", "exposure", "rate"]].round(1)
      ward  period  count  residents  months_observed  exposure  rate
    0    a    2022     10     1250.0                4     416.7  24.0

    Four months of 1,000, 1,000, 1,000 (carried) and 2,000 residents are 5,000 / 12 person-
    years; 10 cases over them are 24 per 1,000 a year.
    """
    import warnings  # here, not at the top of the module, to keep this change to this function

    wards = [design.ward, *design.controls]
    so = crimes[(crimes["category"] == "social_order") & crimes["ward"].isin(wards)]
    counts = so.groupby(["ward", "month"], as_index=False)["count"].sum()
    people = project06.loc[project06["ward"].isin(wards), ["ward", "month", "eligible_residents"]]
    monthly = people.merge(counts, on=["ward", "month"], how="outer").sort_values(["ward", "month"],
                                                                                  ignore_index=True)
    unknown = monthly["eligible_residents"].isna()
    residents = monthly.groupby("ward")["eligible_residents"]
    monthly["eligible_residents"] = residents.ffill()
    monthly["eligible_residents"] = monthly.groupby("ward")["eligible_residents"].bfill()
    monthly["residents_carried"] = unknown.astype(int)
    monthly = with_calendar(monthly[monthly["count"].notna()])  # unreported months: left out
    monthly = monthly[monthly["year"] <= design.year]
    none = monthly.loc[monthly["eligible_residents"].isna()]
    if not none.empty:
        ward = none["ward"].iloc[0]
        months = ", ".join(none.loc[none["ward"] == ward, "month"])
        raise ValueError(f'project06: ward "{ward}" has no eligible_residents figure in any month, but crimes '
                         f"has social-order records for it ({months}); add its residents to compute a rate")
    carried = monthly[monthly["residents_carried"] == 1]
    if not carried.empty:
        listed = "; ".join(f"{w}: {', '.join(m)}" for w, m in carried.groupby("ward")["month"])
        warnings.warn(f"project06 has no eligible_residents for months with crime records ({listed}); "
                      f"each takes its ward's latest earlier figure (its earliest, before the first)",
                      stacklevel=2)
    monthly["period"] = _period(monthly, freq)
    keys = _period_keys(freq)
    out = monthly.groupby(keys, as_index=False).agg(count=("count", "sum"),
                                                    residents=("eligible_residents", "mean"),
                                                    months_observed=("eligible_residents", "size"),
                                                    person_months=("eligible_residents", "sum"),
                                                    residents_carried=("residents_carried", "sum"))
    out["count"] = out["count"].astype(int)
    out["exposure"] = out.pop("person_months") / MONTHS_IN_PERIOD[freq]
    out["rate"] = out["count"] / out["exposure"] * PER
    out["cohort"] = np.where(out["ward"] == design.ward, design.cohort, 0)
    return out[[*keys, "count", "residents", "months_observed", "exposure", "rate", "cohort", "residents_carried"]]


MONTHS_IN_PERIOD = {"Y": 12, "Q": 3, "M": 1}


def _period(monthly: pd.DataFrame, freq: str) -> pd.Series:
    """The period of each month (with ``year``, ``month_of_year``): a year, or a year + fraction."""
    if freq == "Y":
        return monthly["year"]
    if freq == "Q":
        return monthly["year"] + ((monthly["month_of_year"] - 1) // 3) / 4
    if freq == "M":
        return monthly["year"] + (monthly["month_of_year"] - 1) / 12
    raise ValueError(f'freq must be "Y", "Q" or "M", got {freq!r}')


def _period_keys(freq: str) -> list[str]:
    return ["ward", "period"] + (["year", "month_of_year"] if freq == "M" else [])


class SimulatedRates:
    """`social_order_rates` of simulated worlds, the same table at a fraction of the cost.

    The worlds of one design (`power.simulated_counts`) share their unit-months: the same
    ``project06`` table, and a ``crimes`` table with one row per row of it, in its order;
    only the counts differ. So the table's layout (periods, residents) is made once, by
    `social_order_rates` itself, and each world's counts are summed into it by position.
    A table that is not such a world takes `social_order_rates` whole.

    >>> months = pd.DataFrame({"ward": ["a"] * 3, "month": ["2022-01", "2022-02", "2023-01"],
    ...                        "eligible_residents": [1000, 1000, 2000]})
    >>> rates = SimulatedRates(ImpactDesign("a", 2023, 2023, [], []), "Y")
    >>> first = rates(months[["ward", "month"]].assign(category="social_order", count=[1, 2, 4]), months)
    >>> again = rates(months[["ward", "month"]].assign(category="social_order", count=[0, 5, 3]), months)
    >>> again[["ward", "period", "count", "months_observed", "rate"]]  # summed by position
      ward  period  count  months_observed  rate
    0    a    2022      5                2  30.0
    1    a    2023      3                1  18.0
    """

    def __init__(self, design: ImpactDesign, freq: str):
        self.design, self.freq = design, freq
        self._months: pd.DataFrame | None = None

    def __call__(self, crimes: pd.DataFrame, project06: pd.DataFrame) -> pd.DataFrame:
        if project06 is not self._months or not _row_for_row(crimes, project06):
            table = social_order_rates(crimes, project06, self.design, self.freq)
            if _row_for_row(crimes, project06):
                self._learn(table, project06)
            return table
        counts = np.bincount(self._row, weights=crimes["count"].to_numpy(), minlength=len(self._table))
        table = self._table.copy()
        table["count"] = counts.astype(self._table["count"].dtype)
        table["rate"] = table["count"] / table["exposure"] * PER
        return table

    def _learn(self, table: pd.DataFrame, project06: pd.DataFrame) -> None:
        """Where each month of `project06` lands in `table`, if every one lands somewhere."""
        self._months = None
        if table["residents_carried"].any():
            return
        monthly = with_calendar(project06[["ward", "month"]])
        monthly["period"] = _period(monthly, self.freq)
        keys = _period_keys(self.freq)
        row = pd.MultiIndex.from_frame(table[keys]).get_indexer(pd.MultiIndex.from_frame(monthly[keys]))
        if (row < 0).any() or (monthly["year"] > self.design.year).any():
            return
        self._months, self._table, self._row = project06, table, row


def _row_for_row(crimes: pd.DataFrame, project06: pd.DataFrame) -> bool:
    """Whether `crimes` is a simulated world's: social-order rows, one per `project06` row, in its order."""
    return (len(crimes) == len(project06) and (crimes["category"] == "social_order").all()
            and all(crimes[c].array.equals(project06[c].array) for c in ("ward", "month")))


# The estimates' columns: `data.impact_columns.ESTIMATE_COLUMNS` (what each one is, there).

# One verdict per ward (issue 23, item 6): the method whose test decides it, declared before
# the data are seen (the `primary_method` parameter, `pipeline.params`); the others support.
METHODS = ("did", "synth", "its")
PRIMARY_METHOD = "did"
# What each method's estimate is: the DiD's is ATT(g, Y), the effect in the report year; the
# synthetic control's and the time series' are averages over every month since entry (g to Y).
ESTIMANDS = {"did": "att_report_year", "synth": "average_since_entry", "its": "average_since_entry"}


def _did(yearly: pd.DataFrame, design: ImpactDesign) -> dict:
    # The test is of the estimate shown: ATT(g, Y) of `staggered_did` (not the average over
    # g..Y), which is the test's own `att` (one treated ward), with the size-robust
    # standardised statistic: wards of 2,900 and 9,000 residents are exchangeable.
    perm = did_permutation_test(yearly, unit="ward", time="period", cohort="cohort", outcome="rate",
                                statistic="standardised", count="count", residents="exposure",
                                at_time=design.year, n_permutations=5000)
    return {"method": "did", "estimate": perm.att, "scale": "difference", "ci_low": np.nan, "ci_high": np.nan,
            "p_value": perm.p_value, "min_p_value": perm.min_p_value, "n_assignments": perm.n_assignments,
            "family": ""}


def identifiable_donors(rates: pd.DataFrame, design: ImpactDesign) -> list[str]:
    """The synthetic control's donors: the design's controls, at most one fewer than the
    pre-programme periods, those nearest the ward in mean pre-programme rate first.

    With as many donors as pre-periods, weights can fit the pre-period exactly whatever the
    units (pre-RMSPE 0, a ratio with nothing below it), so a large district would give a
    fit that says nothing. Ties keep the controls' order.

    >>> rates = pd.DataFrame({"ward": ["a", "a", "b", "b", "c", "c", "d", "d"],
    ...                       "period": [2021.0, 2021.25] * 4, "rate": [5, 5, 4, 4, 9, 9, 5.5, 5.5]})
    >>> identifiable_donors(rates, ImpactDesign("a", 2022, 2022, ["b", "c", "d"], []))
    ['d']
    """
    pre = rates[rates["period"] < design.cohort]
    n_pre = pre["period"].nunique()
    if len(design.controls) < n_pre:
        return list(design.controls)
    means = pre.groupby("ward")["rate"].mean()
    distance = (means.reindex(design.controls) - means.get(design.ward, np.nan)).abs()
    return list(distance.sort_values(kind="stable").index[:max(n_pre - 1, 1)])


def _synth(quarterly: pd.DataFrame, design: ImpactDesign) -> dict:
    # The standardised statistic: each unit's gaps over their Poisson se, so that the test holds
    # its level whatever the ward's size (the RMSPE ratio over-rejected for a large ward, issue 23).
    test = placebo_test(quarterly, unit="ward", time="period", outcome="rate", treated=design.ward,
                        treatment_time=float(design.cohort), donors=identifiable_donors(quarterly, design),
                        statistic="standardised", count="count", exposure="exposure")
    fit = test.results[design.ward]
    post_gap = float(fit.gaps[fit.gaps.index >= design.cohort].mean()) * 4  # per quarter -> per year
    return {"method": "synth", "estimate": post_gap, "scale": "difference", "ci_low": np.nan, "ci_high": np.nan,
            "p_value": test.p_value, "min_p_value": test.min_p_value, "n_assignments": len(test.results),
            "family": ""}


def _its(monthly: pd.DataFrame, design: ImpactDesign) -> dict:
    from wardstudy.evaluate.its import months_since_start  # here to keep this change to this function

    # t: months since the series start, from the month itself (a missing month is a gap,
    # not a shift of every later month)
    own = monthly[monthly["ward"] == design.ward].sort_values("period").assign(
        t=lambda d: months_since_start(d["year"], d["month_of_year"]),
        post=lambda d: (d["year"] >= design.cohort).astype(int))
    its = interrupted_time_series(own, count="count", time="t", post="post", offset="residents",
                                  season="month_of_year", family="quasipoisson")
    return {"method": "its", "estimate": its.step.rate_ratio, "scale": "rate_ratio",
            "ci_low": its.step.ci_low, "ci_high": its.step.ci_high, "p_value": its.step.p_value,
            "min_p_value": np.nan, "n_assignments": np.nan, "family": its.family_used}


def impact_estimates(crimes: pd.DataFrame, project06: pd.DataFrame, design: ImpactDesign) -> pd.DataFrame:
    """Each design's estimate for the ward's social-order crime rate, with its inference.

    Rows: "did" (difference-in-differences, randomisation p), "synth" (synthetic control
    on quarterly rates, placebo p), "its" (the ward's own monthly series, quasi-Poisson).
    Columns `ESTIMATE_COLUMNS`. Empty when the design is not evaluable.
    """
    if not design.evaluable:
        return pd.DataFrame(columns=ESTIMATE_COLUMNS)
    rows = [run(social_order_rates(crimes, project06, design, freq), design) for freq, run in _METHODS.values()]
    return pd.DataFrame(rows, columns=ESTIMATE_COLUMNS)


# Each method with the period its rates are taken over (yearly, quarterly, monthly).
_METHODS = {"did": ("Y", _did), "synth": ("Q", _synth), "its": ("M", _its)}

# The detectable effect's columns: `data.impact_columns.DETECTABLE_COLUMNS`.


def detectable_row(found) -> dict:
    """A `power.DetectableEffect` as the `DETECTABLE_COLUMNS` after ``method`` (the pooled rows use it too)."""
    return {"mde_rate_ratio": found.rate_ratio, "mde_level": found.level, "mde_power": found.power,
            "mde_floor": found.floor, "units_needed": found.units_needed, "mde_power_low": found.power_low,
            "mde_power_high": found.power_high, "mde_simulations": found.n_simulations,
            "mde_reachable": found.reachable, "mde_dispersion": found.dispersion}


def detectable_effects(crimes: pd.DataFrame, project06: pd.DataFrame, design: ImpactDesign,
                       n_simulations: int = N_SIMULATIONS, seed: int = 0, alpha: float = ALPHA) -> pd.DataFrame:
    """Each method's minimum detectable effect for this design (`power.minimum_detectable_effect`).

    Simulated worlds keep the design's units and residents, with the levels, trend, season
    and overdispersion of its pre-period (`power.fit_worlds`); each is analysed by the method
    exactly as the real data (the time series by `its_step_p`, the same fit for many worlds
    at once). Judged at `alpha`, the verdict's level (p < alpha). Columns
    `DETECTABLE_COLUMNS`: mde_rate_ratio (the smallest fall found with 80% power; NaN if none
    down to mde_floor, or if the method cannot give p < alpha: mde_reachable False),
    mde_level (alpha), mde_power with its Monte-Carlo interval, units_needed (for a
    randomisation test that cannot give p < alpha). Empty when the design is not evaluable.
    """
    if not design.evaluable:
        return pd.DataFrame(columns=DETECTABLE_COLUMNS)
    rows = []
    for method, (freq, run) in _METHODS.items():
        def analyse(crimes_sim, project06_sim, rates=SimulatedRates(design, freq), run=run):
            result = run(rates(crimes_sim, project06_sim), design)
            return result["p_value"], result["min_p_value"]

        found = minimum_detectable_effect(
            analyse, crimes, project06, design.ward, design.controls, design.cohort, design.year, method=method,
            n_simulations=n_simulations, seed=seed, alpha=alpha,
            analyse_counts=_many_worlds(method, design))
        rows.append({"method": method, **detectable_row(found)})
    return pd.DataFrame(rows, columns=DETECTABLE_COLUMNS)


def _many_worlds(method: str, design: ImpactDesign):
    """The method's p for many worlds at once where there is such a path (`power.detection_power`)."""
    if method == "its":
        return its_step_p(design)
    if method == "did":  # as `_did` calls the test
        return did_test_p(SimulatedRates(design, "Y"), at_time=design.year, n_permutations=5000)
    return None  # the synthetic control: world by world


class its_step_p:  # noqa: N801 - used as a function: its_step_p(design)(counts)
    """`_its`'s p of the step for many simulated worlds at once (`power.detection_power`).

    The same model as `_its` (quasi-Poisson regression of the ward's monthly counts on
    months since the start, the step from January of the cohort year, two Fourier pairs of
    the month of the year, log residents as offset; dispersion = Pearson chi2 / (n - p)
    floored at 1; two-sided Wald z test), fitted by iteratively reweighted least squares for
    every world at once: the same estimates to solver precision (tests/test_power.py checks
    it against `_its`), at a fraction of the time. counts: worlds x rows of the design's
    `power.fit_worlds` months (ward, month, eligible_residents, sorted by ward and month).
    A world with no case before or after the step gets NaN (no finite step: not detected).
    """

    def __init__(self, design: ImpactDesign):
        self.design = design
        self._months = None

    def _learn(self, months: pd.DataFrame) -> None:
        from wardstudy.evaluate.its import months_since_start

        calendar = with_calendar(months)
        own = ((calendar["ward"] == self.design.ward) & (calendar["year"] <= self.design.year)).to_numpy()
        mine = calendar[own]
        residents = mine["eligible_residents"].ffill().bfill().to_numpy(float)
        angle = 2 * np.pi * mine["month_of_year"].to_numpy(float) / 12
        self.rows, self.post = own, (mine["year"] >= self.design.cohort).to_numpy()
        self.x = np.column_stack([np.ones(len(mine)), months_since_start(mine["year"], mine["month_of_year"]),
                                  self.post.astype(float), np.sin(angle), np.cos(angle), np.sin(2 * angle),
                                  np.cos(2 * angle)])
        self.offset = np.log(residents)

    def __call__(self, counts: np.ndarray, months: pd.DataFrame) -> np.ndarray:
        if months is not self._months:
            self._learn(months)
            self._months = months
        y = np.asarray(counts, dtype=float)[:, self.rows]
        return _quasipoisson_step_p(y, self.x, self.offset, column=2, post=self.post)


class did_test_p:  # noqa: N801 - used as a function: did_test_p(table_of, ...)(counts, months)
    """`did.did_permutation_test`'s p (standardised statistic, two-sided) for many simulated
    worlds at once (`power.detection_power`).

    table_of(crimes, project06) -> the yearly table the test runs on (ward, period, count,
    exposure, rate, cohort), as the method builds it from a world. The test's statistic is,
    for each reassignment a of the cohorts, z_a = sum(A_a * rate) / sqrt(sum(A_a^2 * own_a /
    exposure)) (`did._standardised`), linear in the counts in its numerator and, since each
    unit's own rate own_a is its counts over the cells it uses divided by their exposure, in
    its variance too: both are one matrix product over the worlds. The reassignments are the
    test's own (every one when there are at most `n_permutations`, else `n_permutations`
    seeded draws). tests/test_power.py checks the p against `did_permutation_test`'s.
    None (`usable` False) when the worlds' months do not map one-to-one onto the table's cells.
    """

    def __init__(self, table_of, *, control_group: str = "never_treated", at_time=None,
                 n_permutations: int = 999, seed: int = 0):
        self.table_of, self.control_group, self.at_time = table_of, control_group, at_time
        self.n_permutations, self.seed = n_permutations, seed
        self._months = None

    def _learn(self, counts: np.ndarray, months: pd.DataFrame) -> None:
        from wardstudy.evaluate.did import _aggregate_coefficients, _all_assignments, _n_assignments, _wide_panel

        crimes = months[["ward", "month"]].assign(category="social_order", count=counts)
        table = self.table_of(crimes, months)
        panel = _wide_panel(table, "ward", "period", "cohort", "rate")
        unit = pd.Index(panel.units).get_indexer(table["ward"])
        time = pd.Index(panel.times).get_indexer(table["period"].to_numpy(float))
        kept = unit >= 0
        exposure = np.full(panel.y.shape, np.nan)
        exposure[unit[kept], time[kept]] = table["exposure"].to_numpy(float)[kept]
        calendar = with_calendar(months[["ward", "month"]])
        row_unit = pd.Index(panel.units).get_indexer(calendar["ward"])
        row_time = pd.Index(panel.times).get_indexer(calendar["year"].to_numpy(float))
        self.cell = np.where((row_unit >= 0) & (row_time >= 0), row_unit * len(panel.times) + row_time, -1)
        grid = self._grid(counts[None, :], panel.y.shape)[0]
        expected = np.full(panel.y.shape, np.nan)
        expected[unit[kept], time[kept]] = table["count"].to_numpy(float)[kept]
        self.usable = bool(np.isfinite(exposure).all() and np.allclose(grid, expected))
        if not self.usable:
            return
        total = _n_assignments(panel.cohort)
        if total <= self.n_permutations:
            draws, self.exact = list(_all_assignments(panel.cohort)), True
        else:
            rng = np.random.default_rng(self.seed)
            draws, self.exact = [rng.permutation(panel.cohort) for _ in range(self.n_permutations)], False
        coefs = [c for c in (_aggregate_coefficients(panel, d, self.control_group, self.at_time) for d in draws)
                 if c is not None]
        observed = _aggregate_coefficients(panel, panel.cohort, self.control_group, self.at_time)
        self.shape, self.exposure = panel.y.shape, exposure
        self.a = np.array([c.ravel() for c in [observed, *coefs]])
        used = self.a != 0
        weight = ((self.a**2).reshape(-1, *self.shape) / exposure).sum(axis=2)  # sum_t A^2 / exposure, per unit
        people = (used.reshape(-1, *self.shape) * exposure).sum(axis=2)  # exposure of the cells used, per unit
        per_unit = np.divide(weight, people, out=np.zeros_like(weight), where=people > 0)
        self.m = (used.reshape(-1, *self.shape) * per_unit[:, :, None]).reshape(len(self.a), -1)

    def _grid(self, counts: np.ndarray, shape) -> np.ndarray:
        out = np.zeros((len(counts), shape[0] * shape[1]))
        keep = self.cell >= 0
        for w in range(len(counts)):
            out[w] = np.bincount(self.cell[keep], weights=counts[w, keep], minlength=shape[0] * shape[1])
        return out.reshape(len(counts), *shape)

    def __call__(self, counts: np.ndarray, months: pd.DataFrame) -> np.ndarray:
        counts = np.asarray(counts, dtype=float)
        if months is not self._months:
            self._learn(counts[0], months)
            self._months = months
        if not self.usable:
            raise ValueError("did_test_p: the worlds' months do not map onto the test's table")
        c = self._grid(counts, self.shape).reshape(len(counts), -1)
        num = (c / self.exposure.ravel()) @ self.a.T
        var = c @ self.m.T
        z = np.divide(num, np.sqrt(var), out=np.zeros_like(num), where=var > 0)
        observed, dist = z[:, :1], z[:, 1:]
        hits = np.abs(dist) >= np.abs(observed) - 1e-12 * np.maximum(1.0, np.abs(observed))
        if self.exact:
            return hits.mean(axis=1)
        return (1 + hits.sum(axis=1)) / (1 + dist.shape[1])


def _quasipoisson_step_p(y: np.ndarray, x: np.ndarray, offset: np.ndarray, column: int,
                         post: np.ndarray, iterations: int = 100, tol: float = 1e-10) -> np.ndarray:
    """Two-sided Wald p of coefficient `column` of a quasi-Poisson fit, one fit per row of y.

    IRLS from statsmodels' start (mu = (y + mean y) / 2), until no coefficient moves by more
    than `tol` (relative); dispersion max(Pearson chi2 / (n - p), 1).

    A row has no p (NaN, so never a detection) when the test cannot be run on it: no case
    before or none after the change (the step's estimate is infinite, there is no fit), or
    weights that leave X'WX singular. Such a row is left out of the fit, never allowed to
    stop the others: a simulated world is one of hundreds, and the detectable effect counts
    it as not detected.
    """
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # a diverging world ends as NaN
        return _quasipoisson_fits(np.asarray(y, dtype=float), x, offset, column, post, iterations, tol)


def _quasipoisson_fits(y, x, offset, column, post, iterations, tol) -> np.ndarray:
    p = np.full(len(y), np.nan)
    ok = (y[:, post].sum(axis=1) > 0) & (y[:, ~post].sum(axis=1) > 0)
    rows = np.flatnonzero(ok)
    if rows.size == 0:
        return p
    y = y[rows]
    n, k = x.shape
    mu = (y + y.mean(axis=1, keepdims=True)) / 2
    mu = np.where(mu > 0, mu, 1e-8)
    eta = np.log(mu)
    beta = np.zeros((len(y), k))
    fitted = np.ones(len(y), dtype=bool)
    for _ in range(iterations):
        z = eta - offset + (y - mu) / mu
        new, solved = _solve_each(np.einsum("ni,wn,nj->wij", x, mu, x), np.einsum("ni,wn->wi", x, mu * z))
        fitted &= solved
        moved = np.abs(new - beta).max(axis=1) / np.maximum(np.abs(new).max(axis=1), 1.0)
        beta = np.where(fitted[:, None], new, beta)
        eta = np.clip(beta @ x.T + offset, -700, 700)
        mu = np.exp(eta)
        if (moved[fitted] < tol).all():
            break
    xtwx = np.einsum("ni,wn,nj->wij", x, mu, x)
    unit = np.zeros((len(y), k))
    unit[:, column] = 1.0
    inverse_column, solved = _solve_each(xtwx, unit)  # column `column` of (X'WX)^-1
    fitted &= solved
    scale = np.maximum(((y - mu) ** 2 / mu).sum(axis=1) / (n - k), 1.0)
    var = inverse_column[:, column] * scale
    zstat = np.divide(beta[:, column], np.sqrt(var), out=np.full(len(y), np.nan), where=fitted & (var > 0))
    from scipy import stats

    p[rows] = np.where(fitted & np.isfinite(zstat), 2 * stats.norm.sf(np.abs(zstat)), np.nan)
    return p


def _solve_each(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Solve a[w] @ x[w] = b[w] for every w: (x, solved). All at once when every system is
    regular; otherwise one by one, a singular or non-finite system's x left at zero and its
    `solved` False."""
    try:
        return np.linalg.solve(a, b[..., None])[..., 0], np.isfinite(a).all(axis=(1, 2))
    except np.linalg.LinAlgError:
        x, solved = np.zeros_like(b), np.zeros(len(b), dtype=bool)
        for w in range(len(b)):
            try:
                x[w] = np.linalg.solve(a[w], b[w])
                solved[w] = np.isfinite(x[w]).all()
            except np.linalg.LinAlgError:
                pass
        return x, solved


def published_change_sensitivity(published: pd.DataFrame, alpha: float = ALPHA,
                                 example_baseline: int = 20) -> pd.DataFrame:
    """For each published change in social-order crimes (only the difference is known): the
    largest baseline at which it would be significant, and an example baseline's exact p.

    Columns: ward, year, difference, max_significant_baseline (NaN if none),
    example_baseline, example_after, example_p_value (NaN when the example is impossible).

    >>> pub = pd.DataFrame({"ward": ["a"], "year": [2023], "indicator": ["social_order_crime_change"],
    ...                     "value": [-7.0]})
    >>> published_change_sensitivity(pub)[["difference", "max_significant_baseline", "example_after"]]
       difference  max_significant_baseline  example_after
    0        -7.0                       8.0           13.0
    """
    rows = published[published["indicator"] == "social_order_crime_change"]
    records = []
    for ward, year, difference in zip(rows["ward"], rows["year"].astype(int), rows["value"].astype(float)):
        after = example_baseline + difference
        p = poisson_change(after, example_baseline).p_value if after >= 0 else np.nan
        records.append((ward, year, difference, baseline_sensitivity(difference, alpha=alpha).max_significant_baseline,
                        example_baseline, after, p))
    return pd.DataFrame(records, columns=["ward", "year", "difference", "max_significant_baseline",
                                          "example_baseline", "example_after", "example_p_value"])


def impact_results(study, ward_years: list[tuple[str, int]] | None = None, same_type: bool = False,
                   detectable: bool = True, primary_method: str = PRIMARY_METHOD) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Designs and estimates for the given (ward, year)s (default: every evaluable one).

    Returns (designs, estimates): designs has one row per ward, year and unit with its
    role ("treated", "control", "excluded", or "unrecorded": a would-be control with no
    records up to the year), the ward's cohort and, on the treated row, `note`: why the design
    is not evaluable (`ImpactDesign.reason`, "" when it is); estimates has ward,
    year, `ESTIMATE_COLUMNS` and, with `detectable`, each method's minimum detectable
    effect (`detectable_effects`). Each ward's design is drawn from its `donor_pool`
    (`same_type`: only units of the ward's type).

    Every estimate row also has `primary` (True for `primary_method`, the method whose test is
    the ward's verdict, declared before the data are seen; the others are supporting) and
    `estimand` (`ESTIMANDS`: "att_report_year" for the DiD, "average_since_entry" for the
    synthetic control and the time series).

    Parameters
    ----------
    study : wardstudy.data.StudyData
        The checked data (`data.load`), or any object with its tables units, programme,
        crimes and project06 (as given: no months carried back to new units) and years().
    ward_years : list of (str, int), optional
        The (ward slug, year)s to evaluate (default: every evaluable one,
        `evaluable_ward_years`).
    same_type : bool, default False
        Only units of the ward's type as comparison units.
    detectable : bool, default True
        Also each method's minimum detectable effect (the slow part: seeded simulations).
    primary_method : str, default PRIMARY_METHOD
        The method whose test is the ward's verdict (one of `METHODS`).

    Returns
    -------
    designs : pandas.DataFrame
        Columns ward, year, cohort, unit, role, note.
    estimates : pandas.DataFrame
        Columns ward, year, `ESTIMATE_COLUMNS`, the detectable effect's columns, primary,
        estimand: one row per method of each evaluable design.

    Raises
    ------
    ValueError
        An unknown `primary_method`.

    Examples
    --------
    >>> from wardstudy import data
    >>> designs, estimates = impact_results(data.load(), [("duc-xuan", 2023)])   # doctest: +SKIP
    >>> estimates[["method", "estimate", "ci_low", "ci_high", "p_value", "min_p_value"]]  # doctest: +SKIP
    """
    if primary_method not in METHODS:
        raise ValueError(f"primary_method must be one of {', '.join(METHODS)}, got {primary_method!r}")
    ward_years = evaluable_ward_years(study.programme, study.years()) if ward_years is None else ward_years
    designs, estimates = [], []
    for ward, year in ward_years:
        design = impact_design(study.programme, donor_pool(study.units, ward, same_type=same_type), ward, year,
                               recorded=recorded_units(study.crimes, year))
        roles = [(ward, "treated")] + [(u, "control") for u in design.controls] + \
                [(u, "excluded") for u in design.excluded] + [(u, "unrecorded") for u in design.unrecorded]
        designs += [(ward, year, design.cohort, unit, role, design.reason if role == "treated" else "")
                    for unit, role in roles]
        found = impact_estimates(study.crimes, study.project06, design)
        if detectable and not found.empty:
            found = found.merge(detectable_effects(study.crimes, study.project06, design), on="method", how="left")
        estimates.append(found.assign(ward=ward, year=year))
    designs = pd.DataFrame(designs, columns=["ward", "year", "cohort", "unit", "role", "note"])
    keyed = ["ward", "year", *ESTIMATE_COLUMNS] + (DETECTABLE_COLUMNS[1:] if detectable else [])
    estimates = (pd.concat(estimates, ignore_index=True).reindex(columns=keyed) if estimates
                 else pd.DataFrame(columns=keyed))
    estimates["primary"] = (estimates["method"] == primary_method).astype(bool)
    estimates["estimand"] = estimates["method"].map(ESTIMANDS).astype(object)
    return designs, estimates

