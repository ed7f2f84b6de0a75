"""Cache keys that mean "same numbers": the study build is keyed by the data, the computing
layers and the computing libraries; the pages' fingerprint also by the report layer, the
templates, the notebook and the page libraries. One process builds a data folder at a time,
and old builds are pruned."""

import json
import os
import shutil
import sys
import threading
import time

import pytest

from wardstudy import paths
from wardstudy.pipeline import batch, build

NOTEBOOK = paths.notebooks_dir() / "ward_report.ipynb"
PARAMETERS = {"ward": "duc-xuan", "year": 2023, "baseline_year": 2022, "data_dir": None}


class KeyedBuild:
    """What `batch.fingerprint` reads of a build: its key."""

    def __init__(self, inputs: str):
        self.manifest = {"inputs": inputs}


def keys():
    """(the build's key, a page's fingerprint) for the shipped data and the current source."""
    key = build.input_hash(None)
    return key, batch.fingerprint(NOTEBOOK, PARAMETERS, KeyedBuild(key))


@pytest.fixture
def package(tmp_path, monkeypatch):
    """A copy of the package's source, hashed in place of the real one."""
    copy = tmp_path / "wardstudy"
    shutil.copytree(build.PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(build, "PACKAGE_DIR", copy)
    return copy


@pytest.fixture
def upgrade(monkeypatch):
    """upgrade(name, version): pretend `name` is installed at `version` from now on, as in a
    process started after ``pip install`` (versions are read once per process)."""
    pretended = {}
    real = build._installed

    def installed(name):
        version, requires = real(name)
        return pretended.get(name, version), requires

    def upgrade_(name, version):
        pretended[name] = version
        build.library_versions.cache_clear()

    monkeypatch.setattr(build, "_installed", installed)
    build.library_versions.cache_clear()
    yield upgrade_
    build.library_versions.cache_clear()


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_wording_edit_reruns_the_pages_and_never_the_build(package):
    key, page = keys()
    edit(package / "report" / "wording.py", "Tóm tắt", "Tóm lược")
    assert keys() == (key, keys()[1]) and keys()[1] != page


def test_a_template_edit_reruns_the_pages_and_never_the_build(package):
    key, page = keys()
    edit(package / "report" / "templates" / "index_filter.js", "function", "function /* edited */")
    new_key, new_page = keys()
    assert new_key == key and new_page != page


def test_an_edit_in_a_computing_layer_reruns_the_build_and_the_pages(package):
    key, page = keys()
    with open(package / "evaluate" / "did.py", "a", encoding="utf-8") as handle:
        handle.write("\n# a changed estimator\n")
    new_key, _ = keys()
    assert new_key != key
    # The build's new key is in the page's fingerprint (the page reads the new numbers).
    assert batch.fingerprint(NOTEBOOK, PARAMETERS, KeyedBuild(new_key)) != page


def test_the_key_keeps_the_datas_hash_first(package):
    # The index shows the key's first characters as the data's version: a source edit leaves them.
    key, _ = keys()
    edit(package / "indicators" / "compute.py", "def ", "def  ")
    assert build.input_hash(None)[:64] == key[:64] and build.input_hash(None) != key


def test_a_computing_library_upgrade_reruns_the_build_and_the_pages(upgrade):
    key, page = keys()
    upgrade("scipy", "99.0")
    new_key, new_page = keys()
    assert new_key != key and new_page != page


def test_a_library_required_by_a_computing_one_counts_too(upgrade):
    # patsy and formulaic come with statsmodels; tzdata and python-dateutil with pandas.
    names = dict(build.library_versions(build.COMPUTING_LIBRARIES))
    assert {"statsmodels", "patsy", "python-dateutil", "tzdata", "python"} <= set(names)
    key, _ = keys()
    upgrade("tzdata", "1999.1")
    assert keys()[0] != key


def test_a_plotting_library_upgrade_reruns_the_pages_only(upgrade):
    key, page = keys()
    upgrade("matplotlib", "99.0")
    new_key, new_page = keys()
    assert new_key == key and new_page != page


def test_the_build_key_covers_every_module_and_library_the_build_imports():
    # The import graph (what import-linter reads): every module of ours that the build can
    # reach is hashed into its key, every third-party package it imports is a computing library.
    grimp = pytest.importorskip("grimp")
    graph = grimp.build_graph("wardstudy", include_external_packages=True)
    reached = graph.find_upstream_modules("wardstudy.pipeline.build") | {"wardstudy.pipeline.build"}
    hashed = {f.relative_to(build.PACKAGE_DIR).as_posix() for f in build.source_files(build.COMPUTE_SOURCE)}
    # How processes are run, how the key is computed and how progress is shown (tqdm): not
    # what the numbers are.
    not_computing = {"wardstudy.workers", "packaging", "tqdm"}
    ours = {m for m in reached if m.split(".")[0] == "wardstudy"} - not_computing
    for module in ours:
        relative = module.removeprefix("wardstudy.").replace(".", "/")
        assert f"{relative}.py" in hashed or f"{relative}/__init__.py" in hashed, module
    libraries = {m.split(".")[0] for m in reached} - {"wardstudy", "__future__"} - set(sys.stdlib_module_names)
    assert libraries - not_computing <= set(build.COMPUTING_LIBRARIES), libraries


def test_the_build_manifest_names_the_library_versions(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(paths.synthetic_dir(), data)
    made = build.ensure_build(data)
    from importlib.metadata import version

    assert made.manifest["libraries"]["scipy"] == version("scipy")
    assert made.path.parent == build.builds_home(data)


# ---------------------------------------------------------------- one builder at a time, old builds pruned

def fake_make(calls, seconds=0.0):
    """A stand-in for `build._make`: a build folder with a manifest only, made in `seconds`."""

    def make(data_dir, study, folder, inputs):
        calls.append((time.monotonic(), inputs))
        time.sleep(seconds)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "manifest.json").write_text(json.dumps({"inputs": inputs, "data_dir": str(data_dir),
                                                          "impact": False}), encoding="utf-8")
        calls.append((time.monotonic(), inputs))
        return build.Build.open(folder)

    return make


@pytest.fixture
def data(tmp_path, monkeypatch):
    """A data folder of its own, and a cache of its own."""
    monkeypatch.setenv("WARDSTUDY_BUILD_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "data"
    shutil.copytree(paths.synthetic_dir(), folder)
    return folder


def test_two_processes_never_build_the_same_folder_at_once(data, monkeypatch):
    # flock locks an open file, not a process: two threads here exclude each other as two
    # processes would. The second waits for the first, then reuses its build.
    calls = []
    monkeypatch.setattr(build, "_make", fake_make(calls, seconds=1.0))
    made = []
    threads = [threading.Thread(target=lambda: made.append(build.ensure_build(data))) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(made) == 2 and made[0].path == made[1].path
    assert len(calls) == 2, "built twice"   # one start, one end


def test_a_build_waits_for_the_lock_another_process_holds(data, monkeypatch):
    calls = []
    monkeypatch.setattr(build, "_make", fake_make(calls))
    home = build.builds_home(data)
    done = threading.Event()
    with build._locked(home):
        waiting = threading.Thread(target=lambda: (build.ensure_build(data), done.set()))
        waiting.start()
        assert not done.wait(timeout=1.0) and calls == []
    waiting.join(timeout=60)
    assert done.is_set() and len(calls) == 2


def test_only_the_latest_builds_of_a_data_folder_are_kept(data, monkeypatch):
    monkeypatch.setattr(build, "RECENT_USE_SECONDS", 0.0)  # every build beyond the kept ones is old
    calls = []
    monkeypatch.setattr(build, "_make", fake_make(calls))
    keys = iter(f"key-{i}" for i in range(6))
    monkeypatch.setattr(build, "input_hash", lambda data_dir: next(keys))
    home = build.builds_home(data)
    home.mkdir(parents=True)
    (home / ".staging-left-by-a-killed-build").mkdir()
    (home / "crimes.parquet").write_bytes(b"the earlier layout")
    made = []
    for _ in range(5):
        made.append(build.ensure_build(data))
        time.sleep(0.01)   # distinct folder times
    left = sorted(p.name for p in home.iterdir())
    assert left == sorted([".lock"] + [b.path.name for b in made[-build.KEEP_BUILDS:]])


def test_a_build_used_within_the_hour_is_never_pruned(data, monkeypatch):
    # A long run reads its build while edits to the source make newer ones: more than
    # KEEP_BUILDS newer builds must not take it away from under the run.
    calls = []
    monkeypatch.setattr(build, "_make", fake_make(calls))
    keys = iter(f"key-{i}" for i in range(8))
    monkeypatch.setattr(build, "input_hash", lambda data_dir: next(keys))
    in_use = build.ensure_build(data)
    os.utime(in_use.path, (time.time() - build.RECENT_USE_SECONDS + 60,) * 2)     # used 59 min ago
    stale = build.ensure_build(data)
    os.utime(stale.path, (time.time() - build.RECENT_USE_SECONDS - 60,) * 2)      # used 61 min ago
    for _ in range(build.KEEP_BUILDS + 1):
        build.ensure_build(data)
    assert in_use.path.exists() and not stale.path.exists()


def test_a_reused_build_counts_as_recent(data, monkeypatch):
    monkeypatch.setattr(build, "RECENT_USE_SECONDS", 0.0)  # every build beyond the kept ones is old
    calls = []
    monkeypatch.setattr(build, "_make", fake_make(calls))
    key = {"now": "key-0"}
    monkeypatch.setattr(build, "input_hash", lambda data_dir: key["now"])
    first = build.ensure_build(data)
    for i in range(1, 3):
        key["now"] = f"key-{i}"
        build.ensure_build(data)
        time.sleep(0.01)
    key["now"] = "key-0"                  # back to the first: reused, so the newest
    assert build.ensure_build(data).path == first.path and len(calls) == 6
    time.sleep(0.01)
    key["now"] = "key-3"
    build.ensure_build(data)
    assert first.path.exists() and not build.build_folder(data, "key-1").exists()


def test_wardstudy_build_prune_removes_old_builds_and_those_of_vanished_data(data, monkeypatch, tmp_path):
    from typer.testing import CliRunner

    from wardstudy.cli import app

    calls = []
    monkeypatch.setattr(build, "_make", fake_make(calls))
    gone = tmp_path / "gone"
    shutil.copytree(paths.synthetic_dir(), gone)
    vanished = build.ensure_build(gone)
    shutil.rmtree(gone)
    kept = build.ensure_build(data)
    # More builds than kept, used before it, left by another version (which did not prune).
    for i in range(4):
        extra = build.builds_home(data) / f"old{i}"
        extra.mkdir()
        (extra / "manifest.json").write_text(json.dumps({"inputs": f"x{i}", "data_dir": str(data)}))
        os.utime(extra, (time.time() - build.RECENT_USE_SECONDS - 100 * (i + 1),) * 2)
    result = CliRunner().invoke(app, ["build", "--prune"])
    assert result.exit_code == 0, result.output
    assert not vanished.path.parent.exists()
    assert kept.path.exists()
    assert sorted(p.name for p in build.builds_home(data).iterdir()) == sorted([".lock", kept.path.name, "old0", "old1"])
    assert "3 old build folder(s) removed" in result.output   # two of the extras, the vanished folder
