"""The HTML export reuses one exporter per language in a process (`batch._exporter`): a page
exported after others, in another language or with another title, is the page a fresh
exporter writes."""

import nbformat

from wardstudy.pipeline import batch


def _notebook(folder, name, html):
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell("", outputs=[nbformat.v4.new_output(
        "display_data", data={"text/html": html})]))
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def test_a_reused_exporter_writes_what_a_fresh_one_writes_in_each_language(tmp_path):
    first = _notebook(tmp_path, "first", "<p>Phường thứ nhất</p>")
    second = _notebook(tmp_path, "second", "<p>Phường thứ hai</p>")
    batch._exporter.cache_clear()
    fresh_vi = batch.export_html(second, tmp_path / "fresh-vi.html", "Hai", "vi").read_bytes()
    batch._exporter.cache_clear()
    fresh_en = batch.export_html(second, tmp_path / "fresh-en.html", "Two", "en").read_bytes()
    batch._exporter.cache_clear()
    # Warm: the same process exports other pages first, in both languages.
    batch.export_html(first, tmp_path / "a.html", "Một", "vi")
    batch.export_html(first, tmp_path / "b.html", "One", "en")
    warm_vi = batch.export_html(second, tmp_path / "warm-vi.html", "Hai", "vi").read_bytes()
    warm_en = batch.export_html(second, tmp_path / "warm-en.html", "Two", "en").read_bytes()
    assert warm_vi == fresh_vi and warm_en == fresh_en
    assert "Danh sách các phường" in warm_vi.decode() and "All wards" in warm_en.decode()
    assert "<title>Hai</title>" in warm_vi.decode() and "Phường thứ nhất" not in warm_vi.decode()
