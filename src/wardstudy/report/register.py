"""Section 6 of the overview: the real programme register as a reader needs it (issue 22,
item 6). Statuses in the page's language, the source as a link, the district, rows by year
then province, today's province (after the merger of 1 July 2025) beside the source's, and
in English a gloss of each quoted figure with numbers written the English way beside the
source's own words in quotes ("gần 1.700 hồ sơ" is 1,700, not 1.7).
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlparse

import pandas as pd
from markupsafe import Markup

from wardstudy import paths
from wardstudy.data.names import fold
from wardstudy.report.format import MISSING, fmt_date

__all__ = ["STATUS", "area_en", "figure_cell", "province_today", "source_link", "status_text", "ward_en"]

# What a source says happened (`data.schemas.REGISTER_STATUSES`), as each edition says it.
STATUS = {
    "vi": {"registered": "đăng ký xây dựng", "chosen": "được chọn xây dựng", "pilot": "xây dựng điểm",
           "built": "đã xây dựng", "recognised": "được công nhận"},
    "en": {"registered": "put forward", "chosen": "chosen", "pilot": "pilot", "built": "built",
           "recognised": "recognised"},
}

_AREA_TYPE = re.compile(r"^(tinh|thanh pho|quan|huyen|thi xa)\s+")


def status_text(status: str, lang: str = "vi") -> str:
    """What a source reports, in the page's language.

    >>> status_text("pilot"), status_text("recognised", "en")
    ('xây dựng điểm', 'recognised')
    """
    return STATUS[lang].get(str(status), str(status))


def _key(area) -> str:
    """A province as a key: folded, its type word dropped ("Tỉnh Bà Rịa – Vũng Tàu" = "Bà Rịa - Vũng Tàu")."""
    return _AREA_TYPE.sub("", fold(re.sub(r"[\u2013\u2014]", "-", str(area))).strip())


@lru_cache(maxsize=1)
def _today_by_key() -> dict[str, str]:
    """Pre-merger province (as a key) -> its province from 1 July 2025: where most of its units'
    codes sit in the post-2025 national list (the package `vietnam-provinces`; provinces were
    merged whole, Nghị quyết 202/2025/QH15). Read from ``data/reference/national_units.csv``."""
    from collections import Counter

    from vietnam_provinces import Province, Ward

    national = pd.read_csv(paths.reference_dir() / "national_units.csv", dtype=str, usecols=["code", "province"])
    votes: dict[str, Counter] = {}
    for code, province in zip(national["code"], national["province"]):
        try:
            ward = Ward.from_code(int(code))
        except (ValueError, KeyError):
            continue
        votes.setdefault(_key(province), Counter())[int(ward.province_code)] += 1
    return {key: Province.from_code(count.most_common(1)[0][0]).name for key, count in votes.items()}


def province_today(province, lang: str = "vi") -> str:
    """The province a pre-merger province is part of since 1 July 2025, in the source's style
    ("Tỉnh Bắc Kạn" -> "Tỉnh Thái Nguyên"; in English "Thái Nguyên"); "—" when unknown.

    >>> province_today("Tỉnh Bắc Kạn"), province_today("Tỉnh Bà Rịa – Vũng Tàu", "en")
    ('Tỉnh Thái Nguyên', 'Hồ Chí Minh City')
    >>> province_today("Thành phố Hà Nội"), province_today("Tỉnh Nghệ An")
    ('Thành phố Hà Nội', 'Tỉnh Nghệ An')
    """
    name = _today_by_key().get(_key(province)) if isinstance(province, str) and province else None
    if not name:
        return MISSING
    if lang == "en":
        return area_en(name)
    return name if name.startswith("Thành phố ") else f"Tỉnh {name}"


_EN_AREA = (("Thành phố ", "{} City", "{} city"), ("Tỉnh ", "{}", "{}"), ("Quận ", "District {}", "{} district"),
            ("Huyện ", "{} district", "{} district"), ("Thị xã ", "{} town", "{} town"))


def area_en(name, municipality: bool = True) -> str:
    """A district or province named the English way: the type word translated, after the name
    (before a number: "Quận 12" -> "District 12"); "Thành phố" is "City" for a municipality
    (a province-level city), "city" for a provincial city (`municipality` False).

    >>> area_en("Tỉnh Bắc Kạn"), area_en("Thành phố Hà Nội"), area_en("Quận Ba Đình"), area_en("Quận 12")
    ('Bắc Kạn', 'Hà Nội City', 'Ba Đình district', 'District 12')
    >>> area_en("Thành phố Bắc Kạn", municipality=False), area_en("Thị xã Cửa Lò")
    ('Bắc Kạn city', 'Cửa Lò town')
    """
    name = str(name)
    for prefix, numbered_or_city, after in _EN_AREA:
        if name.startswith(prefix):
            rest = name[len(prefix):]
            if prefix == "Thành phố ":
                return (numbered_or_city if municipality else after).format(rest)
            if rest.isdigit():
                return numbered_or_city.format(rest)
            return after.format(rest)
    return name


def district_text(district, lang: str = "vi") -> str:
    """The district as the source names it; in English its type word translated (a district-level
    "Thành phố" is a provincial city)."""
    if not isinstance(district, str) or not district:
        return MISSING
    return area_en(district, municipality=False) if lang == "en" else district


def ward_en(name: str) -> str:
    """ "Phường Đức Xuân" -> "Đức Xuân", "Phường 1" -> "Ward 1", "Xã X" -> "X commune".

    >>> ward_en("Phường Đức Xuân"), ward_en("Phường 1"), ward_en("Phường I"), ward_en("Xã Dương Quang")
    ('Đức Xuân', 'Ward 1', 'Ward I', 'Dương Quang commune')
    """
    for prefix, numbered, named in (("Phường ", "Ward {}", "{}"), ("Xã ", "Commune {}", "{} commune")):
        if name.startswith(prefix):
            rest = name[len(prefix):]
            return (numbered if re.fullmatch(r"\d+|[IVX]+", rest) else named).format(rest)
    return name


def source_link(url) -> Markup | str:
    """The source as a link whose text is its site ("baobackan.com.vn"), not a bare URL.

    >>> source_link("https://baobackan.com.vn/so-ket-post60559.html")
    Markup('<a href="https://baobackan.com.vn/so-ket-post60559.html">baobackan.com.vn</a>')
    """
    if not isinstance(url, str) or not url.strip():
        return MISSING
    site = urlparse(url.strip()).netloc.removeprefix("www.") or url.strip()
    return Markup('<a href="{}">{}</a>').format(url.strip(), site)


# English glosses of the figures the register quotes; the source's words stay beside them in quotes.
_GLOSS_EN = {
    "tiêu chí trụ sở chưa hoàn thành": "headquarters criterion not yet completed",
    "tiêu chí số 6 trụ sở chưa đạt": "criterion 6, headquarters, not met",
    "sau 1 năm": "after 1 year",
}
_CRITERIA = re.compile(r"^(\d+)/(\d+) tiêu chí(?: \((.*)\))?$")
_FILES = re.compile(r"^gần ([\d.]+) hồ sơ TTHC năm (\d{4})(?:, đạt (\d+)%; (\d+)% trước hạn)?$")
_MODELS = re.compile(r"^(\d+) mô hình về ANTT$")


def _gloss_en(figure: str) -> str | None:
    """An English reading of a quoted figure, numbers written the English way; None when unknown.

    >>> _gloss_en("19/20 tiêu chí (tiêu chí số 6 trụ sở chưa đạt)"), _gloss_en("gần 1.700 hồ sơ TTHC năm 2023")
    ('19/20 criteria (criterion 6, headquarters, not met)', 'about 1,700 administrative procedure files in 2023')
    """
    if m := _CRITERIA.match(figure):
        note = m.group(3)
        if note is not None and note not in _GLOSS_EN:
            return None
        return f"{m.group(1)}/{m.group(2)} criteria" + (f" ({_GLOSS_EN[note]})" if note else "")
    if m := _FILES.match(figure):
        out = f"about {int(m.group(1).replace('.', '')):,} administrative procedure files in {m.group(2)}"
        return out + (f", {m.group(3)}% done; {m.group(4)}% ahead of time" if m.group(3) else "")
    if m := _MODELS.match(figure):
        return f"{int(m.group(1))} security and order models"
    return None


def figure_cell(figure, lang: str = "vi") -> str:
    """A published figure as the source wrote it; in English an English gloss beside the
    source's words in quotes (or the quote alone when there is no gloss).

    >>> print(figure_cell("gần 1.700 hồ sơ TTHC năm 2023, đạt 100%; 60% trước hạn", "en"))
    about 1,700 administrative procedure files in 2023, 100% done; 60% ahead of time (“gần 1.700 hồ sơ TTHC năm 2023, đạt 100%; 60% trước hạn”)
    >>> figure_cell("21/22 tiêu chí"), figure_cell(None)
    ('21/22 tiêu chí', '—')
    """
    if not isinstance(figure, str) or not figure.strip():
        return MISSING
    figure = figure.strip().strip('"“”').strip()
    if lang != "en":
        return figure
    gloss = _gloss_en(figure)
    return f"{gloss} (“{figure}”)" if gloss else f"“{figure}”"


def sort_rows(register: pd.DataFrame) -> pd.DataFrame:
    """By year (a year not stated last), then province and ward, in Vietnamese alphabetical order."""
    return register.assign(_year=register["cohort_year"].fillna(9999), _province=register["province"].map(_key),
                           _ward=register["ward_name"].astype(str).map(fold)).sort_values(
        ["_year", "_province", "_ward"], kind="stable").drop(columns=["_year", "_province", "_ward"])


def dates(values, lang: str) -> list[str]:
    return [MISSING if pd.isna(d) else fmt_date(d, lang) for d in values]
