"""Page furniture: the synthetic-data banner, a ward report's header and the index page.

HTML built from templates with autoescaping (Jinja2), never by pasting strings, so a
ward name or an error message can never break a page. Display only.
"""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, PackageLoader, select_autoescape

from wardstudy.report.format import fmt_period

__all__ = ["banner_html", "header_html", "index_html", "escaped_markdown"]


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


def banner_html(is_synthetic: bool) -> str:
    """The warning box every page built on synthetic data carries ("" for real data).

    >>> "DỮ LIỆU TỔNG HỢP" in banner_html(True), banner_html(False)
    (True, '')
    """
    return _environment().get_template("banner.html.j2").render(is_synthetic=is_synthetic).strip()


def header_html(ward) -> str:
    """A ward report's opening block: name, GSO code, period compared, data source, banner.

    ward: a `pipeline.ward.WardReport` (duck-typed: params, unit, cohort, comparison(),
    is_synthetic, data_source).
    """
    comparison = ward.comparison("social_order")
    p = ward.params
    return _environment().get_template("ward_header.html.j2").render(
        banner=banner_html(ward.is_synthetic), unit=ward.unit, year=p.year, baseline_year=p.baseline_year,
        cohort=ward.cohort, is_synthetic=ward.is_synthetic, data_source=ward.data_source,
        period=fmt_period(comparison["months_compared"], p.year),
        base_period=fmt_period(comparison["months_compared"], p.baseline_year),
        months_in_year=int(comparison["months_in_year"]), months=int(comparison["months"]),
    ).strip()


def index_html(rows: list[dict], is_synthetic: bool, n_criteria: int, build_id: str) -> str:
    """The index page: one row per ward with its headline figures and a link to its page.

    rows: dicts with slug, name, year, baseline_year, ok, headline (label -> text),
    note (a part-year comparison), message (why a ward failed). `build_id` names the
    build the figures come from (no clock time: a rerun gives the same page).

    >>> page = index_html([{"slug": "a", "name": "<b>A</b>", "year": 2023, "baseline_year": 2022, "ok": True,
    ...                     "headline": {"Tiêu chí": "21/22"}, "note": "", "message": ""}], True, 22, "abc")
    >>> "&lt;b&gt;A&lt;/b&gt;" in page, "<b>A</b>" in page
    (True, False)
    """
    labels = list(next((r["headline"] for r in rows if r.get("headline")), {}))
    return _environment().get_template("index.html.j2").render(
        rows=rows, labels=labels, banner=banner_html(is_synthetic), n_criteria=n_criteria, build_id=build_id)
