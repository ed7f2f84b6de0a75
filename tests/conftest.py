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
