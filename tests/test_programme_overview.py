"""The programme overview: the pooled results the build stores, the programme's slice of a build
(`open_programme`), the page's words in both languages, and the notebook on the city panel and
on a subset of the national panel."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from wardstudy import paths
from wardstudy.evaluate.pooled import EFFECT_COLUMNS, pooled_results
from wardstudy.pipeline.build import Build
from wardstudy.pipeline.programme import read_programme
from wardstudy.report import overview

# ---------------------------------------------------------------- the pooled results (build tables)


def _tiny_world():
    """Three units of 1,000 residents, one district; w0 enters in 2023. Yearly cases (= rate per
    1,000): w0 5 -> 9, w1 5 -> 6, w2 4 -> 6, all in January."""
    cases = {"w0": (5, 9), "w1": (5, 6), "w2": (4, 6)}
    months = [f"{y}-{m:02d}" for y in (2022, 2023) for m in range(1, 13)]
    crimes = pd.DataFrame([(w, m, "social_order", (cases[w][int(m[:4]) - 2022] if m.endswith("-01") else 0))
                           for w in cases for m in months], columns=["ward", "month", "category", "count"])
    project06 = pd.DataFrame([(w, m, 1000) for w in cases for m in months],
                             columns=["ward", "month", "eligible_residents"])
    units = pd.DataFrame({"slug": list(cases), "district_code": ["1"] * 3, "type": ["phường"] * 3})
    programme = pd.DataFrame({"ward": ["w0"], "cohort_year": [2023]})
    return crimes, project06, programme, units


def test_pooled_results_store_the_hand_worked_effect_its_interval_and_who_is_compared():
    tables = pooled_results(*_tiny_world(), years=[2022, 2023], detectable=False)
    effects = tables["programme_effects"].set_index("year")
    assert list(tables["programme_effects"].columns) == EFFECT_COLUMNS
    # 2022: nobody treated yet; the row is there, with nothing estimated.
    assert effects.loc[2022, "n_treated"] == 0 and np.isnan(effects.loc[2022, "att"])
    # 2023: ATT = (9 - 5) - mean(6 - 5, 6 - 4) = 2.5 cases per 1,000 a year.
    row = effects.loc[2023]
    assert (row["n_treated"], row["n_controls"]) == (1, 2)
    assert row["att"] == pytest.approx(2.5)
    assert row["att_ci_low"] == pytest.approx(2.5 - 1.959964 * row["se"], abs=1e-6)
    # w0 had 9 against the 9 - 2.5 = 6.5 it would have had without the programme.
    assert row["rate_ratio"] == pytest.approx(9 / 6.5)
    # One treated unit among three: 3 reassignments, all enumerated, so p >= 1/3.
    assert row["n_assignments"] == 3 and bool(row["exact"]) and row["min_p_value"] == pytest.approx(1 / 3)
    levels = tables["programme_levels"]
    assert levels[["year", "kind", "level"]].values.tolist() == [[2023, "cohort", 2023], [2023, "event_time", 0]]
    assert levels["att"].tolist() == pytest.approx([2.5, 2.5])
    units = tables["programme_units"]
    assert units.query("year == 2023")[["ward", "role"]].values.tolist() == [
        ["w0", "treated"], ["w1", "control"], ["w2", "control"]]
    assert units.query("year == 2022").empty  # nobody treated yet: no pooled panel


# ---------------------------------------------------------------- the programme's slice of a build


def _fake_build(folder: Path) -> Build:
    """A hand-made build: two provinces, six units, cohorts 2023 (a) and 2024 (b, e)."""
    units = pd.DataFrame({
        "slug": list("abcdef"), "name": ["A", "B", "C", "D", "E", "F"], "code": ["1", "2", "3", "4", "5", "6"],
        "type": ["phường", "phường", "phường", "xã", "phường", "phường"],
        "district_code": ["D1"] * 4 + ["D2"] * 2, "province": ["P1"] * 4 + ["P2"] * 2})
    programme = pd.DataFrame({"ward": ["a", "b", "e"], "cohort_year": [2023, 2024, 2024]})
    criteria = pd.DataFrame({"ward": list("abcde"), "year": 2023, "indicator": "criteria_met_share",
                             "numerator": [22.0, 18.0, 10.0, 11.0, 19.0], "denominator": [22.0, 22.0, 22.0, 22.0, 20.0]})
    criteria["value"] = criteria["numerator"] / criteria["denominator"]
    v = []  # (ward, indicator, value, numerator, denominator) of 2024
    v += [("a", "tips_handled_share", .9, 9, 10), ("b", "tips_handled_share", 1., 10, 10),
          ("c", "tips_handled_share", .5, 5, 10), ("d", "tips_handled_share", np.nan, 0, 0),
          ("f", "tips_handled_share", 1., 10, 10)]
    v += [(w, "social_order_crimes", n, np.nan, np.nan) for w, n in zip("abecdf", (10, 20, 30, 5, 7, 8))]
    v += [(w, "chip_id_coverage", 0.9, np.nan, r) for w, r in zip("abecd", (1000, 2000, 3000, 1000, 1000))]
    values = pd.DataFrame(v, columns=["ward", "indicator", "value", "numerator", "denominator"]).assign(year=2024)
    indicators = pd.concat([criteria, values], ignore_index=True)
    comparisons = pd.DataFrame({"ward": list("abecd"), "year": 2024, "baseline_year": 2023,
                                "category": "social_order", "after": [10.0, 20, 30, 5, 7],
                                "before": [20.0, 20, 40, 4, 6]})
    panel = pd.DataFrame({"year": 2024, "ward": list("abecdf"), "cohort": [2023, 2024, 2024, 0, 0, 0],
                          "role": ["treated"] * 3 + ["control"] * 3})
    effects = pd.DataFrame([dict.fromkeys(EFFECT_COLUMNS, np.nan) | {"year": 2024, "n_treated": 3, "n_controls": 3}])
    levels = pd.DataFrame({"year": [2024] * 3, "kind": ["cohort", "event_time", "event_time"], "level": [2023, -1, 0],
                           "att": [-1.0, 0.1, -1.0], "se": [.5, .5, .5], "ci_low": [-2.0, -0.9, -2.0],
                           "ci_high": [0.0, 1.1, 0.0]})
    reconciled = pd.DataFrame({"ward": ["a"], "year": [2023], "indicator": ["criteria_met_share"],
                               "as_published": ["21/22 tiêu chí"], "published": [21 / 22], "computed": [1.0],
                               "difference": [1 / 22], "matches": [False], "source": ["Báo X"], "url": [""],
                               "computed_numerator": [22.0], "computed_denominator": [22.0]})
    tables = {"units": units, "programme": programme, "indicators": indicators, "comparisons": comparisons,
              "programme_units": panel, "programme_effects": effects, "programme_levels": levels,
              "reconciled": reconciled}
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        frame.to_parquet(folder / f"{name}.parquet", index=False)
    manifest = {"is_synthetic": True, "years": [2022, 2023, 2024], "data_dir": str(folder), "impact": True,
                "tables": sorted(tables), "n_criteria": 22}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return Build.open(folder)


@pytest.fixture
def programme(tmp_path):
    return read_programme(_fake_build(tmp_path / "build"), 2024)


def test_programme_wards_are_counted_by_cohort_and_year(programme):
    got = programme.cohorts
    assert got.query("year == 2022").empty  # nobody entered before 2023
    assert got.query("year == 2023")[["cohort", "n_wards"]].values.tolist() == [[2023, 1]]
    assert got.query("year == 2024")[["cohort", "n_wards"]].values.tolist() == [[2023, 1], [2024, 2]]


def test_the_rollout_counts_programme_wards_by_province_against_its_phuong(programme):
    # P1 has 3 phường (d is a xã): a from 2023, b from 2024; P2 has 2 phường: e from 2024.
    assert programme.rollout.values.tolist() == [["P1", 3, 2023, 1], ["P1", 3, 2024, 1], ["P2", 2, 2024, 1]]
    table = overview.rollout_table(programme)
    assert table.loc["P1"].tolist() == ["3", "1", "1", "2", "66,7%"]
    assert table.loc["Toàn bộ"].tolist() == ["5", "1", "2", "3", "60,0%"]


def test_criteria_met_by_cohort_sums_criteria_over_units_each_on_its_own_scheme(programme):
    got = programme.criteria_by_cohort.set_index("cohort")
    # outside the programme: c 10/22 + d 11/22; cohort 2024: b 18/22 + e 19/20 (the 20-criteria scheme).
    assert got.loc[0, ["n_units", "met", "total", "n_all"]].tolist() == [2, 21, 44, 0]
    assert got.loc[2023, ["n_units", "met", "total", "n_all"]].tolist() == [1, 22, 22, 1]
    assert got.loc[2024, "share"] == pytest.approx(37 / 42)  # not the mean of 18/22 and 19/20
    assert overview.criteria_table(programme).loc["Xây dựng mô hình năm 2024", "2023"] == "88,1%; 0/2 đạt toàn bộ *"


def test_headline_sums_numerators_and_denominators_over_each_group(programme):
    got = programme.headline.set_index(["indicator", "group"])
    # tips: treated a 9/10 + b 10/10 (e has none); controls c 5/10 + f 10/10 (d received none).
    assert got.loc[("tips_handled_share", "treated"), "value"] == pytest.approx(19 / 20)
    assert got.loc[("tips_handled_share", "control"), ["n_units", "value"]].tolist() == [2, pytest.approx(0.75)]
    # crime per 1,000: (10 + 20 + 30) / 6,000; controls (5 + 7) / 2,000 (f has no residents figure).
    assert got.loc[("social_order_crimes_per_1000", "treated"), "value"] == pytest.approx(10.0)
    assert got.loc[("social_order_crimes_per_1000", "control"), "value"] == pytest.approx(6.0)
    # against the same period: 60 against 80 cases (-25%); 12 against 10 (+20%).
    assert got.loc[("social_order_crime_change", "treated"), ["numerator", "denominator"]].tolist() == [60, 80]
    assert got.loc[("social_order_crime_change", "control"), "value"] == pytest.approx(0.2)
    table = overview.headline_table(programme)
    assert list(table.columns) == ["Phường xây dựng mô hình (3)", "Đơn vị chưa xây dựng mô hình (3)"]
    assert table.iloc[2].tolist() == ["−25,0% (60 so với 80 vụ)", "+20,0% (12 so với 10 vụ)"]


def test_an_interval_containing_1_reads_as_no_conclusion_in_both_languages(programme):
    row = {"year": 2024, "n_treated": 3, "n_controls": 3, "att": -1.0, "se": 0.5, "att_ci_low": -2.0,
           "att_ci_high": 0.0, "rate_ratio": 0.8, "ci_low": 0.6, "ci_high": 1.05, "p_value": 0.03,
           "min_p_value": 0.001, "n_assignments": 20.0, "exact": True, "mde_level": np.nan}
    programme.effects = pd.DataFrame([row])
    vi = " ".join(overview.effect_sentences(programme))
    assert "0,60 – 1,05" in vi and "chứa 1" in vi and "chưa thể kết luận" in vi
    programme.lang = "en"
    assert "no conclusion" in " ".join(overview.effect_sentences(programme))
    # The interval excludes 1 but the permutation test does not reject: still no conclusion, and why.
    programme.effects = pd.DataFrame([row | {"ci_high": 0.95, "p_value": 0.25, "min_p_value": 0.125,
                                             "n_assignments": 8.0}])
    en = " ".join(overview.effect_sentences(programme))
    assert "p = 2/8 = 0.250" in en and "no conclusion" in en and "cannot give p below 1/8" in en
    # Both agree: a fall, said with its interval and its p.
    programme.effects = pd.DataFrame([row | {"rate_ratio": 0.66, "ci_high": 0.85, "p_value": 0.009, "exact": False}])
    en = " ".join(overview.effect_sentences(programme))
    assert "34.0% fewer cases than without the programme (the ratio's 95% CI, 0.60 – 0.85, excludes 1)" in en
    assert "statistically significant (p = 0.0090)" in en


def test_the_overview_catalogue_has_every_key_in_both_languages():
    assert set(overview.CATALOGUE["vi"]) == set(overview.CATALOGUE["en"])


def _reorganised_build(folder: Path, monkeypatch) -> Build:
    """`_fake_build` one year on: on 01/07/2025 wards a (cohort 2023) and c merge into the new
    unit G (slug g), which has a criteria score for 2025 (21/22); the pooled effect exists up
    to 2024 only, as on the shipped panel."""
    import wardstudy.data.crosswalk as crosswalk

    build = _fake_build(folder)
    units = pd.concat([build.read("units"), pd.DataFrame({
        "slug": ["g"], "name": ["G"], "code": ["7"], "type": ["phường"], "district_code": [None],
        "province": ["P9"]})], ignore_index=True)
    criteria = pd.DataFrame({"ward": ["g"], "year": [2025], "indicator": ["criteria_met_share"],
                             "numerator": [21.0], "denominator": [22.0], "value": [21 / 22]})
    indicators = pd.concat([build.read("indicators"), criteria], ignore_index=True)
    effects = pd.concat([build.read("programme_effects"), pd.DataFrame([{"year": 2025, "n_treated": 0,
                                                                         "n_controls": 0}])], ignore_index=True)
    units.to_parquet(folder / "units.parquet", index=False)
    indicators.to_parquet(folder / "indicators.parquet", index=False)
    effects.to_parquet(folder / "programme_effects.parquet", index=False)
    monkeypatch.setattr(crosswalk, "load_crosswalk", lambda path=None: pd.DataFrame({
        "old_slug": ["a", "c"], "old_name": ["A", "C"], "new_slug": ["g", "g"], "new_name": ["G", "G"],
        "new_valid_from": ["2025-07-01", "2025-07-01"]}))
    return Build.open(folder)


def test_the_latest_evaluated_year_is_the_last_with_programme_wards_in_the_pooled_panel(tmp_path, monkeypatch):
    from types import SimpleNamespace

    from wardstudy.pipeline import batch
    from wardstudy.pipeline.programme import latest_evaluated_year

    build = _reorganised_build(tmp_path / "build", monkeypatch)
    assert latest_evaluated_year(build) == 2024           # 2025 has a row, with no treated ward
    assert latest_evaluated_year(build, up_to=2023) is None  # the only evaluated year is 2024
    # `make reports` runs wards of 2023-2025: the overview is of 2024, the last year with a pooled effect.
    checked = {"w23": (SimpleNamespace(year=2023), "k"), "w25": (SimpleNamespace(year=2025), "k")}
    build.manifest["inputs"] = "0" * 64
    job = batch._overview_job(checked, {"k": build}, tmp_path / "out", None, "vi")
    assert job.parameters["year"] == 2024 and job.title == "Tổng quan chương trình 2024"


def test_a_year_after_the_reorganisation_says_so_and_shows_the_last_evaluated_effect(tmp_path, monkeypatch):
    from wardstudy.report import pages

    report = read_programme(_reorganised_build(tmp_path / "build", monkeypatch), 2025)
    assert (report.year, report.evaluated_year, report.reorganised) == (2025, 2024, True)
    assert report.effect["n_treated"] == 3 and set(report.panel["ward"]) == set("abecdf")  # 2024's panel
    summary = overview.summary(report).data
    assert ("Ngày 01/07/2025, các phường đã xây dựng mô hình (A) được sắp xếp vào đơn vị hành chính mới (G). "
            "Tác động chung của mô hình được đánh giá đến hết năm 2024") in summary
    assert "<strong>Tác động chung (gộp các phường, năm 2024):</strong>" in summary
    assert "chưa có phường nào" not in summary and "chưa có tác động" not in summary
    assert overview.section(report, "s3").data.endswith("các chỉ số chính năm 2024")
    # G holds a model ward: its own group, not "Đơn vị chưa xây dựng mô hình".
    table = overview.criteria_table(report)
    assert table.loc["Đơn vị mới có phường đã xây dựng mô hình", "2025"] == "95,5%; 0/1 đạt toàn bộ"
    assert list(table.index)[-1] == "Đơn vị chưa xây dựng mô hình" and table.loc["Đơn vị chưa xây dựng mô hình", "2025"] == "—"
    report.lang = "en"
    en = pages.inline_markdown(overview.reorganised_text(report))
    assert en.startswith("On 1 July 2025, the model wards (A) were merged into new administrative units (G).")
    assert overview.criteria_table(report).index[-2] == "New units containing a model ward"


def test_the_event_study_figure_has_its_labels_and_a_point_per_year_since_entry(programme):
    fig, caption, alt = overview.event_study_figure(programme)
    ax = fig.axes[0]
    assert ax.get_xlabel().startswith("Số năm kể từ năm xây dựng mô hình") and "1.000 dân" in ax.get_ylabel()
    assert [int(t) for t in ax.get_xticks()] == [-1, 0]
    assert "−1: 0,10 (−0,90 – 1,10)" in alt and "0: −1,00 (−2,00 – 0,00)" in alt


# ---------------------------------------------------------------- the notebook


NOTEBOOK = paths.notebooks_dir() / "programme_overview.ipynb"


def _run(tmp_path, page_text, **parameters) -> str:
    import papermill

    out = tmp_path / "overview.ipynb"
    papermill.execute_notebook(str(NOTEBOOK), str(out), parameters=parameters, kernel_name="wardstudy",
                               progress_bar=False, cwd=str(tmp_path))
    from nbconvert import HTMLExporter

    html, _ = HTMLExporter(exclude_input=True).from_filename(str(out))
    page = tmp_path / "overview.html"
    page.write_text(html, encoding="utf-8")
    return page_text(page)


def test_the_parameters_cell_has_the_overview_parameters_and_no_outputs():
    import nbformat

    nb = nbformat.read(NOTEBOOK, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    namespace = {}
    exec(cell.source, namespace)  # literals only
    assert {k: namespace[k] for k in ("data_dir", "year", "lang")} == {"data_dir": None, "year": None, "lang": "vi"}
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")


@pytest.mark.slow
def test_the_overview_runs_on_the_city_panel_with_default_parameters(tmp_path, page_text):
    text = _run(tmp_path, page_text)
    assert "DỮ LIỆU GIẢ LẬP" in text and "Tóm tắt" in text
    for key in ("s1", "s2", "s4", "s5"):
        assert overview.text(key) in text
    assert "Năm báo cáo 2024" in text
    assert "có 3 phường xây dựng mô hình ở 1 tỉnh, thành phố" in text  # Đức Xuân 2023; Xuất Hóa and Sông Cầu 2024
    assert "21/22" in text and "Đức Xuân" in text  # the published figure, reconciled
    assert "Hình 3." in text  # the event-study figure
    # the build's randomisation p, over every reassignment; 43/168 against never-treated units only,
    # 61/168 = 0.363 against the units not yet in the programme (issue 23, item 1)
    assert "kiểm định hoán vị hai phía: p = 61/168" in text
    # The real register, one row per source: a 2021 pilot of Hà Nội, and a ward whose year is not stated.
    assert overview.text("s6") in text
    # Its row: ward, district, province in the source and since 1 July 2025, year, status in Vietnamese.
    assert "Phường Điện Biên Quận Ba Đình Thành phố Hà Nội Thành phố Hà Nội 2021 xây dựng điểm" in text
    assert "Phường Trường Thi Thành phố Vinh Tỉnh Nghệ An Tỉnh Nghệ An không nêu đã xây dựng" in text


def _national_subset(folder: Path, provinces: list[str]) -> Path:
    """The national synthetic panel's units of a few provinces, with their own units.csv and
    programme.csv, as a data folder."""
    from wardstudy.data.national_panel import generate_national_panel

    panel = generate_national_panel()
    units = panel["units"][panel["units"]["province"].isin(provinces)]
    keep = set(units["slug"])
    folder.mkdir(parents=True, exist_ok=True)
    for name, table in panel.items():
        table = units if name == "units" else table[table["ward"].isin(keep)]
        table.to_csv(folder / f"{name}.csv", index=False, lineterminator="\n")
    return folder


@pytest.mark.slow
def test_the_overview_runs_on_a_subset_of_the_national_panel(tmp_path, page_text):
    folder = _national_subset(tmp_path / "national", ["Bắc Kạn", "Cao Bằng", "Kon Tum"])
    programme_csv = pd.read_csv(folder / "programme.csv")
    assert len(programme_csv) == 9 and programme_csv["cohort_year"].value_counts().to_dict() == {2024: 6, 2023: 3}
    text = _run(tmp_path, page_text, data_dir=str(folder), year=2024, lang="en")
    assert "SIMULATED DATA" in text and "Report year 2024" in text and "Tóm tắt" not in text
    assert "by the end of 2024, 9 wards in 3 provinces building the model" in text
    for province in ("Bắc Kạn", "Cao Bằng", "Kon Tum"):
        assert province in text
    assert "Figure 3." in text
    # Which programme wards are sourced and which simulated, counted from the folder's own programme.csv.
    simulated = int((programme_csv["role"] == "synthetic roll-out").sum())
    assert (f"Of the 9 programme wards in these data, {9 - simulated} have a public source (section 6); "
            f"the other {simulated} are simulated") in text


def test_the_register_reads_in_the_pages_language_sorted_with_districts_links_and_todays_province():
    from types import SimpleNamespace

    from wardstudy.data.register import read_register

    def table(lang):
        return overview.register_table(SimpleNamespace(lang=lang, register=read_register())).reset_index()

    vi, en = table("vi"), table("en")
    statuses = set(vi["Tình trạng"])
    assert statuses <= {"đăng ký xây dựng", "được chọn xây dựng", "xây dựng điểm", "đã xây dựng", "được công nhận"}
    assert not statuses & {"pilot", "built", "chosen", "recognised"}
    # by year (not stated last), then province
    years = [y for y in vi["Năm"]]
    stated = [int(y) for y in years if y != "không nêu"]
    assert stated == sorted(stated) and years[-1] == "không nêu" and years.index("không nêu") == len(stated)
    first_2021 = vi[vi["Năm"] == "2021"]["Tỉnh, thành phố (theo nguồn)"].tolist()
    assert first_2021[0] == "Thành phố Cần Thơ"                          # C before Đ, H...
    # Phường 1 of Vũng Tàu city, Bà Rịa – Vũng Tàu (merged into Hồ Chí Minh City on 1 July 2025)
    row = vi[vi["Phường"] == "Phường 1"].iloc[0]
    assert (row["Quận, huyện, thị xã"], row["Tỉnh, thành phố (theo nguồn)"], row["Tỉnh, thành phố từ 01/07/2025"]) == (
        "Thành phố Vũng Tàu", "Tỉnh Bà Rịa – Vũng Tàu", "Thành phố Hồ Chí Minh")
    row = en[en["Ward"] == "Ward 1"].iloc[0]
    assert (row["District"], row["Province (in the source)"], row["Province from 1 July 2025"]) == (
        "Vũng Tàu city", "Bà Rịa – Vũng Tàu", "Hồ Chí Minh City")
    assert set(vi[vi["Phường"] == "Phường Đức Xuân"]["Tỉnh, thành phố từ 01/07/2025"]) == {"Tỉnh Thái Nguyên"}
    # links, not bare URLs
    link = vi["Nguồn"].iloc[0]
    assert str(link).startswith('<a href="https://') and not str(link).endswith('.html">')
    assert "<a href=" in overview.register(SimpleNamespace(lang="vi", register=read_register())).data
    # the English figure: the source's words in quotes, the gloss with English numbers
    files = [f for f in en["Published figure"] if "1.700" in f]
    assert files == ["about 1,700 administrative procedure files in 2023, 100% done; 60% ahead of time "
                     "(“gần 1.700 hồ sơ TTHC năm 2023, đạt 100%; 60% trước hạn”)"]
