"""The product as its readers get it: the pages of one `wardstudy run` of the shipped params
(Vietnamese) and of one English run of a few wards, read as text (issue 22, item 8).

Each run is made once for the whole test session, also under pytest-xdist (`make test`):
the first worker that asks makes it under a lock, the others wait and read the same folder
(the pytest-xdist recipe for session data, with the standard library's fcntl).
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from acceptance.reading import read_page

BIN = Path(sys.executable).parent
# The English run: the 2023 model ward, the unit it became in 2025, and a ward of the 2024 cohort.
ENGLISH_WARDS = ("duc-xuan", "duc-xuan-2025", "xuat-hoa")


@dataclass
class Run:
    """The pages of one run: out folder, exit code and output of the command."""

    out: Path
    returncode: int
    output: str
    lang: str

    @property
    def pages(self) -> list[Path]:
        return sorted(self.out.glob("*.html"))

    @property
    def ward_pages(self) -> list[Path]:
        return [p for p in self.pages if p.name not in ("index.html", "programme.html")]


def _shared_folder(tmp_path_factory, worker_id: str) -> Path:
    # WARDSTUDY_ACCEPTANCE_DIR: a folder whose runs are kept and reused (to read the pages of another
    # checkout, or to rerun the suite without rerunning the command); by default a folder of the session.
    if os.environ.get("WARDSTUDY_ACCEPTANCE_DIR"):
        folder = Path(os.environ["WARDSTUDY_ACCEPTANCE_DIR"])
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    base = tmp_path_factory.getbasetemp()
    return base if worker_id == "master" else base.parent


def _run_once(tmp_path_factory, worker_id: str, name: str, args: list[str], lang: str) -> Run:
    root = _shared_folder(tmp_path_factory, worker_id)
    folder = root / f"acceptance-{name}"
    record = folder / "run.json"
    with open(root / f"acceptance-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not record.exists():
            folder.mkdir(exist_ok=True)
            # one study build for both runs (the build does not depend on the language)
            env = dict(os.environ, WARDSTUDY_BUILD_DIR=str(root / "acceptance-build"))
            proc = subprocess.run([str(BIN / "wardstudy"), "run", "--out", str(folder / "out"), *args],
                                  cwd=folder, env=env, capture_output=True, text=True, timeout=1800)
            record.write_text(json.dumps({"returncode": proc.returncode, "output": proc.stdout + proc.stderr}),
                              encoding="utf-8")
    saved = json.loads(record.read_text(encoding="utf-8"))
    return Run(folder / "out", saved["returncode"], saved["output"], lang)


@pytest.fixture(scope="session")
def vi_run(tmp_path_factory, worker_id) -> Run:
    """`wardstudy run` of every shipped params file, as `make reports` runs it."""
    return _run_once(tmp_path_factory, worker_id, "vi", ["--jobs", "2"], "vi")


@pytest.fixture(scope="session")
def en_run(tmp_path_factory, worker_id, vi_run) -> Run:
    """`wardstudy run --lang en` of a few wards (after the Vietnamese run, whose build it reuses)."""
    from wardstudy import paths

    # a params folder of these wards (as `make reports` reads params/), so the run writes the overview too
    params = _shared_folder(tmp_path_factory, worker_id) / "acceptance-en-params"
    params.mkdir(exist_ok=True)
    for ward in ENGLISH_WARDS:
        (params / f"{ward}.yaml").write_bytes((paths.params_dir() / f"{ward}.yaml").read_bytes())
    return _run_once(tmp_path_factory, worker_id, "en", ["--lang", "en", "--jobs", "2", "--params-dir", str(params)],
                     "en")


@pytest.fixture(scope="session", params=["vi", "en"])
def run(request) -> Run:
    """Each edition in turn."""
    return request.getfixturevalue(f"{request.param}_run")


@pytest.fixture(scope="session")
def read():
    """read(path) -> Page."""
    return read_page


