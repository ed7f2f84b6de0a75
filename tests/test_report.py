"""The report's display helpers, against hand-worked values."""

import numpy as np
import pandas as pd
import pytest

from wardstudy import report
from wardstudy.evaluate import poisson_change


def test_verdict_calls_a_fall_from_20_to_13_possible_chance():
    # Conditional on 33 cases, 13 ~ Binomial(33, 1/2): two-sided p = 0.296 (R: poisson.test(c(13, 20))).
    text = report.verdict(poisson_change(13, 20), lang="en")
    assert text.startswith("fell from 20 to 13 cases (−7)")
    assert "p = 0.30" in text
    assert text.endswith("could be chance")
    assert report.verdict(poisson_change(13, 20)).endswith("có thể chỉ do ngẫu nhiên")


def test_verdict_calls_a_fall_from_20_to_5_unlikely_chance_without_claiming_a_cause():
    # 5 of 25 under Binomial(25, 1/2): P(X <= 5) = 68406 / 2**25 = 0.00204; two-sided 0.0041.
    text = report.verdict(poisson_change(5, 20), lang="en")
    assert "p = 0.0041" in text
    assert "unlikely to be chance" in text and "not shown to be caused" in text
    assert "could be chance" not in text


def test_verdict_with_no_cases_in_either_period_says_there_is_nothing_to_judge():
    assert report.verdict(poisson_change(0, 0), lang="en") == "no cases in either period: nothing to judge"


def test_verdict_for_a_rise_says_rose():
    assert report.verdict(poisson_change(9, 6), lang="en").startswith("rose from 6 to 9 cases (+3)")


@pytest.mark.parametrize("value, expected", [(1.0, "100%"), (0.2, "20%"), (21 / 22, "95,5%"), (0.9999, "100,0%"),
                                             (np.nan, "—")])
def test_fmt_share_uses_decimal_comma_and_keeps_99_99_from_showing_as_100(value, expected):
    assert report.fmt_share(value) == expected


def test_fmt_number_groups_thousands_with_dots():
    assert report.fmt_number(1340) == "1.340"
    assert report.fmt_number(-7) == "−7"


def test_criteria_status_counts_unassessed_criteria_as_unmet():
    register = pd.DataFrame({"criterion_id": [f"C{i:02d}" for i in range(1, 23)]})
    rows = pd.DataFrame({"ward": "w", "year": 2023, "criterion_id": [f"C{i:02d}" for i in range(1, 22)],
                         "met": [1] * 20 + [0]})
    status = report.criteria_status(rows, register, "w", 2023)
    assert (status.met, status.total, status.unmet) == (20, 22, ["C21", "C22"])


def _indicators(rows):
    frame = pd.DataFrame(rows, columns=["ward", "year", "indicator", "value", "numerator", "denominator"])
    return frame.assign(ci_low=np.nan, ci_high=np.nan)


def test_targets_table_judges_each_target_and_names_its_basis():
    ind = _indicators([
        ("a", 2024, "criteria_met_share", 1.0, 22, 22),
        ("a", 2024, "tips_handled_share", 0.99, 99, 100),
        ("a", 2024, "procedures_online_share", 1.0, 50, 50),
        ("a", 2024, "social_order_crime_change", 2.0, np.nan, np.nan),
    ])
    table = report.targets_table(ind, "a", 2024)
    status = table["Đạt?"].to_dict()
    assert status["Tiêu chí đạt"] == "✓ đạt"
    assert status["Tin báo, tố giác được giải quyết"] == "✗ chưa đạt"   # 99% < 100%
    assert status["Thủ tục hành chính trực tuyến"] == "✓ đạt"
    assert status["Thủ tục giải quyết đúng hạn"] == "— không có số liệu"
    assert status["TTXH so với cùng kỳ (vụ)"] == "✗ chưa đạt"          # +2 is not a fall
    basis = table["Căn cứ của mục tiêu"]
    assert basis["Tiêu chí đạt"].startswith("Định hướng trong bài báo")
    assert basis["Tin báo, tố giác được giải quyết"].startswith("Giả định của dự án")


def test_ranking_puts_fewest_crimes_first_and_ties_share_a_rank():
    ind = _indicators([("a", 2024, "social_order_crimes", 12, np.nan, np.nan),
                       ("b", 2024, "social_order_crimes", 7, np.nan, np.nan),
                       ("c", 2024, "social_order_crimes", 7, np.nan, np.nan),
                       ("d", 2024, "social_order_crimes", 20, np.nan, np.nan)])
    ranks = report.ranking_table(ind, "a", 2024, ["social_order_crimes"])
    assert ranks["Hạng"].iloc[0] == "3/4"
    assert report.ranking_table(ind, "b", 2024, ["social_order_crimes"])["Hạng"].iloc[0] == "1/4"


def test_period_counts_sets_a_part_year_against_the_same_months():
    crimes = pd.DataFrame({"ward": "a", "category": "social_order",
                           "month": ["2022-01", "2022-02", "2022-03", "2023-01", "2023-02"],
                           "count": [4, 6, 100, 3, 2]})
    assert report.period_counts(crimes, "a", 2023, 2022) == (5, 10, [1, 2])


def test_duc_xuan_2023_on_the_shipped_data_shows_21_of_22_and_a_fall_of_7(study):
    from wardstudy.indicators import all_indicators

    table = all_indicators(study)
    assert report.headline(table, "duc-xuan", 2023)["Tiêu chí đạt"] == "21/22 (95,5%)"
    change = report.crime_change(study.crimes, "duc-xuan", 2023, 2022)
    assert change.after - change.before == -7
    assert "có thể chỉ do ngẫu nhiên" in report.verdict(change)


def test_banner_only_for_synthetic_data(study):
    assert "DỮ LIỆU TỔNG HỢP" in report.banner(study).data
    assert report.banner_html(False) == ""


def test_ranking_ties_shares_that_read_the_same():
    # 97.96% and 98.04% both read "98,0%": they share rank 1 rather than being split by hidden digits.
    ind = _indicators([("a", 2024, "chip_id_coverage", 0.9796, np.nan, np.nan),
                       ("b", 2024, "chip_id_coverage", 0.9804, np.nan, np.nan),
                       ("c", 2024, "chip_id_coverage", 0.90, np.nan, np.nan)])
    assert report.ranking_table(ind, "a", 2024, ["chip_id_coverage"])["Hạng"].iloc[0] == "1/3"
