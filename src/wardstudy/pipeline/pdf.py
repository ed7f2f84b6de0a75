"""A PDF of every page of a run, printed on A4 by Chromium (issue 22, item 7).

`wardstudy run --pdf` prints each ``<out>/<page>.html`` to ``<out>/<page>.pdf`` with the
Chromium that `make test` installs (`make browser`: Debian's ``/usr/bin/chromium``, or
``WARDSTUDY_CHROMIUM``), driven by playwright. The page's own print stylesheet gives A4,
whole tables and figures and headings kept with what follows; Chromium's print header and
footer (drawn in the page margins, on every page) carry the simulated-data warning, the build
and "Trang 3/10" (CSS @page margin boxes are not supported by Chromium). Each PDF is checked
to open: it starts with ``%PDF-``, ends with ``%%EOF``, and has A4 pages.

The browser is opened offline: a page that asks for anything but itself and embedded data is
refused that request (the pages need nothing from the internet).
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

from wardstudy.files import atomic_write_bytes

__all__ = ["CHROMIUM", "PdfProblem", "check_pdf", "pdf_pages", "write_pdfs"]

CHROMIUM = Path(os.environ.get("WARDSTUDY_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# A4 in PDF points (1/72 inch): 210 x 297 mm.
A4_POINTS = (595.28, 841.89)
LOCAL = ("file:", "data:", "about:", "blob:")
# In the PDF, Chromium's own header and footer say what the page's running footer says (on
# every page, in the margins); the page's fixed footer line is hidden so the two do not overlap.
PDF_CSS = ".ws-print-footer { display: none !important; }"
_WORDS = {"vi": ("Trang", "Bản dựng"), "en": ("Page", "Build")}


class PdfProblem(RuntimeError):
    """A PDF that could not be written or does not open."""


_NUMBER = rb"(-?\d+(?:\.\d+)?)"
_MEDIA_BOX = re.compile(rb"/MediaBox\s*\[\s*" + rb"\s+".join([_NUMBER] * 4) + rb"\s*\]")
_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")


def pdf_pages(pdf: bytes) -> list[tuple[float, float]]:
    """The (width, height) in points of each page of a PDF: as many pages as page objects
    (``/Type /Page``), each of the size its /MediaBox gives (Chromium writes one per page; a
    page without one takes the page tree's, the first box).

    >>> pdf_pages(b"<< /Type /Pages /MediaBox [0 0 595.92 842.88] >> << /Type /Page /Parent 2 0 R >>")
    [(595.92, 842.88)]
    """
    boxes = [(float(m.group(3)) - float(m.group(1)), float(m.group(4)) - float(m.group(2)))
             for m in _MEDIA_BOX.finditer(pdf)]
    n = len(_PAGE.findall(pdf))
    if not boxes:
        return []
    pages_boxes = boxes[-n:] if len(boxes) >= n else boxes + [boxes[0]] * (n - len(boxes))
    return pages_boxes[:n]


def check_pdf(pdf: bytes, name: str = "PDF") -> list[tuple[float, float]]:
    """Raise `PdfProblem` unless `pdf` opens: a %PDF- header, an %%EOF trailer and at least
    one page, every page A4 (within 2 pt). Returns the pages' sizes."""
    if not pdf.startswith(b"%PDF-"):
        raise PdfProblem(f"{name}: not a PDF (no %PDF- header)")
    if b"%%EOF" not in pdf[-1024:]:
        raise PdfProblem(f"{name}: cut short (no %%EOF at its end)")
    sizes = pdf_pages(pdf)
    if not sizes:
        raise PdfProblem(f"{name}: no page")
    wrong = [s for s in sizes if abs(s[0] - A4_POINTS[0]) > 2 or abs(s[1] - A4_POINTS[1]) > 2]
    if wrong:
        raise PdfProblem(f"{name}: {len(wrong)} page(s) not A4 ({wrong[0][0]:.0f} x {wrong[0][1]:.0f} pt)")
    return sizes


def _templates(warning: str, build_id: str, lang: str) -> tuple[str, str]:
    """Chromium's print header (the warning) and footer (build, page n/N), 8 pt in the margins."""
    page_word, build_word = _WORDS.get(lang, _WORDS["vi"])
    style = "font-family:'DejaVu Sans',sans-serif;font-size:8px;width:100%;margin:0 12mm;color:#78350f;"
    header = f'<div style="{style}font-weight:bold">{html.escape(warning)}</div>' if warning else "<span></span>"
    build = f"{html.escape(build_word)} {html.escape(build_id)}" if build_id else ""
    footer = (f'<div style="{style}display:flex;justify-content:space-between"><span>{build}</span>'
              f'<span>{html.escape(page_word)} <span class="pageNumber"></span>/<span class="totalPages"></span>'
              f"</span></div>")
    return header, footer


def write_pdfs(pages: list[Path], chromium: Path | None = None) -> list[Path]:
    """Print each HTML page to a PDF beside it (``x.html`` -> ``x.pdf``), each checked to open.

    Raises `PdfProblem` when Chromium is missing or a PDF does not open (the others already
    written are kept). Returns the PDFs written.
    """
    chromium = Path(chromium or CHROMIUM)
    if not chromium.exists():
        raise PdfProblem(f"Chromium not found at {chromium}: `make browser` installs Debian's chromium, or set "
                         f"WARDSTUDY_CHROMIUM to a Chromium binary")
    # playwright's sync API refuses to start in a thread where an asyncio loop runs (a Jupyter
    # kernel, or another sync playwright session, as the browser tests' one): print from a
    # thread of its own, which has no loop.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(_print_pages, pages, chromium).result()


def _print_pages(pages: list[Path], chromium: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), headless=True, args=ARGS)
        try:
            context = browser.new_context()
            context.route("**/*", lambda r: (r.continue_ if r.request.url.startswith(LOCAL) else r.abort)())
            for path in pages:
                path = Path(path).resolve()
                page = context.new_page()
                page.goto(path.as_uri(), wait_until="load")
                lang = page.evaluate("document.documentElement.lang") or "vi"
                warning = page.evaluate("(document.querySelector('.ws-banner strong') || {}).textContent || ''")
                build_id = page.evaluate(
                    "(document.querySelector('.ws-print-footer') || {dataset: {}}).dataset.build || ''")
                page.add_style_tag(content=PDF_CSS)
                header, footer = _templates(" ".join(warning.split()), build_id, lang)
                pdf = page.pdf(format="A4", prefer_css_page_size=True, print_background=True,
                               display_header_footer=True, header_template=header, footer_template=footer,
                               margin={"top": "15mm", "bottom": "20mm", "left": "12mm", "right": "12mm"})
                page.close()
                check_pdf(pdf, path.with_suffix(".pdf").name)
                written.append(atomic_write_bytes(path.with_suffix(".pdf"), pdf))
        finally:
            browser.close()
    return written
