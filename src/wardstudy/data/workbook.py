"""The data-entry workbook that ward police statisticians fill in (`wardstudy template`).

One ``.xlsx`` file: a sheet per record table, named by the table (``crimes``, ``tips``, ...,
``criteria_assessments``), whose row 1 holds the column ids of the schema and row 2 their
Vietnamese labels with the unit; from row 3 one row per ward and month (and crime
category; per ward, year and criterion for the assessments), with the key cells filled in
and the values left for the office to type. Excel's data validation keeps counts whole and
>= 0 (and a part below its whole: handled <= received, ...), wards and categories on their
lists. A ``danh_muc`` sheet lists the units, months and criteria the lists point at, and a
first sheet ``huong_dan`` says in Vietnamese what each column means, its unit and an example.

Tables and columns are read from `wardstudy.data.schemas.TABLES`, never retyped here: a
column added to a schema appears in the workbook (and a test fails until it has a
Vietnamese label in `LABELS_VI`). `wardstudy import` (`wardstudy.data.submissions`) reads
the filled workbook back.

>>> units = pd.DataFrame({"code": ["01840"], "name": ["Đức Xuân"], "slug": ["duc-xuan"],
...                       "type": ["phường"], "valid_from": [None], "valid_to": ["2025-06-30"]})
>>> book = template_workbook(units, ["2023-01", "2023-02"], ["C01", "C02"])
>>> sheet = book["tips"]
>>> [c.value for c in sheet[1]], [c.value for c in sheet[3]]
(['ward', 'month', 'received', 'handled'], ['duc-xuan', '2023-01', None, None])
>>> sheet["C2"].value
'Tin báo tiếp nhận (tin)'
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from itertools import product
from pathlib import Path

import pandas as pd

from wardstudy.data.messages import problem_rule, say
from wardstudy.data.names import fold
from wardstudy.data.read import RECORD_TABLES
from wardstudy.data.schemas import PERIOD_END, PERIOD_START, TABLES, Table
from wardstudy.files import atomic_write_bytes

__all__ = ["RECORD_SHEETS", "INSTRUCTIONS_SHEET", "LISTS_SHEET", "LABELS_VI", "TITLES_VI", "Label", "label_of",
           "months_between", "select_units", "template_columns", "header_labels", "template_rows",
           "template_workbook", "write_template", "make_template", "template_criteria"]

INSTRUCTIONS_SHEET = "huong_dan"
LISTS_SHEET = "danh_muc"
# The record tables: the sheets a workbook holds, each named by its table.
RECORD_SHEETS = list(RECORD_TABLES)


@dataclass(frozen=True)
class Label:
    """A column as a Vietnamese office reads it: short label, meaning, unit, an example."""

    label: str
    meaning: str
    unit: str = ""
    example: str = ""


LABELS_VI: dict[str, Label] = {
    "ward": Label("Đơn vị (phường/xã)", "Mã (slug) của phường, xã, xem trang danh_muc; cũng có thể ghi mã "
                  "Tổng cục Thống kê hoặc tên đơn vị", "", "duc-xuan"),
    "month": Label("Tháng", "Tháng báo cáo, ghi dạng năm-tháng (YYYY-MM)", "YYYY-MM", "2023-01"),
    "category": Label("Loại tội phạm", "social_order: trật tự xã hội; high_tech: sử dụng công nghệ cao; "
                      "drugs: ma túy; economic: kinh tế; environment: môi trường", "", "social_order"),
    "count": Label("Số vụ", "Số vụ phạm tội được ghi nhận trong tháng", "vụ", "3"),
    "received": Label("Tin báo tiếp nhận", "Số tin báo, tố giác tội phạm tiếp nhận trong tháng", "tin", "9"),
    "handled": Label("Tin báo đã giải quyết", "Số tin báo, tố giác tội phạm đã giải quyết theo quy định "
                     "(không lớn hơn số tiếp nhận)", "tin", "8"),
    "total": Label("Hồ sơ tiếp nhận", "Số hồ sơ thủ tục hành chính tiếp nhận trong tháng", "hồ sơ", "108"),
    "online": Label("Hồ sơ trực tuyến", "Số hồ sơ tiếp nhận qua Cổng dịch vụ công (không lớn hơn số tiếp nhận)",
                    "hồ sơ", "25"),
    "resolved": Label("Hồ sơ đã giải quyết", "Số hồ sơ đã giải quyết trong tháng (kể cả hồ sơ tiếp nhận "
                      "tháng trước)", "hồ sơ", "108"),
    "on_time": Label("Giải quyết đúng hạn", "Số hồ sơ giải quyết đúng hạn (không lớn hơn số đã giải quyết)",
                     "hồ sơ", "100"),
    "early": Label("Giải quyết trước hạn", "Số hồ sơ giải quyết trước hạn (không lớn hơn số đúng hạn)",
                   "hồ sơ", "7"),
    "eligible_residents": Label("Công dân đủ điều kiện cấp CCCD", "Số công dân đủ điều kiện cấp căn cước "
                                "công dân, tại cuối tháng", "người", "5460"),
    "chip_ids_issued": Label("CCCD gắn chip đã cấp", "Số căn cước công dân gắn chip đã cấp, lũy kế đến cuối "
                             "tháng (không lớn hơn số đủ điều kiện)", "người", "2880"),
    "vneid_level2_accounts": Label("Tài khoản VNeID mức 2", "Số tài khoản định danh điện tử mức 2 đã kích hoạt, "
                                   "lũy kế đến cuối tháng (không lớn hơn số CCCD gắn chip)", "người", "77"),
    "fire_safety_groups": Label("Tổ liên gia an toàn PCCC", "Số tổ liên gia an toàn phòng cháy, chữa cháy "
                                "đang hoạt động, tại cuối tháng", "tổ", "6"),
    "public_firefighting_points": Label("Điểm chữa cháy công cộng", "Số điểm chữa cháy công cộng, tại cuối "
                                        "tháng", "điểm", "6"),
    "models_active": Label("Mô hình tự quản về ANTT", "Số mô hình tự quản về an ninh, trật tự đang hoạt động, "
                           "tại cuối tháng", "mô hình", "4"),
    "solved": Label("Số vụ đã điều tra, khám phá", "Trong số vụ của tháng, số vụ đã điều tra, khám phá "
                    "(không lớn hơn số vụ)", "vụ", "2"),
    "fires": Label("Số vụ cháy", "Số vụ cháy xảy ra trong tháng", "vụ", "0"),
    "scheme": Label("Bộ tiêu chí", "Bộ tiêu chí dùng để đánh giá; để trống nếu là bộ 22 tiêu chí "
                    "(Quyết định 5764/QĐ-BCA-V05)", "", "qd5764-22"),
    "year": Label("Năm", "Năm đánh giá, ghi 4 chữ số", "YYYY", "2023"),
    "criterion_id": Label("Mã tiêu chí", "Mã tiêu chí trong bộ 22 tiêu chí (C01 đến C22), xem trang danh_muc",
                          "", "C01"),
    "met": Label("Đạt", "1 nếu đạt tiêu chí trong năm, 0 nếu không đạt", "", "1"),
}

TITLES_VI = {
    "crimes": "Tội phạm theo loại",
    "tips": "Tin báo, tố giác tội phạm",
    "procedures": "Thủ tục hành chính",
    "project06": "Đề án 06 (căn cước, định danh điện tử)",
    "fire_safety": "Phòng cháy, chữa cháy",
    "community_models": "Mô hình tự quản về an ninh, trật tự",
    "criteria_assessments": "Đánh giá tiêu chí hằng năm",
}

GENERAL_VI = [
    "Mỗi trang (sheet) là một bảng số liệu; tên trang là tên bảng, xin đừng đổi tên trang.",
    "Dòng 1 là mã cột, dòng 2 là tên cột tiếng Việt: xin đừng sửa hai dòng này.",
    "Cột đơn vị và tháng (năm, mã tiêu chí) đã điền sẵn; chỉ điền các ô số liệu còn trống.",
    "Số liệu là số nguyên không âm (0, 1, 2, ...), viết liền, không có dấu phân cách hàng nghìn "
    "(ghi 3000, không ghi 3.000 hay 3,000).",
    "Quy tắc ô trống: không có vụ, tin hay hồ sơ nào thì ghi 0. Để trống CẢ DÒNG nghĩa là tháng đó chưa báo "
    "cáo: dòng không được nhập và được liệt kê trong bản tóm tắt khi nhập. Dòng chỉ điền một phần bị từ chối.",
    "Trang crimes (theo loại tội phạm) và criteria_assessments (theo tiêu chí): một tháng (năm) của đơn vị "
    "điền đủ mọi loại (mọi tiêu chí), hoặc để trống tất cả nếu chưa báo cáo.",
    "Không sao chép trang (như \"tips (2)\") hay đổi tên trang: trang có số liệu mà không mang tên bảng "
    "sẽ bị từ chối khi nhập.",
    "Không gộp ô (merge) và không dùng công thức: chỉ ghi giá trị.",
    "Có thể thêm dòng cho đơn vị hoặc tháng khác; mỗi đơn vị và tháng chỉ một dòng. Không xóa dòng đã có "
    "sẵn: tháng chưa báo cáo thì để trống cả dòng (dòng bị xóa sẽ bị từ chối hoặc được liệt kê khi nhập).",
    "Lưu tệp dạng Excel (.xlsx) và gửi lại; kiểm tra trước bằng lệnh: wardstudy import TỆP.xlsx --out "
    "THƯ_MỤC --dry-run (không ghi gì, chỉ liệt kê những gì sẽ thay đổi).",
]


def months_between(first: str = PERIOD_START, last: str = PERIOD_END) -> list[str]:
    """Every month from `first` to `last` inclusive, as ``YYYY-MM`` text.

    >>> months_between("2023-11", "2024-02")
    ['2023-11', '2023-12', '2024-01', '2024-02']
    """
    return pd.period_range(first, last, freq="M").strftime("%Y-%m").tolist()


def select_units(units: pd.DataFrame, wards=None, province: str | None = None) -> pd.DataFrame:
    """The units a template is for: `wards` (slugs, codes or names), or a `province` (its
    code or name in any spelling), or all. Raises ValueError naming what matched nothing.

    >>> units = pd.DataFrame({"code": ["01840", "00004"], "name": ["Đức Xuân", "Phúc Xá"],
    ...                       "slug": ["duc-xuan", "phuc-xa"], "province_code": ["06", "01"],
    ...                       "province": ["Bắc Kạn", "Hà Nội"]})
    >>> select_units(units, province="Tỉnh Bắc Kạn")["slug"].tolist()
    ['duc-xuan']
    """
    from wardstudy.data.names import UnknownWard, WardResolver

    chosen = units
    if province is not None:
        if "province" not in units.columns and "province_code" not in units.columns:
            raise ValueError("the units table has no province or province_code column")
        wanted = fold(str(province)).removeprefix("tinh ").removeprefix("thanh pho ")
        by_code = units.get("province_code", pd.Series("", index=units.index)).astype(str).str.zfill(2)
        by_name = units.get("province", pd.Series("", index=units.index)).astype(str).map(
            lambda name: fold(name).removeprefix("tinh ").removeprefix("thanh pho "))
        chosen = units[(by_code == str(province).zfill(2)) | (by_name == wanted)]
        if chosen.empty:
            raise ValueError(say("province_unknown", province=province))
    if wards:
        resolver = WardResolver.from_units(units)
        slugs = []
        for ward in wards:
            try:
                slugs.append(resolver.resolve(ward))
            except UnknownWard as err:
                raise ValueError(f"ward {ward!r} " + problem_rule(err.describe())) from None
        chosen = chosen[chosen["slug"].isin(slugs)]
    return chosen.reset_index(drop=True)


def template_columns(table: Table) -> list[str]:
    """The columns of `table` a workbook carries: every schema column except the
    ``synthetic`` flag (a filled workbook holds observations). Optional columns are
    included; left wholly blank they are not imported."""
    return [name for name in table.columns if name != "synthetic"]


def label_of(table: Table, column: str) -> Label:
    """The Vietnamese label of `column`; a column added to a schema without one shows its
    English description until it gets one (a test asks for it)."""
    spec = table.columns[column]
    return LABELS_VI.get(column) or Label(column, spec.doc, spec.unit)


def header_labels(name: str) -> dict[str, str]:
    """Row 2 of the sheet `name`: each column's Vietnamese label with its unit.

    >>> header_labels("crimes")["count"]
    'Số vụ (vụ)'
    """
    labels = {}
    for column in template_columns(TABLES[name]):
        label = label_of(TABLES[name], column)
        labels[column] = f"{label.label} ({label.unit})" if label.unit else label.label
    return labels


def template_rows(name: str, units: pd.DataFrame, months: list[str], criterion_ids: list[str]) -> pd.DataFrame:
    """The pre-filled key cells of sheet `name`: one row per key, values left blank.

    Keys come from the schema: wards x months (x categories) for monthly tables; wards x
    years x criteria for the assessments. A ward gets no row for a month (year) outside
    its validity dates, which an import would refuse.

    >>> units = pd.DataFrame({"slug": ["a"], "valid_from": ["2023-02-01"], "valid_to": [None]})
    >>> template_rows("tips", units, ["2023-01", "2023-02"], [])
      ward    month received handled
    0    a  2023-02     None    None
    """
    table = TABLES[name]
    years = sorted({int(m[:4]) for m in months})  # numbers: the year cells take Excel's whole-number rule
    domains = {"ward": units["slug"].tolist(), "month": months, "year": years, "criterion_id": list(criterion_ids)}
    for column in table.key:
        if column not in domains:
            domains[column] = list(table.columns[column].allowed)
    keys = pd.DataFrame(list(product(*(domains[k] for k in table.key))), columns=list(table.key), dtype=object)
    # Only the months (years) each unit existed in: blank dates are open ends.
    period = "month" if "month" in table.key else "year"
    width = 7 if period == "month" else 4
    when = keys[period].astype("string")
    for column, keep in [("valid_from", lambda w, d: w >= d), ("valid_to", lambda w, d: w <= d)]:
        if column in units.columns:
            bound = keys["ward"].map(dict(zip(units["slug"], units[column]))).astype("string").str[:width]
            keys = keys[(keep(when, bound) | bound.isna()).astype(bool).to_numpy()]
            when = when[keys.index]
    rows = keys.reindex(columns=template_columns(table)).reset_index(drop=True).astype(object)
    return rows.where(rows.notna(), None)  # value cells blank (None), for the office to fill


def _letter(columns: list[str], column: str) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(columns.index(column) + 1)


def _validation(name: str, column: str, columns: list[str], lists: dict[str, str]):
    """The Excel data validation of one column (first data row 3), or None."""
    from openpyxl.worksheet.datavalidation import DataValidation

    spec = TABLES[name].columns[column]
    label = label_of(TABLES[name], column).label
    if spec.kind == "count":
        ratio = next(((d, why) for n, d, why in TABLES[name].ratios if n == column), None)
        if ratio is None:
            return DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                                  errorTitle=label, error="Nhập số nguyên không âm (0, 1, 2, ...).")
        # A part cannot exceed its whole (the schema's ratio): whole, >= 0 and <= the other cell.
        me, whole = f"{_letter(columns, column)}3", f"{_letter(columns, ratio[0])}3"
        return DataValidation(type="custom", formula1=f"AND({me}=INT({me}),{me}>=0,{me}<={whole})",
                              allow_blank=True, errorTitle=label,
                              error=f"Nhập số nguyên không âm, không lớn hơn cột {ratio[0]} "
                                    f"({label_of(TABLES[name], ratio[0]).label}).")
    if spec.kind == "year":
        return DataValidation(type="whole", operator="between", formula1=str(spec.low), formula2=str(spec.high),
                              allow_blank=True, errorTitle=label, error=f"Nhập năm từ {spec.low} đến {spec.high}.")
    if spec.kind == "flag":
        return DataValidation(type="list", formula1='"1,0"', allow_blank=True, errorTitle=label,
                              error="Nhập 1 (đạt) hoặc 0 (không đạt).")
    if column in lists:
        return DataValidation(type="list", formula1=lists[column], allow_blank=True, errorTitle=label,
                              error="Chọn một giá trị trong danh sách (trang danh_muc).")
    if spec.allowed:
        return DataValidation(type="list", formula1='"' + ",".join(spec.allowed) + '"', allow_blank=True,
                              errorTitle=label, error="Chọn một giá trị trong danh sách.")
    return None


def _lists_sheet(book, units: pd.DataFrame, months: list[str], criterion_ids: list[str]) -> dict[str, str]:
    """Write the ``danh_muc`` sheet; return each listed column's validation range."""
    sheet = book.create_sheet(LISTS_SHEET)
    columns = {"ward": units["slug"].tolist(), "code": units["code"].tolist(), "name": units["name"].tolist(),
               "type": units["type"].tolist(), "month": months, "criterion_id": list(criterion_ids),
               "category": list(TABLES["crimes"].columns["category"].allowed)}
    headers = {"ward": "ward (mã dùng trong các trang)", "code": "mã TCTK", "name": "tên đơn vị", "type": "loại",
               "month": "month (tháng)", "criterion_id": "criterion_id (mã tiêu chí)",
               "category": "category (loại tội phạm)"}
    ranges = {}
    for position, (key, values) in enumerate(columns.items(), start=1):
        sheet.cell(row=1, column=position, value=headers[key])
        for row, value in enumerate(values, start=2):
            sheet.cell(row=row, column=position, value=str(value)).number_format = "@"
        letter = _letter(list(columns), key)
        ranges[key] = f"{LISTS_SHEET}!${letter}$2:${letter}${max(len(values), 1) + 1}"
    return ranges


def _instructions_sheet(sheet, names: list[str]) -> None:
    """The ``huong_dan`` sheet: general rules, then every column's meaning, unit and example."""
    from openpyxl.styles import Font

    sheet.append(["Hướng dẫn điền số liệu: Công an phường điển hình, kiểu mẫu về ANTT và văn minh đô thị"])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([])
    for line in GENERAL_VI:
        sheet.append([f"• {line}"])
    sheet.append([])
    sheet.append(["Trang (sheet)", "Bảng", "Mã cột", "Tên cột", "Ý nghĩa", "Đơn vị", "Ví dụ", "Bắt buộc"])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for name in names:
        for column in template_columns(TABLES[name]):
            label, spec = label_of(TABLES[name], column), TABLES[name].columns[column]
            need = "có" if spec.required else "không (để trống cả cột nếu không có số liệu)"
            sheet.append([name, TITLES_VI[name], column, label.label, label.meaning, label.unit, label.example, need])
    for letter, width in zip("ABCDEFGH", (22, 34, 26, 32, 80, 10, 14, 24)):
        sheet.column_dimensions[letter].width = width


def filled_rows(rows: pd.DataFrame, records: pd.DataFrame | None, key) -> pd.DataFrame:
    """Template rows with the value cells of `records` (a data folder's typed table) filled in
    where a record has the row's key; other cells stay blank (None).

    >>> rows = pd.DataFrame({"ward": ["a", "a"], "month": ["2023-01", "2023-02"], "received": [None, None]})
    >>> records = pd.DataFrame({"ward": ["a"], "month": ["2023-02"], "received": [4], "synthetic": [True]})
    >>> filled_rows(rows, records, ["ward", "month"])["received"].tolist()
    [None, 4]
    """
    if records is None or records.empty:
        return rows
    values = [c for c in rows.columns if c not in key and c in records.columns]
    # As objects, so a whole number stays whole where other rows have none (no 4 -> 4.0).
    found = rows[list(key)].merge(records[list(key) + values].astype({c: object for c in values}),
                                  on=list(key), how="left")
    out = rows.copy()
    for column in values:
        out[column] = pd.Series([None if pd.isna(v) else v.item() if hasattr(v, "item") else v
                                 for v in found[column]], index=out.index, dtype=object)
    return out


def template_workbook(units: pd.DataFrame, months: list[str], criterion_ids: list[str],
                      records: dict[str, pd.DataFrame] | None = None):
    """The data-entry workbook (an openpyxl ``Workbook``) for `units` and `months`.

    units: rows of the units table (code, name, slug, type, valid_from, valid_to);
    months: ``YYYY-MM`` text; criterion_ids: the register's ids (assessment rows);
    records: a data folder's typed record tables whose values fill the cells (`filled_rows`).
    Raises ValueError when no sheet would have a row to fill.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    every = {name: template_rows(name, units, months, criterion_ids) for name in RECORD_SHEETS}
    if all(rows.empty for rows in every.values()):
        raise ValueError(_no_rows_reason(units, months))
    book = Workbook()
    _instructions_sheet(book.active, RECORD_SHEETS)
    book.active.title = INSTRUCTIONS_SHEET
    sheets = [book.create_sheet(name) for name in RECORD_SHEETS]
    lists = _lists_sheet(book, units, months, criterion_ids)
    for sheet in sheets:
        name = sheet.title
        rows = filled_rows(every[name], (records or {}).get(name), TABLES[name].key)
        columns = list(rows.columns)
        sheet.append(columns)
        sheet.append([header_labels(name)[c] for c in columns])
        for cell in sheet[1]:
            cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
        for cell in sheet[2]:
            cell.font = Font(italic=True, color="555555")
        for record in rows.itertuples(index=False):
            sheet.append(list(record))
        last = max(sheet.max_row, 3)
        for position, column in enumerate(columns, start=1):
            letter = _letter(columns, column)
            sheet.column_dimensions[letter].width = max(14, len(header_labels(name)[column]) + 2)
            if TABLES[name].columns[column].kind in {"ward", "month", "criterion", "category"}:
                for row in range(3, last + 1):  # text, so Excel does not turn 2023-01 into a date
                    sheet.cell(row=row, column=position).number_format = "@"
            rule = _validation(name, column, columns, lists)
            if rule is not None:
                sheet.add_data_validation(rule)
                # Beyond the pre-filled rows too, for rows an office adds.
                rule.add(f"{letter}3:{letter}{last + 500}")
        sheet.freeze_panes = "A3"
    return book


def _no_rows_reason(units: pd.DataFrame, months: list[str]) -> str:
    """Why a template would be empty: no unit chosen, or none existing in the months."""
    if units.empty:
        why = say("why_no_unit")
    else:
        lives = []
        for unit in units.itertuples(index=False):
            start = getattr(unit, "valid_from", None)
            end = getattr(unit, "valid_to", None)
            span = f"{start if isinstance(start, str) and start else '…'} – {end if isinstance(end, str) and end else '…'}"
            lives.append(f"{unit.slug} ({span})")
        why = say("why_no_unit_alive", first=months[0], last=months[-1], units=", ".join(lives))
    return say("template_empty", why=why)


def write_template(path: Path | str, units: pd.DataFrame, months: list[str], criterion_ids: list[str],
                   records: dict[str, pd.DataFrame] | None = None) -> Path:
    """Write the template workbook to `path` atomically; return the path."""
    buffer = io.BytesIO()
    template_workbook(units, months, criterion_ids, records).save(buffer)
    return atomic_write_bytes(path, buffer.getvalue())


def make_template(out: Path | str, wards=None, province: str | None = None, first: str = PERIOD_START,
                  last: str = PERIOD_END, data_dir: Path | str | None = None,
                  from_data: Path | str | None = None) -> tuple[Path, pd.DataFrame, list[str]]:
    """Write the template for the chosen units and months to `out`; return (path, units, months).

    Units and the criteria register come from `data_dir` when it holds them (else from
    `from_data`), else the shipped reference tables. from_data: a data folder whose records
    fill the value cells, so last year's figures can go back to a ward for correction;
    importing the workbook back into that folder changes nothing. Raises ValueError for a
    month that is not ``YYYY-MM`` within the study period, a ward or province that matches
    nothing, or a selection with no row to fill; `DataError` for a bad table.
    """
    from wardstudy.data.read import DataError, check_reference

    for month in (first, last):
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", str(month)):
            raise ValueError(say("month_format", month=month))
        if not PERIOD_START <= month <= PERIOD_END:
            raise ValueError(say("month_outside", month=month, first=PERIOD_START, last=PERIOD_END))
    if first > last:
        raise ValueError(say("month_order", first=first, last=last))
    records = None
    if from_data is not None:
        from wardstudy.data.read import check

        found, problems = check(from_data)
        if problems:
            raise DataError(problems)
        records = {name: found[name] for name in RECORD_TABLES if name in found}
    tables, _, _, problems = check_reference(data_dir if data_dir is not None else from_data)
    if problems:
        raise DataError(problems)
    units = select_units(tables["units"], wards, province)
    months = months_between(first, last)
    path = write_template(out, units, months, template_criteria(tables["criteria"]), records)
    return path, units, months


def template_criteria(register: pd.DataFrame) -> list[str]:
    """The criterion ids a template's assessment rows list: the register's, in its order.

    A register of several schemes (a ``scheme`` column) lists its default scheme first;
    the template holds that scheme's ids, which an assessment without a scheme means.

    >>> template_criteria(pd.DataFrame({"scheme": ["a", "a", "b"], "criterion_id": ["C01", "C02", "C01"]}))
    ['C01', 'C02']
    """
    if "scheme" in register.columns and register["scheme"].notna().any():
        register = register[register["scheme"].fillna(register["scheme"].dropna().iloc[0])
                            == register["scheme"].dropna().iloc[0]]
    return list(dict.fromkeys(register["criterion_id"].tolist()))
