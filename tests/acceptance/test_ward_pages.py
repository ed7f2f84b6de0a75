"""A ward page tells one story: the summary's figures and verdicts are the sections' own."""

import re

from acceptance.reading import numbered_sections
from wardstudy.report.wording import text


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


def test_the_summary_counts_the_designs_the_impact_section_shows(vi_run, read):
    designs = re.compile(r"(\d+)/(\d+) thiết kế cho ước lượng theo hướng giảm")
    checked = 0
    for path in vi_run.ward_pages:
        page = read(path)
        m = designs.search(page.sections["Tóm tắt"])
        if not m:
            continue
        table = next(t for t in page.tables if t[0][0] == "Thiết kế")
        assert int(m.group(2)) == len(table) - 1, (path.name, table)
        falls = sum(1 for row in table[1:] if "theo hướng giảm" in row[table[0].index("Kết quả")])
        assert int(m.group(1)) == falls, (path.name, table)
        checked += 1
    assert checked >= 1


def test_every_ward_page_has_a_summary_and_eleven_numbered_sections_with_content(run, read):
    for path in run.ward_pages:
        page = read(path)
        assert page.sections.get(text("summary", run.lang)), path.name
        sections = numbered_sections(page)
        assert sorted(sections) == list(range(1, 12)), (path.name, sorted(sections))
        for number, (heading, body) in sections.items():
            assert len(body) > 40, (path.name, heading, body)
