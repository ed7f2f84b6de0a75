"""Shared test fixtures."""

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

# Hypothesis: reproducible examples on CI (set CI to anything), the usual random search otherwise.
# No deadline in either: the first example of a test pays for imports and caches.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

# Study builds made by the tests (and by the notebooks they run, which inherit the
# environment) go to a folder of this session, not the project's own cache.
os.environ.setdefault("WARDSTUDY_BUILD_DIR", tempfile.mkdtemp(prefix="wardstudy-build-"))

# ../shared/benchmarks relative to the project root: public data with published results,
# read in place and never copied into the repository.
BENCHMARKS_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "benchmarks"


@pytest.fixture(scope="session")
def benchmarks_dir() -> Path:
    """The benchmark folder; skips the test when it is absent (e.g. outside the workspace)."""
    if not BENCHMARKS_DIR.is_dir():
        pytest.skip(reason=f"benchmark data not found at {BENCHMARKS_DIR}")
    return BENCHMARKS_DIR


@pytest.fixture(scope="session")
def study():
    """The shipped data (reference tables and the synthetic panel), loaded once."""
    from wardstudy import data

    return data.load()


@pytest.fixture(scope="session")
def page_text():
    """The visible text of an HTML page, tags removed and spaces collapsed (figures are PNGs)."""
    import html
    import re

    def read(path) -> str:
        text = re.sub(r"<style.*?</style>|<script.*?</script>", "", Path(path).read_text(encoding="utf-8"),
                      flags=re.S)
        return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())

    return read


# ---------------------------------------------------------------- browser tests (tests/test_browser.py)

# Debian's Chromium, driven by playwright (no browser can be downloaded here); `make browser`,
# which `make test` runs first, installs it when it is missing. WARDSTUDY_CHROMIUM points elsewhere.
CHROMIUM = Path(os.environ.get("WARDSTUDY_CHROMIUM", "/usr/bin/chromium"))
# Headless, no sandbox (CI runs as root), and none of Chromium's own background connections.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# A unit name that would run script, close the <title> or load an image if pasted into a page unescaped.
INJECTED_NAME = ('Xuất Hóa </title><script>window.__wsInjected=1</script>'
                 '<img src=x onerror="window.__wsInjected=2">')


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the whole session (playwright starts it with a fresh profile)."""
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make browser` (run by `make test`) installs Debian's "
                    f"chromium, or set WARDSTUDY_CHROMIUM to a Chromium binary", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def rendered_run(tmp_path_factory):
    """One `wardstudy run` whose pages the browser tests open: Đức Xuân on the shipped data,
    Xuất Hóa on a copy of the data where its name is `INJECTED_NAME`, and a params file
    naming no known unit (a failed ward on the index). Returns (out dir, completed process).
    """
    import csv
    import json
    import shutil
    import subprocess
    import sys

    from wardstudy import paths

    root = tmp_path_factory.mktemp("browser-run")
    data_dir, params_dir, out = root / "data", root / "params", root / "out"
    shutil.copytree(paths.synthetic_dir(), data_dir)
    with open(paths.reference_dir() / "units.csv", encoding="utf-8", newline="") as handle:
        units = list(csv.DictReader(handle))
    assert any(u["slug"] == "xuat-hoa" for u in units)
    for unit in units:
        if unit["slug"] == "xuat-hoa":
            unit["name"] = INJECTED_NAME
    with open(data_dir / "units.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(units[0]))
        writer.writeheader()
        writer.writerows(units)
    params_dir.mkdir()
    shutil.copy(paths.params_dir() / "duc-xuan.yaml", params_dir)
    (params_dir / "xuat-hoa.yaml").write_text(f"ward: xuat-hoa\nyear: 2024\ndata_dir: {json.dumps(str(data_dir))}\n",
                                              encoding="utf-8")
    (params_dir / "nowhere.yaml").write_text("ward: nowhere\nyear: 2024\n", encoding="utf-8")
    proc = subprocess.run([str(Path(sys.executable).parent / "wardstudy"), "run", "--params-dir", str(params_dir),
                           "--out", str(out), "--jobs", "2"], cwd=root, capture_output=True, text=True, timeout=1800)
    assert (out / "index.html").exists(), proc.stdout + proc.stderr
    return out, proc


@pytest.fixture(scope="session")
def injected_name() -> str:
    """The hostile unit name of `rendered_run` (Xuất Hóa's)."""
    return INJECTED_NAME
