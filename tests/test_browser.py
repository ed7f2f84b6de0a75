"""The pages as a reviewer opens them: from file://, offline, in headless Chromium.

Every page of one test run (`rendered_run` in conftest.py: Đức Xuân, a Xuất Hóa whose unit
name carries a <script> tag, a failed ward, and the index) is opened in one shared browser
(`chromium`). Checked: no request leaves the page, no console error, every image decodes,
Vietnamese letters arrive intact and have glyphs, a hostile unit name is shown as text and
runs nothing, and the A4 print stylesheet keeps tables and figures whole. The index's
grouping and name filter are checked on 1,700 wards.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from wardstudy.report.pages import index_html

# Schemes that never leave the page: the page itself, embedded figures.
LOCAL_SCHEMES = ("data:", "about:", "blob:")
# A4 in CSS px (96 per inch) and the margins of the @page rules.
MM = 96 / 25.4
A4_PRINTABLE_HEIGHT = (297 - 2 * 15) * MM
A4_PRINTABLE_WIDTH = (210 - 2 * 12) * MM


@dataclass
class Opened:
    """A page opened from file://, with everything it asked for and complained about."""

    page: object
    url: str
    requests: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    def problems(self) -> list[str]:
        elsewhere = [u for u in self.requests if not u.startswith(LOCAL_SCHEMES) and u != self.url]
        return [f"request: {u[:120]}" for u in elsewhere] + [f"console: {e[:300]}" for e in self.errors]


@pytest.fixture
def open_page(chromium):
    """Opens a file in a fresh context of the shared browser; any request for something other
    than the page itself is recorded, and one that would leave the machine is aborted."""
    contexts = []

    def opener(path: Path, **context_options) -> Opened:
        context = chromium.new_context(**context_options)
        contexts.append(context)

        def route(r):
            (r.continue_ if r.request.url.startswith(("file:",) + LOCAL_SCHEMES) else r.abort)()

        context.route("**/*", route)
        page = context.new_page()
        opened = Opened(page, Path(path).resolve().as_uri())
        page.on("request", lambda req: opened.requests.append(req.url))
        page.on("console", lambda msg: opened.errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda err: opened.errors.append(f"uncaught: {err}"))
        page.on("dialog", lambda dialog: (opened.errors.append(f"dialog: {dialog.message}"), dialog.dismiss()))
        page.goto(opened.url, wait_until="load")
        page.evaluate("document.fonts.ready.then(() => true)")
        return opened

    yield opener
    for context in contexts:
        context.close()


def run_pages(out: Path) -> list[Path]:
    pages = sorted(out.glob("*.html"))
    assert {p.name for p in pages} >= {"index.html", "duc-xuan.html", "xuat-hoa.html"}, pages
    return pages


# --------------------------------------------------------------------------- every page

@pytest.mark.slow
def test_every_page_of_a_run_opens_offline_with_no_request_no_console_error_and_every_image_decoded(
        rendered_run, open_page):
    out, _ = rendered_run
    problems, images = {}, {}
    for path in run_pages(out):
        opened = open_page(path)
        decoded = opened.page.evaluate("""() => Promise.all(Array.from(document.images).map(img =>
            img.decode().then(() => [img.naturalWidth, img.naturalHeight], () => [0, 0])))""")
        broken = [i for i, (w, h) in enumerate(decoded) if not (w > 0 and h > 0)]
        problems[path.name] = opened.problems() + [f"image {i} not decoded" for i in broken]
        images[path.name] = len(decoded)
    assert {name: p for name, p in problems.items() if p} == {}
    # The ward pages carry their figures (embedded PNGs); the check above saw them.
    assert images["duc-xuan.html"] >= 6 and images["xuat-hoa.html"] >= 6, images


GLYPH_PROBE = """(chars) => {
    // Draws each character in the page's own font stack and compares it with a code point no
    // font has: a letter drawn as that box (or as nothing) has no glyph on this machine.
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 64;
    const g = canvas.getContext('2d', {willReadFrequently: true});
    g.font = '40px ' + getComputedStyle(document.body).fontFamily;
    const draw = (ch) => {
        g.clearRect(0, 0, 64, 64);
        g.fillText(ch, 8, 48);
        const d = g.getImageData(0, 0, 64, 64).data;
        let bits = '';
        for (let i = 3; i < d.length; i += 4) bits += d[i] > 96 ? '1' : '0';
        return bits;
    };
    const missing = draw('\\u{10FFFD}');
    return chars.filter(ch => { const bits = draw(ch); return bits === missing || !bits.includes('1'); });
}"""


# UTF-8 read as Latin-1 or cp1252: a Latin-1 letter followed by a byte 0x80-0xBF shown as a C1
# control, a Latin-1 sign or a cp1252 symbol ("Phường" -> "PhÆ°á»\x9dng"); never in Vietnamese.
# (cp1252's quotes and dashes are left out: "à”" is legitimate text.)
MOJIBAKE = re.compile("[\u00c0-\u00ff][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
                      "\u02c6\u02dc\u2020\u2021\u2022\u2030\u2039\u203a\u20ac\u2122]")


def non_ascii_letters(text: str) -> list[str]:
    return sorted({c for c in text if ord(c) > 127 and unicodedata.category(c).startswith("L")})


@pytest.mark.slow
def test_vietnamese_text_arrives_intact_and_every_letter_has_a_glyph(rendered_run, open_page):
    out, _ = rendered_run
    expected = {"index.html": "Công an phường điển hình", "duc-xuan.html": "Phường Đức Xuân",
                "xuat-hoa.html": "Phường Xuất Hóa"}
    for path in run_pages(out):
        opened = open_page(path)
        assert opened.page.evaluate("document.characterSet") == "UTF-8", path.name
        text = opened.page.inner_text("body")
        garbled = MOJIBAKE.findall(text)
        assert garbled == [] and "\ufffd" not in text, f"{path.name}: UTF-8 read as another encoding: {garbled[:5]}"
        if path.name in expected:
            assert expected[path.name] in unicodedata.normalize("NFC", text), path.name
        letters = non_ascii_letters(text)
        assert {"ư", "ờ", "ệ", "Đ"} <= set(letters) or path.name not in expected, (path.name, letters)
        assert opened.page.evaluate(GLYPH_PROBE, letters) == [], path.name
    # The probe can fail: a private-use code point has no glyph in any font here.
    assert opened.page.evaluate(GLYPH_PROBE, ["\U0010FFFC", "ệ"]) == ["\U0010FFFC"]


@pytest.mark.slow
def test_a_unit_named_with_a_script_tag_shows_it_as_text_and_runs_nothing(rendered_run, open_page, injected_name):
    out, _ = rendered_run
    for name in ["xuat-hoa.html", "index.html"]:
        opened = open_page(out / name)
        page = opened.page
        assert page.evaluate("typeof window.__wsInjected") == "undefined", name
        text = page.inner_text("body")
        assert injected_name in text, f"{name}: the name is not shown as written"
        # Nothing of the name became an element: no extra script, no image from "x".
        assert page.evaluate("Array.from(document.images).filter(i => i.getAttribute('src') === 'x').length") == 0
        assert not any(s.startswith("file:") and s.endswith("/x") for s in opened.requests), name
        assert opened.problems() == [], name
    ward = open_page(out / "xuat-hoa.html").page
    assert injected_name in ward.title()   # </title> inside the name did not close the title


# --------------------------------------------------------------------------- print

PRINT_PROBE = """() => {
    const pageSizes = [];
    for (const sheet of document.styleSheets) {
        for (const rule of sheet.cssRules) {
            if (rule instanceof CSSPageRule) pageSizes.push(rule.style.getPropertyValue('size'));
        }
    }
    const whole = (el) => getComputedStyle(el).breakInside;
    const figures = Array.from(document.querySelectorAll('img'));
    const captioned = Array.from(document.querySelectorAll('figure'));
    return {
        pageSizes,
        tables: Array.from(document.querySelectorAll('table')).map(whole),
        figures: figures.concat(captioned).map(whole),
        figureHeights: figures.map(img => img.getBoundingClientRect().height),
        figureWidths: figures.map(img => img.getBoundingClientRect().width),
        reportTables: Array.from(document.querySelectorAll('table.ws-table')).map(t => {
            const box = t.getBoundingClientRect();
            return [box.width, box.height, t.querySelectorAll('thead th').length];
        }),
        hidden: Array.from(document.querySelectorAll('.ws-nav, .ws-filter')).map(e => getComputedStyle(e).display),
    };
}"""


@pytest.mark.slow
def test_printing_on_a4_keeps_every_table_and_figure_whole(rendered_run, open_page):
    out, _ = rendered_run
    viewport = {"width": int(A4_PRINTABLE_WIDTH), "height": int(A4_PRINTABLE_HEIGHT)}
    for path in run_pages(out):
        opened = open_page(path, viewport=viewport)
        page = opened.page
        page.emulate_media(media="print")
        got = page.evaluate(PRINT_PROBE)
        assert any(size.lower().startswith("a4") for size in got["pageSizes"]), (path.name, got["pageSizes"])
        assert got["tables"] and set(got["tables"]) == {"avoid"}, (path.name, got["tables"])
        assert set(got["figures"]) <= {"avoid"}, path.name
        # A figure that is taller or wider than the printable area could not be kept whole.
        assert all(h <= A4_PRINTABLE_HEIGHT + 1 for h in got["figureHeights"]), (path.name, got["figureHeights"])
        assert all(w <= A4_PRINTABLE_WIDTH + 1 for w in got["figureWidths"]), (path.name, got["figureWidths"])
        assert set(got["hidden"]) <= {"none"}, path.name   # navigation and the filter are not printed
        # A report table fits the printed column, and on a ward's page each fits one page: the
        # impact table's 8 columns, once of equal width (table-layout fixed), ran to a page and
        # a half of words broken mid-syllable.
        assert all(w <= A4_PRINTABLE_WIDTH + 1 for w, _, _ in got["reportTables"]), (path.name, got["reportTables"])
        if path.name not in ("index.html", "programme.html"):
            assert got["reportTables"] and max(h for _, h, _ in got["reportTables"]) <= A4_PRINTABLE_HEIGHT * 0.75, \
                (path.name, got["reportTables"])
        if path.name == "duc-xuan.html":
            pdf = page.pdf(prefer_css_page_size=True, print_background=True)
            boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
            assert len(boxes) >= 5, len(boxes)
            for w, h in boxes:   # A4: 210 x 297 mm = 595.3 x 841.9 pt
                assert abs(float(w) - 595.3) < 1.5 and abs(float(h) - 841.9) < 1.5, (w, h)
        assert opened.problems() == [], path.name


# --------------------------------------------------------------------------- the index

@pytest.mark.slow
def test_the_run_index_lists_each_ward_with_its_status_and_links_only_written_pages(rendered_run, open_page,
                                                                                    injected_name):
    out, proc = rendered_run
    assert proc.returncode == 1, proc.stdout + proc.stderr   # "nowhere" fails, alone
    page = open_page(out / "index.html").page
    rows = page.evaluate("""() => Array.from(document.querySelectorAll('tr[data-q]')).map(tr =>
        [tr.className, tr.querySelector('a') ? tr.querySelector('a').getAttribute('href') : null])""")
    assert sorted(rows) == [["st-failed", None], ["st-ok", "duc-xuan.html"], ["st-ok", "xuat-hoa.html"]]
    text = page.inner_text("body")
    assert "21/22 (95,5%)" in text and "not a known unit" in text
    assert "3 báo cáo: 2 đã tạo, 0 không đổi (giữ bản trước), 1 lỗi" in text   # about the pages (issue 22)
    # Grouped by province, then programme year (data/reference/programme.csv); the unknown ward last.
    groups = page.evaluate("""() => Array.from(document.querySelectorAll('table.ws-group')).map(t => [
        t.closest('section').querySelector('h2').firstChild.textContent.trim(),
        t.querySelector('caption').firstChild.textContent.trim().split(' / ')[0],
        Array.from(t.querySelectorAll('tr[data-q] td:first-child')).map(td => td.textContent)])""")
    assert groups == [["Bắc Kạn", "Vào chương trình năm 2023", ["Đức Xuân"]],
                      ["Bắc Kạn", "Vào chương trình năm 2024", [injected_name]],
                      ["Chưa rõ tỉnh", "Năm vào chương trình chưa rõ", ["nowhere"]]]


PROVINCES = ["Bắc Kạn", "Hà Nội", "Thành phố Hồ Chí Minh", "Đà Nẵng", "Điện Biên", "An Giang", "Cà Mau"]


def national_rows(n: int = 1700, hostile_name: str = "<script>window.__wsInjected=1</script>") -> list[dict]:
    """n wards over the provinces above, cohorts 2023-2025 and outside the programme; every
    tenth failed, every seventh skipped; one named like Đức Xuân per province."""
    rows = []
    for i in range(n):
        province = PROVINCES[i % len(PROVINCES)]
        name = "Đức Xuân" if i < len(PROVINCES) else f"Phường số {i}"
        status = "failed" if i % 10 == 9 else "skipped" if i % 7 == 6 else "ok"
        rows.append({"slug": f"w{i:04d}", "name": name, "year": 2024, "baseline_year": 2023,
                     "ok": status != "failed", "skipped": status == "skipped", "province": province,
                     "cohort_year": [2023, 2024, 2025, None][i % 4],
                     "headline": {"Tiêu chí đạt": "20/22 (90,9%)"} if status != "failed" else {},
                     "note": "", "message": "params/x.yaml: year 2031 is outside the data" if status == "failed"
                     else ""})
    if n > 100:
        rows[100]["name"] = hostile_name
    return rows


def test_an_index_of_1700_wards_is_grouped_by_province_and_cohort_and_filters_by_name_offline(
        tmp_path, open_page, injected_name):
    rows = national_rows(hostile_name=injected_name)
    path = tmp_path / "index.html"
    path.write_text(index_html(rows, True, 22, "abc", programme_href="programme.html"), encoding="utf-8")
    assert path.stat().st_size < 2_000_000
    opened = open_page(path)
    page = opened.page
    # Provinces in alphabetical order without diacritics (Đ sorts as D), each with its cohorts.
    headings = page.eval_on_selector_all("section.ws-province h2", "hs => hs.map(h => h.firstChild.textContent.trim())")
    assert headings == ["An Giang", "Bắc Kạn", "Cà Mau", "Đà Nẵng", "Điện Biên", "Hà Nội", "Thành phố Hồ Chí Minh"]
    captions = page.eval_on_selector_all("#tinh-ha-noi caption", "cs => cs.map(c => c.firstChild.textContent.trim())")
    assert [c.split(" / ")[0] for c in captions] == ["Vào chương trình năm 2023", "Vào chương trình năm 2024",
                                                     "Vào chương trình năm 2025", "Chưa vào chương trình"]
    assert page.locator("tr[data-q]").count() == 1700
    assert page.locator("tr.st-failed").count() == 170
    assert page.locator("tr.st-skipped").count() == sum(1 for i in range(1700) if i % 10 != 9 and i % 7 == 6)
    # The programme overview is linked before any ward.
    first_link = page.eval_on_selector("body a", "a => a.getAttribute('href')")
    assert first_link == "programme.html"

    def visible_rows():
        return page.eval_on_selector_all("tr[data-q]", "trs => trs.filter(tr => tr.offsetParent !== null).length")

    # Typed without diacritics or capitals, it still finds the seven Đức Xuân.
    page.fill("#ws-filter", "DUC xuan")
    page.wait_for_function("() => document.getElementById('ws-count').textContent.startsWith('7 /')")
    assert visible_rows() == 7
    assert page.locator("section.ws-province:not([hidden])").count() == 7
    assert page.locator("table.ws-group:not([hidden])").count() == 7   # one cohort group in each province
    page.fill("#ws-filter", "số 1699")
    page.wait_for_function("() => document.getElementById('ws-count').textContent.startsWith('1 /')")
    assert page.locator("section.ws-province:not([hidden])").count() == 1
    page.fill("#ws-filter", "<script>")
    page.wait_for_function("() => document.getElementById('ws-count').textContent.startsWith('1 /')")
    assert page.locator("#ws-none").is_hidden()
    page.fill("#ws-filter", "không có phường này")
    page.wait_for_function("() => document.getElementById('ws-count').textContent.startsWith('0 /')")
    assert page.locator("#ws-none").is_visible()
    page.fill("#ws-filter", "")
    page.wait_for_function("() => document.getElementById('ws-count').textContent === '1700 / 1700'")
    assert visible_rows() == 1700
    assert page.evaluate("typeof window.__wsInjected") == "undefined"
    assert opened.problems() == []


def test_the_index_links_the_programme_overview_only_when_given():
    rows = national_rows(3)
    assert "programme.html" not in index_html(rows, False, 22, "abc")
    page = index_html(rows, False, 22, "abc", programme_href="programme.html")
    assert page.index('href="programme.html"') < page.index('href="w0000.html"')


def test_the_index_shows_each_status_from_ok_skipped_and_failed_rows():
    rows = national_rows(10)
    page = index_html(rows, True, 22, "abc")
    statuses = re.findall(r'<tr data-q="[^"]*" class="st-(\w+)"', page)
    assert (statuses.count("ok"), statuses.count("skipped"), statuses.count("failed")) == (8, 1, 1)
    assert "10 báo cáo: 8 đã tạo, 1 không đổi (giữ bản trước), 1 lỗi" in page
    # A row without province or cohort (an older batch, a params file that failed) is still listed.
    bare = [{"slug": "a", "name": "A", "year": 2023, "baseline_year": 2022, "ok": True, "headline": {},
             "note": "", "message": ""}]
    assert 'href="a.html"' in index_html(bare, True, 22, "abc")


def test_words_in_a_table_read_from_the_left_and_numbers_line_up_on_the_right(rendered_run, open_page):
    # JupyterLab's stylesheet right-aligns every cell of an output table; the report's own rule must win,
    # or the impact table's sentences read ragged-left.
    out, _ = rendered_run
    page = open_page(out / "duc-xuan.html").page
    aligned = page.evaluate("""() => Array.from(document.querySelectorAll('table.ws-table td')).map(td =>
        [td.classList.contains('ws-num'), getComputedStyle(td).textAlign])""")
    assert aligned and {align for num, align in aligned if num} == {"right"}
    assert {align for num, align in aligned if not num} == {"left"}
