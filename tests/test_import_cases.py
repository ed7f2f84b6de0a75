"""`wardstudy import` as its users meet it (issue 21): an officer filling a workbook by hand, a
statistician merging many. One test per case: no import deletes a source or an unrelated file,
no sheet, table, column or row disappears without the summary saying so, "3.000" is never 3.

Workbooks are made with openpyxl the way a person edits one: the template, then cells typed,
sheets renamed or copied, columns inserted, rows added above the header.
"""

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
from wardstudy.data.messages import CATALOGUE
from wardstudy.data.submissions import BACKUP_FOLDER, import_submissions
from wardstudy.data.workbook import make_template
from workbook_helpers import fill, one_ward

runner = CliRunner()


def run(*args, lang="en"):
    return runner.invoke(app, [*map(str, args), "--lang", lang])


def tree(folder: Path) -> dict[str, bytes]:
    """Every file below `folder` with its bytes (what a user would miss)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def edit(book: Path, change) -> Path:
    opened = load_workbook(book)
    change(opened)
    opened.save(book)
    return book


@pytest.fixture
def january(tmp_path) -> Path:
    """A data folder holding Đức Xuân's January 2023 (imported), units.csv, and a user's own files."""
    book, _, _ = make_template(tmp_path / "jan.xlsx", wards=["duc-xuan"], first="2023-01", last="2023-01")
    folder = tmp_path / "data"
    import_submissions([fill(book)], folder)
    shutil.copy(paths.reference_dir() / "units.csv", folder / "units.csv")
    (folder / "ghi-chu.docx").write_bytes(b"notes")
    (folder / "returned").mkdir()
    shutil.copy(book, folder / "returned" / "jan.xlsx")
    return folder


def february(tmp_path: Path, change=None) -> Path:
    book, _, _ = make_template(tmp_path / "feb.xlsx", wards=["duc-xuan"], first="2023-02", last="2023-02")
    return fill(book, change=change)


# --- 1. Nothing the user did not ask to lose ------------------------------------------------


def test_out_that_is_a_source_is_refused_and_its_workbooks_stay(tmp_path):
    returned = tmp_path / "returned"
    returned.mkdir()
    one_ward(returned, "a.xlsx"), one_ward(returned, "b.xlsx")
    before = tree(returned)
    result = run("import", returned, "--out", returned, "--replace")
    assert result.exit_code == 1
    assert "is both a source and where the import writes (--out)" in result.output
    assert tree(returned) == before


def test_a_workbook_kept_inside_the_data_folder_survives_an_import_into_it(january, tmp_path):
    before = (january / "returned" / "jan.xlsx").read_bytes()
    result = run("import", january / "returned" / "jan.xlsx", "--out", january, "--replace")
    assert result.exit_code == 0, result.output
    assert (january / "returned" / "jan.xlsx").read_bytes() == before
    assert (january / "ghi-chu.docx").read_bytes() == b"notes"


def test_the_working_folder_and_a_home_folder_are_refused_as_out(tmp_path, monkeypatch):
    one_ward(tmp_path, "x.xlsx")
    (tmp_path / "report.docx").write_bytes(b"mine")
    monkeypatch.chdir(tmp_path)
    before = tree(tmp_path)
    for out in [".", tmp_path.parent, Path.home()]:
        result = run("import", "x.xlsx", "--out", out, "--replace")
        assert result.exit_code == 1, (out, result.output)
        assert "import does not write there" in result.output
    assert tree(tmp_path) == before


def test_a_new_month_is_merged_beside_the_old_and_every_other_file_is_kept(january, tmp_path):
    tables = tuple(f"{t}.csv" for t in data.RECORD_TABLES)
    kept = {name: content for name, content in tree(january).items() if not name.endswith(tables) or "/" in name}
    result = run("import", february(tmp_path), "--out", january)
    assert result.exit_code == 0, result.output
    assert data.read_raw(january / "tips.csv")["month"].tolist() == ["2023-01", "2023-02"]
    after = tree(january)
    assert all(after[name] == content for name, content in kept.items())  # units.csv, docx, returned/
    assert "Merged into" in result.output and not (january / BACKUP_FOLDER).exists() or \
        any((january / BACKUP_FOLDER).rglob("tips.csv"))
    # The old tables were overwritten (a month added), so a copy of each is kept.
    backups = list((january / BACKUP_FOLDER).rglob("tips.csv"))
    assert len(backups) == 1 and data.read_raw(backups[0])["month"].tolist() == ["2023-01"]


def test_naming_the_data_folder_as_a_source_of_itself_is_refused_with_the_fix(january, tmp_path):
    before = tree(january)
    result = run("import", january, february(tmp_path), "--out", january)
    assert result.exit_code == 1
    assert "name only the new workbooks, e.g. wardstudy import feb.xlsx --out" in result.output
    assert tree(january) == before


def test_a_differing_record_is_refused_unless_replace_and_then_named(january, tmp_path):
    # January again, with 9 tips handled instead of the recorded 10.
    book, _, _ = make_template(tmp_path / "fix.xlsx", wards=["duc-xuan"], first="2023-01", last="2023-01")
    fill(book, change=lambda sheet, key, column, value: 9 if (sheet, column) == ("tips", "handled") else value)
    before = tree(january)
    refused = run("import", book, "--out", january)
    assert refused.exit_code == 1 and tree(january) == before
    assert ('column "handled": 9 (cell D3) differs from the record already in tips.csv, row 2 (10), for '
            'ward + month "duc-xuan", "2023-01": pass --replace') in refused.output
    dry = run("import", book, "--out", january, "--replace", "--dry-run")
    assert dry.exit_code == 0 and tree(january) == before
    assert "Dry run (--dry-run): nothing written" in dry.output
    assert 'tips: "duc-xuan", "2023-01", column handled: 10 → 9' in dry.output
    done = run("import", book, "--out", january, "--replace")
    assert done.exit_code == 0, done.output
    assert data.read_raw(january / "tips.csv")["handled"].tolist() == ["9"]
    assert re.search(r"tips +added +0 +unchanged +0 +replaced +1 ", done.output), done.output
    assert len(list((january / BACKUP_FOLDER).rglob("tips.csv"))) == 1


def test_importing_the_same_records_again_changes_nothing(january, tmp_path):
    before = tree(january)
    result = run("import", january / "returned" / "jan.xlsx", "--out", january)
    assert result.exit_code == 0, result.output
    assert "Nothing changed" in result.output and tree(january) == before


# --- 2. Nothing dropped in silence ----------------------------------------------------------


@pytest.mark.parametrize("title", ["Tin báo", "tips (2)"])
def test_a_sheet_holding_records_under_another_name_is_refused_naming_it(tmp_path, title):
    def rename_or_copy(book):
        if title == "tips (2)":
            book.copy_worksheet(book["tips"]).title = title
        else:
            book["tips"].title = title
    book = edit(one_ward(tmp_path, "renamed.xlsx"), rename_or_copy)
    other = one_ward(tmp_path, "other.xlsx")
    result = run("import", other, book, "--out", tmp_path / "out")
    assert result.exit_code == 1 and not (tmp_path / "out").exists()
    assert f'renamed.xlsx, sheet "{title}": holds records (columns ward, month) but its sheet name is not' \
        in result.output


def test_a_notes_sheet_and_the_templates_sheets_are_listed_as_ignored(tmp_path):
    book = edit(one_ward(tmp_path, "notes.xlsx"), lambda b: b.create_sheet("Ghi chú").append(["Người lập: Hà"]))
    result = run("import", book, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert 'ignored  notes.xlsx, sheet "Ghi chú" (not a record table' in result.output.replace(str(tmp_path) + "/", "")
    assert 'sheet "huong_dan" (the template\'s instructions or lists)' in result.output


def test_a_folder_is_read_whatever_the_case_and_in_subfolders_and_other_spreadsheets_are_refused(tmp_path):
    folder = tmp_path / "returned"
    (folder / "may").mkdir(parents=True)
    one_ward(tmp_path, "a.xlsx").rename(folder / "A.XLSX")
    shutil.copy(folder / "A.XLSX", folder / "may" / "b.xlsx")
    (folder / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (folder / "calc.ods").write_bytes(b"PK")
    (folder / "~$A.XLSX").write_bytes(b"lock")
    (folder / "readme.txt").write_text("hi")
    result = run("import", folder, "--out", tmp_path / "out")
    assert result.exit_code == 1
    output = result.output.replace(str(folder) + "/", "")
    assert "old.xls: is a .xls file, which import cannot read: open it and save it as an Excel Workbook" in output
    assert "calc.ods: is a .ods file" in output
    (folder / "old.xls").unlink(), (folder / "calc.ods").unlink()
    result = run("import", folder, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    output = result.output.replace(str(folder) + "/", "")
    assert 'read     A.XLSX, sheet "tips"' in output and 'read     may/b.xlsx, sheet "tips"' in output
    assert "ignored  ~$A.XLSX (Excel's lock file" in output and "ignored  readme.txt (not a table" in output


def test_a_table_in_a_folder_that_cannot_be_read_is_reported_not_dropped(tmp_path):
    folder = tmp_path / "tables"
    shutil.copytree(paths.synthetic_dir(), folder)
    text = (folder / "tips.csv").read_text(encoding="utf-8")
    (folder / "tips.csv").write_bytes(text.encode("utf-16"))
    result = run("import", folder, "--out", tmp_path / "out")
    assert result.exit_code == 1 and not (tmp_path / "out").exists()
    assert "tips.csv: is encoded as UTF-16" in result.output


@pytest.mark.parametrize("dimension", ["A1", "A1:D5"])
def test_a_workbook_with_a_stale_stored_dimension_reads_every_row(tmp_path, dimension):
    """Other programs leave a wrong <dimension> in the sheet's XML; openpyxl's read-only mode trusted it."""
    import re
    import zipfile

    book, _, _ = make_template(tmp_path / "dim.xlsx", wards=["duc-xuan"], first="2023-01", last="2023-12")
    fill(book)
    stale = tmp_path / "stale.xlsx"
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(stale, "w") as target:
        titles = re.findall(rb'<sheet [^>]*name="([^"]+)"', source.read("xl/workbook.xml"))
        tips = f"xl/worksheets/sheet{titles.index(b'tips') + 1}.xml"
        for item in source.infolist():
            content = source.read(item)
            if item.filename == tips:
                content = re.sub(rb'<dimension ref="[^"]*"/>', f'<dimension ref="{dimension}"/>'.encode(), content)
            target.writestr(item, content)
    done = import_submissions([stale], tmp_path / "out")
    assert done.rows["tips"] == 12


def test_the_summary_lists_every_workbook_read(tmp_path):
    books = [one_ward(tmp_path, f"ward{i}.xlsx") for i in range(3)]
    result = run("import", *books, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    for book in books:
        assert f'read     {book}, sheet "crimes"' in result.output


# --- 3. Numbers kept as typed ---------------------------------------------------------------


@pytest.mark.parametrize("typed", ["3.000", "3,000", "3 000"])
def test_a_count_with_a_thousands_separator_is_refused_never_divided(tmp_path, typed):
    book = edit(one_ward(tmp_path, "dots.xlsx"), lambda b: b["procedures"].cell(row=3, column=3, value=typed))
    result = run("import", book, "--out", tmp_path / "out")
    assert result.exit_code == 1 and not (tmp_path / "out").exists()
    assert f'column "total": {typed if typed == "3.000" else repr(typed).replace(chr(39), chr(34))} is not a ' \
           "whole number (counts are whole numbers such as 12, typed without a thousands separator: 3000, not " \
           "3.000 or 3,000)" in result.output


def test_a_program_written_whole_number_is_still_read():
    from wardstudy.data.schemas import _WHOLE
    import re

    assert re.fullmatch(_WHOLE, "3.0") and re.fullmatch(_WHOLE, "12.00") and not re.fullmatch(_WHOLE, "3.000")


def test_a_header_spelled_differently_is_matched_not_dropped(tmp_path):
    def retype(book):
        for cell in book["crimes"][1]:
            if cell.value == "solved":
                cell.value = "Solved"
            if cell.value == "count":
                cell.value = " Count "
        for row in book["crimes"].iter_rows(min_row=3):
            row[4].value = 0  # solved, column E: none solved (a part of count, which may be 0)
    book = edit(one_ward(tmp_path, "solved.xlsx"), retype)
    import_submissions([book], tmp_path / "out")
    crimes = data.read_raw(tmp_path / "out" / "crimes.csv")
    assert crimes["solved"].tolist() == ["0"] * 10


def test_duplicate_and_blank_headers_are_named_by_file_sheet_and_cells(tmp_path):
    def insert(book):
        sheet = book["tips"]
        sheet["E1"], sheet["E3"] = "received", 4   # a second "received"
        sheet["G3"] = 5                            # a value under no header
    book = edit(one_ward(tmp_path, "dup.xlsx"), insert)
    result = run("import", book, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert 'columns C and E both have the header "received" (row 1 of sheet "tips")' in result.output
    assert 'column G holds values (from row 3) but has no header in row 1 of sheet "tips"' in result.output


def test_a_title_typed_above_the_header_is_refused_with_the_fix(tmp_path):
    def title(book):
        book["tips"].insert_rows(1, 2)
        book["tips"]["A1"] = "BÁO CÁO THÁNG 1-2/2023"
    book = edit(one_ward(tmp_path, "title.xlsx"), title)
    result = run("import", book, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert 'the header of sheet "tips" is in row 3, below row 1 ("BÁO CÁO THÁNG 1-2/2023"): delete the rows ' \
           "above the header" in result.output
    assert result.output.count("is missing") == 0


def test_a_semicolon_separated_csv_is_read(tmp_path):
    folder = tmp_path / "tables"
    shutil.copytree(paths.synthetic_dir(), folder)
    text = (folder / "tips.csv").read_text(encoding="utf-8")
    (folder / "tips.csv").write_text(text.replace(",", ";"), encoding="utf-8")
    done = import_submissions([folder], tmp_path / "out")
    assert done.rows["tips"] == 8 * 54 + 3 * 6


# --- 4. Blank, zero and "not reported" ------------------------------------------------------


def test_a_blank_crime_category_beside_filled_ones_is_refused_not_read_as_not_reported(tmp_path):
    def blank(book):
        sheet = book["crimes"]
        for row in sheet.iter_rows(min_row=3):
            if row[1].value == "2023-01" and row[2].value == "drugs":
                row[3].value = row[4].value = None  # count and solved: the whole row
    book = edit(one_ward(tmp_path, "blank.xlsx"), blank)
    result = run("import", book, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert 'column "count": is blank while other categories of duc-xuan 2023-01 are filled: write 0 if there ' \
           "were none" in result.output


def test_blank_criteria_beside_met_ones_are_refused(tmp_path):
    def blank(book):
        for row in (5, 6):  # C03 and C04 of 2023 (rows 3-24 are C01-C22)
            book["criteria_assessments"][f"E{row}"] = None
    book = edit(one_ward(tmp_path, "crit.xlsx"), blank)
    result = run("import", book, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert result.output.count("is blank while other criteria of duc-xuan 2023 are filled") == 2


def test_the_summary_names_the_months_left_blank(tmp_path):
    def blank(book):
        for column in "CD":
            book["tips"][f"{column}4"] = None
    done = import_submissions([edit(one_ward(tmp_path, "nov.xlsx"), blank)], tmp_path / "out")
    assert done.changes["tips"].blank == [("duc-xuan", "2023-02")]
    assert "  tips: duc-xuan 2023-02" in done.text()


# --- 5. The officer's language --------------------------------------------------------------


def test_messages_are_vietnamese_by_default_and_english_on_request(tmp_path):
    book = edit(one_ward(tmp_path, "vi.xlsx"), lambda b: b["tips"].cell(row=3, column=3, value="abc"))
    vi = runner.invoke(app, ["import", str(book), "--out", str(tmp_path / "out")])
    assert vi.exit_code == 1
    assert 'dòng 3, cột "received": "abc" không phải số nguyên' in vi.output
    assert "1 lỗi: không có gì được ghi" in vi.output
    assert "is not a whole number" in run("import", book, "--out", tmp_path / "out").output


def test_every_message_has_both_languages_with_the_same_fields():
    import string

    for key, texts in CATALOGUE.items():
        assert set(texts) == {"vi", "en"}, key
        fields = [{f for _, f, _, _ in string.Formatter().parse(texts[lang]) if f} for lang in ("vi", "en")]
        assert fields[0] == fields[1], key


def test_an_old_unit_after_the_merger_is_refused_naming_its_successor(tmp_path):
    book, _, _ = make_template(tmp_path / "late.xlsx", wards=["song-cau"], first="2025-06", last="2025-06")
    fill(book)
    edit(book, lambda b: b["tips"].append(["song-cau", "2025-07", 3, 3]))
    with pytest.raises(data.DataError) as caught:
        import_submissions([book], tmp_path / "out")
    assert any('"2025-07" is after unit song-cau ceased to exist' in p and "its successor bac-kan-2025 (Bắc Kạn)" in p
               for p in caught.value.problems), caught.value.problems


def test_a_name_far_from_every_unit_gets_no_suggestion():
    from wardstudy.data.names import WardResolver

    resolver = WardResolver.from_units(pd.read_csv(paths.reference_dir() / "units.csv", dtype=str))
    assert resolver.closest("Phường Hàng Bạc") == []
    assert resolver.closest("Song Cuo")[0] == "song-cau"


def test_excel_lock_files_given_by_a_glob_are_skipped_and_listed(tmp_path):
    book = one_ward(tmp_path, "x.xlsx")
    (tmp_path / "~$x.xlsx").write_bytes(b"lock")
    result = run("import", tmp_path / "~$x.xlsx", book, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "ignored" in result.output and "Excel's lock file" in result.output


def test_the_encoding_message_gives_only_fixes_the_command_has(tmp_path):
    folder = tmp_path / "tables"
    shutil.copytree(paths.synthetic_dir(), folder)
    units = (paths.reference_dir() / "units.csv").read_text(encoding="utf-8")
    (folder / "units.csv").write_bytes(units.encode("cp1258", errors="replace"))
    result = runner.invoke(app, ["validate", str(folder), "--lang", "en"])
    assert result.exit_code == 1 and "is not UTF-8 text" in result.output
    assert "pass its encoding" not in result.output and "CSV UTF-8" in result.output


# --- 7. Templates ---------------------------------------------------------------------------


def test_the_default_template_covers_the_new_units_to_2025_12(tmp_path):
    result = runner.invoke(app, ["template", "--out", str(tmp_path / "all.xlsx"), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "2021-01 to 2025-12" in result.output
    tips = load_workbook(tmp_path / "all.xlsx", read_only=True)["tips"]
    assert ("duc-xuan-2025", "2025-12") in {(r[0], r[1]) for r in tips.iter_rows(min_row=3, values_only=True)}


def test_a_template_with_no_row_to_fill_is_refused(tmp_path):
    result = runner.invoke(app, ["template", "--out", str(tmp_path / "e.xlsx"), "--ward", "duc-xuan-2025",
                                 "--from", "2024-01", "--to", "2024-12", "--lang", "en"])
    assert result.exit_code == 1 and not (tmp_path / "e.xlsx").exists()
    assert "the template has no row to fill: no unit existed from 2024-01 to 2024-12: duc-xuan-2025 (2025-07-01 – …)" \
        in result.output


def test_a_template_filled_from_a_data_folder_imports_back_changing_nothing(tmp_path):
    folder = shutil.copytree(paths.synthetic_dir(), tmp_path / "data")
    before = tree(folder)
    book = tmp_path / "back.xlsx"
    result = runner.invoke(app, ["template", "--out", str(book), "--from-data", str(folder), "--ward", "duc-xuan",
                                 "--from", "2024-01", "--to", "2024-12"])
    assert result.exit_code == 0, result.output
    tips = load_workbook(book, read_only=True)["tips"]
    shipped = pd.read_csv(folder / "tips.csv", dtype=str).query("ward == 'duc-xuan' and month == '2024-03'")
    row = next(r for r in tips.iter_rows(min_row=3, values_only=True) if r[1] == "2024-03")
    assert [str(v) for v in row[2:4]] == shipped[["received", "handled"]].values[0].tolist()
    result = run("import", book, "--out", folder)
    assert result.exit_code == 0, result.output
    assert "Nothing changed" in result.output and tree(folder) == before


# --- 6. One ward's own data gives its own page ----------------------------------------------


def test_one_wards_workbook_imported_alone_gives_a_data_folder_that_builds(tmp_path):
    """The build's part of case 6 (its page's wording is tested in tests/test_impact_one_ward.py)."""
    from wardstudy.pipeline.build import ensure_build

    book, _, _ = make_template(tmp_path / "own.xlsx", wards=["duc-xuan"], first="2022-01", last="2023-12")
    import_submissions([fill(book)], tmp_path / "own")
    build = ensure_build(tmp_path / "own", impact=True)
    designs = build.read("impact_designs")
    row = designs[(designs["ward"] == "duc-xuan") & (designs["year"] == 2023)]
    assert not row.empty and "no comparison unit" in " ".join(row["note"].astype(str))


def test_one_wards_corrected_workbook_merged_into_the_shipped_folder_changes_only_its_figures(tmp_path):
    """The done-when of issue 21: Đức Xuân's office corrects March 2024 (one tip fewer handled);
    merged into a copy of the shipped folder, only Đức Xuân's 2024 figures move."""
    from wardstudy.indicators.registry import all_indicators

    folder = shutil.copytree(paths.synthetic_dir(), tmp_path / "data")
    book, _, _ = make_template(tmp_path / "dx.xlsx", wards=["duc-xuan"], first="2024-01", last="2024-12",
                               from_data=folder)
    shipped = pd.read_csv(folder / "tips.csv").query("ward == 'duc-xuan' and month == '2024-03'").iloc[0]
    edit(book, lambda b: b["tips"].cell(row=5, column=4, value=int(shipped["handled"]) - 1))  # row 5: March
    result = run("import", book, "--out", folder, "--replace")
    assert result.exit_code == 0, result.output
    assert re.search(r"tips +added +0 +unchanged +11 +replaced +1 ", result.output), result.output
    key = ["ward", "year", "indicator"]
    before = all_indicators(data.load()).set_index(key)["value"]
    after = all_indicators(data.load(folder)).set_index(key)["value"]
    moved = before.index[~((before == after.reindex(before.index)) | (before.isna() & after.reindex(before.index).isna()))]
    assert sorted(set(moved.get_level_values("ward"))) == ["duc-xuan"]
    assert set(moved.get_level_values("year")) == {2024}
    assert "tips_handled_share" in set(moved.get_level_values("indicator"))


# --- Found by trying it as its users (a tester's session) -----------------------------------


def test_folders_typed_at_the_prompt_are_where_the_person_is(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["template", "--out", "t.xlsx", "--from-data", "data/synthetic", "--lang", "en"])
    assert result.exit_code == 1 and not (tmp_path / "t.xlsx").exists()  # not the project's data/synthetic
    assert f"{tmp_path}/data/synthetic" in result.output
    shutil.copytree(paths.synthetic_dir(), tmp_path / "mine")
    assert runner.invoke(app, ["validate", "mine", "--lang", "en"]).exit_code == 0


def test_a_deleted_crime_row_or_criterion_is_refused_and_a_deleted_month_is_named(tmp_path):
    def delete(book):
        crimes = book["crimes"]
        row = next(r[0].row for r in crimes.iter_rows(min_row=3) if r[1].value == "2023-01" and r[2].value == "drugs")
        crimes.delete_rows(row)
        book["criteria_assessments"].delete_rows(24)  # C22 of 2023
    result = run("import", edit(one_ward(tmp_path, "del.xlsx"), delete), "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert "duc-xuan 2023-01 has no row for categories drugs (a deleted row?)" in result.output
    assert "duc-xuan 2023 has no row for criteria C22 (a deleted row?)" in result.output
    book, _, _ = make_template(tmp_path / "gap.xlsx", wards=["duc-xuan"], first="2023-01", last="2023-03")
    fill(book)
    edit(book, lambda b: b["tips"].delete_rows(4))  # February's tips row deleted
    done = import_submissions([book], tmp_path / "out")
    assert done.changes["tips"].absent == [("duc-xuan", "2023-02")]
    assert "  tips: duc-xuan 2023-02" in done.text().split("No row at all")[1]


def test_a_full_width_digit_is_refused_by_the_dry_run_as_by_the_real_run(tmp_path):
    book = edit(one_ward(tmp_path, "wide.xlsx"), lambda b: b["tips"].cell(row=3, column=3, value="４"))
    for extra in (["--dry-run"], []):
        result = run("import", book, "--out", tmp_path / "out", *extra)
        assert result.exit_code == 1 and '"４" is not a whole number' in result.output, result.output


def test_a_rule_between_tables_is_found_by_the_dry_run_and_names_the_table_not_a_temporary_folder(tmp_path):
    def scheme(book):
        for row in book["criteria_assessments"].iter_rows(min_row=3):
            row[2].value = "bca-2024-20"
    book = edit(one_ward(tmp_path, "scheme.xlsx"), scheme)
    result = run("import", book, "--out", tmp_path / "out", "--dry-run")
    assert result.exit_code == 1 and not (tmp_path / "out").exists()
    assert f"{tmp_path / 'out' / 'criteria_assessments.csv'}" in result.output and ".tmp" not in result.output
    assert "(in the table as merged)" in result.output


def test_a_note_column_is_listed_as_not_imported(tmp_path):
    book = edit(one_ward(tmp_path, "note.xlsx"), lambda b: (b["tips"].cell(row=1, column=5, value="ghi chú"),
                                                           b["tips"].cell(row=3, column=5, value="số liệu tạm")))
    result = run("import", book, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert 'sheet "tips", column "ghi chú" (E) (not a column of table tips: not imported)' in result.output


def test_a_scheme_given_on_one_row_is_not_told_to_write_zero(tmp_path):
    book = edit(one_ward(tmp_path, "one.xlsx"), lambda b: b["criteria_assessments"].cell(row=3, column=3,
                                                                                         value="qd5764-22"))
    result = run("import", book, "--out", tmp_path / "out")
    assert "write 0" not in result.output and result.exit_code == 0, result.output


def test_the_shipped_data_folders_are_refused_as_out(tmp_path):
    before = tree(paths.synthetic_dir())
    result = run("import", one_ward(tmp_path, "x.xlsx"), "--out", paths.synthetic_dir())
    assert result.exit_code == 1 and "is the project's shipped data" in result.output
    assert tree(paths.synthetic_dir()) == before


def test_the_successor_is_named_in_vietnamese_too(tmp_path):
    book, _, _ = make_template(tmp_path / "late.xlsx", wards=["song-cau"], first="2025-06", last="2025-06")
    edit(fill(book), lambda b: b["tips"].append(["song-cau", "2025-07", 3, 3]))
    result = runner.invoke(app, ["import", str(book), "--out", str(tmp_path / "out")])
    assert "số liệu sau đó thuộc đơn vị kế thừa bac-kan-2025 (Bắc Kạn)" in result.output, result.output
