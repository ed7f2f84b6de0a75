"""The programme overview, the page a ministry reader opens first: the year with a pooled
effect, that effect with its p, and every numbered section with something in it."""

import re


from acceptance.reading import numbered_sections
from wardstudy.report.wording import text

POOLED_P = re.compile(r"p = \d+/\d+ [≈=] [01][.,]\d+")


def test_the_overview_is_of_2024_the_last_year_with_pooled_results_and_gives_its_effect_and_p(run, read):
    page = read(run.out / "programme.html")
    assert re.search(r"\b2024\b", page.summary.split("⚠")[0]), page.summary[:200]   # the title's year
    sections = numbered_sections(page)
    effect = sections[4][1]
    assert POOLED_P.search(effect), effect
    table = next(t for t in page.tables if len(t) > 1 and re.fullmatch(r"[−+]?\d+[.,]\d+", t[1][1] or ""))
    pooled = table[1]
    assert re.fullmatch(r"[−+]?\d+[.,]\d+ – [−+]?\d+[.,]\d+", pooled[2]), pooled   # an interval for the pooled
    # the summary carries the same ratio interval as section 4
    interval = re.search(r"\(([\d.,]+ – [\d.,]+)\)", page.sections[text("summary", run.lang)]).group(1)
    assert interval in effect


def test_every_numbered_section_of_the_overview_has_content(run, read):
    page = read(run.out / "programme.html")
    sections = numbered_sections(page)
    assert sorted(sections) == list(range(1, max(sections) + 1)) and len(sections) >= 5, sorted(sections)
    for number, (heading, body) in sections.items():
        assert len(body) > 80, (heading, body)
    for empty in ("chưa có phường nào xây dựng mô hình", "No ward had entered"):
        assert empty not in page.text


def test_a_cohort_of_one_ward_has_no_interval_on_the_overview(vi_run, read):
    page = read(vi_run.out / "programme.html")
    table = next(t for t in page.tables if t[0][0] == "Nhóm" and "KTC 95%" in t[0])
    row = next(r for r in table if r[0] == "Xây dựng mô hình năm 2023")
    assert row[2].startswith("— (một phường"), row   # no interval, and says why
