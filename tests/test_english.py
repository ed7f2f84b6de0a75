"""The English edition (issue 11): `lang="en"` gives a Đức Xuân page with no Vietnamese
heading, label or sentence of the catalogue left; names of places and documents stay."""

import re
from html.parser import HTMLParser

import pytest

from wardstudy import paths
from wardstudy.indicators.registry import REGISTRY
from wardstudy.report import wording

pytestmark = pytest.mark.slow

# Letters only Vietnamese uses (with their tone marks), and the names that keep them in English.
VIETNAMESE = re.compile(r"[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]", re.IGNORECASE)
NAMES = re.compile(r"Đức Xuân|Xuất Hóa|Sông Cầu|Phùng Chí Kiên|Huyền Tụng|Nguyễn Thị Minh Khai|Dương Quang|"
                   r"Nông Thượng|Phường|Thành phố|Bắc Kạn|Báo Bắc Kạn|QĐ-BCA-V05|NĐ-CP|Sant'Anna")


def vietnamese_left(text: str) -> bool:
    """True when `text` has Vietnamese letters outside the names of places and documents."""
    return bool(VIETNAMESE.search(NAMES.sub("", text)))


def test_the_check_finds_vietnamese_but_not_names():
    assert vietnamese_left("1. Tiêu chí")
    assert not vietnamese_left("Đức Xuân ward, 2023 (Báo Bắc Kạn, 29/01/2024)")


class _Elements(HTMLParser):
    """Headings and table header cells of a page, and its visible text (no code, style, script)."""

    def __init__(self):
        super().__init__()
        self.stack, self.current, self.found, self.text = [], None, [], []

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "img", "meta", "link", "input", "hr"):
            return
        self.stack.append(tag)
        if tag in ("h1", "h2", "h3", "th"):
            self.current = []

    def handle_endtag(self, tag):
        if tag in ("h1", "h2", "h3", "th") and self.current is not None:
            self.found.append(" ".join("".join(self.current).split()).rstrip("¶").strip())
            self.current = None
        while self.stack and self.stack.pop() != tag:
            pass

    def handle_data(self, data):
        if any(t in ("style", "script", "code") for t in self.stack):
            return
        self.text.append(data)
        if self.current is not None:
            self.current.append(data)


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    import papermill

    from wardstudy.pipeline.batch import KERNEL_NAME, export_html

    out = tmp_path_factory.mktemp("page-en")
    nb = out / "duc-xuan.ipynb"
    papermill.execute_notebook(str(paths.notebooks_dir() / "ward_report.ipynb"), str(nb),
                               parameters={"ward": "duc-xuan", "year": 2023, "lang": "en"},
                               kernel_name=KERNEL_NAME, progress_bar=False, cwd=str(paths.notebooks_dir()))
    parser = _Elements()
    parser.feed(export_html(nb, out / "duc-xuan.html", "Đức Xuân").read_text(encoding="utf-8"))
    return parser.found, " ".join(" ".join(parser.text).split())


def test_the_english_page_has_criteria_21_of_22_and_english_headings(page):
    headings, text = page
    assert "1. Criteria" in headings and "Summary" in headings
    assert "21/22 criteria met; not met: C20" in text
    assert ("12 cases, 7 fewer (−36.8%) than the same period; the difference is not statistically "
            "significant (p = 0.28)") in text


def test_no_vietnamese_heading_or_table_header_is_left(page):
    headings, _ = page
    assert len(headings) > 20
    assert [h for h in headings if vietnamese_left(h)] == []


def test_no_sentence_of_the_vietnamese_catalogue_is_left(page):
    _, text = page
    # Entries without placeholders are whole sentences or labels: none may appear in English.
    fixed = [v for v in wording.CATALOGUE["vi"].values() if "{" not in v and len(v) > 12]
    fixed += [spec.label("vi") for spec in REGISTRY.values()]
    assert [v for v in fixed if v in text] == []
    assert "SIMULATED DATA" in text and "DỮ LIỆU" not in text
