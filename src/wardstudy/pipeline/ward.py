"""One ward's slice of the study build: what a ward's notebook reads, and nothing more.

`open_ward` checks the report's parameters, makes or reuses the build of the data
folder (`build.ensure_build`), and reads the ward's own rows: its indicators, its
same-period comparisons, its values among its peers, its criteria, its impact results and
its monthly records. Nothing here loads every ward's data or recomputes what the build
has, so a ward's notebook costs the same with 8 units or with 10,000.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from wardstudy import paths
from wardstudy.pipeline.build import Build, ensure_build
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

    @property
    def n_criteria(self) -> int:
        return int(self.build.manifest["n_criteria"])

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
    def data_source(self) -> str:
        """The data folder as a reader should see it: relative to the project when inside it."""
        folder = self.build.data_dir
        root = paths.project_root()
        return (folder.relative_to(root) if folder.is_relative_to(root) else folder).as_posix()


def open_ward(ward, year, baseline_year=None, data_dir=None, source: str = "parameters") -> WardReport:
    """Check a report's parameters and read its ward's slice of the (made or reused) build.

    Raises `ParameterError` naming `source` for a wrong parameter or bad data.
    """
    check_keys({"ward": ward, "year": year, "baseline_year": baseline_year,
                "data_dir": None if data_dir is None else str(data_dir)}, source)
    p = validate(ward, year, baseline_year, data_dir, source)
    return read_ward(ensure_build(data_dir, impact=True), p)


def read_ward(build: Build, p: ReportParams) -> WardReport:
    """The slice of `build` for checked parameters `p`."""
    unit = {k: (None if pd.api.types.is_scalar(v) and pd.isna(v) else v)
            for k, v in build.read("units", slug=p.ward).iloc[0].to_dict().items()}
    programme = build.read("programme", ward=p.ward)
    group = unit["district_code"]
    # The ward is one of its peers: one read gives both.
    peers = build.read("values", peer_group=str(group), year=p.year, baseline_year=p.baseline_year)
    values = peers[peers["ward"] == p.ward].reset_index(drop=True)
    peer_units = build.read("units", district_code=group)
    design = build.read("impact_designs", ward=p.ward, year=p.year)
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
        impact_estimates=build.read("impact_estimates", ward=p.ward, year=p.year),
        sensitivity=build.read("sensitivity", ward=p.ward, year=p.year),
        records={name: build.read(name, ward=p.ward) for name in
                 ("crimes", "tips", "procedures", "project06", "fire_safety", "community_models")},
    )
