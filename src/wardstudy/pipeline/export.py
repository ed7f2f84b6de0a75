"""Write the indicator export (``reports/indicators.csv``), never half-written.

The export contract (DESIGN.md): one row per ward, year and indicator, with columns
``ward, year, indicator, value, numerator, denominator, ci_low, ci_high``; shares as
fractions 0-1; blank where a column does not apply; ``ward`` is the unit's slug.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from wardstudy.data.contract import CONTRACT_COLUMNS
from wardstudy.files import atomic_write_text

__all__ = ["indicators_csv_text", "write_indicators"]

# Ten significant digits: exact for counts, and far below any published precision for shares.
FLOAT_FORMAT = "%.10g"


def indicators_csv_text(indicators: pd.DataFrame) -> str:
    """The export's CSV text: contract columns, UTF-8, LF, blanks for NaN."""
    return indicators[CONTRACT_COLUMNS].to_csv(index=False, lineterminator="\n", na_rep="",
                                               float_format=FLOAT_FORMAT)


def write_indicators(build, out: Path) -> Path:
    """Write the indicators of a study build (`pipeline.build.Build`) to `out` atomically."""
    return atomic_write_text(out, indicators_csv_text(build.read("indicators")))
