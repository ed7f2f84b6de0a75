"""The report's display helpers (format, wording, tables, pages), against hand-worked values."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from wardstudy.evaluate import poisson_change
from wardstudy.report import format as fmt
from wardstudy.report import pages, tables, wording


def _comparison(after, before):
    """A same-period comparison row for `after` against `before` over 12 months."""
    change = poisson_change(after, before)
    return {"after": after, "before": before, "rate_ratio": change.rate_ratio if before else np.nan,
            "ci_low": change.ci_low, "ci_high": change.ci_high, "p_value": change.p_value, "months": 12,
            "months_compared": "1–12", "year": 2023}


def test_verdict_calls_a_fall_from_20_to_13_possible_chance():
    # Conditional on 33 cases, 13 ~ Binomial(33, 1/2): two-sided p = 0.296 (R: poisson.test(c(13, 20))).
    text = wording.crime_verdict(_comparison(13, 20), lang="en")
    assert text.startswith("fell from 20 to 13 cases (−7)")
    assert "p = 0.30" in text
    assert text.endswith("could be chance")
    assert wording.crime_verdict(_comparison(13, 20)).endswith("có thể chỉ do ngẫu nhiên")


def test_verdict_calls_a_fall_from_20_to_5_unlikely_chance_without_claiming_a_cause():
    # 5 of 25 under Binomial(25, 1/2): P(X <= 5) = 68406 / 2**25 = 0.00204; two-sided 0.0041.
    text = wording.crime_verdict(_comparison(5, 20), lang="en")
    assert "p = 0.0041" in text
    assert "unlikely to be chance" in text and "not shown to be caused" in text
    assert "could be chance" not in text


def test_verdict_with_no_cases_in_either_period_says_there_is_nothing_to_judge():
    assert wording.crime_verdict(_comparison(0, 0), lang="en") == "no cases in either period: nothing to judge"


def test_verdict_for_a_rise_says_rose():
    assert wording.crime_verdict(_comparison(9, 6), lang="en").startswith("rose from 6 to 9 cases (+3)")


@pytest.mark.parametrize("value, expected", [(1.0, "100%"), (0.2, "20%"), (21 / 22, "95,5%"), (0.9999, "100,0%"),
                                             (np.nan, "—")])
def test_fmt_share_uses_decimal_comma_and_keeps_99_99_from_showing_as_100(value, expected):
    assert fmt.fmt_share(value) == expected


def test_fmt_number_groups_thousands_with_dots():
    assert fmt.fmt_number(1340) == "1.340"
    assert fmt.fmt_number(-7) == "−7"


def test_criteria_status_counts_unassessed_criteria_as_unmet():
    register = pd.DataFrame({"criterion_id": [f"C{i:02d}" for i in range(1, 23)]})
    rows = pd.DataFrame({"ward": "w", "year": 2023, "criterion_id": [f"C{i:02d}" for i in range(1, 22)],
                         "met": [1] * 20 + [0]})
    from wardstudy.indicators.compute import unmet_criteria

    unmet = unmet_criteria(rows, register)["criterion_id"].tolist()
    assert unmet == ["C21", "C22"]
    assert wording.criteria_status_text(22 - len(unmet), 22, unmet) == "20/22 tiêu chí đạt; chưa đạt: C21, C22"


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
    table = tables.targets_table(ind, 22)
    status = table["Đạt?"].to_dict()
    assert status["Tiêu chí đạt"] == "✓ đạt"
    assert status["Tin báo, tố giác được giải quyết"] == "✗ chưa đạt"   # 99% < 100%
    assert status["Thủ tục hành chính trực tuyến"] == "✓ đạt"
    assert status["Thủ tục giải quyết đúng hạn"] == "— không có số liệu"
    assert status["TTXH so với cùng kỳ (vụ)"] == "✗ chưa đạt"          # +2 is not a fall
    basis = table["Căn cứ của mục tiêu"]
    assert basis["Tiêu chí đạt"].startswith("Định hướng trong bài báo")
    assert basis["Tin báo, tố giác được giải quyết"].startswith("Giả định của dự án")


def _rank(ind, ward, indicator):
    """The rank shown on `ward`'s page: peers ranked by the indicator layer, shown by the table."""
    from wardstudy.indicators.peers import peer_ranks

    units = pd.DataFrame({"slug": sorted(set(ind["ward"])), "district_code": "1"})
    ranked = peer_ranks(ind.assign(baseline_year=2023), units)
    return tables.ranking_table(ranked[ranked["ward"] == ward], [indicator])["Hạng"].iloc[0]


def test_ranking_puts_fewest_crimes_first_and_ties_share_a_rank():
    ind = _indicators([("a", 2024, "social_order_crimes", 12, np.nan, np.nan),
                       ("b", 2024, "social_order_crimes", 7, np.nan, np.nan),
                       ("c", 2024, "social_order_crimes", 7, np.nan, np.nan),
                       ("d", 2024, "social_order_crimes", 20, np.nan, np.nan)])
    assert _rank(ind, "a", "social_order_crimes") == "3/4"
    assert _rank(ind, "b", "social_order_crimes") == "1/4"


def test_duc_xuan_2023_on_the_shipped_data_shows_21_of_22_and_a_fall_of_7():
    from wardstudy.pipeline import open_ward

    w = open_ward("duc-xuan", 2023)
    assert tables.headline(w.values)["Tiêu chí đạt"] == "21/22 (95,5%)"
    change = w.comparison("social_order")
    assert change["after"] - change["before"] == -7
    assert "có thể chỉ do ngẫu nhiên" in wording.crime_verdict(change)


def test_a_part_year_verdict_names_the_months_compared():
    row = {**_comparison(5, 10), "months": 2, "months_compared": "1–2"}
    assert "(chỉ so sánh các tháng có số liệu ở cả hai năm: 01–02/2023)" in wording.crime_verdict(row)


def test_p_value_is_never_shown_below_the_smallest_attainable():
    assert fmt.fmt_p(0.125, min_p=0.125) == "p = 1/8 = 0,125"   # not "p = 0,12"
    assert fmt.fmt_p(1 / 9, min_p=1 / 9, lang="en") == "p = 1/9 = 0.112"
    assert fmt.fmt_p(0.0031) == "p = 0,0031" and fmt.fmt_p(0.0031, lang="en") == "p = 0.0031"


def test_banner_only_for_synthetic_data():
    assert "DỮ LIỆU TỔNG HỢP" in pages.banner_html(True)
    assert pages.banner_html(False) == ""


def test_ranking_ties_shares_that_read_the_same():
    # 97.96% and 98.04% both read "98,0%": they share rank 1 rather than being split by hidden digits.
    ind = _indicators([("a", 2024, "chip_id_coverage", 0.9796, np.nan, np.nan),
                       ("b", 2024, "chip_id_coverage", 0.9804, np.nan, np.nan),
                       ("c", 2024, "chip_id_coverage", 0.90, np.nan, np.nan)])
    assert _rank(ind, "a", "chip_id_coverage") == "1/3"


def _shown(text: str) -> float:
    """The number a reader sees in "p = 0,0496" or "p = 1/8 = 0,125"."""
    return float(text.split(" = ")[-1].replace(",", "."))


@given(p=st.floats(min_value=0.001, max_value=1.0), units=st.integers(min_value=1, max_value=40))
def test_a_displayed_p_is_never_below_its_floor_and_reads_on_the_side_of_005_it_is(p, units):
    floor = 1 / (units + 1)
    p = max(p, floor)  # a randomisation test cannot give less
    text = fmt.fmt_p(p, min_p=floor)
    assert _shown(text) >= floor - 1e-12, text
    assert (_shown(text) < 0.05) == (p < 0.05), text
