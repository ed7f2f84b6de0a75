"""The change against the same period ("so với cùng kỳ"): the one function that answers it.

Police reports compare a year with the same months of an earlier year. Every place that
shows such a change (the export, a ward's page, the index, the targets, the ranking)
reads `same_period_comparison`, so a question has one answer everywhere.

Which months: those the ward has records for in *both* years (a month is recorded when
the crimes table has a row for it, whatever the category). A part-year is set against
the same part of the baseline, and the result says which months were compared. Two
years with no month in common cannot be compared: the counts are NaN.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wardstudy.data.months import month_range, with_calendar
from wardstudy.indicators.exact import rate_ratio_interval, rate_ratio_p_value

__all__ = ["COMPARISON_COLUMNS", "same_period_comparison", "comparison_rows", "year_pairs"]

COMPARISON_COLUMNS = ["ward", "year", "baseline_year", "category", "after", "before", "difference",
                      "rate_ratio", "ci_low", "ci_high", "p_value", "months", "months_compared",
                      "months_in_year", "partial"]


def year_pairs(years, all_baselines: bool = True) -> list[tuple[int, int]]:
    """(year, baseline_year) pairs to compare: every earlier year, or only the year before.

    Parameters
    ----------
    years : iterable of int
        The years with records (repeats allowed).
    all_baselines : bool, optional
        Every earlier year as a baseline (True), or only the year before (False).

    Returns
    -------
    list of tuple of (int, int)
        (year, baseline_year) pairs, by year then baseline.

    Examples
    --------
    >>> year_pairs([2021, 2022, 2023])
    [(2022, 2021), (2023, 2021), (2023, 2022)]
    >>> year_pairs([2021, 2022, 2023], all_baselines=False)
    [(2022, 2021), (2023, 2022)]
    """
    years = sorted(set(int(y) for y in years))
    if all_baselines:
        return [(y, b) for y in years for b in years if b < y]
    return [(y, y - 1) for y in years if y - 1 in years]


def _monthly_grid(crimes: pd.DataFrame, category: str) -> pd.DataFrame:
    """Cases of `category` per (ward, year) x month of year; NaN where a month has no records."""
    months = with_calendar(crimes)
    wanted = months["count"].where(months["category"] == category, 0)
    return (months.assign(count=wanted)
            .pivot_table(index=["ward", "year"], columns="month_of_year", values="count", aggfunc="sum")
            .reindex(columns=range(1, 13)))


def same_period_comparison(crimes: pd.DataFrame, category: str = "social_order",
                           pairs: list[tuple[int, int]] | None = None) -> pd.DataFrame:
    """Cases of `category` in a year against the same months of a baseline year, per ward.

    pairs: the (year, baseline_year) pairs wanted; default every year against the year
    before. One row per ward and pair where the ward has records in both years, with
    columns `COMPARISON_COLUMNS`:

    * after, before: cases in the months recorded in both years; difference = after - before;
    * rate_ratio = after / before, with the exact conditional 95% interval and two-sided
      p-value (as R's ``poisson.test``): an interval containing 1 says it could be chance;
    * months: how many months were compared; months_compared: which ("1–10");
      months_in_year: months recorded in the report year; partial: fewer than 12 compared.

    Parameters
    ----------
    crimes : pandas.DataFrame
        The crimes table: ``ward, month, category, count``, one row per month and category.
    category : str, optional
        The crime category compared.
    pairs : list of tuple of (int, int), optional
        The (year, baseline_year) pairs; default every year against the year before.

    Returns
    -------
    pandas.DataFrame
        Columns `COMPARISON_COLUMNS`, one row per ward and pair, by ward, year and baseline.

    Examples
    --------
    >>> df = pd.DataFrame({"ward": ["a"] * 3, "month": ["2022-01", "2022-02", "2023-01"],
    ...                    "category": ["social_order"] * 3, "count": [5, 7, 2]})
    >>> same_period_comparison(df)[["ward", "year", "baseline_year", "after", "before", "months_compared"]]
      ward  year  baseline_year  after  before months_compared
    0    a  2023           2022    2.0     5.0               1
    """
    grid = _monthly_grid(crimes, category)
    years = grid.index.get_level_values("year")
    pairs = year_pairs(years, all_baselines=False) if pairs is None else pairs
    parts = []
    for year, baseline in pairs:
        now = grid.xs(year, level="year")
        then = grid.xs(baseline, level="year") if baseline in years else grid.iloc[:0].droplevel("year")
        now, then = now.align(then, join="inner", axis=0)
        both = now.notna().to_numpy() & then.notna().to_numpy()
        n_months = both.sum(axis=1)
        comparable = n_months > 0
        after = np.where(comparable, np.where(both, now.to_numpy(), 0).sum(axis=1), np.nan)
        before = np.where(comparable, np.where(both, then.to_numpy(), 0).sum(axis=1), np.nan)
        parts.append(pd.DataFrame({
            "ward": now.index.to_numpy(), "year": year, "baseline_year": baseline, "category": category,
            "after": after, "before": before, "months": n_months,
            "months_compared": [month_range(list(np.flatnonzero(row) + 1)) for row in both],
            "months_in_year": now.notna().sum(axis=1).to_numpy(),
        }))
    out = (pd.concat(parts, ignore_index=True) if parts
           else pd.DataFrame(columns=["ward", "year", "baseline_year", "category", "after", "before", "months",
                                      "months_compared", "months_in_year"]))
    return _with_statistics(out)


def _with_statistics(counts: pd.DataFrame) -> pd.DataFrame:
    after = counts["after"].to_numpy(dtype=float)
    before = counts["before"].to_numpy(dtype=float)
    known = ~(np.isnan(after) | np.isnan(before))
    with np.errstate(invalid="ignore", divide="ignore"):
        # No baseline case: the ratio is undefined (NaN); the interval still bounds it below.
        ratio = np.where(known & (before > 0), after / before, np.nan)
    low = np.full(len(after), np.nan)
    high = np.full(len(after), np.nan)
    p = np.full(len(after), np.nan)
    if known.any():
        low[known], high[known] = rate_ratio_interval(after[known], before[known])
        p[known] = rate_ratio_p_value(after[known], before[known])
    out = counts.assign(difference=after - before, rate_ratio=ratio, ci_low=low, ci_high=high, p_value=p,
                        partial=counts["months"].to_numpy() < 12)
    out = out.astype({"year": int, "baseline_year": int, "months": int, "months_in_year": int})
    return out[COMPARISON_COLUMNS].sort_values(["ward", "year", "baseline_year"], kind="stable",
                                              ignore_index=True)


def comparison_rows(comparisons: pd.DataFrame, indicator: str) -> pd.DataFrame:
    """The contract's value columns of a comparative indicator, read off comparisons.

    ``social_order_crime_change``: value = difference (cases).
    ``social_order_crime_rate_ratio``: value = rate ratio, numerator = after,
    denominator = before, with the exact interval. Keys (ward, year, baseline_year) kept.

    Parameters
    ----------
    comparisons : pandas.DataFrame
        Rows of `same_period_comparison`.
    indicator : str
        ``"social_order_crime_change"`` or ``"social_order_crime_rate_ratio"``.

    Returns
    -------
    pandas.DataFrame
        ``ward, year, baseline_year`` and the indicator's value columns, one row per comparison.

    Raises
    ------
    ValueError
        `indicator` is not read off a same-period comparison.
    """
    keys = comparisons[["ward", "year", "baseline_year"]]
    if indicator == "social_order_crime_change":
        return keys.assign(value=comparisons["difference"])
    if indicator == "social_order_crime_rate_ratio":
        return keys.assign(value=comparisons["rate_ratio"], numerator=comparisons["after"],
                           denominator=comparisons["before"], ci_low=comparisons["ci_low"],
                           ci_high=comparisons["ci_high"])
    raise ValueError(f"{indicator!r} is not read off a same-period comparison")
