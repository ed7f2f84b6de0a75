"""The study build: everything a report shows, computed once per run and cached on disk.

A build loads and checks the data once, then computes every indicator of the export
contract, every same-period comparison, every ward's values against each baseline year
ranked among its peers, the criteria not met and the published figures beside the
recomputed ones; and, once a report needs them (`add_impact`), the impact results of
every programme ward with what each design could have detected. It writes them as
parquet files, with a manifest of its key and the libraries' versions, into
``.wardstudy-build/<data folder>/<key>/`` at the project root (`paths.build_cache_dir`).

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
from importlib import metadata
from pathlib import Path

import pandas as pd

from wardstudy import paths
from wardstudy.data import StudyData, load, resolve_data_dir
from wardstudy.data.crosswalk import FROM_PREDECESSORS, full_year_units, with_successor_series
from wardstudy.data.schemes import DEFAULT_SCHEME, scheme_sizes
from wardstudy.files import atomic_write_text, sha256_files

__all__ = ["BUILD_FORMAT", "COMPUTE_SOURCE", "COMPUTING_LIBRARIES", "KEEP_BUILDS", "Build", "builds_home",
           "build_folder", "input_hash", "source_hash", "library_versions", "ensure_build", "make_build",
           "add_impact", "prune_builds"]

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
LOCK_NAME = ".lock"


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


def _installed(name: str) -> tuple[str, list[str]]:
    """The installed version of distribution `name` and its requirements (metadata of the
    environment this process runs in)."""
    try:
        dist = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return "not installed", []
    return dist.version, list(dist.requires or [])


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

        from wardstudy.workers import die_with_parent

        # spawn, as the batch does: a clean interpreter, never a fork of this process's state;
        # each process dies with this one (kill -9 of a run during its build leaves none).
        with ProcessPoolExecutor(max_workers=min(len(tasks), jobs), mp_context=get_context("spawn"),
                                 initializer=die_with_parent, initargs=(os.getpid(),)) as pool:
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
            print(f"wardstudy: another process is making the build in {home}; waiting for it", file=sys.stderr)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_build(data_dir: Path | str | None = None, study: StudyData | None = None,
                 force: bool = False, impact: bool = False, jobs: int | None = None) -> Build:
    """The up-to-date build of `data_dir`: reused when its key is unchanged, else made.

    impact: also the impact results (what a ward's report needs; `add_impact`), made once
    and then reused like the rest (over `jobs` processes, default the number of cores).
    Making or completing a build holds the data folder's lock, so two processes never build
    it at once (the second reuses the first's build), and is followed by pruning its older
    builds (`KEEP_BUILDS` kept). Raises `data.DataError` (every problem at once) when the
    data cannot be loaded. `study`: the data already loaded and checked.
    """
    home = builds_home(data_dir)
    inputs = input_hash(data_dir)
    folder = build_folder(data_dir, inputs)
    if not force and (build := _fresh(folder, inputs, impact)) is not None:
        _used(folder)
        return build
    with _locked(home):
        # Checked again: another process may have made it while this one waited.
        build = None if force else _fresh(folder, inputs)
        if build is None:
            build = _make(data_dir, study, folder, inputs)
        if impact and not build.manifest.get("impact"):
            build = add_impact(build, jobs)
        _used(folder)
        _prune(home, KEEP_BUILDS)
    return build


def _make(data_dir, study: StudyData | None, folder: Path, inputs: str) -> Build:
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
    return Build.open(folder)


def _prune(home: Path, keep: int) -> list[Path]:
    """Remove all but the `keep` most recently used builds in `home`, and what killed
    processes or the earlier one-build-per-folder layout left there. The caller holds the lock
    of `home`, so no build is being made there."""
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
    removed += builds[keep:]
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
