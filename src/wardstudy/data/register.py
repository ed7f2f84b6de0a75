"""The programme register: every ward a public source names as a model-ward police, with its GSO code.

``data/reference/programme_register.csv`` is real, sourced information, one row per
source statement: the ward as the source names it (``ward_name``, ``district``,
``province``), the ``cohort_year`` the source gives (blank when it gives none), the
``status`` it reports (pilot, chosen, built, recognised, registered), the figure it
prints, its date, URL and a short quote. ``code`` is the ward's GSO code, matched
through the national unit list (`wardstudy.data.national`) by `match_codes`; a row that
cannot be matched to exactly one unit keeps ``code`` blank and says why in
``match_note``. Nothing is guessed: a ward whose district changed after the source was
written (a merger, a renamed unit) is listed with the unit the list does have, for a
person to confirm.

This register is national; ``programme.csv`` is the study's own cohort table (the wards
of the record tables that are treated). They agree on the wards they share (a test).

* `read_register`: the shipped register, checked against its schema;
* `match_codes`: name + district + province -> GSO code, or the reason there is none;
* `sourced_cohorts`: GSO code -> cohort year, for every matched row with a year;
* `excluded_rows`: the rows that stay out of the cohorts, each with its reason.

>>> cohorts = sourced_cohorts()
>>> cohorts["01840"], cohorts["00019"]       # Đức Xuân (Bắc Kạn), Điện Biên (Ba Đình, Hà Nội)
(2023, 2021)
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pandas as pd

from wardstudy import paths
from wardstudy.data.names import fold, strip_diacritics
from wardstudy.data.national import read_national_units
from wardstudy.data.read import DataError, display_path, read_raw
from wardstudy.data.schemas import REGISTER_STATUSES, Context, validate_table

__all__ = ["STATUSES", "register_path", "read_register", "match_codes", "sourced_cohorts", "excluded_rows"]

# What a source says happened, weakest first (the schema's list): "registered": a province put
# the ward forward; "chosen"/"pilot": it was picked to build the model; "built": the source
# reports the work (often a score such as 18/22); "recognised": a decision of the Minister.
STATUSES = REGISTER_STATUSES
UNIT_LIST = "the GSO list of 2025-01-04"

_UNIT_TYPE = re.compile(r"^(phuong|xa|thi tran)\s+", re.IGNORECASE)
_AREA_TYPE = re.compile(r"^(tinh|thanh pho|quan|huyen|thi xa)\s+")
_TYPES = {"phuong": "phường", "xa": "xã", "thi tran": "thị trấn"}


def register_path() -> Path:
    return paths.reference_dir() / "programme_register.csv"


def read_register(path: Path | str | None = None) -> pd.DataFrame:
    """The programme register, checked (`wardstudy.data.schemas.TABLES["programme_register"]`).

    Codes stay 5-digit text; ``cohort_year`` is a float with NaN where no year is stated.
    Raises `wardstudy.data.DataError` listing every problem (file, row, column, rule).
    """
    path = Path(path) if path is not None else register_path()
    typed, problems = validate_table("programme_register", read_raw(path), display_path(path), Context())
    if problems:
        raise DataError(problems)
    typed["cohort_year"] = typed["cohort_year"].astype(float)
    return typed.reset_index(drop=True)


def _area_key(text: str) -> str:
    """A district or province as a matching key: folded, its type word dropped.

    >>> _area_key("Tỉnh Bà Rịa – Vũng Tàu") == _area_key("Bà Rịa - Vũng Tàu")
    True
    >>> _area_key("Thị xã Cửa Lò"), _area_key("Quận 12")
    ('cua lo', '12')
    """
    text = re.sub(r"[\u2013\u2014]", "-", str(text))  # the en dash of "Bà Rịa – Vũng Tàu"
    return _AREA_TYPE.sub("", fold(text))


def _unit_type(ward_name: str) -> str | None:
    """The unit type written before a ward's name ("Phường 1" -> "phường"), or None."""
    found = _UNIT_TYPE.match(strip_diacritics(str(ward_name)).lower())
    return _TYPES[found.group(1).lower()] if found else None


def _reason(name: str, kind: str | None, district: str, province: str, in_province: pd.DataFrame,
            in_district: pd.DataFrame) -> str:
    """Why a ward has no unique code, naming the units the list does have."""
    what = f"{kind or 'unit'} {name} in {district}, {province}"
    if len(in_province):
        found = "; ".join(f"{r.name} ({r.code}) in {r.district}" for r in in_province.itertuples())
        return (f"no {what} in {UNIT_LIST}; it has {found}: the district differs from the source "
                "(a unit merged or renamed since?), confirm by hand")
    closest = difflib.get_close_matches(fold(name), in_district["key"].tolist(), n=2, cutoff=0.6)
    near = in_district[in_district["key"].isin(closest)]
    hint = "; closest there: " + ", ".join(f"{r.name} ({r.code})" for r in near.itertuples()) if len(near) else ""
    return f"no {what} in {UNIT_LIST}{hint} (merged or renamed since the source?)"


def match_codes(rows: pd.DataFrame, national: pd.DataFrame | None = None) -> pd.DataFrame:
    """The GSO code of each row's ward, matched by name, district and province.

    rows: ``ward_name`` (with its type, "Phường Điện Biên"), ``district``, ``province`` as a
    source writes them. national: the national unit list (default: the shipped one).
    Names are compared folded (`wardstudy.data.names.fold`: no diacritics, case or unit
    type); districts and provinces also without their type word ("Thị xã", "Tỉnh") and with
    any dash. The unit type must agree when the source gives one.
    Returns ``code`` (blank when not exactly one unit fits) and ``match_note`` (why not;
    blank when matched), on the index of `rows`.

    >>> rows = pd.DataFrame({"ward_name": ["Phường Điện Biên", "Phường Hải Châu 1"],
    ...                      "district": ["Quận Ba Đình", "Quận Hải Châu"],
    ...                      "province": ["Thành phố Hà Nội", "Thành phố Đà Nẵng"]})
    >>> got = match_codes(rows)
    >>> got["code"].tolist()
    ['00019', '']
    >>> got["match_note"].iloc[1].startswith("no phường Hải Châu 1 in Quận Hải Châu")
    True
    """
    national = read_national_units() if national is None else national
    units = national.assign(key=national["name"].map(fold), district_key=national["district"].map(_area_key),
                            province_key=national["province"].map(_area_key))
    codes, notes = [], []
    for name, district, province in zip(rows["ward_name"], rows["district"], rows["province"]):
        kind = _unit_type(name)
        same_province = units[units["province_key"] == _area_key(province)]
        named = same_province[(same_province["key"] == fold(name))
                              & ((same_province["type"] == kind) if kind else True)]
        hits = named[named["district_key"] == _area_key(district)]
        if len(hits) == 1:
            codes.append(hits["code"].iloc[0])
            notes.append("")
            continue
        codes.append("")
        if len(hits) > 1:
            notes.append(f"fits {len(hits)} units of {UNIT_LIST}: {', '.join(hits['code'])}")
        else:
            in_district = same_province[same_province["district_key"] == _area_key(district)]
            notes.append(_reason(str(name).split(" ", 1)[-1] if kind else str(name), kind, district, province,
                                 named, in_district))
    return pd.DataFrame({"code": codes, "match_note": notes}, index=rows.index)


def sourced_cohorts(register: pd.DataFrame | None = None) -> dict[str, int]:
    """GSO code -> cohort year of every ward the register places in a year, matched to a code.

    A ward with several rows (chosen, then built, then recognised) takes the earliest year
    any source gives: the year it entered the programme. Rows without a year or a code are
    left out (`excluded_rows` lists them with the reason).

    >>> reg = pd.DataFrame({"code": ["00019", "00019", "26776", ""], "cohort_year": [2021, 2022, None, 2023]})
    >>> sourced_cohorts(reg)
    {'00019': 2021}
    """
    register = read_register() if register is None else register
    code = register["code"].fillna("").astype(str)
    placed = register[(code != "") & register["cohort_year"].notna()]
    years = placed.assign(cohort_year=placed["cohort_year"].astype(int)).groupby("code")["cohort_year"].min()
    return {str(c): int(y) for c, y in years.sort_index().items()}


def excluded_rows(register: pd.DataFrame | None = None) -> pd.DataFrame:
    """The register rows that place no ward in a cohort, each with its reason.

    Reasons: ``no year stated`` (the source names the ward as a model without a year), or
    the ``match_note`` of a ward with no unique GSO code. Columns: ward_name, district,
    province, status, url, reason.

    >>> reg = pd.DataFrame({"ward_name": ["A", "B"], "district": ["d", "d"], "province": ["p", "p"],
    ...                     "status": ["built", "pilot"], "url": ["u", "u"], "code": ["00001", ""],
    ...                     "cohort_year": [None, 2021], "match_note": ["", "no phường B in d, p"]})
    >>> excluded_rows(reg)["reason"].tolist()
    ['no year stated', 'no phường B in d, p']
    """
    register = read_register() if register is None else register
    no_year = register["cohort_year"].isna()
    no_code = register["code"].fillna("").astype(str) == ""
    reason = pd.Series("", index=register.index)
    reason[no_code] = register.loc[no_code, "match_note"].fillna("").astype(str)
    reason[no_year] = "no year stated"
    both = no_year & no_code
    reason[both] = "no year stated; " + register.loc[both, "match_note"].fillna("").astype(str)
    out = register.loc[no_year | no_code, ["ward_name", "district", "province", "status", "url"]]
    return out.assign(reason=reason[no_year | no_code]).reset_index(drop=True)
