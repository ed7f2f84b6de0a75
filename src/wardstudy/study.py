"""The study as a researcher meets it: `open_study(data_dir)` gives the build as tidy tables.

`Study` wraps the study build of a data folder (`pipeline.build.ensure_build`, made or
reused) and gives its tables as tidy DataFrames, one row per unit and period, with the
traps of the raw build taken out:

* ``indicators()``: the export's rows (``reports/indicators.csv``) plus the social-order
  crime rate per 1,000 residents with its exact interval (``social_order_crimes_per_1000``),
  and ``months_from_predecessors`` / ``from_predecessors`` on the rows of a unit made on
  1 July 2025 whose earlier months are summed from its former units (a year whose 12
  months all come from predecessors repeats those units' rows: drop it to count each
  territory once);
* ``monthly(table)``: a monthly record table with a real ``date`` (first day of the month);
* ``comparisons()``, ``ranks()``: the same-period comparisons and the ranks among peers;
* ``impact(ward, year)``, ``pooled(year)``: results that show themselves as tables
  (`evaluate.results`), computed once in the build (or, with your own comparison units,
  on the spot);
* ``tables()`` / ``describe(table)``: the data dictionary of the build's tables (`TABLES`).

A ward is named by slug, GSO code or name in any spelling (``"Đức Xuân"``, ``"phuong duc
xuan"``, ``"01840"``); a name two units held at different times (Đức Xuân before and after
1 July 2025) is told apart by the year asked. An unknown table, ward or column is a
ValueError naming the closest valid ones.

>>> study = open_study()                                      # doctest: +SKIP
>>> study.indicators(year=2023, wards=["Đức Xuân"])           # doctest: +SKIP
>>> study.impact("duc-xuan", 2023)                            # doctest: +SKIP
"""

from __future__ import annotations

import difflib
from pathlib import Path

import numpy as np
import pandas as pd

from wardstudy.data.crosswalk import FROM_PREDECESSORS
from wardstudy.data.names import UnknownWard, WardResolver
from wardstudy.evaluate.pooled import PooledEffect
from wardstudy.evaluate.results import ImpactResult
from wardstudy.indicators.exact import poisson_count_interval
from wardstudy.indicators.peers import RESIDENTS_ID
from wardstudy.pipeline.build import Build, ensure_build

__all__ = ["Study", "open_study", "TABLES", "MONTHLY_TABLES", "PER_1000_ID"]

# The indicator id of the social-order crime rate per 1,000 residents that `Study.indicators` adds.
PER_1000_ID = "social_order_crimes_per_1000"
MONTHLY_TABLES = ("crimes", "tips", "procedures", "project06", "fire_safety", "community_models")

# Columns many tables share: (meaning, unit).
_SHARED = {
    "ward": ("the unit's slug (units.slug)", ""),
    "year": ("calendar year", "year"),
    "month": ("calendar month, text YYYY-MM (Study.monthly adds a date)", "month"),
    "baseline_year": ("the year compared with", "year"),
    "synthetic": ("the record is simulated (the shipped panel), not an official figure", "bool"),
    FROM_PREDECESSORS: ("a month of a unit made on 1 July 2025, summed from its former units", "bool"),
    "indicator": ("indicator id (the export contract; indicators.registry)", ""),
    "value": ("the indicator's value", "the indicator's unit"),
    "numerator": ("what the value is computed from: cases, or the share's numerator", "count"),
    "denominator": ("the share's denominator, or residents for a rate", "count"),
    "ci_low": ("lower limit of the exact 95% interval", "the value's unit"),
    "ci_high": ("upper limit of the exact 95% interval", "the value's unit"),
    "source": ("where the row comes from", ""),
    "url": ("the source's address", ""),
    "code": ("GSO code of the unit", ""),
    "note": ("numbers-only remark, or why a design is not evaluable", ""),
}

# The data dictionary: table -> (what it holds, one row per ..., {column: (meaning, unit)}).
# Columns of `_SHARED` need no entry here.
TABLES: dict[str, tuple[str, dict[str, tuple[str, str]]]] = {
    "units": ("the administrative units (phường/xã), one row per unit and validity period", {
        "name": ("name with diacritics", ""), "slug": ("ASCII identifier, e.g. duc-xuan", ""),
        "type": ("phường or xã", ""), "district_code": ("district GSO code (none after 1 July 2025)", ""),
        "district": ("district name", ""), "province_code": ("province GSO code", ""),
        "province": ("province name", ""), "valid_from": ("first day of the unit (blank: before the data)", "date"),
        "valid_to": ("last day of the unit (blank: still exists)", "date"),
        "successor_code": ("code of the unit it became on 1 July 2025", ""),
        "successor_name": ("name of that unit", ""), "population_2019": ("2019 census population", "persons"),
        "area_km2": ("area", "km2"), "peer_group": ("the units it is ranked among: district, else province", "")}),
    "programme": ("programme wards and the year each entered (cohort)", {
        "cohort_year": ("year of entry into the programme", "year"), "role": ("the ward's role", "")}),
    "criteria": ("the criteria register: one row per scheme and criterion", {
        "scheme": ("assessment scheme", ""), "criterion_id": ("criterion id", ""),
        "official_text": ("official wording, where supplied", ""), "group": ("criterion group", "")}),
    "published": ("figures as published, each with its source", {
        "as_published": ("the figure as printed", ""), "published_date": ("publication date", "date")}),
    "crimes": ("monthly crimes by category", {
        "category": ("social_order or high_tech", ""), "count": ("cases recorded", "cases"),
        "solved": ("cases solved (blank: not reported)", "cases")}),
    "tips": ("monthly crime reports and tips", {
        "received": ("reports and tips received", "count"), "handled": ("of them handled", "count")}),
    "procedures": ("monthly administrative procedures", {
        "total": ("procedures received", "count"), "online": ("received online", "count"),
        "resolved": ("resolved", "count"), "on_time": ("resolved on time", "count"),
        "early": ("resolved early", "count")}),
    "project06": ("monthly Project 06 (resident IDs) stocks", {
        "eligible_residents": ("residents eligible for an ID card: the population used for rates", "persons"),
        "chip_ids_issued": ("chip-based ID cards issued", "cards"),
        "vneid_level2_accounts": ("level-2 VNeID accounts", "accounts")}),
    "fire_safety": ("monthly fire-safety stocks and fires", {
        "fire_safety_groups": ("fire-safety groups", "groups"),
        "public_firefighting_points": ("public firefighting points", "points"),
        "fires": ("fires (blank: not reported)", "fires")}),
    "community_models": ("monthly active community security models", {
        "models_active": ("models active", "models")}),
    "criteria_assessments": ("criteria met per unit and year", {
        "criterion_id": ("criterion id", ""), "met": ("1 met, 0 not met", "")}),
    "indicators": ("the export contract: one row per unit, year and indicator (whole years of a unit only)", {}),
    "comparisons": ("same-period comparisons of crime counts, one row per unit, year, baseline and category", {
        "category": ("crime category", ""), "after": ("cases in the year's months compared", "cases"),
        "before": ("cases in the same months of the baseline year", "cases"),
        "difference": ("after - before", "cases"), "rate_ratio": ("after / before", "ratio"),
        "p_value": ("exact conditional test of equal rates", "probability"),
        "months": ("months compared", "months"), "months_compared": ("which months", ""),
        "months_in_year": ("months of the year with records", "months"),
        "partial": ("fewer than 12 months compared", "bool")}),
    "values": ("indicators read against a baseline year, ranked among peers", {
        "ranked_value": ("the value as ranked (crimes per 1,000 residents)", "the indicator's unit"),
        "rank": ("rank among peers, 1 best, ties share the best", ""),
        "n_peers": ("peers ranked", "units"), "tied": ("another peer shares the rank", "bool"),
        "peer_min": ("lowest among peers", "as ranked_value"), "peer_median": ("median among peers", "as ranked_value"),
        "peer_max": ("highest among peers", "as ranked_value"), "peer_group": ("the peers' group", "")}),
    "unmet_criteria": ("criteria of its scheme a unit did not meet in a year", {
        "scheme": ("assessment scheme", ""), "criterion_id": ("criterion id", "")}),
    "reconciled": ("published figures beside the recomputed ones", {
        "as_published": ("the figure as printed", ""), "published": ("published value", "the indicator's unit"),
        "computed": ("recomputed value", "the indicator's unit"), "difference": ("computed - published", ""),
        "matches": ("equal as published", "bool"), "computed_numerator": ("recomputed numerator", ""),
        "computed_denominator": ("recomputed denominator", "")}),
    "sensitivity": ("published changes: the largest baseline at which each would be significant", {
        "difference": ("published change", "cases"),
        "max_significant_baseline": ("largest baseline with p < 0.05", "cases"),
        "example_baseline": ("an example baseline", "cases"), "example_after": ("its after count", "cases"),
        "example_p_value": ("its exact p", "probability")}),
    "impact_designs": ("who is compared with whom, per programme ward and year", {
        "cohort": ("the ward's entry year", "year"), "unit": ("a unit of the design", ""),
        "role": ("treated, control, excluded or unrecorded", "")}),
    "impact_estimates": ("each method's estimate per programme ward and year", {
        "method": ("did, synth or its", ""), "estimate": ("the estimate", "see scale"),
        "scale": ("difference: cases per 1,000 residents a year; rate_ratio: a ratio", ""),
        "p_value": ("randomisation p (did, synth), Wald p (its)", "probability"),
        "min_p_value": ("smallest p the design can give", "probability"),
        "n_assignments": ("assignments the test ranks over", "count"),
        "family": ("the ITS family fitted", ""),
        "mde_rate_ratio": ("smallest fall detected with 80% power", "rate ratio"),
        "mde_level": ("level it is judged at", "probability"), "mde_power": ("power reached", "probability"),
        "mde_floor": ("lowest ratio searched", "rate ratio"),
        "units_needed": ("comparison units needed to reach 0.05", "units")}),
    "programme_effects": ("the programme's pooled effect per report year", {
        "n_treated": ("programme wards treated", "units"), "n_controls": ("comparison units", "units"),
        "att": ("pooled ATT", "cases per 1,000 residents a year"), "se": ("its analytic standard error", "as att"),
        "att_ci_low": ("ATT's 95% interval, low", "as att"), "att_ci_high": ("ATT's 95% interval, high", "as att"),
        "rate_ratio": ("observed / counterfactual rate", "ratio"), "p_value": ("randomisation p", "probability"),
        "min_p_value": ("smallest attainable p", "probability"), "n_assignments": ("reassignments", "count"),
        "exact": ("every reassignment enumerated", "bool"),
        "mde_rate_ratio": ("smallest fall detected with 80% power", "rate ratio"),
        "mde_level": ("level", "probability"), "mde_power": ("power", "probability"),
        "mde_floor": ("lowest ratio searched", "rate ratio"), "units_needed": ("units needed", "units"),
        "mde_simulations": ("simulated worlds", "count")}),
    "programme_levels": ("the pooled ATT by cohort and by years since entry", {
        "kind": ("cohort or event_time", ""), "level": ("entry year, or years since entry", ""),
        "att": ("ATT", "cases per 1,000 residents a year"), "se": ("standard error", "as att")}),
    "programme_units": ("the units of each year's pooled panel", {
        "cohort": ("entry year (0: control)", "year"), "role": ("treated or control", "")}),
}


def open_study(data_dir: Path | str | None = None) -> "Study":
    """The study of `data_dir` (default: the shipped synthetic panel), its build made or reused.

    >>> study = open_study()                              # doctest: +SKIP
    >>> study.indicators(year=2023, wards="Đức Xuân")     # doctest: +SKIP
    """
    return Study(ensure_build(data_dir), data_dir)


class Study:
    """The tables of one data folder's build, tidy, with a data dictionary (module docstring)."""

    def __init__(self, build: Build, data_dir: Path | str | None = None):
        self.build = build
        self._data_dir = data_dir
        self._resolver = WardResolver.from_units(build.read("units"))

    # ------------------------------------------------------------------ what it is
    @property
    def years(self) -> list[int]:
        return self.build.years

    @property
    def is_synthetic(self) -> bool:
        return self.build.is_synthetic

    @property
    def data_dir(self) -> Path:
        return self.build.data_dir

    def __repr__(self) -> str:
        years = f"{self.years[0]}-{self.years[-1]}" if self.years else "none"
        impact = "computed" if self.build.manifest.get("impact") else "on first use"
        return (f"Study({self.data_dir}, years {years}, {self.build.manifest.get('n_units')} units, "
                f"{'synthetic' if self.is_synthetic else 'records'}, impact results {impact})")

    def tables(self) -> pd.DataFrame:
        """The build's tables: table, rows, meaning (`TABLES`)."""
        import pyarrow.parquet as pq

        names = sorted(p.stem for p in self.build.path.glob("*.parquet"))
        return pd.DataFrame([(n, pq.ParquetFile(self.build.path / f"{n}.parquet").metadata.num_rows,
                              TABLES.get(n, ("", {}))[0]) for n in names], columns=["table", "rows", "meaning"])

    def describe(self, table: str) -> pd.DataFrame:
        """The data dictionary of one table: column, dtype, meaning, unit."""
        import pyarrow.parquet as pq

        path = self._table_path(table)
        schema = pq.read_schema(path)
        own = TABLES.get(table, ("", {}))[1]
        rows = [(c, str(t), *own.get(c, _SHARED.get(c, ("", "")))) for c, t in zip(schema.names, schema.types)]
        return pd.DataFrame(rows, columns=["column", "dtype", "meaning", "unit"])

    def read(self, table: str, **equal) -> pd.DataFrame:
        """One table of the build as stored (`Build.read`), rows filtered by column values."""
        self._table_path(table)
        return self.build.read(table, **equal)

    # ------------------------------------------------------------------ tidy tables
    def units(self) -> pd.DataFrame:
        """The units table: one row per unit (code, name, slug, type, district, province, validity...)."""
        return self.build.read("units")

    def indicators(self, year=None, wards=None, indicator=None) -> pd.DataFrame:
        """The export's rows, plus the social-order crime rate per 1,000 residents (`PER_1000_ID`).

        Columns: ward, year, indicator, value, numerator, denominator, ci_low, ci_high,
        months_from_predecessors (months of the year summed from a new unit's former units,
        0-12), from_predecessors (months_from_predecessors > 0).

        Rate per 1,000: value = cases x 1000 / residents, residents = eligible residents
        at year end (Project 06, the denominator of ``chip_id_coverage``, as the ranks use);
        interval: the exact (Garwood) Poisson interval of the cases x 1000 / residents.
        E.g. 12 cases among 6,000 residents: 2.0 per 1,000, 95% interval 1.03 to 3.49.
        year, wards, indicator: one value or a list each.
        """
        slugs = self._wards(wards, year)
        filters = {k: v for k, v in (("year", year), ("ward", slugs)) if v is not None}
        rows = self.build.read("indicators", **filters)
        rates = _per_1000(rows)
        rows = pd.concat([rows, rates], ignore_index=True) if len(rates) else rows
        if indicator is not None:
            wanted = [indicator] if isinstance(indicator, str) else list(indicator)
            known = sorted(set(rows["indicator"]) | {PER_1000_ID})
            for i in wanted:
                if i not in known:
                    raise ValueError(f"indicator {i!r} is not one of the build's{_closest(i, known)}")
            rows = rows[rows["indicator"].isin(wanted)]
        months = self._months_from_predecessors()
        rows = rows.merge(months, on=["ward", "year"], how="left")
        rows["months_from_predecessors"] = rows["months_from_predecessors"].fillna(0).astype(int)
        rows[FROM_PREDECESSORS] = rows["months_from_predecessors"] > 0
        return rows.sort_values(["ward", "year", "indicator"], kind="stable").reset_index(drop=True)

    def monthly(self, table: str, wards=None) -> pd.DataFrame:
        """A monthly record table (`MONTHLY_TABLES`) with ``date``: the first day of the month
        (a datetime, for plots and resampling), beside ``month`` (text YYYY-MM) and ``year``."""
        if table not in MONTHLY_TABLES:
            raise ValueError(f"{table!r} is not a monthly table{_closest(table, list(MONTHLY_TABLES))}")
        rows = self.build.read(table, **({"ward": self._wards(wards)} if wards is not None else {}))
        month = rows["month"].astype(str)
        rows.insert(2, "date", pd.to_datetime(month + "-01", format="%Y-%m-%d"))
        rows.insert(3, "year", month.str[:4].astype(int))
        return rows

    def comparisons(self, year=None, wards=None, category=None, baseline_year=None) -> pd.DataFrame:
        """Same-period comparisons (table ``comparisons``): cases in the year's months against the
        same months of the baseline year, with the exact rate ratio, its interval and p."""
        filters = {"year": year, "ward": self._wards(wards, year), "category": category,
                   "baseline_year": baseline_year}
        return self.build.read("comparisons", **{k: v for k, v in filters.items() if v is not None})

    def ranks(self, year=None, wards=None, baseline_year=None, indicator=None) -> pd.DataFrame:
        """Each unit's values among its peers (table ``values``): ranked_value (crimes per 1,000
        residents for crime indicators), rank (1 best), n_peers, tied, the peers' spread."""
        filters = {"year": year, "ward": self._wards(wards, year), "baseline_year": baseline_year,
                   "indicator": indicator}
        return self.build.read("values", **{k: v for k, v in filters.items() if v is not None})

    # ------------------------------------------------------------------ results
    def impact(self, ward, year: int, controls=None, same_type: bool = False) -> ImpactResult:
        """The impact of the programme on one ward's social-order crime rate in `year`: each
        method's estimate, interval, p, smallest attainable p and detectable effect, as one table.

        By default the build's results (the ward's district as comparison group, computed once
        for every programme ward). controls: your own comparison units (any spelling), or
        same_type: only units of the ward's type; then the design is run here (seconds).
        """
        slug = self._ward(ward, year)
        if controls is None and not same_type:
            build = self._impact_build()
            designs = build.read("impact_designs", ward=slug, year=int(year))
            if len(designs):
                return ImpactResult.from_tables(designs, build.read("impact_estimates", ward=slug, year=int(year)),
                                                slug, int(year))
        return self._impact_here(slug, int(year), controls, same_type)

    def pooled(self, year: int | None = None) -> PooledEffect:
        """The programme's effect pooled over its wards up to `year` (default: the latest year
        with an estimate), from the build (`evaluate.pooled.pooled_results`)."""
        build = self._impact_build()
        tables = {n: build.read(n) for n in ("programme_effects", "programme_levels", "programme_units")}
        effects = tables["programme_effects"]
        estimated = sorted(int(y) for y in effects.loc[effects["att"].notna(), "year"])
        if year is None and estimated:
            year = estimated[-1]
        found = None if year is None else PooledEffect.from_tables(tables, int(year))
        if found is None:
            raise ValueError(f"no pooled effect for {year}: years with one: {', '.join(map(str, estimated)) or 'none'}")
        return found

    # ------------------------------------------------------------------ helpers
    def _impact_build(self) -> Build:
        if not self.build.manifest.get("impact"):
            self.build = ensure_build(self._data_dir, impact=True)
        return self.build

    def _impact_here(self, ward: str, year: int, controls, same_type: bool) -> ImpactResult:
        from wardstudy.evaluate.design import (ImpactDesign, detectable_effects, donor_pool, impact_design,
                                               impact_estimates, recorded_units)

        crimes, project06 = (_as_given(self.build.read(n)) for n in ("crimes", "project06"))
        units, programme = self.build.read("units"), self.build.read("programme")
        design = impact_design(programme, donor_pool(units, ward, same_type=same_type), ward, year,
                               recorded=recorded_units(crimes, year))
        if controls is not None:
            chosen = [self._ward(c, year) for c in ([controls] if isinstance(controls, str) else controls)]
            cohorts = dict(zip(programme["ward"], programme["cohort_year"].astype(int)))
            for c in chosen:
                if cohorts.get(c, np.inf) <= year or c == ward:
                    raise ValueError(f"control {c!r} is in the programme by {year} (cohort {cohorts.get(c)})")
            design = ImpactDesign(ward, design.cohort, year, chosen, design.excluded)
        estimates = impact_estimates(crimes, project06, design)
        if not estimates.empty:
            estimates = estimates.merge(detectable_effects(crimes, project06, design), on="method", how="left")
        return ImpactResult(ward, year, design.cohort, list(design.controls), estimates, design.reason,
                            list(design.excluded))

    def _table_path(self, table: str) -> Path:
        path = self.build.path / f"{table}.parquet"
        if not path.is_file():
            names = sorted(p.stem for p in self.build.path.glob("*.parquet"))
            if table in TABLES:
                raise ValueError(f"table {table!r} is made with the impact results: call study.impact() or "
                                 f"study.pooled() first")
            raise ValueError(f"no table {table!r}{_closest(table, names)}")
        return path

    def _ward(self, ward, year=None) -> str:
        try:
            return self._resolver.lookup(ward, year)
        except UnknownWard as err:
            raise ValueError(f"ward {err.value!r} {err.describe()}") from None

    def _wards(self, wards, year=None) -> list[str] | None:
        if wards is None:
            return None
        when = year if isinstance(year, (int, np.integer)) else None
        return [self._ward(w, when) for w in ([wards] if isinstance(wards, str) else wards)]

    def _months_from_predecessors(self) -> pd.DataFrame:
        crimes = self.build.read("crimes")
        if FROM_PREDECESSORS not in crimes.columns:
            return pd.DataFrame({"ward": pd.Series(dtype=str), "year": pd.Series(dtype=int),
                                 "months_from_predecessors": pd.Series(dtype=int)})
        flagged = crimes.loc[crimes[FROM_PREDECESSORS], ["ward", "month"]].drop_duplicates()
        flagged = flagged.assign(year=flagged["month"].astype(str).str[:4].astype(int))
        return flagged.groupby(["ward", "year"]).size().rename("months_from_predecessors").reset_index()


def _per_1000(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows of `PER_1000_ID` from the social-order counts and the year-end residents in `rows`."""
    cases = rows[rows["indicator"] == "social_order_crimes"].set_index(["ward", "year"])["value"]
    residents = rows[rows["indicator"] == RESIDENTS_ID].set_index(["ward", "year"])["denominator"]
    both = pd.concat({"cases": cases, "residents": residents}, axis=1, join="inner").dropna()
    if both.empty:
        return rows.iloc[:0]
    low, high = poisson_count_interval(both["cases"].to_numpy())
    per = 1000.0 / both["residents"].to_numpy()
    return pd.DataFrame({"ward": both.index.get_level_values(0), "year": both.index.get_level_values(1),
                         "indicator": PER_1000_ID, "value": both["cases"].to_numpy() * per,
                         "numerator": both["cases"].to_numpy(), "denominator": both["residents"].to_numpy(),
                         "ci_low": low * per, "ci_high": high * per})


def _as_given(frame: pd.DataFrame) -> pd.DataFrame:
    """A record table without the months carried back to new units (they would count twice)."""
    if FROM_PREDECESSORS not in frame.columns:
        return frame
    return frame[~frame[FROM_PREDECESSORS]].drop(columns=FROM_PREDECESSORS).reset_index(drop=True)


def _closest(value: str, valid: list[str]) -> str:
    near = difflib.get_close_matches(str(value), valid, n=3, cutoff=0.6)
    return f"; closest: {', '.join(near)}" if near else f"; one of: {', '.join(valid)}"
