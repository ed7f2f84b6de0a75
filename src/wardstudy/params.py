"""Check a ward report's parameters before the notebook does any work."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from wardstudy import data as data_module

__all__ = ["ReportParams", "ParameterError", "validate"]


class ParameterError(ValueError):
    """A report parameter is wrong; the message says which and how to fix it."""


@dataclass(frozen=True)
class ReportParams:
    ward: str
    year: int
    baseline_year: int
    data_dir: Path | None
    name: str
    code: str


def validate(ward, year, baseline_year=None, data_dir=None, source: str = "parameters") -> ReportParams:
    """Return the checked parameters, or raise `ParameterError` naming what is wrong.

    ward: a unit slug (``duc-xuan``); year: the report year; baseline_year: the year to
    compare with (default: the year before); data_dir: a folder of record tables or None
    for the shipped synthetic panel. `source` names where the values came from (a params
    file) in messages.
    """
    for key, value in {"year": year, "baseline_year": baseline_year}.items():
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise ParameterError(f"{source}: {key} must be a whole year such as 2023, got {value!r}")
    baseline_year = year - 1 if baseline_year is None else baseline_year
    study = data_module.load(data_dir)
    units = study.units.set_index("slug")
    if ward not in units.index:
        raise ParameterError(f"{source}: ward {ward!r} is not a known unit; known: {', '.join(units.index)}")
    years = study.years()
    for key, value in {"year": year, "baseline_year": baseline_year}.items():
        if value not in years:
            raise ParameterError(f"{source}: {key} {value} is outside the data ({years[0]}-{years[-1]})")
    return ReportParams(ward=ward, year=year, baseline_year=baseline_year,
                        data_dir=None if data_dir is None else Path(data_dir),
                        name=units.loc[ward, "name"], code=units.loc[ward, "code"])
