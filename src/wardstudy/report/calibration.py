"""Notes that are true where they sit: when a page may say that the simulated data were
calibrated to the published figures, and a published figure on its own scale.

The shipped generator (`data.synthetic`) makes Đức Xuân's 2023 figures equal the published
ones. That is a fact about one folder, not about every folder marked synthetic: a copy with
one of those values changed no longer matches, and a folder of real records (no `synthetic`
column, or False) was never calibrated. So a page says "calibrated" only when the data are
synthetic AND the reconciliation of the build shows every published figure of the calibrated
ward-year matched; a "✓ matches because calibrated" sits only on those rows.
"""

from __future__ import annotations

import re

import pandas as pd

from wardstudy.data.synthetic import CALIBRATED_WARD, CALIBRATED_YEAR

__all__ = ["calibration_holds", "data_calibrated", "is_calibrated_row", "published_fraction"]


def calibration_holds(reconciled: pd.DataFrame | None, is_synthetic: bool) -> bool:
    """True when the data are synthetic and every published figure of the calibrated ward-year
    (Đức Xuân, 2023) is matched by the recomputed one in `reconciled` (`indicators.reconcile`).

    >>> rec = pd.DataFrame({"ward": ["duc-xuan", "duc-xuan"], "year": [2023, 2023], "matches": [True, True]})
    >>> calibration_holds(rec, True), calibration_holds(rec, False)
    (True, False)
    >>> calibration_holds(rec.assign(matches=[True, False]), True), calibration_holds(rec.iloc[:0], True)
    (False, False)
    """
    if not is_synthetic or reconciled is None or reconciled.empty:
        return False
    cell = reconciled[(reconciled["ward"] == CALIBRATED_WARD) & (reconciled["year"].astype(int) == CALIBRATED_YEAR)]
    return len(cell) > 0 and bool(cell["matches"].fillna(False).astype(bool).all())


def data_calibrated(page) -> bool:
    """`calibration_holds` for a ward report or the programme report (duck-typed: is_synthetic
    and either `build.read("reconciled")` or `reconciled`, the whole build's table)."""
    if not getattr(page, "is_synthetic", False):
        return False
    build = getattr(page, "build", None)
    reconciled = None
    if build is not None and hasattr(build, "read"):
        try:
            reconciled = build.read("reconciled")
        except (ValueError, OSError):
            reconciled = None
    if reconciled is None:
        reconciled = getattr(page, "reconciled", None)
    return calibration_holds(reconciled, True)


def is_calibrated_row(ward: str, year: int, matches: bool, calibrated: bool) -> bool:
    """Whether a published figure's "matches" follows from the calibration: it matches, the
    data are calibrated, and it is a figure of the calibrated ward-year (another ward's match
    on simulated data is a coincidence of the generator, not a calibration).

    >>> is_calibrated_row("duc-xuan", 2023, True, True), is_calibrated_row("xuat-hoa", 2023, True, True)
    (True, False)
    """
    return bool(matches) and calibrated and ward == CALIBRATED_WARD and int(year) == CALIBRATED_YEAR


FRACTION = re.compile(r"^\s*(\d+)\s*/\s*(\d+)")


def published_fraction(as_published, value=None) -> tuple[int, int] | None:
    """A published criteria score on its own scale, (met, of), read from the figure as written
    ("19/20 tiêu chí" on the 20-criterion scheme of 2024 is 19 of 20, not 21 of 22); None when
    the text gives no fraction.

    >>> published_fraction("19/20 tiêu chí (tiêu chí số 6 trụ sở chưa đạt)"), published_fraction("100%")
    ((19, 20), None)
    """
    if as_published is None or (isinstance(as_published, float) and pd.isna(as_published)):
        return None
    m = FRACTION.match(str(as_published))
    if not m or int(m.group(2)) == 0:
        return None
    return int(m.group(1)), int(m.group(2))
