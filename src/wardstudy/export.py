"""Write the indicator export (``reports/indicators.csv``), never half-written.

The export contract (DESIGN.md): one row per ward, year and indicator, with columns
``ward, year, indicator, value, numerator, denominator, ci_low, ci_high``; shares as
fractions 0-1; blank where a column does not apply; ``ward`` is the unit's slug.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from wardstudy.indicators import CONTRACT_COLUMNS, all_indicators

__all__ = ["atomic_write_text", "indicators_csv_text", "write_indicators"]

# Ten significant digits: exact for counts, and far below any published precision for shares.
FLOAT_FORMAT = "%.10g"


def atomic_write_text(path: Path, text: str) -> Path:
    """Write `text` to `path` through a temporary file in the same folder, then rename.

    A reader (or a crash) never sees a half-written file: the old file stays until the
    new one is complete.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def indicators_csv_text(indicators: pd.DataFrame) -> str:
    """The export's CSV text: contract columns, UTF-8, LF, blanks for NaN."""
    return indicators[CONTRACT_COLUMNS].to_csv(index=False, lineterminator="\n", na_rep="",
                                               float_format=FLOAT_FORMAT)


def write_indicators(data, out: Path) -> Path:
    """Compute every indicator of `data` (a `StudyData`) and write them to `out` atomically."""
    return atomic_write_text(out, indicators_csv_text(all_indicators(data)))
