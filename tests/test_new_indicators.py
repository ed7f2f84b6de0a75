"""Two indicators every police report carries: cases solved (điều tra, khám phá) and fires (số vụ cháy)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wardstudy.data.contract import INDICATOR_IDS
from wardstudy.data.schemas import Context, validate_table
from wardstudy.indicators.compute import crimes_solved_share, fires
from wardstudy.indicators.registry import REGISTRY


def _crimes(rows):
    return pd.DataFrame(rows, columns=["ward", "month", "category", "count", "solved"])


def test_solved_share_is_social_order_cases_solved_over_recorded_with_clopper_pearson():
    df = _crimes([("a", "2023-01", "social_order", 6, 3), ("a", "2023-02", "social_order", 4, 4),
                  ("a", "2023-02", "drugs", 9, 9)])            # drug cases are not social-order cases
    got = crimes_solved_share(df).iloc[0]
    assert (got["numerator"], got["denominator"]) == (7, 10)
    assert got["value"] == pytest.approx(0.7)
    # R: binom.test(7, 10)$conf.int = 0.3475471 0.9332605
    assert (got["ci_low"], got["ci_high"]) == pytest.approx((0.3475471, 0.9332605), abs=1e-7)


def test_solved_share_sums_the_months_before_dividing():
    df = _crimes([("a", "2023-01", "social_order", 1, 1), ("a", "2023-02", "social_order", 9, 0)])
    assert crimes_solved_share(df).loc[0, "value"] == pytest.approx(1 / 10)   # not the mean of 1.0 and 0.0


def test_solved_share_of_a_year_without_cases_is_blank_not_zero():
    got = crimes_solved_share(_crimes([("a", "2023-01", "social_order", 0, 0)])).iloc[0]
    assert np.isnan(got["value"]) and np.isnan(got["ci_low"]) and got["denominator"] == 0


def test_a_crimes_table_without_solved_gives_no_solved_rows():
    df = _crimes([("a", "2023-01", "social_order", 3, 1)]).drop(columns="solved")
    got = crimes_solved_share(df)
    assert got.empty and list(got.columns) == ["ward", "year", "indicator", "value", "numerator", "denominator",
                                               "ci_low", "ci_high"]


def test_fires_sum_the_months_with_a_garwood_interval():
    df = pd.DataFrame({"ward": ["a", "a", "a", "b"], "month": ["2023-01", "2023-07", "2024-01", "2023-03"],
                       "fires": [1, 2, 5, 0]})
    got = fires(df).set_index(["ward", "year"])
    assert got.loc[("a", 2023), "value"] == 3 and got.loc[("a", 2024), "value"] == 5
    # R: poisson.test(3)$conf.int = 0.6186721 8.7672731; poisson.test(0)$conf.int = 0 3.688879
    assert (got.loc[("a", 2023), "ci_low"], got.loc[("a", 2023), "ci_high"]) == pytest.approx((0.6186721, 8.7672731),
                                                                                            abs=1e-6)
    assert (got.loc[("b", 2023), "ci_low"], got.loc[("b", 2023), "ci_high"]) == pytest.approx((0.0, 3.688879),
                                                                                            abs=1e-6)


def test_more_solved_than_recorded_is_refused_by_the_schema():
    raw = pd.DataFrame({"ward": ["a"], "month": ["2023-01"], "category": ["social_order"], "count": ["3"],
                        "solved": ["4"]}, index=[2])
    _, problems = validate_table("crimes", raw, "crimes.csv", Context())
    assert [str(p) for p in problems] == [
        'crimes.csv, row 2, column "solved": 4 is more than column "count" (3) '
        "(solved must be <= count: solved cases are among the cases recorded)"]


def test_fires_must_be_whole_numbers():
    raw = pd.DataFrame({"ward": ["a"], "month": ["2023-01"], "fire_safety_groups": ["1"],
                        "public_firefighting_points": ["1"], "fires": ["1.5"]}, index=[2])
    _, problems = validate_table("fire_safety", raw, "fire_safety.csv", Context())
    assert [p.column for p in problems] == ["fires"]


def test_the_export_has_both_for_every_ward_and_year_of_the_shipped_panel(study):
    from wardstudy.pipeline.build import ensure_build

    exported = ensure_build(None).read("indicators")           # what indicators.csv holds
    for indicator in ["crimes_solved_share", "fires"]:
        rows = exported[exported["indicator"] == indicator]
        # 8 old units 2021-2024, and the new Đức Xuân and Bắc Kạn 2021-2025 (their territory's years)
        assert len(rows) == 8 * 4 + 2 * 5, indicator
    solved = exported[exported["indicator"] == "crimes_solved_share"]
    assert (solved["numerator"] <= solved["denominator"]).all() and solved["ci_low"].notna().all()


def test_shipped_solved_counts_recompute_from_the_records(study):
    so = study.crimes.query("ward == 'duc-xuan' and category == 'social_order' and month.str.startswith('2023')",
                            engine="python")
    got = crimes_solved_share(study.crimes).query("ward == 'duc-xuan' and year == 2023").iloc[0]
    assert (got["numerator"], got["denominator"]) == (so["solved"].sum(), so["count"].sum())
    assert got["denominator"] == 12                            # the calibrated 2023 count behind the fall of 7


def test_the_two_ids_follow_the_original_contract_and_carry_police_labels():
    assert INDICATOR_IDS[-2:] == ["crimes_solved_share", "fires"]
    assert INDICATOR_IDS[0] == "criteria_met_share" and INDICATOR_IDS[13] == "high_tech_crimes"
    solved, fire = REGISTRY["crimes_solved_share"], REGISTRY["fires"]
    assert "điều tra, khám phá" in solved.label_vi and solved.kind == "share" and not solved.lower_is_better
    assert "vụ cháy" in fire.label_vi and fire.unit_vi == "vụ" and fire.lower_is_better
    assert fire.label_en and solved.label_en
