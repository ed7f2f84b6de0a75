"""A rendered Vietnamese Đức Xuân page speaks the glossary, in one format (issue 15).

Every column header, row label, heading and chart text is checked against the glossary
(the wording catalogue and the indicator registry); the page and its charts fail on an
English word, a date not written dd/mm/yyyy, and a percentage without exactly one decimal.
The checkers are tested on bad strings first, so they can fail.
"""

import re
import string
from html.parser import HTMLParser

import pytest

from wardstudy import paths
from wardstudy.indicators.registry import REGISTRY
from wardstudy.report import wording
from wardstudy.report.tables import PER_1000_LABELS

# Names of people, methods and places that are the same in both languages.
PROPER_NAMES = {"Callaway", "Sant", "Anna", "Poisson", "Clopper", "Pearson", "Garwood", "wardstudy", "VNeID",
                "BCA", "UBTVQH15", "NĐ", "CP", "QĐ"}
# Percentages that name a level, not a figure: "KTC 95%", "xác suất 80%".
LEVELS = re.compile(r"KTC 95%|tin cậy 95%|xác suất 80%|chưa tới 80%|95% CI|95% confidence|80% probability")


def _vi_glossary() -> list[str]:
    entries = list(wording.CATALOGUE["vi"].values())
    entries += [spec.label("vi") for spec in REGISTRY.values()] + [spec.unit("vi") for spec in REGISTRY.values()]
    entries += list(PER_1000_LABELS["vi"].values()) + list(wording.METHOD_NAMES["vi"].values())
    entries += list(wording.INFERENCE["vi"].values()) + list(wording.ESTIMATE_UNITS["vi"].values())
    entries += [t for spec in REGISTRY.values() if spec.target for t in (spec.target.text_vi, spec.target.basis_vi)]
    return entries


def _pattern(template: str) -> re.Pattern:
    """A catalogue entry as a regex: its placeholders match any text, its words exactly."""
    parts = []
    for literal, field, _, _ in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if field is not None:
            parts.append(".+?")
    return re.compile("".join(parts), re.DOTALL)


GLOSSARY = [_pattern(e) for e in _vi_glossary()]
MONTH_TICK = re.compile(r"T(1[0-2]|[1-9])(/\d{4})?")  # `format.fmt_month`: "T1", "T1/2022"


def in_glossary(label: str, extra: set[str] = frozenset()) -> bool:
    """True when `label` is a glossary entry (placeholders filled), a number, or in `extra`."""
    label = label.strip()
    if not re.search(r"[^\W\d_]", label) or label in extra or MONTH_TICK.fullmatch(label):
        return True
    return any(p.fullmatch(label) for p in GLOSSARY)


def _words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z][A-Za-z-]{2,}", text))


def _english_vocabulary() -> set[str]:
    en = list(wording.CATALOGUE["en"].values()) + [spec.label("en") for spec in REGISTRY.values()]
    en += list(PER_1000_LABELS["en"].values()) + list(wording.METHOD_NAMES["en"].values())
    en += list(wording.INFERENCE["en"].values()) + list(wording.ESTIMATE_UNITS["en"].values())
    en += [("the and of per month year cases share rate ratio criteria target unit count tips procedures online "
            "synthetic placebo permutation test value rank source published recomputed interval")]
    vi_words = set().union(*(_words(e) for e in _vi_glossary()))
    return set().union(*(_words(e) for e in en)) - vi_words - PROPER_NAMES


ENGLISH = _english_vocabulary()


def english_words(text: str) -> list[str]:
    """English words of the English edition's vocabulary found in `text`."""
    return sorted({w for w in _words(text) if w in ENGLISH or w.lower() in ENGLISH})


def bad_dates(text: str) -> list[str]:
    """Dates not written dd/mm/yyyy: ISO dates and months ("2025-06-30", "2022-01"), or a day
    or month of one digit ("1/7/2024")."""
    iso = re.findall(r"\b\d{4}-\d{2}(?:-\d{2})?\b", text)
    short = [d for d in re.findall(r"\b\d{1,2}/\d{1,2}/\d{4}\b", text) if not re.fullmatch(r"\d{2}/\d{2}/\d{4}", d)]
    return iso + short


def bad_percentages(text: str) -> list[str]:
    """Percentages without exactly one decimal ("100%", "80,00%"), level names excepted."""
    text = LEVELS.sub("", text)
    found = re.findall(r"[−+]?\d[\d.,]*\s?%", text)
    return [p for p in found if not re.fullmatch(r"[−+]?\d{1,3}(\.\d{3})*,\d%", p)]


@pytest.mark.parametrize("text, english, dates, percentages", [
    ("Số vụ / Cases per month", ["Cases", "month", "per"], [], []),
    ("Hiệu lực đến 2025-06-30; trục 2022-01", [], ["2025-06-30", "2022-01"], []),
    ("từ 1/7/2024", [], ["1/7/2024"], []),
    ("100% và 20% và 80,00%", [], [], ["100%", "20%", "80,00%"]),
    ("xảy ra 12 vụ, giảm 07 vụ (−36,8%); 01/07/2025; KTC 95%: 0,28 – 1,37; 1.340 / 1.340; 100,0%", [], [], []),
])
def test_the_checkers_find_english_words_bad_dates_and_bad_percentages(text, english, dates, percentages):
    assert english_words(text) == english
    assert bad_dates(text) == dates
    assert bad_percentages(text) == percentages


def test_the_glossary_check_fails_on_a_label_not_in_it():
    assert in_glossary("Tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng hạn")
    assert in_glossary("Tội phạm theo tháng, năm 2023 so với năm 2022")      # placeholders filled
    assert not in_glossary("Thủ tục hành chính trực tuyến")                     # the old, cut-short label
    assert not in_glossary("Tháng / Month")


class _Page(HTMLParser):
    """The visible text of an exported page, by element: headings, header cells, captions, alt."""

    SKIP = frozenset({"style", "script", "code"})

    def __init__(self):
        super().__init__()
        self.stack, self.text, self.headings, self.col_headers, self.row_headers = [], [], [], [], []
        self.captions, self.alts, self._cell = [], [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img" and "alt" in attrs:
            self.alts.append(attrs["alt"])
        if tag in ("br", "img", "meta", "link", "input", "hr"):
            return
        self.stack.append(tag)
        if tag == "th":
            self._cell = ("col" if attrs.get("scope") == "col" else "row", [])
        if tag in ("h1", "h2", "h3", "figcaption"):
            self._cell = (tag, [])

    def handle_endtag(self, tag):
        if tag in ("th", "h1", "h2", "h3", "figcaption") and self._cell:
            kind, parts = self._cell
            value = " ".join("".join(parts).split()).rstrip("¶").strip()
            {"col": self.col_headers, "row": self.row_headers, "figcaption": self.captions}.get(
                kind, self.headings).append(value)
            self._cell = None
        while self.stack and self.stack.pop() != tag:
            pass

    def handle_data(self, data):
        if any(t in self.SKIP for t in self.stack):
            return
        self.text.append(data)
        if self._cell:
            self._cell[1].append(data)


def parse(path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    # Text nodes split at tags ("<strong>A</strong>, b"): no space before punctuation once joined.
    page.visible = re.sub(r" ([,.;:)])", r"\1", " ".join(" ".join(page.text).split()))
    return page


def render(tmp_path_factory, lang: str):
    """Run the notebook for Đức Xuân 2023 in `lang` and export it as a reviewer's page."""
    import papermill

    from wardstudy.pipeline.batch import KERNEL_NAME, export_html

    out = tmp_path_factory.mktemp(f"page-{lang}")
    nb = out / "duc-xuan.ipynb"
    papermill.execute_notebook(str(paths.notebooks_dir() / "ward_report.ipynb"), str(nb),
                               parameters={"ward": "duc-xuan", "year": 2023, "lang": lang},
                               kernel_name=KERNEL_NAME, progress_bar=False, cwd=str(paths.notebooks_dir()))
    return export_html(nb, out / "duc-xuan.html", "Đức Xuân")


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    return parse(render(tmp_path_factory, "vi"))


@pytest.fixture(scope="module")
def chart_texts():
    """Every text drawn on the page's figures (titles, axes, ticks, legends, labels)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from wardstudy.pipeline import open_ward
    from wardstudy.report import plots

    plots.set_style()
    w = open_ward("duc-xuan", 2023, lang="vi")
    texts, names = [], set(w.peer_names.values())
    for fig, caption, alt in plots.ward_figures(w).values():
        FigureCanvasAgg(fig).draw()
        texts += [t.get_text() for t in fig.findobj(lambda o: hasattr(o, "get_text")) if t.get_text().strip()]
    return [t for t in texts if t not in names], names


pytestmark = pytest.mark.slow


def test_every_column_header_and_row_label_is_in_the_glossary(page):
    assert page.col_headers and page.row_headers
    bad = [h for h in page.col_headers + page.row_headers if not in_glossary(h)]
    assert bad == []


def test_every_heading_and_caption_is_in_the_glossary(page):
    names = {"Phường Đức Xuân, năm 2023", "Đức Xuân"}
    assert "Tóm tắt" in page.headings and "1. Tiêu chí" in page.headings
    assert [h for h in page.headings if not in_glossary(h, names)] == []
    assert len(page.captions) == len(page.alts) == 6                  # a caption and alt text for every figure
    assert all(in_glossary(c) for c in page.captions) and all(a.strip() for a in page.alts)


def test_every_chart_text_is_in_the_glossary_with_no_english(chart_texts):
    texts, names = chart_texts
    assert "Tội phạm về trật tự xã hội" in texts and "T1/2022" in texts   # a month on a date axis
    assert [t for t in texts if not in_glossary(t, names)] == []
    joined = " | ".join(texts)
    assert english_words(joined) == [] and bad_dates(joined) == [] and bad_percentages(joined) == []


def test_the_page_has_no_english_word_no_other_date_format_and_one_decimal_per_percentage(page):
    text = page.visible + " " + " ".join(page.alts)
    assert english_words(text) == []
    assert bad_dates(text) == []
    assert bad_percentages(text) == []
    assert "30/06/2025" in text and "100,0%" in text                    # the formats are there, not avoided


def test_duc_xuan_section_2_reads_like_the_police_report(page):
    # 12 cases in 2023 against 19 in 2022: −7/19 = −36.8%; conditional on 31 cases, 12 ~ Binomial(31, 1/2),
    # two-sided p = 2 * sum(C(31, k), k <= 12) / 2**31 = 0.281.
    assert ("Tội phạm về trật tự xã hội, năm 2023 so với cùng kỳ năm 2022: xảy ra 12 vụ, giảm 07 vụ (−36,8%) so với "
            "cùng kỳ; khác biệt không có ý nghĩa thống kê (p = 0,28)") in page.visible
    guide = page.visible.index("Cách đọc")
    assert guide < page.visible.index("xảy ra 12 vụ, giảm 07 vụ", guide)   # the reading guide comes first
    assert "Nghị định 09/2019/NĐ-CP" in page.visible and "15/12" in page.visible


def test_the_page_opens_with_a_summary_and_is_honest_about_its_data(page):
    text = page.visible
    summary = text[text.index("Tóm tắt"):text.index("1. Tiêu chí")]
    assert "đạt 21/22 tiêu chí; chưa đạt: C20" in summary
    assert "khác biệt không có ý nghĩa thống kê (p = 0,28)" in summary
    assert "DỮ LIỆU GIẢ LẬP (MÔ PHỎNG)" in text and "TỔNG HỢP MINH HỌA" not in text
    assert "khớp do dữ liệu được hiệu chỉnh theo số công bố" in text
    assert "Mức tham chiếu" in page.col_headers and "Mục tiêu" not in page.col_headers
    assert "wardstudy run --ward" not in text                           # developer instructions are in the README
    # Randomisation p as k/(J + 1): the DiD p of 0.25 with 7 comparison units is 2/8.
    assert "p = 2/8 = 0,250" in text
