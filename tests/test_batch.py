"""`wardstudy run` end to end, the papermill command line, and the offline HTML rule."""

import csv
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from wardstudy import paths
from wardstudy.pipeline import batch

BIN = Path(sys.executable).parent
# A tag that makes the browser fetch something: <script src>, <link href>, <img src>.
FETCHING_TAG = re.compile(r"<(script|link|img)\b[^>]*?\b(src|href)\s*=\s*[\"']?\s*(https?:)?//", re.IGNORECASE)


def internet_refs(html: str) -> list[str]:
    """Every script/link/img tag whose src/href points to the internet (http(s):// or //host)."""
    return [m.group(0) for m in FETCHING_TAG.finditer(html)]


def test_helper_internet_refs_finds_cdn_scripts_and_ignores_reader_links():
    # A test of the helper above (used by the page test below), not of wardstudy itself.
    page = ('<script src="https://cdn.example/require.js"></script><link rel="stylesheet" href="//cdn/x.css">'
            '<img src="data:image/png;base64,AAAA"><a href="https://baobackan.com.vn/">nguồn</a>')
    assert len(internet_refs(page)) == 2


def test_discover_names_a_ward_without_a_params_file(tmp_path):
    (tmp_path / "duc-xuan.yaml").write_text("ward: duc-xuan\nyear: 2023\n")
    with pytest.raises(ValueError, match="no params file for nowhere"):
        batch.discover(tmp_path, ["nowhere"])


def test_every_shipped_params_file_validates():
    from wardstudy.pipeline import params

    files = sorted(paths.params_dir().glob("*.yaml"))
    assert {f.stem for f in files} == {"duc-xuan", "xuat-hoa", "song-cau", "phung-chi-kien",
                                       "nguyen-thi-minh-khai", "huyen-tung", "duc-xuan-2025"}
    for f in files:
        assert params.validate(**batch.read_params(f)).ward == f.stem


@pytest.fixture(scope="module")
def batch_run(tmp_path_factory):
    """One run of the real command: two wards plus a params file naming a ward that does not exist.

    Started from an unrelated cwd, so any path resolved against the cwd would break it.
    """
    root = tmp_path_factory.mktemp("batch")
    params_dir, out = root / "params", root / "out"
    params_dir.mkdir()
    for slug in ["duc-xuan", "xuat-hoa"]:
        shutil.copy(paths.params_dir() / f"{slug}.yaml", params_dir)
    (params_dir / "nowhere.yaml").write_text("ward: nowhere\nyear: 2024\n", encoding="utf-8")
    out.mkdir()
    (out / "nowhere.html").write_text("<p>a page from an earlier run</p>")   # must not survive
    proc = subprocess.run([str(BIN / "wardstudy"), "run", "--params-dir", str(params_dir), "--out", str(out),
                           "--jobs", "2"], cwd=root, capture_output=True, text=True, timeout=600)
    return proc, out, params_dir


@pytest.mark.slow
def test_a_nonexistent_ward_fails_alone_clearly_and_the_run_exits_nonzero(batch_run):
    proc, out, _ = batch_run
    assert proc.returncode == 1, proc.stderr
    output = proc.stdout + proc.stderr
    assert re.search(r'nowhere\.yaml: ward "nowhere" is not a known unit', output), output
    assert "FAILED nowhere" in proc.stdout
    assert (out / "duc-xuan.html").exists() and (out / "xuat-hoa.html").exists()
    assert not (out / "nowhere.html").exists()


@pytest.mark.slow
def test_ward_pages_show_the_banner_the_published_figures_and_no_code(batch_run, page_text):
    _, out, _ = batch_run
    page = (out / "duc-xuan.html").read_text(encoding="utf-8")
    visible = page_text(out / "duc-xuan.html")
    assert '<meta charset="utf-8"' in page
    assert "DỮ LIỆU GIẢ LẬP (MÔ PHỎNG)" in page
    assert "Phường Đức Xuân" in page and "01840" in page
    # The summary comes first: criteria, then the crime change with its honest verdict.
    summary = visible[visible.index("Tóm tắt"):visible.index("1. ")]
    assert "Tiêu chí: năm 2023 đạt 21/22 tiêu chí; chưa đạt: C20." in summary
    assert ("xảy ra 12 vụ, giảm 07 vụ (−36,8%) so với cùng kỳ; khác biệt không có ý nghĩa thống kê (p = 0,28)"
            in summary)
    # The published-figures row: as published, recomputed beside it, and a match said to come from calibration.
    assert ("Số tiêu chí đạt 21/22 (95,5%) 21/22 (95,5%) ✓ khớp do dữ liệu được hiệu chỉnh theo số công bố"
            in visible), visible
    assert page.count("✓ khớp") == 8 and "✗ lệch" not in page          # all 8 published figures match
    assert page.count("data:image/png;base64,") >= 6
    for html in out.glob("*.html"):
        text = html.read_text(encoding="utf-8")
        # (code classes also occur in the inlined CSS, and markdown cells sit in jp-InputArea: look for
        # elements of a code editor or highlighted Python)
        assert not re.search(r'class="[^"]*(jp-CodeMirrorEditor|hl-ipython3|jp-InputPrompt)', text), html.name
        assert "wardstudy.params" not in text, html.name
        assert "plots.monthly_crimes" not in text, html.name


@pytest.mark.slow
def test_no_generated_page_loads_anything_from_the_internet(batch_run):
    _, out, _ = batch_run
    pages = list(out.glob("*.html"))
    assert sorted(p.name for p in pages) == ["duc-xuan.html", "index.html", "programme.html", "xuat-hoa.html"]
    for html in pages:
        assert internet_refs(html.read_text(encoding="utf-8")) == [], html.name


@pytest.mark.slow
def test_index_links_every_written_ward_and_the_csv_keeps_the_contract(batch_run):
    _, out, _ = batch_run
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="duc-xuan.html"' in index and 'href="xuat-hoa.html"' in index
    assert "21/22 (95,5%)" in index and "nowhere" in index and "not a known unit" in index
    with open(out / "indicators.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["ward", "year", "indicator", "value", "numerator", "denominator", "ci_low", "ci_high"]
    dx = {r["indicator"]: r for r in rows if r["ward"] == "duc-xuan" and r["year"] == "2023"}
    assert (dx["criteria_met_share"]["numerator"], dx["social_order_crime_change"]["value"]) == ("21", "-7")


@pytest.mark.slow
def test_a_second_run_skips_unchanged_wards_and_says_so(batch_run, tmp_path):
    _, shared_out, params_dir = batch_run
    # A copy: a run of one ward rewrites the index with that ward only, which other tests of the
    # shared run read (in whatever order they run).
    out = tmp_path / "out"
    shutil.copytree(shared_out, out)
    before = (out / "duc-xuan.html").stat().st_mtime_ns
    proc = subprocess.run([str(BIN / "wardstudy"), "run", "--params-dir", str(params_dir), "--out", str(out),
                           "--ward", "duc-xuan"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "skipped duc-xuan: unchanged" in proc.stdout
    assert (out / "duc-xuan.html").stat().st_mtime_ns == before


@pytest.mark.slow
def test_the_papermill_command_line_runs_the_notebook_from_another_cwd(tmp_path):
    # The vanilla command of the README, from a folder that is not the project root.
    proc = subprocess.run([str(BIN / "papermill"), str(paths.notebooks_dir() / "ward_report.ipynb"), "out.ipynb",
                           "-f", str(paths.params_dir() / "xuat-hoa.yaml"), "--no-progress-bar"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    import nbformat

    nb = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
    assert any("Xuất Hóa" in str(c.get("outputs", "")) for c in nb.cells)


@pytest.mark.slow
def test_a_notebook_that_fails_is_kept_as_failed_and_its_old_page_removed(tmp_path):
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook(cells=[new_code_cell("ward = 'x'", metadata={"tags": ["parameters"]}),
                             new_code_cell("raise RuntimeError('criteria table is empty')")])
    nb.metadata["kernelspec"] = {"name": "wardstudy", "display_name": "wardstudy", "language": "python"}
    notebook = tmp_path / "broken.ipynb"
    nbformat.write(nb, notebook)
    (tmp_path / "x.html").write_text("<p>old page</p>")
    job = batch.WardJob(slug="x", parameters={"ward": "x"}, out_dir=tmp_path,
                        notebook=notebook, title="x", fingerprint="0")
    result = batch.run_ward(job)
    # The worker writes nothing itself: the main process stores what it sends back.
    assert sorted(result.outputs) == ["x.failed.ipynb"] and (tmp_path / "x.html").exists()
    batch.store_outputs(job, result)
    assert not result.ok
    assert "RuntimeError: criteria table is empty" in result.message
    assert (tmp_path / "x.failed.ipynb").exists() and not (tmp_path / "x.ipynb").exists()
    assert not (tmp_path / "x.html").exists()


@pytest.mark.slow
def test_a_forced_rerun_writes_the_same_bytes(batch_run):
    # Same inputs, same pages: no clock time on the index, no random cell id on a page.
    _, out, params_dir = batch_run

    def forced_run():
        proc = subprocess.run([str(BIN / "wardstudy"), "run", "--params-dir", str(params_dir), "--out", str(out),
                               "--force"], cwd=out.parent, capture_output=True, text=True, timeout=600)
        assert proc.returncode == 1, proc.stderr   # "nowhere" still fails, alone
        return {name: (out / name).read_bytes() for name in ["xuat-hoa.html", "index.html", "indicators.csv"]}

    first, second = forced_run(), forced_run()
    for name, content in first.items():
        assert second[name] == content, name


@pytest.mark.slow
def test_duc_xuan_page_says_for_each_design_its_result_and_what_it_could_have_detected(batch_run, page_text):
    _, out, _ = batch_run
    text = page_text(out / "duc-xuan.html")
    impact = text[text.index("8. Đánh giá tác động"):text.index("9. Số liệu đã công bố")]
    for method in ["Khác biệt kép", "Đối chứng tổng hợp", "Chuỗi thời gian ngắt quãng"]:
        assert method in impact
    # Each row ends with what the method could detect at 0.05, the verdicts' level. With 7 comparison
    # units the randomisation tests cannot go below 1/8: they detect nothing, and p < 0.05 needs
    # 1/(J + 1) < 0.05, J >= 20. The time series is simulated.
    assert impact.count("không phát hiện được tác động nào, dù lớn đến đâu") == 2
    assert impact.count("cần ít nhất 20 đơn vị so sánh") == 2
    assert impact.count("phát hiện được mức giảm") + impact.count("xác suất phát hiện chưa tới 80%") == 1
    assert "với phương pháp này p không thể nhỏ hơn 1/8 = 0,125" in impact
    assert "ba phép kiểm định trên cùng một số liệu" in impact.lower()
    assert "giả định bắt đầu từ tháng 1/2023" in impact


def test_each_worker_is_replaced_after_its_share_and_more_wards_than_workers_never_hang(monkeypatch):
    # ProcessPoolExecutor(max_tasks_per_child=2) with 2 workers hangs on 12 tasks on Python 3.11
    # (CPython gh-115634); the batch's own pool (wardstudy.workers) replaces each worker itself.
    # Each job here is os.getpid, called in a worker: the results say which process served it.
    import operator
    import os
    import threading

    monkeypatch.setattr(batch, "MAX_WARDS_PER_WORKER", 2)
    served = []
    runner = threading.Thread(target=lambda: served.extend(
        pid for _, pid in batch._run_in_rounds([os.getpid] * 12, 2, task=operator.call)))
    runner.start()
    runner.join(timeout=120)
    assert not runner.is_alive(), "the pool hung"
    assert len(served) == 12
    # 2 wards per worker: at least 6 fresh processes, none serving more than 2.
    assert len(set(served)) >= 6
    assert max(served.count(pid) for pid in set(served)) <= 2


def _counting_builds(monkeypatch, fail_with=None):
    """batch.ensure_build, counting its calls (and raising `fail_with` when given)."""
    calls = []
    real = batch.ensure_build

    def counted(key, **kwargs):
        calls.append(key)
        if fail_with is not None:
            raise fail_with
        return real(key, **kwargs)

    monkeypatch.setattr(batch, "ensure_build", counted)
    return calls


def _requests_for(data_dir, n=3):
    return [batch.ReportRequest(f"w{i}", f"request {i}", values={"ward": "duc-xuan", "year": 2024,
                                                                  "data_dir": data_dir}) for i in range(n)]


def test_a_bad_data_folder_is_read_once_and_fails_only_its_own_wards(monkeypatch, tmp_path):
    calls = _counting_builds(monkeypatch)
    missing = str(tmp_path / "no-such-folder")
    jobs, failures, checked = batch._preflight(_requests_for(missing), tmp_path / "out",
                                               paths.notebooks_dir() / "ward_report.ipynb", builds={})
    assert calls == [missing]  # once, not once per ward
    assert jobs == [] and checked == {}
    assert [f.slug for f in failures] == ["w0", "w1", "w2"]
    assert all(f"the data in {missing} have" in f.message for f in failures)


def test_a_build_that_fails_for_another_reason_stops_the_run_once(monkeypatch, tmp_path):
    # As the national build once did ("need at least two periods", a 2021 pilot): the
    # package's fault, the same for every ward, so neither blamed on a ward nor recomputed
    # for each (before: a ValueError was taken for a bad params file, and the next ward
    # started the whole build again).
    calls = _counting_builds(monkeypatch, fail_with=ValueError("need at least two periods"))
    with pytest.raises(ValueError, match="two periods"):
        batch._preflight(_requests_for(None), tmp_path / "out", paths.notebooks_dir() / "ward_report.ipynb",
                         builds={})
    assert calls == [None]
