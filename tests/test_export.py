"""The export command writes the contract's CSV, and never leaves a half-written file."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from wardstudy import files
from wardstudy.cli import app
from wardstudy.indicators import CONTRACT_COLUMNS


def test_indicators_command_writes_contract_csv_with_published_figures(tmp_path):
    out = tmp_path / "reports" / "indicators.csv"
    result = CliRunner().invoke(app, ["indicators", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "SYNTHETIC" in result.output
    table = pd.read_csv(out, dtype={"ward": str})
    assert list(table.columns) == CONTRACT_COLUMNS
    dx = table.query("ward == 'duc-xuan' and year == 2023").set_index("indicator")
    assert dx.loc["criteria_met_share", ["numerator", "denominator"]].tolist() == [21, 22]
    assert dx.loc["social_order_crime_change", "value"] == -7
    assert dx.loc["procedures_early_share", "value"] == 0.2
    # The 8 old units, and the 2 new units of 2025 whose predecessors are all in the data (not Phong Quang).
    assert set(table["ward"]) == {"nguyen-thi-minh-khai", "song-cau", "duc-xuan", "phung-chi-kien",
                                  "huyen-tung", "duong-quang", "nong-thuong", "xuat-hoa",
                                  "duc-xuan-2025", "bac-kan-2025"}
    assert table.groupby("ward")["year"].max().to_dict()["duc-xuan"] == 2024  # ceased in June 2025
    assert not table.duplicated(["ward", "year", "indicator"]).any()


def test_blank_where_not_applicable(tmp_path):
    out = tmp_path / "indicators.csv"
    CliRunner().invoke(app, ["indicators", "--out", str(out)])
    line = next(row for row in out.read_text(encoding="utf-8").splitlines()
                if row.startswith("duc-xuan,2023,fire_safety_groups,"))
    assert line == "duc-xuan,2023,fire_safety_groups,6,,,,"


def test_atomic_write_keeps_the_old_file_when_writing_fails(tmp_path):
    target = tmp_path / "indicators.csv"
    target.write_text("old", encoding="utf-8")

    with pytest.raises(TypeError):
        files.atomic_write_bytes(target, 12345)  # not bytes: fails mid-write, after the temporary file exists
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["indicators.csv"]


def test_what_a_kernel_writes_to_stderr_never_reaches_the_page(tmp_path):
    # A build's waiting message, printed on stderr inside the kernel, once stood in a page's header.
    import nbformat

    from wardstudy.pipeline.batch import export_html

    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell("", outputs=[
        nbformat.v4.new_output("stream", name="stderr", text="wardstudy: another process is making the build\n"),
        nbformat.v4.new_output("display_data", data={"text/html": "<p>Tóm tắt</p>"})]))
    notebook = tmp_path / "page.ipynb"
    nbformat.write(nb, notebook)
    page = export_html(notebook, tmp_path / "page.html", "Trang thử").read_text(encoding="utf-8")
    assert "Tóm tắt" in page
    assert "another process" not in page
