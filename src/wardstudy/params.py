"""Check a ward report's parameters before the notebook does any work.

A report has four parameters (`PARAMETERS`): ``ward`` (a slug, GSO code or name in any
spelling, see `wardstudy.names`), ``year``, ``baseline_year`` (default: the year before)
and ``data_dir`` (default: the shipped synthetic panel). They come from the notebook's
parameters cell or from a YAML file in ``params/`` (`load_params_file`). Every message
names where the values came from (the file), the key and the fix:

    params/xuat-hoa.yaml: ward "xuat-hao" is not a known unit; closest: xuat-hoa, ...
    params/duc-xuan.yaml: unknown key "yaer"; did you mean "year"?

>>> validate("Phường Đức Xuân", 2023).ward
'duc-xuan'
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from wardstudy import data as data_module
from wardstudy.names import UnknownWard, WardResolver

__all__ = ["PARAMETERS", "ReportParams", "ParameterError", "load_params_file", "check_keys", "validate",
           "validate_file"]

# key -> (accepted types, what to write); the only keys a params file may hold.
PARAMETERS = {
    "ward": ((str, int), "a unit slug, GSO code or name, e.g. duc-xuan"),
    "year": ((int,), "a whole year such as 2023"),
    "baseline_year": ((int, type(None)), "a whole year such as 2022, or null for the year before"),
    "data_dir": ((str, type(None)), "a folder path, or null for the shipped synthetic panel"),
}


class ParameterError(ValueError):
    """A report parameter is wrong; the message says which, where, and how to fix it."""


@dataclass(frozen=True)
class ReportParams:
    ward: str
    year: int
    baseline_year: int
    data_dir: Path | None
    name: str
    code: str
    # The checked data, loaded once here so the notebook does not read and check them again.
    study: data_module.StudyData | None = field(default=None, repr=False, compare=False)


def load_params_file(path: Path | str) -> dict:
    """Read one ward's parameters from a YAML file, checking its keys and their types.

    Raises `ParameterError` naming the file: unreadable YAML, not a mapping, an unknown
    key (with the closest known one), a value of the wrong type. Values are not checked
    against the data here (`validate_file` does that).

    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
    ...     _ = f.write("ward: duc-xuan\\nyear: 2023\\n")
    >>> load_params_file(f.name)
    {'ward': 'duc-xuan', 'year': 2023}
    >>> os.unlink(f.name)
    """
    import yaml

    path = Path(path)
    shown = data_module.display_path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ParameterError(f"{shown}: parameters file does not exist") from None
    except UnicodeDecodeError as err:
        raise ParameterError(f"{shown}: is not UTF-8 text (byte 0x{err.object[err.start]:02X} at offset "
                             f"{err.start}); re-save it as UTF-8") from None
    try:
        values = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        raise ParameterError(f"{shown}{where}: is not valid YAML ({getattr(err, 'problem', err)})") from None
    if values is None:
        values = {}
    if not isinstance(values, dict):
        raise ParameterError(f"{shown}: must be a mapping of key: value lines (ward: duc-xuan), "
                             f"got {type(values).__name__}")
    check_keys(values, shown)
    return values


def check_keys(values: dict, source: str = "parameters") -> None:
    """Raise `ParameterError` for an unknown key (closest known key suggested) or a wrong type."""
    for key, value in values.items():
        if key not in PARAMETERS:
            close = difflib.get_close_matches(str(key), list(PARAMETERS), n=1, cutoff=0.5)
            hint = f'; did you mean "{close[0]}"?' if close else f"; known keys: {', '.join(PARAMETERS)}"
            raise ParameterError(f'{source}: unknown key "{key}"{hint}')
        types, what = PARAMETERS[key]
        # bool is an int in Python, but `year: yes` is a typo, not a year.
        if isinstance(value, bool) or not isinstance(value, types):
            raise ParameterError(f'{source}: key "{key}" must be {what}, got {value!r} '
                                 f"({type(value).__name__})")


def validate(ward, year, baseline_year=None, data_dir=None, source: str = "parameters",
             study: data_module.StudyData | None = None) -> ReportParams:
    """Return the checked parameters, or raise `ParameterError` naming what is wrong.

    ward: a unit slug (``duc-xuan``), GSO code or name in any spelling, resolved to the
    slug; year: the report year; baseline_year: the year to compare with (default: the
    year before); data_dir: a folder of record tables or None for the shipped synthetic
    panel. `source` names where the values came from (a params file) in messages.
    The data are loaded and checked too: a data problem is a `ParameterError` naming
    `source` and listing the data's problems. A caller that has already loaded the data
    of `data_dir` passes them as `study` (the batch checks many params files against one
    data folder).
    """
    values = {"ward": ward, "year": year, "baseline_year": baseline_year,
              "data_dir": None if data_dir is None else str(data_dir)}
    check_keys(values, source)
    baseline_year = year - 1 if baseline_year is None else baseline_year
    try:
        study = data_module.load(data_dir) if study is None else study
    except data_module.DataError as err:
        raise ParameterError(f"{source}: the data in {data_dir or 'the shipped panel'} have "
                             f"{len(err.problems)} problem(s):\n" + "\n".join(err.problems)) from None
    resolver = WardResolver.from_units(study.units)
    try:
        slug = resolver.lookup(ward)
    except UnknownWard as err:
        raise ParameterError(f'{source}: ward "{ward}" {err.describe()}') from None
    years = study.years()
    for key, value in {"year": year, "baseline_year": baseline_year}.items():
        if value not in years:
            raise ParameterError(f"{source}: {key} {value} is outside the data ({years[0]}-{years[-1]})")
    if baseline_year >= year:
        raise ParameterError(f"{source}: baseline_year {baseline_year} must be before year {year}")
    units = study.units.set_index("slug")
    return ReportParams(ward=slug, year=year, baseline_year=baseline_year,
                        data_dir=None if data_dir is None else Path(data_dir),
                        name=units.loc[slug, "name"], code=units.loc[slug, "code"], study=study)


def validate_file(path: Path | str, **overrides) -> ReportParams:
    """Load a params file and validate it; every message names the file."""
    values = {**load_params_file(path), **overrides}
    if "ward" not in values or "year" not in values:
        missing = [k for k in ("ward", "year") if k not in values]
        raise ParameterError(f"{data_module.display_path(Path(path))}: key(s) {', '.join(missing)} missing "
                             "(a params file needs at least ward and year)")
    return validate(source=data_module.display_path(Path(path)), **values)
