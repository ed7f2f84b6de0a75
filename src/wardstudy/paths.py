"""Where the project's files are, found from the package itself, never from the cwd.

The package is installed in editable mode from the repository (``make`` does this),
so the repository root is two levels above this file's folder. ``WARDSTUDY_ROOT``
overrides it for an installed copy that lives elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["project_root", "data_dir", "reference_dir", "synthetic_dir", "params_dir",
           "notebooks_dir", "reports_dir", "build_cache_dir"]


def project_root() -> Path:
    """The repository root: the folder holding ``pyproject.toml``."""
    override = os.environ.get("WARDSTUDY_ROOT")
    if override:
        return Path(override).resolve()
    return Path(__file__).resolve().parents[2]


def data_dir() -> Path:
    return project_root() / "data"


def reference_dir() -> Path:
    """Real, sourced reference tables: units, programme cohorts, criteria register, published figures."""
    return data_dir() / "reference"


def synthetic_dir() -> Path:
    """The shipped illustrative synthetic panel (monthly records). Not observations."""
    return data_dir() / "synthetic"


def params_dir() -> Path:
    return project_root() / "params"


def notebooks_dir() -> Path:
    return project_root() / "notebooks"


def reports_dir() -> Path:
    return project_root() / "reports"


def build_cache_dir() -> Path:
    """Where study builds are cached: ``.wardstudy-build/`` at the root, or
    ``WARDSTUDY_BUILD_DIR`` (the tests point it at a temporary folder)."""
    override = os.environ.get("WARDSTUDY_BUILD_DIR")
    return Path(override).resolve() if override else project_root() / ".wardstudy-build"
