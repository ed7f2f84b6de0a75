"""One question, one answer: the page, the index and the export agree, with any baseline.

End to end through `wardstudy run`: the ward's notebook reads the build, the index and
indicators.csv read the same build.
"""

import csv
import shutil

import pandas as pd
import pytest

from wardstudy import paths
from wardstudy.pipeline import batch, open_ward

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Đức Xuân 2023 twice: with November-December 2022 crime rows removed, and against 2021."""
    root = tmp_path_factory.mktemp("one-answer")
    partial = root / "partial-data"
    shutil.copytree(paths.synthetic_dir(), partial)
    crimes = pd.read_csv(partial / "crimes.csv", dtype=str)
    gone = (crimes["ward"] == "duc-xuan") & crimes["month"].isin(["2022-11", "2022-12"])
    crimes[~gone].to_csv(partial / "crimes.csv", index=False, lineterminator="\n")
    params_dir = root / "params"
    params_dir.mkdir()
    (params_dir / "dx-partial.yaml").write_text(f"ward: duc-xuan\nyear: 2023\ndata_dir: {partial}\n")
    (params_dir / "dx-2021.yaml").write_text("ward: duc-xuan\nyear: 2023\nbaseline_year: 2021\n")
    out = root / "reports"
    summary = batch.run(out=out, params_dir=params_dir, jobs=2, progress=False, echo=lambda _: None)
    assert summary.exit_code == 0, summary.text()
    return out, partial


def test_a_partial_baseline_gives_one_change_on_the_page_the_index_and_the_export(runs, page_text):
    out, partial = runs
    change = open_ward("duc-xuan", 2023, data_dir=partial).comparison("social_order")
    # Hand count on the shipped panel: 19 cases in 2022 and 12 in 2023; months 1-10 alone differ.
    assert change["months_compared"] == "1–10" and change["months"] == 10
    difference = int(change["after"] - change["before"])
    minus = "−" if difference < 0 else "+"
    page = page_text(out / "dx-partial.html")
    word = "giảm" if difference < 0 else "tăng"
    assert f"xảy ra {int(change['after']):02d} vụ, {word} {abs(difference):02d} vụ" in page
    assert "01/01/2023 – 31/10/2023" in page  # the page says which months were compared
    index = page_text(out / "index.html")
    assert f"{minus}{abs(difference)}" in index and "so sánh 01/01/2023 – 31/10/2023 với cùng kỳ 2022" in index
    # The export is written from the shipped-data build; the partial folder's own export agrees too.
    from wardstudy.pipeline.build import ensure_build

    exported = ensure_build(partial).read("indicators", ward="duc-xuan", year=2023)
    value = exported.loc[exported["indicator"] == "social_order_crime_change", "value"].iloc[0]
    assert value == difference


def test_a_baseline_two_years_back_is_used_by_every_section(runs, page_text):
    out, _ = runs
    w = open_ward("duc-xuan", 2023, baseline_year=2021)
    change = w.comparison("social_order")
    assert change["baseline_year"] == 2021
    difference = int(change["after"] - change["before"])
    shown = ("−" if difference < 0 else "+" if difference > 0 else "") + str(abs(difference))
    page = page_text(out / "dx-2021.html")
    assert "năm 2023 so với cùng kỳ năm 2021" in page                      # section 2
    assert "so sánh với cùng kỳ 01/01/2021 – 31/12/2021" in page                # header
    values = w.values.set_index("indicator")
    assert values.loc["social_order_crime_change", "value"] == difference  # targets and ranking read these
    targets = page[page.index("11. Tổng hợp"):]
    assert f"Tội phạm về trật tự xã hội: tăng (+), giảm (−) so với cùng kỳ (vụ) {shown} giảm so với cùng kỳ" in targets
    # The ranking shows the same change per 1,000 residents (wards differ in size), ranked among peers.
    ranking = page[page.index("10. Vị trí"):page.index("11. Tổng hợp")]
    per_1000 = difference / w.residents() * 1000
    rank = w.ranking.set_index("indicator").loc["social_order_crime_change"]
    shown_rate = f"{abs(per_1000):.2f}".replace(".", ",")
    sign = "−" if per_1000 < 0 else ""
    assert (f"so với cùng kỳ (vụ/1.000 dân) {sign}{shown_rate} thứ {int(rank['rank'])}/{int(rank['n_peers'])}"
            in ranking), ranking
    with open(out / "indicators.csv", encoding="utf-8") as f:
        exported = [r for r in csv.DictReader(f) if r["ward"] == "duc-xuan" and r["year"] == "2023"
                    and r["indicator"] == "social_order_crime_change"]
    # The export keeps the contract's definition (against the year before): 12 - 19.
    assert exported[0]["value"] == "-7"


def test_a_ward_notebook_reads_only_its_own_rows():
    w = open_ward("xuat-hoa", 2024)
    assert set(w.values["ward"]) == {"xuat-hoa"}
    assert all(set(frame["ward"]) <= {"xuat-hoa"} for frame in w.records.values())
    assert set(w.peers["peer_group"]) == {w.unit["district_code"]}


def test_the_build_is_reused_until_an_input_changes(tmp_path):
    from wardstudy.pipeline.build import ensure_build

    data = tmp_path / "data"
    shutil.copytree(paths.synthetic_dir(), data)
    first = ensure_build(data)
    stamp = (first.path / "manifest.json").stat().st_mtime_ns
    assert ensure_build(data).manifest == first.manifest
    assert (first.path / "manifest.json").stat().st_mtime_ns == stamp  # reused, not rewritten
    tips = data / "tips.csv"
    tips.write_bytes(tips.read_bytes())  # rewritten with the same bytes: still reused
    assert ensure_build(data).manifest["inputs"] == first.manifest["inputs"]
    crimes = pd.read_csv(data / "crimes.csv", dtype=str)
    crimes.loc[0, "count"] = str(int(crimes.loc[0, "count"]) + 1)
    crimes.to_csv(data / "crimes.csv", index=False, lineterminator="\n")
    assert ensure_build(data).manifest["inputs"] != first.manifest["inputs"]


def test_a_relative_data_dir_means_the_project_root_everywhere(tmp_path, monkeypatch):
    monkeypatch.chdir(paths.notebooks_dir())  # as JupyterLab or papermill run from notebooks/
    w = open_ward("duc-xuan", 2023, data_dir="data/synthetic")
    assert w.build.data_dir == paths.synthetic_dir()
    from wardstudy.pipeline.params import ParameterError

    with pytest.raises(ParameterError, match=str(paths.project_root() / "no-such-folder")):
        open_ward("duc-xuan", 2023, data_dir="no-such-folder")
