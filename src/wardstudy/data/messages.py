"""The words the data tools say to a person, in Vietnamese and English (`wardstudy import`,
`template`, `validate`).

A ward police officer runs these commands from the workbook's Vietnamese instructions, so the
commands speak Vietnamese by default (``--lang en`` for English). Every message lives here
once per language, under a key; `say` picks the language of the current command
(`use_language`). A test checks that both languages have every key and the same fields.

Rules that the schemas write (`wardstudy.data.schemas`) are English at their source, where
tests and the API read them; `problem_text` gives a problem in the command's language,
translating the rules a person meets most (`RULES_VI`) and the words around them.

>>> with use_language("vi"):
...     say("status_read")
'đã đọc'
>>> say("status_read")
'read'
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = ["LANGUAGES", "CATALOGUE", "RULES_VI", "use_language", "language", "say", "problem_rule",
           "problem_text"]

LANGUAGES = ("vi", "en")
# The library speaks English unless a command asks otherwise: tests and researchers read the
# API's messages; the officer's commands set Vietnamese.
_LANGUAGE: ContextVar[str] = ContextVar("wardstudy_language", default="en")

CATALOGUE: dict[str, dict[str, str]] = {
    # What happened to each file and sheet an import was given.
    "status_read": {"vi": "đã đọc", "en": "read"},
    "status_ignored": {"vi": "bỏ qua", "en": "ignored"},
    "status_refused": {"vi": "bị từ chối", "en": "refused"},
    "files_heading": {"vi": "Tệp và trang tính ({n}):", "en": "Files and sheets ({n}):"},
    "sheet": {"vi": '{file}, trang "{sheet}"', "en": '{file}, sheet "{sheet}"'},
    "why_template_sheet": {"vi": "trang hướng dẫn hoặc danh mục của mẫu", "en": "the template's instructions or lists"},
    "why_empty_sheet": {"vi": "trang trống", "en": "empty sheet"},
    "why_not_records": {"vi": "không phải bảng số liệu (dòng đầu không có cột nào của bảng số liệu)",
                        "en": "not a record table (its first row has no column of one)"},
    "why_lock_file": {"vi": "tệp khóa của Excel (tệp đang mở trong Excel)",
                      "en": "Excel's lock file (the workbook is open in Excel)"},
    "why_reference": {"vi": "bảng tham chiếu: lệnh import chỉ đọc số liệu (dùng --data-dir cho bảng tham chiếu)",
                      "en": "a reference table: import reads records only (use --data-dir for reference tables)"},
    "why_not_table": {"vi": "không phải bảng số liệu (.xlsx hoặc .csv)", "en": "not a table (.xlsx or .csv)"},
    "why_hidden": {"vi": "tệp hoặc thư mục ẩn", "en": "a hidden file or folder"},
    "why_table_sheet_name": {"vi": "đọc như bảng {table}", "en": "read as table {table}"},
    # Refusals: what is wrong and the fix.
    "old_format": {"vi": "là định dạng {suffix}, lệnh import không đọc được: mở tệp và lưu lại dạng "
                         "Excel Workbook (.xlsx)",
                   "en": "is a {suffix} file, which import cannot read: open it and save it as an Excel "
                         "Workbook (.xlsx)"},
    "not_a_source": {"vi": "không phải sổ tính (.xlsx), bảng số liệu ({tables} dạng .csv) hay thư mục",
                     "en": "is neither a workbook (.xlsx), a record table ({tables} as .csv) nor a folder"},
    "missing_source": {"vi": "không tồn tại", "en": "does not exist"},
    "stray_records": {"vi": "có số liệu (các cột {columns}) nhưng tên {what} không phải tên bảng nào của mẫu "
                            "({tables}): chép các dòng vào {target} rồi xóa {what} này, hoặc đổi tên",
                      "en": "holds records (columns {columns}) but its {what} is not one of the template's "
                            "tables ({tables}): copy its rows into {target} and delete it, or rename it"},
    "what_sheet": {"vi": "trang", "en": "sheet name"},
    "what_file": {"vi": "tệp", "en": "file name"},
    "target_sheet": {"vi": 'trang "{table}"', "en": 'sheet "{table}"'},
    "target_file": {"vi": "tệp {table}.csv", "en": "file {table}.csv"},
    "target_any": {"vi": "trang của bảng tương ứng", "en": "the sheet of its table"},
    "no_record_sheet": {"vi": "không có trang nào mang tên bảng số liệu ({tables}); tạo sổ bằng "
                              "`wardstudy template`",
                        "en": "has no sheet named as a record table ({tables}); make one with `wardstudy template`"},
    "ambiguous_files": {"vi": "có cả {files}: không rõ dùng tệp nào, hãy giữ một",
                        "en": "holds both {files}: ambiguous, keep one"},
    "out_is_file": {"vi": "đã có và là một tệp, không phải thư mục: chọn thư mục khác cho --out",
                    "en": "exists and is a file, not a folder: choose another folder for --out"},
    "out_is_home": {"vi": "là {what}: lệnh import không ghi vào đó; đặt --out là một thư mục số liệu riêng "
                          "(ví dụ data/real)",
                    "en": "is {what}: import does not write there; give --out a data folder of its own "
                          "(e.g. data/real)"},
    "out_is_shipped": {"vi": "là số liệu đi kèm dự án (giả lập hoặc tham chiếu): không gộp số liệu thật vào đó; "
                             "chép thư mục ra chỗ khác rồi nhập vào bản chép",
                       "en": "is the project's shipped data (synthetic or reference): real records are not merged "
                             "into it; copy the folder and import into the copy"},
    "what_cwd": {"vi": "thư mục đang làm việc (hoặc thư mục chứa nó)",
                 "en": "the working folder (or a folder above it)"},
    "what_home": {"vi": "thư mục cá nhân (home) hoặc thư mục gốc", "en": "a home folder or the root folder"},
    "out_is_source": {"vi": "vừa là nguồn vừa là nơi ghi (--out): số liệu có sẵn trong thư mục --out luôn "
                            "được giữ và gộp, nên chỉ cần nêu các sổ mới, ví dụ: wardstudy import thang2.xlsx "
                            "--out {out}",
                      "en": "is both a source and where the import writes (--out): the records already in the "
                            "--out folder are always kept and merged, so name only the new workbooks, e.g. "
                            "wardstudy import feb.xlsx --out {out}"},
    "out_table_xlsx": {"vi": "là bảng dạng .xlsx: lệnh import ghi bảng dạng .csv và không ghi đè tệp này; "
                             "gộp vào một thư mục mới, hoặc lưu bảng thành {table}.csv",
                       "en": "is a table in .xlsx: import writes tables as .csv and does not overwrite this "
                             "file; import into a new folder, or save the table as {table}.csv"},
    "out_has_problems": {"vi": "thư mục nhận số liệu (--out) có lỗi ở trên: sửa trước (kiểm tra bằng "
                               "wardstudy validate {out}), không có gì được ghi",
                         "en": "the folder imported into (--out) has the problems above: fix them first "
                               "(wardstudy validate {out}); nothing was written"},
    "reference_differs": {"vi": "khác với {other}: lệnh import không ghi đè bảng tham chiếu đã có; bỏ "
                                "--data-dir hoặc sửa bằng tay",
                          "en": "differs from {other}: import never overwrites a reference table already "
                                "there; leave out --data-dir or reconcile them by hand"},
    "record_differs": {"vi": "{cell}khác với {other}, dòng {row}{other_cell}, nơi ghi {value}, cho {key} {record}: "
                             "một bản ghi nêu hai lần phải trùng nhau, hãy sửa một trong hai",
                       "en": "{cell}differs from {other}, row {row}{other_cell}, which gives {value}, for {key} "
                             "{record} (a record given twice must agree: correct one of the two)"},
    "record_replaces": {"vi": "{cell}khác với số đã có trong {other}, dòng {row} ({value}), cho {key} {record}: "
                              "thêm --replace để thay bản ghi cũ bằng số mới (--dry-run để xem trước mọi thay đổi)",
                        "en": "{cell}differs from the record already in {other}, row {row} ({value}), for {key} "
                              "{record}: pass --replace to replace the old record with the new value (--dry-run "
                              "lists every change first)"},
    "partial_group": {"vi": "để trống trong khi {others} khác của {ward} {period} đã điền: ghi 0 nếu không có "
                            "(để trống cả nhóm nghĩa là kỳ đó chưa báo cáo)",
                      "en": "is blank while other {others} of {ward} {period} are filled: write 0 if there were "
                            "none (a blank group means the period was not reported)"},
    "others_category": {"vi": "loại tội phạm", "en": "categories"},
    "others_criterion": {"vi": "tiêu chí", "en": "criteria"},
    "optional_blank_cell": {"vi": "ô trống trong khi cột này có số ở các dòng khác của nguồn: ghi 0 nếu không có, "
                                  "hoặc để trống cả cột nếu đơn vị không báo cáo chỉ tiêu này",
                            "en": "is blank while this source gives the column for its other rows: write 0 if "
                                  "none, or leave the whole column blank if the unit does not report it"},
    "table_missing": {"vi": "không nguồn nào có dòng đã điền của bảng {table!r} (trang hoặc tệp tên {table}); "
                            "thư mục số liệu cần mọi bảng",
                      "en": "no filled row of table {table!r} in any source (a sheet or file named {table}); "
                            "every record table is needed"},
    "group_lacks": {"vi": "{ward} {period} không có dòng cho {others} {missing} (dòng bị xóa?): thêm lại các dòng "
                          "(ghi 0 nếu không có), hoặc để trống mọi dòng của kỳ nếu chưa báo cáo",
                    "en": "{ward} {period} has no row for {others} {missing} (a deleted row?): add the rows back "
                          "(0 if none), or leave all the period's rows blank if it was not reported"},
    "in_merged_table": {"vi": "(trong bảng sau khi gộp)", "en": "(in the table as merged)"},
    "absent_heading": {"vi": "Không có dòng nào (coi là chưa báo cáo), giữa tháng đầu và tháng cuối của đơn vị:",
                       "en": "No row at all (taken as not reported), between the unit's first and last month given:"},
    "why_unknown_column": {"vi": "cột không thuộc bảng {table}: không nhập", "en": "not a column of table {table}: not imported"},
    "header_title": {"vi": "tiêu đề", "en": "title"},
    # The summary.
    "summary_created": {"vi": "Đã ghi thư mục mới {out}", "en": "Wrote the new folder {out}"},
    "summary_merged": {"vi": "Đã gộp vào {out} (các tệp khác trong thư mục được giữ nguyên)",
                       "en": "Merged into {out} (every other file in the folder kept)"},
    "summary_dry_run": {"vi": "Chạy thử (--dry-run): chưa ghi gì vào {out}. Nếu chạy thật:",
                        "en": "Dry run (--dry-run): nothing written to {out}. A real run would:"},
    "summary_nothing": {"vi": "Không có gì thay đổi: {out} đã có mọi bản ghi này",
                        "en": "Nothing changed: {out} already holds every one of these records"},
    "tables_heading": {"vi": "Theo bảng: số dòng thêm / không đổi / thay; số kỳ để trống (đơn vị × tháng hoặc năm)",
                       "en": "Per table: rows added / unchanged / replaced; periods left blank (unit × month or year)"},
    "table_line": {"vi": "  {table:<22} thêm {added:>6}  không đổi {unchanged:>6}  thay {replaced:>5}  để trống {blank:>4}",
                   "en": "  {table:<22} added {added:>6}  unchanged {unchanged:>6}  replaced {replaced:>5}  "
                         "blank {blank:>4}"},
    "blank_heading": {"vi": "Để trống, coi là chưa báo cáo và không nhập (cả dòng trống):",
                      "en": "Left blank, taken as not reported and not imported (whole rows blank):"},
    "replaced_heading": {"vi": "Bản ghi được thay:", "en": "Records replaced:"},
    "replaced_line": {"vi": "  {table}: {record}, cột {column}: {old} → {new}",
                      "en": "  {table}: {record}, column {column}: {old} → {new}"},
    "backup": {"vi": "Bản sao các bảng cũ trước khi ghi: {path}", "en": "Copies of the old tables before writing: {path}"},
    "problems_footer": {"vi": "{n} lỗi: không có gì được ghi. Sửa rồi chạy lại lệnh.",
                        "en": "{n} problem(s): nothing was written. Fix them and run the command again."},
    "validate_footer": {"vi": "{n} lỗi: sửa rồi chạy lại `wardstudy validate`.",
                        "en": "{n} problem(s): fix them and run `wardstudy validate` again."},
    "validate_ok": {"vi": "{folder}: mọi bảng đều đúng lược đồ", "en": "{folder}: all tables pass their schemas"},
    "template_written": {"vi": "Đã ghi {path} ({n} đơn vị, từ {first} đến {last})",
                         "en": "wrote {path} ({n} units, {first} to {last})"},
    "template_empty": {"vi": "mẫu không có dòng nào để điền: {why}; chọn đơn vị hoặc khoảng tháng khác",
                       "en": "the template has no row to fill: {why}; choose other units or months"},
    "why_no_unit": {"vi": "không chọn được đơn vị nào", "en": "no unit chosen"},
    "why_no_unit_alive": {"vi": "không đơn vị nào tồn tại từ {first} đến {last}: {units}",
                          "en": "no unit existed from {first} to {last}: {units}"},
    "province_unknown": {"vi": "tỉnh {province!r} không có đơn vị nào trong danh mục đơn vị",
                         "en": "province {province!r} has no unit in the units table"},
    "month_format": {"vi": "tháng {month!r} không đúng dạng YYYY-MM (ví dụ 2023-01)",
                     "en": "month {month!r} is not YYYY-MM (e.g. 2023-01)"},
    "month_outside": {"vi": "tháng {month} nằm ngoài thời kỳ nghiên cứu ({first} đến {last})",
                      "en": "month {month} is outside the study period ({first} to {last})"},
    "month_order": {"vi": "tháng đầu ({first}) sau tháng cuối ({last})",
                    "en": "the first month ({first}) is after the last ({last})"},
    "more": {"vi": "… và {n} dòng khác", "en": "… and {n} more"},
    # Problem locations.
    "row": {"vi": "dòng {n}", "en": "row {n}"},
    "column": {"vi": 'cột "{name}"', "en": 'column "{name}"'},
}

# The schema rules a person meets most, in Vietnamese: (pattern on the English rule, Vietnamese).
RULES_VI: list[tuple[str, str]] = [
    (r"is not a whole number \(.*", "không phải số nguyên (số liệu là số nguyên như 12, viết liền không dấu "
                                    "phân cách hàng nghìn: 3000, không viết 3.000 hay 3,000)"),
    (r"is not a month \(.*", "không phải tháng (ghi dạng YYYY-MM, ví dụ 2023-01)"),
    (r"empty cell \(a value is required\)", "ô trống (cần có giá trị)"),
    (r"is missing \(table (\w+) needs (.*)\)", r"bị thiếu (bảng \1 cần các cột \2)"),
    (r"is negative.*", "là số âm (số liệu phải >= 0)"),
    (r"is not a known unit; closest: (.*)", r"không phải đơn vị nào trong danh mục; gần nhất: \1"),
    (r"is not a known unit", "không phải đơn vị nào trong danh mục"),
    (r'is more than column "(\w+)" \(([^)]*)\) .*', r'lớn hơn cột "\1" (\2): số bộ phận không được lớn hơn số tổng'),
    (r"is after unit (\S+) ceased to exist \(valid to (\S+) in (\S+?); later records belong to its successor "
     r"(\S+ \(.*\))\)", r"sau ngày đơn vị \1 thôi tồn tại (đến \2 theo \3); số liệu sau đó thuộc đơn vị kế thừa \4"),
    (r"is after unit (\S+) ceased to exist \(valid to (\S+) in (\S+?)(; .*)?\)",
     r"sau ngày đơn vị \1 thôi tồn tại (đến \2 theo \3); số liệu từ 07/2025 thuộc đơn vị mới (xem bảng sắp xếp 2025)"),
    (r'the header of sheet "(.*)" is in row (\d+), below (.*) \("(.*)"\): delete the rows above the header .*',
     r'dòng tiêu đề cột của trang "\1" ở dòng \2, bên dưới \3 ("\4"): xóa các dòng phía trên (tên báo cáo) để '
     r"dòng mã cột là dòng đầu tiên"),
    (r"column (\S+) holds values \(from row (\d+)\) but has no header in (.*): write its column id, or delete "
     r"the column", r"cột \1 có số liệu (từ dòng \2) nhưng không có tên cột ở \3: ghi mã cột, hoặc xóa cột"),
    (r'columns (\S+) and (\S+) both have the header "(.*)" \((.*)\): keep one, or name each for its column',
     r'hai cột \1 và \2 cùng tên "\3" (\4): giữ một cột, hoặc đặt đúng tên cho từng cột'),
    (r'cell (\S+) of sheet "(.*)" holds a formula \((.*)\): type the value itself .*',
     r'ô \1 của trang "\2" chứa công thức (\3): ghi giá trị (Excel: Copy, rồi Paste Special > Values)'),
    (r'cells (\S+) of sheet "(.*)" are merged: .*',
     r'các ô \1 của trang "\2" bị gộp (merge): bỏ gộp và ghi giá trị vào từng ô'),
    (r"(.*) repeats row (\d+) \(one row per (.*)\)", r"\1 lặp lại dòng \2 (mỗi \3 chỉ một dòng)"),
    (r"is not true/false .*", "không phải đúng/sai (ghi 1 hoặc 0)"),
    (r"is not an allowed (\S+) \(allowed: (.*)\)", r"không phải giá trị cho phép của \1 (cho phép: \2)"),
    (r"is outside the study period \((\S+) to (\S+)\)", r"nằm ngoài thời kỳ nghiên cứu (\1 đến \2)"),
    (r"could be any of (.*) \(use the slug or the code\)", r"có thể là \1 (ghi mã slug hoặc mã TCTK)"),
    (r"could be any of (.*) \(use the slug, or give the month\)", r"có thể là \1 (ghi mã slug, hoặc nêu tháng)"),
    (r"is not a folder \(data folder does not exist\)", "không phải thư mục (thư mục số liệu không tồn tại)"),
    (r"is encoded as (\S+) .*", r"được mã hóa \1, không phải UTF-8: lưu lại dạng 'CSV UTF-8 (Comma delimited)'"),
    (r"is not UTF-8 text .*", "không phải văn bản UTF-8: lưu lại dạng 'CSV UTF-8' (hoặc iconv -f CP1258 -t UTF-8)"),
    (r"is before unit (\S+) existed \(valid from (\S+) in (\S+)\)", r"trước ngày đơn vị \1 được thành lập (từ \2 theo \3)"),
]


@contextmanager
def use_language(lang: str):
    """Speak `lang` ("vi" or "en") inside the block."""
    if lang not in LANGUAGES:
        raise ValueError(f"language {lang!r} must be one of {', '.join(LANGUAGES)}")
    token = _LANGUAGE.set(lang)
    try:
        yield
    finally:
        _LANGUAGE.reset(token)


def language() -> str:
    """The language of the current command."""
    return _LANGUAGE.get()


def say(message: str, **values) -> str:
    """The message `message` (its key) in the current language, with `values` filled in."""
    return CATALOGUE[message][_LANGUAGE.get()].format(**values)


def problem_rule(rule: str) -> str:
    """A schema rule (English at its source) in the current language, where `RULES_VI` knows it."""
    if _LANGUAGE.get() == "en":
        return rule
    for pattern, vietnamese in RULES_VI:
        if re.fullmatch(pattern, rule):
            return re.sub(pattern, vietnamese, rule)
    return rule


def problem_text(problem) -> str:
    """A `Problem` as its reader reads it: file, row, column, value and rule, in the current language."""
    if _LANGUAGE.get() == "en":
        return str(problem)
    from wardstudy.data.schemas import NO_VALUE, _show

    where = [problem.file]
    if problem.row is not None:
        where.append(say("row", n=problem.row))
    if problem.column is not None:
        where.append(say("column", name=problem.column))
    rule = problem_rule(problem.rule)
    what = rule if problem.value is NO_VALUE else f"{_show(problem.value)} {rule}"
    return f"{', '.join(where)}: {what}"
