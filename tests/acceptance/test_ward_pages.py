"""A ward page tells one story: the summary's figures and verdicts are the sections' own."""

import re

import pytest

from acceptance.reading import numbered_sections
from wardstudy.report.wording import METHOD_NAMES, METHOD_SHORT, text


def _pattern(key: str, lang: str, **slots) -> re.Pattern:
    """The catalogue sentence `key` as a regex, each slot a group (bold marks dropped, as on the page)."""
    filled = text(key, lang, **{s: f"\x00{s}\x00" for s in slots}).replace("**", "")
    pattern = re.escape(filled)
    for slot, group in slots.items():
        pattern = pattern.replace(re.escape(f"\x00{slot}\x00"), group)
    return re.compile(pattern)


def test_summary_and_sections_give_the_same_criteria_and_crime_figures_and_verdicts(run, read):
    assert run.ward_pages, run.output
    for path in run.ward_pages:
        page = read(path)
        summary = page.sections[text("summary", run.lang)]
        sections = numbered_sections(page)
        criteria = _pattern("sum_criteria", run.lang, year=r"(\d{4})", status=r"(.+?)").search(summary)
        crime = _pattern("sum_crime", run.lang, verdict=r"(.+?\(p [=<] [\d.,]+\))").search(summary)
        assert criteria and crime, (path.name, summary)
        year, status = criteria.groups()
        assert f"{status}." in sections[1][1], (path.name, status, sections[1][1][:300])
        # the table of section 1 has the year's a/b
        figure = re.search(r"\d+/\d+", status).group(0)
        assert [year, figure] in [row[:2] for row in page.tables[0]], (path.name, page.tables[0])
        line = text("s2_line", run.lang, label=text("cat_social_order", run.lang), year=year,
                    baseline_year="", verdict=crime.group(1), detail="").replace("**", "")
        verdict = line[line.index(crime.group(1)):].rstrip(". ")
        assert verdict in sections[2][1], (path.name, verdict)


def test_every_ward_page_has_a_summary_and_eleven_numbered_sections_with_content(run, read):
    for path in run.ward_pages:
        page = read(path)
        assert page.sections.get(text("summary", run.lang)), path.name
        sections = numbered_sections(page)
        assert sorted(sections) == list(range(1, 12)), (path.name, sorted(sections))
        for number, (heading, body) in sections.items():
            assert len(body) > 40, (path.name, heading, body)


def test_the_summary_gives_the_primary_methods_verdict_as_the_impact_table_does(run, read):
    # issue 23, item 6: one verdict per ward, from the method the parameters declared (the DiD by default)
    head = {"vi": "Đánh giá tác động (phương pháp chính: ", "en": "Impact (primary method: "}[run.lang]
    mark = {"vi": " (phương pháp chính)", "en": " (primary method)"}[run.lang]
    result = {"vi": "Kết quả", "en": "Result"}[run.lang]
    checked = 0
    for path in run.ward_pages:
        page = read(path)
        summary = page.sections[text("summary", run.lang)]
        if head not in summary:
            continue
        table = next(t for t in page.tables if t[0][0] in ("Phương pháp", "Method"))
        primary = [row for row in table[1:] if row[0].endswith(mark)]
        assert len(primary) == 1, (path.name, table)
        key = {name: k for k, name in METHOD_NAMES[run.lang].items()}[primary[0][0].removesuffix(mark)]
        assert summary[summary.index(head) + len(head):].startswith(METHOD_SHORT[run.lang][key]), (path.name, summary)
        verdict = primary[0][table[0].index(result)].split("; ")[:2]
        assert "; ".join(verdict) in summary, (path.name, verdict, summary)
        checked += 1
    assert checked >= 2


def test_a_share_of_100_percent_has_the_interval_the_export_carries(vi_run, read):
    # one rule for 100% shares: the exact one-sided lower bound, on the page and in indicators.csv alike
    import pandas as pd

    page = read(vi_run.out / "duc-xuan.html")
    row = next(r for t in page.tables for r in t if r[0].startswith("Tỷ lệ giải quyết tố giác") and "83 / 83" in r)
    exported = pd.read_csv(vi_run.out / "indicators.csv", dtype={"ward": str})
    csv_row = exported[(exported["ward"] == "duc-xuan") & (exported["year"] == 2023)
                       & (exported["indicator"] == "tips_handled_share")].iloc[0]
    assert csv_row["ci_low"] == pytest.approx(0.025 ** (1 / 83), abs=5e-4) and csv_row["ci_high"] == 1
    assert row[-1] == "95,7% – 100,0%", row
