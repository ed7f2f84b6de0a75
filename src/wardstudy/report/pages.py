"""Page furniture: the simulated-data banner, a ward report's header, its summary, section
headings, tables and figures as HTML, and the index page.

HTML built from templates with autoescaping (Jinja2), never by pasting strings, so a
ward name or an error message can never break a page. Every word comes from the
language's catalogue (`report.wording`). Display only.
"""

from __future__ import annotations

import base64
import io
import re
from functools import lru_cache

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from wardstudy.report.calibration import data_calibrated
from wardstudy.report.format import MISSING, fmt_date, fmt_month, fmt_period
from wardstudy.report.wording import cohort_list, counted, linked, text

__all__ = ["banner_html", "header_html", "index_html", "escaped_markdown", "section", "summary_html", "table_html",
           "figure_html", "html_block", "inline_markdown"]


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(loader=PackageLoader("wardstudy.report", "templates"),
                       autoescape=select_autoescape(["html", "j2"]), keep_trailing_newline=True)


def escaped_markdown(text: str):
    """Text that carries data values (unit names, ids) as a Markdown display object, with
    HTML special characters escaped: nbconvert passes raw HTML in Markdown through to the
    page, so a unit named "<script>" must arrive as text, not as a tag.

    >>> escaped_markdown("**Phường <b>A</b> & B**").data
    '**Phường &lt;b&gt;A&lt;/b&gt; &amp; B**'
    """
    import html

    from IPython.display import Markdown

    return Markdown(html.escape(text, quote=False))


def html_block(markup: str):
    """HTML as a notebook display object (shown as is in JupyterLab and in the exported page)."""
    from IPython.display import HTML

    return HTML(str(markup))


def section(key: str, lang: str = "vi", *notes: str):
    """A section heading from the catalogue, with the catalogue's paragraphs `notes` under it.

    >>> section("s1", "en").data
    '## 1. Criteria'
    """
    from IPython.display import Markdown

    return Markdown("\n\n".join([f"## {text(key, lang)}", *(text(n, lang) for n in notes)]))


def banner_html(is_synthetic: bool, lang: str = "vi", calibrated: bool = False, index: bool = False) -> str:
    """The warning box every page built on simulated data carries ("" for real data). It says
    the data were calibrated to the published figures only when `calibrated`
    (`report.calibration.data_calibrated`: the published figures are in fact matched). The
    index (`index`) lists pages of possibly several data folders: it says only that they are
    simulated, and each page says how.

    >>> "DỮ LIỆU GIẢ LẬP (MÔ PHỎNG)" in banner_html(True), banner_html(False)
    (True, '')
    >>> "hiệu chỉnh" in banner_html(True), "hiệu chỉnh" in banner_html(True, calibrated=True)
    (False, True)
    """
    body = text("banner_body_index" if index else "banner_body" if calibrated and is_synthetic
                else "banner_body_changed", lang)
    return _environment().get_template("banner.html.j2").render(
        is_synthetic=is_synthetic, title=text("banner_title", lang), body=body).strip()


def print_footer_html(build, is_synthetic: bool, lang: str = "vi") -> str:
    """The line a printed page carries at its foot (hidden on screen): the simulated-data warning
    and the build the figures come from (`build.manifest["inputs"]`, 12 characters, as on the
    index). `pipeline.pdf` reads its ``data-build`` for the PDF's own footer.

    >>> from types import SimpleNamespace
    >>> print(print_footer_html(SimpleNamespace(manifest={"inputs": "0123456789abcdef"}), True, "en"))
    <div class="ws-print-footer" data-build="0123456789ab">⚠ SIMULATED DATA, NOT REAL RECORDS · Build 0123456789ab</div>
    """
    manifest = getattr(build, "manifest", None) or {}
    build_id = str(manifest.get("inputs", ""))[:12]
    parts = ([text("banner_title", lang)] if is_synthetic else []) + (
        [text("print_build", lang, build_id=build_id)] if build_id else [])
    if not parts:
        return ""
    return str(Markup('<div class="ws-print-footer" data-build="{}">{}</div>').format(build_id, " · ".join(parts)))


def _line(key: str, lang: str, **values) -> Markup:
    """A catalogue entry that may hold markup (<strong>, <code>), its values escaped."""
    return Markup(text(key, lang)).format(**values)


def header_html(ward, lang: str | None = None, links: dict[str, str] | None = None) -> str:
    """A ward report's opening block: programme title, unit and year, code (with the GSO
    list it comes from), cohort, period compared, data folder, banner.

    ward: a `pipeline.ward.WardReport` (duck-typed: params, unit, cohort, comparison(),
    is_synthetic, data_source, lang). Only sources used on every page are cited here;
    a published figure's source is cited where the figure is shown (section 9).
    links: unit slug -> page of the same run for the units this one came from or became
    (the notebook's parameter ``page_links``, `pipeline.links.with_page_links`): their names link.
    """
    links = links or {}
    lang = lang or getattr(ward, "lang", "vi")
    calibrated = data_calibrated(ward)
    comparison = ward.comparison("social_order")
    p, unit = ward.params, ward.unit
    months = int(comparison["months"])
    period = _line("header_period", lang, period=fmt_period(comparison["months_compared"], p.year, lang),
                   base_period=fmt_period(comparison["months_compared"], p.baseline_year, lang))
    if months < 12:
        period += _line("header_partial", lang, months=months, year=p.year,
                        months_in_year=int(comparison["months_in_year"]))
    predecessors = getattr(ward, "predecessors", None)
    new_unit = predecessors is not None and len(predecessors) > 0
    parts = getattr(ward, "programme_predecessors", {}) if new_unit else {}
    hrefs = ({name: links.get(slug) for slug, name in zip(predecessors["old_slug"], predecessors["old_name"])}
             if new_unit else {})
    lines = [
        _line("header_code_new", lang, code=unit["code"], province=unit.get("province") or MISSING) if new_unit
        else _line("header_code", lang, code=unit["code"], district=unit.get("district") or MISSING,
                   province=unit.get("province") or MISSING),
        _line("header_cohort", lang, cohort=ward.cohort) if ward.cohort
        else _line("header_no_cohort_new", lang, listed=cohort_list(parts, lang, hrefs)) if parts
        else _line("header_no_cohort", lang),
        period,
        _line("header_source_real" if not ward.is_synthetic else "header_source_synthetic" if calibrated
              else "header_source_synthetic_changed", lang, folder=ward.data_source),
    ]
    if new_unit:
        lines.append(_line("header_predecessors", lang, valid_from=fmt_date(unit.get("valid_from"), lang),
                           names=Markup(", ").join(linked(name, hrefs.get(name)) for name in predecessors["old_name"])))
        carried, missing = ward.carried_back, ward.missing_predecessors
        if carried:
            lines.append(_line("header_carried", lang, first=fmt_month(*map(int, carried[0].split("-")), lang),
                               last=fmt_month(*map(int, carried[1].split("-")), lang)))
        else:
            lines.append(_line("header_not_carried", lang, valid_from=fmt_date(unit.get("valid_from"), lang),
                               missing=", ".join(missing) or MISSING))
    if unit.get("valid_to"):
        lines.append(_line("header_successor", lang, valid_to=fmt_date(unit["valid_to"], lang),
                           successor=linked(unit.get("successor_name") or MISSING,
                                            next(iter(links.values()), None) if not new_unit else None),
                           code=unit.get("successor_code") or MISSING))
    unit_type = unit["type"] if lang == "vi" else {"phường": "ward", "xã": "commune"}.get(unit["type"], unit["type"])
    return _environment().get_template("ward_header.html.j2").render(
        banner=Markup(banner_html(ward.is_synthetic, lang, calibrated)
                      + print_footer_html(getattr(ward, "build", None), ward.is_synthetic, lang)),
        title=text("title", lang),
        unit_year=text("unit_year", lang, type=unit_type.capitalize() if lang == "vi" else unit_type,
                       name=unit["name"], year=p.year),
        lines=lines).strip()


def summary_html(lines: list[str], lang: str = "vi") -> str:
    """The "Tóm tắt" box that opens a ward page (`wording.summary_lines`), its **bold** kept.

    >>> summary_html(["**Tiêu chí:** đạt <21>"])
    '<section class="ws-summary"><h2>Tóm tắt</h2><ul><li><strong>Tiêu chí:</strong> đạt &lt;21&gt;</li></ul></section>'
    """
    return _environment().get_template("summary.html.j2").render(
        heading=text("summary", lang), lines=[inline_markdown(line) for line in lines]).strip()


def inline_markdown(line: str) -> Markup:
    """Markdown's **bold**, _italic_ and `code` (a folder or file name) of a catalogue line as HTML,
    everything else escaped.

    >>> print(inline_markdown("**p** từ thư mục `data/synthetic` <b>"))
    <strong>p</strong> từ thư mục <code>data/synthetic</code> &lt;b&gt;
    """
    out = str(escape(line))
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    out = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", out)
    out = re.sub(r"(?<!\w)_(.+?)_(?!\w)", r"<em>\1</em>", out)
    return Markup(out)


# A cell that reads as a number (a value, a share, a fraction, an interval, a p-value, a
# rank): right-aligned, so digits line up down a column.
_NUMERIC = re.compile(r"^(p = |p < )?[−+]?\d[\d.,]*(%|/\d+)?( |$)|^—$")


def _numeric_column(cells: list[str]) -> bool:
    shown = [c for c in cells if c != MISSING]
    return bool(shown) and all(_NUMERIC.match(c) and len(c) <= 40 for c in shown)


def table_html(table, caption: str | None = None, html_columns: tuple[str, ...] = ()):
    """A report table (a DataFrame indexed by its first column) as HTML: one header row,
    the label column as row headers, numbers right-aligned (class ``ws-num``).

    >>> import pandas as pd
    >>> t = pd.DataFrame({"Chỉ số": ["A<b>"], "Giá trị": ["95,5%"]}).set_index("Chỉ số")
    >>> print(table_html(t).data)  # doctest: +ELLIPSIS
    <table class="ws-table"><thead><tr><th scope="col">Chỉ số</th><th scope="col" class="ws-num"...>Giá trị</th></tr>...
    """
    frame = table.reset_index()
    columns = [str(c) for c in frame.columns]
    # html_columns: columns whose cells are HTML made safe by their maker (a source's link), kept as markup
    keep = [c in html_columns for c in columns]
    cells = [[Markup(v) if k else str(v) for v, k in zip(row, keep)] for row in frame.itertuples(index=False)]
    numeric = [i > 0 and _numeric_column([r[i] for r in cells]) for i in range(len(columns))]
    return html_block(_environment().get_template("table.html.j2").render(
        columns=columns, rows=cells, numeric=numeric, caption=caption).strip())


def figure_html(figure, caption: str, alt: str, number: int, lang: str = "vi"):
    """A figure as an embedded PNG with its alt text and a numbered caption ("Hình 1. …").

    The PNG is inlined (base64), so the page opens offline. It is the whole figure, its
    layout keeping every label inside (`plots.new_figure`): cropping it to its content
    (``bbox_inches="tight"``) would measure all its text once more before printing it.
    """
    import matplotlib  # here: the batch's main process writes the index with this module, and draws nothing

    buffer = io.BytesIO()
    with matplotlib.rc_context({"savefig.bbox": "standard"}):  # whatever the caller's default
        figure.savefig(buffer, format="png", dpi=100)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return html_block(_environment().get_template("figure.html.j2").render(
        src=f"data:image/png;base64,{data}", alt=alt, caption=text("fig", lang, n=number, caption=caption)).strip())


STATUSES = ("ok", "skipped", "failed")
UNKNOWN_PROVINCE = object()  # a row without a province (its label is the catalogue's, in the page's language)
UNKNOWN_COHORT = object()   # a row without a cohort field (not the same as None: outside the programme)
NEW_UNITS = object()        # a new unit of 2025 containing a model ward: its own group, never "outside"


def _fold(text: str) -> str:
    """Lower case without Vietnamese diacritics, for sorting and anchors ("Đức Xuân" -> "duc xuan")."""
    import unicodedata

    plain = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return " ".join(plain.lower().replace("đ", "d").split())


def _status(row: dict) -> str:
    """ok / skipped (unchanged since the last run, its page kept) / failed: whether the page
    was written, never a verdict on the ward."""
    if row.get("status") in STATUSES:
        return row["status"]
    return "failed" if not row.get("ok") else "skipped" if row.get("skipped") else "ok"


def _no_cohort(cohort) -> bool:
    """None, NaN or pd.NA: a unit outside the programme."""
    import pandas as pd

    return cohort is None or bool(pd.isna(cohort))


def _cohort_label(cohort, lang: str = "vi") -> str:
    """The caption of a group of rows of the index, in the page's language.

    >>> _cohort_label(2023, "en"), _cohort_label(None), _cohort_label(NEW_UNITS)
    ('Entered the programme in 2023', 'Chưa vào chương trình', 'Đơn vị mới có phường đã xây dựng mô hình')
    """
    if cohort is UNKNOWN_COHORT:
        return text("index_cohort_unknown", lang)
    if cohort is NEW_UNITS:
        return text("index_new_units", lang)
    if _no_cohort(cohort):
        return text("index_no_cohort", lang)
    return text("index_cohort", lang, cohort=int(cohort))


def _row_cohort(row: dict):
    """The group of a row: its cohort, `NEW_UNITS`, None (outside the programme) or `UNKNOWN_COHORT`."""
    if row.get("new_unit_with_programme"):
        return NEW_UNITS
    cohort = row.get("cohort_year", row.get("cohort", UNKNOWN_COHORT))
    if cohort is UNKNOWN_COHORT:
        return cohort
    # No programme year and no province: a ward that could not be identified, not a unit
    # known to be outside the programme.
    return int(cohort) if not _no_cohort(cohort) else None if row.get("province") else UNKNOWN_COHORT


def shown_name(row: dict, lang: str = "vi", same_name: bool = False) -> str:
    """A row's unit name, told apart from a unit of the same name: a new unit of 2025 says
    so ("Đức Xuân (đơn vị mới từ 01/07/2025)"); a former unit sharing its name with another
    row gives its last day ("Đức Xuân (đến 30/06/2025)").

    >>> shown_name({"name": "Đức Xuân", "valid_from": "2025-07-01"}, "en")
    'Đức Xuân (new unit from 1 July 2025)'
    >>> shown_name({"name": "Đức Xuân", "valid_to": "2025-06-30"}, same_name=True)
    'Đức Xuân (đến 30/06/2025)'
    """
    name = row.get("name") or row["slug"]
    if row.get("valid_from") and not _no_cohort(row.get("valid_from")):
        return text("index_name_new", lang, name=name, date=fmt_date(row["valid_from"], lang))
    if same_name and row.get("valid_to") and not _no_cohort(row.get("valid_to")):
        return text("index_name_until", lang, name=name, date=fmt_date(row["valid_to"], lang))
    return name


def _index_groups(rows: list[dict], lang: str = "vi") -> list[dict]:
    """Rows grouped by province, then by cohort (programme year; new units containing a model
    ward after the cohorts; units outside the programme last), names in alphabetical order
    without diacritics. Input dicts are not changed."""
    from collections import Counter

    names = Counter(r.get("name") for r in rows if r.get("name"))
    provinces: dict = {}
    for row in rows:
        shown = shown_name(row, lang, same_name=names[row.get("name")] > 1)
        r = dict(row, status=_status(row), shown=shown,
                 q=f"{row.get('name') or ''} {row.get('slug') or ''}".strip())
        province = row.get("province") or UNKNOWN_PROVINCE
        provinces.setdefault(province, {}).setdefault(_row_cohort(row), []).append(r)
    groups, anchors = [], set()
    unknown = text("index_province_unknown", lang)
    for province in sorted(provinces, key=lambda p: (p is UNKNOWN_PROVINCE, _fold(unknown if p is UNKNOWN_PROVINCE
                                                                                  else p), str(p))):
        label = unknown if province is UNKNOWN_PROVINCE else province
        anchor = "tinh-" + ("-".join(_fold(label).replace("/", " ").split()) or "x")
        while anchor in anchors:
            anchor += "-"
        anchors.add(anchor)
        cohorts = provinces[province]
        groups.append({"province": label, "anchor": anchor, "n": sum(map(len, cohorts.values())),
                       "cohorts": [{"label": _cohort_label(c, lang),
                                    "rows": sorted(cohorts[c], key=lambda r: (_fold(r.get("name") or r["slug"]),
                                                                              r.get("year") or 0, r["slug"]))}
                                   for c in sorted(cohorts, key=lambda c: (c is UNKNOWN_COHORT, c is None,
                                                                           c is NEW_UNITS,
                                                                           c if isinstance(c, int) else 0))]})
    return groups


def _index_script() -> tuple[str, str]:
    """The index's inline filter script and its CSP hash ('sha256-...'), which lets it, and
    nothing else, run."""
    import base64
    import hashlib

    source = _environment().loader.get_source(_environment(), "index_filter.js")[0]
    return source, "sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode()


def index_html(rows: list[dict], is_synthetic: bool, n_criteria: int, build_id: str,
               programme_href: str | None = None, lang: str = "vi", other_edition_href: str | None = None) -> str:
    """The index page in `lang`: every ward grouped by province and cohort, with its headline
    figures, whether its report was written (written / unchanged / failed: about the page,
    never the ward) and a link to its page; a name filter (an inline script, offline) for an
    index of 1,700 wards. Every word comes from the language's catalogue (`report.wording`).

    rows: dicts with slug, name, year, baseline_year, ok, headline (label -> text),
    note (a part-year comparison), message (why a ward failed), and optionally province,
    cohort_year (programme year, None outside the programme; a row without it, or without a
    province, is grouped as "unknown"), new_unit_with_programme (a new unit of 2025 holding
    a model ward: its own group), valid_from / valid_to (to tell units of one name apart),
    skipped (unchanged since the last run) or status.
    `build_id` names the build the figures come from (no clock time: a rerun gives the
    same page). `programme_href`, when given, is linked at the top (the programme overview);
    `other_edition_href`, the index of the other language's edition.

    >>> page = index_html([{"slug": "a", "name": "<b>A</b>", "year": 2023, "baseline_year": 2022, "ok": True,
    ...                     "headline": {"Tiêu chí": "21/22"}, "note": "", "message": ""}], True, 22, "abc")
    >>> "&lt;b&gt;A&lt;/b&gt;" in page, "<b>A</b>" in page
    (True, False)
    """
    labels = list(next((r["headline"] for r in rows if r.get("headline")), {}))
    groups = _index_groups(rows, lang)
    counts = {s: sum(_status(r) == s for r in rows) for s in STATUSES}
    script, script_hash = _index_script()
    words = {key.removeprefix("index_"): text(key, lang) for key in
             ("index_title", "index_h1", "index_programme", "index_intro", "index_legend", "index_filter",
              "index_filter_example", "index_no_match", "index_provinces", "index_h_unit", "index_h_year",
              "index_h_baseline", "index_h_status", "index_csv")}
    other = "en" if lang == "vi" else "vi"
    return _environment().get_template("index.html.j2").render(
        lang=lang, words=words, groups=groups, labels=labels, banner=banner_html(is_synthetic, lang, index=True),
        n_criteria=n_criteria, programme_href=programme_href,
        status_labels={s: text(f"index_st_{s}", lang) for s in STATUSES},
        counts=text("index_counts", lang, total=counted("n_reports", len(rows), lang), **counts),
        failed_text=lambda message: text("index_failed", lang, message=message),
        built=text("index_built", lang, command="wardstudy run", build_id=build_id),
        other_edition_href=other_edition_href, other_lang=other, other_edition=text("edition", other),
        script=script, script_hash=script_hash)
