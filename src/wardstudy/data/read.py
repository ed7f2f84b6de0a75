"""Find, read and check the input tables; hand them over as one `StudyData`.

Two kinds of table:

* reference tables (``data/reference/``): real and sourced — units, programme cohorts,
  the criteria register, published figures;
* record tables (``data/synthetic/`` by default): monthly ward records behind the
  indicators. The shipped ones are synthetic; point ``data_dir`` at a folder of real
  tables with the same names and columns to use real records. A reference table placed
  in ``data_dir`` overrides the shipped one.

Every table may be a CSV file (``crimes.csv``) or an Excel workbook (``crimes.xlsx``,
first sheet, header in its first non-empty row; formulas and merged cells are refused,
naming the sheet and cell); both in one folder is refused as ambiguous. Text must be UTF-8
(a byte-order mark is fine); anything else is refused with a message naming the encoding
problem rather than read as garbled names. Every table is checked against its schema
(`wardstudy.schemas`) and, once the units are known, against them
(`wardstudy.data.crosscheck`: unique slugs, programme codes, validity dates); `load`
raises one `DataError` listing every problem of every table, so a bad input never
reaches a report.

>>> study = load()                       # the shipped synthetic panel
>>> study.crimes.loc[0, ["ward", "month", "category"]].tolist()
['nguyen-thi-minh-khai', '2021-01', 'social_order']
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import os
import re
from dataclasses import dataclass, fields
from pathlib import Path

import pandas as pd

from wardstudy import paths
from wardstudy.data.contract import INDICATOR_IDS
from wardstudy.data.crosscheck import (assessment_schemes, programme_codes, reused_codes, unique_slugs,
                                      within_validity)
from wardstudy.data.months import year_of
from wardstudy.data.headers import KNOWN_COLUMNS, canonical, header_problems
from wardstudy.data.names import WardResolver
from wardstudy.data.schemas import NO_VALUE as _NO
from wardstudy.data.schemas import TABLES, Context, Problem, validate_table

__all__ = ["RECORD_TABLES", "REFERENCE_TABLES", "SUFFIXES", "StudyData", "DataError", "read_raw",
           "read_table", "read_sheets", "read_workbook", "check_table", "check_reference", "find_tables", "check", "load",
           "resolve_data_dir", "display_path"]

REFERENCE_TABLES = ["units", "programme", "criteria", "published"]
RECORD_TABLES = ["crimes", "tips", "procedures", "project06", "fire_safety", "community_models",
                 "criteria_assessments"]
SUFFIXES = (".csv", ".xlsx")


class DataError(ValueError):
    """One or more input tables broke a rule.

    `problems`: one message per problem (file, row, column, value, rule);
    `details`: the same as `wardstudy.schemas.Problem` records, for tables and tests.
    """

    def __init__(self, problems: list):
        self.details = [p for p in problems if isinstance(p, Problem)]
        self.problems = [str(p) for p in problems]
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class StudyData:
    """All input tables of one study, validated. Record tables are tidy and monthly.

    Wards are slugs, months ``YYYY-MM`` text, counts integers; the index is 0..n-1.
    """

    data_dir: Path
    units: pd.DataFrame
    programme: pd.DataFrame
    criteria: pd.DataFrame
    published: pd.DataFrame
    crimes: pd.DataFrame
    tips: pd.DataFrame
    procedures: pd.DataFrame
    project06: pd.DataFrame
    fire_safety: pd.DataFrame
    community_models: pd.DataFrame
    criteria_assessments: pd.DataFrame

    @property
    def is_synthetic(self) -> bool:
        """True when any record table says it is synthetic (then reports carry a banner)."""
        return any(
            "synthetic" in table.columns and bool(table["synthetic"].fillna(False).astype(bool).any())
            for table in self.tables().values()
        )

    def tables(self) -> dict[str, pd.DataFrame]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "data_dir"}

    def years(self) -> list[int]:
        """The calendar years the record tables cover."""
        return sorted(year_of(self.crimes["month"]).unique().tolist())


# ---------------------------------------------------------------------------------------------
# Reading: every cell as text (or None), indexed by its row number in the file


def resolve_data_dir(data_dir: Path | str | None) -> Path:
    """The absolute data folder: the shipped synthetic panel for None; a relative path is
    taken from the project root, whichever way the library is run (the batch, papermill,
    JupyterLab from ``notebooks/``), so ``data/synthetic`` means one folder everywhere.

    Parameters
    ----------
    data_dir : path or str or None
        A data folder, absolute or relative to the project root; None for the shipped panel.

    Returns
    -------
    pathlib.Path
        The folder as an absolute, resolved path (it need not exist).

    Examples
    --------
    >>> resolve_data_dir("data/synthetic") == paths.synthetic_dir() == resolve_data_dir(None)
    True
    """
    if data_dir is None:
        return paths.synthetic_dir()
    folder = Path(data_dir).expanduser()
    return (folder if folder.is_absolute() else paths.project_root() / folder).resolve()


def display_path(path: Path) -> str:
    """`path` relative to the working directory when it is below it (as a user typed it).

    Parameters
    ----------
    path : pathlib.Path
        A file or folder.

    Returns
    -------
    str
        The path relative to the working directory, else as given.

    Examples
    --------
    >>> display_path(Path.cwd() / "data" / "units.csv") == os.path.join("data", "units.csv")
    True
    """
    path = Path(path)
    try:
        return os.path.relpath(path) if path.resolve().is_relative_to(Path.cwd()) else str(path)
    except ValueError:
        return str(path)


def _decode(path: Path, encoding: str | None) -> str:
    """The file's text; UTF-8 (with or without BOM) unless `encoding` says otherwise."""
    raw = path.read_bytes()
    shown = display_path(path)
    if encoding is not None:
        # A legacy code page such as cp1258 writes tones as combining marks: compose them.
        import unicodedata
        return unicodedata.normalize("NFC", raw.decode(encoding))
    for bom, name in [(codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
                      (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16")]:
        if raw.startswith(bom):
            raise DataError([Problem(shown, None, None, _NO, f"is encoded as {name} (as Excel's 'Unicode Text' "
                                     "export), not UTF-8; save it as 'CSV UTF-8 (Comma delimited)'")])
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[:err.start].count(b"\n") + 1
        hint = ""
        try:  # Vietnamese offices' legacy code page: show what the line would say in it
            text = raw.split(b"\n")[line - 1].decode("cp1258").strip()
            hint = f"; read as Windows-1258 (cp1258) the line says {text[:60]!r}"
        except UnicodeDecodeError:
            pass
        byte = raw[err.start]
        raise DataError([Problem(shown, line, None, _NO,
                                 f"is not UTF-8 text (byte 0x{byte:02X} cannot be decoded){hint}; "
                                 "re-save the file as UTF-8 (Excel: Save As > 'CSV UTF-8 (Comma delimited)'; "
                                 "or iconv -f CP1258 -t UTF-8)")]) from None


def _separator(text: str) -> str:
    """"," unless the header line uses ";" and no "," (Excel's CSV where the decimal mark is a comma)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    return ";" if ";" in first and "," not in first else ","


def _csv_frame(text: str, shown: str = "table") -> pd.DataFrame:
    """Parse CSV text into text cells indexed by file line number (header = line 1).

    Headers are matched to the schema's ids (`headers.canonical`); two columns with one
    header, or values under an empty header, are refused naming the columns."""
    sep = _separator(text)
    cells = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[],
                        skip_blank_lines=True, header=None, sep=sep)
    lines = text.splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    if len(lines) == len(cells):
        index = list(range(1, len(cells) + 1))
    else:
        # Blank lines or quoted line breaks: number the records as the csv module sees them.
        starts, reader, previous = [], csv.reader(io.StringIO(text), delimiter=sep), 0
        for record in reader:
            if record and any(cell.strip() for cell in record):
                starts.append(previous + 1)
            previous = reader.line_num
        index = starts[:len(cells)]
    header = [canonical(v) for v in cells.iloc[0]] if len(cells) else []
    body = cells.iloc[1:]
    filled = {}
    for position in range(body.shape[1]):
        values = body.iloc[:, position].str.strip().ne("")
        if values.any():
            filled[position] = index[1 + int(values.to_numpy().argmax())]
    problems = header_problems(header, filled, "row 1", lambda i: f"{i + 1} ({_ordinal_letter(i)})")
    if problems:
        raise DataError([Problem(shown, None, None, _NO, rule) for rule in problems])
    frame = pd.DataFrame(body.to_numpy(), columns=header, index=pd.Index(index[1:], dtype="int64"), dtype=object)
    width = len(header)
    while width and header[width - 1] is None:  # trailing empty columns: a stray separator
        width -= 1
    return frame.iloc[:, :width]


def _ordinal_letter(position: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(position + 1)


def _cell_text(value, column: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        # Excel turns a typed "2023-01" into 1 January 2023; give the month column its month back.
        return value.strftime("%Y-%m") if column in {"month"} else value.strftime("%Y-%m-%d")
    return str(value)


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)"')


def _merged_ranges(book_path: Path, sheet) -> list[str]:
    """The merged ranges (``A3:A5``) of a read-only sheet.

    openpyxl's read-only mode, the one that streams a large sheet, does not parse merges,
    so the sheet's XML part is scanned for its ``<mergeCell ref=...>`` elements.
    """
    import zipfile

    with zipfile.ZipFile(book_path) as archive:
        return [m.decode() for m in _MERGE.findall(archive.read(sheet._worksheet_path))]


def _header_row(rows: list[tuple[int, list]]) -> int:
    """Which of the first non-empty rows is the header: the first holding a column id of a
    schema (a title typed above the header is not it); the first row when none does."""
    for position, (_, values) in enumerate(rows[:10]):
        if any(canonical(v) in KNOWN_COLUMNS for v in values if isinstance(v, str)):
            return position
    return 0


def _sheet_frame(book_path: Path, sheet, shown: str) -> tuple[pd.DataFrame, list[Problem]]:
    """One sheet's cells as text, indexed by sheet row number, and its refused cells.

    The header is the first non-empty row; its cells are matched to the schema's ids
    (`headers.canonical`). ``frame.attrs["letters"]`` maps each column to its Excel column
    letter, for messages that name a cell. Refused, naming the sheet and the cells: a
    formula (its value is only what Excel cached when it last saved, blank when it never
    computed it), a merged range (its value sits in its first cell only, so the other
    rows would read as blank), a title typed above the header, two columns with one
    header, values under an empty header.
    """
    from openpyxl.utils import get_column_letter, range_boundaries

    if hasattr(sheet, "reset_dimensions"):
        # A read-only sheet trusts the dimension stored in the file, which other programs
        # leave stale ("A1", "A1:D5"): read every row there is instead.
        sheet.reset_dimensions()
    rows, formulas = [], []
    for number, cells in enumerate(sheet.iter_rows(), start=1):
        values = [c.value for c in cells]
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        rows.append((number, values))
        formulas += [(number, position, str(cell.value)) for position, cell in enumerate(cells)
                     if getattr(cell, "data_type", None) == "f"]
    problems = []
    where = f'sheet "{sheet.title}"'
    at = _header_row(rows)
    if at:
        above = ", ".join(f"row {n}" for n, _ in rows[:at])
        first = next(str(v) for v in rows[0][1] if v is not None and str(v).strip())
        problems.append(Problem(shown, None, None, _NO,
                                f"the header of {where} is in row {rows[at][0]}, below {above} "
                                f"(\"{first[:40]}\"): delete the rows above the header (a title), "
                                "so that the column ids are the first row"))
    header_row = rows[at][0] if rows else 0
    header = [canonical(v) for v in rows[at][1]] if rows else []
    body = rows[at + 1:]
    for number, position, formula in formulas:
        column = header[position] if number > header_row and position < len(header) else None
        problems.append(Problem(
            shown, number if number > header_row else None, column, _NO,
            f'cell {get_column_letter(position + 1)}{number} of {where} holds a formula '
            f"({formula[:40]}): type the value itself (Excel: Copy, then Paste Special > Values)"))
    filled: dict[int, int] = {}
    for number, values in body:
        for position, value in enumerate(values):
            if position not in filled and value is not None and not (isinstance(value, str) and not value.strip()):
                filled[position] = number
    problems += [Problem(shown, None, None, _NO, rule)
                 for rule in header_problems(header, filled, f"row {header_row} of {where}",
                                             lambda i: get_column_letter(i + 1))]
    for merged in _merged_ranges(book_path, sheet):
        first_col, first_row, _, _ = range_boundaries(merged)
        column = header[first_col - 1] if header and first_row > header_row and first_col <= len(header) else None
        problems.append(Problem(shown, first_row if column else None, column, _NO,
                                f'cells {merged} of {where} are merged: unmerge them and write '
                                "the value in every cell (a merged range keeps its value in the first cell only)"))
    width = len(header)
    while width and header[width - 1] is None:  # trailing empty header cells: formatting only
        width -= 1
    if len(set(c for c in header[:width] if c is not None)) < len([c for c in header[:width] if c is not None]):
        body, header, width = [], [], 0  # two columns with one header: refused above, no table to give
    records = [[_cell_text(v, c) for v, c in zip(values, header)] for _, values in body]
    frame = pd.DataFrame([r[:width] + [None] * (width - len(r)) for r in records],
                         columns=header[:width], index=pd.Index([n for n, _ in body], dtype="int64"), dtype=object)
    frame.attrs["letters"] = {c: get_column_letter(i + 1) for i, c in enumerate(header[:width]) if c}
    return frame, problems


def read_workbook(path: Path | str, skip=()) -> dict[str, tuple[pd.DataFrame | None, list[Problem]]]:
    """Every sheet of an ``.xlsx`` workbook as a text table with its own problems, by sheet name.

    For `wardstudy import`, which decides sheet by sheet what to read, ignore or refuse.
    skip: sheet names not read at all (None in their place), such as the template's
    instructions. Raises `DataError` for a file that cannot be opened as a workbook.

    Parameters
    ----------
    path : path or str
        The ``.xlsx`` file.
    skip : collection of str, optional
        Sheet names not read at all.

    Returns
    -------
    dict of str to (pandas.DataFrame or None, list of Problem)
        Per sheet: its text cells (None when skipped) and the problems found in it.

    Raises
    ------
    DataError
        The file cannot be opened as a workbook.
    """
    from openpyxl import load_workbook

    path = Path(path)
    shown = display_path(path)
    try:
        # data_only=False: a formula reads as its formula text, so it can be refused by name.
        book = load_workbook(path, read_only=True, data_only=False)
    except Exception as err:  # openpyxl raises several types for a damaged or mislabelled file
        raise DataError([Problem(shown, None, None, _NO,
                                 f"cannot be opened as an Excel workbook ({type(err).__name__}: {err})")]) from None
    sheets = {}
    try:
        for sheet in book.worksheets:
            if sheet.title in skip:
                sheets[sheet.title] = (None, [])
                continue
            frame, found = _sheet_frame(path, sheet, shown)
            sheets[sheet.title] = (_normalised(frame), found)
    finally:
        book.close()
    return sheets


def read_sheets(path: Path | str, names=None) -> dict[str, pd.DataFrame]:
    """The sheets of an ``.xlsx`` workbook as text tables, keyed by sheet name.

    names: the sheets to read (others are ignored); None reads the first sheet only.
    Cells are as `read_raw` gives them; ``frame.attrs["letters"]`` maps each column to its
    Excel letter. Raises `DataError` naming the file, sheet and cell of every formula and
    merged range, or a file that is not a workbook.

    Parameters
    ----------
    path : path or str
        The ``.xlsx`` file.
    names : collection of str, optional
        The sheets to read; None reads the first sheet only.

    Returns
    -------
    dict of str to pandas.DataFrame
        The chosen sheets' text cells, in the workbook's order.

    Raises
    ------
    DataError
        A chosen sheet holds a formula or merged cells, or the file is not a workbook.
    """
    sheets = read_workbook(path)
    chosen = list(sheets)[:1] if names is None else [title for title in sheets if title in set(names)]
    problems = [p for title in chosen for p in sheets[title][1]]
    if problems:
        raise DataError(problems)
    return {title: sheets[title][0] for title in chosen}


def _normalised(frame: pd.DataFrame) -> pd.DataFrame:
    """Column names stripped; cells NFC text, stripped, None for blanks."""
    attrs = dict(frame.attrs)
    frame.columns = [c if c is None else str(c).strip().lstrip("\ufeff") for c in frame.columns]
    for column in frame.columns:
        cells = frame[column].astype(object)
        filled = cells.notna()
        text = cells[filled].astype(str).str.normalize("NFC").str.strip()
        cells = cells.astype(object)
        cells[filled] = text
        frame[column] = cells.where(cells.ne(""), None).astype(object)
    frame.attrs.update(attrs)
    return frame


def read_raw(path: Path | str, encoding: str | None = None) -> pd.DataFrame:
    """Read a CSV or xlsx table as text cells (None for blanks), indexed by row in the file.

    Text is NFC-normalised and stripped, so that a decomposed "Đức" equals a composed one.
    Raises `DataError` for a file that is not UTF-8 (unless `encoding` is given), is empty,
    is not a workbook, or (xlsx: its first sheet) holds a formula or merged cells.

    Parameters
    ----------
    path : path or str
        A ``.csv`` or ``.xlsx`` file.
    encoding : str, optional
        The text encoding of a CSV file (default: UTF-8, with or without BOM).

    Returns
    -------
    pandas.DataFrame
        Every cell as text or None, indexed by the row number in the file.

    Raises
    ------
    DataError
        The file cannot be read as a table (the message names the file and the rule).

    Examples
    --------
    >>> bool(read_raw(paths.reference_dir() / "units.csv")["slug"].notna().all())
    True
    """
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        return next(iter(read_sheets(path).values()))
    text = _decode(path, encoding)
    if not text.strip():
        # pandas would raise EmptyDataError: say which file, and what it needs.
        raise DataError([Problem(display_path(path), None, None, _NO,
                                 "is empty (a table needs at least its header row)")])
    return _normalised(_csv_frame(text, display_path(path)))


def check_table(name: str, raw: pd.DataFrame, shown: str, context: Context,
                units: pd.DataFrame | None = None, units_shown: str = "units.csv",
                ) -> tuple[pd.DataFrame, list[Problem]]:
    """Check one raw table (`read_raw`'s cells) against its schema and, given the typed
    `units` table, against the units: slugs unique, programme codes, validity dates.

    Parameters
    ----------
    name : str
        The table's name (a key of `wardstudy.data.schemas.TABLES`).
    raw : pandas.DataFrame
        Its text cells, as `read_raw` gives them.
    shown : str
        The file as named in messages.
    context : wardstudy.data.schemas.Context
        What the checks resolve against: wards, criterion ids, indicator ids.
    units : pandas.DataFrame, optional
        The typed units table, for the checks against the units.
    units_shown : str, optional
        The units file as named in messages.

    Returns
    -------
    tuple of (pandas.DataFrame, list of Problem)
        The typed table, still indexed by the row number in the file, and its problems.
    """
    typed, problems = validate_table(name, raw, shown, context)
    if raw.empty and not problems and name in RECORD_TABLES:
        # A record table with a header and no rows would silently drop every indicator read
        # from it. (An empty published or programme table is a study with none: allowed.)
        problems = [Problem(shown, None, None, _NO, "has a header but no rows (a table needs at least one record)")]
    if name == "units":
        problems += unique_slugs(typed, shown) + reused_codes(typed, shown)
    elif units is not None and context.resolver is not None:
        if name == "programme":
            problems += programme_codes(typed, units, shown, units_shown)
        if name in RECORD_TABLES:
            problems += within_validity(typed, units, shown, units_shown)
    return typed, problems


def read_table(path: Path | str, encoding: str | None = None) -> pd.DataFrame:
    """Read and check one table on its own (its name is the file's stem); raise `DataError`.

    Without the units table, wards are not resolved; `load` resolves them.

    Parameters
    ----------
    path : path or str
        A ``.csv`` or ``.xlsx`` file named after its table (e.g. ``crimes.csv``).
    encoding : str, optional
        The text encoding of a CSV file (default: UTF-8).

    Returns
    -------
    pandas.DataFrame
        The typed table, indexed 0..n-1 (a file of no known table: its text cells).

    Raises
    ------
    DataError
        Every problem of the table at once.

    Examples
    --------
    >>> units = read_table(paths.reference_dir() / "units.csv")
    >>> units.index[0], units["slug"].is_unique
    (0, True)
    """
    path = Path(path)
    raw = read_raw(path, encoding)
    if path.stem not in TABLES:
        return raw.reset_index(drop=True)
    typed, problems = check_table(path.stem, raw, display_path(path), Context())
    if problems:
        raise DataError(problems)
    return typed.reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Finding and loading the whole study


def find_tables(data_dir: Path) -> tuple[dict[str, Path], list[Problem]]:
    """The file of every table: in `data_dir`, else (reference tables) the shipped one.

    Parameters
    ----------
    data_dir : pathlib.Path
        The data folder (absolute, as `resolve_data_dir` gives it).

    Returns
    -------
    tuple of (dict of str to pathlib.Path, list of Problem)
        The file of each table found, and a problem for each table missing or ambiguous.

    Examples
    --------
    >>> found, problems = find_tables(paths.synthetic_dir())
    >>> found["crimes"].name, problems
    ('crimes.csv', [])
    """
    found: dict[str, Path] = {}
    problems: list[Problem] = []
    for name in REFERENCE_TABLES + RECORD_TABLES:
        fallback = paths.reference_dir() if name in REFERENCE_TABLES else None
        for folder in [data_dir, fallback]:
            if folder is None:
                continue
            candidates = [folder / f"{name}{suffix}" for suffix in SUFFIXES if (folder / f"{name}{suffix}").exists()]
            if len(candidates) > 1:
                problems.append(Problem(display_path(folder), None, None, _NO,
                                        f"holds both {' and '.join(c.name for c in candidates)}: "
                                        f"ambiguous, keep one table {name!r}"))
                break
            if candidates:
                found[name] = candidates[0]
                break
        else:
            problems.append(Problem(display_path(data_dir / f"{name}.csv"), None, None, _NO,
                                    f"is missing: table {name!r} is needed (as {name}.csv or {name}.xlsx)"))
    return found, problems


def check(data_dir: Path | str | None = None) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """Read and check every table; return the typed tables and every problem found.

    The units table is checked first: it gives the wards the other tables are checked
    against, and the criteria register gives the allowed criterion ids.

    Parameters
    ----------
    data_dir : path or str, optional
        The data folder (default: the shipped synthetic panel).

    Returns
    -------
    tuple of (dict of str to pandas.DataFrame, list of Problem)
        The typed tables read, by name, and every problem found (empty: the folder is clean).

    Examples
    --------
    >>> frames, problems = check("data/synthetic")       # doctest: +SKIP
    >>> problems                                          # doctest: +SKIP
    []
    """
    data_dir = resolve_data_dir(data_dir)
    if not data_dir.is_dir():
        # The absolute path, whatever was typed: the user sees exactly where we looked.
        return {}, [Problem(str(data_dir), None, None, _NO, "is not a folder (data folder does not exist)")]
    found, problems = find_tables(data_dir)
    frames: dict[str, pd.DataFrame] = {}
    context = Context(indicator_ids=tuple(INDICATOR_IDS))
    for name in REFERENCE_TABLES + RECORD_TABLES:
        if name not in found:
            continue
        path = found[name]
        try:
            raw = read_raw(path)
        except DataError as err:
            problems.extend(err.details)
            continue
        units_file = found.get("units", path)  # named in full only when it is in another folder
        units_shown = units_file.name if units_file.parent == path.parent else display_path(units_file)
        typed, table_problems = check_table(name, raw, display_path(path), context, frames.get("units"), units_shown)
        problems.extend(table_problems)
        frames[name] = typed.reset_index(drop=True)
        if name == "units" and not table_problems:
            context.resolver = WardResolver.from_units(typed)
        if name == "criteria" and not table_problems:
            context.criterion_ids = tuple(typed["criterion_id"].tolist())
            context.criteria = typed
            context.criteria_shown = display_path(path)
        if name == "criteria_assessments" and not table_problems and context.criteria is not None:
            problems.extend(assessment_schemes(typed, context.criteria, display_path(path), context.criteria_shown))
    return frames, problems


def check_reference(data_dir: Path | str | None = None, names=("units", "criteria"),
                    ) -> tuple[dict[str, pd.DataFrame], dict[str, str], Context, list[Problem]]:
    """Read and check reference tables alone (from `data_dir` when there, else the shipped ones).

    For tools that need the units and the criteria register without a folder of records
    (`wardstudy template`, `wardstudy import`). Returns the typed tables (indexed by row in
    the file), the path each was read from as shown in messages, a `Context` resolving
    wards and criteria (when units and criteria are clean), and the problems.

    Parameters
    ----------
    data_dir : path or str, optional
        A folder that may hold its own reference tables (default: the shipped ones only).
    names : sequence of str, optional
        The reference tables to read.

    Returns
    -------
    tuple of (dict, dict, wardstudy.data.schemas.Context, list of Problem)
        The typed tables by name, the path of each as shown in messages, the `Context`, and
        the problems.
    """
    folders = [resolve_data_dir(data_dir)] if data_dir is not None else []  # relative: from the project root
    folders.append(paths.reference_dir())
    frames, shown, problems = {}, {}, []
    context = Context(indicator_ids=tuple(INDICATOR_IDS))
    for name in names:
        path = next((f / f"{name}{s}" for f in folders for s in SUFFIXES if (f / f"{name}{s}").exists()), None)
        if path is None:
            problems.append(Problem(display_path(folders[0] / f"{name}.csv"), None, None, _NO,
                                    f"is missing: table {name!r} is needed"))
            continue
        shown[name] = display_path(path)
        try:
            typed, found = check_table(name, read_raw(path), shown[name], context)
        except DataError as err:
            problems.extend(err.details)
            continue
        problems.extend(found)
        frames[name] = typed
        if name == "units" and not found:
            context.resolver = WardResolver.from_units(typed)
        if name == "criteria" and not found:
            context.criterion_ids = tuple(typed["criterion_id"].tolist())
    return frames, shown, context, problems


def load(data_dir: Path | str | None = None) -> StudyData:
    """Load and check every table; raise `DataError` listing all problems at once.

    data_dir: folder of record tables (default: the shipped synthetic panel).
    Reference tables are read from `data_dir` when present there, else from the
    shipped ``data/reference``. Nothing is returned from a folder with any problem.

    Parameters
    ----------
    data_dir : path or str, optional
        The folder of record tables (default: the shipped synthetic panel).

    Returns
    -------
    StudyData
        Every table, typed and checked.

    Raises
    ------
    DataError
        Any table broke a rule; it lists every problem at once.

    Examples
    --------
    >>> data = load()                                     # doctest: +SKIP
    >>> data.years()                                      # doctest: +SKIP
    [2021, 2022, 2023, 2024, 2025]
    """
    frames, problems = check(data_dir)
    if problems:
        raise DataError(problems)
    return StudyData(data_dir=resolve_data_dir(data_dir), **frames)

