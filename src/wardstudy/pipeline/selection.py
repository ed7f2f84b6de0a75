"""Many reports without a params file each: a selection of wards and years.

A params file describes one report; a national run has hundreds. A *selection* says
which wards, of which data, for which years, and expands into one report per ward and
year, checked like a params file. It is a YAML file (``wardstudy run --selection FILE``)
or the same keys as command-line options (``--select programme --year 2024
--data-dir data/national``)::

    # params/selections/national-programme.yaml
    data_dir: data/national    # the folder of tables (null: the shipped panel)
    wards: programme           # programme | all
    years: [2024]              # or year: 2024
    province: null             # a province's name or code, to run only its wards
    baseline_year: null        # null: the year before each report year

``wards: programme`` takes the units in the programme table whose cohort year is at most
the report year (the wards in the programme by then); ``all`` takes every unit of the
data (of the province, when given). Pages are named ``<ward>-<year>.html``.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from wardstudy import data as data_module
from wardstudy.data.names import fold
from wardstudy.pipeline.params import ParameterError, unit_life_problem

__all__ = ["Selection", "SELECTION_KEYS", "WARD_SETS", "load_selection", "selection_from_options", "expand"]

WARD_SETS = ("programme", "all")
SELECTION_KEYS = {
    "data_dir": "a folder path, or null for the shipped synthetic panel",
    "wards": f"one of {', '.join(WARD_SETS)}",
    "years": "a list of whole years such as [2023, 2024]",
    "year": "a whole year such as 2024 (instead of years)",
    "province": "a province's name or 2-digit code, or null for every province",
    "baseline_year": "a whole year, or null for the year before each report year",
}


@dataclass(frozen=True)
class Selection:
    """Which reports to make: `wards` (programme or all) of `data_dir`, for each of `years`."""

    years: tuple[int, ...]
    wards: str = "programme"
    data_dir: str | None = None
    province: str | None = None
    baseline_year: int | None = None
    source: str = "selection"

    def __post_init__(self):
        if self.wards not in WARD_SETS:
            raise ParameterError(f'{self.source}: wards "{self.wards}" must be {SELECTION_KEYS["wards"]}')
        if not self.years or not all(isinstance(y, int) and not isinstance(y, bool) for y in self.years):
            raise ParameterError(f"{self.source}: years must be {SELECTION_KEYS['years']}, got {list(self.years)!r}")


def selection_from_options(wards: str, years: list[int], data_dir: str | None = None,
                           province: str | None = None, baseline_year: int | None = None) -> Selection:
    """The selection given as command-line options (`wardstudy run --select ...`)."""
    return Selection(years=tuple(years), wards=wards, data_dir=data_dir, province=province,
                     baseline_year=baseline_year, source="wardstudy run --select")


def load_selection(path: Path | str) -> Selection:
    """Read a selection YAML file; `ParameterError` names the file and the key.

    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
    ...     _ = f.write("wards: programme\\nyear: 2024\\ndata_dir: data/national\\n")
    >>> load_selection(f.name).years
    (2024,)
    >>> os.unlink(f.name)
    """
    import yaml

    path = Path(path)
    shown = data_module.display_path(path)
    try:
        values = yaml.safe_load(path.read_text(encoding="utf-8-sig")) or {}
    except FileNotFoundError:
        raise ParameterError(f"{shown}: selection file does not exist") from None
    except yaml.YAMLError as err:
        raise ParameterError(f"{shown}: is not valid YAML ({getattr(err, 'problem', err)})") from None
    if not isinstance(values, dict):
        raise ParameterError(f"{shown}: must be a mapping of key: value lines (wards: programme)")
    for key in values:
        if key not in SELECTION_KEYS:
            close = difflib.get_close_matches(str(key), list(SELECTION_KEYS), n=1, cutoff=0.5)
            hint = f'; did you mean "{close[0]}"?' if close else f"; known keys: {', '.join(SELECTION_KEYS)}"
            raise ParameterError(f'{shown}: unknown key "{key}"{hint}')
    if ("year" in values) == ("years" in values):
        raise ParameterError(f"{shown}: give either year: or years:, not {'both' if 'year' in values else 'neither'}")
    years = values.get("years", [values.get("year")])
    province = values.get("province")
    return Selection(years=tuple(years if isinstance(years, list) else [years]),
                     wards=values.get("wards", "programme"), data_dir=values.get("data_dir"),
                     province=None if province is None else str(province),
                     baseline_year=values.get("baseline_year"), source=shown)


def _province_units(units: pd.DataFrame, province: str | None, source: str) -> pd.DataFrame:
    if province is None:
        return units
    wanted = fold(province).removeprefix("tinh ").removeprefix("thanh pho ")
    match = units["province_code"].astype(str).str.zfill(2) == province.zfill(2)
    match |= units["province"].map(fold) == wanted
    if not match.any():
        names = sorted(units["province"].unique())
        close = difflib.get_close_matches(province, names, n=3)
        raise ParameterError(f'{source}: province "{province}" has no unit in the data; '
                             f"closest: {', '.join(close) or ', '.join(names[:5])}")
    return units[match]


def expand(selection: Selection, units: pd.DataFrame, programme: pd.DataFrame) -> list[dict]:
    """One parameters dict per report: ward (slug), year, baseline_year, data_dir, and the
    page name ``<ward>-<year>``. Sorted by province, ward and year.

    Only whole years of a unit are reports (`params.unit_life_problem`, the rule a params
    file is held to): an old unit has none for 2025, a unit made in July 2025 has its earlier
    years only when all its predecessors are in the data.

    >>> units = pd.DataFrame({"slug": ["a", "b"], "province_code": ["06", "06"], "province": ["Bắc Kạn"] * 2})
    >>> programme = pd.DataFrame({"ward": ["a"], "cohort_year": [2023]})
    >>> [r["page"] for r in expand(Selection(years=(2023, 2024)), units, programme)]
    ['a-2023', 'a-2024']
    """
    chosen = _province_units(units, selection.province, selection.source)
    chosen = chosen.sort_values(["province_code", "slug"])
    cohort = dict(zip(programme["ward"], programme["cohort_year"].astype(int)))
    reports = []
    for _, unit in chosen.iterrows():
        slug = unit["slug"]
        for year in selection.years:
            if selection.wards == "programme" and not cohort.get(slug, year + 1) <= year:
                continue
            if unit_life_problem(unit, year, units):
                continue
            reports.append({"page": f"{slug}-{year}", "ward": slug, "year": year,
                            "baseline_year": selection.baseline_year, "data_dir": selection.data_dir})
    if not reports:
        raise ParameterError(f"{selection.source}: selects no report ({selection.wards} wards"
                             f"{'' if selection.province is None else ' of ' + selection.province}, "
                             f"years {', '.join(map(str, selection.years))})")
    return reports
