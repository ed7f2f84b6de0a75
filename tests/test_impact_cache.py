"""Compute what is asked (issue 25, item 3): a ward-year's impact results are computed when
first needed and cached in the build, so one province of the national panel costs its own
wards and their donors, and the full build reuses (and fills) the same cache.

The panel is two provinces of the synthetic national panel (Bắc Kạn and Hà Giang, 11 phường,
each province one district). The detectable effects (seeded simulations, seconds per ward-year)
and the programme's pooled results are replaced by stubs: what is tested is which ward-years are
computed from which records, and that their rows do not depend on how they were asked for.
"""

import shutil
import sys

import pandas as pd
import pytest

from wardstudy.evaluate import design
from wardstudy.pipeline import build

HA_GIANG = "02"
# Hà Giang's programme wards on the national panel (seed 20240129): Ngọc Hà from 2023 (2023
# and 2024 evaluated), Minh Khai and Nguyễn Trãi from 2024; the data end in 2024.
HA_GIANG_WARD_YEARS = {("ngoc-ha-00692", 2023), ("ngoc-ha-00692", 2024), ("minh-khai-00697", 2024),
                       ("nguyen-trai-00694", 2024)}
# Bắc Kạn city's: Đức Xuân 2023; Xuất Hóa and Sông Cầu 2024.
BAC_KAN_WARD_YEARS = {("duc-xuan", 2023), ("duc-xuan", 2024), ("xuat-hoa", 2024), ("song-cau", 2024)}


@pytest.fixture(scope="module")
def panel(tmp_path_factory):
    """The national panel's tables of Bắc Kạn (06) and Hà Giang (02) as a data folder."""
    from wardstudy.data.national_panel import generate_national_panel

    tables = generate_national_panel()
    units = tables["units"]
    keep = set(units.loc[units["province_code"].isin(["06", HA_GIANG]), "slug"])
    folder = tmp_path_factory.mktemp("two-provinces")
    for name, table in tables.items():
        table = table[table["slug" if name == "units" else "ward"].isin(keep)]
        table.to_csv(folder / f"{name}.csv", index=False, lineterminator="\n")
    return folder


@pytest.fixture(scope="module")
def base(panel, tmp_path_factory):
    """A build cache holding the panel's build without any impact result (made once)."""
    folder = tmp_path_factory.mktemp("base-builds")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WARDSTUDY_BUILD_DIR", str(folder))
        build.ensure_build(panel)
    return folder


@pytest.fixture
def computed(base, monkeypatch, tmp_path):
    """A build cache with the panel's build and no impact result; records each ward-year
    computed and the wards whose records it got."""
    shutil.copytree(base, tmp_path / "builds")
    monkeypatch.setenv("WARDSTUDY_BUILD_DIR", str(tmp_path / "builds"))
    calls = []
    real = design.impact_results

    def counting(study, ward_years=None, **kw):
        calls.append((list(ward_years), set(study.crimes["ward"])))
        return real(study, ward_years, **kw)

    def no_simulations(crimes, project06, d, **kw):  # one row per method, as the real one gives
        return pd.DataFrame({"method": ["did", "synth", "its"], "mde_rate_ratio": [0.5, 0.6, 0.7]}
                            ).reindex(columns=design.DETECTABLE_COLUMNS)

    # One process (the stubs live in this one): what is computed, not how fast.
    monkeypatch.setattr(build.os, "cpu_count", lambda: 1)
    monkeypatch.setattr(design, "impact_results", counting)
    monkeypatch.setattr(design, "detectable_effects", no_simulations)
    monkeypatch.setattr(build, "_programme_tables", lambda *a: {name: pd.DataFrame({"year": [2024]})
                                                                for name in build.PROGRAMME_TABLES})
    return calls


def _ward_years(calls) -> list:
    return [wy for ward_years, _ in calls for wy in ward_years]


def _units_of(panel, province: str) -> set:
    units = pd.read_csv(panel / "units.csv", dtype=str)
    return set(units.loc[units["province_code"] == province, "slug"])


def test_one_province_computes_only_its_four_ward_years_from_its_own_records(panel, computed):
    made = build.ensure_build(panel, impact=sorted(HA_GIANG_WARD_YEARS), jobs=1)
    assert sorted(_ward_years(computed)) == sorted(HA_GIANG_WARD_YEARS)
    assert set().union(*(wards for _, wards in computed)) <= _units_of(panel, HA_GIANG)
    assert not made.manifest["impact"] and not (made.path / "impact_estimates.parquet").exists()
    # Asked again (another process, a page): read from the cache, nothing computed.
    computed.clear()
    designs, estimates = build.impact_tables(made, sorted(HA_GIANG_WARD_YEARS), jobs=1)
    assert computed == [] and set(zip(estimates["ward"], estimates["year"])) == HA_GIANG_WARD_YEARS
    assert len(estimates) == 3 * 4  # three methods per ward-year


def test_reading_a_provinces_rows_of_an_impact_table_computes_those_only(panel, computed):
    made = build.ensure_build(panel)
    rows = made.read("impact_estimates", ward=sorted(_units_of(panel, HA_GIANG)), method="did")
    assert set(zip(rows["ward"], rows["year"])) == HA_GIANG_WARD_YEARS and set(rows["method"]) == {"did"}
    assert sorted(_ward_years(computed)) == sorted(HA_GIANG_WARD_YEARS)


def test_the_full_build_computes_only_what_the_cache_lacks_and_gives_the_same_rows(panel, computed,
                                                                                   monkeypatch, tmp_path):
    lazy = build.ensure_build(panel, impact=sorted(HA_GIANG_WARD_YEARS), jobs=1)
    asked = build.impact_tables(lazy, sorted(HA_GIANG_WARD_YEARS))
    computed.clear()
    full = build.ensure_build(panel, impact=True, jobs=1)
    assert full.path == lazy.path and full.manifest["impact"]
    assert sorted(_ward_years(computed)) == sorted(BAC_KAN_WARD_YEARS)  # Hà Giang's came from the cache
    # A full build from an empty cache: every ward-year computed, Hà Giang's rows the same.
    monkeypatch.setenv("WARDSTUDY_BUILD_DIR", str(tmp_path / "other"))
    computed.clear()
    fresh = build.ensure_build(panel, impact=True, jobs=1)
    assert fresh.path != full.path and sorted(_ward_years(computed)) == sorted(HA_GIANG_WARD_YEARS | BAC_KAN_WARD_YEARS)
    for table, rows in zip(build.IMPACT_TABLES, asked):
        whole = fresh.read(table, ward=sorted(_units_of(panel, HA_GIANG)))
        pd.testing.assert_frame_equal(rows, whole)
        pd.testing.assert_frame_equal(full.read(table), fresh.read(table))


def test_open_ward_and_study_impact_compute_their_one_ward_year(panel, computed):
    import wardstudy
    from wardstudy.pipeline.ward import open_ward

    page = open_ward("ngoc-ha-00692", 2024, data_dir=str(panel))
    assert _ward_years(computed) == [("ngoc-ha-00692", 2024)]
    assert set(page.impact_estimates["method"]) == {"did", "synth", "its"}
    result = wardstudy.open_study(panel).impact("minh-khai-00697", 2024)
    assert _ward_years(computed) == [("ngoc-ha-00692", 2024), ("minh-khai-00697", 2024)]
    assert result.to_frame()["method"].tolist() == page.impact_estimates["method"].tolist()


def test_a_ward_year_whose_estimates_file_is_missing_is_computed_again(panel, computed):
    made = build.ensure_build(panel, impact=[("ngoc-ha-00692", 2023)], jobs=1)
    designs_file, estimates_file = build._cache_files(made, "ngoc-ha-00692", 2023)
    assert designs_file.is_file() and estimates_file.is_file()
    estimates_file.unlink()  # killed between its two files: the estimates mark a ward-year as cached
    computed.clear()
    build.impact_tables(made, [("ngoc-ha-00692", 2023)], jobs=1)
    assert _ward_years(computed) == [("ngoc-ha-00692", 2023)]


def test_progress_goes_to_a_processes_own_stderr_never_to_a_replaced_one(capfd, monkeypatch):
    build._say("computing")  # sys.stderr replaced (by pytest here, by the kernel in a notebook): silent
    assert capfd.readouterr().err == ""
    monkeypatch.setattr(sys, "stderr", sys.__stderr__)  # a command's own stderr: said
    build._say("computing 4 ward-year(s)")
    out = capfd.readouterr()
    assert out.err == "wardstudy: computing 4 ward-year(s)\n" and out.out == ""


def test_a_ward_year_that_cannot_be_computed_costs_only_itself(panel, computed, monkeypatch):
    # One ward-year's error (a singular system stopped the whole national build) is named; the
    # other ward-years of the same task are computed and cached, and read later without work.
    counting = design.impact_results
    broken = ("minh-khai-00697", 2024)

    def fails_for_one(study, ward_years=None, **kw):
        if broken in [tuple(wy) for wy in ward_years]:
            raise ZeroDivisionError("a made-up failure")
        return counting(study, ward_years, **kw)

    monkeypatch.setattr(design, "impact_results", fails_for_one)
    made = build.ensure_build(panel)
    with pytest.raises(build.ImpactError) as raised:
        build.impact_tables(made, sorted(HA_GIANG_WARD_YEARS), jobs=1)
    assert list(raised.value.failures) == [broken]
    assert "minh-khai-00697 2024" in str(raised.value) and "ZeroDivisionError: a made-up failure" in str(raised.value)
    others = sorted(HA_GIANG_WARD_YEARS - {broken})
    assert sorted(_ward_years(computed)) == others     # each computed once, one by one after the failure
    computed.clear()
    designs, estimates = build.impact_tables(made, others, jobs=1)
    assert computed == [] and set(zip(estimates["ward"], estimates["year"])) == set(others)


def test_wardstudy_build_names_the_ward_year_it_could_not_compute(panel, computed, monkeypatch):
    from typer.testing import CliRunner

    from wardstudy.cli import app

    counting = design.impact_results

    def fails_for_one(study, ward_years=None, **kw):
        if ("xuat-hoa", 2024) in [tuple(wy) for wy in ward_years]:
            raise ZeroDivisionError("a made-up failure")
        return counting(study, ward_years, **kw)

    monkeypatch.setattr(design, "impact_results", fails_for_one)
    result = CliRunner().invoke(app, ["build", "--data-dir", str(panel)])
    assert result.exit_code == 1
    assert "the impact results of xuat-hoa 2024 could not be computed (ZeroDivisionError: a made-up failure)" \
        in result.output
    assert "Traceback" not in result.output.splitlines()[0]
    assert sorted(_ward_years(computed)) == sorted((HA_GIANG_WARD_YEARS | BAC_KAN_WARD_YEARS) - {("xuat-hoa", 2024)})
