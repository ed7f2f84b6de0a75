"""`wardstudy import`: filled workbooks and table folders checked and merged into one data folder."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from wardstudy import data, paths
from wardstudy.cli import app
from wardstudy.data.submissions import import_submissions
from wardstudy.data.workbook import make_template
from workbook_helpers import fill, one_ward

runner = CliRunner()


def without_synthetic(text: str) -> str:
    """A shipped CSV as a workbook gives it back: the `synthetic` column (last) dropped."""
    return "\n".join(line.rsplit(",", 1)[0] for line in text.splitlines()) + "\n"


@pytest.fixture(scope="module")
def round_trip(tmp_path_factory):
    """The template for every unit of units.csv and the whole study period (2021-01 to 2025-12: the 8
    old units to 2025-06, the 3 new ones from 2025-07), filled from the shipped panel and imported."""
    folder = tmp_path_factory.mktemp("round_trip")
    book, _, _ = make_template(folder / "bac-kan.xlsx")
    fill(book)
    result = runner.invoke(app, ["import", str(book), "--out", str(folder / "imported"), "--lang", "en"])
    assert result.exit_code == 0, result.output
    return folder / "imported", result.output


def test_a_filled_template_round_trips_to_the_shipped_tables_byte_for_byte(round_trip):
    out, output = round_trip
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{n}.csv" for n in data.RECORD_TABLES)
    for name in data.RECORD_TABLES:
        shipped = (paths.synthetic_dir() / f"{name}.csv").read_text(encoding="utf-8")
        assert (out / f"{name}.csv").read_text(encoding="utf-8") == without_synthetic(shipped), name
    # 8 units x 54 months + 3 units x 6 months (x 5 categories for crimes)
    assert re.search(r"tips +added +450 ", output) and re.search(r"crimes +added +2250 ", output), output


def test_a_round_trip_gives_the_same_indicators_as_the_shipped_data(round_trip):
    from wardstudy.indicators.registry import all_indicators
    from wardstudy.pipeline.export import indicators_csv_text

    imported = data.load(round_trip[0])
    assert not imported.is_synthetic  # a filled workbook holds observations
    assert indicators_csv_text(all_indicators(imported)) == indicators_csv_text(all_indicators(data.load()))
    assert runner.invoke(app, ["validate", str(round_trip[0])]).exit_code == 0


def test_two_workbooks_that_disagree_on_one_ward_month_are_refused_naming_both_and_the_cell(tmp_path):
    first = one_ward(tmp_path, "first.xlsx")
    # The second office typed 5 for the tips handled in February 2023 (the shipped value is 7).
    second = one_ward(tmp_path, "second.xlsx", change=lambda sheet, key, column, value:
                      5 if (sheet, key, column) == ("tips", ("duc-xuan", "2023-02"), "handled") else value)
    result = runner.invoke(app, ["import", str(first), str(second), "--out", str(tmp_path / "out"), "--lang", "en"])
    assert result.exit_code == 1
    assert not (tmp_path / "out").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["first.xlsx", "second.xlsx"]  # no staging folder left
    lines = [line for line in result.output.splitlines() if "differs" in line]
    assert len(lines) == 1, result.output
    # Row 4 of sheet tips is February (row 3 January); column D is `handled`.
    assert 'second.xlsx, sheet "tips", row 4, column "handled": 5 (cell D4) differs from ' in lines[0]
    assert 'first.xlsx, sheet "tips", row 4 (cell D4), which gives 7, for ward + month "duc-xuan", "2023-02"' \
        in lines[0]
    assert "nothing was written" in result.output


def test_an_identical_repeat_is_accepted_once(tmp_path):
    first, second = one_ward(tmp_path, "first.xlsx"), one_ward(tmp_path, "second.xlsx")
    done = import_submissions([first, second], tmp_path / "out")
    tips = data.read_raw(tmp_path / "out" / "tips.csv")
    assert tips.values.tolist() == [["duc-xuan", "2023-01", "10", "10"], ["duc-xuan", "2023-02", "7", "7"]]
    assert done.rows["crimes"] == 10 and done.rows["criteria_assessments"] == 22


def test_a_bad_cell_is_named_by_file_sheet_row_and_column_and_nothing_is_written(tmp_path):
    book = one_ward(tmp_path, "bad.xlsx", change=lambda sheet, key, column, value:
                    -2 if (sheet, key, column) == ("fire_safety", ("duc-xuan", "2023-01"), "fire_safety_groups")
                    else value)
    with pytest.raises(data.DataError) as caught:
        import_submissions([book], tmp_path / "out")
    assert caught.value.problems == [f'{book}, sheet "fire_safety", row 3, column "fire_safety_groups": '
                                     "-2 is negative (counts must be >= 0)"]
    assert not (tmp_path / "out").exists()


def test_a_formula_in_a_workbook_is_refused_naming_the_sheet_and_cell(tmp_path):
    book = one_ward(tmp_path, "formula.xlsx")
    opened = load_workbook(book)
    opened["tips"]["D3"] = "=C3"
    opened.save(book)
    result = runner.invoke(app, ["import", str(book), "--out", str(tmp_path / "out"), "--lang", "en"])
    assert result.exit_code == 1 and not (tmp_path / "out").exists()
    assert f'{book}, row 3, column "handled": cell D3 of sheet "tips" holds a formula (=C3)' in result.output


def test_rows_left_blank_are_months_not_reported_and_are_left_out(tmp_path):
    book = one_ward(tmp_path, "part.xlsx")
    opened = load_workbook(book)
    for column in "CD":
        opened["tips"][f"{column}4"] = None  # February's tips not reported
    opened.save(book)
    done = import_submissions([book], tmp_path / "out")
    assert data.read_raw(tmp_path / "out" / "tips.csv")["month"].tolist() == ["2023-01"]
    assert done.blank_rows["tips"] == 1
    assert "  tips: duc-xuan 2023-02" in done.text()  # named by ward and month in the summary


def test_a_half_filled_row_is_refused_not_left_out(tmp_path):
    book = one_ward(tmp_path, "half.xlsx")
    opened = load_workbook(book)
    opened["tips"]["D4"] = None
    opened.save(book)
    with pytest.raises(data.DataError) as caught:
        import_submissions([book], tmp_path / "out")
    assert caught.value.problems == [f'{book}, sheet "tips", row 4, column "handled": empty cell (a value is required)']


def test_a_csv_folder_and_a_workbook_merge(tmp_path):
    """The shipped folder (2021-2025) and a workbook repeating two of its months: accepted,
    the repeat kept once, the result equal to the shipped panel."""
    folder = shutil.copytree(paths.synthetic_dir(), tmp_path / "shipped")
    book = one_ward(tmp_path, "repeat.xlsx")
    done = import_submissions([folder, book], tmp_path / "out")
    assert done.rows["tips"] == 8 * 54 + 3 * 6
    merged = data.load(tmp_path / "out")
    assert merged.tips.equals(data.load().tips)  # synthetic flag kept from the folder
    assert merged.is_synthetic


def test_a_month_outside_a_units_validity_is_refused_on_import(tmp_path):
    units = pd.read_csv(paths.reference_dir() / "units.csv", dtype=str, keep_default_na=False)
    units.loc[units["slug"] == "duc-xuan", "valid_from"] = "2023-02-01"
    reference = tmp_path / "reference"
    reference.mkdir()
    units.to_csv(reference / "units.csv", index=False)
    book = one_ward(tmp_path, "early.xlsx")
    with pytest.raises(data.DataError) as caught:
        import_submissions([book], tmp_path / "out", data_dir=reference)
    assert f'{book}, sheet "tips", row 3, column "month": "2023-01" is before unit duc-xuan existed ' \
           f"(valid from 2023-02-01 in {reference / 'units.csv'})" in caught.value.problems


def test_importing_into_a_folder_with_other_files_adds_the_tables_and_keeps_the_files(tmp_path):
    book = one_ward(tmp_path, "a.xlsx")
    out = tmp_path / "out"
    (out / "notes").mkdir(parents=True)
    (out / "keep.txt").write_text("mine")
    (out / "notes" / "plan.docx").write_bytes(b"x")
    result = runner.invoke(app, ["import", str(book), "--out", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(["keep.txt", "notes"] + [f"{n}.csv" for n in data.RECORD_TABLES])
    assert (out / "keep.txt").read_text() == "mine" and (out / "notes" / "plan.docx").read_bytes() == b"x"


def test_a_workbook_without_record_sheets_and_a_missing_file_are_named(tmp_path):
    from openpyxl import Workbook

    other = tmp_path / "other.xlsx"
    Workbook().save(other)
    with pytest.raises(data.DataError) as caught:
        import_submissions([other, tmp_path / "nowhere.xlsx"], tmp_path / "out")
    assert f"{other}: has no sheet named as a record table" in caught.value.problems[0]
    assert f"{tmp_path / 'nowhere.xlsx'}: does not exist" == caught.value.problems[1]


def set_column(book: Path, sheet: str, column: str, value) -> Path:
    """Every data cell (row 3 on) of `column` in `sheet` set to `value`."""
    opened = load_workbook(book)
    letter = [c.column_letter for c in opened[sheet][1] if c.value == column][0]
    for row in range(3, opened[sheet].max_row + 1):
        opened[sheet][f"{letter}{row}"] = value
    opened.save(book)
    return book


def test_an_optional_column_given_for_one_ward_and_not_another_is_kept_for_the_one(tmp_path):
    """Đức Xuân's office reports solved cases, Xuất Hóa's does not: both are imported, Xuất Hóa's
    `solved` cells blank (not reported), and its solved share has no value rather than 0."""
    from wardstudy.indicators.compute import crimes_solved_share

    first = set_column(one_ward(tmp_path, "first.xlsx"), "crimes", "solved", 0)
    book, _, _ = make_template(tmp_path / "second.xlsx", wards=["xuat-hoa"], first="2023-01", last="2023-02")
    second = set_column(fill(book), "crimes", "solved", None)  # left blank as a whole: not reported
    import_submissions([first, second], tmp_path / "out")
    crimes = data.read_raw(tmp_path / "out" / "crimes.csv")
    assert crimes.groupby("ward")["solved"].apply(lambda s: s.isna().all()).to_dict() == \
        {"duc-xuan": False, "xuat-hoa": True}
    assert set(crimes.loc[crimes["ward"] == "duc-xuan", "solved"]) == {"0"}  # whole numbers, not "0.0"
    shares = crimes_solved_share(data.load(tmp_path / "out").crimes)
    assert shares["ward"].tolist() == ["duc-xuan"]


def test_a_blank_cell_in_an_optional_column_a_source_gives_is_refused(tmp_path):
    book = set_column(one_ward(tmp_path, "first.xlsx"), "crimes", "solved", 0)
    opened = load_workbook(book)
    opened["crimes"]["E4"] = None
    opened.save(book)
    with pytest.raises(data.DataError) as caught:
        import_submissions([book], tmp_path / "out")
    assert caught.value.problems == [f'{book}, sheet "crimes", row 4, column "solved": is blank while this source '
                                     "gives the column for its other rows: write 0 if none, or leave the whole "
                                     "column blank if the unit does not report it"]
