"""What an import is given, file by file and sheet by sheet: read, ignored or refused, never dropped.

`read_sources` turns the sources of `wardstudy import` (workbooks, folders, table files) into
`Part`s, one per table per source, and a `Seen` line for every file and sheet it met, so
the summary can say what was read and what was not, and why:

* a workbook (``.xlsx``/``.xlsm``, any case): each sheet named as a record table is read
  (a name that differs only by case, accents or spaces counts: "Tips "); the template's
  ``huong_dan`` and ``danh_muc`` sheets, empty sheets and sheets whose first row holds no
  record column (notes) are ignored; any other sheet holding records ("tips (2)", Excel's
  copy; "Tin báo", a renamed one) is refused, naming it: its rows would otherwise be lost;
* a folder: every file in it and its subfolders, hidden ones and Excel's lock files
  (``~$book.xlsx``) aside: ``<table>.csv``/``.xlsx`` files as that table, workbooks as
  above, ``.xls``/``.ods`` refused with the fix (save as .xlsx), a CSV holding records
  under another name refused, anything else ignored and listed;
* a table file (``tips.csv``) as its table.

Every problem of every source is kept; the caller refuses the import when there is any.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from wardstudy.data.headers import header_key, record_columns_in
from wardstudy.data.messages import say
from wardstudy.data.read import (RECORD_TABLES, REFERENCE_TABLES, DataError, display_path, read_raw,
                                 read_workbook)
from wardstudy.data.schemas import NO_VALUE, Problem

__all__ = ["Part", "Seen", "WORKBOOK_SUFFIXES", "OTHER_SPREADSHEETS", "read_sources", "table_of_name"]

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
# Spreadsheets openpyxl cannot read: refused with the fix rather than skipped.
OTHER_SPREADSHEETS = (".xls", ".ods", ".xlsb", ".numbers", ".fods")
TEMPLATE_SHEETS = ("huong_dan", "danh_muc")  # the template's instructions and lists (data.workbook)


@dataclass
class Part:
    """One table from one source: its raw cells, where they came from, its Excel letters."""

    table: str
    shown: str                      # 'book.xlsx, sheet "tips"' or 'folder/tips.csv'
    raw: pd.DataFrame               # text cells indexed by the row in the file or sheet
    letters: dict[str, str] = field(default_factory=dict)  # column -> Excel letter (workbooks)
    blank: list[tuple[str, str]] = field(default_factory=list)  # (ward, period) of rows left blank

    @property
    def blank_rows(self) -> int:
        return len(self.blank)


@dataclass(frozen=True)
class Seen:
    """One file or sheet an import met, and what it did with it (read, ignored, refused)."""

    shown: str
    status: str      # "read", "ignored" or "refused"
    why: str = ""


def table_of_name(name: str) -> str | None:
    """The record table a sheet or file stem names, whatever its case, accents or spaces.

    >>> table_of_name(" Tips"), table_of_name("criteria-assessments"), table_of_name("tips (2)")
    ('tips', 'criteria_assessments', None)
    """
    key = header_key(name)
    return next((t for t in RECORD_TABLES if t == key), None)


def _label_row(part_table: str, frame: pd.DataFrame) -> bool:
    """Whether the first row of a sheet is a template's row 2 (the Vietnamese labels)."""
    from wardstudy.data.workbook import header_labels

    labels = header_labels(part_table)
    if not len(frame):
        return False
    first = frame.iloc[0]
    return all(first.get(c) in (None, text) for c, text in labels.items()) and \
        any(first.get(c) == text for c, text in labels.items())


def _unknown_columns(shown: str, table: str, frame: pd.DataFrame) -> list[Seen]:
    """A column the table does not have (a note typed beside the figures): listed, not imported."""
    from wardstudy.data.schemas import TABLES

    letters = frame.attrs.get("letters", {})
    return [Seen(f'{shown}, column "{c}"' + (f" ({letters[c]})" if c in letters else ""), "ignored",
                 say("why_unknown_column", table=table))
            for c in frame.columns if c is not None and c not in TABLES[table].columns]


def _stray(shown: str, header, what: str, target: str) -> Problem:
    columns = ", ".join(dict.fromkeys(record_columns_in(header)))
    return Problem(shown, None, None, NO_VALUE, say("stray_records", columns=columns, what=say(what),
                                                    tables=", ".join(RECORD_TABLES), target=target))


def _workbook(path: Path, seen: list[Seen]) -> tuple[list[Part], list[Problem]]:
    """The record sheets of a workbook; every other sheet listed, those holding records refused."""
    shown = display_path(path)
    try:
        sheets = read_workbook(path, skip=TEMPLATE_SHEETS)
    except DataError as err:
        seen.append(Seen(shown, "refused"))
        return [], err.details
    single = table_of_name(path.stem)
    if single is not None and next(iter(sheets), None) not in (None, *TEMPLATE_SHEETS) \
            and table_of_name(next(iter(sheets))) is None:
        # A table saved as a workbook of its own (tips.xlsx): its first sheet is the table.
        title, (frame, trouble) = next(iter(sheets.items()))
        seen.append(Seen(shown, "refused" if trouble else "read", say("why_table_sheet_name", table=single)))
        return ([Part(single, shown, frame, frame.attrs.get("letters", {}))] if not trouble else []), trouble
    parts, problems = [], []
    for title, (frame, trouble) in sheets.items():
        here = say("sheet", file=shown, sheet=title)
        table = table_of_name(title)
        if table is not None:
            if trouble:
                seen.append(Seen(here, "refused"))
                problems += trouble
                continue
            if _label_row(table, frame):
                frame = frame.iloc[1:]  # row 2 of a template: the Vietnamese labels, not a record
            why = "" if title == table else say("why_table_sheet_name", table=table)
            seen.append(Seen(here, "read", why))
            seen += _unknown_columns(here, table, frame)
            parts.append(Part(table, here, frame, frame.attrs.get("letters", {})))
        elif title in TEMPLATE_SHEETS:
            seen.append(Seen(here, "ignored", say("why_template_sheet")))
        elif record_columns_in(frame.columns) and len(frame):
            seen.append(Seen(here, "refused"))
            problems.append(_stray(here, frame.columns, "what_sheet", say("target_any")))
        elif frame.empty and not any(c is not None for c in frame.columns):
            seen.append(Seen(here, "ignored", say("why_empty_sheet")))
        else:
            seen.append(Seen(here, "ignored", say("why_not_records")))
    if not parts and not problems:
        problems.append(Problem(shown, None, None, NO_VALUE, say("no_record_sheet", tables=", ".join(RECORD_TABLES))))
    return parts, problems


def _table_file(path: Path, table: str, seen: list[Seen]) -> tuple[list[Part], list[Problem]]:
    shown = display_path(path)
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        return _workbook(path, seen)
    try:
        frame = read_raw(path)
    except DataError as err:
        seen.append(Seen(shown, "refused"))
        return [], err.details
    seen.append(Seen(shown, "read"))
    seen += _unknown_columns(shown, table, frame)
    return [Part(table, shown, frame)], []


def _other_csv(path: Path, seen: list[Seen]) -> list[Problem]:
    """A CSV not named as a record table: ignored, unless it holds records (then refused)."""
    shown = display_path(path)
    if header_key(path.stem) in REFERENCE_TABLES:
        seen.append(Seen(shown, "ignored", say("why_reference")))
        return []
    try:
        frame = read_raw(path)
    except DataError:
        seen.append(Seen(shown, "ignored", say("why_not_records")))
        return []
    if record_columns_in(frame.columns):
        seen.append(Seen(shown, "refused"))
        return [_stray(shown, frame.columns, "what_file", say("target_any"))]
    seen.append(Seen(shown, "ignored", say("why_not_records")))
    return []


def _file(path: Path, seen: list[Seen], top: bool) -> tuple[list[Part], list[Problem]]:
    """One file met in a source folder (`top`: given by name, so never silently skipped)."""
    shown = display_path(path)
    suffix = path.suffix.lower()
    if path.name.startswith("~$"):
        seen.append(Seen(shown, "ignored", say("why_lock_file")))
        return [], []
    if suffix in OTHER_SPREADSHEETS:
        seen.append(Seen(shown, "refused"))
        return [], [Problem(shown, None, None, NO_VALUE, say("old_format", suffix=suffix))]
    table = table_of_name(path.stem)
    if suffix == ".csv" and table is not None:
        return _table_file(path, table, seen)
    if suffix in WORKBOOK_SUFFIXES:
        return _workbook(path, seen)
    if suffix == ".csv":
        return [], _other_csv(path, seen)
    if top:
        seen.append(Seen(shown, "refused"))
        return [], [Problem(shown, None, None, NO_VALUE, say("not_a_source", tables=", ".join(RECORD_TABLES)))]
    seen.append(Seen(shown, "ignored", say("why_not_table")))
    return [], []


def _folder(folder: Path, seen: list[Seen]) -> tuple[list[Part], list[Problem]]:
    """Every file of a folder and its subfolders, in name order."""
    parts, problems = [], []
    tables: dict[tuple[Path, str], list[Path]] = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).parts
        if any(p.startswith(".") for p in relative):
            if not any(p.startswith(".") for p in relative[:-1]):  # the hidden file or folder itself, once
                seen.append(Seen(display_path(path), "ignored", say("why_hidden")))
            continue
        if not path.is_file():
            continue
        table = table_of_name(path.stem)
        if table is not None and path.suffix.lower() in (".csv", ".xlsx") and not path.name.startswith("~$"):
            tables.setdefault((path.parent, table), []).append(path)
    for (parent, table), files in tables.items():
        if len(files) > 1:
            problems.append(Problem(display_path(parent), None, None, NO_VALUE,
                                    say("ambiguous_files", files=" & ".join(f.name for f in files))))
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or any(p.startswith(".") for p in path.relative_to(folder).parts):
            continue
        found, trouble = _file(path, seen, top=False)
        parts += found
        problems += trouble
    return parts, problems


def read_sources(sources) -> tuple[list[Part], list[Problem], list[Seen]]:
    """Every table part of every source, every problem, and what was done with each file and sheet."""
    parts, problems, seen = [], [], []
    for source in sources:
        path = Path(source)
        if path.is_dir():
            found, trouble = _folder(path, seen)
        elif not path.exists():
            seen.append(Seen(display_path(path), "refused"))
            found, trouble = [], [Problem(display_path(path), None, None, NO_VALUE, say("missing_source"))]
        else:
            found, trouble = _file(path, seen, top=True)
        parts += found
        problems += trouble
    return parts, problems, seen
