"""Each indicator on small fixtures, with the expected values worked out by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from wardstudy import indicators as ind


def monthly(rows, columns):
    return pd.DataFrame(rows, columns=["ward", "month", *columns])


def test_on_time_share_sums_months_before_dividing():
    df = monthly([("a", "2023-01", 10, 10), ("a", "2023-02", 30, 0)], ["resolved", "on_time"])
    got = ind.procedures_on_time_share(df)
    assert got.loc[0, "value"] == pytest.approx(10 / 40)  # not the mean of 1.0 and 0.0
    assert (got.loc[0, "numerator"], got.loc[0, "denominator"]) == (10, 40)


def test_share_is_nan_not_zero_without_cases():
    df = monthly([("a", "2023-01", 0, 0)], ["received", "handled"])
    got = ind.tips_handled_share(df)
    assert np.isnan(got.loc[0, "value"])
    assert np.isnan(got.loc[0, "ci_low"]) and np.isnan(got.loc[0, "ci_high"])


def test_shares_are_summed_within_each_ward_and_year_never_across_them():
    # a's December 2022 stays in 2022 (5/10), not pooled with January 2023 (9/10); b sums (1+3)/8.
    df = monthly([
        ("a", "2022-12", 10, 5), ("a", "2023-01", 10, 9),
        ("b", "2023-01", 4, 1), ("b", "2023-02", 4, 3),
    ], ["total", "online"])
    got = ind.procedures_online_share(df).set_index(["ward", "year"])["value"]
    assert got.to_dict() == {("a", 2022): 0.5, ("a", 2023): 0.9, ("b", 2023): 0.5}


def test_early_share_is_of_all_resolved_not_of_on_time():
    df = monthly([("a", "2023-01", 40, 30, 10)], ["resolved", "on_time", "early"])
    assert ind.procedures_early_share(df).loc[0, "value"] == pytest.approx(10 / 40)


def test_share_interval_is_clopper_pearson():
    # 9 of 10: the exact 95% interval is 0.5550 to 0.9975 (standard tables; R binom.test(9, 10)).
    df = monthly([("a", "2023-01", 10, 9)], ["received", "handled"])
    got = ind.tips_handled_share(df).iloc[0]
    assert got["ci_low"] == pytest.approx(0.5550, abs=1e-4)
    assert got["ci_high"] == pytest.approx(0.9975, abs=1e-4)


def test_all_handled_has_upper_bound_one_and_lower_bound_below_one():
    # 83 of 83: lower bound (0.025)^(1/83) = 0.95653.
    df = monthly([("a", "2023-01", 83, 83)], ["received", "handled"])
    got = ind.tips_handled_share(df).iloc[0]
    assert got["ci_high"] == 1.0
    assert got["ci_low"] == pytest.approx(0.025 ** (1 / 83), rel=1e-9)


def test_criteria_share_counts_unassessed_criteria_as_unmet():
    register = pd.DataFrame({"criterion_id": [f"C{i:02d}" for i in range(1, 23)]})
    df = pd.DataFrame({"ward": "a", "year": 2023, "criterion_id": ["C01", "C02", "C03"], "met": [1, 1, 0]})
    got = ind.criteria_met_share(df, register).iloc[0]
    assert got["value"] == pytest.approx(2 / 22)
    assert (got["numerator"], got["denominator"]) == (2, 22)


def test_criteria_share_denominator_is_the_registers_length():
    register = pd.DataFrame({"criterion_id": [f"C{i:02d}" for i in range(1, 21)]})  # a 20-criterion scheme
    df = pd.DataFrame({"ward": "a", "year": 2024, "criterion_id": register["criterion_id"], "met": [1] * 19 + [0]})
    got = ind.criteria_met_share(df, register).iloc[0]
    assert (got["numerator"], got["denominator"], got["value"]) == (19, 20, pytest.approx(0.95))


def test_crime_counts_sum_one_category_and_give_garwood_interval():
    df = monthly([
        ("a", "2023-01", "social_order", 3), ("a", "2023-02", "social_order", 2),
        ("a", "2023-02", "high_tech", 9),
    ], ["category", "count"])
    got = ind.social_order_crimes(df).iloc[0]
    assert got["value"] == 5
    # Garwood interval for 5 cases: 1.6235 to 11.6683 (standard exact Poisson tables).
    assert got["ci_low"] == pytest.approx(1.6235, abs=1e-4)
    assert got["ci_high"] == pytest.approx(11.6683, abs=1e-4)


def test_a_year_without_the_category_counts_zero_cases():
    df = monthly([("a", "2023-01", "high_tech", 2)], ["category", "count"])
    got = ind.social_order_crimes(df).iloc[0]
    assert got["value"] == 0
    assert got["ci_low"] == 0
    assert got["ci_high"] == pytest.approx(3.6889, abs=1e-4)  # -ln(0.025)


def test_change_compares_with_the_same_months_of_the_previous_year():
    df = monthly([
        ("a", "2022-01", "social_order", 5), ("a", "2022-02", "social_order", 6),
        ("a", "2022-03", "social_order", 100),  # March 2022 has no March 2023 to compare with
        ("a", "2023-01", "social_order", 2), ("a", "2023-02", "social_order", 1),
    ], ["category", "count"])
    got = ind.social_order_crime_change(df)
    assert got["year"].tolist() == [2023]
    assert got.loc[0, "value"] == (2 + 1) - (5 + 6)


def test_change_compares_only_the_months_both_years_have():
    # February 2022 is missing: the same period is January alone, 2 against 5 (not 3 against 5).
    df = monthly([
        ("a", "2022-01", "social_order", 5),
        ("a", "2023-01", "social_order", 2), ("a", "2023-02", "social_order", 1),
    ], ["category", "count"])
    got = ind.social_order_crime_change(df)
    assert got.loc[0, "value"] == -3
    compared = ind.same_period_comparison(df).iloc[0]
    assert (compared["months"], compared["months_compared"], compared["partial"]) == (1, "1", True)


def test_change_cannot_be_compared_without_a_common_month():
    df = monthly([("a", "2022-03", "social_order", 5), ("a", "2023-01", "social_order", 2)],
                 ["category", "count"])
    assert np.isnan(ind.social_order_crime_change(df).loc[0, "value"])


def test_change_first_year_has_no_row_and_other_wards_are_independent():
    df = monthly([
        ("a", "2022-01", "social_order", 4), ("a", "2023-01", "social_order", 1),
        ("b", "2023-01", "social_order", 9), ("b", "2024-01", "social_order", 12),
    ], ["category", "count"])
    got = ind.social_order_crime_change(df).set_index(["ward", "year"])["value"].to_dict()
    assert got == {("a", 2023): -3, ("b", 2024): 3}


def test_rate_ratio_interval_is_the_exact_conditional_clopper_pearson_interval():
    # Equal exposures: conditional on 33 cases, 13 ~ Binomial(33, p) with ratio = p / (1 - p).
    # Clopper-Pearson for p: Beta(0.025; 13, 21) and Beta(0.975; 14, 20) quantiles, mapped by
    # p / (1 - p): 0.29713 to 1.37308 (the values R's poisson.test(c(13, 20)) prints rounded).
    lo, hi = stats.beta.ppf(0.025, 13, 21), stats.beta.ppf(0.975, 14, 20)
    assert (lo / (1 - lo), hi / (1 - hi)) == pytest.approx((0.29713, 1.37308), abs=1e-5)
    df = monthly([("a", "2022-06", "social_order", 20), ("a", "2023-06", "social_order", 13)],
                 ["category", "count"])
    got = ind.social_order_crime_rate_ratio(df).iloc[0]
    assert got["value"] == pytest.approx(0.65)
    assert (got["numerator"], got["denominator"]) == (13, 20)
    assert got["ci_low"] == pytest.approx(0.2971, abs=1e-4)
    assert got["ci_high"] == pytest.approx(1.3731, abs=1e-4)


def test_stocks_take_the_last_month_of_the_year_even_when_rows_are_unsorted():
    df = monthly([("a", "2023-12", 6, 5), ("a", "2023-03", 1, 1), ("a", "2024-02", 7, 6)],
                 ["fire_safety_groups", "public_firefighting_points"])
    groups = ind.fire_safety_groups(df).set_index("year")["value"].to_dict()
    points = ind.public_firefighting_points(df).set_index("year")["value"].to_dict()
    assert groups == {2023: 6, 2024: 7}
    assert points == {2023: 5, 2024: 6}


def test_project06_coverage_uses_year_end_stock_not_the_sum_of_months():
    df = monthly([("a", "2023-11", 100, 50, 10), ("a", "2023-12", 100, 60, 30)],
                 ["eligible_residents", "chip_ids_issued", "vneid_level2_accounts"])
    assert ind.chip_id_coverage(df).loc[0, "value"] == pytest.approx(0.6)
    assert ind.vneid_level2_share(df).loc[0, "value"] == pytest.approx(0.3)


def test_every_indicator_returns_the_contract_columns(study):
    for name, spec in ind.REGISTRY.items():
        got = spec.function(*(getattr(study, table) for table in spec.tables))
        assert list(got.columns) == ind.CONTRACT_COLUMNS, name
        assert set(got["indicator"]) == {name}


def test_contract_ids_are_all_exported(study):
    contract = {"criteria_met_share", "social_order_crimes", "social_order_crime_change",
                "tips_handled_share", "procedures_online_share", "procedures_on_time_share",
                "procedures_early_share", "fire_safety_groups", "public_firefighting_points",
                "chip_id_coverage", "vneid_level2_share", "community_models_active", "high_tech_crimes",
                "crimes_solved_share", "fires"}
    exported = set(ind.all_indicators(study)["indicator"])
    assert contract <= exported
