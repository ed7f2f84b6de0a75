"""A page on paper (issue 22, item 7): `pipeline.pdf.write_pdfs` prints a page made with the
reports' own template (the register of the overview, long enough for several pages) on A4
with the Chromium `make browser` installs; every printed page carries the simulated-data
warning, the build and its page number."""

import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from wardstudy.pipeline.pdf import PdfProblem, check_pdf, pdf_pages, write_pdfs

BUILD = "0123456789abcdef"


def _page_text(pdf: Path, number: int) -> str:
    """The text of one page: pdftotext (poppler) if installed, else pypdf if installed."""
    if shutil.which("pdftotext"):
        return subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), "-enc", "UTF-8", str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
    try:
        from pypdf import PdfReader
    except ImportError:
        pytest.skip("no PDF text reader here (pdftotext of poppler-utils, or pypdf)")
    return PdfReader(str(pdf)).pages[number - 1].extract_text()


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """The register (overview section 6) on a page of the reports' template, printed to PDF."""
    from wardstudy.data.register import read_register
    from wardstudy.pipeline.batch import export_html
    from wardstudy.report import overview, pages

    folder = tmp_path_factory.mktemp("pdf")
    html = (pages.banner_html(True, "vi", True) + pages.print_footer_html(SimpleNamespace(manifest={"inputs": BUILD}),
                                                                         True, "vi")
            + "<h2>6. Các phường có nguồn công khai</h2>"
            + overview.register(SimpleNamespace(lang="vi", register=read_register())).data)
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell("", outputs=[nbformat.v4.new_output(
        "display_data", data={"text/html": html})]))
    notebook = folder / "page.ipynb"
    nbformat.write(nb, notebook)
    page = export_html(notebook, folder / "page.html", "Trang thử", "vi")
    (pdf,) = write_pdfs([page])     # the Chromium of `make browser` (or WARDSTUDY_CHROMIUM)
    return pdf


def test_a_page_prints_on_a4_with_the_warning_build_and_number_on_every_page(printed):
    data = printed.read_bytes()
    sizes = pdf_pages(data)
    assert len(sizes) > 1                                         # 29 sources do not fit one A4 page
    for width, height in sizes:                                   # A4: 210 x 297 mm = 595 x 842 pt
        assert abs(width - 595) < 2 and abs(height - 842) < 2, (width, height)
    for number in range(1, len(sizes) + 1):
        text = " ".join(_page_text(printed, number).split())
        assert "DỮ LIỆU GIẢ LẬP (MÔ PHỎNG)" in text, number
        assert f"Bản dựng {BUILD[:12]}" in text and f"Trang {number}/{len(sizes)}" in text, (number, text[-200:])
    # the register's last column (the source, a link named by its site) is printed, not cut (a long
    # name wraps within its column: read without line breaks)
    everything = "".join("".join(_page_text(printed, n).split()) for n in range(1, len(sizes) + 1))
    assert "baobackan.com.vn" in everything and "cadn.com.vn" in everything


def test_a_file_that_is_not_a_whole_a4_pdf_is_refused():
    a4 = b"%PDF-1.4\n<< /Type /Page /MediaBox [0 0 595.92 842.88] >>\n%%EOF\n"
    assert check_pdf(a4) == [(595.92, 842.88)]
    with pytest.raises(PdfProblem, match="no %%EOF"):
        check_pdf(a4[:-7])
    with pytest.raises(PdfProblem, match="not A4"):
        check_pdf(a4.replace(b"595.92 842.88", b"612 792"))          # US Letter
    with pytest.raises(PdfProblem, match="not a PDF"):
        check_pdf(b"<html></html>")
