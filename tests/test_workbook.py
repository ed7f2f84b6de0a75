"""The data-entry workbook (`wardstudy template`): sheets, headers, pre-filled rows, validation."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from wardstudy import data, paths
from wardstudy.cli import app
from wardstudy.data.read import read_sheets
from wardstudy.data.schemas import TABLES
from wardstudy.data.workbook import LABELS_VI, TITLES_VI, make_template, template_rows

runner = CliRunner()


@pytest.fixture(scope="module")
def two_wards(tmp_path_factory):
    """A template for Đức Xuân and Xuất Hóa, November 2023 to January 2024."""
    path = tmp_path_factory.mktemp("template") / "mau.xlsx"
    result = runner.invoke(app, ["template", "--out", str(path), "--ward", "duc-xuan", "--ward", "Phường Xuất Hóa",
                                 "--from", "2023-11", "--to", "2024-01"])
    assert result.exit_code == 0, result.output
    assert "(2 đơn vị, từ 2023-11 đến 2024-01)" in result.output  # the officer's language by default
    return load_workbook(path)


def record(sheet, row: int) -> dict:
    """Row `row` of `sheet` by column id (row 1)."""
    return {c.value: v.value for c, v in zip(sheet[1], sheet[row])}


def validations(sheet) -> dict[str, object]:
    """Each data validation of `sheet` by the first cell of its range."""
    return {str(v.sqref).split(":")[0]: v for v in sheet.data_validations.dataValidation}


def test_one_sheet_per_record_table_between_the_instructions_and_the_lists(two_wards):
    assert two_wards.sheetnames == ["huong_dan", "crimes", "tips", "procedures", "project06", "fire_safety",
                                    "community_models", "criteria_assessments", "danh_muc"]


def test_row_1_holds_the_column_ids_and_row_2_the_vietnamese_labels_with_units(two_wards):
    tips = two_wards["tips"]
    assert [c.value for c in tips[1]] == ["ward", "month", "received", "handled"]  # no `synthetic` column
    assert [c.value for c in tips[2]] == ["Đơn vị (phường/xã)", "Tháng (YYYY-MM)", "Tin báo tiếp nhận (tin)",
                                          "Tin báo đã giải quyết (tin)"]
    header = [c.value for c in two_wards["criteria_assessments"][1]]
    assert [c for c in header if c in {"ward", "year", "criterion_id", "met"}] == ["ward", "year", "criterion_id", "met"]
    assert "synthetic" not in header
    assert two_wards["procedures"].freeze_panes == "A3"


def test_rows_are_prefilled_for_every_ward_and_month_and_values_left_blank(two_wards):
    tips = [[c.value for c in row] for row in two_wards["tips"].iter_rows(min_row=3)]
    assert tips == [["duc-xuan", m, None, None] for m in ["2023-11", "2023-12", "2024-01"]] + \
                   [["xuat-hoa", m, None, None] for m in ["2023-11", "2023-12", "2024-01"]]
    # 2 wards x 3 months x 5 categories; 2 wards x 2 years (2023, 2024) x 22 criteria.
    assert two_wards["crimes"].max_row - 2 == 30
    assert record(two_wards["crimes"], 3) | {"solved": None} == {"ward": "duc-xuan", "month": "2023-11",
                                                                 "category": "social_order", "count": None,
                                                                 "solved": None}
    assert two_wards["criteria_assessments"].max_row - 2 == 88
    assert {k: v for k, v in record(two_wards["criteria_assessments"], 90).items() if k != "scheme"} == \
        {"ward": "xuat-hoa", "year": 2024, "criterion_id": "C22", "met": None}
    assert two_wards["tips"]["B3"].number_format == "@"  # text: Excel keeps 2023-11 a month


def test_counts_are_whole_and_not_negative_and_parts_not_above_their_whole(two_wards):
    tips = validations(two_wards["tips"])
    assert (tips["C3"].type, tips["C3"].operator, tips["C3"].formula1) == ("whole", "greaterThanOrEqual", "0")
    # handled <= received (the schema's ratio) as a custom rule on column D against column C
    assert tips["D3"].type == "custom" and tips["D3"].formula1 == "AND(D3=INT(D3),D3>=0,D3<=C3)"
    assert tips["A3"].type == "list" and tips["A3"].formula1 == "danh_muc!$A$2:$A$3"
    crimes = validations(two_wards["crimes"])
    assert crimes["C3"].formula1 == "danh_muc!$G$2:$G$6"  # the five categories
    met = [c.column_letter for c in two_wards["criteria_assessments"][1] if c.value == "met"][0]
    assert validations(two_wards["criteria_assessments"])[f"{met}3"].formula1 == '"1,0"'
    lists = two_wards["danh_muc"]
    assert [lists.cell(row=r, column=1).value for r in (2, 3)] == ["duc-xuan", "xuat-hoa"]
    assert [lists.cell(row=r, column=2).value for r in (2, 3)] == ["01840", "01855"]


def test_instructions_say_in_vietnamese_each_columns_meaning_unit_and_example(two_wards):
    rows = [[c.value for c in row] for row in two_wards["huong_dan"].iter_rows()]
    by_column = {(r[0], r[2]): r for r in rows if len(r) >= 7 and r[2]}
    assert by_column[("tips", "received")][3:] == ["Tin báo tiếp nhận", "Số tin báo, tố giác tội phạm tiếp nhận "
                                                   "trong tháng", "tin", "9", "có"]
    assert by_column[("project06", "vneid_level2_accounts")][5] == "người"
    assert by_column[("crimes", "solved")][7].startswith("không")  # optional: leave the column blank
    assert any("Không gộp ô" in str(r[0]) for r in rows)  # no merged cells, no formulas


def test_every_column_of_every_record_table_has_a_vietnamese_label_and_every_table_a_title():
    for name in data.RECORD_TABLES:
        assert name in TITLES_VI
        for column in TABLES[name].columns:
            if column != "synthetic":
                assert LABELS_VI[column].label and LABELS_VI[column].meaning, (name, column)


def test_no_rows_for_months_outside_a_units_validity():
    units = data.read_table(paths.reference_dir() / "units.csv").head(1).assign(valid_from="2024-02-10")
    rows = template_rows("tips", units, ["2024-01", "2024-02", "2024-03"], [])
    assert rows["month"].tolist() == ["2024-02", "2024-03"]
    years = template_rows("criteria_assessments", units, ["2023-12", "2024-01"], ["C01", "C02"])
    assert years[["year", "criterion_id"]].values.tolist() == [[2024, "C01"], [2024, "C02"]]


def test_a_province_selects_its_units(tmp_path):
    _, units, months = make_template(tmp_path / "p.xlsx", province="Tỉnh Bắc Kạn", first="2024-12", last="2024-12")
    assert len(units) == 8 and months == ["2024-12"]
    _, units, _ = make_template(tmp_path / "q.xlsx", province="06", first="2024-12", last="2024-12")
    assert len(units) == 8


@pytest.mark.parametrize("args, message", [
    (["--from", "2024-13"], "month '2024-13' is not YYYY-MM"),
    (["--from", "2024-05", "--to", "2024-01"], "the first month (2024-05) is after the last (2024-01)"),
    (["--to", "2026-01"], "month 2026-01 is outside the study period (2021-01 to 2025-12)"),
    (["--ward", "xuat-hao"], "ward 'xuat-hao' is not a known unit; closest: xuat-hoa"),
    (["--province", "Hà Nội"], "province 'Hà Nội' has no unit in the units table"),
])
def test_bad_options_are_refused_and_nothing_is_written(tmp_path, args, message):
    result = runner.invoke(app, ["template", "--out", str(tmp_path / "t.xlsx"), *args, "--lang", "en"])
    assert result.exit_code == 1
    assert message in result.output
    assert not (tmp_path / "t.xlsx").exists()


@pytest.mark.parametrize("args, message", [
    (["--from", "2024-05", "--to", "2024-01"], "tháng đầu (2024-05) sau tháng cuối (2024-01)"),
    (["--ward", "xuat-hao"], "ward 'xuat-hao' không phải đơn vị nào trong danh mục; gần nhất: xuat-hoa"),
])
def test_the_template_says_what_is_wrong_in_vietnamese_by_default(tmp_path, args, message):
    result = runner.invoke(app, ["template", "--out", str(tmp_path / "t.xlsx"), *args])
    assert result.exit_code == 1 and message in result.output


def test_the_template_of_the_shipped_units_reads_back_through_the_data_layer(tmp_path):
    path, _, _ = make_template(tmp_path / "t.xlsx", first="2024-01", last="2024-01")
    sheets = read_sheets(path, names=["fire_safety"])
    frame = sheets["fire_safety"]
    assert frame.index[0] == 2 and frame.iloc[0]["ward"] == "Đơn vị (phường/xã)"  # row 2: the labels
    assert frame.loc[3, ["ward", "month", "fire_safety_groups"]].tolist() == ["nguyen-thi-minh-khai", "2024-01", None]
    assert [frame.attrs["letters"][c] for c in ["ward", "month", "fire_safety_groups"]] == ["A", "B", "C"]
