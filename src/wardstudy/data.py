"""Find, read and check the input tables; hand them over as one `StudyData`.

Two kinds of table:

* reference tables (``data/reference/``): real and sourced — units, programme cohorts,
  the criteria register, published figures;
* record tables (``data/synthetic/`` by default): monthly ward records behind the
  indicators. The shipped ones are synthetic; point ``data_dir`` at a folder of real
  tables with the same names and columns to use real records. A reference table placed
  in ``data_dir`` overrides the shipped one.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

import pandas as pd

from wardstudy import paths

__all__ = ["RECORD_TABLES", "REFERENCE_TABLES", "StudyData", "DataError", "read_table", "load"]

# table name -> the columns it must have (beyond the optional ``synthetic`` flag)
REFERENCE_TABLES = {
    "units": ["code", "name", "slug", "type", "valid_to", "successor_code"],
    "programme": ["ward", "cohort_year"],
    "criteria": ["criterion_id"],
    "published": ["ward", "year", "indicator", "value", "source"],
}
RECORD_TABLES = {
    "crimes": ["ward", "month", "category", "count"],
    "tips": ["ward", "month", "received", "handled"],
    "procedures": ["ward", "month", "total", "online", "resolved", "on_time", "early"],
    "project06": ["ward", "month", "eligible_residents", "chip_ids_issued", "vneid_level2_accounts"],
    "fire_safety": ["ward", "month", "fire_safety_groups", "public_firefighting_points"],
    "community_models": ["ward", "month", "models_active"],
    "criteria_assessments": ["ward", "year", "criterion_id", "met"],
}
# Identifiers that must stay text: GSO codes keep their leading zeros.
TEXT_COLUMNS = {"code", "successor_code", "district_code", "province_code", "ward", "slug", "month",
                "criterion_id"}


class DataError(ValueError):
    """One or more input tables broke a rule; `problems` lists them all."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class StudyData:
    """All input tables of one study, validated. Record tables are tidy and monthly."""

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
            "synthetic" in table.columns and bool(table["synthetic"].astype(bool).any())
            for table in self.tables().values()
        )

    def tables(self) -> dict[str, pd.DataFrame]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "data_dir"}

    def years(self) -> list[int]:
        """The calendar years the record tables cover."""
        return sorted(self.crimes["month"].str[:4].astype(int).unique().tolist())


def read_table(path: Path) -> pd.DataFrame:
    """Read one CSV table as UTF-8 (a byte-order mark is allowed), identifiers as text."""
    path = Path(path)
    header = pd.read_csv(path, nrows=0, encoding="utf-8-sig").columns
    dtypes = {c: "string" for c in header if c in TEXT_COLUMNS}
    frame = pd.read_csv(path, encoding="utf-8-sig", dtype=dtypes, keep_default_na=True)
    for column in dtypes:
        frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame


def _find(name: str, data_dir: Path, fallback: Path | None) -> Path:
    for folder in [data_dir, fallback]:
        if folder is not None and (folder / f"{name}.csv").exists():
            return folder / f"{name}.csv"
    raise DataError([f"{data_dir / (name + '.csv')}: table {name!r} is missing"])


def _check_columns(name: str, path: Path, frame: pd.DataFrame, required: list[str]) -> list[str]:
    missing = [c for c in required if c not in frame.columns]
    return [f"{path}: column {c!r} is missing (table {name} needs {', '.join(required)})" for c in missing]


def load(data_dir: Path | str | None = None) -> StudyData:
    """Load and check every table; raise `DataError` listing all problems at once.

    data_dir: folder of record tables (default: the shipped synthetic panel).
    Reference tables are read from `data_dir` when present there, else from the
    shipped ``data/reference``.
    """
    data_dir = paths.synthetic_dir() if data_dir is None else Path(data_dir).expanduser().resolve()
    if not data_dir.is_dir():
        raise DataError([f"{data_dir}: data folder does not exist"])
    frames: dict[str, pd.DataFrame] = {}
    problems: list[str] = []
    for tables, fallback in [(REFERENCE_TABLES, paths.reference_dir()), (RECORD_TABLES, None)]:
        for name, required in tables.items():
            try:
                path = _find(name, data_dir, fallback)
            except DataError as err:
                problems.extend(err.problems)
                continue
            frame = read_table(path)
            problems.extend(_check_columns(name, path, frame, required))
            frames[name] = frame
    if problems:
        raise DataError(problems)
    return StudyData(data_dir=data_dir, **frames)
