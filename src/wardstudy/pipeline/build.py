"""The study build: everything a report shows, computed once per run and cached on disk.

A build loads and checks the data once, then computes every indicator of the export
contract, every same-period comparison, every ward's values against each baseline year
ranked among its peers, the criteria not met and the published figures beside the
recomputed ones; and, once a report needs them (`add_impact`), the impact results of
every programme ward with what each design could have detected. It writes them as
parquet files, with a manifest of the hashes of its inputs (the data tables, the
reference tables and the package source), into ``.wardstudy-build/<key>/`` at the
project root (`paths.build_cache_dir`), one folder per data folder.

`ensure_build` reuses a build whose inputs are unchanged and makes one otherwise; a
ward's notebook, the index and the export all read the same build, so they show the same
numbers, and a ward's notebook reads only its own rows (`Build.read` with a filter), so
its cost does not grow with the number of units. A build is written into a temporary
folder and renamed into place: a half-made build is never read.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from wardstudy import paths
from wardstudy.data import StudyData, load, resolve_data_dir
from wardstudy.data.crosswalk import FROM_PREDECESSORS, full_year_units, with_successor_series
from wardstudy.data.schemes import DEFAULT_SCHEME, scheme_sizes
from wardstudy.files import atomic_write_text, sha256_files

__all__ = ["BUILD_FORMAT", "Build", "build_folder", "input_hash", "ensure_build", "make_build", "add_impact"]

BUILD_FORMAT = 2  # bump when the tables of a build change shape
RECORD_TABLES = ["crimes", "tips", "procedures", "project06", "fire_safety", "community_models",
                 "criteria_assessments"]
REFERENCE = ["units", "programme", "criteria", "published"]


def build_folder(data_dir: Path | str | None) -> Path:
    """Where the build of a data folder lives: one folder per (resolved) data folder."""
    import hashlib

    key = hashlib.sha256(str(resolve_data_dir(data_dir)).encode("utf-8")).hexdigest()[:16]
    return paths.build_cache_dir() / key


def input_hash(data_dir: Path | str | None) -> str:
    """SHA-256 over everything a build is made from: the tables of the data folder and of
    ``data/reference`` (CSV and xlsx), the package source and the build format."""
    folder = resolve_data_dir(data_dir)
    tables = [f for d in (folder, paths.reference_dir()) if d.is_dir() for f in d.iterdir()
              if f.suffix in {".csv", ".xlsx"}]
    package = Path(__file__).resolve().parents[1]
    source = [f for f in package.rglob("*") if f.is_file() and f.suffix in {".py", ".j2", ".json"}]
    return sha256_files(tables) + sha256_files(source, root=package)[:16] + f"-{BUILD_FORMAT}"


@dataclass(frozen=True)
class Build:
    """A finished build on disk: its folder and its manifest."""

    path: Path
    manifest: dict

    @classmethod
    def open(cls, path: Path) -> "Build":
        return cls(Path(path), json.loads((Path(path) / "manifest.json").read_text(encoding="utf-8")))

    @property
    def is_synthetic(self) -> bool:
        return bool(self.manifest["is_synthetic"])

    @property
    def years(self) -> list[int]:
        return list(self.manifest["years"])

    @property
    def data_dir(self) -> Path:
        return Path(self.manifest["data_dir"])

    def read(self, table: str, **equal) -> pd.DataFrame:
        """One table of the build, only the rows whose columns equal the given values.

        ``build.read("values", ward="duc-xuan", year=2023)`` reads one ward's rows; the
        filter is applied while reading (row groups of other wards are skipped). A unit
        (columns ward, slug, unit) may be named by slug, code or name in any spelling
        (``ward="Đức Xuân", year=2023``; a name two units held at different times resolves
        by the year filter, `data.names.WardResolver`). An unknown table, column or unit is
        a ValueError naming the closest valid ones.
        """
        path = self.path / f"{table}.parquet"
        if not path.is_file():
            raise ValueError(f"build {self.path.name}: no table {table!r}"
                             f"{_closest(table, sorted(p.stem for p in self.path.glob('*.parquet')))}")
        if equal:
            import pyarrow.parquet as pq

            columns = pq.read_schema(path).names
            for column in equal:
                if column not in columns:
                    raise ValueError(f"build table {table!r} has no column {column!r}{_closest(column, columns)}")
            equal = {column: self._units_as_slugs(value, equal.get("year")) if column in _UNIT_COLUMNS else value
                     for column, value in equal.items()}
        filters = [(column, "in", list(value)) if isinstance(value, (list, tuple, set)) else (column, "==", value)
                   for column, value in equal.items()]
        return pd.read_parquet(path, filters=filters or None)

    def _units_as_slugs(self, value, year=None):
        """`value` as a slug (ValueError with the closest for an unknown unit), or a list of
        values as slugs (those it cannot place kept as given: a list is a membership test)."""
        from wardstudy.data.names import UnknownWard, WardResolver

        key = str(self.path)
        if key not in _RESOLVERS:
            _RESOLVERS[key] = WardResolver.from_units(pd.read_parquet(self.path / "units.parquet"))
        resolver = _RESOLVERS[key]
        when = None if year is None or isinstance(year, (list, tuple, set)) else int(year)
        if isinstance(value, (list, tuple, set)):  # a membership test: a value not placed is kept as given
            return [resolver.exact.get(str(v)) or _or_none(resolver, v, when) or v for v in value]
        try:
            return resolver.lookup(value, when)
        except UnknownWard as err:
            raise ValueError(f"unit {err.value!r} {err.describe()}") from None


# Columns naming a unit by its slug, which `Build.read` accepts in any spelling.
_UNIT_COLUMNS = ("ward", "slug", "unit")
_RESOLVERS: dict = {}  # build folder -> its units' WardResolver


def _closest(value: str, valid: list[str]) -> str:
    """The tail of an error: the closest valid names (difflib), else every valid name."""
    import difflib

    near = difflib.get_close_matches(str(value), valid, n=3, cutoff=0.6)
    return f"; closest: {', '.join(near)}" if near else f"; one of: {', '.join(valid)}"


def _or_none(resolver, value, when):
    from wardstudy.data.names import UnknownWard

    try:
        return resolver.lookup(value, when)
    except UnknownWard:
        return None


def _write(folder: Path, name: str, frame: pd.DataFrame) -> None:
    # Sorted by ward, with modest row groups, so a filtered read of one ward skips the rest.
    if "ward" in frame.columns:
        frame = frame.sort_values("ward", kind="stable")
    frame.reset_index(drop=True).to_parquet(folder / f"{name}.parquet", index=False, row_group_size=20_000)


def make_build(study: StudyData, folder: Path, inputs: str) -> Build:
    """Compute the study's tables (all but the impact results) from checked data into `folder`."""
    from wardstudy.evaluate.design import published_change_sensitivity
    from wardstudy.indicators.compute import unmet_criteria
    from wardstudy.indicators.peers import indicator_values, peer_groups, peer_ranks
    from wardstudy.indicators.reconcile import reconcile
    from wardstudy.indicators.registry import all_indicators
    from wardstudy.indicators.same_period import same_period_comparison, year_pairs

    # The units created on 1 July 2025 get their territory's earlier months, summed from their
    # predecessors and flagged; indicators are kept only for whole years of a unit, so the old
    # units stop in 2024 and the new ones report 2025 (and earlier years of their territory).
    view = replace(study, **with_successor_series({n: getattr(study, n) for n in RECORD_TABLES}, study.units))
    whole = full_year_units(study.units, view.crimes)
    indicators = all_indicators(view).merge(whole, on=["ward", "year"])
    pairs = year_pairs(study.years())
    comparisons = pd.concat([same_period_comparison(view.crimes, category, pairs)
                             for category in ("social_order", "high_tech")], ignore_index=True)
    comparisons = comparisons.merge(whole, on=["ward", "year"]).merge(
        whole.rename(columns={"year": "baseline_year"}), on=["ward", "baseline_year"])
    values = indicator_values(indicators, comparisons[comparisons["category"] == "social_order"], pairs)
    units = study.units.assign(peer_group=peer_groups(study.units))
    ranks = peer_ranks(values, units, by="peer_group")
    values = values.merge(ranks[["ward", "year", "baseline_year", "indicator", "ranked_value", "rank", "n_peers",
                                 "tied", "peer_min", "peer_median", "peer_max"]],
                          on=["ward", "year", "baseline_year", "indicator"], how="left")
    values["tied"] = values["tied"].astype("boolean").fillna(False).astype(bool)
    # Every row, ranked or not, carries its ward's peer group: a ward's page reads its peers by it.
    values["peer_group"] = values["ward"].map(dict(zip(units["slug"], units["peer_group"])))
    tables = {
        "indicators": indicators,
        "comparisons": comparisons,
        "values": values,
        "unmet_criteria": unmet_criteria(study.criteria_assessments, study.criteria),
        "reconciled": reconcile(indicators, study.published),
        "sensitivity": published_change_sensitivity(study.published),
        **{name: getattr(view, name) for name in REFERENCE + RECORD_TABLES},
        "units": units,
    }
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        _write(folder, name, frame)
    manifest = {
        "format": BUILD_FORMAT,
        "inputs": inputs,
        "data_dir": str(study.data_dir),
        "is_synthetic": study.is_synthetic,
        "years": study.years(),
        "n_units": len(study.units),
        # The default scheme's size (a register may hold several schemes; a ward-year's own
        # denominator comes with its criteria_met_share row).
        "n_criteria": scheme_sizes(study.criteria).get(DEFAULT_SCHEME, len(study.criteria)),
        "tables": sorted(tables),
        "impact": False,
    }
    atomic_write_text(folder / "manifest.json", json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
    return Build(folder, manifest)


def add_impact(build: Build, jobs: int | None = None) -> Build:
    """Add the impact results of every programme ward (designs, estimates, detectable effects).

    The slow part of a build (seeded simulations for the detectable effects, some seconds
    per ward and year), so it is made only when a report needs it
    (`ensure_build(impact=True)`), from the checked tables the build already holds, and
    spread over `jobs` processes (default: the number of cores), the programme's pooled
    results among them. Each ward's design needs only the units of its donor pool, so each
    process gets those rows: the results are the same as in one process, whatever `jobs` is.
    """
    from wardstudy.evaluate.design import evaluable_ward_years

    # The records as given: a new unit's months carried back from its predecessors would count
    # those months twice in a design or a pooled panel.
    study = StudyData(data_dir=build.data_dir, **{name: _as_given(build.read(name))
                                                  for name in REFERENCE + RECORD_TABLES})
    # Only whole years of a programme ward are evaluated (not the old wards' half of 2025).
    whole = set(full_year_units(study.units, study.crimes).itertuples(index=False, name=None))
    ward_years = [wy for wy in evaluable_ward_years(study.programme, study.years()) if wy in whole]
    # The pooled effect of each year in which every programme ward still is a whole-year unit.
    recorded = set(study.crimes["ward"])
    years = [y for y in study.years()
             if all((w, y) in whole for w in study.programme["ward"] if w in recorded)]
    pooled_inputs = (study.crimes, study.project06, study.programme, study.units, years)
    jobs = jobs or os.cpu_count() or 1
    tasks = _impact_tasks(study, ward_years, jobs)
    if len(tasks) <= 1:
        parts = [_impact_part(task) for task in tasks] or [_impact_part((vars(study), []))]
        programme = _programme_tables(*pooled_inputs)
    else:
        from concurrent.futures import ProcessPoolExecutor
        from multiprocessing import get_context

        # spawn, as the batch does: a clean interpreter, never a fork of this process's state.
        with ProcessPoolExecutor(max_workers=min(len(tasks), jobs), mp_context=get_context("spawn")) as pool:
            # The programme's pooled results (one long task: every year's permutations and
            # simulations) go first, so the wards' tasks fill the other workers meanwhile.
            pooled = pool.submit(_programme_tables, *pooled_inputs)
            parts = list(pool.map(_impact_part, tasks))
            programme = pooled.result()
    designs = pd.concat([d for d, _ in parts], ignore_index=True)
    estimates = pd.concat([e for _, e in parts], ignore_index=True)
    impact = {"impact_designs": designs, "impact_estimates": estimates, **programme}
    for name, frame in impact.items():
        staging = build.path / f".{name}.parquet.tmp"
        frame.reset_index(drop=True).to_parquet(staging, index=False)
        os.replace(staging, build.path / f"{name}.parquet")
    manifest = {**build.manifest, "impact": True,
                "tables": sorted({*build.manifest["tables"], *impact})}
    atomic_write_text(build.path / "manifest.json", json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
    return Build(build.path, manifest)


def _as_given(frame: pd.DataFrame) -> pd.DataFrame:
    """A build's table without the months carried back to new units (`with_successor_series`)."""
    if FROM_PREDECESSORS not in frame.columns:
        return frame
    return frame[~frame[FROM_PREDECESSORS]].drop(columns=FROM_PREDECESSORS).reset_index(drop=True)


def _programme_tables(crimes, project06, programme, units, years: list[int]) -> dict[str, pd.DataFrame]:
    """The programme's pooled results of the evaluated years (`evaluate.pooled.pooled_results`)."""
    from wardstudy.evaluate.pooled import pooled_results

    return pooled_results(crimes, project06, programme, units, years)


# Tasks per process: a few each, so that one slow task does not leave the others idle.
_TASKS_PER_JOB = 4


def _impact_tasks(study: StudyData, ward_years: list[tuple[str, int]], jobs: int) -> list[tuple[dict, list]]:
    """Split the ward-years into tasks, each with the rows of its wards' donor pools only."""
    from wardstudy.evaluate.design import donor_pool

    if not ward_years:
        return []
    size = max(1, -(-len(ward_years) // (jobs * _TASKS_PER_JOB)))
    crimes, project06 = study.crimes.groupby("ward"), study.project06.groupby("ward")
    tasks = []
    for start in range(0, len(ward_years), size):
        chunk = ward_years[start:start + size]
        pool = sorted({u for ward in {w for w, _ in chunk} for u in donor_pool(study.units, ward)["slug"]})
        tables = {
            "units": study.units[study.units["slug"].isin(pool)],
            "programme": study.programme,
            "crimes": pd.concat([crimes.get_group(u) for u in pool if u in crimes.groups]),
            "project06": pd.concat([project06.get_group(u) for u in pool if u in project06.groups]),
        }
        tasks.append((tables, chunk))
    return tasks


def _impact_part(task: tuple[dict, list]) -> tuple[pd.DataFrame, pd.DataFrame]:
    from types import SimpleNamespace

    from wardstudy.evaluate.design import impact_results

    tables, ward_years = task
    return impact_results(SimpleNamespace(**tables), ward_years)


def _fresh(folder: Path, inputs: str) -> Build | None:
    try:
        build = Build.open(folder)
    except (FileNotFoundError, json.JSONDecodeError, KeyError):
        return None
    return build if build.manifest.get("inputs") == inputs else None


def ensure_build(data_dir: Path | str | None = None, study: StudyData | None = None,
                 force: bool = False, impact: bool = False, jobs: int | None = None) -> Build:
    """The up-to-date build of `data_dir`: reused when its inputs are unchanged, else made.

    impact: also the impact results (what a ward's report needs; `add_impact`), made once
    and then reused like the rest (over `jobs` processes, default the number of cores). Raises `data.DataError` (every problem at once) when the
    data cannot be loaded. `study`: the data already loaded and checked.
    """
    folder = build_folder(data_dir)
    inputs = input_hash(data_dir)
    build = None if force else _fresh(folder, inputs)
    if build is None:
        build = _make(data_dir, study, folder, inputs)
    if impact and not build.manifest.get("impact"):
        build = add_impact(build, jobs)
    return build


def _make(data_dir, study: StudyData | None, folder: Path, inputs: str) -> Build:
    study = load(data_dir) if study is None else study
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        make_build(study, staging, inputs)
        old = folder.with_name(f".{folder.name}.old-{os.getpid()}")
        if folder.exists():
            os.replace(folder, old)
        try:
            os.replace(staging, folder)
        except OSError:  # another process put its build in place first: use theirs
            if (build := _fresh(folder, inputs)) is None:
                raise
            return build
        finally:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Build.open(folder)
