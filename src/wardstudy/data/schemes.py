"""Criteria schemes: the sets of criteria a ward police is scored against, and their sizes.

The programme's scale changed. Reports of 2021-2023 score a ward on the 22 criteria of
the temporary set issued by Quyết định 5764/QĐ-BCA-V05 (13 July 2021): "21/22", "18/22".
A report of March 2024 (Khuê Trung, Đà Nẵng) scores on 20: "19/20, criterion 6 (the
headquarters) not met". The decision that issued the 20-criterion set is not named in the
sources found, and neither set's wording is public, so the register ships ids only.

A score is only meaningful with its scheme's own denominator (19/20 is not 19/22), and
scores of two schemes are not ranked side by side as if equal.

* the criteria register (``criteria.csv``) carries ``scheme`` (one of `SCHEMES`);
* an assessment (``criteria_assessments``) says its ``scheme``; a table without the
  column, or a blank cell, means `DEFAULT_SCHEME` (the 22-criterion set), so every table
  written before schemes existed keeps its meaning.

>>> register = pd.DataFrame({"scheme": ["qd5764-22"] * 22 + ["bca-2024-20"] * 20,
...                          "criterion_id": [f"C{i:02d}" for i in range(1, 23)] + [f"C{i:02d}" for i in range(1, 21)]})
>>> scheme_sizes(register)
{'bca-2024-20': 20, 'qd5764-22': 22}
"""

from __future__ import annotations

import pandas as pd

__all__ = ["SCHEMES", "DEFAULT_SCHEME", "with_scheme", "scheme_sizes", "scheme_problems"]

# scheme id -> what it is. The ids are this project's; the sizes come from the register.
SCHEMES = {
    "qd5764-22": "22-criterion temporary set, Quyết định 5764/QĐ-BCA-V05 (2021-07-13), scored in 2021-2023",
    "bca-2024-20": "20-criterion set scored from 2024 (issuing decision not identified in the sources)",
}
DEFAULT_SCHEME = "qd5764-22"


def with_scheme(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with a ``scheme`` column, `DEFAULT_SCHEME` where absent or blank.

    >>> with_scheme(pd.DataFrame({"criterion_id": ["C01"]}))["scheme"].tolist()
    ['qd5764-22']
    """
    scheme = frame["scheme"] if "scheme" in frame.columns else pd.Series(None, index=frame.index, dtype=object)
    blank = scheme.isna() | (scheme.astype(str).str.strip() == "")
    return frame.assign(scheme=scheme.where(~blank, DEFAULT_SCHEME).astype(str))


def scheme_sizes(register: pd.DataFrame) -> dict[str, int]:
    """Number of criteria of each scheme in the register: scheme -> n (the denominator)."""
    sizes = with_scheme(register).groupby("scheme")["criterion_id"].nunique()
    return {str(s): int(n) for s, n in sizes.items()}


def scheme_problems(assessments: pd.DataFrame, register: pd.DataFrame) -> list[str]:
    """What is wrong between assessments and the register, one sentence each (empty: nothing).

    A scheme absent from the register, a criterion id its scheme does not have, or one ward
    and year assessed under two schemes (its score would have two denominators).

    >>> register = pd.DataFrame({"scheme": ["bca-2024-20"] * 20, "criterion_id": [f"C{i:02d}" for i in range(1, 21)]})
    >>> a = pd.DataFrame({"ward": ["w"], "year": [2024], "scheme": ["bca-2024-20"], "criterion_id": ["C21"], "met": [1]})
    >>> scheme_problems(a, register)
    ['ward w, 2024: criterion C21 is not in scheme bca-2024-20 of the criteria register']
    """
    a, r = with_scheme(assessments), with_scheme(register)
    pairs = a[["ward", "year", "scheme", "criterion_id"]].drop_duplicates()
    # One merge over all rows: which (scheme, criterion) pairs the register lacks.
    found = pairs.merge(r[["scheme", "criterion_id"]].drop_duplicates(), how="left", indicator=True)
    missing = found[found["_merge"] == "left_only"]
    unknown_scheme = ~missing["scheme"].isin(set(r["scheme"]))
    problems = [f"ward {w}, {int(y)}: scheme {s} is not in the criteria register"
                for w, y, s in missing.loc[unknown_scheme, ["ward", "year", "scheme"]].drop_duplicates()
                .itertuples(index=False)]
    problems += [f"ward {w}, {int(y)}: criterion {c} is not in scheme {s} of the criteria register"
                 for w, y, s, c in missing.loc[~unknown_scheme, ["ward", "year", "scheme", "criterion_id"]]
                 .itertuples(index=False)]
    mixed = a.groupby(["ward", "year"])["scheme"].nunique()
    for (ward, year), n in mixed[mixed > 1].items():
        problems.append(f"ward {ward}, {int(year)}: assessed under {n} schemes (one scheme per ward and year)")
    return problems
