"""A ward among its peers: its indicators against a baseline year, and its rank.

Peers are the units a ward is ranked against: by default those of the same district
(``units.district_code``; the city for Bắc Kạn), never the whole country. Everything is
computed once for every ward, year and baseline year, with one groupby, so a ward's
page only reads its rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wardstudy.indicators.registry import COMPARATIVE_IDS, REGISTRY
from wardstudy.indicators.same_period import comparison_rows

__all__ = ["VALUE_COLUMNS", "PER_1000_IDS", "RESIDENTS_ID", "indicator_values", "peer_groups", "peer_ranks"]

# Crime indicators ranked per 1,000 residents: wards of 2,491 and 9,164 residents are not
# compared on raw counts.
PER_1000_IDS = ("social_order_crimes", "social_order_crime_change")
# Residents: those eligible for an ID card (Project 06), the same assumption as the impact design.
RESIDENTS_ID = "chip_id_coverage"

VALUE_COLUMNS = ["ward", "year", "baseline_year", "indicator", "value", "numerator", "denominator",
                 "ci_low", "ci_high"]


def indicator_values(indicators: pd.DataFrame, comparisons: pd.DataFrame,
                     pairs: list[tuple[int, int]]) -> pd.DataFrame:
    """Every ward-year's indicators as read against each baseline year it is reported with.

    indicators: the export (`registry.all_indicators`); comparisons: the social-order rows
    of `same_period_comparison` for `pairs`, the (year, baseline_year) pairs wanted.
    Indicators that do not depend on the baseline repeat for each baseline; comparative ones
    (the change and the rate ratio) come from the comparison with that baseline, and are
    absent where the two years cannot be compared.

    Parameters
    ----------
    indicators : pandas.DataFrame
        The export, in the contract's columns (`registry.all_indicators`).
    comparisons : pandas.DataFrame
        The social-order rows of `same_period_comparison` for `pairs`.
    pairs : list of tuple of (int, int)
        The (year, baseline_year) pairs wanted.

    Returns
    -------
    pandas.DataFrame
        Columns `VALUE_COLUMNS`, by ward, year, baseline year and registry order.

    Examples
    --------
    >>> ind = pd.DataFrame({"ward": ["a"], "year": [2023], "indicator": ["tips_handled_share"],
    ...                     "value": [0.9], "numerator": [9.0], "denominator": [10.0],
    ...                     "ci_low": [np.nan], "ci_high": [np.nan]})
    >>> cmp = pd.DataFrame({"ward": ["a", "a"], "year": [2023, 2023], "baseline_year": [2021, 2022],
    ...                     "after": [5.0, 5.0], "before": [9.0, 7.0], "difference": [-4.0, -2.0],
    ...                     "rate_ratio": [5 / 9, 5 / 7], "ci_low": [0.1, 0.2], "ci_high": [1.5, 2.3]})
    >>> got = indicator_values(ind, cmp, [(2023, 2021), (2023, 2022)])
    >>> got[got["indicator"] == "social_order_crime_change"][["baseline_year", "value"]].to_numpy().tolist()
    [[2021.0, -4.0], [2022.0, -2.0]]
    >>> len(got[got["indicator"] == "tips_handled_share"])
    2
    """
    baselines = pd.DataFrame(pairs, columns=["year", "baseline_year"], dtype=int)
    steady = indicators[~indicators["indicator"].isin(COMPARATIVE_IDS)].merge(baselines, on="year")
    changing = [comparison_rows(comparisons, i).assign(indicator=i) for i in COMPARATIVE_IDS]
    out = pd.concat([steady, *changing], ignore_index=True).reindex(columns=VALUE_COLUMNS)
    order = {name: i for i, name in enumerate(REGISTRY)}
    out = out.sort_values(["ward", "year", "baseline_year", "indicator"], kind="stable",
                          key=lambda s: s.map(order) if s.name == "indicator" else s)
    return out.astype({"year": int, "baseline_year": int}).reset_index(drop=True)


def peer_groups(units: pd.DataFrame) -> pd.Series:
    """Each unit's peer group: its district (``district_code``), else its province.

    Districts were abolished on 1 July 2025, so the units created then have none: they are
    ranked among the units of their province that have no district either (the new units),
    never with the old units of a district. Returned as text, aligned with `units`.

    Parameters
    ----------
    units : pandas.DataFrame
        The units table: ``district_code`` and ``province_code``.

    Returns
    -------
    pandas.Series
        The peer group of each unit: its district code, else ``"province-<code>"``.

    Examples
    --------
    >>> units = pd.DataFrame({"district_code": ["058", None], "province_code": ["06", "19"]})
    >>> peer_groups(units).tolist()
    ['058', 'province-19']
    """
    district = units["district_code"].astype("string") if "district_code" in units.columns else \
        pd.Series(pd.NA, index=units.index, dtype="string")
    province = "province-" + units.get("province_code", pd.Series("", index=units.index)).astype("string").fillna("")
    return district.where(district.notna() & district.str.strip().ne(""), province).astype(str)


def peer_ranks(values: pd.DataFrame, units: pd.DataFrame, by: str = "district_code") -> pd.DataFrame:
    """Rank of each ward among its peers, per year, baseline year and ranked indicator.

    Rank 1 is the best: highest for shares and stocks, lowest where the registry says
    lower is better (crimes, changes). Ties share the best rank ("min"). Shares are ranked
    as a reader sees them, rounded to 0.1 percentage point, so units shown with the same
    figure share a rank rather than being ordered by invisible digits.
    Criteria scores are ranked only among peers scored on the same scheme (the same
    denominator: 19/20 is not set against 21/22 as if the scales were equal), so
    ``n_peers`` counts the peers of the ward's own scheme.
    Crime counts and changes (`PER_1000_IDS`) are ranked per 1,000 residents, to two
    decimals, and their peers' spread is per 1,000 residents too.
    Returns the ranked rows with ``ranked_value`` (the value as ranked) and adds:
    peer_group, rank, n_peers, tied (another peer shares the rank), peer_min, peer_median,
    peer_max. Wards without a value are left out of their group's ranking.

    Parameters
    ----------
    values : pandas.DataFrame
        Rows of `indicator_values` (with the residents of `RESIDENTS_ID` for the crime rates).
    units : pandas.DataFrame
        The units table: ``slug`` and the column `by`.
    by : str, optional
        The units column that names each ward's peer group.

    Returns
    -------
    pandas.DataFrame
        The ranked rows with ``ranked_value``, ``peer_group``, ``rank``, ``n_peers``, ``tied``,
        ``peer_min``, ``peer_median`` and ``peer_max``.

    Examples
    --------
    >>> units = pd.DataFrame({"slug": ["a", "b", "c"], "district_code": ["1", "1", "1"]})
    >>> v = pd.DataFrame({"ward": ["a", "b", "c"], "year": [2023] * 3, "baseline_year": [2022] * 3,
    ...                   "indicator": ["tips_handled_share"] * 3, "value": [0.9, 1.0, 0.8]})
    >>> peer_ranks(v, units)[["ward", "rank", "n_peers", "tied"]].to_numpy().tolist()
    [['a', 2, 3, False], ['b', 1, 3, False], ['c', 3, 3, False]]
    >>> c = v.assign(indicator="criteria_met_share", value=[21 / 22, 19 / 20, 20 / 22],
    ...              numerator=[21, 19, 20], denominator=[22, 20, 22])
    >>> peer_ranks(c, units)[["ward", "rank", "n_peers"]].to_numpy().tolist()
    [['a', 1, 2], ['b', 1, 1], ['c', 2, 2]]
    """
    ranked = [i for i, spec in REGISTRY.items() if spec.ranked]
    rows = values[values["indicator"].isin(ranked) & values["value"].notna()]
    rows = _per_1000_residents(rows, values)
    rows = rows.assign(peer_group=rows["ward"].map(dict(zip(units["slug"], units[by].astype(str)))))
    kind = rows["indicator"].map({i: spec.kind for i, spec in REGISTRY.items()})
    lower = rows["indicator"].map({i: spec.lower_is_better for i, spec in REGISTRY.items()}).astype(bool)
    # As a reader sees them: shares to 0.1 point, crime per 1,000 residents to two decimals.
    shown = np.where(kind.isin(["share", "criteria"]), rows["value"].round(3),
                     np.where(rows["indicator"].isin(PER_1000_IDS), rows["value"].round(2), rows["value"]))
    # One ascending rank for every indicator: negate where higher is better.
    score = pd.Series(np.where(lower, shown, -shown), index=rows.index)
    # A criteria score is comparable only within its scheme, which its denominator names.
    denominator = rows["denominator"] if "denominator" in rows.columns else pd.Series(np.nan, index=rows.index)
    scale = np.where(kind.eq("criteria"), denominator.astype(float).astype(str), "")
    rows = rows.assign(_scale=scale)
    keys = ["peer_group", "year", "baseline_year", "indicator", "_scale"]
    groups = rows.assign(score=score).groupby(keys)
    out = rows.assign(
        rank=groups["score"].rank(method="min").astype(int),
        n_peers=groups["value"].transform("size").astype(int),
        peer_min=groups["value"].transform("min"),
        peer_median=groups["value"].transform("median"),
        peer_max=groups["value"].transform("max"),
    )
    out["tied"] = out.groupby([*keys, "rank"])["ward"].transform("size").gt(1)
    return out.drop(columns="_scale").rename(columns={"value": "ranked_value"}).reset_index(drop=True)


def _per_1000_residents(rows: pd.DataFrame, values: pd.DataFrame) -> pd.DataFrame:
    """`rows` with the crime indicators (`PER_1000_IDS`) as cases per 1,000 residents.

    value * 1000 / residents, where residents are the eligible residents of the same ward,
    year and baseline (the denominator of `RESIDENTS_ID`); a ward without them is left out.
    """
    crime = rows["indicator"].isin(PER_1000_IDS)
    if not crime.any():
        return rows
    keys = ["ward", "year", "baseline_year"]
    residents = values.loc[values["indicator"] == RESIDENTS_ID].set_index(keys)["denominator"]
    residents = residents[~residents.index.duplicated()]
    at = pd.MultiIndex.from_frame(rows.loc[crime, keys])
    per_1000 = rows.loc[crime, "value"].to_numpy() / residents.reindex(at).to_numpy() * 1000
    rows = rows.copy()
    rows.loc[crime, "value"] = per_1000
    return rows[rows["value"].notna()]
