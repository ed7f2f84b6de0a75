"""Months as the data write them (``YYYY-MM`` text): the one place they are parsed.

Every table keys its records by a month written ``YYYY-MM`` (the schemas check the
format). Everything that needs the year or the month of the year asks this module,
so a month is read one way everywhere.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["year_of", "month_of_year", "first_day", "with_calendar", "month_range"]


def year_of(months: pd.Series) -> pd.Series:
    """The calendar year of each ``YYYY-MM`` month, as int.

    >>> year_of(pd.Series(["2023-01", "2024-12"])).tolist()
    [2023, 2024]
    """
    return months.astype(str).str[:4].astype(int)


def month_of_year(months: pd.Series) -> pd.Series:
    """The month of the year (1-12) of each ``YYYY-MM`` month, as int.

    >>> month_of_year(pd.Series(["2023-01", "2024-12"])).tolist()
    [1, 12]
    """
    return months.astype(str).str[5:7].astype(int)


def first_day(months: pd.Series) -> pd.Series:
    """The first day of each ``YYYY-MM`` month, as a datetime (for time axes).

    >>> first_day(pd.Series(["2023-02"])).dt.strftime("%Y-%m-%d").tolist()
    ['2023-02-01']
    """
    return pd.to_datetime(months.astype(str), format="%Y-%m")


def with_calendar(frame: pd.DataFrame, column: str = "month") -> pd.DataFrame:
    """`frame` with ``year`` and ``month_of_year`` columns taken from its month column.

    >>> with_calendar(pd.DataFrame({"month": ["2023-02"]}))
         month  year  month_of_year
    0  2023-02  2023              2
    """
    return frame.assign(year=year_of(frame[column]), month_of_year=month_of_year(frame[column]))


def month_range(months: list[int]) -> str:
    """Months of the year as a compact text: runs joined by "–", gaps by ", ".

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
