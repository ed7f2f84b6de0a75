"""One ward's slice of the study build: what a ward's notebook reads, and nothing more.

`open_ward` checks the report's parameters, makes or reuses the build of the data
folder (`build.ensure_build`), and reads the ward's own rows: its indicators, its
same-period comparisons, its values among its peers, its criteria, its impact results and
its monthly records. Nothing here loads every ward's data or recomputes what the build
has, so a ward's notebook costs the same with 8 units or with 10,000; its impact results,
when the build has not computed them yet, are computed for this ward-year only (its
district's records) and cached in the build (`build.impact_tables`).

The few figures a page shows that the build does not store are derived here from the
ward's own rows, so the report layer stays display only: the impact effects in cases a
year (`WardReport.impact`) and the wording of unmet criteria (`WardReport.unmet_names`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from wardstudy import paths
from wardstudy.data.crosswalk import FROM_PREDECESSORS, load_crosswalk
from wardstudy.indicators.peers import RESIDENTS_ID
from wardstudy.pipeline.build import Build, ensure_build, impact_tables
from wardstudy.pipeline.params import ReportParams, check_keys, validate

__all__ = ["WardReport", "open_ward", "read_ward"]


@dataclass
class WardReport:
    """One ward-year's slice of a build (see the module docstring). Tables are DataFrames."""

    params: ReportParams
    build: Build
    unit: dict
    cohort: int | None
    values: pd.DataFrame        # contract values against the baseline year, with peer ranks
    history: pd.DataFrame       # the export's rows of the ward, every year
    comparisons: pd.DataFrame   # same-period comparisons with the baseline year, by category
    unmet: list[str]
    peers: pd.DataFrame         # the peers' values in the same year and baseline (for the figure)
    peer_names: dict[str, str]
    reconciled: pd.DataFrame
    impact_design: pd.DataFrame
    impact_estimates: pd.DataFrame
    sensitivity: pd.DataFrame
    records: dict[str, pd.DataFrame] = field(repr=False)
    criteria: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)  # the register (id, wording)
    lang: str = "vi"
    predecessors: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)  # crosswalk rows of a new unit

    def __repr__(self) -> str:
        """Which ward-year this is and what it holds (rows per table), never the tables themselves:
        ``WardReport(ward='duc-xuan', year=2023, baseline_year=2022, cohort=2023, lang='vi';
        values 16, history 62, ..., records: crimes 120, ...)``."""
        tables = ("values", "history", "comparisons", "peers", "reconciled", "impact_design", "impact_estimates",
                  "sensitivity")
        held = ", ".join(f"{name} {len(getattr(self, name))}" for name in tables)
        records = ", ".join(f"{name} {len(frame)}" for name, frame in self.records.items())
        return (f"WardReport(ward={self.params.ward!r}, year={self.params.year}, "
                f"baseline_year={self.params.baseline_year}, cohort={self.cohort}, lang={self.lang!r}; "
                f"rows: {held}, unmet {len(self.unmet)}; records: {records})")

    @property
    def carried_back(self) -> tuple[str, str] | None:
        """(first, last) month of this unit's series summed from its predecessors (a unit made
        on 1 July 2025, `data.crosswalk.with_successor_series`), or None."""
        crimes = self.records.get("crimes", pd.DataFrame())
        if FROM_PREDECESSORS not in crimes.columns or not crimes[FROM_PREDECESSORS].any():
            return None
        months = crimes.loc[crimes[FROM_PREDECESSORS], "month"].astype(str)
        return months.min(), months.max()

    @property
    def programme_predecessors(self) -> dict[str, int]:
        """Name -> cohort of this new unit's former units that built the model (programme.csv)."""
        if self.predecessors.empty:
            return {}
        rows = self.build.read("programme", ward=self.predecessors["old_slug"].tolist())
        names = dict(zip(self.predecessors["old_slug"], self.predecessors["old_name"]))
        return {names[w]: int(c) for w, c in sorted(zip(rows["ward"], rows["cohort_year"]), key=lambda r: (r[1], r[0]))}

    @property
    def last_evaluated_year(self) -> int | None:
        """The last year with impact results for this new unit's former programme units, else None."""
        if self.predecessors.empty:
            return None
        rows = self.build.read("impact_estimates", ward=self.predecessors["old_slug"].tolist())
        return int(rows["year"].max()) if len(rows) else None

    @property
    def missing_predecessors(self) -> list[str]:
        """Names of this new unit's predecessors that are not units of the data (Đôn Phong)."""
        if self.predecessors.empty:
            return []
        known = set(self.build.read("units", slug=self.predecessors["old_slug"].tolist())["slug"])
        return [n for s, n in zip(self.predecessors["old_slug"], self.predecessors["old_name"]) if s not in known]

    @property
    def n_criteria(self) -> int:
        return int(self.build.manifest["n_criteria"])

    @property
    def criteria_total(self) -> int:
        """The number of criteria of the ward's own scheme in the report year (22, or 20 on the
        2024 scheme): the denominator of its criteria share, else the register's length."""
        rows = self.values[self.values["indicator"] == "criteria_met_share"]["denominator"].dropna()
        return int(rows.iloc[0]) if len(rows) else self.n_criteria

    @property
    def is_synthetic(self) -> bool:
        return self.build.is_synthetic

    def comparison(self, category: str = "social_order") -> dict:
        """The same-period comparison of one crime category as a dict (see `same_period_comparison`)."""
        rows = self.comparisons[self.comparisons["category"] == category]
        if rows.empty:
            return {"after": float("nan"), "before": float("nan"), "months": 0, "months_compared": "",
                    "months_in_year": 0, "year": self.params.year, "baseline_year": self.params.baseline_year,
                    "rate_ratio": float("nan"), "ci_low": float("nan"), "ci_high": float("nan"),
                    "p_value": float("nan")}
        return rows.iloc[0].to_dict()

    def impact_units(self) -> tuple[list[str], list[str]]:
        """(comparison units, programme units left out) of the impact design, as slugs."""
        d = self.impact_design
        return d.loc[d["role"] == "control", "unit"].tolist(), d.loc[d["role"] == "excluded", "unit"].tolist()

    @property
    def unreported(self) -> pd.DataFrame:
        """The months the ward or its comparison units did not report up to the report year
        (``ward, month``; `data.months.unreported_months`): left out of the impact rates'
        person-time, and named on the page so that a missing month never reads as a fall."""
        from wardstudy.data.months import unreported_months

        controls, _ = self.impact_units()
        units = [self.params.ward, *controls]
        return unreported_months(self.build.read("crimes", ward=units), units, self.params.year)

    @property
    def unmet_names(self) -> dict[str, str]:
        """Unmet criterion id -> its official wording, where the user's register supplies it."""
        if "official_text" not in self.criteria.columns:
            return {}
        rows = self.criteria[self.criteria["criterion_id"].isin(self.unmet)]
        return {c: str(t).strip() for c, t in zip(rows["criterion_id"], rows["official_text"])
                if not pd.isna(t) and str(t).strip()}

    @property
    def first_year_without_pre_period(self) -> int | None:
        """The data's first year, when the ward entered the programme in it (or before): there
        is no year before entry to compare with (`data.cohorts.has_pre_period`). Else None."""
        # here, not at the top: the evaluation layer (scipy, statsmodels: seconds) is imported by
        # whoever computes, not by every worker and the main process of a batch that only reads
        from wardstudy.data.cohorts import has_pre_period

        if self.cohort is None or has_pre_period(self.cohort, self.build.years):
            return None
        return int(self.build.years[0])

    def residents(self, ward: str | None = None) -> float:
        """Residents of a peer (default: this ward) in the report year: those eligible for an ID card."""
        ward = ward or self.params.ward
        rows = self.peers[(self.peers["ward"] == ward) & (self.peers["indicator"] == RESIDENTS_ID)]
        return float(rows["denominator"].iloc[0]) if len(rows) else float("nan")

    @property
    def impact(self) -> pd.DataFrame:
        """The impact estimates with `cases_per_year`: the effect in cases a year for this ward.

        A difference in cases per 1,000 residents a year times the ward's residents / 1,000;
        a rate ratio r of the report year's count n: n - n / r (the cases the ward had
        minus those it would have had at the earlier rate).
        """
        est = self.impact_estimates.copy()
        if est.empty:
            return est.assign(cases_per_year=pd.Series(dtype=float))
        after = float(self.comparison("social_order")["after"])
        per_1000 = est["estimate"] * self.residents() / 1000
        from_ratio = after - after / est["estimate"].where(est["estimate"] > 0)
        est["cases_per_year"] = per_1000.where(est["scale"] == "difference", from_ratio)
        # The verdict is the method the report's parameters declared before the data were seen.
        est["primary"] = est["method"] == self.params.primary_method
        return est

    @property
    def ranking(self) -> pd.DataFrame:
        """The ward's values among its peers, as the build ranked them (`indicators.peers.peer_ranks`):
        `value` as ranked (crime per 1,000 residents), `rank`, `n_peers`, `tied` and the peers' spread."""
        rows = self.values.assign(value=self.values["ranked_value"].fillna(self.values["value"]))
        cols = ["indicator", "value", "rank", "n_peers", "tied", "peer_min", "peer_median", "peer_max"]
        return rows[cols].reset_index(drop=True)

    @property
    def published_sources(self) -> list[str]:
        """The sources of this ward-year's published figures, "Báo Bắc Kạn, 29/01/2024" (none: []),
        the date in the page's format ("29 January 2024" in English)."""
        from wardstudy.report.format import fmt_date

        if self.reconciled.empty:
            return []
        rows = self.build.read("published", ward=self.params.ward, year=self.params.year)
        out = []
        for source, date in zip(rows["source"], rows.get("published_date", [None] * len(rows))):
            y, m, d = (str(date)[:10].split("-") + ["", "", ""])[:3] if date and not pd.isna(date) else ("", "", "")
            entry = f"{source}, {fmt_date(f'{y}-{m}-{d}', self.lang)}" if d else str(source)
            if entry not in out:
                out.append(entry)
        return out

    @property
    def data_source(self) -> str:
        """The data folder as a reader should see it: relative to the project when inside it."""
        folder = self.build.data_dir
        root = paths.project_root()
        return (folder.relative_to(root) if folder.is_relative_to(root) else folder).as_posix()


def open_ward(ward, year, baseline_year=None, data_dir=None, source: str = "parameters",
              lang: str = "vi", primary_method: str = "did") -> WardReport:
    """Check a report's parameters and read its ward's slice of the (made or reused) build.

    lang: the language of the page ("vi" or "en"); the slice is the same in both.
    primary_method: the impact method whose test is the ward's verdict ("did", "synth" or
    "its"), declared in the report's parameters before the data are seen.
    Raises `ParameterError` naming `source` for a wrong parameter or bad data.
    """
    check_keys({"ward": ward, "year": year, "baseline_year": baseline_year,
                "data_dir": None if data_dir is None else str(data_dir), "lang": lang,
                "primary_method": primary_method}, source)
    p = validate(ward, year, baseline_year, data_dir, source, lang=lang, primary_method=primary_method)
    # The impact results of this ward-year only (`read_ward`), not the whole country's.
    return read_ward(ensure_build(data_dir), p)


def read_ward(build: Build, p: ReportParams) -> WardReport:
    """The slice of `build` for checked parameters `p`.

    The ward-year's impact results come from the build's whole tables when it has them, else
    from its cache, computed there first when missing (`build.impact_tables`: the ward's
    donor pool only, seconds).
    """
    unit = {k: (None if pd.api.types.is_scalar(v) and pd.isna(v) else v)
            for k, v in build.read("units", slug=p.ward).iloc[0].to_dict().items()}
    programme = build.read("programme", ward=p.ward)
    group = str(unit["peer_group"])  # the district, or the province for a unit made in 2025
    # The ward is one of its peers: one read gives both.
    peers = build.read("values", peer_group=group, year=p.year, baseline_year=p.baseline_year)
    values = peers[peers["ward"] == p.ward].reset_index(drop=True)
    peer_units = build.read("units", peer_group=group)
    design, estimates = impact_tables(build, [(p.ward, p.year)])
    return WardReport(
        params=p,
        build=build,
        unit=unit,
        cohort=int(programme["cohort_year"].iloc[0]) if len(programme) else None,
        values=values,
        history=build.read("indicators", ward=p.ward),
        comparisons=build.read("comparisons", ward=p.ward, year=p.year, baseline_year=p.baseline_year),
        unmet=build.read("unmet_criteria", ward=p.ward, year=p.year)["criterion_id"].tolist(),
        peers=peers,
        peer_names=dict(zip(peer_units["slug"], peer_units["name"])),
        reconciled=build.read("reconciled", ward=p.ward, year=p.year),
        impact_design=design,
        impact_estimates=estimates,
        sensitivity=build.read("sensitivity", ward=p.ward, year=p.year),
        records={name: build.read(name, ward=p.ward) for name in
                 ("crimes", "tips", "procedures", "project06", "fire_safety", "community_models")},
        criteria=build.read("criteria"),
        lang=getattr(p, "lang", "vi"),
        predecessors=_predecessors(unit),
    )


def _predecessors(unit: dict) -> pd.DataFrame:
    """The crosswalk rows of a unit made by the 2025 reorganisation (none for other units)."""
    if not unit.get("valid_from"):
        return pd.DataFrame()
    crosswalk = load_crosswalk()
    return crosswalk[crosswalk["new_slug"] == unit["slug"]].reset_index(drop=True)
