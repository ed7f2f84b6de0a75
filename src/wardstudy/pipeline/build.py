"""The study build: everything a report shows, computed once per run and cached on disk.

A build loads and checks the data once, then computes every indicator of the export
contract, every same-period comparison, every ward's values against each baseline year
ranked among its peers, the criteria not met and the published figures beside the
recomputed ones. It writes them as parquet files, with a manifest of its key and the
libraries' versions, into ``.wardstudy-build/<data folder>/<key>/`` at the project root
(`paths.build_cache_dir`).

The impact results (a programme ward's design, estimates and detectable effects: seconds
per ward and year) are computed when first needed, per ward-year, and cached in the
build's ``impact/`` folder (`impact_tables`): one province of the national panel needs
only its own wards and their donors, not the whole country's 376 ward-years. Each cached
ward-year is written through a temporary file and renamed, so processes computing at the
same time never read half a file (at worst two compute the same ward-year). The programme's
pooled results are computed when first read (`programme_tables`). `add_impact` (a full
build, `ensure_build(impact=True)`) computes what the cache lacks over every core and writes
the whole tables; `Build.read` of an impact table a build does not hold yet computes the
rows its filter asks for. Every step that takes more than a few seconds says so on
stderr, only where stderr is the process's own (`_say`: never into a notebook's output).

The key (`input_hash`) means "the same numbers": the data tables and reference tables, the
source of the layers that compute (`COMPUTE_SOURCE`: ``data``, ``indicators``, ``evaluate``
and this module) and the installed versions of the libraries that compute
(`COMPUTING_LIBRARIES` and what they require, `library_versions`). A wording or template
edit leaves it unchanged (the pages' own fingerprint, `batch.fingerprint`, sees it);
upgrading scipy changes it.

`ensure_build` reuses a build whose key is unchanged and makes one otherwise, under a lock
(one process builds a data folder at a time; the others wait and reuse its build), then
keeps the `KEEP_BUILDS` most recently used builds of that data folder (`prune_builds`). A
ward's notebook, the index and the export all read the same build, so they show the same
numbers, and a ward's notebook reads only its own rows (`Build.read` with a filter), so
its cost does not grow with the number of units. A build is written into a temporary
folder and renamed into place: a half-made build is never read.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import platform
import re
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, replace
from types import SimpleNamespace
from importlib import metadata
from pathlib import Path

import pandas as pd

from wardstudy import paths
from wardstudy.data import StudyData, load, resolve_data_dir
from wardstudy.data.crosswalk import FROM_PREDECESSORS, full_year_units, with_successor_series
from wardstudy.data.impact_columns import DESIGN_COLUMNS, STORED_ESTIMATE_COLUMNS
from wardstudy.data.schemes import DEFAULT_SCHEME, scheme_sizes
from wardstudy.files import atomic_write_bytes, atomic_write_text, sha256_files

__all__ = ["BUILD_FORMAT", "COMPUTE_SOURCE", "COMPUTING_LIBRARIES", "KEEP_BUILDS", "RECENT_USE_SECONDS", "IMPACT_TABLES",
           "PROGRAMME_TABLES", "Build", "builds_home", "build_folder", "input_hash", "source_hash",
           "library_versions", "ensure_build", "make_build", "add_impact", "impact_ward_years", "impact_tables",
           "programme_tables", "prune_builds", "ImpactError"]

BUILD_FORMAT = 2  # bump when the tables of a build change shape
RECORD_TABLES = ["crimes", "tips", "procedures", "project06", "fire_safety", "community_models",
                 "criteria_assessments"]
REFERENCE = ["units", "programme", "criteria", "published"]

# The package's folder: every source path below is relative to it.
PACKAGE_DIR = Path(__file__).resolve().parents[1]
# What the build computes with: every module it imports (tests/test_engine_cache.py checks it
# against the import graph), but for `workers` (how processes are run, not what they compute).
COMPUTE_SOURCE = ("data", "indicators", "evaluate", "pipeline/build.py", "paths.py", "files.py")
# The libraries the build computes with (those imported by COMPUTE_SOURCE, and pyarrow, which
# writes and reads its tables); what they require counts too (`library_versions`).
COMPUTING_LIBRARIES = ("numpy", "pandas", "scipy", "statsmodels", "pandera", "openpyxl", "pyarrow")
# Builds kept per data folder, the most recently used first.
KEEP_BUILDS = 3
# A build used less than this long ago is never pruned, however many newer ones there are: a
# run still reading it (its index, its pages' kernels) outlives several builds when the source
# is edited while it runs. Every `ensure_build` (each page's `open_ward`) marks its use.
RECENT_USE_SECONDS = 3600.0
LOCK_NAME = ".lock"
# The impact results, per ward-year (computed when first needed, `impact_tables`), and the
# programme's pooled results (`programme_tables`).
IMPACT_TABLES = ("impact_designs", "impact_estimates")
PROGRAMME_TABLES = ("programme_effects", "programme_levels", "programme_units")
IMPACT_CACHE = "impact"  # <build>/impact/<ward>.<year>.{designs,estimates}.parquet


def _say(text: str) -> None:
    """A progress message on stderr, only where stderr is the process's own (a terminal, a
    log): never in a notebook kernel, whose stderr is the notebook's output and so a page's."""
    if _talks():
        print(f"wardstudy: {text}", file=sys.stderr, flush=True)


def _talks() -> bool:
    return sys.stderr is not None and sys.stderr is sys.__stderr__


def _data_key(data_dir: Path | str | None) -> str:
    return hashlib.sha256(str(resolve_data_dir(data_dir)).encode("utf-8")).hexdigest()[:16]


def builds_home(data_dir: Path | str | None) -> Path:
    """The folder of a data folder's builds (and of its lock): one per resolved data folder."""
    return paths.build_cache_dir() / _data_key(data_dir)


def build_folder(data_dir: Path | str | None, inputs: str | None = None) -> Path:
    """Where the build of a data folder with key `inputs` (default: its current key) lives."""
    inputs = input_hash(data_dir) if inputs is None else inputs
    return builds_home(data_dir) / hashlib.sha256(inputs.encode("utf-8")).hexdigest()[:16]


def input_hash(data_dir: Path | str | None) -> str:
    """The build's key: SHA-256 over the tables of the data folder and of ``data/reference``
    (CSV and xlsx), then short hashes of the computing source (`COMPUTE_SOURCE`) and of the
    computing libraries' versions (`library_versions`), then the build format.

    The data's hash comes first (the index shows its first characters). A change in a report
    template, a wording, the notebook or a plotting library leaves the key unchanged.
    """
    folder = resolve_data_dir(data_dir)
    tables = [f for d in (folder, paths.reference_dir()) if d.is_dir() for f in d.iterdir()
              if f.suffix in {".csv", ".xlsx"}]
    return (sha256_files(tables) + source_hash(COMPUTE_SOURCE)[:16]
            + _versions_hash(COMPUTING_LIBRARIES)[:16] + f"-{BUILD_FORMAT}")


def source_files(parts: tuple[str, ...] = ("",)) -> list[Path]:
    """The package's source files under each of `parts` (a folder or a file, relative to the
    package; ``""``: the whole package), bytecode caches left out."""
    files = set()
    for part in parts:
        path = PACKAGE_DIR / part
        found = [path] if path.is_file() else path.rglob("*")
        files.update(f for f in found if f.is_file() and "__pycache__" not in f.parts and f.suffix != ".pyc")
    return sorted(files)


_hashed: dict = {}


def source_hash(parts: tuple[str, ...] = ("",)) -> str:
    """SHA-256 over the names (relative to the package) and bytes of `source_files(parts)`.

    Remembered while no file's size or modification time changes, so a run's thousand
    fingerprints hash the source once.
    """
    files = source_files(parts)
    stamp = (str(PACKAGE_DIR),) + tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files)
    if stamp not in _hashed:
        if len(_hashed) > 16:  # edited files leave stale entries
            _hashed.clear()
        _hashed[stamp] = sha256_files(files, root=PACKAGE_DIR)
    return _hashed[stamp]


@functools.lru_cache(maxsize=None)
def _installed(name: str) -> tuple[str, tuple[str, ...]]:
    """The installed version of distribution `name` and its requirements (metadata of the
    environment this process runs in), read once per process (as `library_versions`)."""
    try:
        # One parse of the metadata file for both (`dist.version` and `dist.requires` each parse it).
        found = metadata.distribution(name).metadata
    except metadata.PackageNotFoundError:
        return "not installed", ()
    return found["Version"], tuple(found.get_all("Requires-Dist") or ())


@functools.lru_cache(maxsize=None)
def library_versions(roots: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """(name, version) of Python and of each library of `roots` and of every distribution
    they require (extras left out), sorted by name.

    Read once per process: the libraries a process has imported are the ones that compute
    in it, whatever is installed later.
    """
    from packaging.requirements import InvalidRequirement, Requirement

    versions = {"python": platform.python_version()}
    todo = list(roots)
    while todo:
        name = re.sub(r"[-_.]+", "-", todo.pop()).lower()
        if name in versions:
            continue
        versions[name], requires = _installed(name)
        for text in requires:
            try:
                requirement = Requirement(text)
            except InvalidRequirement:  # metadata this version of packaging cannot read: its version counts
                continue
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return tuple(sorted(versions.items()))


def _versions_hash(roots: tuple[str, ...]) -> str:
    return hashlib.sha256(json.dumps(library_versions(tuple(roots))).encode("utf-8")).hexdigest()


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
        if not path.is_file() and table in PROGRAMME_TABLES:
            programme_tables(self)  # computed when first read, then read as any table
        elif not path.is_file() and table in IMPACT_TABLES:
            return self._read_impact(table, equal)
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

    def _read_impact(self, table: str, equal: dict) -> pd.DataFrame:
        """An impact table this build does not hold whole: the ward-years its filter names
        (every evaluable one without a ward or year filter), computed if not cached
        (`impact_tables`), then filtered by the other columns."""
        if "ward" in equal:
            equal = {**equal, "ward": self._units_as_slugs(equal["ward"], equal.get("year"))}
        wanted = {name: (set(v) if isinstance(v, (list, tuple, set)) else {v})
                  for name, v in equal.items() if name in ("ward", "year")}
        ward_years = [(w, y) for w, y in impact_ward_years(self)
                      if w in wanted.get("ward", {w}) and y in wanted.get("year", {y})]
        frame = impact_tables(self, ward_years)[IMPACT_TABLES.index(table)]
        for column, value in equal.items():
            if column not in frame.columns:
                raise ValueError(f"build table {table!r} has no column {column!r}{_closest(column, list(frame.columns))}")
            if column in _UNIT_COLUMNS and column != "ward":
                value = self._units_as_slugs(value, equal.get("year"))
            keep = frame[column].isin(list(value)) if isinstance(value, (list, tuple, set)) else frame[column] == value
            frame = frame[keep]
        return frame.reset_index(drop=True)

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
        "libraries": dict(library_versions(COMPUTING_LIBRARIES)),
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
    """Add the whole impact tables: every programme ward's designs, estimates and detectable
    effects (`impact_tables`), and the programme's pooled results (`programme_tables`).

    The slow part of a build (seeded simulations for the detectable effects, some seconds
    per ward and year), made when a whole run needs it (`ensure_build(impact=True)`): the
    ward-years the cache lacks are computed over `jobs` processes (default: the number of
    cores), the pooled results among them, then every ward-year's rows are written as the
    tables ``impact_designs`` and ``impact_estimates``. A ward-year computed earlier for one
    province is reused, and the results are the same whatever `jobs` is.
    """
    ward_years = impact_ward_years(build)
    pooled = None if _has_programme_tables(build) else _pooled_inputs(build)
    designs, estimates, programme = _gather(build, ward_years, jobs, pooled)
    if programme is not None:
        _store_programme(build, programme)
    for name, frame in {"impact_designs": designs, "impact_estimates": estimates}.items():
        atomic_write_bytes(build.path / f"{name}.parquet", frame.reset_index(drop=True).to_parquet(index=False))
    manifest = {**build.manifest, "impact": True,
                "tables": sorted({*build.manifest["tables"], *IMPACT_TABLES, *PROGRAMME_TABLES})}
    atomic_write_text(build.path / "manifest.json", json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
    return Build(build.path, manifest)


_EVALUABLE: dict = {}  # (build folder, key) -> its evaluable ward-years


def impact_ward_years(build: Build) -> list[tuple[str, int]]:
    """Every (ward, year) a build has impact results for: each programme ward from its
    cohort on (`data.cohorts.evaluable_ward_years`), in whole years of the unit only (not
    the old wards' half of 2025), read from the programme wards' own records."""
    from wardstudy.data.cohorts import evaluable_ward_years

    key = (str(build.path), build.manifest.get("inputs"))
    if key not in _EVALUABLE:
        programme = build.read("programme")
        # The records as given: a new unit's months carried back from its predecessors would
        # count those months twice in a design or a pooled panel.
        crimes = _as_given(build.read("crimes", ward=programme["ward"].tolist()))
        whole = set(full_year_units(build.read("units"), crimes).itertuples(index=False, name=None))
        _EVALUABLE[key] = [wy for wy in evaluable_ward_years(programme, build.years) if wy in whole]
    return list(_EVALUABLE[key])


def impact_tables(build: Build, ward_years=None, jobs: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(designs, estimates) of the given ward-years (default: every one of
    `impact_ward_years`), as `evaluate.design.impact_results` gives them: read from the
    build's cache, those not in it computed first (over `jobs` processes, default the
    number of cores, when there are several) and cached.

    A ward-year needs only the records of its ward's donor pool (its district), so one
    province costs its own wards, not the country. A (ward, year) that is not evaluable (not
    a programme ward, before its cohort, not a whole year) has no rows, as in the full tables.
    """
    evaluable = impact_ward_years(build)
    if ward_years is None:
        ward_years = evaluable
    else:
        known = set(evaluable)
        ward_years = [wy for wy in dict.fromkeys((str(w), int(y)) for w, y in ward_years) if wy in known]
    if build.manifest.get("impact") and all((build.path / f"{t}.parquet").is_file() for t in IMPACT_TABLES):
        wanted = pd.DataFrame(ward_years, columns=["ward", "year"])
        wards = sorted(set(wanted["ward"]))
        return tuple(pd.read_parquet(build.path / f"{t}.parquet", filters=[("ward", "in", wards)] if wards else None)
                     .merge(wanted, on=["ward", "year"]) for t in IMPACT_TABLES)
    designs, estimates, _ = _gather(build, ward_years, jobs)
    return designs, estimates


def _gather(build: Build, ward_years: list[tuple[str, int]], jobs: int | None = None, pooled=None):
    """(designs, estimates, programme tables or None) of `ward_years`: the cached ones read,
    the others computed and cached (with the pooled results from `pooled` inputs, if given,
    in the same pool of processes)."""
    found = {wy: _cached(build, *wy) for wy in ward_years}
    missing = [wy for wy, rows in found.items() if rows is None]
    programme = None
    if missing or pooled is not None:
        if missing:
            _say(f"computing the impact results of {len(missing)} ward-year(s) ({len(found) - len(missing)} "
                 f"already cached) in {build.path}")
        if pooled is not None:
            _say(f"computing the programme's pooled results ({len(pooled[2])} programme wards, years "
                 f"{', '.join(map(str, pooled[4])) or 'none'})")
        computed, programme = _compute(build, missing, jobs, pooled)
        found.update(computed)
    parts = [found[wy] for wy in ward_years]
    return (_concat([d for d, _ in parts], DESIGN_COLUMNS), _concat([e for _, e in parts], STORED_ESTIMATE_COLUMNS),
            programme)


def _concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    """The frames' rows; with none, an empty table of `columns` (`data.impact_columns`: a page
    of a ward without results never imports the methods)."""
    rows = [f for f in frames if len(f)]
    if not rows:
        return frames[0].iloc[:0].reset_index(drop=True) if frames else pd.DataFrame(columns=columns)
    return pd.concat(rows, ignore_index=True)


def _cache_files(build: Build, ward: str, year: int) -> tuple[Path, Path]:
    """The cached designs and estimates of one ward-year (estimates written last)."""
    name = ward if re.fullmatch(r"[A-Za-z0-9_-]+", ward) else hashlib.sha256(ward.encode("utf-8")).hexdigest()[:16]
    folder = build.path / IMPACT_CACHE
    return folder / f"{name}.{int(year)}.designs.parquet", folder / f"{name}.{int(year)}.estimates.parquet"


def _cached(build: Build, ward: str, year: int) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    designs, estimates = _cache_files(build, ward, year)
    if not estimates.is_file():
        return None
    try:
        return pd.read_parquet(designs), pd.read_parquet(estimates)
    except (OSError, ValueError):  # a cache file of another pyarrow, or damaged: computed again
        return None


def _store(build: Build, ward: str, year: int, designs: pd.DataFrame, estimates: pd.DataFrame) -> None:
    """Cache one ward-year: each file written to a temporary name and renamed, the estimates
    (which mark the ward-year as cached) last."""
    paths_ = _cache_files(build, ward, year)
    try:
        for path, frame in zip(paths_, (designs, estimates)):
            atomic_write_bytes(path, frame.reset_index(drop=True).to_parquet(index=False))
    except OSError:  # a read-only build, or one replaced meanwhile: the results are still returned
        pass


def _compute(build: Build, ward_years: list[tuple[str, int]], jobs: int | None, pooled=None):
    """Compute `ward_years` (and the pooled results from `pooled`, if given), caching each
    task's ward-years as it ends, with a progress bar where stderr is the process's own."""
    from tqdm import tqdm

    jobs = jobs or os.cpu_count() or 1
    tasks = _impact_tasks(_design_inputs(build, ward_years), ward_years, jobs)
    found, programme = {}, None
    bar = tqdm(total=len(ward_years), desc="impact results", unit="ward-year", disable=not _talks() or not ward_years,
               file=sys.stderr)

    failures = {}

    def keep(task, part):
        designs, estimates, failed = part
        failures.update(failed)
        for ward, year in [wy for wy in task[1] if tuple(wy) not in failed]:
            rows = (designs[(designs["ward"] == ward) & (designs["year"] == year)].reset_index(drop=True),
                    estimates[(estimates["ward"] == ward) & (estimates["year"] == year)].reset_index(drop=True))
            _store(build, ward, year, *rows)
            # As read back from the cache, so a ward-year's rows are the same (dtypes too)
            # whether computed now or read later.
            found[(ward, year)] = _cached(build, ward, year) or rows
        bar.update(len(task[1]))

    with bar:
        if jobs == 1 or len(tasks) + (pooled is not None) <= 1:
            for task in tasks:
                keep(task, _impact_part(task))
            programme = None if pooled is None else _programme_tables(*pooled)
        else:
            from concurrent.futures import ProcessPoolExecutor, as_completed
            from multiprocessing import get_context

            from wardstudy.workers import die_with_parent

            # spawn, as the batch does: a clean interpreter, never a fork of this process's state;
            # each process dies with this one (kill -9 of a run during its build leaves none).
            with ProcessPoolExecutor(max_workers=min(len(tasks) + (pooled is not None), jobs),
                                     mp_context=get_context("spawn"), initializer=die_with_parent,
                                     initargs=(os.getpid(),)) as pool:
                # The programme's pooled results (one long task: every year's permutations and
                # simulations) go first, so the wards' tasks fill the other workers meanwhile.
                programme_future = None if pooled is None else pool.submit(_programme_tables, *pooled)
                futures = {pool.submit(_impact_part, task): task for task in tasks}
                for future in as_completed(futures):
                    keep(futures[future], future.result())
                programme = None if programme_future is None else programme_future.result()
    if failures:
        raise ImpactError(failures)
    return found, programme


def _design_inputs(build: Build, ward_years: list[tuple[str, int]]) -> SimpleNamespace:
    """The tables the designs of `ward_years` read: units, the programme, and the records
    (as given) of their wards' donor pools only."""
    from wardstudy.evaluate.design import donor_pool

    units, programme = build.read("units"), build.read("programme")
    pool = sorted({u for ward in {w for w, _ in ward_years} for u in donor_pool(units, ward)["slug"]})
    records = {name: _as_given(build.read(name, ward=pool)) if pool else build.read(name).iloc[:0]
               for name in ("crimes", "project06")}
    return SimpleNamespace(units=units, programme=programme, **records)


def _pooled_inputs(build: Build):
    """The arguments of `_programme_tables`: every unit's records (as given), the programme,
    the units, and each year in which every recorded programme ward is a whole-year unit."""
    units, programme = build.read("units"), build.read("programme")
    crimes, project06 = _as_given(build.read("crimes")), _as_given(build.read("project06"))
    whole = set(full_year_units(units, crimes).itertuples(index=False, name=None))
    recorded = set(crimes["ward"])
    years = [y for y in build.years if all((w, y) in whole for w in programme["ward"] if w in recorded)]
    return crimes, project06, programme, units, years


def _has_programme_tables(build: Build) -> bool:
    return all((build.path / f"{t}.parquet").is_file() for t in PROGRAMME_TABLES)


def _store_programme(build: Build, tables: dict[str, pd.DataFrame]) -> None:
    for name in PROGRAMME_TABLES:
        atomic_write_bytes(build.path / f"{name}.parquet", tables[name].reset_index(drop=True).to_parquet(index=False))


def programme_tables(build: Build) -> dict[str, pd.DataFrame]:
    """The programme's pooled results (`evaluate.pooled.pooled_results`: tables
    ``programme_effects``, ``programme_levels``, ``programme_units``), computed and stored in
    the build when first asked for (every programme ward's records: the whole country on the
    national panel), then read."""
    if not _has_programme_tables(build):
        pooled = _pooled_inputs(build)
        _say(f"computing the programme's pooled results ({len(pooled[2])} programme wards, years "
             f"{', '.join(map(str, pooled[4])) or 'none'})")
        start = time.perf_counter()
        _store_programme(build, _programme_tables(*pooled))
        _say(f"pooled results computed in {time.perf_counter() - start:.0f} s")
    return {name: pd.read_parquet(build.path / f"{name}.parquet") for name in PROGRAMME_TABLES}


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


def _impact_tasks(study, ward_years: list[tuple[str, int]], jobs: int) -> list[tuple[dict, list]]:
    """Split the ward-years into tasks, each with the rows of its wards' donor pools only
    (`study`: units, programme, crimes and project06, as `StudyData` has them)."""
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
            "crimes": pd.concat([study.crimes.iloc[:0]] + [crimes.get_group(u) for u in pool if u in crimes.groups]),
            "project06": pd.concat([study.project06.iloc[:0]]
                                   + [project06.get_group(u) for u in pool if u in project06.groups]),
        }
        tasks.append((tables, chunk))
    return tasks


def _impact_part(task: tuple[dict, list]) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """(designs, estimates, failures) of a task's ward-years. A ward-year whose computation
    raises is left out, its error in `failures` ((ward, year) -> message), and the task's
    other ward-years are computed one by one: one ward-year never costs the others."""
    from wardstudy.evaluate.design import impact_results

    tables, ward_years = task
    study = SimpleNamespace(**tables)
    try:
        return (*impact_results(study, ward_years), {})
    except Exception:
        if len(ward_years) == 1:
            import traceback

            return pd.DataFrame(), pd.DataFrame(), {tuple(ward_years[0]): traceback.format_exc(limit=-3).strip()}
    parts = [_impact_part((tables, [wy])) for wy in ward_years]
    return (_concat([d for d, _, _ in parts], DESIGN_COLUMNS), _concat([e for _, e, _ in parts], STORED_ESTIMATE_COLUMNS),
            {wy: message for _, _, failed in parts for wy, message in failed.items()})


class ImpactError(RuntimeError):
    """Some ward-years' impact results could not be computed (the others were, and are cached).

    failures: (ward, year) -> the error's last lines."""

    def __init__(self, failures: dict):
        self.failures = dict(failures)
        names = ", ".join(f"{w} {y}" for w, y in sorted(self.failures))
        first = next(iter(self.failures.values())).splitlines()[-1]
        super().__init__(f"the impact results of {names} could not be computed ({first})")


def _fresh(folder: Path, inputs: str, impact: bool = False) -> Build | None:
    """The finished build in `folder` when its key is `inputs` (and it has the impact
    results, when asked), else None."""
    try:
        build = Build.open(folder)
    except (FileNotFoundError, NotADirectoryError, json.JSONDecodeError, KeyError):
        return None
    if build.manifest.get("inputs") != inputs or (impact and not build.manifest.get("impact")):
        return None
    return build


def _used(folder: Path) -> None:
    """Mark a build as just used (its folder's time), so pruning keeps it."""
    try:
        os.utime(folder)
    except OSError:  # a read-only cache: nothing to prune there either
        pass


@contextmanager
def _locked(home: Path, wait: bool = True):
    """Hold the lock of a data folder's builds (``fcntl.flock`` on ``<home>/.lock``): yields
    True, or False at once when `wait` is False and another process holds it.

    Another process waiting for it says so on stderr. The lock ends with its process (even
    killed), so a killed build never blocks the next. Where ``fcntl`` is missing (Windows)
    nothing is locked.
    """
    home.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:
        yield True
        return
    with open(home / LOCK_NAME, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                yield False
                return
            _say(f"another process is making the build in {home}; waiting for it")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_build(data_dir: Path | str | None = None, study: StudyData | None = None,
                 force: bool = False, impact=False, jobs: int | None = None) -> Build:
    """The up-to-date build of `data_dir`: reused when its key is unchanged, else made.

    impact: True for every impact result of the build (the whole tables, `add_impact`), or
    a list of (ward, year) for those ward-years only (`impact_tables`: one province costs
    its own wards and their donors); either way made once and cached, over `jobs` processes
    (default the number of cores). False: none now; `Build.read` computes those it is asked
    for. Making or completing a build holds the data folder's lock, so two processes never
    build it at once (the second reuses the first's build), and is followed by pruning its
    older builds (`KEEP_BUILDS` kept). Raises `data.DataError` (every problem at once) when
    the data cannot be loaded. `study`: the data already loaded and checked.
    """
    home = builds_home(data_dir)
    inputs = input_hash(data_dir)
    folder = build_folder(data_dir, inputs)
    whole = impact is True
    if not force and (build := _fresh(folder, inputs, whole)) is not None:
        _used(folder)
    else:
        with _locked(home):
            # Checked again: another process may have made it while this one waited.
            build = None if force else _fresh(folder, inputs)
            if build is None:
                build = _make(data_dir, study, folder, inputs)
            if whole and not build.manifest.get("impact"):
                build = add_impact(build, jobs)
            _used(folder)
            _prune(home, KEEP_BUILDS)
    if impact and not whole:  # ward-years computed once each, outside the lock (each file atomic)
        impact_tables(build, list(impact), jobs)
    return build


def _make(data_dir, study: StudyData | None, folder: Path, inputs: str) -> Build:
    start = time.perf_counter()
    _say(f"making the study build of {resolve_data_dir(data_dir)}: the data checked, then every indicator, "
         f"comparison and rank (about a minute on the national panel)")
    study = load(data_dir) if study is None else study
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=folder.parent))
    try:
        make_build(study, staging, inputs)
        old = folder.with_name(f".old-{folder.name}-{os.getpid()}")
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
    _say(f"study build made in {time.perf_counter() - start:.0f} s: {folder}")
    return Build.open(folder)


def _prune(home: Path, keep: int) -> list[Path]:
    """Remove all but the `keep` most recently used builds in `home` (none used in the last
    `RECENT_USE_SECONDS`), and what killed processes or the earlier one-build-per-folder
    layout left there. The caller holds the lock of `home`, so no build is being made there."""
    builds, removed, old_layout = [], [], []
    for entry in home.iterdir():
        if entry.name == LOCK_NAME:
            continue
        if entry.is_dir() and not entry.name.startswith(".") and (entry / "manifest.json").is_file():
            builds.append(entry)
        elif entry.is_dir():  # a half-made or half-removed build
            removed.append(entry)
        else:  # a table or the manifest of a build of the earlier layout, made in `home` itself
            old_layout.append(entry)
    builds.sort(key=lambda b: b.stat().st_mtime_ns, reverse=True)
    now = time.time()
    removed += [b for b in builds[keep:] if now - b.stat().st_mtime >= RECENT_USE_SECONDS]
    for entry in removed:
        shutil.rmtree(entry, ignore_errors=True)
    for entry in old_layout:
        entry.unlink(missing_ok=True)
    return removed + ([home] if old_layout else [])


def _data_dir_of(home: Path) -> Path | None:
    """The data folder a folder of builds belongs to, as its newest manifest says."""
    manifests = sorted(home.glob("*/manifest.json"), key=lambda m: m.stat().st_mtime_ns, reverse=True)
    for manifest in manifests + [home / "manifest.json"]:  # (the old layout: a build in the folder itself)
        try:
            return Path(json.loads(manifest.read_text(encoding="utf-8"))["data_dir"])
        except (OSError, ValueError, KeyError):
            continue
    return None


def prune_builds(data_dir: Path | str | None = None, keep: int = KEEP_BUILDS, every: bool = False) -> list[Path]:
    """Remove old builds; return what was removed.

    Keeps the `keep` most recently used builds of `data_dir` (of every data folder in the
    cache when `every`; then the builds of a data folder that no longer exists go too, and
    what the earlier layout of the cache left at its top). A data folder being built by
    another process is left alone.
    """
    if not every:
        home = builds_home(data_dir)
        if not home.is_dir():
            return []
        with _locked(home, wait=False) as mine:
            return _prune(home, keep) if mine else []
    cache = paths.build_cache_dir()
    removed = []
    for entry in sorted(cache.iterdir()) if cache.is_dir() else []:
        if entry.name.startswith("."):
            # A half-made build of the earlier layout (".<folder>.<random>", ".<folder>.old-<pid>"),
            # left by a killed process: an hour old, it is no one's.
            if entry.is_dir() and time.time() - entry.stat().st_mtime > 3600:
                shutil.rmtree(entry, ignore_errors=True)
                removed.append(entry)
            continue
        if not entry.is_dir():
            continue
        with _locked(entry, wait=False) as mine:
            if not mine:
                continue
            data = _data_dir_of(entry)
            if data is None or not data.is_dir():
                removed.append(entry)
                shutil.rmtree(entry, ignore_errors=True)
            else:
                removed += _prune(entry, keep)
    return removed
