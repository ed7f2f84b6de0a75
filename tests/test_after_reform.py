"""The units after 1 July 2025: the shipped panel through 2025, series carried across the
reorganisation, whole years only, peers without districts, and a report on a new unit.

Nghị quyết 1683/NQ-UBTVQH15: Nguyễn Thị Minh Khai + Huyền Tụng + Đức Xuân -> phường Đức Xuân
(01840, slug duc-xuan-2025); Sông Cầu + Phùng Chí Kiên + Xuất Hóa + Nông Thượng -> phường Bắc Kạn
(01843); Dương Quang + Đôn Phong -> xã Phong Quang (01849). Expected values are sums of the
shipped CSV files read here with plain pandas, a path independent of the build's.
"""

from __future__ import annotations

import pandas as pd
import pytest

from wardstudy import paths
from wardstudy.data import synthetic
from wardstudy.pipeline import params

OLD_DUC_XUAN = ["nguyen-thi-minh-khai", "huyen-tung", "duc-xuan"]
OLD_UNITS = list(synthetic.UNIT_SIZE)
NEW_UNITS = ["duc-xuan-2025", "bac-kan-2025", "phong-quang-2025"]


def shipped(name: str) -> pd.DataFrame:
    return pd.read_csv(paths.synthetic_dir() / f"{name}.csv", dtype={"month": str})


def social_order(ward_or_wards, first: str, last: str) -> int:
    crimes = shipped("crimes")
    wards = [ward_or_wards] if isinstance(ward_or_wards, str) else ward_or_wards
    rows = crimes[(crimes["category"] == "social_order") & crimes["ward"].isin(wards)
                  & crimes["month"].between(first, last)]
    return int(rows["count"].sum())


# --- the shipped panel ------------------------------------------------------------------------

def test_old_units_run_to_june_2025_and_new_units_from_july():
    months = shipped("tips").groupby("ward")["month"].agg(["min", "max", "size"])
    for ward in OLD_UNITS:
        assert tuple(months.loc[ward]) == ("2021-01", "2025-06", 54), ward
    for ward in NEW_UNITS:
        assert tuple(months.loc[ward]) == ("2025-07", "2025-12", 6), ward


def test_2021_to_2024_are_the_four_year_panel_unchanged_and_2025_is_added():
    four_years = synthetic.generate_panel()
    through = synthetic.generate_panel(through_2025=True)
    for name, table in four_years.items():
        period = through[name]["month"].str[:4].astype(int) if "month" in table.columns else through[name]["year"]
        head = through[name][period <= 2024].reset_index(drop=True)
        pd.testing.assert_frame_equal(head, table.reset_index(drop=True), check_dtype=False, obj=name)
        assert (period == 2025).any(), name


def test_stocks_do_not_fall_across_the_reorganisation():
    # Eligible residents and issued chip IDs of the new Đức Xuân in July are at least the June sums of
    # its three predecessors (populations grow slowly; stocks never fall).
    p06 = shipped("project06")
    june = p06[(p06["month"] == "2025-06") & p06["ward"].isin(OLD_DUC_XUAN)][["eligible_residents",
                                                                                 "chip_ids_issued"]].sum()
    july = p06[(p06["month"] == "2025-07") & (p06["ward"] == "duc-xuan-2025")].iloc[0]
    assert july["eligible_residents"] >= june["eligible_residents"]
    assert july["eligible_residents"] <= june["eligible_residents"] * 1.01
    assert july["chip_ids_issued"] >= june["chip_ids_issued"]


def test_each_new_unit_is_assessed_in_2025_and_no_old_unit_is():
    assessments = shipped("criteria_assessments")
    in_2025 = assessments[assessments["year"] == 2025]
    assert sorted(in_2025["ward"].unique()) == sorted(NEW_UNITS)
    assert in_2025.groupby("ward").size().eq(22).all()
    # Invented rule (data/synthetic.py): the 2024 criteria of the largest predecessor, Đức Xuân.
    dx_2024 = assessments[(assessments["ward"] == "duc-xuan") & (assessments["year"] == 2024)]
    assert in_2025[in_2025["ward"] == "duc-xuan-2025"]["met"].tolist() == dx_2024["met"].tolist()


# --- the build: carried-back series, whole years, peers ------------------------------------------

@pytest.fixture(scope="module")
def build():
    from wardstudy.pipeline.build import ensure_build

    return ensure_build(None)  # the session's build folder (tests/conftest.py)


def indicator(build, ward: str, year: int, name: str) -> pd.Series:
    rows = build.read("indicators", ward=ward, year=year)
    return rows[rows["indicator"] == name].iloc[0]


def test_a_new_unit_has_its_territory_s_earlier_years_summed_from_its_predecessors(build):
    for year in (2021, 2024):
        got = indicator(build, "duc-xuan-2025", year, "social_order_crimes")["value"]
        assert got == social_order(OLD_DUC_XUAN, f"{year}-01", f"{year}-12")


def test_the_new_unit_s_2025_is_its_predecessors_to_june_and_its_own_records_after(build):
    expected = social_order(OLD_DUC_XUAN, "2025-01", "2025-06") + social_order("duc-xuan-2025", "2025-07", "2025-12")
    assert indicator(build, "duc-xuan-2025", 2025, "social_order_crimes")["value"] == expected
    # A share is recomputed from the summed counts, never averaged over units.
    tips = shipped("tips")
    rows = tips[(tips["month"].str[:4] == "2025")
                & (tips["ward"].isin(OLD_DUC_XUAN) & (tips["month"] <= "2025-06")
                   | (tips["ward"] == "duc-xuan-2025"))]
    share = indicator(build, "duc-xuan-2025", 2025, "tips_handled_share")
    assert (share["numerator"], share["denominator"]) == (rows["handled"].sum(), rows["received"].sum())


def test_the_change_against_the_same_period_of_2024_compares_the_same_territory(build):
    row = build.read("comparisons", ward="duc-xuan-2025", year=2025, baseline_year=2024)
    row = row[row["category"] == "social_order"].iloc[0]
    assert row["before"] == social_order(OLD_DUC_XUAN, "2024-01", "2024-12")
    assert row["months"] == 12


def test_only_whole_years_of_a_unit_are_reported(build):
    years = build.read("indicators").groupby("ward")["year"].agg(["min", "max"])
    for ward in OLD_UNITS:
        assert tuple(years.loc[ward]) == (2021, 2024), ward  # they ceased on 30 June 2025
    assert tuple(years.loc["duc-xuan-2025"]) == (2021, 2025)
    # Phong Quang's predecessor Đôn Phong is not in the data: no carried-back months, no whole year.
    assert "phong-quang-2025" not in years.index


def test_new_units_are_ranked_among_the_new_units_of_their_province_not_the_old_district(build):
    values = build.read("values", ward="duc-xuan-2025", year=2025, baseline_year=2024)
    tips = values[values["indicator"] == "tips_handled_share"].iloc[0]
    assert tips["peer_group"] == "province-19"
    assert tips["n_peers"] == 2  # duc-xuan-2025 and bac-kan-2025
    old = build.read("values", ward="duc-xuan", year=2024, baseline_year=2023)
    assert old[old["indicator"] == "tips_handled_share"]["n_peers"].iloc[0] == 8


def test_the_impact_of_the_programme_is_evaluated_in_whole_years_of_the_old_wards_only():
    from wardstudy.data.crosswalk import full_year_units
    from wardstudy.evaluate.design import evaluable_ward_years
    from wardstudy.data import load

    study = load()
    whole = set(full_year_units(study.units, study.crimes).itertuples(index=False, name=None))
    evaluable = [wy for wy in evaluable_ward_years(study.programme, study.years()) if wy in whole]
    assert ("duc-xuan", 2025) not in evaluable and ("duc-xuan", 2024) in evaluable
    assert max(y for _, y in evaluable) == 2024


# --- parameters -----------------------------------------------------------------------------

def test_an_old_unit_s_report_for_2025_is_refused_and_points_to_its_successor():
    with pytest.raises(params.ParameterError,
                       match=r"duc-xuan ceased to exist on 2025-06-30, so 2025 is not a whole year of it; "
                             r"report 2025 on its successor duc-xuan-2025 instead"):
        params.validate("duc-xuan", 2025, source="p.yaml")


def test_a_new_unit_with_a_predecessor_outside_the_data_is_refused_naming_it():
    with pytest.raises(params.ParameterError, match=r"its predecessor\(s\) don-phong are not in the data"):
        params.validate("phong-quang-2025", 2025, source="p.yaml")


def test_the_name_duc_xuan_for_2025_is_the_new_ward():
    got = params.validate("Phường Đức Xuân", 2025, source="p.yaml")
    assert (got.ward, got.code, got.baseline_year) == ("duc-xuan-2025", "01840", 2024)


# --- the page ----------------------------------------------------------------------------------

@pytest.mark.slow
def test_the_params_file_for_duc_xuan_2025_writes_a_page_about_the_new_ward(tmp_path, page_text):
    from typer.testing import CliRunner

    from wardstudy.cli import app

    result = CliRunner().invoke(app, ["run", "--ward", "duc-xuan-2025", "--out", str(tmp_path), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    text = page_text(tmp_path / "duc-xuan-2025.html")
    assert "Phường Đức Xuân, năm 2025" in text
    assert ("Đơn vị mới từ 01/07/2025 (Nghị quyết 1683/NQ-UBTVQH15 ngày 16/06/2025), hợp nhất từ: "
            "Nguyễn Thị Minh Khai, Huyền Tụng, Đức Xuân") in text
    assert "Số liệu từ T1/2021 đến T6/2025 là tổng số liệu của các đơn vị cũ" in text
    # The headline count is the sum worked out above from the CSV files.
    so = social_order(OLD_DUC_XUAN, "2025-01", "2025-06") + social_order("duc-xuan-2025", "2025-07", "2025-12")
    before = social_order(OLD_DUC_XUAN, "2024-01", "2024-12")
    assert f"xảy ra {so} vụ, giảm {before - so:02d} vụ" in text
    assert "Không đánh giá tác động cho đơn vị mới Đức Xuân" in text
    assert "xem báo cáo của Đức Xuân (từ năm 2023)" in text
    assert "10. Vị trí so với các đơn vị mới khác cùng tỉnh" in text
