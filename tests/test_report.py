"""The report's display helpers (format, wording, tables, pages), against hand-worked values."""

import re

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


def test_verdict_calls_a_fall_from_20_to_13_not_significant_in_police_wording():
    # Conditional on 33 cases, 13 ~ Binomial(33, 1/2): two-sided p = 0.296 (R: poisson.test(c(13, 20)));
    # −7/20 = −35.0%.
    assert wording.crime_verdict(_comparison(13, 20)) == ("xảy ra 13 vụ, giảm 07 vụ (−35,0%) so với cùng kỳ; khác biệt "
                                                          "không có ý nghĩa thống kê (p = 0,30)")
    assert wording.crime_verdict(_comparison(13, 20), lang="en") == (
        "13 cases, 7 fewer (−35.0%) than the same period; the difference is not statistically significant (p = 0.30)")
    assert wording.crime_detail(_comparison(13, 20)).endswith("có thể chỉ do ngẫu nhiên.")


def test_verdict_calls_a_fall_from_20_to_5_unlikely_chance_without_claiming_a_cause():
    # 5 of 25 under Binomial(25, 1/2): P(X <= 5) = 68406 / 2**25 = 0.00204; two-sided 0.0041.
    text = wording.crime_verdict(_comparison(5, 20), lang="en")
    assert text.endswith("the difference is statistically significant (p = 0.0041)")
    detail = wording.crime_detail(_comparison(5, 20), lang="en")
    assert "unlikely to be chance" in detail and "not shown to be caused" in detail
    assert "could be chance" not in detail


def test_verdict_with_no_cases_in_either_period_says_there_is_nothing_to_judge():
    assert wording.crime_verdict(_comparison(0, 0), lang="en") == "no cases in either period: nothing to judge"


def test_verdict_for_a_rise_gives_the_rise_in_cases_and_percent():
    # 9 against 6: +3 cases, +50.0%.
    assert wording.crime_verdict(_comparison(9, 6), lang="en").startswith("9 cases, 3 more (+50.0%) than the same")
    assert wording.crime_verdict(_comparison(9, 6)).startswith("xảy ra 09 vụ, tăng 03 vụ (+50,0%) so với cùng kỳ")


@pytest.mark.parametrize("value, expected", [(1.0, "100,0%"), (0.2, "20,0%"), (21 / 22, "95,5%"), (0.9999, "100,0%"),
                                             (np.nan, "—")])
def test_fmt_share_gives_every_percentage_one_decimal_with_a_decimal_comma(value, expected):
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
    assert wording.criteria_status_text(22 - len(unmet), 22, unmet) == "đạt 20/22 tiêu chí; chưa đạt: C21, C22"
    # The register's wording, where the user supplies it, names the criterion.
    assert wording.criteria_status_text(21, 22, ["C20"], names={"C20": "Trụ sở làm việc"}) == (
        "đạt 21/22 tiêu chí; chưa đạt: C20 (Trụ sở làm việc)")


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
    tips = "Tỷ lệ giải quyết tố giác, tin báo về tội phạm và kiến nghị khởi tố"
    assert status["Số tiêu chí đạt"] == "✓ đạt"
    assert status[tips] == "✗ chưa đạt"   # 99% < 100%
    assert status["Tỷ lệ hồ sơ thủ tục hành chính tiếp nhận qua dịch vụ công trực tuyến"] == "✓ đạt"
    assert status["Tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng hạn"] == "— không có số liệu"
    assert status["Tội phạm về trật tự xã hội: tăng (+), giảm (−) so với cùng kỳ (vụ)"] == "✗ chưa đạt"  # +2: no fall
    basis = table["Căn cứ"]
    assert basis["Số tiêu chí đạt"].startswith("Chỉ đạo của Chủ tịch UBND tỉnh Bắc Kạn (Báo Bắc Kạn 29/01/2024) "
                                               "đối với phường được chọn")
    assert basis[tips].startswith("Mức tham chiếu của dự án")                 # not "mục tiêu": the project set it
    assert table["Mức tham chiếu"][tips] == "100,0%"
    assert tables.targets_met(ind) == (2, 5, 1)                                # criteria and online met; 1 no data


def _rank(ind, ward, indicator):
    """The rank shown on `ward`'s page: peers ranked by the indicator layer, shown by the table."""
    from wardstudy.indicators.peers import peer_ranks

    units = pd.DataFrame({"slug": sorted(set(ind["ward"])), "district_code": "1"})
    ranked = peer_ranks(ind.assign(baseline_year=2023), units).rename(columns={"ranked_value": "value"})
    return tables.ranking_table(ranked[ranked["ward"] == ward], [indicator])["Xếp hạng"].iloc[0]


def test_ranking_puts_fewest_crimes_first_and_ties_share_a_rank():
    # Crime is ranked per 1,000 residents (the eligible residents behind chip_id_coverage).
    residents = {"a": 1000, "b": 1000, "c": 1000, "d": 1000, "e": 500}
    ind = _indicators([("a", 2024, "social_order_crimes", 12, np.nan, np.nan),
                       ("b", 2024, "social_order_crimes", 7, np.nan, np.nan),
                       ("c", 2024, "social_order_crimes", 7, np.nan, np.nan),
                       ("d", 2024, "social_order_crimes", 20, np.nan, np.nan),
                       ("e", 2024, "social_order_crimes", 5, np.nan, np.nan)]
                      + [(w, 2024, "chip_id_coverage", 0.9, 0.9 * n, n) for w, n in residents.items()])
    # e has the fewest cases (5) but 10 per 1,000 residents: after b and c (7), before a (12) and d (20).
    assert _rank(ind, "e", "social_order_crimes") == "thứ 3/5"
    assert _rank(ind, "a", "social_order_crimes") == "thứ 4/5"
    assert _rank(ind, "b", "social_order_crimes") == "thứ 1/5 (đồng hạng)"   # not a bare "1/5", which reads as a p


def test_duc_xuan_2023_on_the_shipped_data_shows_21_of_22_and_a_fall_of_7():
    from wardstudy.pipeline import open_ward

    w = open_ward("duc-xuan", 2023)
    assert tables.headline(w.values)["Số tiêu chí đạt"] == "21/22 (95,5%)"
    change = w.comparison("social_order")
    assert change["after"] - change["before"] == -7
    assert "không có ý nghĩa thống kê (p = 0,28)" in wording.crime_verdict(change)
    # Per 1,000 residents (6,306 eligible): 12 cases are 1.90, the fewest of the 8 units.
    ranking = w.ranking.set_index("indicator")
    assert ranking.loc["social_order_crimes", "value"] == pytest.approx(12 / 6306 * 1000)
    assert ranking.loc["social_order_crimes", "rank"] == 1
    # The impact effect in cases a year: DiD's difference per 1,000 residents times 6.306.
    did = w.impact.set_index("method").loc["did"]
    assert did["cases_per_year"] == pytest.approx(did["estimate"] * 6.306)


def test_a_part_year_verdict_names_the_months_compared():
    row = {**_comparison(5, 10), "months": 2, "months_compared": "1–2"}
    assert "(chỉ so sánh các tháng có số liệu ở cả hai năm: 01/01/2023 – 28/02/2023)" in wording.crime_verdict(row)


def test_p_value_is_never_shown_below_the_smallest_attainable():
    assert fmt.fmt_p(0.125, min_p=0.125) == "p = 1/8 = 0,125"   # not "p = 0,12"
    assert fmt.fmt_p(1 / 9, min_p=1 / 9, lang="en") == "p = 1/9 ≈ 0.111"   # "=" only when exact (issue 22)
    assert fmt.fmt_p(2 / 6, n_assignments=6) == "p = 2/6 ≈ 0,333"             # not "= 0,334"
    assert fmt.fmt_p(0.0031) == "p = 0,0031" and fmt.fmt_p(0.0031, lang="en") == "p = 0.0031"


def test_banner_only_for_synthetic_data_and_it_says_simulated():
    assert "DỮ LIỆU GIẢ LẬP (MÔ PHỎNG)" in pages.banner_html(True)
    assert "TỔNG HỢP" not in pages.banner_html(True)          # "số liệu tổng hợp" reads as aggregated real figures
    assert "SIMULATED DATA" in pages.banner_html(True, lang="en")
    assert pages.banner_html(False) == ""


def test_ranking_ties_shares_that_read_the_same():
    # 97.96% and 98.04% both read "98,0%": they share rank 1 rather than being split by hidden digits.
    ind = _indicators([("a", 2024, "chip_id_coverage", 0.9796, np.nan, np.nan),
                       ("b", 2024, "chip_id_coverage", 0.9804, np.nan, np.nan),
                       ("c", 2024, "chip_id_coverage", 0.90, np.nan, np.nan)])
    assert _rank(ind, "a", "chip_id_coverage") == "thứ 1/3 (đồng hạng)"


def _shown(text: str) -> float:
    """The number a reader sees in "p = 0,0496", "p = 1/8 = 0,125" or "p = 1/9 ≈ 0,111" (the
    fraction, exact, when there is one)."""
    fraction = re.search(r"(\d+)/(\d+)", text)
    if fraction:
        return int(fraction[1]) / int(fraction[2])
    return float(text.split(" = ")[-1].replace(",", "."))


@given(p=st.floats(min_value=0.001, max_value=1.0), units=st.integers(min_value=1, max_value=40))
def test_a_displayed_p_is_never_below_its_floor_and_reads_on_the_side_of_005_it_is(p, units):
    floor = 1 / (units + 1)
    p = max(p, floor)  # a randomisation test cannot give less
    text = fmt.fmt_p(p, min_p=floor)
    assert _shown(text) >= floor - 1e-12, text
    assert (_shown(text) < 0.05) == (p < 0.05), text


def test_a_randomisation_p_is_shown_as_k_over_j_plus_1():
    # 7 comparison units: 8 assignments; a p of 0.25 is 2 of them.
    assert fmt.fmt_p(0.25, min_p=0.125, n_assignments=8) == "p = 2/8 = 0,250"
    assert fmt.fmt_p(0.125, min_p=0.125, n_assignments=8, lang="en") == "p = 1/8 = 0.125"


def test_one_verdict_wording_for_every_design_with_direction_and_cases_a_year():
    did = {"estimate": -1.57, "scale": "difference", "cases_per_year": -9.9, "p_value": 0.25, "min_p_value": 0.125,
           "n_assignments": 8}
    its = {"estimate": 0.64, "scale": "rate_ratio", "cases_per_year": -6.8, "p_value": 0.41,
           "min_p_value": np.nan, "n_assignments": np.nan}
    assert wording.impact_verdict(did).startswith("ước lượng theo hướng giảm, khoảng 10 vụ/năm; khác biệt không có ý "
                                                  "nghĩa thống kê (p = 2/8 = 0,250)")
    assert wording.impact_verdict(its) == ("ước lượng theo hướng giảm, khoảng 7 vụ/năm; khác biệt không có ý nghĩa "
                                           "thống kê (p = 0,41)")
    rise = {**its, "estimate": 1.3, "cases_per_year": 3.0, "p_value": 0.01}
    assert wording.impact_verdict(rise, "en") == ("estimates a rise of about 3 cases a year; the difference is "
                                                  "statistically significant (p = 0.010)")


def test_dates_periods_and_ranges_have_one_style():
    assert fmt.fmt_date("2025-06-30") == "30/06/2025"
    assert fmt.fmt_period("1–12", 2023) == "01/01/2023 – 31/12/2023"
    assert fmt.fmt_interval("ratio", 0.2796, 1.3704) == "0,28 – 1,37"
    assert fmt.fmt_month(2022, 1) == "T1/2022"


def test_a_complete_share_has_its_interval_like_any_other_and_one_sentence_says_how_to_read_it():
    v = pd.DataFrame({"indicator": ["tips_handled_share", "procedures_early_share"], "value": [1.0, 0.2],
                      "numerator": [83.0, 268.0], "denominator": [83.0, 1340.0], "ci_low": [0.9565, 0.1789],
                      "ci_high": [1.0, 0.2224]})
    table = tables.indicator_table(v, ["tips_handled_share", "procedures_early_share"])
    assert table["KTC 95%"].tolist() == ["95,7% – 100,0%", "17,9% – 22,2%"]
    assert "(ví dụ 83/83)" in tables.complete_counts(v, ["tips_handled_share"])
    assert tables.complete_counts(v, ["procedures_early_share"]) == ""


def test_a_table_has_one_header_row_and_right_aligned_numbers():
    t = pd.DataFrame({"Chỉ số": ["A", "B"], "Giá trị": ["95,5%", "—"], "Căn cứ": ["Báo", "Dự án"]}).set_index("Chỉ số")
    html = pages.table_html(t).data
    assert html.count("<tr>") == 3                                   # one header row, two rows
    assert '<th scope="col" class="ws-num" style="text-align:right">Giá trị</th>' in html
    assert '<td class="ws-num" style="text-align:right">95,5%</td>' in html
    assert "<td>Báo</td>" in html                                     # text stays left


# ---------------------------------------------------------------- the index (issue 22)

def _index_rows():
    """The shipped run's two Đức Xuân rows: the former ward (cohort 2023, until 30/06/2025) and
    the new unit of 01/07/2025 that holds it; and Huyền Tụng, outside the programme."""
    return [
        {"slug": "duc-xuan", "name": "Đức Xuân", "year": 2023, "baseline_year": 2022, "ok": True, "note": "",
         "message": "", "headline": {"Tiêu chí": "21/22"}, "province": "Bắc Kạn", "cohort_year": 2023,
         "valid_to": "2025-06-30"},
        {"slug": "duc-xuan-2025", "name": "Đức Xuân", "year": 2025, "baseline_year": 2024, "ok": True, "note": "",
         "message": "", "headline": {"Tiêu chí": "21/22"}, "province": "Thái Nguyên", "cohort_year": None,
         "new_unit_with_programme": True, "valid_from": "2025-07-01"},
        {"slug": "huyen-tung", "name": "Huyền Tụng", "year": 2024, "baseline_year": 2023, "ok": True, "note": "",
         "message": "", "headline": {"Tiêu chí": "12/22"}, "province": "Bắc Kạn", "cohort_year": None,
         "valid_to": "2025-06-30"},
    ]


def _visible(page: str) -> str:
    import html
    import re

    page = re.sub(r"<style.*?</style>|<script.*?</script>", "", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_the_english_index_is_english_and_links_the_vietnamese_edition():
    page = pages.index_html(_index_rows(), True, 22, "abc", lang="en", other_edition_href="../index.html")
    shown = _visible(page)
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert "<title>Ward reports — model ward police</title>" in page and "SIMULATED DATA" in shown
    assert '<th class="unit">Unit</th><th class="yr">Year</th><th class="yr">Against</th>' in page
    assert "3 reports: 3 written, 0 unchanged (earlier page kept), 0 failed." in shown
    assert '<a href="../index.html" hreflang="vi" lang="vi">Bản tiếng Việt</a>' in page
    # No Vietnamese word of the old index (unit and place names aside).
    for vietnamese in ("Báo cáo các phường", "Đơn vị", "Trạng thái", "So với", "Năm", "Chưa vào", "Lọc theo",
                       "DỮ LIỆU GIẢ LẬP", "Tỉnh", "Tạo bởi", "Toàn bộ chỉ số", "vào chương trình"):
        assert vietnamese not in shown, vietnamese


def test_the_vietnamese_index_links_the_english_edition():
    page = pages.index_html(_index_rows(), True, 22, "abc", other_edition_href="en/index.html")
    assert page.startswith('<!DOCTYPE html>\n<html lang="vi">')
    assert '<a href="en/index.html" hreflang="en" lang="en">English edition</a>' in page
    assert "DỮ LIỆU GIẢ LẬP" in page and "SIMULATED" not in page


def test_the_index_status_is_about_the_report_not_a_verdict_on_the_ward():
    page = pages.index_html(_index_rows() + [{"slug": "x", "ok": False, "message": "params/x.yaml: year 2031"}],
                            True, 22, "abc")
    shown = _visible(page)
    assert '<th class="st">Báo cáo</th>' in page and "Trạng thái" not in page
    assert "4 báo cáo: 3 đã tạo, 0 không đổi (giữ bản trước), 1 lỗi." in shown
    assert page.count('<td class="st-ok">đã tạo</td>') == 3 and "✓" not in page and " ok" not in shown
    assert '<td class="st-failed">lỗi</td>' in page
    assert "Không tạo được báo cáo: params/x.yaml: year 2031" in shown


def test_index_rows_tell_units_of_one_name_apart_and_group_new_units_holding_a_model_ward():
    groups = {g["province"]: g for g in pages._index_groups(_index_rows())}
    bac_kan, thai_nguyen = groups["Bắc Kạn"]["cohorts"], groups["Thái Nguyên"]["cohorts"]
    assert [c["label"] for c in bac_kan] == ["Vào chương trình năm 2023", "Chưa vào chương trình"]
    assert [r["shown"] for r in bac_kan[0]["rows"]] == ["Đức Xuân (đến 30/06/2025)"]
    assert [r["shown"] for r in bac_kan[1]["rows"]] == ["Huyền Tụng"]   # no other unit of its name
    assert [c["label"] for c in thai_nguyen] == ["Đơn vị mới có phường đã xây dựng mô hình"]
    assert [r["shown"] for r in thai_nguyen[0]["rows"]] == ["Đức Xuân (đơn vị mới từ 01/07/2025)"]
    en = {g["province"]: g for g in pages._index_groups(_index_rows(), "en")}["Thái Nguyên"]["cohorts"][0]
    assert en["label"] == "New units containing a model ward"
    assert en["rows"][0]["shown"] == "Đức Xuân (new unit from 1 July 2025)"


def test_english_counts_agree_with_their_number():
    assert wording.counted("n_reports", 1, "en") == "1 report" and wording.counted("n_reports", 0, "en") == "0 reports"
    row = {"indicator": "fires", "value": 1.0, "numerator": np.nan, "denominator": np.nan}
    assert tables.shown_value(row, "en", with_unit=True) == "1 fire"
    assert tables.shown_value(dict(row, value=2.0), "en", with_unit=True) == "2 fires"
    assert tables.shown_value(row, "vi", with_unit=True) == "1 vụ"


# ---------------------------------------------------------------------------------- notes true where they sit

def _reconciled(data_dir):
    from wardstudy.data.read import load
    from wardstudy.indicators.reconcile import reconcile
    from wardstudy.indicators.registry import all_indicators

    study = load(data_dir)
    return reconcile(all_indicators(study), study.published)


def test_a_published_score_shows_on_its_own_scale_not_the_registers():
    # Khuê Trung, 2024: "19/20 tiêu chí" on the 20-criterion scheme, recomputed 21 of the register's 22.
    rec = pd.DataFrame({"ward": ["khue-trung"], "year": [2024], "indicator": ["criteria_met_share"],
                        "as_published": ["19/20 tiêu chí (tiêu chí số 6 trụ sở chưa đạt)"], "published": [0.95],
                        "computed": [21 / 22], "matches": [False], "computed_numerator": [21],
                        "computed_denominator": [22]})
    row = tables.published_table(rec, 22, "en").iloc[0]
    assert row.tolist() == ["19/20 (95.0%)", "21/22 (95.5%)", "✗ differs"]   # not "21/22 (95.0%)"


def test_a_copy_with_one_of_duc_xuans_2023_values_changed_carries_no_calibration_claim(tmp_path):
    import shutil
    from types import SimpleNamespace

    from wardstudy import paths
    from wardstudy.report.calibration import calibration_holds, data_calibrated

    shipped = _reconciled(None)
    folder = tmp_path / "copy"
    shutil.copytree(paths.synthetic_dir(), folder)
    tips = pd.read_csv(folder / "tips.csv", dtype=str, keep_default_na=False)
    cell = (tips["ward"] == "duc-xuan") & (tips["month"] == "2023-03")
    assert tips.loc[cell, ["received", "handled"]].values.tolist() == [["12", "12"]]
    tips.loc[cell, "handled"] = "10"          # 2 of 12 tips of March 2023 not handled: the year is no longer 100%
    tips.to_csv(folder / "tips.csv", index=False)
    changed = _reconciled(folder)

    # the shipped folder matches every published figure of Đức Xuân 2023; the copy does not
    assert calibration_holds(shipped, True) and not calibration_holds(changed, True)
    assert not calibration_holds(shipped, False)           # a folder marked real is never "calibrated"
    cell = changed[(changed["ward"] == "duc-xuan") & (changed["year"] == 2023)]
    assert not cell.set_index("indicator").loc["tips_handled_share", "matches"]

    for lang, claim in (("vi", "hiệu chỉnh"), ("en", "calibrated")):
        copy_page = SimpleNamespace(is_synthetic=True, reconciled=changed)
        shipped_page = SimpleNamespace(is_synthetic=True, reconciled=shipped)
        banner = pages.banner_html(True, lang, data_calibrated(copy_page))
        section9 = tables.published_table(cell, 22, lang, data_calibrated(copy_page)).to_string()
        assert "MÔ PHỎNG" in banner or "SIMULATED" in banner        # still marked simulated
        assert claim not in banner + section9, (banner, section9)
        # the shipped folder keeps its true note, on the calibrated rows only
        shipped_cell = shipped[(shipped["ward"] == "duc-xuan") & (shipped["year"] == 2023)]
        assert claim in pages.banner_html(True, lang, data_calibrated(shipped_page))
        assert claim in tables.published_table(shipped_cell, 22, lang, True).to_string()


def test_old_and_new_units_pages_of_one_run_link_each_other(tmp_path):
    from wardstudy.pipeline.batch import WardJob
    from wardstudy.pipeline.links import with_page_links

    runs = [("duc-xuan", "duc-xuan", 2023), ("duc-xuan-2025", "duc-xuan-2025", 2025), ("xuat-hoa", "xuat-hoa", 2024),
            ("programme", None, 2024)]
    jobs = [WardJob(slug=slug, parameters={"ward": ward, "year": year}, out_dir=tmp_path, notebook=tmp_path / "n",
                    title=slug, fingerprint="f") for slug, ward, year in runs]
    out = {job.slug: job for job in with_page_links(jobs)}
    # crosswalk_2025: Nguyễn Thị Minh Khai + Huyền Tụng + Đức Xuân -> Đức Xuân (duc-xuan-2025); only Đức Xuân
    # has a page in this run
    assert out["duc-xuan-2025"].parameters["page_links"] == {"duc-xuan": "duc-xuan.html"}
    assert out["duc-xuan"].parameters["page_links"] == {"duc-xuan-2025": "duc-xuan-2025.html"}
    assert out["duc-xuan"].fingerprint != "f"                       # a link that appears reruns the page
    assert "page_links" not in out["xuat-hoa"].parameters and out["xuat-hoa"].fingerprint == "f"
    assert "page_links" not in out["programme"].parameters

    said = wording.new_unit_design_text("Đức Xuân", 2025, {"Đức Xuân": 2023}, 2024, "vi", {"Đức Xuân": "duc-xuan.html"})
    assert str(said).endswith('xem báo cáo của <a href="duc-xuan.html">Đức Xuân</a> (từ năm 2023).')
    plain = wording.new_unit_design_text("Đức Xuân", 2025, {"Đức Xuân": 2023}, 2024, "en", {})
    assert "<a " not in plain and plain.endswith("Đức Xuân (from 2023).")


def test_a_share_of_100_percent_has_its_one_sided_interval_as_in_the_export():
    # 83/83: the Clopper - Pearson interval is [0.025^(1/83), 1] = [0.9565, 1], the same numbers as indicators.csv;
    # one rule for every share (issue 22: "100% ... no interval" beside 11/12 with one contradicted itself).
    from wardstudy.indicators.exact import clopper_pearson

    low, high = map(float, clopper_pearson(83, 83))
    assert low == pytest.approx(0.025 ** (1 / 83), abs=1e-6) and high == 1.0
    v = pd.DataFrame({"indicator": ["tips_handled_share"], "value": [1.0], "numerator": [83.0],
                      "denominator": [83.0], "ci_low": [low], "ci_high": [high]})
    assert tables.indicator_table(v, ["tips_handled_share"]).iloc[0].tolist() == ["100,0%", "83 / 83", "95,7% – 100,0%"]
    note = tables.complete_counts(v, ["tips_handled_share"])
    assert "cận dưới" in note and "83/83" in note
