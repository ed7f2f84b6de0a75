"""Import filled workbooks and table folders into a data folder (`wardstudy import`).

Ward police send their records as workbooks made by `wardstudy template` (one per ward, or
per province and period) or as folders of tables. `import_submissions`:

1. reads every source (`wardstudy.data.sources`): every file and sheet is read, ignored
   or refused, and each is listed in the summary; nothing is skipped in silence;
2. checks each part on its own against its schema and the units (validity dates
   included), every message naming file, sheet, row and column. Blank, zero and "not
   reported" are one rule: a row whose value cells are all blank is a period not
   reported, left out and named in the summary (ward and month); a blank cell in a row
   that has values is refused (write 0 for none); for crimes (per category) and the
   criteria (per criterion) a ward's month or year is reported whole or not at all;
3. merges the parts table by table: a record (ward + month, ...) given twice with the
   same values is kept once; given with different values it is refused, naming both
   sources and the cell;
4. merges the result into `out`: a new folder is created; into an existing data folder
   the new records are added beside the old ones (a new month), records given again
   unchanged are kept, and a record whose values differ is refused unless `replace`
   is asked, which names each replaced value. Only the record tables (``<table>.csv``)
   are written, each only when it changes, after a copy of the old one is put in
   ``out/.wardstudy-backup/``; every other file in `out` is left as it is. The merged
   folder is checked as `wardstudy validate` would before anything is written, and
   `dry_run` says what would change without writing. `out` may not be a source, the
   working folder (or one above it) or a home folder.

>>> # wardstudy import feb.xlsx --out data/real --dry-run    (see tests/test_import*.py)
"""

from __future__ import annotations

import datetime as dt
import filecmp
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from wardstudy.data.messages import say
from wardstudy.data.read import (RECORD_TABLES, REFERENCE_TABLES, SUFFIXES, DataError, check, check_reference,
                                 check_table, display_path)
from wardstudy.data.schemas import CRIME_CATEGORIES, NO_VALUE, TABLES, Problem, _show
from wardstudy.data.sources import Part, Seen, read_sources

__all__ = ["Part", "Seen", "Imported", "TableChange", "read_sources", "merge_parts", "import_submissions",
           "BACKUP_FOLDER"]

# The order rows are written in: the table's key (this order where given), a ward by its
# place in the units table (the shipped panel's order, so a round trip gives the same files).
SORT = {"crimes": ("category", "ward", "month")}
BACKUP_FOLDER = ".wardstudy-backup"
ORIGIN = ("_source", "_row")  # where a merged record came from: its part and its row there
# Tables whose key holds more than the ward and its period: a ward's period is reported for
# every category (criterion) or for none, so a blank row among filled ones is not "none".
GROUPED = {"crimes": ("category", "others_category"), "criteria_assessments": ("criterion_id", "others_criterion")}


@dataclass
class TableChange:
    """What an import does to one record table: rows added, unchanged, replaced, left blank."""

    added: int = 0
    unchanged: int = 0
    replaced: int = 0
    blank: list[tuple[str, str]] = field(default_factory=list)   # (ward, month or year) left out
    absent: list[tuple[str, str]] = field(default_factory=list)  # (ward, month) inside the span given, no row
    values: list[tuple[str, str, object, object]] = field(default_factory=list)  # (record, column, old, new)


@dataclass
class Imported:
    """What an import wrote (or, in a dry run, would write), file by file and table by table."""

    out: Path
    rows: dict[str, int]                 # rows of each table in `out` after the import
    changes: dict[str, TableChange]
    seen: list[Seen]
    created: bool = True                 # `out` was made by this import
    dry_run: bool = False
    backup: Path | None = None
    written: list[str] = field(default_factory=list)

    @property
    def blank_rows(self) -> dict[str, int]:
        """Rows left out as not reported, per table."""
        return {name: len(change.blank) for name, change in self.changes.items()}

    def text(self) -> str:
        """The summary for the terminal, in the command's language."""
        shown = display_path(self.out)
        if self.dry_run:
            lines = [say("summary_dry_run", out=shown)]
        elif not self.written and not self.created:
            lines = [say("summary_nothing", out=shown)]
        else:
            lines = [say("summary_created" if self.created else "summary_merged", out=shown)]
        lines.append(say("files_heading", n=len(self.seen)))
        width = max((len(say(f"status_{s.status}")) for s in self.seen), default=0)
        for item in self.seen:
            why = f" ({item.why})" if item.why else ""
            lines.append(f"  {say(f'status_{item.status}'):<{width}}  {item.shown}{why}")
        lines.append(say("tables_heading"))
        for name, change in self.changes.items():
            lines.append(say("table_line", table=name, added=change.added, unchanged=change.unchanged,
                             replaced=change.replaced, blank=len(change.blank)))
        blanks = [(name, change.blank) for name, change in self.changes.items() if change.blank]
        if blanks:
            lines.append(say("blank_heading"))
            for name, blank in blanks:
                lines.append(f"  {name}: {periods_by_ward(blank)}")
        absents = [(name, change.absent) for name, change in self.changes.items() if change.absent]
        if absents:
            lines.append(say("absent_heading"))
            for name, absent in absents:
                lines.append(f"  {name}: {periods_by_ward(absent)}")
        replaced = [(name, v) for name, change in self.changes.items() for v in change.values]
        if replaced:
            lines.append(say("replaced_heading"))
            lines += [say("replaced_line", table=name, record=record, column=column, old=_show(old), new=_show(new))
                      for name, (record, column, old, new) in replaced[:200]]
            if len(replaced) > 200:
                lines.append("  " + say("more", n=len(replaced) - 200))
        if self.backup is not None:
            lines.append(say("backup", path=display_path(self.backup)))
        return "\n".join(lines)


def periods_by_ward(pairs: list[tuple[str, str]]) -> str:
    """(ward, period) pairs as a reader scans them: each ward once, its periods in runs.

    >>> periods_by_ward([("a", "2023-11"), ("a", "2023-12"), ("a", "2024-03"), ("b", "2023")])
    'a 2023-11 – 2023-12, 2024-03; b 2023'
    """
    by_ward: dict[str, list[str]] = {}
    for ward, period in pairs:
        by_ward.setdefault(str(ward), []).append(str(period))
    out = []
    for ward, periods in by_ward.items():
        runs: list[list[str]] = []
        for period in sorted(set(periods)):
            if runs and _follows(runs[-1][-1], period):
                runs[-1].append(period)
            else:
                runs.append([period])
        out.append(f"{ward} " + ", ".join(r[0] if len(r) == 1 else f"{r[0]} – {r[-1]}" for r in runs))
    return "; ".join(out)


def _follows(before: str, after: str) -> bool:
    try:
        return (pd.Period(after, "M") - pd.Period(before, "M")).n == 1 if len(before) == 7 else \
            int(after) == int(before) + 1
    except (ValueError, TypeError):
        return False


def _drop_blank_rows(part: Part) -> tuple[Part, list[Problem]]:
    """Leave out rows with a key and no value at all (a period not reported), and optional
    columns left wholly blank (not reported either). For crimes and the criteria, a blank
    row beside filled rows of the same ward and period is refused: it is not "none"."""
    table = TABLES[part.table]
    raw = part.raw
    unused = [c for c in raw.columns if c in table.columns and not table.columns[c].required and raw[c].isna().all()]
    raw = raw.drop(columns=unused)
    values = [c for c in raw.columns if c in table.columns and c not in table.key and c != "synthetic"]
    if not values or raw.empty:
        return Part(part.table, part.shown, raw, part.letters), []
    blank = raw[values].isna().all(axis=1)
    period = "month" if "month" in table.key else "year"
    problems = []
    for column in [c for c in values if not table.columns[c].required and table.columns[c].kind == "count"]:
        # An optional column a source gives is given for every row it reports: a blank cell
        # among its filled ones is no more "not reported" than a blank count is.
        for row in raw.index[(raw[column].isna() & ~blank).to_numpy()]:
            problems.append(Problem(part.shown, int(row), column, NO_VALUE, say("optional_blank_cell")))
    if part.table in GROUPED and {"ward", period} <= set(raw.columns):
        column, others = GROUPED[part.table]
        group = raw["ward"].astype(str) + "|" + raw[period].astype(str)
        partly = group.isin(set(group[~blank])) & blank
        for row in raw.index[partly.to_numpy()]:
            problems.append(Problem(part.shown, int(row), values[0], NO_VALUE, say(
                "partial_group", others=say(others), ward=raw.at[row, "ward"], period=raw.at[row, period])))
        blank = blank & ~partly
    left_out = [(str(w), str(m)) for w, m in zip(raw.loc[blank, "ward"] if "ward" in raw else [],
                                               raw.loc[blank, period] if period in raw else [])]
    if part.table in GROUPED:  # one entry per ward and period, not per category or criterion
        left_out = list(dict.fromkeys(left_out))
    return Part(part.table, part.shown, raw[~blank], part.letters, left_out), problems


# ---------------------------------------------------------------------------------------------
# Checking and merging


def _cell(letters: dict[str, str], column: str, row: int, form: str) -> str:
    """A workbook's cell (``cell D14``) put in `form`; nothing for a CSV file's."""
    letter = letters.get(column)
    return form.format(f"cell {letter}{row}") if letter else ""


def merge_parts(typed: list[tuple[Part, pd.DataFrame]], units: pd.DataFrame, criterion_ids=(),
                with_origin: bool = False) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """Merge checked parts into one table each; refuse a record given twice with different values.

    typed: (part, its typed table indexed by row in the source). An identical repeat is
    kept once. with_origin: keep each record's source (its position in `typed`) and row in
    the columns ``_source`` and ``_row``. Returns the merged tables, sorted (units order, then the key) and the
    problems, one per differing cell, naming both sources.
    """
    merged, problems = {}, []
    for name in RECORD_TABLES:
        pieces = [frame.assign(_source=i, _row=frame.index) for i, (part, frame) in enumerate(typed)
                  if part.table == name]
        if not pieces:
            continue
        table = TABLES[name]
        frame = pd.concat(pieces, ignore_index=True)
        key = list(table.key)
        values = [c for c in table.columns if c in frame.columns and c not in key and c != "synthetic"]
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
                        say("record_differs", cell=_cell(two.letters, column, here, "({}) "), other=one.shown,
                            row=there, other_cell=_cell(one.letters, column, there, " ({})"), value=_show(a),
                            key=" + ".join(key), record=record)))
        frame = frame.drop_duplicates(key, keep="first")
        merged[name] = _sorted(name, frame, units, criterion_ids, keep=ORIGIN if with_origin else ())
    return merged, problems


def _sorted(name: str, frame: pd.DataFrame, units: pd.DataFrame, criterion_ids, keep=()) -> pd.DataFrame:
    """Rows sorted by the key (`SORT`): wards in the units table's order, categories and
    criteria in the schema's and register's order."""
    order = SORT.get(name, TABLES[name].key)
    ranks = {"ward": {slug: i for i, slug in enumerate(units["slug"])},
             "category": {c: i for i, c in enumerate(CRIME_CATEGORIES)},
             "criterion_id": {c: i for i, c in enumerate(criterion_ids)}}
    out = frame.sort_values(list(order), kind="stable",
                            key=lambda s: s.map(ranks[s.name]) if s.name in ranks else s)
    columns = [c for c in TABLES[name].columns if c in out.columns] + [c for c in keep if c in out.columns]
    return out[columns].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# The whole import


def _csv_text(frame: pd.DataFrame, name: str | None = None) -> str:
    """A table as the shipped panel writes it: UTF-8, LF, booleans True/False, blanks empty,
    whole numbers whole even beside a blank ("2", not "2.0")."""
    if name is not None:
        whole = [c for c, spec in TABLES[name].columns.items() if spec.kind in {"count", "year"} and c in frame]
        frame = frame.astype({c: "Int64" for c in whole if frame[c].dtype.kind == "f"})
    return frame.to_csv(index=False, lineterminator="\n", na_rep="")


def import_submissions(sources, out: Path | str, data_dir: Path | str | None = None,
                       replace: bool = False, dry_run: bool = False) -> Imported:
    """Read, check and merge `sources` into the data folder `out`; raise `DataError` on any problem.

    sources: workbooks, table folders or table files. out: the data folder to create, or to
    merge into (relative to the working directory, as every output). data_dir: a folder
    whose reference tables (units, criteria, ...) the records are checked against and which
    are copied into `out` when it has none (default: `out`'s own, else the shipped ones).
    replace: let records that differ from those already in `out` replace them (each one is
    listed); without it they are refused. dry_run: check everything and say what would
    change, write nothing. Nothing is written unless every part is clean and the merged
    folder validates.
    """
    out = Path(out).expanduser().resolve()
    problems = _unsafe_out(out, sources)
    if problems:
        raise DataError(problems)
    existing = out.is_dir() and any(out.iterdir())
    # Typed by the person at the prompt: relative to where they are, as `out` and the sources.
    data_dir = None if data_dir is None else Path(data_dir).expanduser().resolve()
    if data_dir is None and existing and any((out / f"units{s}").exists() for s in SUFFIXES):
        reference_dir = out  # a data folder with its own units: its records are checked against them
    else:
        reference_dir = data_dir
    reference, shown, context, problems = check_reference(reference_dir)
    if problems:
        raise DataError(problems)
    units = reference["units"]
    parts, problems, seen = read_sources(sources)
    typed = []
    for part in parts:
        part, blanks = _drop_blank_rows(part)
        problems += blanks
        if part.raw.empty:
            typed.append((part, None))  # a sheet left blank: counted; another source may hold the table
            continue
        frame, found = check_table(part.table, part.raw, part.shown, context, units, shown["units"])
        problems += found
        typed.append((part, frame))
    if problems:
        raise DataError(problems)
    criteria = list(dict.fromkeys(reference["criteria"]["criterion_id"]))
    filled = [(p, f) for p, f in typed if f is not None]
    merged, problems = merge_parts(filled, units, criteria, with_origin=True)
    problems += _incomplete_groups(merged, [p for p, _ in filled], reference["criteria"])
    if problems:
        raise DataError(problems)
    base, problems = _existing_records(out, context, units, shown["units"]) if existing else ({}, [])
    if problems:
        raise DataError(problems + [Problem(display_path(out), None, None, NO_VALUE,
                                            say("out_has_problems", out=display_path(out)))])
    tables, changes, problems = _combine(base, merged, [p for p, _ in filled], replace, units, criteria)
    for part, _ in typed:
        changes.setdefault(part.table, TableChange()).blank += part.blank
    for name, months in _months_without_rows(merged).items():
        changes.setdefault(name, TableChange()).absent += months
    missing = [name for name in RECORD_TABLES if name not in tables or tables[name].empty]
    problems += [Problem(", ".join(display_path(Path(s)) for s in sources), None, None, NO_VALUE,
                         say("table_missing", table=name)) for name in missing]
    copies, trouble = _reference_copies(out, data_dir) if data_dir is not None else ({}, [])
    problems += trouble
    if problems:
        raise DataError(problems)
    changes = {name: changes.get(name, TableChange()) for name in RECORD_TABLES}
    result = Imported(out, {n: len(f) for n, f in tables.items()}, changes, seen, created=not existing,
                      dry_run=dry_run)
    # The folder as it would be is checked in a dry run too, so a dry run never passes what a
    # real one refuses.
    staging, changed = _stage(tables, out, copies, beside_out=not dry_run)
    try:
        if not dry_run:
            result.written, result.backup = _commit(staging, out, changed)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return result


def _unsafe_out(out: Path, sources) -> list[Problem]:
    """What makes `out` a place an import must not write: a file, the working folder or one
    above it, a home folder, or a source itself."""
    shown = display_path(out)
    if out.exists() and not out.is_dir():
        return [Problem(shown, None, None, NO_VALUE, say("out_is_file"))]
    cwd = Path.cwd().resolve()
    if out == cwd or cwd.is_relative_to(out):
        return [Problem(shown, None, None, NO_VALUE, say("out_is_home", what=say("what_cwd")))]
    homes = {Path.home().resolve(), Path("/home"), Path("/root"), Path(out.anchor)}
    if out in homes:
        return [Problem(shown, None, None, NO_VALUE, say("out_is_home", what=say("what_home")))]
    from wardstudy import paths

    if out in {paths.synthetic_dir().resolve(), paths.reference_dir().resolve()}:
        return [Problem(shown, None, None, NO_VALUE, say("out_is_shipped"))]
    problems = []
    for source in sources:
        path = Path(source).expanduser().resolve()
        own_table = path.parent == out and path.suffix.lower() in SUFFIXES and path.stem in RECORD_TABLES
        if path == out or own_table or out.is_relative_to(path):
            problems.append(Problem(display_path(path), None, None, NO_VALUE, say("out_is_source", out=shown)))
    return problems


def _existing_records(out: Path, context, units: pd.DataFrame, units_shown: str
                      ) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """The record tables already in `out`, typed, with their problems."""
    from wardstudy.data.read import read_raw

    tables, problems = {}, []
    for name in RECORD_TABLES:
        workbook = out / f"{name}.xlsx"
        if workbook.exists():
            problems.append(Problem(display_path(workbook), None, None, NO_VALUE, say("out_table_xlsx", table=name)))
            continue
        path = out / f"{name}.csv"
        if not path.exists():
            continue
        try:
            raw = read_raw(path)
        except DataError as err:
            problems += err.details
            continue
        typed, found = check_table(name, raw, display_path(path), context, units, units_shown)
        problems += found
        tables[name] = typed
    return tables, problems


def _combine(base: dict[str, pd.DataFrame], new: dict[str, pd.DataFrame], parts: list[Part], replace: bool,
             units: pd.DataFrame, criterion_ids
             ) -> tuple[dict[str, pd.DataFrame], dict[str, TableChange], list[Problem]]:
    """The records of `out` after the import, what changed per table, and the refusals.

    base: the tables already in `out` (indexed by row in their file); new: the merged new
    records with their origin (`ORIGIN`, positions in `parts`). A new record whose key is
    not in `base` is added; with equal values it is unchanged (the old row is kept, its
    flags included); with other values it replaces the old one when `replace`, else it is
    refused naming both cells.
    """
    tables, changes, problems = {}, {}, []
    for name in RECORD_TABLES:
        old, fresh = base.get(name), new.get(name)
        if fresh is None:
            if old is not None:
                tables[name] = old.reset_index(drop=True)
            continue
        change = changes.setdefault(name, TableChange())
        origin = fresh[list(ORIGIN)]
        fresh = fresh.drop(columns=list(ORIGIN))
        if old is None:
            change.added = len(fresh)
            tables[name] = fresh
            continue
        key = list(TABLES[name].key)
        values = [c for c in TABLES[name].columns if c in fresh.columns and c not in key and c != "synthetic"]
        old = old.rename_axis("_old_row").reset_index()
        paired = fresh.merge(old, on=key, how="left", suffixes=("", "_old"), indicator=True)
        known = paired["_merge"].eq("both").to_numpy()
        differs = pd.Series(False, index=paired.index).to_numpy()
        for column in values:
            a, b = paired[column], paired[f"{column}_old"]
            cell = known & ~((a == b) | (a.isna() & b.isna())).to_numpy()
            differs = differs | cell
            for i in paired.index[cell]:
                record = ", ".join(_show(paired.at[i, k]) for k in key)
                if replace:
                    change.values.append((record, column, b.at[i], a.at[i]))
                    continue
                part, row = parts[int(origin["_source"].iat[i])], int(origin["_row"].iat[i])
                problems.append(Problem(part.shown, row, column, a.at[i], say(
                    "record_replaces", cell=_cell(part.letters, column, row, "({}) "), other=f"{name}.csv",
                    row=int(paired.at[i, "_old_row"]), value=_show(b.at[i]), key=" + ".join(key), record=record)))
        change.added = int((~known).sum())
        change.replaced = int((known & differs).sum())
        change.unchanged = int((known & ~differs).sum())
        kept = old.drop(columns="_old_row")
        if replace and change.replaced:
            gone = paired.loc[known & differs, key]
            kept = kept.merge(gone, on=key, how="left", indicator=True)
            kept = kept[kept["_merge"].eq("left_only")].drop(columns="_merge")
        if "synthetic" in kept.columns and "synthetic" not in fresh.columns:
            fresh = fresh.assign(synthetic=False)  # an imported record is an observation
        combined = pd.concat([kept, fresh], ignore_index=True).drop_duplicates(key, keep="first")
        tables[name] = _sorted(name, combined, units, criterion_ids)
    return tables, changes, problems


def _reference_copies(out: Path, data_dir: Path) -> tuple[dict[str, Path], list[Problem]]:
    """The reference tables of `data_dir` to copy into `out`: those `out` lacks. One `out`
    already holds with other bytes is refused: an import never overwrites it."""
    copies, problems = {}, []
    for name in REFERENCE_TABLES:
        for suffix in SUFFIXES:
            source = data_dir / f"{name}{suffix}"
            if not source.exists():
                continue
            target = out / source.name
            if not target.exists():
                copies[source.name] = source
            elif not filecmp.cmp(source, target, shallow=False):
                problems.append(Problem(display_path(target), None, None, NO_VALUE,
                                        say("reference_differs", other=display_path(source))))
    return copies, problems


def _stage(tables: dict[str, pd.DataFrame], out: Path, copies: dict[str, Path], beside_out: bool
           ) -> tuple[Path, list[str]]:
    """The folder `out` would become, assembled in a staging folder and checked as `validate` would.

    The staging folder holds the record tables, the reference tables to copy and those `out`
    already has; it is made beside `out` (`beside_out`, so the tables move in by a rename) or,
    for a dry run, in the system's temporary folder. Returns it and the names that change.
    Raises `DataError` naming the merged table and its row when the folder would not pass.
    """
    texts = {f"{name}.csv": _csv_text(frame, name) for name, frame in tables.items()}
    changed = [n for n, text in texts.items()
               if not (out / n).exists() or (out / n).read_text(encoding="utf-8") != text]
    changed += list(copies)
    if beside_out:
        out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent if beside_out else None))
    try:
        for name, text in texts.items():
            (staging / name).write_text(text, encoding="utf-8")
        for name, source in copies.items():
            shutil.copy2(source, staging / name)
        if out.is_dir():
            for name in REFERENCE_TABLES:
                for suffix in SUFFIXES:
                    if (out / f"{name}{suffix}").exists() and not (staging / f"{name}{suffix}").exists():
                        shutil.copy2(out / f"{name}{suffix}", staging / f"{name}{suffix}")
        _, problems = check(staging)
        if problems:
            # A rule between tables (an assessment's scheme and the register, ...): name the
            # table of `out` it would be, not the staging folder.
            where = {str(staging): str(out), display_path(staging): display_path(out)}
            raise DataError([Problem(_renamed(p.file, where), p.row, p.column, p.value,
                                     f"{p.rule} {say('in_merged_table')}") for p in problems])
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging, changed


def _renamed(file: str, where: dict[str, str]) -> str:
    for old, new in where.items():
        file = file.replace(old, new)
    return file


def _commit(staging: Path, out: Path, changed: list[str]) -> tuple[list[str], Path | None]:
    """Move the changed tables of `staging` into `out`, after a copy of each old one is kept in
    ``out/.wardstudy-backup/<time>/``. Returns the names written and the backup folder (None
    when nothing was overwritten)."""
    if not changed:
        return [], None
    backup = None
    overwritten = [n for n in changed if (out / n).exists()]
    if overwritten:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        backup = Path(tempfile.mkdtemp(prefix=f"{stamp}-", dir=_mkdir(out / BACKUP_FOLDER)))
        for name in overwritten:
            shutil.copy2(out / name, backup / name)
    out.mkdir(parents=True, exist_ok=True)
    for name in changed:
        os.chmod(staging / name, 0o644)
        os.replace(staging / name, out / name)
    return changed, backup


def _incomplete_groups(merged: dict[str, pd.DataFrame], parts: list[Part], register: pd.DataFrame) -> list[Problem]:
    """A ward's month of crimes without every category, or a ward's year of assessments without
    every criterion of its scheme: a row was deleted, and a deleted row is not a zero."""
    from wardstudy.data.schemes import with_scheme

    problems = []
    expected = {"crimes": lambda group: set(CRIME_CATEGORIES)}
    if {"criterion_id"} <= set(register.columns):
        by_scheme = with_scheme(register).groupby("scheme")["criterion_id"].apply(set).to_dict()
        expected["criteria_assessments"] = lambda group: by_scheme.get(group["scheme"].iloc[0], set())
    for name, wanted in expected.items():
        frame = merged.get(name)
        if frame is None or frame.empty:
            continue
        column, others = GROUPED[name]
        if name == "criteria_assessments":
            frame = with_scheme(frame)
        keys = ["ward", "month"] if name == "crimes" else ["ward", "year", "scheme"]
        for key, group in frame.groupby(keys, sort=False):
            lacking = sorted(wanted(group) - set(group[column]))
            if not lacking:
                continue
            first = group.iloc[0]
            part = parts[int(first["_source"])]
            problems.append(Problem(part.shown, int(first["_row"]), column, NO_VALUE, say(
                "group_lacks", ward=key[0], period=key[1], others=say(others), missing=", ".join(map(str, lacking)))))
    return problems


def _months_without_rows(merged: dict[str, pd.DataFrame]) -> dict[str, list[tuple[str, str]]]:
    """Per monthly table, the (ward, month) between a ward's first and last month given that
    have no row at all: named in the summary, as the rows left blank are."""
    found = {}
    for name, frame in merged.items():
        if frame.empty or "month" not in frame.columns:
            continue
        absent = []
        for ward, months in frame.groupby("ward", sort=False)["month"]:
            given = set(months)
            span = pd.period_range(min(given), max(given), freq="M").strftime("%Y-%m")
            absent += [(ward, m) for m in span if m not in given]
        if absent:
            found[name] = absent
    return found


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path
