"""Which years of a programme ward can be evaluated: those from its cohort on, when the data
have a year before it entered to compare with.

Pure functions of the programme table and the data's years, with no statistics imported:
the batch asks them for every run, also when every impact result is already cached
(`pipeline.build.impact_ward_years`); `evaluate.design` re-exports both.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["evaluable_ward_years", "has_pre_period"]


def evaluable_ward_years(programme: pd.DataFrame, years: list[int]) -> list[tuple[str, int]]:
    """(ward, year) for every programme ward and every year of the data from its cohort on.

    A ward that entered in the data's first year (or before) has no year before entry to
    compare with, so none of its years is evaluable (`has_pre_period`).

    >>> evaluable_ward_years(pd.DataFrame({"ward": ["a", "p"], "cohort_year": [2023, 2021]}), [2021, 2022, 2023, 2024])
    [('a', 2023), ('a', 2024)]
    """
    return [(w, y) for w, g in zip(programme["ward"], programme["cohort_year"].astype(int))
            if has_pre_period(g, years) for y in years if y >= g]


def has_pre_period(cohort, years: list[int]) -> bool:
    """Whether a ward of `cohort` has a year of data before it entered the programme.

    >>> has_pre_period(2021, [2021, 2022]), has_pre_period(2023, [2021, 2022, 2023])
    (False, True)
    """
    return bool(years) and int(cohort) > min(years)
