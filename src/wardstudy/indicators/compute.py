"""One function per indicator id of the export contract, vectorised over wards and years.

Every function takes a tidy table (one row per ward and month; criteria per ward, year
and criterion) and returns the contract's columns, one row per ward and year:

    ward, year, indicator, value, numerator, denominator, ci_low, ci_high

so the export is a plain concatenation (`all_indicators`). Conventions:

* shares are fractions 0-1, summed over the months of the year before dividing;
  no denominator gives NaN, not 0 (no evidence is not bad evidence);
* shares of *events* (tips, procedures) carry an exact Clopper-Pearson 95% interval,
  read as the precision with which the year's cases pin down the underlying rate;
  yearly crime counts carry an exact Poisson (Garwood) interval;
* *stocks* (groups, points, models, ID coverage) are the value at the last month of the
  year present in the data, a census with no sampling interval (blank);
* a ward-year with no rows gives no row (the export leaves it out rather than guessing).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wardstudy.data.contract import CONTRACT_COLUMNS, INDICATOR_IDS
from wardstudy.data.months import year_of
from wardstudy.data.schemes import scheme_problems, with_scheme
from wardstudy.indicators.exact import clopper_pearson, poisson_count_interval
from wardstudy.indicators.same_period import comparison_rows, same_period_comparison

# One function per contract id, named after it, plus two helpers.
__all__ = [*INDICATOR_IDS, "crime_counts", "unmet_criteria"]

KEYS = ["ward", "year"]


def _with_year(frame: pd.DataFrame) -> pd.DataFrame:
    """Add the calendar year of the ``month`` column."""
    return frame.assign(year=year_of(frame["month"]))


def _finish(frame: pd.DataFrame, indicator: str) -> pd.DataFrame:
    """Put the contract's columns in order, fill what does not apply with NaN."""
    out = frame.assign(indicator=indicator)
    for column in CONTRACT_COLUMNS:
        if column not in out.columns:
            out[column] = np.nan
    out = out[CONTRACT_COLUMNS].sort_values(KEYS, kind="stable").reset_index(drop=True)
    out["year"] = out["year"].astype(int)
    return out


def _share(frame: pd.DataFrame, numerator: str, denominator: str, indicator: str,
           interval: bool = True) -> pd.DataFrame:
    """sum(numerator) / sum(denominator) per ward and year, with an exact interval."""
    sums = _with_year(frame).groupby(KEYS, as_index=False)[[numerator, denominator]].sum()
    num = sums[numerator].to_numpy(dtype=float)
    den = sums[denominator].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        value = np.where(den > 0, num / den, np.nan)
    out = sums[KEYS].assign(value=value, numerator=num, denominator=den)
    if interval:
        out["ci_low"], out["ci_high"] = clopper_pearson(num, den)
    return _finish(out, indicator)


def _year_end(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """The value of `column` at the last month of each ward's year present in the data."""
    last = _with_year(frame).sort_values("month", kind="stable").groupby(KEYS, as_index=False).last()
    return last


def _year_end_stock(frame: pd.DataFrame, column: str, indicator: str) -> pd.DataFrame:
    last = _year_end(frame, column)
    return _finish(last[KEYS].assign(value=last[column].astype(float)), indicator)


def _year_end_share(frame: pd.DataFrame, numerator: str, denominator: str, indicator: str) -> pd.DataFrame:
    last = _year_end(frame, numerator)
    num = last[numerator].to_numpy(dtype=float)
    den = last[denominator].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        value = np.where(den > 0, num / den, np.nan)
    return _finish(last[KEYS].assign(value=value, numerator=num, denominator=den), indicator)


def _scheme_grid(assessments: pd.DataFrame, register: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Assessments and register with their scheme (default where absent), checked against each other."""
    a, r = with_scheme(assessments), with_scheme(register)
    problems = scheme_problems(a, r)
    if problems:
        # Counting a criterion its scheme does not have would give 21/20; refuse instead.
        raise ValueError("criteria assessments do not fit the criteria register: " + "; ".join(problems[:5]))
    return a, r


def criteria_met_share(assessments: pd.DataFrame, register: pd.DataFrame) -> pd.DataFrame:
    """Share of its scheme's criteria a ward met in a year.

    share = criteria met / criteria of the scheme the ward-year was assessed under
    (``scheme`` of the assessments; absent or blank: the 22-criterion set of Quyết định
    5764, `wardstudy.data.schemes.DEFAULT_SCHEME`). Unit: fraction (0-1); numerator and
    denominator give the score as published ("19/20"). The denominator is the scheme's
    whole register, not the criteria assessed: an unassessed criterion is not met. A census
    of criteria, not a sample, so there is no interval. Scores of two schemes have two
    denominators: compare them as shares only with care, and never rank them together
    (`wardstudy.indicators.peers.peer_ranks`).

    Parameters
    ----------
    assessments : pandas.DataFrame
        The criteria assessments: ``ward, year, criterion_id, met`` (and ``scheme``).
    register : pandas.DataFrame
        The criteria register: ``criterion_id`` (and ``scheme``), one row per criterion of a scheme.

    Returns
    -------
    pandas.DataFrame
        The contract's columns (``ward, year, indicator, value, numerator, denominator, ci_low,
        ci_high``), one row per ward and year.

    Raises
    ------
    ValueError
        An assessment names a criterion or scheme the register does not have.

    Examples
    --------
    >>> register = pd.DataFrame({"scheme": ["qd5764-22"] * 22 + ["bca-2024-20"] * 20,
    ...                          "criterion_id": [f"C{i:02d}" for i in [*range(1, 23), *range(1, 21)]]})
    >>> df = pd.DataFrame({"ward": ["a"] * 22 + ["b"] * 20, "year": [2023] * 22 + [2024] * 20,
    ...                    "scheme": register["scheme"], "criterion_id": register["criterion_id"],
    ...                    "met": [1] * 21 + [0] + [1] * 19 + [0]})
    >>> criteria_met_share(df, register)[["ward", "year", "numerator", "denominator", "value"]]
      ward  year  numerator  denominator     value
    0    a  2023       21.0         22.0  0.954545
    1    b  2024       19.0         20.0  0.950000
    """
    a, r = _scheme_grid(assessments, register)
    sizes = r.groupby("scheme")["criterion_id"].nunique()
    met = (a.assign(met=a["met"].astype(int))
           .groupby([*KEYS, "scheme"], as_index=False)["met"].sum())
    num = met["met"].to_numpy(dtype=float)
    den = met["scheme"].map(sizes).to_numpy(dtype=float)
    out = met[KEYS].assign(value=num / den, numerator=num, denominator=den)
    return _finish(out, "criteria_met_share")


def crime_counts(crimes: pd.DataFrame, category: str, indicator: str) -> pd.DataFrame:
    """Cases of one crime category per ward and year, with an exact Poisson 95% interval.

    value = sum of monthly counts. Unit: cases per year (per months present).

    Parameters
    ----------
    crimes : pandas.DataFrame
        The crimes table: ``ward, month, category, count`` (and ``solved``), one row per month and category.
    category : str
        The crime category counted (e.g. ``"social_order"``).
    indicator : str
        The indicator id the rows carry.

    Returns
    -------
    pandas.DataFrame
        The contract's columns (``ward, year, indicator, value, numerator, denominator, ci_low,
        ci_high``), one row per ward and year.
    """
    covered = _with_year(crimes)[KEYS].drop_duplicates()
    sums = (
        _with_year(crimes[crimes["category"] == category])
        .groupby(KEYS, as_index=False)["count"].sum()
    )
    # A ward-year with records but none of this category had zero cases, not missing ones.
    sums = covered.merge(sums, on=KEYS, how="left").fillna({"count": 0})
    count = sums["count"].to_numpy(dtype=float)
    low, high = poisson_count_interval(count)
    return _finish(sums[KEYS].assign(value=count, ci_low=low, ci_high=high), indicator)


def social_order_crimes(crimes: pd.DataFrame) -> pd.DataFrame:
    """Social-order crimes (tội phạm về trật tự xã hội) per ward and year, exact 95% interval.

    Parameters
    ----------
    crimes : pandas.DataFrame
        The crimes table: ``ward, month, category, count`` (and ``solved``), one row per month and category.

    Returns
    -------
    pandas.DataFrame
        The contract's columns (``ward, year, indicator, value, numerator, denominator, ci_low,
        ci_high``), one row per ward and year.

    Examples
    --------
    >>> df = pd.DataFrame({"ward": ["a", "a", "a"], "month": ["2023-01", "2023-02", "2023-02"],
    ...                    "category": ["social_order", "social_order", "high_tech"],
    ...                    "count": [3, 2, 9]})
    >>> social_order_crimes(df)[["ward", "year", "value"]]
      ward  year  value
    0    a  2023    5.0
    """
    return crime_counts(crimes, "social_order", "social_order_crimes")


def high_tech_crimes(crimes: pd.DataFrame) -> pd.DataFrame:
    """High-tech crimes (tội phạm sử dụng công nghệ cao) per ward and year, exact 95% interval.

    Parameters
    ----------
    crimes : pandas.DataFrame
        The crimes table: ``ward, month, category, count`` (and ``solved``), one row per month and category.

    Returns
    -------
    pandas.DataFrame
        The contract's columns (``ward, year, indicator, value, numerator, denominator, ci_low,
        ci_high``), one row per ward and year.

    Examples
    --------
    >>> df = pd.DataFrame({"ward": ["a", "a"], "month": ["2023-01", "2023-02"],
    ...                    "category": ["high_tech", "drugs"], "count": [4, 1]})
    >>> high_tech_crimes(df)[["ward", "year", "value"]]
      ward  year  value
    0    a  2023    4.0
    """
    return crime_counts(crimes, "high_tech", "high_tech_crimes")


def crimes_solved_share(crimes: pd.DataFrame) -> pd.DataFrame:
    """Share of social-order cases solved (tỷ lệ điều tra, khám phá), with an exact 95% interval.

    share = solved / count of the social-order rows, summed over the months of the year;
    ``solved`` counts the month's cases solved by the time of reporting, so it is a part of
    the month's cases and the share a binomial one (Clopper-Pearson interval, as for tips).
    Unit: fraction (0-1). No cases in the year: NaN. A crimes table without a ``solved``
    column gives no rows; months whose ``solved`` is blank (not reported) are left out of
    both sums, so the share is over the months that report it, and a year with none has no row.

    Parameters
    ----------
    crimes : pandas.DataFrame
        The crimes table: ``ward, month, category, count`` (and ``solved``), one row per month and category.

    Returns
    -------
    pandas.DataFrame
        The contract's columns (``ward, year, indicator, value, numerator, denominator, ci_low,
        ci_high``), one row per ward and year.

    Examples
    --------
    >>> df = pd.DataFrame({"ward": ["a"] * 3, "month": ["2023-01", "2023-02", "2023-02"],
    ...                    "category": ["social_order", "social_order", "drugs"],
    ...                    "count": [6, 4, 9], "solved": [3, 4, 9]})
    >>> crimes_solved_share(df)[["ward", "year", "numerator", "denominator", "value"]]
      ward  year  numerator  denominator  value
    0    a  2023        7.0         10.0    0.7
    """
    if "solved" not in crimes.columns:
        return _finish(pd.DataFrame(columns=KEYS), "crimes_solved_share")
    reported = (crimes["category"] == "social_order") & crimes["solved"].notna()
    return _share(crimes[reported], "solved", "count", "crimes_solved_share")


def fires(fire_safety: pd.DataFrame) -> pd.DataFrame:
    """Fires (số vụ cháy) per ward and year, with an exact Poisson (Garwood) 95% interval.

    value = sum of the monthly ``fires``. Unit: fires per year (per months present). A
    fire-safety table without a ``fires`` column gives no rows; a year with a month whose
    ``fires`` is blank (not reported) gets NaN, never a smaller count.

    Parameters
    ----------
    fire_safety : pandas.DataFrame
        The fire-safety table: ``ward, month`` and the monthly stocks (and ``fires``).

    Returns
    -------
    pandas.DataFrame
        The contract's columns (``ward, year, indicator, value, numerator, denominator, ci_low,
        ci_high``), one row per ward and year.

    Examples
    --------
    >>> df = pd.DataFrame({"ward": ["a", "a", "b"], "month": ["2023-01", "2023-07", "2023-01"],
    ...                    "fires": [1, 2, 0]})
    >>> fires(df)[["ward", "year", "value"]]
      ward  year  value
    0    a  2023    3.0
    1    b  2023    0.0
    """
    if "fires" not in fire_safety.columns:
        return _finish(pd.DataFrame(columns=KEYS), "fires")
    years = _with_year(fire_safety).assign(_blank=fire_safety["fires"].isna())
    sums = years.groupby(KEYS, as_index=False).agg(fires=("fires", "sum"), blank=("_blank", "any"))
    count = np.where(sums["blank"].to_numpy(dtype=bool), np.nan, sums["fires"].to_numpy(dtype=float))
    low, high = poisson_count_interval(count)
    return _finish(sums[KEYS].assign(value=count, ci_low=low, ci_high=high), "fires")


def social_order_crime_change(crimes: pd.DataFrame) -> pd.DataFrame:
    """Change in social-order crimes against the same period of the previous year.

    value = after - before (cases; negative = fewer), over the months recorded in both
    years (`same_period_comparison`). The interval that says whether the change could be
    chance is on `social_order_crime_rate_ratio`; the difference itself has none here.

    Parameters
    ----------
    crimes : pandas.DataFrame
        The crimes table: ``ward, month, category, count`` (and ``solved``), one row per month and category.

    Returns
    -------
    pandas.DataFrame
        The contract's columns (``ward, year, indicator, value, numerator, denominator, ci_low,
        ci_high``), one row per ward and year.

    Examples
    --------
    >>> df = pd.DataFrame({"ward": ["a"] * 4, "month": ["2022-01", "2022-02", "2023-01", "2023-02"],
    ...                    "category": ["social_order"] * 4, "count": [10, 10, 6, 7]})
    >>> social_order_crime_change(df)[["ward", "year", "value"]]
      ward  year  value
    0    a  2023   -7.0
    """
    return _finish(comparison_rows(same_period_comparison(crimes, "social_order"), "social_order_crime_change"),
                   "social_order_crime_change")


def social_order_crime_rate_ratio(crimes: pd.DataFrame) -> pd.DataFrame:
    """Ratio of social-order crimes to the same period of the previous year, exact 95% interval.

    value = after / before; numerator = after, denominator = before; the interval is the
    exact conditional one (Clopper-Pearson on after | after + before), so an interval
    containing 1 says the change could be chance.

    Parameters
    ----------
    crimes : pandas.DataFrame
        The crimes table: ``ward, month, category, count`` (and ``solved``), one row per month and category.

    Returns
    -------
    pandas.DataFrame
        The contract's columns (``ward, year, indicator, value, numerator, denominator, ci_low,
        ci_high``), one row per ward and year.

    Examples
    --------
    >>> df = pd.DataFrame({"ward": ["a", "a"], "month": ["2022-01", "2023-01"],
    ...                    "category": ["social_order"] * 2, "count": [20, 13]})
    >>> row = social_order_crime_rate_ratio(df).iloc[0]
    >>> [round(float(row[c]), 3) for c in ["value", "ci_low", "ci_high"]]
    [0.65, 0.297, 1.373]
    """
    return _finish(comparison_rows(same_period_comparison(crimes, "social_order"), "social_order_crime_rate_ratio"),
                   "social_order_crime_rate_ratio")


def tips_handled_share(tips: pd.DataFrame) -> pd.DataFrame:
    """Share of crime reports and tips (tin báo, tố giác tội phạm) handled as regulated.

    share = handled / received, summed over the months of the year. Unit: fraction (0-1).

    Parameters
    ----------
    tips : pandas.DataFrame
        The tips table: ``ward, month, received, handled``.

    Returns
    -------
    pandas.DataFrame
        The contract's columns (``ward, year, indicator, value, numerator, denominator, ci_low,
        ci_high``), one row per ward and year.

    Examples
    --------
    >>> df = pd.DataFrame({"ward": ["a", "a"], "month": ["2023-01", "2023-02"],
    ...                    "received": [4, 6], "handled": [4, 5]})
    >>> tips_handled_share(df)[["ward", "year", "numerator", "denominator", "value"]]
      ward  year  numerator  denominator  value
    0    a  2023        9.0         10.0    0.9
    """
    return _share(tips, "handled", "received", "tips_handled_share")


def procedures_online_share(procedures: pd.DataFrame) -> pd.DataFrame:
    """Share of the ward police's administrative procedures done on the public-service portal.

    share = online / total, summed over the months of the year. Unit: fraction (0-1).

    Parameters
    ----------
    procedures : pandas.DataFrame
        The procedures table: ``ward, month, total, online, resolved, on_time, early``.

    Returns
    -------
    pandas.DataFrame
        The contract's columns (``ward, year, indicator, value, numerator, denominator, ci_low,
        ci_high``), one row per ward and year.

    Examples
    --------
    >>> df = pd.DataFrame({"ward": ["a", "a"], "month": ["2023-01", "2023-02"],
    ...                    "total": [10, 30], "online": [10, 20]})
    >>> procedures_online_share(df)["value"].round(3).tolist()
    [0.75]
    """
    return _share(procedures, "online", "total", "procedures_online_share")


def procedures_on_time_share(procedures: pd.DataFrame) -> pd.DataFrame:
    """Share of administrative procedures resolved on time.

    share = on_time / resolved, summed over the months of the year. Unit: fraction (0-1).

    Parameters
    ----------
    procedures : pandas.DataFrame
        The procedures table: ``ward, month, total, online, resolved, on_time, early``.

    Returns
    -------
    pandas.DataFrame
        The contract's columns (``ward, year, indicator, value, numerator, denominator, ci_low,
        ci_high``), one row per ward and year.

    Examples
    --------
    >>> df = pd.DataFrame({"ward": ["a", "a"], "month": ["2023-01", "2023-02"],
    ...                    "resolved": [10, 10], "on_time": [10, 8]})
    >>> procedures_on_time_share(df)[["ward", "year", "numerator", "denominator", "value"]]
      ward  year  numerator  denominator  value
    0    a  2023       18.0         20.0    0.9
    """
    return _share(procedures, "on_time", "resolved", "procedures_on_time_share")


def procedures_early_share(procedures: pd.DataFrame) -> pd.DataFrame:
    """Share of administrative procedures resolved ahead of time, of all resolved.

    share = early / resolved (as the article's "100% on time, of which 20% early").
    Unit: fraction (0-1).

    Parameters
    ----------
    procedures : pandas.DataFrame
        The procedures table: ``ward, month, total, online, resolved, on_time, early``.

    Returns
    -------
    pandas.DataFrame
        The contract's columns (``ward, year, indicator, value, numerator, denominator, ci_low,
        ci_high``), one row per ward and year.

    Examples
    --------
    >>> df = pd.DataFrame({"ward": ["a"], "month": ["2023-05"], "resolved": [50], "early": [10]})
    >>> procedures_early_share(df)["value"].tolist()
    [0.2]
    """
    return _share(procedures, "early", "resolved", "procedures_early_share")


def fire_safety_groups(fire_safety: pd.DataFrame) -> pd.DataFrame:
    """Fire-safety inter-household groups (tổ liên gia an toàn PCCC) at the end of the year.

    value = the stock in the last month of the year in the data. Unit: groups.

    Parameters
    ----------
    fire_safety : pandas.DataFrame
        The fire-safety table: ``ward, month`` and the monthly stocks (and ``fires``).

    Returns
    -------
    pandas.DataFrame
        The contract's columns (``ward, year, indicator, value, numerator, denominator, ci_low,
        ci_high``), one row per ward and year.

    Examples
    --------
    >>> df = pd.DataFrame({"ward": ["a", "a"], "month": ["2023-11", "2023-12"],
    ...                    "fire_safety_groups": [4, 6]})
    >>> fire_safety_groups(df)["value"].tolist()
    [6.0]
    """
    return _year_end_stock(fire_safety, "fire_safety_groups", "fire_safety_groups")


def public_firefighting_points(fire_safety: pd.DataFrame) -> pd.DataFrame:
    """Public firefighting points (điểm chữa cháy công cộng) at the end of the year. Unit: points.

    Parameters
    ----------
    fire_safety : pandas.DataFrame
        The fire-safety table: ``ward, month`` and the monthly stocks (and ``fires``).

    Returns
    -------
    pandas.DataFrame
        The contract's columns (``ward, year, indicator, value, numerator, denominator, ci_low,
        ci_high``), one row per ward and year.

    Examples
    --------
    >>> df = pd.DataFrame({"ward": ["a", "a"], "month": ["2023-12", "2023-06"],
    ...                    "public_firefighting_points": [6, 2]})
    >>> public_firefighting_points(df)["value"].tolist()
    [6.0]
    """
    return _year_end_stock(fire_safety, "public_firefighting_points", "public_firefighting_points")


def community_models_active(community_models: pd.DataFrame) -> pd.DataFrame:
    """Community security models active at the end of the year (e.g. "Phố phường bình yên").

    Unit: models.

    Parameters
    ----------
    community_models : pandas.DataFrame
        The community models table: ``ward, month, models_active``.

    Returns
    -------
    pandas.DataFrame
        The contract's columns (``ward, year, indicator, value, numerator, denominator, ci_low,
        ci_high``), one row per ward and year.

    Examples
    --------
    >>> df = pd.DataFrame({"ward": ["a"], "month": ["2023-12"], "models_active": [4]})
    >>> community_models_active(df)["value"].tolist()
    [4.0]
    """
    return _year_end_stock(community_models, "models_active", "community_models_active")


def chip_id_coverage(project06: pd.DataFrame) -> pd.DataFrame:
    """Project 06: share of eligible residents holding a chip-based ID card, at year end.

    share = chip_ids_issued / eligible_residents in the last month of the year.
    Unit: fraction (0-1). A census stock: no interval.

    Parameters
    ----------
    project06 : pandas.DataFrame
        The Project 06 table: ``ward, month, eligible_residents, chip_ids_issued, vneid_level2_accounts``.

    Returns
    -------
    pandas.DataFrame
        The contract's columns (``ward, year, indicator, value, numerator, denominator, ci_low,
        ci_high``), one row per ward and year.

    Examples
    --------
    >>> df = pd.DataFrame({"ward": ["a"], "month": ["2023-12"], "eligible_residents": [200],
    ...                    "chip_ids_issued": [190], "vneid_level2_accounts": [120]})
    >>> chip_id_coverage(df)["value"].tolist()
    [0.95]
    """
    return _year_end_share(project06, "chip_ids_issued", "eligible_residents", "chip_id_coverage")


def vneid_level2_share(project06: pd.DataFrame) -> pd.DataFrame:
    """Project 06: share of eligible residents with a level-2 VNeID account, at year end.

    share = vneid_level2_accounts / eligible_residents in the last month of the year.
    Unit: fraction (0-1).

    Parameters
    ----------
    project06 : pandas.DataFrame
        The Project 06 table: ``ward, month, eligible_residents, chip_ids_issued, vneid_level2_accounts``.

    Returns
    -------
    pandas.DataFrame
        The contract's columns (``ward, year, indicator, value, numerator, denominator, ci_low,
        ci_high``), one row per ward and year.

    Examples
    --------
    >>> df = pd.DataFrame({"ward": ["a"], "month": ["2023-12"], "eligible_residents": [200],
    ...                    "chip_ids_issued": [190], "vneid_level2_accounts": [120]})
    >>> vneid_level2_share(df)["value"].tolist()
    [0.6]
    """
    return _year_end_share(project06, "vneid_level2_accounts", "eligible_residents", "vneid_level2_share")


def unmet_criteria(assessments: pd.DataFrame, register: pd.DataFrame) -> pd.DataFrame:
    """The criteria of its scheme a ward did not meet in a year: one row per (ward, year, criterion).

    A criterion of the scheme with no assessment row counts as unmet (as in
    `criteria_met_share`). Returns ``ward, year, scheme, criterion_id`` in register order;
    ``scheme`` says which set an id such as "C06" belongs to (C06 of the 22-criterion set
    is not C06 of the 20-criterion set).

    Parameters
    ----------
    assessments : pandas.DataFrame
        The criteria assessments: ``ward, year, criterion_id, met`` (and ``scheme``).
    register : pandas.DataFrame
        The criteria register: ``criterion_id`` (and ``scheme``), one row per criterion of a scheme.

    Returns
    -------
    pandas.DataFrame
        ``ward, year, scheme, criterion_id``: one row per criterion not met, in register order.

    Raises
    ------
    ValueError
        An assessment names a criterion or scheme the register does not have.

    Examples
    --------
    >>> register = pd.DataFrame({"criterion_id": ["C01", "C02", "C03"]})
    >>> a = pd.DataFrame({"ward": ["w", "w"], "year": [2023, 2023], "criterion_id": ["C01", "C02"], "met": [1, 0]})
    >>> unmet_criteria(a, register)["criterion_id"].tolist()
    ['C02', 'C03']
    """
    a, r = _scheme_grid(assessments, register)
    ward_years = a[[*KEYS, "scheme"]].drop_duplicates()
    grid = ward_years.merge(r[["scheme", "criterion_id"]].assign(order=range(len(r))), on="scheme")
    met = a.loc[a["met"].astype(int) == 1, [*KEYS, "scheme", "criterion_id"]].assign(_met=True)
    out = grid.merge(met, on=[*KEYS, "scheme", "criterion_id"], how="left")
    out = out[out["_met"].isna()].sort_values([*KEYS, "order"], kind="stable")
    return out[[*KEYS, "scheme", "criterion_id"]].astype({"year": int}).reset_index(drop=True)
