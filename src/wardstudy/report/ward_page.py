"""A ward page's blocks, each one call from the notebook: summary, sections, tables, figures.

The notebook `notebooks/ward_report.ipynb` holds the order of the page and nothing else;
each block here takes the ward's slice of the build (`pipeline.ward.WardReport`, duck-
typed) and returns a display object in the ward's language (`ward.lang`). Display only:
the numbers are the build's, the words the catalogue's.
"""

from __future__ import annotations

from markupsafe import escape

from wardstudy.indicators.registry import REGISTRY
from wardstudy.report import pages, tables, wording
from wardstudy.report.calibration import data_calibrated
from wardstudy.report.format import MISSING, fmt_share
from wardstudy.report.pages import html_block, inline_markdown
from wardstudy.report.wording import text

__all__ = ["FIGURE_ORDER", "CRIME_CATEGORIES", "summary", "criteria_status", "criteria_block", "criteria_table",
           "note", "crime_lines", "indicators", "peers_section", "figure", "impact", "published", "ranking", "targets", "present"]

# Figures are numbered in page order.
FIGURE_ORDER = ("criteria", "crimes", "shares", "project06", "stocks", "units")
CRIME_CATEGORIES = ("social_order", "high_tech")


def present(ids) -> list[str]:
    """The ids of `ids` the registry knows (indicators another release may not have yet)."""
    return [i for i in ids if i in REGISTRY]


def _share(ward, indicator: str) -> str:
    rows = ward.values[ward.values["indicator"] == indicator]
    return fmt_share(rows["value"].iloc[0], lang=ward.lang) if len(rows) else MISSING


def criteria_status(ward) -> str:
    """ "đạt 21/22 tiêu chí; chưa đạt: C20", with the wording the register supplies."""
    return wording.criteria_status_text(ward.criteria_total - len(ward.unmet), ward.criteria_total, ward.unmet, ward.lang,
                                        names=ward.unmet_names)


def _impact_reason(ward, links: dict[str, str] | None = None) -> str:
    """Why the ward has (or has no) impact section; with `links` (unit slug -> page of the same
    run) an HTML fragment whose former units link their pages."""
    if _is_new_unit(ward):
        hrefs = None
        if links is not None:
            hrefs = {name: links.get(slug) for slug, name in zip(ward.predecessors["old_slug"],
                                                                  ward.predecessors["old_name"])}
        return wording.new_unit_design_text(ward.unit["name"], ward.params.year, ward.programme_predecessors,
                                            ward.last_evaluated_year, ward.lang, hrefs)
    controls, excluded = ward.impact_units()
    return wording.design_text(ward.unit["name"], ward.cohort, ward.params.year, controls, excluded,
                               ward.peer_names, ward.lang,
                               no_pre_period_since=ward.first_year_without_pre_period)


def _is_new_unit(ward) -> bool:
    """A unit formed on 1 July 2025 (it has predecessors in the 2025 crosswalk)."""
    predecessors = getattr(ward, "predecessors", None)
    return predecessors is not None and len(predecessors) > 0


def peers_section(ward):
    """Section 10's heading: peers of the same district, or, for a unit formed in 2025 (no
    districts any more), the other new units of the province."""
    return pages.section("s10_new" if _is_new_unit(ward) else "s10", ward.lang)


def summary(ward):
    """The "Tóm tắt" that opens the page: criteria, crime and its verdict, services, impact,
    reference levels met (5-6 lines)."""
    lang = ward.lang
    met, total, missing = tables.targets_met(ward.values)
    impact_rows = ward.impact.to_dict("records")
    lines = wording.summary_lines(
        year=ward.params.year, criteria=criteria_status(ward),
        crime=wording.crime_verdict(ward.comparison("social_order"), lang),
        tips=_share(ward, "tips_handled_share"), online=_share(ward, "procedures_online_share"),
        on_time=_share(ward, "procedures_on_time_share"), impact=impact_rows, impact_reason=_impact_reason(ward),
        targets_met=met, targets_total=total, targets_missing=missing, is_synthetic=ward.is_synthetic, lang=lang,
        primary=ward.params.primary_method, published=_published_line(ward))
    return html_block(pages.summary_html(lines, lang))


def _published_line(ward) -> str:
    """The summary's line of published figures, as the source gave them ("" when none): kept
    apart from the figures computed from the monthly records, which may be simulated."""
    lang = ward.lang
    table = tables.published_table(ward.reconciled, ward.criteria_total, lang, data_calibrated(ward))
    if table.empty or not ward.published_sources:
        return ""
    items = "; ".join(f"{label}: {value}" for label, value in zip(table.index, table[text("h_published", lang)]))
    return text("sum_published", lang, sources="; ".join(ward.published_sources), items=items)


def criteria_block(ward):
    """Section 1's status line and the register's note."""
    # The Chairman's direction (Báo Bắc Kạn, 29/01/2024) is for the ward Bắc Kạn chose to build the model,
    # not for every ward, nor for the units of Thái Nguyên after the 2025 merger.
    chosen = bool(ward.cohort) and ward.unit.get("province") == "Bắc Kạn" and not _is_new_unit(ward)
    key = "s1_status" if chosen else "s1_status_no_source"
    return pages.escaped_markdown(text(key, ward.lang, year=ward.params.year, status=criteria_status(ward),
                                       n=ward.criteria_total) + "\n\n" + text("s1_register", ward.lang))


def criteria_table(ward):
    """Section 1's table: criteria met each year."""
    return pages.table_html(tables.criteria_trend(ward.history, ward.lang))


def note(ward, key: str):
    """A paragraph of the catalogue under a table or figure."""
    from IPython.display import Markdown

    if key == "s10_note" and _is_new_unit(ward):  # peers of the province, not of a district
        key = "s10_note_new"
    return Markdown(text(key, ward.lang))


def crime_lines(ward):
    """Section 2: one line per crime category, "xảy ra 12 vụ, giảm 07 vụ (−36,8%) …"."""
    lang, p = ward.lang, ward.params
    lines = []
    for category in CRIME_CATEGORIES:
        row = ward.comparison(category)
        lines.append("- " + text("s2_line", lang, label=text("cat_" + category, lang), year=p.year,
                                 baseline_year=p.baseline_year, verdict=wording.crime_verdict(row, lang),
                                 detail=wording.crime_detail(row, lang)).rstrip())
    return pages.escaped_markdown("\n".join(lines))


def indicators(ward, ids):
    """A table of the listed indicators (those the registry has), with the one sentence on
    a 100% share's missing interval under it."""
    ids = present(ids)
    table = pages.table_html(tables.indicator_table(ward.values, ids, ward.lang))
    note = tables.complete_counts(ward.values, ids, ward.lang)
    return html_block(table.data + (f"<p class=\"ws-note\">{escape(note)}</p>" if note else ""))


def figure(ward, figures: dict, name: str):
    """One of `plots.ward_figures`, numbered in page order, with its caption and alt text."""
    fig, caption, alt = figures[name]
    return pages.figure_html(fig, caption, alt, FIGURE_ORDER.index(name) + 1, ward.lang)


def impact(ward, links: dict[str, str] | None = None):
    """Section 8: who is compared with whom, the caution on three tests, the results.
    links: unit slug -> page of the same run (the notebook's ``page_links``)."""
    lang = ward.lang
    parts = [escape(_impact_reason(ward, links or {}))]
    estimates = ward.impact
    if len(estimates):
        parts.append(inline_markdown(wording.multiple_tests_note(lang, ward.params.primary_method)))
    html = "".join(f"<p>{p}</p>" for p in parts)
    if len(estimates):
        html += pages.table_html(tables.impact_table(estimates, lang)).data
        missing = getattr(ward, "unreported", None)
        if missing is not None and len(missing):
            html += f"<p>{inline_markdown(wording.unreported_text(missing, ward.peer_names, lang))}</p>"
    for row in ward.sensitivity.to_dict("records"):
        html += f"<p>{escape(wording.sensitivity_text(row, lang))}</p>"
    return html_block(html)


def published(ward):
    """Section 9: the published figures beside the recomputed ones, with their source; on
    simulated data, why they match."""
    lang = ward.lang
    calibrated = data_calibrated(ward)
    table = tables.published_table(ward.reconciled, ward.criteria_total, lang, calibrated)
    if table.empty:
        return pages.escaped_markdown(text("s9_none", lang, year=ward.params.year))
    html = ""
    if calibrated:
        html += f"<p>{inline_markdown(text('s9_synthetic', lang))}</p>"
    elif ward.is_synthetic:
        html += f"<p>{inline_markdown(text('s9_synthetic_changed', lang))}</p>"
    html += pages.table_html(table).data
    html += f"<p>{escape(text('s9_source', lang, sources='; '.join(ward.published_sources)))}</p>"
    return html_block(html)


def ranking(ward, ids):
    """Section 10: the ward among its peers, crime per 1,000 residents, ties shown."""
    return pages.table_html(tables.ranking_table(ward.ranking, present(ids), ward.lang))


def targets(ward):
    """Section 11: each indicator against its reference level, and where each level comes from."""
    note = "s11_note" if ward.unit.get("province") == "Bắc Kạn" and not _is_new_unit(ward) else "s11_note_no_source"
    table = pages.table_html(tables.targets_table(ward.values, ward.criteria_total, ward.lang))
    return html_block(table.data + f"<p>{inline_markdown(text(note, ward.lang))}</p>"
                       + f"<p>{inline_markdown(text('method_note', ward.lang, folder=ward.data_source))}</p>")
