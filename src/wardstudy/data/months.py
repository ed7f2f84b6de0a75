"""Months as the data write them (``YYYY-MM`` text): the one place they are parsed.

Every table keys its records by a month written ``YYYY-MM`` (the schemas check the
format). Everything that needs the year or the month of the year asks this module,
so a month is read one way everywhere.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["year_of", "month_of_year", "first_day", "with_calendar", "month_range", "unreported_months"]


def year_of(months: pd.Series) -> pd.Series:
    """The calendar year of each ``YYYY-MM`` month, as int.

    Parameters
    ----------
    months : pandas.Series
        Months as ``YYYY-MM`` text.

    Returns
    -------
    pandas.Series
        The year of each month (int), on the same index.

    Examples
    --------
    >>> year_of(pd.Series(["2023-01", "2024-12"])).tolist()
    [2023, 2024]
    """
    return months.astype(str).str[:4].astype(int)


def month_of_year(months: pd.Series) -> pd.Series:
    """The month of the year (1-12) of each ``YYYY-MM`` month, as int.

    Parameters
    ----------
    months : pandas.Series
        Months as ``YYYY-MM`` text.

    Returns
    -------
    pandas.Series
        The month of the year of each month (int, 1-12), on the same index.

    Examples
    --------
    >>> month_of_year(pd.Series(["2023-01", "2024-12"])).tolist()
    [1, 12]
    """
    return months.astype(str).str[5:7].astype(int)


def first_day(months: pd.Series) -> pd.Series:
    """The first day of each ``YYYY-MM`` month, as a datetime (for time axes).

    Parameters
    ----------
    months : pandas.Series
        Months as ``YYYY-MM`` text.

    Returns
    -------
    pandas.Series
        The first day of each month (datetime64), on the same index.

    Examples
    --------
    >>> first_day(pd.Series(["2023-02"])).dt.strftime("%Y-%m-%d").tolist()
    ['2023-02-01']
    """
    return pd.to_datetime(months.astype(str), format="%Y-%m")


def with_calendar(frame: pd.DataFrame, column: str = "month") -> pd.DataFrame:
    """`frame` with ``year`` and ``month_of_year`` columns taken from its month column.

    Parameters
    ----------
    frame : pandas.DataFrame
        A table with a ``YYYY-MM`` month column.
    column : str, optional
        The month column's name.

    Returns
    -------
    pandas.DataFrame
        A copy of `frame` with ``year`` and ``month_of_year`` (int) added.

    Examples
    --------
    >>> with_calendar(pd.DataFrame({"month": ["2023-02"]}))
         month  year  month_of_year
    0  2023-02  2023              2
    """
    return frame.assign(year=year_of(frame[column]), month_of_year=month_of_year(frame[column]))


def month_range(months: list[int]) -> str:
    """Months of the year as a compact text: runs joined by "–", gaps by ", ".

    Parameters
    ----------
    months : list of int
        Months of the year (1-12), in any order.

    Returns
    -------
    str
        The runs in order, e.g. ``"1–2, 5"``; empty for no month.

    Examples
    --------
    >>> month_range([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), month_range([1, 2, 5]), month_range([])
    ('1–10', '1–2, 5', '')
    """
    runs: list[list[int]] = []
    for m in sorted(months):
        if runs and m == runs[-1][-1] + 1:
            runs[-1].append(m)
        else:
            runs.append([m])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)


def unreported_months(crimes: pd.DataFrame, wards: list[str], up_to_year: int,
                      category: str = "social_order") -> pd.DataFrame:
    """The months a unit did not report, between its first reported month and December of
    `up_to_year`: columns ``ward, month`` (``YYYY-MM``), by ward then month.

    A month is reported when the crimes table has a row of `category` with a count for it
    (0 included: a month with no case is a reported zero). The impact rates take a period's
    cases over the person-time of its reported months only (`evaluate.design.social_order_rates`),
    so a page can name the months that are left out instead of letting them read as a fall.

    Parameters
    ----------
    crimes : pandas.DataFrame
        The crimes table: ``ward, month, category, count``.
    wards : list of str
        The units (slugs) to look at.
    up_to_year : int
        The last year looked at (through its December).
    category : str, optional
        The crime category whose reporting counts.

    Returns
    -------
    pandas.DataFrame
        Columns ``ward, month``: one row per unreported month, by ward then month.

    Examples
    --------
    >>> crimes = pd.DataFrame({"ward": ["a"] * 4 + ["b"], "month": ["2024-09", "2024-10", "2024-11", "2025-01",
    ...                        "2024-12"], "category": "social_order", "count": [1, 0, None, 2, 3]})
    >>> unreported_months(crimes, ["a", "b"], 2024).values.tolist()
    [['a', '2024-11'], ['a', '2024-12']]
    """
    rows = crimes[(crimes["category"] == category) & crimes["ward"].isin(wards) & crimes["count"].notna()]
    rows = rows[year_of(rows["month"]) <= up_to_year]
    missing = []
    for ward, months in rows.groupby("ward")["month"]:
        span = pd.period_range(min(months), f"{up_to_year}-12", freq="M").strftime("%Y-%m")
        missing += [(ward, m) for m in span.difference(pd.Index(months.unique()))]
    return pd.DataFrame(missing, columns=["ward", "month"]).sort_values(["ward", "month"], ignore_index=True)
