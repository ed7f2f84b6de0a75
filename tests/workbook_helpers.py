"""Workbooks filled as an office fills them, for the import tests (on pytest's path: pyproject.toml)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

from wardstudy import data, paths
from wardstudy.data.workbook import make_template


def fill(path: Path, source: Path | None = None, change=None) -> Path:
    """Fill the value cells of template `path` from the tables of `source` (default: the
    shipped panel), as an office would type them; `change(sheet_name, key, column, value)`
    may alter a value. Rows the source lacks stay blank."""
    source = source or paths.synthetic_dir()
    book = load_workbook(path)
    for name in data.RECORD_TABLES:
        sheet = book[name]
        header = [c.value for c in sheet[1]]
        shipped = pd.read_csv(source / f"{name}.csv", dtype=str)
        key = [c for c in ["ward", "month", "year", "category", "criterion_id"] if c in header]
        values = [c for c in header if c not in key and c in shipped.columns]  # optional ones when shipped
        lookup = dict(zip(zip(*(shipped[k] for k in key)), shipped.to_dict("records")))
        for row in sheet.iter_rows(min_row=3):
            cells = dict(zip(header, row))
            record = lookup.get(tuple(str(cells[k].value) for k in key))
            if record is None:
                continue
            for column in values:
                value = int(record[column])
                if change is not None:
                    value = change(name, tuple(str(cells[k].value) for k in key), column, value)
                cells[column].value = value
    book.save(path)
    return path


def one_ward(folder: Path, name: str, change=None) -> Path:
    """A template for Đức Xuân, 2023-01 to 2023-02, filled from the shipped panel."""
    book, _, _ = make_template(folder / name, wards=["duc-xuan"], first="2023-01", last="2023-02")
    return fill(book, change=change)
