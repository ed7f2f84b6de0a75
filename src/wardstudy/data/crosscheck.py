"""Checks that need two tables: the units table against itself, the programme and the records.

The schemas (`wardstudy.data.schemas`) check one table at a time. These checks need the
units table as well, so `wardstudy.data.read.check` runs them once every table is typed:

* every unit has its own slug (a repeated slug would send one unit's records to another);
* a GSO code used by two units (codes were reused on 1 July 2025) has validity periods that
  do not overlap, so that a code and a date name one unit;
* the programme's ``code`` is the code of the unit its ``ward`` names;
* an assessment's criterion is one of its scheme's in the criteria register, and a ward
  and year are assessed under one scheme (`assessment_schemes`; else a score of 21/20);
* a record's month (an assessment's year) lies within its unit's validity
  (``valid_from`` to ``valid_to`` of the units table, blank = open): a unit that did not
  exist yet, or no longer did, has no records.

Each check takes typed tables indexed by the row number in their file and returns
`Problem` records naming file, row, column, value and rule.

>>> units = pd.DataFrame({"code": ["01840", "01843"], "slug": ["duc-xuan", "duc-xuan"]}, index=[2, 3])
>>> print(unique_slugs(units, "units.csv")[0])
units.csv, row 3, column "slug": "duc-xuan" repeats row 2 (each unit needs its own slug)
"""

from __future__ import annotations

import pandas as pd

from wardstudy.data.schemas import Problem, _capped
from wardstudy.data.schemes import with_scheme

__all__ = ["unique_slugs", "reused_codes", "programme_codes", "within_validity", "assessment_schemes"]


def unique_slugs(units: pd.DataFrame, file: str) -> list[Problem]:
    """A problem for every unit whose slug repeats an earlier row's (named)."""
    if "slug" not in units.columns:
        return []
    slugs = units["slug"]
    repeated = slugs.notna() & slugs.duplicated(keep="first")
    first = pd.Series(units.index, index=units.index).groupby(slugs).transform("first")
    return [Problem(file, int(row), "slug", slugs.at[row], f"repeats row {int(first.at[row])} "
                    "(each unit needs its own slug)") for row in units.index[repeated]]


def reused_codes(units: pd.DataFrame, file: str) -> list[Problem]:
    """A problem for every unit whose code another unit also holds over an overlapping period.

    Blank dates are open ends. A code may pass from an old unit to a new one (01840: ward
    Đức Xuân to 2025-06-30, the merged ward Đức Xuân from 2025-07-01), never be held twice
    on the same day.

    >>> units = pd.DataFrame({"code": ["01840", "01840"], "slug": ["duc-xuan", "duc-xuan-2025"],
    ...                       "valid_from": [None, "2025-06-01"], "valid_to": ["2025-06-30", None]}, index=[2, 3])
    >>> print(reused_codes(units, "units.csv")[0])
    units.csv, row 3, column "valid_from": "2025-06-01" overlaps the validity of duc-xuan (row 2), which holds code 01840 until 2025-06-30
    """
    if "code" not in units.columns or "slug" not in units.columns:
        return []
    blank = pd.Series(None, index=units.index, dtype="string")
    start = units.get("valid_from", blank).astype("string").fillna("0000-00-00").str[:10]
    end = units.get("valid_to", blank).astype("string").fillna("9999-99-99").str[:10]
    problems = []
    for _, rows in units[units["code"].duplicated(keep=False)].groupby("code", sort=False):
        rows = rows.assign(_start=start[rows.index], _end=end[rows.index]).sort_values("_start", kind="stable")
        for (before, a), (row, b) in zip(rows.iterrows(), list(rows.iterrows())[1:]):
            if b["_start"] <= a["_end"]:
                until = f"until {a['_end']}" if a["_end"] != "9999-99-99" else "with no end date"
                problems.append(Problem(file, int(row), "valid_from", units.at[row, "valid_from"]
                                        if "valid_from" in units.columns else None,
                                        f"overlaps the validity of {a['slug']} (row {int(before)}), which holds "
                                        f"code {a['code']} {until}"))
    return problems


def _codes(column: pd.Series) -> pd.Series:
    """GSO codes as 5-digit text: Excel drops the leading zero of ``01840``."""
    text = column.astype("string")
    digits = text.str.fullmatch(r"\d{1,5}").fillna(False).astype(bool)
    return text.where(~digits, text.str.zfill(5))


def programme_codes(programme: pd.DataFrame, units: pd.DataFrame, file: str,
                    units_file: str = "units.csv") -> list[Problem]:
    """A problem for every programme row whose ``code`` is not its ward's code in units.

    >>> units = pd.DataFrame({"code": ["01855"], "slug": ["xuat-hoa"]}, index=[2])
    >>> programme = pd.DataFrame({"ward": ["xuat-hoa"], "code": ["01856"]}, index=[3])
    >>> print(programme_codes(programme, units, "programme.csv")[0])
    programme.csv, row 3, column "code": 01856 is not the code of xuat-hoa (units.csv gives 01855)
    """
    if "code" not in programme.columns or "ward" not in programme.columns:
        return []
    expected = programme["ward"].map(dict(zip(units["slug"], units["code"])))
    given = _codes(programme["code"])
    wrong = expected.notna() & given.notna() & (given != expected).fillna(True).astype(bool)
    return [Problem(file, int(row), "code", programme.at[row, "code"],
                    f"is not the code of {programme.at[row, 'ward']} ({units_file} gives {expected.at[row]})")
            for row in programme.index[wrong]]


def within_validity(table: pd.DataFrame, units: pd.DataFrame, file: str,
                    units_file: str = "units.csv") -> list[Problem]:
    """A problem for every record dated outside its unit's validity.

    A month counts when any day of it is valid (a unit created on 15 March 2023 may report
    March 2023); an assessment year likewise. Blank dates are open ends.

    >>> units = pd.DataFrame({"slug": ["a"], "valid_from": ["2023-03-15"], "valid_to": [None]})
    >>> tips = pd.DataFrame({"ward": ["a", "a"], "month": ["2023-02", "2023-03"]}, index=[2, 3])
    >>> print(within_validity(tips, units, "tips.csv")[0])
    tips.csv, row 2, column "month": "2023-02" is before unit a existed (valid from 2023-03-15 in units.csv)
    """
    period = "month" if "month" in table.columns else "year" if "year" in table.columns else None
    if period is None or "ward" not in table.columns:
        return []
    width = 7 if period == "month" else 4
    starts = dict(zip(units["slug"], units.get("valid_from", pd.Series(None, index=units.index))))
    ends = dict(zip(units["slug"], units.get("valid_to", pd.Series(None, index=units.index))))
    when = table[period].astype("string")
    if period == "year":
        when = when.str.replace(r"\.0*$", "", regex=True).str[:4]
    start = table["ward"].map(starts).astype("string").str[:width]
    end = table["ward"].map(ends).astype("string").str[:width]
    before = (when < start).fillna(False).astype(bool)
    after = (when > end).fillna(False).astype(bool)
    problems = []
    for row in table.index[before]:
        ward = table.at[row, "ward"]
        problems.append(Problem(file, int(row), period, table.at[row, period],
                                f"is before unit {ward} existed (valid from {starts[ward]} in {units_file})"))
    successors = _successors(units)
    for row in table.index[after]:
        ward = table.at[row, "ward"]
        # The 2025 reorganisation ends most units: say where their later records belong.
        hint = ""
        if ends[ward] == "2025-06-30":
            hint = (f"; later records belong to its successor {successors[ward]}" if ward in successors
                    else "; later records belong to its successor, see the 2025 crosswalk")
        problems.append(Problem(file, int(row), period, table.at[row, period],
                                f"is after unit {ward} ceased to exist (valid to {ends[ward]} in {units_file}{hint})"))
    return _capped(problems)



def _successors(units: pd.DataFrame) -> dict[str, str]:
    """Each unit that ended on 30 June 2025 -> its successor as "slug (name)", when units.csv holds it.

    >>> units = pd.DataFrame({"slug": ["a", "b"], "name": ["A", "B"], "code": ["1", "1"],
    ...                       "valid_from": [None, "2025-07-01"], "valid_to": ["2025-06-30", None],
    ...                       "successor_code": ["1", None]})
    >>> _successors(units)
    {'a': 'b (B)'}
    """
    if not {"successor_code", "code", "valid_from"} <= set(units.columns):
        return {}
    new = units[units["valid_from"].astype("string").str.startswith("2025-07").fillna(False).astype(bool)]
    by_code = {code: f"{slug} ({name})" for code, slug, name in zip(new["code"], new["slug"], new.get("name", new["slug"]))}
    return {slug: by_code[code] for slug, code in zip(units["slug"], units["successor_code"])
            if isinstance(code, str) and code in by_code}


def assessment_schemes(assessments: pd.DataFrame, register: pd.DataFrame, file: str,
                       register_file: str = "criteria.csv") -> list[Problem]:
    """A problem for every assessment whose criterion its scheme does not have, and for every
    ward-year assessed under more than one scheme (named at its first row of a second scheme).

    A blank or absent ``scheme`` is the 22-criterion set (`schemes.DEFAULT_SCHEME`).

    >>> register = pd.DataFrame({"scheme": ["bca-2024-20"] * 20,
    ...                          "criterion_id": [f"C{i:02d}" for i in range(1, 21)]})
    >>> a = pd.DataFrame({"ward": ["w", "w"], "year": [2024, 2024], "scheme": ["bca-2024-20"] * 2,
    ...                   "criterion_id": ["C20", "C21"]}, index=[2, 3])
    >>> print(assessment_schemes(a, register, "criteria_assessments.csv")[0])
    criteria_assessments.csv, row 3, column "criterion_id": "C21" is not a criterion of scheme bca-2024-20 (criteria.csv)
    """
    if assessments.empty or not {"ward", "year", "criterion_id"} <= set(assessments.columns):
        return []
    a, r = with_scheme(assessments), with_scheme(register)
    known = pd.MultiIndex.from_frame(r[["scheme", "criterion_id"]].astype(str))
    pairs = pd.MultiIndex.from_frame(a[["scheme", "criterion_id"]].astype(str))
    schemes = set(r["scheme"])
    problems = []
    for row in a.index[~pairs.isin(known)]:
        scheme = a.at[row, "scheme"]
        if scheme in schemes:
            problems.append(Problem(file, int(row), "criterion_id", a.at[row, "criterion_id"],
                                    f"is not a criterion of scheme {scheme} ({register_file})"))
        else:
            problems.append(Problem(file, int(row), "scheme", assessments.at[row, "scheme"]
                                    if "scheme" in assessments.columns else scheme,
                                    f"is not a scheme of the criteria register ({register_file})"))
    first = a.groupby(["ward", "year"])["scheme"].transform("first")
    other = a[a["scheme"] != first]
    for row in other.drop_duplicates(["ward", "year", "scheme"]).index:
        problems.append(Problem(file, int(row), "scheme", a.at[row, "scheme"],
                                f"ward {a.at[row, 'ward']}, {a.at[row, 'year']} is already assessed under scheme "
                                f"{first.at[row]} (one scheme per ward and year, or its score has two denominators)"))
    return _capped(problems)
