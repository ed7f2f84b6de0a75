"""Ward names in any spelling, Excel tables, the 2025 crosswalk, and parameter files."""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from wardstudy import data, paths
from wardstudy.data import crosswalk
from wardstudy.pipeline import params
from wardstudy.cli import app
from wardstudy.data.names import UnknownWard, WardResolver, fold, nfc, strip_diacritics

runner = CliRunner()
UNITS = pd.read_csv(paths.reference_dir() / "units.csv", dtype=str)
RESOLVER = WardResolver.from_units(UNITS)
RECORDS = ["crimes", "tips", "procedures", "project06", "fire_safety", "community_models", "criteria_assessments"]


# --- names ----------------------------------------------------------------------------------

@pytest.mark.parametrize("spelling", [
    "duc-xuan", "01840", "1840", "Đức Xuân", unicodedata.normalize("NFD", "Đức Xuân"), "P. Đức Xuân",
    "Phường Đức Xuân", "phuong duc xuan", "Duc Xuan", "  ĐỨC   XUÂN ", "p.duc xuan",
])
def test_every_spelling_of_duc_xuan_resolves_to_the_unit_of_its_month(spelling):
    # 01840 and the name were the old ward's until 30 June 2025 and are the merged ward's since.
    assert RESOLVER.lookup(spelling, "2025-06") == "duc-xuan"
    assert RESOLVER.lookup(spelling, 2024) == "duc-xuan"
    if spelling != "duc-xuan":
        assert RESOLVER.lookup(spelling, "2025-07") == "duc-xuan-2025"
        assert RESOLVER.lookup(spelling, 2025) == "duc-xuan-2025"  # a year: the unit at its end
        with pytest.raises(UnknownWard, match=r"duc-xuan \(to 2025-06\), duc-xuan-2025 \(from 2025-07\)"):
            RESOLVER.lookup(spelling)


def test_a_column_of_reused_codes_resolves_row_by_row_by_month():
    slugs, errors = RESOLVER.resolve_series(pd.Series(["01840", "01840", "1843", "Bắc Kạn"]),
                                            pd.Series(["2025-06", "2025-07", "2025-06", "2025-12"]))
    assert slugs.tolist() == ["duc-xuan", "duc-xuan-2025", "phung-chi-kien", "bac-kan-2025"]
    assert errors == {}


def test_d_with_stroke_is_stripped_although_nfd_keeps_it():
    assert unicodedata.normalize("NFD", "Đ") == "Đ"  # the reason for the explicit rule
    assert strip_diacritics("Đức đường") == "Duc duong"


def test_unknown_name_lists_closest_candidates():
    with pytest.raises(UnknownWard) as caught:
        RESOLVER.lookup("Xuat Hao")
    assert caught.value.candidates[0] == "xuat-hoa"


def test_name_shared_by_two_units_is_ambiguous():
    units = pd.DataFrame({"code": ["00001", "00002"], "name": ["Tân Phong", "Tân Phong"],
                          "slug": ["tan-phong-a", "tan-phong-b"], "type": ["xã", "phường"]})
    with pytest.raises(UnknownWard, match="could be any of tan-phong-a, tan-phong-b"):
        WardResolver.from_units(units).lookup("Tân Phong")
    assert WardResolver.from_units(units).lookup("00002") == "tan-phong-b"


vietnamese = st.text(alphabet=st.sampled_from(list("aăâbcdđeêghiklmnoôơpqrstuưvxyÁÀẢÃẠáàảãạếềểễệĐ -.")), max_size=30)


@given(vietnamese)
@example("x x a")  # type words stacked: folding must strip them all at once
def test_fold_is_idempotent(text):
    assert fold(fold(text)) == fold(text)


@given(vietnamese)
def test_fold_ignores_normalisation_form(text):
    assert fold(unicodedata.normalize("NFD", text)) == fold(text) == fold(nfc(text))


@settings(max_examples=200)
@given(unit=st.sampled_from(UNITS.to_dict("records")),
       prefix=st.sampled_from(["", "Phường ", "P. ", "phuong ", "Xã ", "x. "]),
       form=st.sampled_from(["NFC", "NFD"]), bare=st.booleans(), case=st.sampled_from(["lower", "upper", "title"]),
       sep=st.sampled_from([" ", "  ", "-", "_"]))
def test_any_spelling_variant_of_a_unit_resolves_to_it(unit, prefix, form, bare, case, sep):
    name = unit["name"].replace(" ", sep)
    name = strip_diacritics(name) if bare else name
    spelling = unicodedata.normalize(form, getattr(prefix + name, case)())
    # A month of the unit's own validity: "Đức Xuân" is two units, before and after 1 July 2025.
    month = "2025-08" if isinstance(unit["valid_from"], str) else "2024-05"
    assert RESOLVER.lookup(spelling, month) == unit["slug"]


# --- whole data folders in other spellings and formats -------------------------------------------

def indicators_csv(folder: Path | None, out: Path) -> bytes:
    args = ["indicators", "--out", str(out)] + ([] if folder is None else ["--data-dir", str(folder)])
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return out.read_bytes()


def respelled_copy(folder: Path, spell) -> Path:
    """The shipped records with every `ward` cell rewritten by `spell(unit row)`."""
    shutil.copytree(paths.synthetic_dir(), folder)
    by_slug = UNITS.set_index("slug")
    for table in RECORDS:
        path = folder / f"{table}.csv"
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame["ward"] = frame["ward"].map(lambda slug: spell(by_slug.loc[slug]))
        path.write_text(frame.to_csv(index=False), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def original_indicators(tmp_path_factory) -> bytes:
    return indicators_csv(None, tmp_path_factory.mktemp("orig") / "indicators.csv")


@pytest.mark.parametrize("spell", [
    pytest.param(lambda u: unicodedata.normalize("NFD", "Phường " + u["name"]), id="nfd-with-type"),
    pytest.param(lambda u: strip_diacritics(u["name"]), id="no-diacritics"),
    pytest.param(lambda u: u["code"].lstrip("0"), id="code-without-zero"),
])
def test_respelled_wards_give_identical_indicators(tmp_path, original_indicators, spell):
    folder = respelled_copy(tmp_path / "respelled", spell)
    assert indicators_csv(folder, tmp_path / "indicators.csv") == original_indicators


def test_xlsx_table_gives_the_same_indicators_as_its_csv(tmp_path, original_indicators):
    folder = tmp_path / "xlsx"
    shutil.copytree(paths.synthetic_dir(), folder)
    for table in ["crimes", "procedures"]:
        frame = pd.read_csv(folder / f"{table}.csv", dtype={"ward": str, "month": str})
        (folder / f"{table}.csv").unlink()
        frame.to_excel(folder / f"{table}.xlsx", index=False)
    assert indicators_csv(folder, tmp_path / "indicators.csv") == original_indicators


def test_xlsx_months_typed_as_dates_are_read_as_months(tmp_path):
    folder = tmp_path / "dates"
    shutil.copytree(paths.synthetic_dir(), folder)
    frame = pd.read_csv(folder / "tips.csv", dtype={"month": str})
    frame["month"] = pd.to_datetime(frame["month"] + "-01")  # what Excel makes of "2023-01"
    (folder / "tips.csv").unlink()
    frame.to_excel(folder / "tips.xlsx", index=False)
    assert data.load(folder).tips.equals(data.load().tips)


# --- the 2025 crosswalk ----------------------------------------------------------------------------

def test_new_units_match_the_official_list_in_vietnam_provinces():
    from vietnam_provinces import Province, Ward

    table = crosswalk.load_crosswalk().drop_duplicates("new_code")
    assert len(table) == 3
    for row in table.itertuples():
        official = Ward.from_code(int(row.new_code))
        assert official.name == f"{row.new_type.capitalize()} {row.new_name}"
        assert int(official.province_code) == int(row.new_province_code) == 19
        assert Province.from_code(official.province_code).name == row.new_province
    assert Ward.from_code(1840).name == "Phường Đức Xuân"


def test_units_successors_agree_with_the_crosswalk():
    table = crosswalk.load_crosswalk().dropna(subset=["old_code"]).set_index("old_code")
    units = data.load().units
    units = units[units["valid_to"].notna()].set_index("code")  # the old units (the new ones have no successor)
    assert set(units.index) == set(table.index) - {"01984"}  # Đôn Phong: another district, not in units
    for code, unit in units.iterrows():
        assert unit["successor_code"] == table.loc[code, "new_code"]
        assert unit["successor_name"].endswith(table.loc[code, "new_name"])


def test_a_reused_code_means_different_units_before_and_after_the_reform():
    assert crosswalk.unit_at("01843", "2025-06-30")["name"] == "Phùng Chí Kiên"
    assert crosswalk.unit_at("01843", "2025-07")["name"] == "Bắc Kạn"


def test_aggregation_sums_counts_and_recomputes_shares_from_sums():
    tips = pd.DataFrame({"ward": ["song-cau", "phung-chi-kien", "xuat-hoa", "nong-thuong"],
                         "month": ["2023-03"] * 4, "received": [10, 0, 30, 0], "handled": [10, 0, 15, 0]})
    merged = crosswalk.aggregate_to_new_units(tips)
    assert merged[["received", "handled"]].iloc[0].tolist() == [40, 25]
    from wardstudy.indicators import tips_handled_share
    assert tips_handled_share(merged)["value"].iloc[0] == pytest.approx(25 / 40)  # not mean(1.0, 0.5)


def test_incomplete_new_unit_is_refused_unless_dropped():
    tips = pd.DataFrame({"ward": ["duong-quang", "duc-xuan"], "month": ["2023-03"] * 2,
                         "received": [1, 2], "handled": [1, 2]})
    with pytest.raises(crosswalk.CrosswalkError, match="phong-quang-2025"):
        crosswalk.aggregate_to_new_units(tips)
    # duc-xuan-2025 also lacks two of its three predecessors here
    assert crosswalk.aggregate_to_new_units(tips, incomplete="drop").empty


# --- parameters ------------------------------------------------------------------------------------

def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("text, what", [
    pytest.param("ward: duc-xuan\nyaer: 2023\n", 'unknown key "yaer"; did you mean "year"?', id="typo-key"),
    pytest.param("ward: duc-xuan\nyear: '2023'\n", 'key "year" must be a whole year', id="year-as-text"),
    pytest.param("ward: duc-xuan\nyear: yes\n", 'key "year" must be a whole year', id="year-as-bool"),
    pytest.param("ward: xuat-hao\nyear: 2024\n", 'ward "xuat-hao" is not a known unit; closest: xuat-hoa',
                 id="unknown-ward"),
    pytest.param("ward: duc-xuan\nyear: 2019\n", "year 2019 is outside the data (2021-2025)", id="year-outside"),
    pytest.param("ward: duc-xuan\nyear: 2023\nbaseline_year: 2023\n", "must be before year 2023", id="baseline"),
    pytest.param("ward: [duc-xuan\n", "is not valid YAML", id="bad-yaml"),
    pytest.param("- duc-xuan\n", "must be a mapping", id="list"),
    pytest.param("ward: duc-xuan\n", "key(s) year missing", id="no-year"),
])
def test_bad_params_file_names_the_file_and_the_key(tmp_path, text, what):
    path = write(tmp_path / "xuat-hoa.yaml", text)
    with pytest.raises(params.ParameterError) as caught:
        params.validate_file(path)
    assert "xuat-hoa.yaml" in str(caught.value) and what in str(caught.value)


def test_params_file_with_a_name_resolves_to_the_slug(tmp_path):
    path = write(tmp_path / "p.yaml", "ward: Phường Đức Xuân\nyear: 2023\n")
    got = params.validate_file(path)
    assert (got.ward, got.baseline_year, got.code) == ("duc-xuan", 2022, "01840")


def test_params_on_bad_data_fail_before_any_work(tmp_path):
    folder = tmp_path / "bad"
    shutil.copytree(paths.synthetic_dir(), folder)
    (folder / "tips.csv").write_text("ward,month,received,handled\nduc-xuan,2023-01,-1,0\n", encoding="utf-8")
    with pytest.raises(params.ParameterError, match=r'tips.csv, row 2, column "received": -1 is negative'):
        params.validate("duc-xuan", 2023, data_dir=folder, source="params/duc-xuan.yaml")
