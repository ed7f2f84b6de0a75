"""The 2025 reorganisation: old units to new ones, and series aggregated across it.

On 1 July 2025 (Nghị quyết 1683/NQ-UBTVQH15 of 16 June 2025) Bắc Kạn province merged into
Thái Nguyên (province 19), districts were abolished and the eight units of Bắc Kạn city
became three: Nguyễn Thị Minh Khai + Huyền Tụng + Đức Xuân -> phường Đức Xuân (01840);
Sông Cầu + Phùng Chí Kiên + Xuất Hóa + Nông Thượng -> phường Bắc Kạn (01843);
Dương Quang + Đôn Phong (another district) -> xã Phong Quang (01849).

GSO codes were reused: 01840 is the old ward Đức Xuân until 30 June 2025 and the larger new
ward from 1 July 2025. A unit is therefore identified by (code, validity period)
(`unit_at`), and the new units get their own slugs (``duc-xuan-2025``) so a series never
silently mixes the two.

`aggregate_to_new_units` turns old-unit monthly records into new-unit ones for analyses
that cross the reform: counts and stocks are summed, and shares are re-computed from the
summed numerators and denominators by the ordinary indicator functions, never averaged.
A new unit whose predecessors are not all in the data (Phong Quang: Đôn Phong is outside
the shipped units) is incomplete: refused, dropped or kept, as asked.
`with_successor_series` gives the study build each new unit's earlier months that way, and
`full_year_units` says which ward-years are whole years of a unit.

>>> unit_at("01840", "2024-05")["slug"], unit_at("01840", "2025-08")["slug"]
('duc-xuan', 'duc-xuan-2025')
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import pandas as pd

from wardstudy import paths

__all__ = ["REFORM_DATE", "REFORM_MONTH", "FROM_PREDECESSORS", "CrosswalkError", "load_crosswalk", "unit_at",
           "aggregate_to_new_units", "with_successor_series", "full_year_units"]

REFORM_DATE = "2025-07-01"
REFORM_MONTH = "2025-07"
# The flag of a new unit's record summed from its predecessors (a month before the reform).
FROM_PREDECESSORS = "from_predecessors"
MONTHLY_TABLES = ("crimes", "tips", "procedures", "project06", "fire_safety", "community_models")


class CrosswalkError(ValueError):
    """A series cannot be put on the new units (unknown old unit, incomplete new unit)."""


def load_crosswalk(path: Path | str | None = None) -> pd.DataFrame:
    """The crosswalk table (``data/reference/crosswalk_2025.csv``): one row per old unit.

    Columns: old_code, old_name, old_slug, old_valid_to, new_code, new_name, new_slug,
    new_type, new_province_code, new_province, new_valid_from, source. Codes are text.

    Parameters
    ----------
    path : path or str, optional
        A crosswalk file (default: the shipped ``data/reference/crosswalk_2025.csv``).

    Returns
    -------
    pandas.DataFrame
        One row per old unit, every cell text, indexed 0..n-1.

    Raises
    ------
    DataError
        The file cannot be read, or lacks a column the crosswalk needs.
    """
    from wardstudy.data.read import DataError, read_raw

    path = Path(path) if path is not None else paths.reference_dir() / "crosswalk_2025.csv"
    frame = read_raw(path).reset_index(drop=True)
    needed = ["old_slug", "old_valid_to", "new_code", "new_name", "new_slug", "new_valid_from"]
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise DataError([f'{path}, column "{c}": is missing (the crosswalk needs {", ".join(needed)})'
                         for c in missing])
    return frame


def unit_at(code: str | int, when: str, crosswalk: pd.DataFrame | None = None) -> dict:
    """The unit a GSO `code` denoted at `when` (``YYYY-MM`` or ``YYYY-MM-DD``).

    Returns a dict with code, name, slug and the validity period (valid_from, valid_to;
    None where open). Raises `CrosswalkError` for a code unknown at that date.

    Parameters
    ----------
    code : str or int
        A GSO code (leading zeros optional).
    when : str
        A month ``YYYY-MM`` or a day ``YYYY-MM-DD``.
    crosswalk : pandas.DataFrame, optional
        The crosswalk (default: `load_crosswalk()`).

    Returns
    -------
    dict
        ``code, name, slug, valid_from, valid_to`` of the unit.

    Raises
    ------
    CrosswalkError
        The code denoted no unit of the crosswalk at that date.

    Examples
    --------
    >>> unit_at(1843, "2025-07-01")["name"]
    'Bắc Kạn'
    """
    crosswalk = load_crosswalk() if crosswalk is None else crosswalk
    code = str(code).zfill(5)
    day = when if len(when) == 10 else f"{when}-01"
    if day >= REFORM_DATE:
        rows = crosswalk[crosswalk["new_code"] == code]
        if rows.empty:
            raise CrosswalkError(f"code {code} is not a unit of the crosswalk from {REFORM_DATE}")
        row = rows.iloc[0]
        return {"code": code, "name": row["new_name"], "slug": row["new_slug"],
                "valid_from": row["new_valid_from"], "valid_to": None}
    rows = crosswalk[crosswalk["old_code"] == code]
    if rows.empty:
        raise CrosswalkError(f"code {code} is not a unit of the crosswalk before {REFORM_DATE}")
    row = rows.iloc[0]
    return {"code": code, "name": row["old_name"], "slug": row["old_slug"],
            "valid_from": None, "valid_to": row["old_valid_to"]}


def aggregate_to_new_units(
    frame: pd.DataFrame,
    crosswalk: pd.DataFrame | None = None,
    incomplete: Literal["error", "drop", "keep"] = "error",
) -> pd.DataFrame:
    """Sum a monthly old-unit table onto the new units.

    frame: a record table (``ward`` old slug, ``month``, maybe ``category``, count columns).
    Every numeric column is summed over the old units of each new unit and key; the
    ``synthetic`` flag is kept if any part is synthetic. ``ward`` becomes the new slug.
    Only months before the reform are aggregated here: later records are already in new
    units.

    incomplete: what to do with a (new unit, month) whose predecessors are not all in the
    frame — "error" (default) raises `CrosswalkError` naming them, "drop" leaves the row
    out, "keep" keeps the partial sum (for exploration only: it undercounts).

    Parameters
    ----------
    frame : pandas.DataFrame
        A monthly record table of old units.
    crosswalk : pandas.DataFrame, optional
        The crosswalk (default: `load_crosswalk()`).
    incomplete : {"error", "drop", "keep"}, optional
        What to do with a new unit and month whose predecessors are not all in `frame`.

    Returns
    -------
    pandas.DataFrame
        The months before the reform summed onto the new units, ``ward`` the new slug.

    Raises
    ------
    CrosswalkError
        A ward is not an old unit of the crosswalk, or (``incomplete="error"``) a new unit
        lacks a predecessor.

    Examples
    --------
    >>> df = pd.DataFrame({"ward": ["nguyen-thi-minh-khai", "huyen-tung", "duc-xuan"],
    ...                    "month": ["2024-01"] * 3, "received": [3, 4, 5], "handled": [3, 3, 5]})
    >>> aggregate_to_new_units(df)
                ward    month  received  handled
    0  duc-xuan-2025  2024-01        12       11
    """
    crosswalk = load_crosswalk() if crosswalk is None else crosswalk
    to_new = dict(zip(crosswalk["old_slug"], crosswalk["new_slug"]))
    # Later records are the new units' own (a data folder through 2025 has both).
    frame = frame[frame["month"].astype(str) < REFORM_MONTH]
    unknown = sorted(set(frame["ward"]) - set(to_new))
    if unknown:
        raise CrosswalkError(f"ward(s) {', '.join(unknown)} are not old units of the crosswalk")
    numeric = [c for c in frame.columns if c != "ward" and pd.api.types.is_numeric_dtype(frame[c])
               and not pd.api.types.is_bool_dtype(frame[c]) and c not in {"year"}]
    keys = [c for c in frame.columns if c not in numeric and c not in {"ward", "synthetic"}]
    work = frame.assign(ward=frame["ward"].map(to_new), _part=frame["ward"])
    aggregations = {c: "sum" for c in numeric} | {"_part": "nunique"}
    if "synthetic" in frame.columns:
        aggregations["synthetic"] = "any"
    out = work.groupby(["ward", *keys], as_index=False, sort=True).agg(aggregations)

    # Completeness: every predecessor of the new unit must be present in that key cell.
    expected = crosswalk.groupby("new_slug")["old_slug"].nunique()
    complete = out["_part"].to_numpy() == out["ward"].map(expected).to_numpy()
    if not complete.all():
        if incomplete == "error":
            gaps = out.loc[~complete, ["ward", "month"]].drop_duplicates()
            first = gaps.groupby("ward")["month"].agg(["min", "count"])
            detail = "; ".join(f"{w}: {n} month(s) from {m}" for w, (m, n) in first.iterrows())
            raise CrosswalkError("new units with predecessors missing from the data (their sums would "
                                 f"undercount): {detail}. Pass incomplete='drop' to leave them out")
        if incomplete == "drop":
            out = out[complete]
    return out.drop(columns="_part").reset_index(drop=True)


def with_successor_series(records: dict[str, pd.DataFrame], units: pd.DataFrame,
                          crosswalk: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """The monthly record tables with each new unit's series carried back before the reform.

    For every new unit of `units` (a unit of the crosswalk from 1 July 2025) whose
    predecessors are all in the data, the months before July 2025 are added as the sums of
    its predecessors (`aggregate_to_new_units`), flagged ``from_predecessors = True``; the
    records as given get False. A new unit with a predecessor missing (Phong Quang:
    Đôn Phong is not among the shipped units) gets no carried-back months: a partial sum
    would undercount. Criteria assessments are not carried back (each unit is assessed on
    its own). The old units' rows are unchanged, so an analysis over units never counts
    a month twice as long as it reads either the old units or the new ones, as the build
    does (`wardstudy.pipeline.build`).

    Parameters
    ----------
    records : dict of str to pandas.DataFrame
        Record tables by name.
    units : pandas.DataFrame
        The units table (``slug``): the new units carried back are those in it.
    crosswalk : pandas.DataFrame, optional
        The crosswalk (default: `load_crosswalk()`).

    Returns
    -------
    dict of str to pandas.DataFrame
        The same tables with ``from_predecessors`` and, for the monthly tables, the carried-back rows.

    Examples
    --------
    >>> units = pd.DataFrame({"slug": ["duc-xuan-2025"]})
    >>> tips = pd.DataFrame({"ward": ["nguyen-thi-minh-khai", "huyen-tung", "duc-xuan", "duc-xuan-2025"],
    ...                      "month": ["2025-06"] * 3 + ["2025-07"], "received": [3, 4, 5, 13],
    ...                      "handled": [3, 3, 5, 12]})
    >>> with_successor_series({"tips": tips}, units)["tips"].tail(2)
                ward    month  received  handled  from_predecessors
    3  duc-xuan-2025  2025-07        13       12              False
    4  duc-xuan-2025  2025-06        12       11               True
    """
    crosswalk = load_crosswalk() if crosswalk is None else crosswalk
    present = set(units["slug"])
    wanted = crosswalk[crosswalk["new_slug"].isin(present)]
    out = {}
    for name, frame in records.items():
        frame = frame.assign(**{FROM_PREDECESSORS: False})
        if name not in MONTHLY_TABLES or wanted.empty:
            out[name] = frame
            continue
        old = frame[frame["ward"].isin(set(wanted["old_slug"]))].drop(columns=FROM_PREDECESSORS)
        carried = (aggregate_to_new_units(old, wanted, incomplete="drop") if not old.empty
                   else old.iloc[:0])
        out[name] = pd.concat([frame, carried.assign(**{FROM_PREDECESSORS: True})[frame.columns]],
                              ignore_index=True)
    return out


def full_year_units(units: pd.DataFrame, records: pd.DataFrame) -> pd.DataFrame:
    """(ward, year) of `records` that are whole calendar years of their unit.

    A ward-year counts when the unit existed the whole year (``valid_from`` / ``valid_to``
    of `units`, blank = open), or, for a unit created or ended during the year, when the
    records (carried back by `with_successor_series`) still cover all twelve months. So the
    old units have no 2025 (they ended on 30 June) and Đức Xuân from 2025-07 has 2025 through
    its predecessors' months; a year of data that simply stops in June (real data sent
    mid-year) stays, for a unit that still exists.

    Parameters
    ----------
    units : pandas.DataFrame
        The units table: ``slug`` (and ``valid_from``, ``valid_to``).
    records : pandas.DataFrame
        A record table: ``ward, month``.

    Returns
    -------
    pandas.DataFrame
        ``ward, year``: the whole years of each unit in `records`.

    Examples
    --------
    >>> units = pd.DataFrame({"slug": ["old", "new"], "valid_from": [None, "2025-07-01"],
    ...                       "valid_to": ["2025-06-30", None]})
    >>> recs = pd.DataFrame({"ward": ["old"] * 6 + ["new"] * 12,
    ...                      "month": [f"2025-{m:02d}" for m in [*range(1, 7), *range(1, 13)]]})
    >>> full_year_units(units, recs).to_dict("records")
    [{'ward': 'new', 'year': 2025}]
    """
    months = records[["ward", "month"]].drop_duplicates()
    months = months.assign(year=months["month"].astype(str).str[:4].astype(int))
    covered = months.groupby(["ward", "year"], as_index=False).size()
    blank = pd.Series(None, index=units.index, dtype="string")
    start = dict(zip(units["slug"], units.get("valid_from", blank).astype("string").fillna("0000").str[:10]))
    end = dict(zip(units["slug"], units.get("valid_to", blank).astype("string").fillna("9999").str[:10]))
    year = covered["year"].astype(str)
    whole = (covered["ward"].map(start).fillna("0000") <= year + "-01-01") & \
            (covered["ward"].map(end).fillna("9999") >= year + "-12-31")
    keep = whole | covered["size"].eq(12)
    return covered.loc[keep, ["ward", "year"]].reset_index(drop=True)
