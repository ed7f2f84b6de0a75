"""Check a ward report's parameters before the notebook does any work.

A report has six parameters (`PARAMETERS`): ``ward`` (a slug, GSO code or name in any
spelling, see `wardstudy.data.names`), ``year``, ``baseline_year`` (default: the year before),
``data_dir`` (default: the shipped synthetic panel), ``lang`` ("vi", the default, or "en") and
``primary_method`` (the impact method whose test is the ward's verdict, declared before the
data are seen: "did", the default, "synth" or "its"). They come from the notebook's
parameters cell or from a YAML file in ``params/`` (`load_params_file`). Every message
names where the values came from (the file), the key and the fix:

    params/xuat-hoa.yaml: ward "xuat-hao" is not a known unit; closest: xuat-hoa, ...
    params/duc-xuan.yaml: unknown key "yaer"; did you mean "year"?

>>> units = pd.DataFrame({"code": ["01840"], "name": ["Đức Xuân"], "slug": ["duc-xuan"], "type": ["phường"]})
>>> validate("Phường Đức Xuân", 2023, units=units, years=[2022, 2023]).ward
'duc-xuan'
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from wardstudy import data as data_module
from wardstudy.data.names import UnknownWard, WardResolver

__all__ = ["PARAMETERS", "ReportParams", "ParameterError", "load_params_file", "check_keys", "validate",
           "required_keys", "validate_file", "unit_life_problem"]

# key -> (accepted types, what to write); the only keys a params file may hold.
PARAMETERS = {
    "ward": ((str, int), "a unit slug, GSO code or name, e.g. duc-xuan"),
    "year": ((int,), "a whole year such as 2023"),
    "baseline_year": ((int, type(None)), "a whole year such as 2022, or null for the year before"),
    "data_dir": ((str, type(None)), "a folder path, or null for the shipped synthetic panel"),
    "lang": ((str,), 'the language of the report, "vi" (default) or "en"'),
    # issue 23, item 6: the method whose test is the ward's verdict, declared before the data
    # are seen (`evaluate.design.METHODS`); the other two are reported as supporting
    "primary_method": ((str,), 'the method that gives the verdict, "did" (default), "synth" or "its"'),
}
PRIMARY_METHODS = ("did", "synth", "its")  # = evaluate.design.METHODS (tested), so checking a file imports no estimator
LANGS = ("vi", "en")  # the report's languages (one wording catalogue each, `report.wording`)


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
    lang: str = "vi"
    primary_method: str = "did"


def load_params_file(path: Path | str) -> dict:
    """Read one ward's parameters from a YAML file, checking its keys and their types.

    Raises `ParameterError` naming the file: unreadable YAML, not a mapping, an unknown
    key (with the closest known one), a value of the wrong type. Values are not checked
    against the data here (`validate` does that).

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
        if key == "lang" and value not in LANGS:
            raise ParameterError(f'{source}: key "lang" must be {what}, got {value!r}')
        if key == "primary_method" and value not in PRIMARY_METHODS:
            raise ParameterError(f'{source}: key "primary_method" must be {what}, got {value!r}')


def validate(ward, year, baseline_year=None, data_dir=None, source: str = "parameters", *,
             units: pd.DataFrame | None = None, years: list[int] | None = None, lang: str = "vi",
             primary_method: str = "did") -> ReportParams:
    """Return the checked parameters, or raise `ParameterError` naming what is wrong.

    ward: a unit slug (``duc-xuan``), GSO code or name in any spelling, resolved to the
    slug; year: the report year; baseline_year: the year to compare with (default: the
    year before); data_dir: a folder of record tables or None for the shipped synthetic
    panel. `source` names where the values came from (a params file) in messages.
    `units` and `years` are what the data hold (from the study's build): the ward must
    be a unit, both years must be in the data. Without them, the build of `data_dir` is
    made or reused to find them (a data problem is then a `ParameterError`).
    """
    values = {"ward": ward, "year": year, "baseline_year": baseline_year,
              "data_dir": None if data_dir is None else str(data_dir), "lang": lang,
              "primary_method": primary_method}
    check_keys(values, source)
    if units is None or years is None:
        units, years = _units_and_years(data_dir, source)
    baseline_year = year - 1 if baseline_year is None else baseline_year
    slug = _resolve(ward, units, source, year)
    for key, value in {"year": year, "baseline_year": baseline_year}.items():
        if value not in years:
            raise ParameterError(f"{source}: {key} {value} is outside the data ({years[0]}-{years[-1]})")
    if baseline_year >= year:
        raise ParameterError(f"{source}: baseline_year {baseline_year} must be before year {year}")
    row = units.loc[units["slug"] == slug].iloc[0]
    _within_unit_life(row, year, units, source)
    return ReportParams(ward=slug, year=year, baseline_year=baseline_year,
                        data_dir=None if data_dir is None else data_module.resolve_data_dir(data_dir),
                        name=row["name"], code=row["code"], lang=lang, primary_method=primary_method)


def _within_unit_life(unit: pd.Series, year: int, units: pd.DataFrame, source: str) -> None:
    """Refuse a report year that is not a whole year of the unit (`unit_life_problem`)."""
    problem = unit_life_problem(unit, year, units)
    if problem:
        raise ParameterError(f"{source}: {problem}")


def unit_life_problem(unit: pd.Series, year: int, units: pd.DataFrame) -> str | None:
    """Why `year` is not a whole year of `unit` (the 2025 reorganisation), or None if it is.

    An old unit that ceased during `year` has no report for it: its successor has. A unit
    made during or after `year` has one only when all its predecessors are in the data
    (its earlier months are their sums, `data.crosswalk.with_successor_series`).

    >>> units = pd.DataFrame({"slug": ["old", "new"], "code": ["01", "01"], "successor_code": ["01", None],
    ...                       "valid_from": [None, "2025-07-01"], "valid_to": ["2025-06-30", None]})
    >>> unit_life_problem(units.iloc[0], 2024, units) is None
    True
    >>> unit_life_problem(units.iloc[0], 2025, units)
    'old ceased to exist on 2025-06-30, so 2025 is not a whole year of it; report 2025 on its successor new instead'
    """
    def day(column):
        value = unit.get(column)
        return None if value is None or pd.isna(value) or not str(value).strip() else str(value)[:10]

    valid_from, valid_to = day("valid_from"), day("valid_to")
    if valid_to and valid_to < f"{year}-12-31":
        successor = units[(units["code"].astype(str) == str(unit.get("successor_code")))
                          & (units.get("valid_from", pd.Series(None, index=units.index)).astype(str) > valid_to)]
        instead = (f"; report {year} on its successor {successor['slug'].iloc[0]} instead" if len(successor)
                   else "")
        return f"{unit['slug']} ceased to exist on {valid_to}, so {year} is not a whole year of it{instead}"
    if valid_from and valid_from > f"{year}-01-01":
        from wardstudy.data.crosswalk import load_crosswalk

        crosswalk = load_crosswalk()
        parts = crosswalk[crosswalk["new_slug"] == unit["slug"]]
        missing = sorted(set(parts["old_slug"]) - set(units["slug"]))
        if parts.empty or missing:
            why = (f"its predecessor(s) {', '.join(missing)} are not in the data, so its months before "
                   f"{valid_from} cannot be summed" if missing else "it has no predecessors in the 2025 crosswalk")
            return f"{unit['slug']} began on {valid_from} and {why}: {year} is not a whole year of it"
    return None


def _units_and_years(data_dir, source: str) -> tuple[pd.DataFrame, list[int]]:
    from wardstudy.pipeline.build import ensure_build

    try:
        build = ensure_build(data_dir)
    except data_module.DataError as err:
        raise ParameterError(f"{source}: the data in {data_module.resolve_data_dir(data_dir)} have "
                             f"{len(err.problems)} problem(s):\n" + "\n".join(err.problems)) from None
    return build.read("units"), build.years


def _resolve(ward, units: pd.DataFrame, source: str, year: int | None = None) -> str:
    """The slug of `ward` (a code or name reused in 2025: the unit at the end of `year`); a
    slug as written is found without building the full resolver."""
    if isinstance(ward, str) and (units["slug"] == ward).any():
        return ward
    try:
        return WardResolver.from_units(units).lookup(ward, year)
    except UnknownWard as err:
        raise ParameterError(f'{source}: ward "{ward}" {err.describe()}') from None


def required_keys(values: dict, source: str) -> None:
    """Raise `ParameterError` when a params file lacks ward or year."""
    missing = [k for k in ("ward", "year") if k not in values]
    if missing:
        raise ParameterError(f"{source}: key(s) {', '.join(missing)} missing "
                             "(a params file needs at least ward and year)")


def validate_file(path: Path | str, **overrides) -> ReportParams:
    """Load a params file and validate it against its data (the build of its data_dir);
    every message names the file."""
    shown = data_module.display_path(Path(path))
    values = {**load_params_file(path), **overrides}
    required_keys(values, shown)
    return validate(source=shown, **values)
