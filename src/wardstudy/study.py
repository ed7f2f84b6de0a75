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
  (`evaluate.results`), computed when first asked for and cached in the build (one ward-year
  needs only its district's records; `pipeline.build.impact_tables`), or, with your own
  comparison units, on the spot;
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
from wardstudy.pipeline.build import (IMPACT_TABLES, PROGRAMME_TABLES, Build, ensure_build, impact_tables,
                                     impact_ward_years)

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
    """The study of a data folder, its build made or reused (`pipeline.build.ensure_build`).

    The build holds every indicator, comparison and rank; the impact results are computed
    when first asked for (`Study.impact`, `Study.pooled`), one ward-year at a time.

    Parameters
    ----------
    data_dir : path or str, optional
        A folder of record tables (default: the shipped synthetic panel, ``data/synthetic``).

    Returns
    -------
    Study
        The build's tables as tidy DataFrames, with a data dictionary.

    Raises
    ------
    wardstudy.data.DataError
        The data cannot be loaded (every problem at once).

    Examples
    --------
    >>> study = open_study()                              # doctest: +SKIP
    >>> study.indicators(year=2023, wards="Đức Xuân")     # doctest: +SKIP
    """
    return Study(ensure_build(data_dir), data_dir)


class Study:
    """The tables of one data folder's build, tidy, with a data dictionary (module docstring).

    Made by `open_study`. A ward is named by slug, GSO code or name in any spelling; an
    unknown table, ward or column is a ValueError naming the closest valid ones.

    Parameters
    ----------
    build : wardstudy.pipeline.build.Build
        A finished build (`pipeline.build.ensure_build`).
    data_dir : path or str, optional
        The data folder it was made from, as given.

    Examples
    --------
    >>> study = open_study()      # doctest: +SKIP
    >>> study.years               # doctest: +SKIP
    [2021, 2022, 2023, 2024, 2025]
    """

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
        """The build's tables as stored, with their number of rows and what they hold.

        An impact table appears once computed (whole, or in part for the ward-years asked).

        Returns
        -------
        pandas.DataFrame
            Columns table, rows, meaning (from `TABLES`).

        Examples
        --------
        >>> study.tables()      # doctest: +SKIP
        """
        import pyarrow.parquet as pq

        names = sorted(p.stem for p in self.build.path.glob("*.parquet"))
        return pd.DataFrame([(n, pq.ParquetFile(self.build.path / f"{n}.parquet").metadata.num_rows,
                              TABLES.get(n, ("", {}))[0]) for n in names], columns=["table", "rows", "meaning"])

    def describe(self, table: str) -> pd.DataFrame:
        """The data dictionary of one table of the build.

        Parameters
        ----------
        table : str
            A table name (`tables`, or `TABLES` for the impact tables).

        Returns
        -------
        pandas.DataFrame
            One row per column: column, dtype, meaning, unit.

        Raises
        ------
        ValueError
            An unknown table, naming the closest.

        Examples
        --------
        >>> study.describe("comparisons")      # doctest: +SKIP
        """
        import pyarrow.parquet as pq

        path = self._table_path(table)
        if not path.is_file() and table in PROGRAMME_TABLES:
            self.build.read(table)  # computed and stored
        if path.is_file():
            schema = pq.read_schema(path)
            columns = list(zip(schema.names, map(str, schema.types)))
        else:  # an impact table not computed whole: the columns of one ward-year's rows
            first = impact_tables(self.build, self._first_ward_year())[IMPACT_TABLES.index(table)]
            columns = [(c, str(t)) for c, t in first.dtypes.items()]
        own = TABLES.get(table, ("", {}))[1]
        rows = [(c, t, *own.get(c, _SHARED.get(c, ("", "")))) for c, t in columns]
        return pd.DataFrame(rows, columns=["column", "dtype", "meaning", "unit"])

    def read(self, table: str, **equal) -> pd.DataFrame:
        """One table of the build as stored (`Build.read`), only the rows whose columns equal
        the given values (a list: any of them).

        An impact table the build has not computed whole is computed for the ward-years the
        filter names (every one without a ward or year filter) and cached.

        Parameters
        ----------
        table : str
            A table name (`tables`).
        **equal
            column=value filters; a unit column (ward, slug, unit) takes any spelling.

        Returns
        -------
        pandas.DataFrame
            The rows as stored.

        Raises
        ------
        ValueError
            An unknown table, column or ward, naming the closest.

        Examples
        --------
        >>> study.read("values", ward="Đức Xuân", year=2023, baseline_year=2022)  # doctest: +SKIP
        """
        self._table_path(table)
        return self.build.read(table, **equal)

    # ------------------------------------------------------------------ tidy tables
    def units(self) -> pd.DataFrame:
        """The units of the study.

        Returns
        -------
        pandas.DataFrame
            One row per unit: code, name, slug, type, district, province, valid_from,
            valid_to, peer_group...

        Examples
        --------
        >>> study.units()[["code", "name", "slug", "type"]]   # doctest: +SKIP
        """
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

        Parameters
        ----------
        year : int or list of int, optional
            Only these years (default: every year).
        wards : str or list of str, optional
            Only these units, in any spelling (default: every unit).
        indicator : str or list of str, optional
            Only these indicator ids (default: every one, and `PER_1000_ID`).

        Returns
        -------
        pandas.DataFrame
            One row per ward, year and indicator (the columns above), sorted.

        Raises
        ------
        ValueError
            An unknown ward or indicator, naming the closest.

        Examples
        --------
        >>> study.indicators(year=2024, wards=["Đức Xuân", "Sông Cầu"],
        ...                  indicator="social_order_crimes_per_1000")     # doctest: +SKIP
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
        """A monthly record table with ``date``: the first day of the month (a datetime, for
        plots and resampling), beside ``month`` (text YYYY-MM) and ``year``.

        Parameters
        ----------
        table : str
            One of `MONTHLY_TABLES` (crimes, tips, procedures, project06, fire_safety,
            community_models).
        wards : str or list of str, optional
            Only these units, in any spelling (default: every unit).

        Returns
        -------
        pandas.DataFrame
            The table's rows as the build holds them (a new unit's earlier months summed
            from its former units, flagged ``from_predecessors``), with date and year.

        Raises
        ------
        ValueError
            An unknown table or ward, naming the closest.

        Examples
        --------
        >>> tips = study.monthly("tips")                                     # doctest: +SKIP
        >>> tips.assign(share=tips["handled"] / tips["received"])            # doctest: +SKIP
        """
        if table not in MONTHLY_TABLES:
            raise ValueError(f"{table!r} is not a monthly table{_closest(table, list(MONTHLY_TABLES))}")
        rows = self.build.read(table, **({"ward": self._wards(wards)} if wards is not None else {}))
        month = rows["month"].astype(str)
        rows.insert(2, "date", pd.to_datetime(month + "-01", format="%Y-%m-%d"))
        rows.insert(3, "year", month.str[:4].astype(int))
        return rows

    def comparisons(self, year=None, wards=None, category=None, baseline_year=None) -> pd.DataFrame:
        """Same-period comparisons (table ``comparisons``): cases in the year's months against the
        same months of the baseline year, with the exact rate ratio, its interval and p.

        Parameters
        ----------
        year : int, optional
            The report year (default: every year).
        wards : str or list of str, optional
            Only these units, in any spelling.
        category : str, optional
            ``social_order`` or ``high_tech`` (default: both).
        baseline_year : int, optional
            The year compared with (default: every baseline the build holds).

        Returns
        -------
        pandas.DataFrame
            One row per ward, year, baseline year and category: after, before, months
            compared, rate_ratio, ci_low, ci_high, p_value.

        Examples
        --------
        >>> study.comparisons(2024, "Đức Xuân", category="social_order", baseline_year=2023)  # doctest: +SKIP
        """
        filters = {"year": year, "ward": self._wards(wards, year), "category": category,
                   "baseline_year": baseline_year}
        return self.build.read("comparisons", **{k: v for k, v in filters.items() if v is not None})

    def ranks(self, year=None, wards=None, baseline_year=None, indicator=None) -> pd.DataFrame:
        """Each unit's values among its peers (table ``values``): ranked_value (crimes per 1,000
        residents for crime indicators), rank (1 best), n_peers, tied, the peers' spread.

        Parameters
        ----------
        year : int, optional
            The report year (default: every year).
        wards : str or list of str, optional
            Only these units, in any spelling.
        baseline_year : int, optional
            The year the change indicators compare with.
        indicator : str or list of str, optional
            Only these indicator ids.

        Returns
        -------
        pandas.DataFrame
            One row per ward, year, baseline year and indicator.

        Examples
        --------
        >>> study.ranks(2024, indicator="social_order_crimes", baseline_year=2023)  # doctest: +SKIP
        """
        filters = {"year": year, "ward": self._wards(wards, year), "baseline_year": baseline_year,
                   "indicator": indicator}
        return self.build.read("values", **{k: v for k, v in filters.items() if v is not None})

    # ------------------------------------------------------------------ results
    def impact(self, ward, year: int, controls=None, same_type: bool = False) -> ImpactResult:
        """The impact of the programme on one ward's social-order crime rate in `year`: each
        method's estimate, interval, p, smallest attainable p and detectable effect, as one table.

        By default the build's results (the ward's district as comparison group), computed
        for this ward-year when first asked for (its district's records only, seconds) and
        cached in the build (`pipeline.build.impact_tables`).

        Parameters
        ----------
        ward : str
            A programme ward, in any spelling.
        year : int
            The report year (from the ward's cohort on).
        controls : str or list of str, optional
            Your own comparison units (any spelling); the design is then run here, not cached.
        same_type : bool, default False
            Only units of the ward's type (phường with phường) as comparison units.

        Returns
        -------
        wardstudy.evaluate.results.ImpactResult
            Shows itself as a table; ``to_frame()`` gives one row per method (estimate,
            ci_low, ci_high, p_value, min_p_value, n_assignments, family, note and the
            detectable effect).

        Raises
        ------
        ValueError
            An unknown ward, or a control that is in the programme by `year`.

        Examples
        --------
        >>> study.impact("Đức Xuân", 2023).to_frame()                                 # doctest: +SKIP
        >>> study.impact("duc-xuan", 2023, controls=["Huyền Tụng", "Nông Thượng"])    # doctest: +SKIP
        """
        slug = self._ward(ward, year)
        if controls is None and not same_type:
            designs, estimates = impact_tables(self.build, [(slug, int(year))])
            if len(designs):
                return ImpactResult.from_tables(designs, estimates, slug, int(year))
        return self._impact_here(slug, int(year), controls, same_type)

    def pooled(self, year: int | None = None) -> PooledEffect:
        """The programme's effect pooled over its wards up to `year` (`evaluate.pooled.pooled_results`).

        The pooled results are computed once, when first asked for (every programme ward and
        its district: minutes on the national panel), and stored in the build.

        Parameters
        ----------
        year : int, optional
            The report year (default: the latest year with an estimate).

        Returns
        -------
        wardstudy.evaluate.pooled.PooledEffect
            Shows itself as a table; ``to_frame()`` gives the ATT (cases per 1,000 residents
            a year) and the rate ratio with their intervals, p and smallest attainable p.

        Raises
        ------
        ValueError
            No pooled effect for `year`, naming the years that have one.

        Examples
        --------
        >>> study.pooled(2024).to_frame()          # doctest: +SKIP
        """
        tables = {n: self.build.read(n) for n in PROGRAMME_TABLES}  # computed when first read
        effects = tables["programme_effects"]
        estimated = sorted(int(y) for y in effects.loc[effects["att"].notna(), "year"])
        if year is None and estimated:
            year = estimated[-1]
        found = None if year is None else PooledEffect.from_tables(tables, int(year))
        if found is None:
            raise ValueError(f"no pooled effect for {year}: years with one: {', '.join(map(str, estimated)) or 'none'}")
        return found

    # ------------------------------------------------------------------ helpers
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
        """The table's file; an impact table the build has not computed whole is no error
        (`Build.read` computes the rows asked for): its file, which may not exist."""
        path = self.build.path / f"{table}.parquet"
        if not path.is_file() and table not in IMPACT_TABLES + PROGRAMME_TABLES:
            names = sorted({p.stem for p in self.build.path.glob("*.parquet")} | set(IMPACT_TABLES + PROGRAMME_TABLES))
            raise ValueError(f"no table {table!r}{_closest(table, names)}")
        return path

    def _first_ward_year(self) -> list[tuple[str, int]]:
        return impact_ward_years(self.build)[:1]

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
