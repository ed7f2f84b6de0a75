"""wardstudy.open_study: the build as tidy tables, checked against the shipped CSV files read
by hand (issue 25, item 1), and the traps of Build.read (a wrong table, column or ward name)."""

import csv
import subprocess
import sys

import pandas as pd
import pytest
from scipy import stats

import wardstudy
from wardstudy import paths

SYNTHETIC = paths.project_root() / "data" / "synthetic"


def _rows(table: str) -> list[dict]:
    with open(SYNTHETIC / f"{table}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _social_order_cases(ward: str, year: int) -> int:
    return sum(int(r["count"]) for r in _rows("crimes")
               if r["ward"] == ward and r["month"].startswith(f"{year}-") and r["category"] == "social_order")


def _year_end_residents(ward: str, year: int) -> int:
    (row,) = [r for r in _rows("project06") if r["ward"] == ward and r["month"] == f"{year}-12"]
    return int(row["eligible_residents"])


@pytest.fixture(scope="module")
def study():
    return wardstudy.open_study()


def test_import_wardstudy_stays_light_and_its_version_comes_from_the_metadata():
    code = "import sys, wardstudy; print(wardstudy.__version__, 'pandas' in sys.modules, 'wardstudy.study' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    from importlib.metadata import version

    assert out == [version("wardstudy"), "False", "False"]


def test_duc_xuan_2023_social_order_count_is_the_sum_of_its_crimes_rows(study):
    expected = _social_order_cases("duc-xuan", 2023)
    got = study.indicators(year=2023, wards="Đức Xuân", indicator="social_order_crimes")
    assert got["ward"].tolist() == ["duc-xuan"]
    assert got["value"].iloc[0] == expected
    # any spelling of the ward gives the same rows
    same = study.indicators(year=2023, wards=["phuong duc xuan"], indicator="social_order_crimes")
    assert same["value"].tolist() == [expected]


def test_the_rate_per_1000_residents_has_the_exact_poisson_interval(study):
    cases, residents = _social_order_cases("xuat-hoa", 2024), _year_end_residents("xuat-hoa", 2024)
    row = study.indicators(year=2024, wards="xuat-hoa", indicator="social_order_crimes_per_1000").iloc[0]
    assert (row["numerator"], row["denominator"]) == (cases, residents)
    assert row["value"] == pytest.approx(cases * 1000 / residents)
    # Garwood: chi2(0.025; 2x) / 2 and chi2(0.975; 2x + 2) / 2 cases, per 1,000 residents
    assert row["ci_low"] == pytest.approx(stats.chi2.ppf(0.025, 2 * cases) / 2 * 1000 / residents)
    assert row["ci_high"] == pytest.approx(stats.chi2.ppf(0.975, 2 * cases + 2) / 2 * 1000 / residents)


def test_a_new_units_years_summed_from_its_predecessors_are_flagged(study):
    rows = study.indicators(wards="duc-xuan-2025", indicator="social_order_crimes").set_index("year")
    assert rows.loc[2024, "months_from_predecessors"] == 12 and bool(rows.loc[2024, "from_predecessors"])
    assert rows.loc[2025, "months_from_predecessors"] == 6        # January to June 2025
    # the carried-back year is the sum of its three former units' counts (it repeats their rows)
    former = ["nguyen-thi-minh-khai", "huyen-tung", "duc-xuan"]
    assert rows.loc[2024, "value"] == sum(_social_order_cases(w, 2024) for w in former)
    old = study.indicators(year=2024, wards="duc-xuan", indicator="social_order_crimes")
    assert old["months_from_predecessors"].tolist() == [0] and not old["from_predecessors"].any()


def test_monthly_tables_have_a_real_date_on_the_first_of_the_month(study):
    tips = study.monthly("tips", wards="Sông Cầu")
    first = [r for r in _rows("tips") if r["ward"] == "song-cau"][0]
    row = tips.iloc[0]
    assert row["date"] == pd.Timestamp(first["month"] + "-01")
    assert pd.api.types.is_datetime64_any_dtype(tips["date"])
    assert int(row["handled"]) == int(first["handled"])
    assert (tips["date"].dt.day == 1).all()


def test_comparisons_and_ranks_read_one_wards_rows(study):
    cmp = study.comparisons(year=2023, wards="duc-xuan", category="social_order", baseline_year=2022)
    assert len(cmp) == 1
    assert cmp["after"].iloc[0] == _social_order_cases("duc-xuan", 2023)
    assert cmp["before"].iloc[0] == _social_order_cases("duc-xuan", 2022)
    ranks = study.ranks(year=2023, wards="duc-xuan", baseline_year=2022, indicator="social_order_crimes")
    cases, residents = _social_order_cases("duc-xuan", 2023), _year_end_residents("duc-xuan", 2023)
    assert ranks["ranked_value"].iloc[0] == pytest.approx(cases * 1000 / residents)


def test_the_data_dictionary_names_each_table_and_column(study):
    tables = study.tables().set_index("table")
    assert {"indicators", "crimes", "values", "units"} <= set(tables.index)
    assert tables.loc["crimes", "rows"] == len(study.read("crimes"))
    crimes = study.describe("crimes").set_index("column")
    assert crimes.loc["count", "unit"] == "cases"
    assert crimes.loc["month", "meaning"].startswith("calendar month")
    assert (crimes["meaning"] != "").all()


@pytest.mark.parametrize(("call", "closest"), [
    (lambda s: s.monthly("crime"), "closest: crimes"),
    (lambda s: s.describe("indicator"), "closest: indicators"),
    (lambda s: s.indicators(wards="duc-xuann"), "closest: duc-xuan"),
    (lambda s: s.indicators(year=2023, indicator="social_order_crime"), "closest: social_order_crimes"),
    (lambda s: s.comparisons(wards="Xuat Hao"), "closest: xuat-hoa"),
])
def test_a_wrong_name_is_refused_with_the_closest_valid_ones(study, call, closest):
    with pytest.raises(ValueError, match=closest):
        call(study)


def test_build_read_names_the_closest_table_and_column(study):
    with pytest.raises(ValueError, match="no table 'indicator'; closest: indicators"):
        study.build.read("indicator")
    with pytest.raises(ValueError, match="no column 'wrd'; closest: ward"):
        study.build.read("values", wrd="duc-xuan")


def test_build_read_resolves_a_ward_name_instead_of_returning_nothing(study):
    by_name = study.build.read("indicators", ward="Đức Xuân", year=2023)
    by_slug = study.build.read("indicators", ward="duc-xuan", year=2023)
    assert len(by_name) > 0
    pd.testing.assert_frame_equal(by_name, by_slug)
    assert set(study.build.read("indicators", ward="Đức Xuân", year=2025)["ward"]) == {"duc-xuan-2025"}
    # without a year the name means two units, and the error says which
    with pytest.raises(ValueError, match="duc-xuan .to 2025-06., duc-xuan-2025 .from 2025-07."):
        study.build.read("crimes", ward="Đức Xuân")
    # a list is a membership test: a unit not in the data gives no rows, not an error
    assert study.build.read("units", slug=["duc-xuan", "don-phong"])["slug"].tolist() == ["duc-xuan"]


def test_impact_with_your_own_comparison_group_is_a_table_with_its_floor(study):
    r = study.impact("Đức Xuân", 2023, controls=["nguyen-thi-minh-khai", "Huyền Tụng", "01837"])
    assert r.controls == ["nguyen-thi-minh-khai", "huyen-tung", "song-cau"]
    got = r.to_frame().set_index("method")
    assert list(got.index) == ["did", "synth", "its"]
    # one treated ward and J = 3 controls: 4 assignments, the smallest p is 1/4
    assert got.loc["did", "n_assignments"] == 4 and got.loc["did", "min_p_value"] == pytest.approx(0.25)
    assert got.loc["did", "p_value"] >= 0.25
    assert got.loc["its", "family"] in ("quasipoisson", "poisson")
    assert "mde_rate_ratio" in got.columns and (got["note"] == "").all()


def test_impact_with_one_control_says_why_instead_of_an_empty_table(study):
    got = study.impact("duc-xuan", 2023, controls=["huyen-tung"]).to_frame()
    assert len(got) == 3 and got["estimate"].isna().all()
    assert got["note"].str.contains("too few comparison units").all()


def test_a_programme_ward_cannot_be_your_control(study):
    with pytest.raises(ValueError, match="'xuat-hoa' is in the programme by 2024"):
        study.impact("duc-xuan", 2024, controls=["huyen-tung", "xuat-hoa"])


@pytest.mark.slow
def test_impact_and_pooled_read_the_builds_results(study):
    r = study.impact("duc-xuan", 2023)
    est = study.read("impact_estimates", ward="duc-xuan", year=2023).set_index("method")
    got = r.to_frame().set_index("method")
    assert got.loc["did", "estimate"] == est.loc["did", "estimate"]
    assert "duc-xuan" not in r.controls and len(r.controls) == 7   # the other units of Bắc Kạn city
    pooled = study.pooled(2024).to_frame()
    programme = [r for r in _rows_of_reference("programme") if int(r["cohort_year"]) <= 2024]
    assert pooled["n_treated"].tolist() == [len(programme)] * 2
    assert pooled["scale"].tolist() == ["difference", "rate_ratio"]


def _rows_of_reference(table: str) -> list[dict]:
    with open(paths.project_root() / "data" / "reference" / f"{table}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))
