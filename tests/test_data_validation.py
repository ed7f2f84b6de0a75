"""A catalogue of bad inputs: each breaks one thing in a copy of the shipped data.

Every fault must make `wardstudy validate` and `wardstudy indicators` exit 1, write
nothing, and name the file, the column, the row (where there is one) and what is wrong.
"""

from __future__ import annotations

import csv
import io
import shutil
import unicodedata
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from wardstudy import data, paths
from wardstudy.cli import app

runner = CliRunner()


def shipped_copy(folder: Path) -> Path:
    """The shipped synthetic panel plus the reference tables, copied into `folder`."""
    shutil.copytree(paths.synthetic_dir(), folder)
    for table in data.REFERENCE_TABLES:
        shutil.copy(paths.reference_dir() / f"{table}.csv", folder / f"{table}.csv")
    return folder


def rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def write_rows(path: Path, table: list[list[str]], encoding: str = "utf-8") -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(table)
    path.write_bytes(out.getvalue().encode(encoding))


def set_cell(name: str, line: int, column: str, value: str):
    """A fault: file `name`, line `line` (header = 1), `column` set to `value`."""
    def fault(folder: Path) -> None:
        table = rows(folder / name)
        table[line - 1][table[0].index(column)] = value
        write_rows(folder / name, table)
    return fault


def drop_column(name: str, column: str):
    def fault(folder: Path) -> None:
        table = rows(folder / name)
        i = table[0].index(column)
        write_rows(folder / name, [r[:i] + r[i + 1:] for r in table])
    return fault


def duplicate_line(name: str, line: int, at: int):
    def fault(folder: Path) -> None:
        table = rows(folder / name)
        table[at - 1] = list(table[line - 1])
        write_rows(folder / name, table)
    return fault


def delete(name: str):
    return lambda folder: (folder / name).unlink()


def add_xlsx_twin(name: str):
    def fault(folder: Path) -> None:
        data.read_raw(folder / f"{name}.csv").to_excel(folder / f"{name}.xlsx", index=False)
    return fault


def legacy_bytes(text: str, encoding: str) -> bytes:
    """`text` encoded as a Windows office would: cp1258 keeps the tone mark as a separate
    combining character after a base letter it has (ễ -> ê + tilde)."""
    if encoding != "cp1258":
        return text.encode(encoding)
    out = []
    for ch in text:
        try:
            out.append(ch.encode("cp1258"))
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            out.append((unicodedata.normalize("NFC", parts[:-1]) + parts[-1]).encode("cp1258"))
    return b"".join(out)


def reencode(name: str, encoding: str):
    def fault(folder: Path) -> None:
        path = folder / name
        path.write_bytes(legacy_bytes(path.read_text(encoding="utf-8"), encoding))
    return fault


def xlsx_with_cell(name: str, line: int, column: str, value):
    """Replace `name`.csv by an xlsx copy with one cell changed (line = sheet row)."""
    def fault(folder: Path) -> None:
        frame = data.read_raw(folder / f"{name}.csv")
        frame = frame.reset_index(drop=True)
        frame = frame.astype(object)
        frame.loc[line - 2, column] = value
        (folder / f"{name}.csv").unlink()
        frame.to_excel(folder / f"{name}.xlsx", index=False)
    return fault


def xlsx_edit(name: str, edit):
    """Replace `name`.csv by an xlsx copy, then apply `edit` to its sheet with openpyxl."""
    def fault(folder: Path) -> None:
        from openpyxl import load_workbook

        data.read_raw(folder / f"{name}.csv").to_excel(folder / f"{name}.xlsx", index=False)
        (folder / f"{name}.csv").unlink()
        book = load_workbook(folder / f"{name}.xlsx")
        edit(book.worksheets[0])
        book.save(folder / f"{name}.xlsx")
    return fault


def blank_line_then(name: str, line: int, column: str, value: str):
    """Insert a blank line before `line`, then break that record (now at line + 1)."""
    def fault(folder: Path) -> None:
        table = rows(folder / name)
        table[line - 1][table[0].index(column)] = value
        table.insert(line - 1, [])
        write_rows(folder / name, table)
    return fault


# (id, fault, file, row, column, what the message must say)
CATALOGUE = [
    ("negative-count", set_cell("crimes.csv", 14, "count", "-5"), "crimes.csv", 14, "count",
     "-5 is negative (counts must be >= 0)"),
    ("text-in-count", set_cell("crimes.csv", 20, "count", "abc"), "crimes.csv", 20, "count", "is not a whole number"),
    ("fractional-count", set_cell("tips.csv", 9, "received", "2.5"), "tips.csv", 9, "received", "is not a whole number"),
    ("empty-count", set_cell("crimes.csv", 30, "count", ""), "crimes.csv", 30, "count", "empty cell"),
    ("unknown-category", set_cell("crimes.csv", 40, "category", "theft"), "crimes.csv", 40, "category",
     "is not an allowed value"),
    ("month-13", set_cell("tips.csv", 12, "month", "2023-13"), "tips.csv", 12, "month", "is not a month"),
    ("month-slash", set_cell("tips.csv", 13, "month", "01/2023"), "tips.csv", 13, "month", "YYYY-MM"),
    ("month-before-period", set_cell("fire_safety.csv", 5, "month", "2019-05"), "fire_safety.csv", 5, "month",
     "outside the study period"),
    ("month-after-reform", set_cell("fire_safety.csv", 6, "month", "2025-09"), "fire_safety.csv", 6, "month",
     "ceased to exist (valid to 2025-06-30 in units.csv; later records belong to its successor"),
    ("month-after-period", set_cell("fire_safety.csv", 6, "month", "2026-01"), "fire_safety.csv", 6, "month",
     "outside the study period"),
    ("unknown-ward", set_cell("crimes.csv", 50, "ward", "xuat-hao"), "crimes.csv", 50, "ward",
     "is not a known unit; closest: xuat-hoa"),
    ("duplicate-key", duplicate_line("tips.csv", 2, 3), "tips.csv", 3, "ward + month", "repeats row 2"),
    ("handled-over-received", set_cell("tips.csv", 7, "handled", "999"), "tips.csv", 7, "handled",
     'is more than column "received"'),
    ("negative-received", set_cell("tips.csv", 8, "received", "-1"), "tips.csv", 8, "received", "is negative"),
    ("online-over-total", set_cell("procedures.csv", 10, "online", "99999"), "procedures.csv", 10, "online",
     "online must be <= total"),
    ("on-time-over-resolved", set_cell("procedures.csv", 11, "on_time", "99999"), "procedures.csv", 11, "on_time",
     "on_time must be <= resolved"),
    ("early-over-on-time", set_cell("procedures.csv", 12, "early", "99999"), "procedures.csv", 12, "early",
     "early must be <= on_time"),
    ("chip-over-eligible", set_cell("project06.csv", 15, "chip_ids_issued", "999999"), "project06.csv", 15,
     "chip_ids_issued", "chip_ids_issued must be <= eligible_residents"),
    ("vneid-over-chip", set_cell("project06.csv", 16, "vneid_level2_accounts", "999998"), "project06.csv", 16,
     "vneid_level2_accounts", "needs a chip-based ID"),
    ("negative-stock", set_cell("fire_safety.csv", 7, "fire_safety_groups", "-2"), "fire_safety.csv", 7,
     "fire_safety_groups", "is negative"),
    ("word-in-stock", set_cell("community_models.csv", 9, "models_active", "many"), "community_models.csv", 9,
     "models_active", "is not a whole number"),
    ("met-not-flag", set_cell("criteria_assessments.csv", 4, "met", "2"), "criteria_assessments.csv", 4, "met",
     "is not true/false"),
    ("unknown-criterion", set_cell("criteria_assessments.csv", 5, "criterion_id", "C23"),
     "criteria_assessments.csv", 5, "criterion_id", "is not an allowed criterion"),
    ("assessment-year-outside", set_cell("criteria_assessments.csv", 6, "year", "2030"), "criteria_assessments.csv",
     6, "year", "is outside the years allowed"),
    ("synthetic-flag-garbage", set_cell("tips.csv", 10, "synthetic", "maybe"), "tips.csv", 10, "synthetic",
     "is not true/false"),
    ("mojibake-ward", set_cell("crimes.csv", 60, "ward", "Äá»©c XuÃ¢n"), "crimes.csv", 60, "ward", "looks garbled"),
    ("missing-column", drop_column("tips.csv", "handled"), "tips.csv", None, "handled", "is missing"),
    ("unit-code-4-digits", set_cell("units.csv", 4, "code", "1840"), "units.csv", 4, "code", "5-digit GSO code"),
    ("unit-type-unknown", set_cell("units.csv", 3, "type", "quận"), "units.csv", 3, "type", "is not an allowed value"),
    ("published-share-percent", set_cell("published.csv", 4, "value", "100"), "published.csv", 4, "value",
     "is outside [0, 1]"),
    ("published-unknown-indicator", set_cell("published.csv", 3, "indicator", "crime_rate"), "published.csv", 3,
     "indicator", "is not an allowed value"),
    ("programme-unknown-ward", set_cell("programme.csv", 2, "ward", "duc-xuann"), "programme.csv", 2, "ward",
     "closest: duc-xuan"),
    ("xlsx-negative-count", xlsx_with_cell("crimes", 14, "count", -5), "crimes.xlsx", 14, "count", "is negative"),
    ("blank-line-shifts-rows", blank_line_then("tips.csv", 20, "received", "-3"), "tips.csv", 21, "received",
     "is negative"),
    # Checks across tables (wardstudy.data.crosscheck).
    ("units-slug-repeated", set_cell("units.csv", 3, "slug", "nguyen-thi-minh-khai"), "units.csv", 3, "slug",
     '"nguyen-thi-minh-khai" repeats row 2 (each unit needs its own slug)'),
    ("programme-code-not-its-ward", set_cell("programme.csv", 3, "code", "01856"), "programme.csv", 3, "code",
     "01856 is not the code of xuat-hoa (units.csv gives 01855)"),
    # Đức Xuân (units.csv row 4) made to start in March 2021: its first tips row (110, after two
    # units of 54 months) is January.
    ("record-before-valid-from", set_cell("units.csv", 4, "valid_from", "2021-03-01"), "tips.csv", 110, "month",
     '"2021-01" is before unit duc-xuan existed (valid from 2021-03-01 in units.csv)'),
    # Nguyễn Thị Minh Khai (row 2) made to end in June 2024: tips row 44 is its July 2024.
    ("record-after-valid-to", set_cell("units.csv", 2, "valid_to", "2024-06-30"), "tips.csv", 44, "month",
     '"2024-07" is after unit nguyen-thi-minh-khai ceased to exist (valid to 2024-06-30'),
    # ... and made to end in 2023: its first 2024 assessment is row 68 (22 criteria a year from row 2).
    ("assessment-after-valid-to", set_cell("units.csv", 2, "valid_to", "2023-12-31"), "criteria_assessments.csv",
     68, "year", "2024 is after unit nguyen-thi-minh-khai ceased to exist (valid to 2023-12-31 in units.csv)"),
    # Excel cells whose value is not what the sheet shows (wardstudy.data.read.read_sheets).
    ("xlsx-formula", xlsx_edit("crimes", lambda sheet: sheet.__setitem__("D14", "=2+3")), "crimes.xlsx", 14,
     "count", 'cell D14 of sheet "Sheet1" holds a formula (=2+3)'),
    ("xlsx-merged-cells", xlsx_edit("crimes", lambda sheet: sheet.merge_cells("A14:A15")), "crimes.xlsx", 14,
     "ward", 'cells A14:A15 of sheet "Sheet1" are merged'),
]
# Faults about a whole file: (id, fault, file, what the message must say)
def emptied(name):
    """A table truncated to 0 bytes (pandas alone says "No columns to parse from file")."""
    return lambda folder: (folder / name).write_bytes(b"")


def header_only(name):
    """A record table cut to its header line (it would drop its indicators from the export)."""
    def fault(folder: Path) -> None:
        header = (folder / name).read_text(encoding="utf-8").splitlines()[0]
        (folder / name).write_text(header + "\n", encoding="utf-8")
    return fault


FILE_FAULTS = [
    ("missing-table", delete("fire_safety.csv"), "fire_safety.csv", "is missing"),
    ("csv-and-xlsx", add_xlsx_twin("crimes"), "crimes.csv and crimes.xlsx", "ambiguous"),
    ("windows-1258", reencode("units.csv", "cp1258"), "units.csv", "is not UTF-8"),
    ("utf-16", reencode("tips.csv", "utf-16"), "tips.csv", "UTF-16"),
    ("empty-file", emptied("crimes.csv"), "crimes.csv", "is empty"),
    ("header-only", header_only("tips.csv"), "tips.csv", "has a header but no rows"),
]


def run_both(bad: Path, tmp_path: Path):
    """Run `validate` and `indicators` on `bad`; return their results and the reports folder."""
    reports = tmp_path / "reports"
    checked = runner.invoke(app, ["validate", str(bad), "--lang", "en"])
    exported = runner.invoke(app, ["indicators", "--data-dir", str(bad), "--out", str(reports / "indicators.csv")])
    return checked, exported, reports


@pytest.mark.parametrize("fault, file, row, column, what",
                         [pytest.param(*case[1:], id=case[0]) for case in CATALOGUE])
def test_bad_cell_is_refused_with_file_row_column_and_rule(tmp_path, fault, file, row, column, what):
    bad = shipped_copy(tmp_path / "bad")
    fault(bad)
    checked, exported, reports = run_both(bad, tmp_path)
    assert checked.exit_code == 1, checked.output
    assert exported.exit_code == 1, exported.output
    assert not reports.exists()  # nothing written, not even the folder
    # `indicators` prints every problem as one message: file, row, column, value, rule.
    place = f'{file}, row {row}, column "{column}": ' if row is not None else f'{file}, column "{column}": '
    lines = [line for line in exported.output.splitlines() if place in line]
    assert lines, f"no problem at {place}\n{exported.output}"
    assert what in lines[0]
    # `validate` prints the same problems as a table.
    assert file in checked.output and what in checked.output


@pytest.mark.parametrize("fault, file, what", [pytest.param(*case[1:], id=case[0]) for case in FILE_FAULTS])
def test_bad_file_is_refused_with_file_and_reason(tmp_path, fault, file, what):
    bad = shipped_copy(tmp_path / "bad")
    fault(bad)
    checked, exported, reports = run_both(bad, tmp_path)
    assert checked.exit_code == 1 and exported.exit_code == 1
    assert not reports.exists()
    assert any(file in line and what in line for line in exported.output.splitlines()), exported.output
    assert what in checked.output


def test_every_problem_is_reported_at_once(tmp_path):
    bad = shipped_copy(tmp_path / "bad")
    for case in CATALOGUE[:5]:
        case[1](bad)
    with pytest.raises(data.DataError) as caught:
        data.load(bad)
    # Five distinct faults in two files (crimes.csv rows 14, 20, 30, 40 and tips.csv row 9):
    # each is reported at its own file, row and column, with its own rule.
    places = {(Path(p.file).name, p.row, p.column) for p in caught.value.details}
    for _id, _fault, file, row, column, what in CATALOGUE[:5]:
        assert (file, row, column) in places, (file, row, column, sorted(places, key=str))
        place = f'{file}, row {row}, column "{column}": '
        assert any(place in m and what in m for m in caught.value.problems), (place, what, caught.value.problems)


def test_shipped_data_validates(tmp_path):
    result = runner.invoke(app, ["validate", "--lang", "en"])
    assert result.exit_code == 0, result.output


def test_windows_1258_file_reads_correctly_when_its_encoding_is_given(tmp_path):
    source = paths.reference_dir() / "units.csv"
    legacy = tmp_path / "units.csv"
    legacy.write_bytes(legacy_bytes(source.read_text(encoding="utf-8"), "cp1258"))
    pd.testing.assert_frame_equal(data.read_table(legacy, encoding="cp1258"), data.read_table(source))


def test_bom_is_accepted(tmp_path):
    folder = shipped_copy(tmp_path / "bom")
    path = folder / "tips.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert data.load(folder).tips.equals(data.load().tips)


def test_many_copies_of_one_fault_are_summarised(tmp_path):
    bad = shipped_copy(tmp_path / "bad")
    table = rows(bad / "crimes.csv")
    i = table[0].index("count")
    for r in table[1:]:
        r[i] = "-1"
    write_rows(bad / "crimes.csv", table)
    with pytest.raises(data.DataError) as caught:
        data.load(bad)
    lines = [m for m in caught.value.problems if "crimes.csv" in m]
    assert len(lines) <= 25 and any("more rows" in m for m in lines)


def test_the_rules_section_of_data_readme_is_the_one_generated_from_the_schemas():
    from wardstudy import paths
    from wardstudy.data.schemas import rules_markdown

    readme = (paths.data_dir() / "README.md").read_text(encoding="utf-8")
    start = readme.index("-->\n", readme.index("<!-- generated by wardstudy.data.schemas.rules_markdown()")) + 4
    end = readme.index("<!-- end of generated rules -->")
    assert readme[start:end].rstrip() == rules_markdown().rstrip()


def test_every_predecessor_in_the_crosswalk_has_its_code_so_phong_quang_can_be_complete():
    from wardstudy.data import crosswalk

    table = crosswalk.load_crosswalk()
    assert table["old_code"].notna().all() and table["old_code"].str.fullmatch(r"\d{5}").all()
    # Đôn Phong, huyện Bạch Thông: 01984 in the GSO list of 2025-01-04 (vietnam-provinces 0.6.0).
    assert crosswalk.unit_at("01984", "2025-06")["slug"] == "don-phong"
    assert crosswalk.unit_at("01984", "2024-01")["name"] == "Đôn Phong"
    # With records for both predecessors, Phong Quang is complete: 3 + 4 tips received.
    tips = pd.DataFrame({"ward": ["duong-quang", "don-phong"], "month": ["2024-03"] * 2,
                         "received": [3, 4], "handled": [3, 2]})
    merged = crosswalk.aggregate_to_new_units(tips)
    assert merged[["ward", "received", "handled"]].values.tolist() == [["phong-quang-2025", 7, 5]]
