"""Set recomputed indicators beside the published figures and say which match.

Published percentages are rounded to whole points ("100%", "20%"), so a recomputed
share matches when it rounds to the published figure at the published precision: within
half a percentage point for a figure published as a percentage, exactly for counts and
for "N/22" criteria.

The published table is national: it also holds figures of wards outside the study's
units (named by GSO ``code``, ``ward`` blank). A figure is set beside a recomputed one
only for a ward that has records in the study; the others wait for their records.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["published_tolerance", "reconcile"]


def published_tolerance(as_published: pd.Series) -> pd.Series:
    """Half a unit of the published precision: 0.005 for "20%", 0.0005 for "20.5%", else ~0.

    The figure as published may be the source's sentence ("100% thủ tục được giải quyết đúng
    thời hạn"): its first percentage sets the precision.

    Parameters
    ----------
    as_published : pandas.Series
        The figures as published (text; blank allowed).

    Returns
    -------
    pandas.Series
        The largest difference that still matches, as a fraction (1e-9 for counts and scores).

    Examples
    --------
    >>> published_tolerance(pd.Series(["100%", "21/22 tiêu chí", "20.5%", "trong đó 20% được giải quyết"])).tolist()
    [0.005, 1e-09, 0.0005, 0.005]
    """
    text = as_published.fillna("").astype(str).str.strip()
    first = text.str.extract(r"(\d+(?:[.,]\d+)?)%")[0]
    percent = first.notna().to_numpy()
    decimals = first.str.extract(r"[.,](\d+)$")[0].str.len().fillna(0).astype(int)
    tolerance = np.where(percent, 0.5 * 10.0 ** (-decimals) / 100, 1e-9)
    return pd.Series(tolerance, index=as_published.index)


def reconcile(computed: pd.DataFrame, published: pd.DataFrame) -> pd.DataFrame:
    """One row per published figure: published value, recomputed value and whether they match.

    computed: indicators in the export contract's columns (`indicators.all_indicators`).
    published: the published table (``data/reference/published.csv``).
    Returns ``ward, year, indicator, as_published, published, computed, difference,
    matches, source, url, computed_numerator, computed_denominator`` (the last two let a
    recomputed criteria score read "19/20" in its own scheme) for the published figures
    of wards that have records in `computed`; `computed` is NaN (and `matches` False) where
    those records give no value for a published figure. Figures of other wards (blank
    ``ward``, or a ward with no records) are left out.

    Parameters
    ----------
    computed : pandas.DataFrame
        Indicators in the export contract's columns.
    published : pandas.DataFrame
        The published table: ``ward, year, indicator, value, as_published, source, url``.

    Returns
    -------
    pandas.DataFrame
        One row per published figure of a ward with records, in the columns listed above.

    Examples
    --------
    >>> computed = pd.DataFrame({"ward": ["a"], "year": [2023], "indicator": ["tips_handled_share"],
    ...                          "value": [0.998]})
    >>> published = pd.DataFrame({"ward": ["a"], "year": [2023], "indicator": ["tips_handled_share"],
    ...                           "value": [1.0], "as_published": ["100%"], "source": ["s"], "url": [""]})
    >>> reconcile(computed, published)[["published", "computed", "matches"]]
       published  computed  matches
    0        1.0     0.998     True
    >>> elsewhere = published.assign(ward=[None], code=["20260"])
    >>> len(reconcile(computed, pd.concat([published, elsewhere])))
    1
    """
    keys = ["ward", "year", "indicator"]
    published = published[published["ward"].isin(set(computed["ward"]))]
    pub = published.assign(year=published["year"].astype(int))
    if "as_published" not in pub.columns:
        pub = pub.assign(as_published=None)
    recomputed = computed.reindex(columns=keys + ["value", "numerator", "denominator"]).rename(
        columns={"value": "computed", "numerator": "computed_numerator", "denominator": "computed_denominator"})
    merged = pub.rename(columns={"value": "published"}).merge(recomputed, on=keys, how="left")
    merged["difference"] = merged["computed"] - merged["published"]
    merged["matches"] = (merged["difference"].abs() <= published_tolerance(merged["as_published"])).fillna(False)
    columns = keys + ["as_published", "published", "computed", "difference", "matches", "source", "url",
                      "computed_numerator", "computed_denominator"]
    return merged.reindex(columns=columns)
