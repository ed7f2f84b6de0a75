"""The programme as a whole: what the overview notebook reads from the study build.

`open_programme` checks the overview's parameters, makes or reuses the build of the data
folder (its pooled results computed when first read, `build.Build.read`) and reads the rows the
page shows: the programme register and the units (the roll-out), every unit's criteria
score (criteria met by cohort), the headline indicators of the report year, the pooled
effect of the report year with its event-study rows and its detectable effect (computed
once, in the build, by `evaluate.pooled.pooled_results`) and the published figures beside
the recomputed ones. Nothing here fits a model or simulates.

The few summaries the page shows that the build does not store are sums of the build's
rows, derived here so the report layer stays display only (`ProgrammeReport`): wards by
cohort and province, criteria met by cohort and year, the headline indicators of
programme wards against the not-yet-treated units of the pooled panel.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from wardstudy import paths
from wardstudy.data.register import read_register
from wardstudy.pipeline.build import Build, ensure_build
from wardstudy.pipeline.params import LANGS, ParameterError

__all__ = ["ProgrammeReport", "open_programme", "read_programme", "latest_evaluated_year", "new_units_with_programme", "PROGRAMME_TABLES",
           "NOT_IN_PROGRAMME", "NEW_UNIT_WITH_PROGRAMME", "HEADLINE_ROWS"]

# The build tables of the programme's pooled effect (`evaluate.pooled.pooled_results`).
PROGRAMME_TABLES = ("programme_effects", "programme_levels", "programme_units")
NOT_IN_PROGRAMME = 0  # the cohort of a unit outside the programme
# The "cohort" of a unit made by the 2025 reorganisation from former units of which one or
# more built the model: neither a cohort (it entered nothing) nor outside the programme.
NEW_UNIT_WITH_PROGRAMME = -1
# The headline comparison, in page order: criteria, crime per 1,000 residents, crime against
# the same period, the three service shares.
HEADLINE_ROWS = ("criteria_met_share", "social_order_crimes_per_1000", "social_order_crime_change",
                 "tips_handled_share", "procedures_online_share", "procedures_on_time_share")
_SHARES = ("criteria_met_share", "tips_handled_share", "procedures_online_share", "procedures_on_time_share")
_RESIDENTS = "chip_id_coverage"  # its denominator: residents eligible for an ID card (as the impact design)


@dataclass
class ProgrammeReport:
    """The programme's rows of a build for one report year (see the module docstring)."""

    build: Build
    year: int
    lang: str
    units: pd.DataFrame         # every unit: slug, name, type, district, province, cohort (0: not in programme,
    #                             -1: a new unit of 2025 containing a programme ward, `NEW_UNIT_WITH_PROGRAMME`)
    programme: pd.DataFrame     # the register: ward, cohort_year, role, source (with the unit's name, province)
    effects: pd.DataFrame       # the pooled effect of every year of the data (`EFFECT_COLUMNS`)
    levels: pd.DataFrame        # the report year's ATT by cohort and by years since entry
    panel: pd.DataFrame         # the report year's pooled panel: ward, cohort, role (treated / control)
    criteria: pd.DataFrame      # every unit's criteria score, every year (indicator rows)
    headline_values: pd.DataFrame  # the report year's headline indicator rows of every unit of the panel
    comparisons: pd.DataFrame   # the report year's social-order comparisons with the year before
    reconciled: pd.DataFrame    # every published figure beside the recomputed one
    # the real programme register (data/reference/programme_register.csv), one row per source
    register: pd.DataFrame = field(default_factory=pd.DataFrame)
    # The latest year up to `year` with the programme's pooled results (None: none yet). Later than
    # it, sections 3 and 4 show that year's results: after the 2025 reorganisation the model
    # wards are parts of new units and no pooled effect is evaluated for them.
    evaluated_year: int | None = None
    # The new units holding a programme ward: new slug -> (new name, date they were formed, the
    # programme wards' names in it), from the crosswalk.
    successors: dict = field(default_factory=dict)

    @property
    def reorganised(self) -> bool:
        """True when the report year is after the last evaluated year because the programme
        wards were merged into new units (so the page says so, not "no ward has entered")."""
        return bool(self.successors) and self.evaluated_year is not None and self.year > self.evaluated_year

    @property
    def reform_date(self) -> str | None:
        """The day the programme wards' new units were formed ("2025-07-01"), or None."""
        dates = sorted({d for _, d, _ in self.successors.values()})
        return dates[0] if dates else None

    @property
    def is_synthetic(self) -> bool:
        return self.build.is_synthetic

    @property
    def years(self) -> list[int]:
        return self.build.years

    @property
    def data_source(self) -> str:
        """The data folder as a reader should see it: relative to the project when inside it."""
        folder = self.build.data_dir
        root = paths.project_root()
        return (folder.relative_to(root) if folder.is_relative_to(root) else folder).as_posix()

    @property
    def names(self) -> dict[str, str]:
        return dict(zip(self.units["slug"], self.units["name"]))

    @property
    def effect(self) -> dict:
        """The pooled effect of the evaluated year (`evaluated_year`, the report year when it
        has one) as a dict (`evaluate.pooled.EFFECT_COLUMNS`)."""
        year = self.year if self.evaluated_year is None else self.evaluated_year
        rows = self.effects[self.effects["year"] == year]
        return rows.iloc[0].to_dict() if len(rows) else {"year": year, "n_treated": 0, "n_controls": 0}

    @property
    def event_study(self) -> pd.DataFrame:
        """ATT by years since entry (``level`` = e, negative before entry) with its 95% interval."""
        return self.levels[self.levels["kind"] == "event_time"].sort_values("level").reset_index(drop=True)

    @property
    def by_cohort(self) -> pd.DataFrame:
        """ATT of each cohort (``level`` = entry year) with its 95% interval."""
        return self.levels[self.levels["kind"] == "cohort"].sort_values("level").reset_index(drop=True)

    @property
    def cohorts(self) -> pd.DataFrame:
        """Programme wards by year: ``year, cohort, n_wards`` (wards of the cohort in the
        programme by the end of the year; cohorts entering later are not listed).

        >>> r = _example()
        >>> r.cohorts.query("year == 2024")[["cohort", "n_wards"]].values.tolist()
        [[2023, 1], [2024, 2]]
        """
        sizes = self.programme.groupby("cohort_year").size()
        rows = [(y, int(g), int(n)) for y in self.years for g, n in sizes.items() if g <= y]
        return pd.DataFrame(rows, columns=["year", "cohort", "n_wards"])

    @property
    def phuong_at_year_end(self) -> pd.DataFrame:
        """The phường that existed on 31 December of the roll-out's year (the evaluated year, else
        the report year): a province's wards before the 2025 merger and the new units after it
        are never counted together.

        >>> len(_example().phuong_at_year_end)
        3
        """
        year = self.year if self.evaluated_year is None else self.evaluated_year
        end = pd.Timestamp(year=int(year), month=12, day=31)
        units = self.units[self.units["type"] == "phường"]
        start = pd.to_datetime(units.get("valid_from"), errors="coerce") if "valid_from" in units else None
        stop = pd.to_datetime(units.get("valid_to"), errors="coerce") if "valid_to" in units else None
        alive = pd.Series(True, index=units.index)
        if start is not None:
            alive &= start.isna() | (start <= end)
        if stop is not None:
            alive &= stop.isna() | (stop >= end)
        return units[alive]

    @property
    def rollout(self) -> pd.DataFrame:
        """Programme wards by province and cohort, with the province's phường: ``province,
        n_phuong, cohort, n_wards`` (one row per province and cohort; provinces with no
        programme ward left out), provinces by name.

        >>> _example().rollout.values.tolist()
        [['P', 3, 2023, 1], ['P', 3, 2024, 2]]
        """
        phuong = self.phuong_at_year_end.groupby("province").size()
        known = self.programme["province"].fillna("—")
        counts = self.programme.assign(province=known).groupby(["province", "cohort_year"]).size()
        out = counts.rename("n_wards").reset_index().rename(columns={"cohort_year": "cohort"})
        out.insert(1, "n_phuong", out["province"].map(phuong).fillna(0).astype(int))
        out = out.assign(key=out["province"].map(_fold)).sort_values(["key", "cohort"], kind="stable")
        return out.drop(columns="key").reset_index(drop=True)

    @property
    def criteria_by_cohort(self) -> pd.DataFrame:
        """Criteria met by cohort and year: ``cohort, year, n_units, met, total, share, n_all``.

        cohort: the entry year, or 0 for units outside the programme (`NOT_IN_PROGRAMME`).
        share = met / total summed over the cohort's units (each on its own scheme's
        denominator, 22 or 20); n_all: units that met every criterion of their scheme.

        >>> c = _example().criteria_by_cohort.query("year == 2023")
        >>> c[["cohort", "n_units", "met", "total", "n_all"]].values.tolist()
        [[0, 1, 11, 22, 0], [2023, 1, 22, 22, 1], [2024, 2, 30, 42, 0]]
        >>> c["share"].round(4).tolist()
        [0.5, 1.0, 0.7143]
        """
        rows = self.criteria.dropna(subset=["numerator", "denominator"])
        rows = rows.assign(cohort=rows["ward"].map(dict(zip(self.units["slug"], self.units["cohort"])))
                           .fillna(NOT_IN_PROGRAMME).astype(int),
                           all_met=(rows["numerator"] >= rows["denominator"]).astype(int))
        out = rows.groupby(["cohort", "year"]).agg(n_units=("ward", "size"), met=("numerator", "sum"),
                                                   total=("denominator", "sum"), n_all=("all_met", "sum"))
        out = out.reset_index()
        out["share"] = out["met"] / out["total"]
        out[["year", "met", "total"]] = out[["year", "met", "total"]].round().astype(int)  # criteria are whole
        return out[["cohort", "year", "n_units", "met", "total", "share", "n_all"]]

    @property
    def headline(self) -> pd.DataFrame:
        """The headline indicators of the report year, programme wards (``group`` "treated":
        in the programme by the report year) against the not-yet-treated units of the same
        pooled panel (``group`` "control"): ``indicator, group, n_units, numerator,
        denominator, value`` in `HEADLINE_ROWS` order.

        Sums over the group's units before dividing: shares are sum(numerator) /
        sum(denominator); crime per 1,000 residents is sum(cases) / sum(eligible residents)
        x 1,000; the change on the same period is sum(after) - sum(before) over the months
        each unit recorded in both years, as a fraction of sum(before).

        >>> h = _example().headline
        >>> h.query("indicator == 'social_order_crimes_per_1000'")[["group", "value"]].values.tolist()
        [['treated', 10.0], ['control', 5.0]]
        >>> h.query("indicator == 'social_order_crime_change'")[["group", "numerator", "denominator", "value"]].values.tolist()
        [['treated', 30.0, 40.0, -0.25], ['control', 10.0, 8.0, 0.25]]
        """
        records = []
        for group in ("treated", "control"):
            wards = set(self.panel.loc[self.panel["role"] == group, "ward"])
            values = self.headline_values[self.headline_values["ward"].isin(wards)]
            cmp = self.comparisons[self.comparisons["ward"].isin(wards)].dropna(subset=["after", "before"])
            by = {ind: rows for ind, rows in values.groupby("indicator")}
            for ind in HEADLINE_ROWS:
                if ind in _SHARES:
                    rows = by.get(ind, values.iloc[:0]).dropna(subset=["numerator", "denominator"])
                    rows = rows[rows["denominator"] > 0]
                    num, den, n = rows["numerator"].sum(), rows["denominator"].sum(), len(rows)
                    value = num / den if den > 0 else np.nan
                elif ind == "social_order_crimes_per_1000":
                    cases = by.get("social_order_crimes", values.iloc[:0]).set_index("ward")["value"]
                    residents = by.get(_RESIDENTS, values.iloc[:0]).set_index("ward")["denominator"]
                    both = pd.concat([cases.rename("cases"), residents.rename("residents")], axis=1).dropna()
                    both = both[both["residents"] > 0]
                    num, den, n = both["cases"].sum(), both["residents"].sum(), len(both)
                    value = 1000 * num / den if den > 0 else np.nan
                else:
                    num, den, n = cmp["after"].sum(), cmp["before"].sum(), len(cmp)
                    value = (num - den) / den if den > 0 else np.nan
                records.append((ind, group, int(n), float(num), float(den), float(value)))
        return pd.DataFrame(records, columns=["indicator", "group", "n_units", "numerator", "denominator", "value"])

    @property
    def published(self) -> pd.DataFrame:
        """The published figures beside the recomputed ones, with the unit's name and province."""
        units = self.units.set_index("slug")
        out = self.reconciled.copy()
        out.insert(1, "name", out["ward"].map(units["name"]).fillna(out["ward"]))
        out.insert(2, "province", out["ward"].map(units["province"]))
        return out.sort_values(["year", "name", "indicator"], kind="stable").reset_index(drop=True)


def _fold(name: str) -> str:
    """A name in lower case without diacritics, to sort Vietnamese names ("Đà Nẵng" among the D's)."""
    import unicodedata

    plain = "".join(c for c in unicodedata.normalize("NFD", str(name)) if not unicodedata.combining(c))
    return plain.lower().replace("đ", "d")


def open_programme(data_dir=None, year=None, lang: str = "vi", source: str = "parameters") -> ProgrammeReport:
    """Check the overview's parameters and read the programme's rows of the (made or reused) build.

    data_dir: a data folder (None: the shipped synthetic panel); year: the report year
    (None: the latest year with the programme's pooled results); lang: "vi" or "en". Raises `ParameterError`
    naming `source` for a wrong parameter or bad data.
    """
    from wardstudy import data as data_module

    if data_dir is not None and not isinstance(data_dir, (str, Path)):
        raise ParameterError(f'{source}: key "data_dir" must be a folder path, or None for the shipped synthetic '
                             f"panel, got {data_dir!r} ({type(data_dir).__name__})")
    if year is not None and (isinstance(year, bool) or not isinstance(year, (int, np.integer))):
        raise ParameterError(f'{source}: key "year" must be a whole year such as 2024, or None for the latest, '
                             f"got {year!r} ({type(year).__name__})")
    if lang not in LANGS:
        raise ParameterError(f'{source}: key "lang" must be "vi" (default) or "en", got {lang!r}')
    try:
        # the programme's pooled tables are computed when first read (`Build.read`), not every ward's impact
        build = ensure_build(data_dir)
    except data_module.DataError as err:
        raise ParameterError(f"{source}: the data in {data_module.resolve_data_dir(data_dir)} have "
                             f"{len(err.problems)} problem(s):\n" + "\n".join(err.problems)) from None
    years = build.years
    if year is None:
        # The latest year the programme's pooled results cover: not a year the units changed
        # in (2025 for the shipped panel, when the old wards stop in June).
        year = latest_evaluated_year(build) or years[-1]
    elif int(year) not in years:
        raise ParameterError(f"{source}: year {year} is outside the data ({years[0]}-{years[-1]})")
    return read_programme(build, int(year), lang)


def latest_evaluated_year(build: Build, up_to: int | None = None) -> int | None:
    """The latest year (up to `up_to`, if given) for which the build has the programme's
    pooled effect (a year with programme wards in the pooled panel), or None.

    The overview's default year: on the shipped panel 2024, not 2025, when the model wards
    were merged into new units on 1 July and no pooled effect is evaluated.
    """
    effects = build.read("programme_effects")
    years = effects.loc[effects["n_treated"].fillna(0) > 0, "year"]
    if up_to is not None:
        years = years[years <= up_to]
    return int(years.max()) if len(years) else None


def _successors(register: pd.DataFrame, units: pd.DataFrame) -> dict:
    """The new units of the 2025 reorganisation that hold a programme ward (crosswalk rows of
    programme wards whose new unit is a unit of the data): new slug -> (new name, the day it
    was formed, the programme wards' names in it)."""
    from wardstudy.data.crosswalk import load_crosswalk

    crosswalk = load_crosswalk()
    rows = crosswalk[crosswalk["old_slug"].isin(set(register["ward"])) & crosswalk["new_slug"].isin(set(units["slug"]))]
    return {slug: (str(g["new_name"].iloc[0]), str(g["new_valid_from"].iloc[0]), tuple(g["old_name"]))
            for slug, g in rows.groupby("new_slug", sort=True)}


def new_units_with_programme(build: Build) -> set[str]:
    """Slugs of the build's new units (2025 reorganisation) that hold a programme ward: the
    index groups them as such, never as units outside the programme."""
    return set(_successors(build.read("programme"), build.read("units")))


def read_programme(build: Build, year: int, lang: str = "vi") -> ProgrammeReport:
    """The programme's rows of `build` for the report `year` (checked).

    Sections 3 and 4 read the latest year up to `year` with a pooled effect (`evaluated_year`):
    for 2025 that is 2024, the last year before the model wards were merged into new units.
    """
    units = build.read("units")
    register = build.read("programme")
    cohort = dict(zip(register["ward"], register["cohort_year"].astype(int)))
    successors = _successors(register, units)
    cohort |= {slug: NEW_UNIT_WITH_PROGRAMME for slug in successors if slug not in cohort}
    units = units.assign(cohort=units["slug"].map(cohort).fillna(NOT_IN_PROGRAMME).astype(int))
    by_slug = units.set_index("slug")
    register = register.assign(cohort_year=register["cohort_year"].astype(int),
                               name=register["ward"].map(by_slug["name"]),
                               province=register["ward"].map(by_slug["province"]))
    evaluated = latest_evaluated_year(build, up_to=year)
    # The pooled panel and its rows: the report year's, or the last evaluated year's after it.
    at = year if evaluated is None else evaluated
    panel = build.read("programme_units", year=at)
    wards = sorted(set(panel["ward"]))
    # Here, not at the top: the batch asks this module for the overview's year, and the
    # registry imports the indicators' statistics (1.4 s of scipy a run would pay for nothing).
    from wardstudy.indicators.registry import HEADLINE_IDS

    headline_ids = sorted({*HEADLINE_IDS, *_SHARES, "social_order_crimes", _RESIDENTS} - {"social_order_crime_change"})
    return ProgrammeReport(
        build=build,
        year=year,
        lang=lang,
        units=units,
        programme=register,
        effects=build.read("programme_effects"),
        levels=build.read("programme_levels", year=at),
        panel=panel,
        criteria=build.read("indicators", indicator="criteria_met_share"),
        headline_values=(build.read("indicators", year=at, indicator=headline_ids, ward=wards) if wards
                         else build.read("indicators", year=at).iloc[:0]),
        comparisons=(build.read("comparisons", year=at, baseline_year=at - 1, category="social_order", ward=wards)
                     if wards else build.read("comparisons").iloc[:0]),
        reconciled=build.read("reconciled"),
        register=read_register(),
        evaluated_year=evaluated,
        successors=successors,
    )


def _example() -> ProgrammeReport:
    """A hand-made report for the doctests: one district "P" of four units, two cohorts."""
    from types import SimpleNamespace

    units = pd.DataFrame({"slug": ["a", "b", "c", "d"], "name": ["A", "B", "C", "D"],
                          "type": ["phường", "phường", "phường", "xã"], "province": ["P"] * 4})
    register = pd.DataFrame({"ward": ["a", "b", "c"], "cohort_year": [2023, 2024, 2024]})
    units["cohort"] = units["slug"].map(dict(zip(register["ward"], register["cohort_year"]))).fillna(0).astype(int)
    register = register.assign(name=register["ward"].str.upper(), province="P")
    criteria = pd.DataFrame({"ward": ["a", "b", "c", "d"], "year": [2023] * 4, "indicator": "criteria_met_share",
                             "numerator": [22.0, 12.0, 18.0, 11.0], "denominator": [22.0, 22.0, 20.0, 22.0]})
    ind = ["social_order_crimes", _RESIDENTS]
    values = pd.DataFrame({"ward": ["a", "a", "d", "d"], "year": 2023, "indicator": ind * 2,
                           "value": [30.0, 1.0, 10.0, 1.0], "numerator": np.nan,
                           "denominator": [np.nan, 3000.0, np.nan, 2000.0]})
    comparisons = pd.DataFrame({"ward": ["a", "d"], "after": [30.0, 10.0], "before": [40.0, 8.0]})
    panel = pd.DataFrame({"ward": ["a", "b", "c", "d"], "cohort": [2023, 0, 0, 0],
                          "role": ["treated", "control", "control", "control"]})
    values = values[values["ward"].isin(["a", "d"])]
    panel = panel[panel["ward"].isin(["a", "d"])]
    build = SimpleNamespace(years=[2022, 2023, 2024], is_synthetic=True)
    return ProgrammeReport(build=build, year=2023, lang="vi", units=units, programme=register,
                           effects=pd.DataFrame(), levels=pd.DataFrame(), panel=panel, criteria=criteria,
                           headline_values=values, comparisons=comparisons, reconciled=pd.DataFrame())
