"""A table's header row as a person types it: matched to the schema's column ids, checked.

People retype headers: "Solved", "on time", "Criterion ID", "ward " all mean a column of a
schema. `canonical` maps such a header to its id (case, accents, spaces, hyphens and
underscores do not matter), so a column is never dropped for its spelling. `header_problems`
names what cannot be read as a table at all: two columns with one header (which value is
meant?), and a column holding values under an empty header (whose values are they?).

>>> canonical("Solved"), canonical(" On-time "), canonical("Ghi chú")
('solved', 'on_time', 'Ghi chú')
"""

from __future__ import annotations

import re

from wardstudy.data.names import strip_diacritics
from wardstudy.data.schemas import TABLES

__all__ = ["KNOWN_COLUMNS", "header_key", "canonical", "header_problems", "record_columns_in"]

KNOWN_COLUMNS = frozenset(column for table in TABLES.values() for column in table.columns)


def header_key(text: str) -> str:
    """The matching key of a header or sheet name: lower case, no diacritics, words joined by "_".

    >>> header_key("  Criterion ID"), header_key("Tin báo")
    ('criterion_id', 'tin_bao')
    """
    return re.sub(r"[\s_\-]+", "_", strip_diacritics(str(text)).lower()).strip("_")


_BY_KEY = {header_key(column): column for column in KNOWN_COLUMNS}


def canonical(header: str | None) -> str | None:
    """The schema's id for a header that spells one differently; any other header unchanged."""
    if header is None:
        return None
    text = str(header).strip().lstrip("\ufeff")
    if not text:
        return None
    return _BY_KEY.get(header_key(text), text)


def record_columns_in(header) -> list[str]:
    """The record tables' key columns a header row holds (ward, month, year, ...): what marks
    a sheet or file as holding records whatever its name."""
    keys = {"ward", "month", "year", "category", "criterion_id"}
    return [c for c in (canonical(h) for h in header) if c in keys]


def header_problems(header: list, filled_columns: dict[int, int], where: str, letter) -> list[str]:
    """What makes a header row unreadable, as rule texts (without the file name).

    header: the header cells, canonical; filled_columns: position -> first row with a value
    in that column; where: 'row 1' or 'row 1 of sheet "tips"'; letter: position -> the
    column's name in messages ("C" in a workbook, "3" in a CSV file).

    >>> header_problems(["ward", "count", "count", None], {3: 5}, "row 1", lambda i: "ABCD"[i])
    ['columns B and C both have the header "count" (row 1): keep one, or name each for its column', \
'column D holds values (from row 5) but has no header in row 1: write its column id, or delete the column']
    """
    problems, seen = [], {}
    for position, name in enumerate(header):
        if name is None:
            continue
        if name in seen:
            problems.append(f'columns {letter(seen[name])} and {letter(position)} both have the header "{name}" '
                            f"({where}): keep one, or name each for its column")
        else:
            seen[name] = position
    for position, first in sorted(filled_columns.items()):
        if position >= len(header) or header[position] is None:
            problems.append(f"column {letter(position)} holds values (from row {first}) but has no header in "
                            f"{where}: write its column id, or delete the column")
    return problems
