"""The national programme: the synthetic national panel, selections of wards, and the batch
engines (timeouts, a Dask cluster)."""

import hashlib

import pandas as pd
import pytest

from wardstudy.data.national_panel import SYNTHETIC_ROLE, generate_national_panel, write_national_panel
from wardstudy.pipeline import batch
from wardstudy.pipeline.params import ParameterError
from wardstudy.pipeline.selection import Selection, expand, load_selection


@pytest.fixture(scope="module")
def national():
    return generate_national_panel()


# ---------------------------------------------------------------- the national panel

def test_the_panel_has_every_phuong_and_a_rollout_shaped_like_the_published_one(national):
    units, programme = national["units"], national["programme"]
    assert len(units) == 1716 and units["slug"].is_unique and set(units["type"]) == {"phường"}
    by_year = programme["cohort_year"].value_counts().to_dict()
    # 2023: one per province outside the five cities (58) plus one per quận of those cities
    # (47; the list's two other quận are Huế's, a centrally-run city only from 2025), where
    # Bà Rịa–Vũng Tàu's two sourced 2023 pilots both stay: 106, the published quota. 2024: two
    # more per province and one more per quận, where Quảng Nam's three sourced wards all stay.
    # 2021: the four sourced pilots of the centrally-run cities with a year.
    assert by_year == {2021: 4, 2023: 58 + 47 + 1, 2024: 2 * 58 + 47 + 1}
    provinces = units.set_index("slug").loc[programme["ward"], "province_code"].to_numpy()
    first = programme.assign(province_code=provinces).query("cohort_year == 2023")
    per_province = first[~first["province_code"].isin(["01", "31", "48", "79", "92"])].groupby("province_code").size()
    assert len(per_province) == 58 and per_province.drop("77").eq(1).all() and per_province["77"] == 2


def test_sourced_wards_keep_their_year_and_source_and_the_rest_say_synthetic(national):
    from wardstudy.data.register import sourced_cohorts

    programme = national["programme"].set_index("code")
    sourced = sourced_cohorts()
    assert len(sourced) == 16
    for code, year in sourced.items():
        assert programme.loc[code, "cohort_year"] == year, code
        assert programme.loc[code, "role"] != SYNTHETIC_ROLE and programme.loc[code, "url"].startswith("http")
    assert programme.loc["01840", "source"].startswith("Báo Bắc Kạn")
    others = programme.drop(index=list(sourced))
    assert (others["role"] == SYNTHETIC_ROLE).all() and others["source"].str.startswith("synthetic").all()
    # Bắc Kạn's quota is met by the sourced wards: no synthetic ward is added in its province.
    units = national["units"].set_index("slug")
    assert (units.loc[others["ward"], "province_code"] != "06").all()


def test_every_record_table_is_synthetic_and_duc_xuan_keeps_its_published_figures(national):
    for name in ["crimes", "tips", "procedures", "project06", "fire_safety", "community_models",
                 "criteria_assessments"]:
        assert national[name]["synthetic"].all(), name
    crimes = national["crimes"].query("ward == 'duc-xuan' and category == 'social_order'")
    per_year = crimes.groupby(crimes["month"].str[:4])["count"].sum()
    assert per_year["2023"] - per_year["2022"] == -7
    criteria = national["criteria_assessments"].query("ward == 'duc-xuan' and year == 2023")
    assert criteria["met"].sum() == 21 and len(criteria) == 22
    tips = national["tips"].query("ward == 'duc-xuan' and month.str.startswith('2023')")
    assert tips["handled"].sum() == tips["received"].sum() > 0


def test_the_national_panel_is_byte_identical_on_rerun(tmp_path):
    def digest(folder):
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in write_national_panel(folder)}

    assert digest(tmp_path / "a") == digest(tmp_path / "b")


def test_the_national_panel_passes_every_check(national, tmp_path):
    from wardstudy import data

    write_national_panel(tmp_path)
    _, problems = data.check(tmp_path)
    assert problems == []


# ---------------------------------------------------------------- selections

UNITS = pd.DataFrame({"slug": ["a", "b", "c"], "province_code": ["06", "06", "01"],
                      "province": ["Bắc Kạn", "Bắc Kạn", "Hà Nội"]})
PROGRAMME = pd.DataFrame({"ward": ["a", "c"], "cohort_year": [2024, 2023]})


def pages(selection):
    return [r["page"] for r in expand(selection, UNITS, PROGRAMME)]


def test_programme_wards_are_those_in_the_programme_by_the_report_year():
    assert pages(Selection(years=(2023,))) == ["c-2023"]
    assert pages(Selection(years=(2023, 2024))) == ["c-2023", "c-2024", "a-2024"]


def test_all_wards_of_a_province_by_name_in_any_spelling_or_by_code():
    assert pages(Selection(years=(2024,), wards="all", province="Tỉnh Bắc Kạn")) == ["a-2024", "b-2024"]
    assert pages(Selection(years=(2024,), wards="all", province="bac kan")) == ["a-2024", "b-2024"]
    assert pages(Selection(years=(2024,), wards="all", province="1")) == ["c-2024"]


def test_a_selection_has_only_whole_years_of_a_unit_as_a_params_file_would(study):
    # The shipped units across the July 2025 merger: old units end in June 2025; Đức Xuân
    # and Bắc Kạn (new) have their predecessors' sums before; Phong Quang's Đôn Phong is
    # not in the data, so it has no whole year at all.
    got = [r["page"] for r in expand(Selection(years=(2024, 2025), wards="all"), study.units, study.programme)]
    assert sorted(got) == sorted([f"{u}-2024" for u in ["duc-xuan", "duong-quang", "huyen-tung", "nguyen-thi-minh-khai",
                                                        "nong-thuong", "phung-chi-kien", "song-cau", "xuat-hoa"]]
                                 + ["bac-kan-2025-2024", "bac-kan-2025-2025", "duc-xuan-2025-2024", "duc-xuan-2025-2025"])
    from wardstudy import paths

    city = load_selection(paths.params_dir() / "selections" / "bac-kan-city-all.yaml")
    assert len(expand(city, study.units, study.programme)) == 16  # the 8 units of Bắc Kạn city x 2023, 2024


def test_a_selection_that_selects_nothing_or_a_wrong_province_says_so():
    with pytest.raises(ParameterError, match="selects no report"):
        pages(Selection(years=(2022,)))
    with pytest.raises(ParameterError, match='province "Bac Can" has no unit'):
        pages(Selection(years=(2024,), province="Bac Can"))
    with pytest.raises(ParameterError, match="wards"):
        Selection(years=(2024,), wards="every")


@pytest.mark.parametrize("text, message", [
    ("wards: programme\nyaer: 2024\n", 'unknown key "yaer"; did you mean "year"'),
    ("wards: programme\nyear: 2024\nyears: [2024]\n", "not both"),
    ("wards: programme\n", "not neither"),
    ("year: [2024, 'x']\n", "years must be"),
])
def test_a_bad_selection_file_names_the_file_and_the_problem(tmp_path, text, message):
    path = tmp_path / "sel.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ParameterError, match=message) as err:
        load_selection(path)
    assert "sel.yaml" in str(err.value)


def test_the_shipped_national_selection_loads():
    from wardstudy import paths

    selection = load_selection(paths.params_dir() / "selections" / "national-programme.yaml")
    assert selection.wards == "programme" and selection.years == (2024,)


# ---------------------------------------------------------------- engines

def _notebook(tmp_path, body):
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook(cells=[new_code_cell("ward = 'x'", metadata={"tags": ["parameters"]}),
                             new_code_cell(body)])
    nb.metadata["kernelspec"] = {"name": "wardstudy", "display_name": "wardstudy", "language": "python"}
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.mark.slow
def test_a_hung_cell_is_stopped_at_the_timeout_and_fails_only_its_ward(tmp_path):
    import time

    notebook = _notebook(tmp_path, "import time\nif ward == 'hung':\n    time.sleep(300)")
    jobs = [batch.WardJob(slug=s, parameters={"ward": s}, out_dir=tmp_path, notebook=notebook, title=s,
                          fingerprint="0", timeout=3) for s in ["hung", "fine"]]
    start = time.perf_counter()
    results = {job.slug: batch.store_outputs(job, result) for job, result in batch._run_in_rounds(jobs, 2)}
    assert time.perf_counter() - start < 120
    assert not results["hung"].ok and "no cell may run longer than 3 s" in results["hung"].message
    assert results["fine"].ok and (tmp_path / "fine.html").exists()
    assert (tmp_path / "hung.failed.ipynb").exists() and not (tmp_path / "hung.html").exists()


@pytest.mark.slow
def test_a_dask_local_cluster_runs_the_wards_with_the_same_isolation(tmp_path):
    from distributed import LocalCluster

    notebook = _notebook(tmp_path, "if ward == 'broken':\n    raise RuntimeError('no records')")
    jobs = [batch.WardJob(slug=s, parameters={"ward": s}, out_dir=tmp_path, notebook=notebook, title=s,
                          fingerprint="f" + s) for s in ["broken", "one", "two"]]
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        results = {job.slug: batch.store_outputs(job, result)
                   for job, result in batch._run_on_cluster(jobs, cluster.scheduler_address)}
    assert not results["broken"].ok and "RuntimeError: no records" in results["broken"].message
    assert results["one"].ok and results["two"].ok
    assert (tmp_path / "one.html").exists() and (tmp_path / "two.html").exists()
    assert (tmp_path / ".freeze" / "one.sha256").read_text().strip() == "fone"
    assert not (tmp_path / "broken.html").exists()


@pytest.mark.slow
def test_a_run_killed_midway_then_rerun_writes_only_what_is_missing(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    wardstudy = str(Path(sys.executable).parent / "wardstudy")
    selection = tmp_path / "four.yaml"
    selection.write_text("wards: all\nyears: [2024]\nprovince: Bắc Kạn\n", encoding="utf-8")
    out = tmp_path / "out"
    command = [wardstudy, "run", "--selection", str(selection), "--out", str(out), "--jobs", "1",
               "--ward", "duc-xuan-2024", "--ward", "song-cau-2024", "--ward", "xuat-hoa-2024"]
    run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.time() + 300
    while not any(out.glob("*.html")) and time.time() < deadline and run.poll() is None:
        time.sleep(0.2)
    os.killpg(run.pid, signal.SIGKILL)   # the run, its worker and its kernel, as an OOM kill would
    run.wait()
    finished = sorted(p.name for p in out.glob("*.html"))
    assert finished and "index.html" not in finished
    # Nothing half-written looks finished: every page there is whole.
    assert all(p.read_text(encoding="utf-8").rstrip().endswith("</html>") for p in out.glob("*.html"))

    stamped = list((out / ".freeze").glob("*.sha256"))   # a page is finished once stamped
    rerun = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert f"{3 - len(stamped)} page(s) written, {len(stamped)} unchanged (skipped)" in rerun.stdout
    assert sorted(p.name for p in out.glob("*.html")) == [
        "duc-xuan-2024.html", "index.html", "song-cau-2024.html", "xuat-hoa-2024.html"]


def test_the_synthetic_control_never_gets_as_many_donors_as_pre_periods():
    from wardstudy.evaluate.design import ImpactDesign, identifiable_donors

    # 20 comparison units, 8 pre-programme quarters: 7 donors, the nearest in pre-period rate.
    quarters = [2021 + q / 4 for q in range(12)]
    units = ["w"] + [f"c{i:02d}" for i in range(20)]
    level = {"w": 10.0} | {f"c{i:02d}": 10.0 + (i - 9.5) for i in range(20)}
    rates = pd.DataFrame([(u, t, level[u]) for u in units for t in quarters], columns=["ward", "period", "rate"])
    donors = identifiable_donors(rates, ImpactDesign("w", 2023, 2023, units[1:], []))
    assert len(donors) == 7
    assert sorted(donors) == ["c06", "c07", "c08", "c09", "c10", "c11", "c12"]
    # Few enough controls: all of them.
    assert identifiable_donors(rates, ImpactDesign("w", 2023, 2023, units[1:6], [])) == units[1:6]
