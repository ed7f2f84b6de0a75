"""The two editions carry the same numbers: every table of a page has the same figures, cell for
cell, in Vietnamese (1.234,5) and in English (1,234.5)."""

import re

from acceptance.conftest import ENGLISH_WARDS

NUMBER = {"vi": re.compile(r"[−+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?|[−+-]?\d+(?:,\d+)?"),
          "en": re.compile(r"[−+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?|[−+-]?\d+(?:\.\d+)?")}


# A figure with a Vietnamese thousands dot ("gần 1.700 hồ sơ"), which English reads as 1.7.
VERBATIM = re.compile(r"\d\.\d{3}\b")
# A source's own words quoted in an English cell, beside the English gloss: “gần 1.700 hồ sơ”.
QUOTE = re.compile(r"“[^”]*”")


def numbers(cell: str, lang: str) -> list[float]:
    """The figures of a table cell as numbers; dates (29/01/2024) count as their parts."""
    out = []
    for m in NUMBER[lang].finditer(cell):
        figure = m.group(0).replace("−", "-")
        figure = figure.replace(".", "").replace(",", ".") if lang == "vi" else figure.replace(",", "")
        out.append(float(figure))
    return out


def test_numbers_are_read_in_each_language():
    assert numbers("2.985 / 3.328; −0,80; 21/22 (95,5%)", "vi") == [2985, 3328, -0.80, 21, 22, 95.5]
    assert numbers("2,985 / 3,328; −0.80; 21/22 (95.5%)", "en") == [2985, 3328, -0.80, 21, 22, 95.5]


def test_each_page_of_both_editions_has_the_same_tables_with_the_same_figures(vi_run, en_run, read):
    names = [f"{w}.html" for w in ENGLISH_WARDS] + ["programme.html"]
    for name in names:
        vi, en = read(vi_run.out / name), read(en_run.out / name)
        assert len(vi.tables) == len(en.tables), name
        for number, (t_vi, t_en) in enumerate(zip(vi.tables, en.tables)):
            assert len(t_vi) == len(t_en), (name, number)
            for r_vi, r_en in zip(t_vi[1:], t_en[1:]):
                for c_vi, c_en in zip(r_vi[1:], r_en[1:]):   # the first column names the row
                    if re.search(r"\d{2}/\d{2}/\d{4}", c_vi):   # a date, written as words in English
                        continue
                    if c_vi == c_en and VERBATIM.search(c_vi):   # a source's words quoted as published
                        continue
                    # the English gloss carries the figures; the quoted source beside it is the Vietnamese text
                    assert numbers(c_vi, "vi") == numbers(QUOTE.sub("", c_en), "en"), (name, number, c_vi, c_en)


def test_no_english_table_quotes_a_vietnamese_figure_an_english_reader_misreads(vi_run, en_run, read):
    for name in [f"{w}.html" for w in ENGLISH_WARDS] + ["programme.html"]:
        vi, en = read(vi_run.out / name), read(en_run.out / name)
        for t_vi, t_en in zip(vi.tables, en.tables):
            for r_vi, r_en in zip(t_vi[1:], t_en[1:]):
                for c_vi, c_en in zip(r_vi[1:], r_en[1:]):
                    assert not (c_vi == c_en and VERBATIM.search(c_en)), (name, c_en)
