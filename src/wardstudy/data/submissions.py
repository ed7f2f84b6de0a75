"""Import filled workbooks and table folders into one data folder (`wardstudy import`).

Ward police send their records as workbooks made by `wardstudy template` (one per ward, or
per province and period) or as folders of tables. `import_submissions`:

1. reads every source: a workbook's sheets named as record tables (its second row, the
   Vietnamese labels, is skipped), a folder's ``<table>.csv``/``<table>.xlsx`` files and
   the other workbooks in it, or one table file;
2. checks each part on its own against its schema and the units (validity dates
   included), every message naming file, sheet, row and column; a row whose value cells
   are all empty is a month not reported and is left out (and counted);
3. merges the parts table by table: a record (ward + month, ...) given twice with the
   same values is kept once; given with different values it is refused, naming both
   sources and the cell;
4. writes the merged tables as CSV into a new folder next to `out`, checks that folder as
   `wardstudy validate` would, and only then renames it to `out`. When anything is
   refused, nothing is written.

>>> # wardstudy import submissions/ --out data/real    (see tests/test_import.py)
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from wardstudy.data.read import (RECORD_TABLES, SUFFIXES, DataError, check, check_reference, check_table,
                                 display_path, read_raw, read_sheets, resolve_data_dir)
from wardstudy.data.schemas import CRIME_CATEGORIES, NO_VALUE, TABLES, Problem, _show
from wardstudy.data.workbook import header_labels

__all__ = ["Part", "Imported", "read_sources", "merge_parts", "import_submissions"]

# The order rows are written in: the table's key (this order where given), a ward by its
# place in the units table (the shipped panel's order, so a round trip gives the same files).
SORT = {"crimes": ("category", "ward", "month")}


@dataclass
class Part:
    """One table from one source: its raw cells, where they came from, its Excel letters."""

    table: str
    shown: str                      # 'book.xlsx, sheet "tips"' or 'folder/tips.csv'
    raw: pd.DataFrame               # text cells indexed by the row in the file or sheet
    letters: dict[str, str] = field(default_factory=dict)  # column -> Excel letter (workbooks)
    blank_rows: int = 0             # rows with a key and no value: months not reported


@dataclass
class Imported:
    """What an import wrote: the folder, rows per table, rows left blank per source."""

    out: Path
    rows: dict[str, int]
    blank_rows: dict[str, int]
    sources: list[str]

    def text(self) -> str:
        """A summary for the terminal."""
        lines = [f"wrote {self.out} from {len(self.sources)} source(s)"]
        lines += [f"  {name}: {n} rows" for name, n in self.rows.items()]
        lines += [f"  {shown}: {n} rows with no values left out (months not reported)"
                  for shown, n in self.blank_rows.items() if n]
        return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Reading the sources


def _workbook_parts(path: Path, single_table: str | None = None) -> list[Part]:
    """The record-table sheets of a workbook (or its first sheet, as `single_table`)."""
    shown = display_path(path)
    if single_table is not None:
        frame = read_raw(path)
        return [Part(single_table, shown, frame, frame.attrs.get("letters", {}))]
    frames = read_sheets(path, names=RECORD_TABLES)
    if not frames:
        raise DataError([Problem(shown, None, None, NO_VALUE, "has no sheet named as a record table "
                                 f"({', '.join(RECORD_TABLES)}); make one with `wardstudy template`")])
    parts = []
    for sheet, frame in frames.items():
        letters = frame.attrs.get("letters", {})
        labels = header_labels(sheet)
        if len(frame) and all(frame.iloc[0].get(c) in (None, text) for c, text in labels.items()) \
                and any(frame.iloc[0].get(c) == text for c, text in labels.items()):
            frame = frame.iloc[1:]  # row 2 of a template: the Vietnamese labels, not a record
        parts.append(Part(sheet, f'{shown}, sheet "{sheet}"', frame, letters))
    return parts


def _folder_parts(folder: Path) -> tuple[list[Part], list[Problem]]:
    """A folder's table files, and every other workbook in it as a submission."""
    parts, problems = [], []
    for name in RECORD_TABLES:
        files = [folder / f"{name}{s}" for s in SUFFIXES if (folder / f"{name}{s}").exists()]
        if len(files) > 1:
            problems.append(Problem(display_path(folder), None, None, NO_VALUE,
                                    f"holds both {' and '.join(f.name for f in files)}: ambiguous, keep one"))
        elif files:
            parts += _parts_of(files[0])[0]
    tables = {f"{name}{s}" for name in RECORD_TABLES for s in SUFFIXES}
    for book in sorted(folder.glob("*.xlsx")):
        if book.name not in tables and not book.name.startswith("~$"):  # ~$: Excel's lock file
            found, trouble = _parts_of(book)
            parts += found
            problems += trouble
    return parts, problems


def _parts_of(path: Path) -> tuple[list[Part], list[Problem]]:
    try:
        if path.is_dir():
            return _folder_parts(path)
        if not path.exists():
            return [], [Problem(display_path(path), None, None, NO_VALUE, "does not exist")]
        if path.suffix.lower() == ".xlsx":
            return _workbook_parts(path, path.stem if path.stem in RECORD_TABLES else None), []
        if path.suffix.lower() == ".csv" and path.stem in RECORD_TABLES:
            return [Part(path.stem, display_path(path), read_raw(path))], []
        return [], [Problem(display_path(path), None, None, NO_VALUE, "is neither a workbook (.xlsx), a record "
                            f"table ({', '.join(RECORD_TABLES)} as .csv) nor a folder")]
    except DataError as err:
        return [], err.details


def _drop_blank_rows(part: Part) -> Part:
    """Leave out rows with a key and no value at all (a template's months not reported), and
    optional columns left wholly blank (not reported either)."""
    table = TABLES[part.table]
    raw = part.raw
    unused = [c for c in raw.columns if c in table.columns and not table.columns[c].required and raw[c].isna().all()]
    raw = raw.drop(columns=unused)
    values = [c for c in raw.columns if c in table.columns and c not in table.key and c != "synthetic"]
    if not values or raw.empty:
        return Part(part.table, part.shown, raw, part.letters)
    blank = raw[values].isna().all(axis=1)
    return Part(part.table, part.shown, raw[~blank], part.letters, int(blank.sum()))


def read_sources(sources) -> tuple[list[Part], list[Problem]]:
    """Every table part of every source (workbook, folder, table file), blank rows left out."""
    parts, problems = [], []
    for source in sources:
        found, trouble = _parts_of(Path(source))
        parts += [_drop_blank_rows(p) for p in found]
        problems += trouble
    return parts, problems


# ---------------------------------------------------------------------------------------------
# Checking and merging


def _cell(letters: dict[str, str], column: str, row: int, form: str) -> str:
    """A workbook's cell (``cell D14``) put in `form`; nothing for a CSV file's."""
    letter = letters.get(column)
    return form.format(f"cell {letter}{row}") if letter else ""


def merge_parts(typed: list[tuple[Part, pd.DataFrame]], units: pd.DataFrame,
                criterion_ids=()) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """Merge checked parts into one table each; refuse a record given twice with different values.

    typed: (part, its typed table indexed by row in the source). An identical repeat is
    kept once. Returns the merged tables, sorted (units order, then the key) and the
    problems, one per differing cell, naming both sources.
    """
    merged, problems = {}, []
    for name in RECORD_TABLES:
        pieces = [frame.assign(_source=i, _row=frame.index) for i, (part, frame) in enumerate(typed)
                  if part.table == name]
        if not pieces:
            continue
        table = TABLES[name]
        # An optional column that may not be blank (crimes' `solved`) must come from every
        # source of its table or from none: a merged column half empty would be refused.
        uneven = set()
        for column in [c for c, spec in table.columns.items() if not spec.required and not spec.nullable]:
            having = [part.shown for part, frame in typed if part.table == name and column in frame.columns]
            lacking = [part.shown for part, frame in typed if part.table == name and column not in frame.columns]
            if having and lacking:
                uneven.add(column)
                problems += [Problem(shown, None, column, NO_VALUE, f"is missing, but {having[0]} gives it "
                                     "(an optional column must come from every source of its table or from none)")
                             for shown in lacking]
        frame = pd.concat(pieces, ignore_index=True)
        key = list(table.key)
        values = [c for c in table.columns if c in frame.columns and c not in key and c != "synthetic"
                  and c not in uneven]
        repeated = frame[frame.duplicated(key, keep=False)]
        for _, group in repeated.groupby(key, sort=False):
            first = group.iloc[0]
            for _, other in group.iloc[1:].iterrows():
                for column in values:
                    a, b = first[column], other[column]
                    if pd.isna(a) and pd.isna(b) or a == b:
                        continue
                    one, two = typed[int(first["_source"])][0], typed[int(other["_source"])][0]
                    record = ", ".join(_show(first[k]) for k in key)
                    here, there = int(other["_row"]), int(first["_row"])
                    problems.append(Problem(
                        two.shown, here, column, b,
                        f"{_cell(two.letters, column, here, '({}) ')}differs from {one.shown}, row {there}"
                        f"{_cell(one.letters, column, there, ' ({})')}, which gives {_show(a)}, for {' + '.join(key)} "
                        f"{record} (a record given twice must agree: correct one of the two)"))
        frame = frame.drop_duplicates(key, keep="first")
        merged[name] = _sorted(name, frame, units, criterion_ids)
    return merged, problems


def _sorted(name: str, frame: pd.DataFrame, units: pd.DataFrame, criterion_ids) -> pd.DataFrame:
    """Rows sorted by the key (`SORT`): wards in the units table's order, categories and
    criteria in the schema's and register's order."""
    order = SORT.get(name, TABLES[name].key)
    ranks = {"ward": {slug: i for i, slug in enumerate(units["slug"])},
             "category": {c: i for i, c in enumerate(CRIME_CATEGORIES)},
             "criterion_id": {c: i for i, c in enumerate(criterion_ids)}}
    out = frame.sort_values(list(order), kind="stable",
                            key=lambda s: s.map(ranks[s.name]) if s.name in ranks else s)
    columns = [c for c in TABLES[name].columns if c in out.columns]
    return out[columns].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# The whole import


def _csv_text(frame: pd.DataFrame) -> str:
    """A table as the shipped panel writes it: UTF-8, LF, booleans True/False, blanks empty."""
    return frame.to_csv(index=False, lineterminator="\n", na_rep="")


def import_submissions(sources, out: Path | str, data_dir: Path | str | None = None,
                       replace: bool = False) -> Imported:
    """Read, check and merge `sources` into the data folder `out`; raise `DataError` on any problem.

    sources: workbooks, table folders or table files; out: the folder to create (relative
    to the working directory, as every output). data_dir: a folder whose reference
    tables (units, criteria, ...) the records are checked against and which are copied
    into `out` (default: the shipped ones, not copied). replace: allow `out` to exist and
    hold files (it is swapped whole); an empty `out` is always fine.
    Nothing is written unless every part is clean and the merged folder validates.
    """
    out = Path(out).expanduser().resolve()
    data_dir = None if data_dir is None else resolve_data_dir(data_dir)  # as every --data-dir: from the root
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not replace)):
        raise DataError([Problem(display_path(out), None, None, NO_VALUE, "already exists and is not empty; "
                                 "choose a new folder, or pass --replace to replace it whole")])
    reference, shown, context, problems = check_reference(data_dir)
    if problems:
        raise DataError(problems)
    parts, problems = read_sources(sources)
    typed = []
    for part in parts:
        if part.raw.empty:
            continue  # a sheet left blank (another source may hold the table); counted in the summary
        frame, found = check_table(part.table, part.raw, part.shown, context, reference["units"], shown["units"])
        problems += found
        typed.append((part, frame))
    if problems:
        raise DataError(problems)
    criteria = list(dict.fromkeys(reference["criteria"]["criterion_id"]))
    merged, problems = merge_parts(typed, reference["units"], criteria)
    missing = [name for name in RECORD_TABLES if name not in merged or merged[name].empty]
    if missing:
        problems += [Problem(", ".join(display_path(Path(s)) for s in sources), None, None, NO_VALUE,
                             f"no filled row of table {name!r} in any source (a sheet or file named {name}); "
                             "every record table is needed") for name in missing]
    if problems:
        raise DataError(problems)
    _write(merged, out, data_dir, replace)
    return Imported(out, {n: len(f) for n, f in merged.items()},
                    {p.shown: p.blank_rows for p in parts}, [str(s) for s in sources])


def _write(merged: dict[str, pd.DataFrame], out: Path, data_dir: Path | None, replace: bool) -> None:
    """Write into a fresh folder beside `out`, check it as `validate` would, then rename it."""
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    try:
        for name, frame in merged.items():
            (staging / f"{name}.csv").write_text(_csv_text(frame), encoding="utf-8")
        if data_dir is not None:
            for name in ["units", "programme", "criteria", "published"]:
                for suffix in SUFFIXES:
                    if (data_dir / f"{name}{suffix}").exists():
                        shutil.copy2(data_dir / f"{name}{suffix}", staging / f"{name}{suffix}")
        _, problems = check(staging)
        if problems:  # a safety net: every part was checked, so this means a bug, not bad input
            raise DataError([Problem(p.file.replace(str(staging), str(out)), p.row, p.column, p.value, p.rule)
                             for p in problems])
        staging.chmod(0o755)
        if out.exists():
            # Swap: the old folder moves aside, the new one takes its name, the old one goes.
            aside = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=out.parent))
            aside.rmdir()
            out.rename(aside)
            staging.rename(out)
            shutil.rmtree(aside)
        else:
            staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
