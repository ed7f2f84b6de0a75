"""The programme register: sourced wards matched to GSO codes, or listed with the reason."""

from __future__ import annotations

import pandas as pd
import pytest

from wardstudy import paths
from wardstudy.data import DataError
from wardstudy.data.national import read_national_units
from wardstudy.data.register import excluded_rows, match_codes, read_register, sourced_cohorts


@pytest.fixture(scope="module")
def register():
    return read_register()


@pytest.fixture(scope="module")
def national():
    return read_national_units()


def test_every_sourced_row_with_a_year_has_exactly_one_code_or_a_reason(register, national):
    dated = register[register["cohort_year"].notna()]
    matched = match_codes(dated, national)
    has_code = matched["code"] != ""
    has_reason = matched["match_note"] != ""
    assert (has_code ^ has_reason).all()
    # A matched code names exactly one unit of the national list, in the province the source gives.
    for code, province in zip(matched.loc[has_code, "code"], dated.loc[has_code, "province"]):
        unit = national[national["code"] == code]
        assert len(unit) == 1 and unit["province"].iloc[0].replace("-", "–") in province.replace("-", "–")
    # The shipped file holds what the matching gives, row by row (codes and reasons).
    assert (dated["code"].fillna("") == matched["code"]).all()
    assert (dated["match_note"].fillna("") == matched["match_note"]).all()


@pytest.mark.parametrize("ward_name, district, province, code", [
    ("Phường Điện Biên", "Quận Ba Đình", "Thành phố Hà Nội", "00019"),       # not Điện Biên of Thanh Hóa (14767)
    ("Phường 1", "Thành phố Vũng Tàu", "Tỉnh Bà Rịa – Vũng Tàu", "26506"),  # one of 33 "Phường 1"; en dash
    ("Phường An Hòa", "Quận Ninh Kiều", "Thành phố Cần Thơ", "31120"),      # 13 units fold to "an hoa"
    ("Phường I", "Thành phố Vị Thanh", "Tỉnh Hậu Giang", "31318"),
    ("Phường Đức Xuân", "Thành phố Bắc Kạn", "Tỉnh Bắc Kạn", "01840"),
])
def test_a_ward_is_matched_by_name_district_and_province_together(ward_name, district, province, code, national):
    rows = pd.DataFrame({"ward_name": [ward_name], "district": [district], "province": [province]})
    assert match_codes(rows, national)["code"].tolist() == [code]


def test_a_ward_whose_district_changed_is_not_guessed_but_named_with_the_unit_the_list_has(national):
    rows = pd.DataFrame({"ward_name": ["Phường Nghi Hương"], "district": ["Thị xã Cửa Lò"], "province": ["Tỉnh Nghệ An"]})
    got = match_codes(rows, national).iloc[0]
    assert got["code"] == ""
    assert "Nghi Hương (16732) in Thành phố Vinh" in got["match_note"]


def test_a_ward_missing_from_the_list_is_reported_with_the_closest_name(national):
    rows = pd.DataFrame({"ward_name": ["Phường Hải Châu 1"], "district": ["Quận Hải Châu"],
                         "province": ["Thành phố Đà Nẵng"]})
    got = match_codes(rows, national).iloc[0]
    assert got["code"] == "" and "closest there: Hải Châu (20236)" in got["match_note"]


def test_two_units_fitting_one_row_are_reported_not_picked():
    national = pd.DataFrame({"code": ["00001", "00002"], "name": ["Tân Phong", "Tân Phong"], "type": ["phường"] * 2,
                             "district": ["Quận 7"] * 2, "province": ["Hồ Chí Minh"] * 2})
    rows = pd.DataFrame({"ward_name": ["Phường Tân Phong"], "district": ["Quận 7"],
                         "province": ["Thành phố Hồ Chí Minh"]})
    got = match_codes(rows, national).iloc[0]
    assert got["code"] == "" and got["match_note"].startswith("fits 2 units") and "00001, 00002" in got["match_note"]


def test_sourced_cohorts_are_the_sixteen_matched_wards_with_a_year(register):
    cohorts = sourced_cohorts(register)
    # Hand-counted from the sources: 3 Bắc Kạn wards; 4 pilots of 2021 (Hải Châu 1 has no code);
    # 3 of 2023 (Nghi Hương has no code); 6 of 2024 (Khuê Trung, 3 of Điện Bàn, 2 of Kon Tum).
    assert cohorts == {
        "01840": 2023, "01855": 2024, "01837": 2024,
        "00019": 2021, "26776": 2021, "11296": 2021, "31120": 2021,
        "26506": 2023, "26560": 2023, "31318": 2023,
        "20260": 2024, "20575": 2024, "20579": 2024, "20580": 2024, "23296": 2024, "23308": 2024,
    }


def test_rows_without_a_year_or_a_code_stay_out_of_the_cohorts_and_are_listed(register):
    out = excluded_rows(register)
    no_year = out[out["reason"].str.startswith("no year stated")]
    assert set(no_year["ward_name"]) == {"Phường Trường Thi", "Phường Hà Huy Tập", "Phường Nghi Hòa",
                                         "Phường Nghi Thu", "Phường Lộc Vượng"}
    unmatched = out[~out["reason"].str.startswith("no year stated")]
    assert set(unmatched["ward_name"]) == {"Phường Hải Châu 1", "Phường Nghi Hương"}
    cohorts = sourced_cohorts(register)
    assert "16690" not in cohorts and "13687" not in cohorts   # Trường Thi, Lộc Vượng: matched, no year


def test_the_register_cites_every_row(register):
    assert register["url"].str.match(r"https?://").all()
    assert register["quote"].str.len().gt(20).all()
    assert set(register["status"]) <= {"registered", "chosen", "pilot", "built", "recognised"}


def test_the_register_holds_every_row_of_the_seed_sources(register):
    seed = paths.project_root().parent / "shared" / "seed" / "programme_sources.csv"
    if not seed.exists():
        pytest.skip(f"seed sources not found at {seed}")
    sources = pd.read_csv(seed, dtype=str, keep_default_na=False)
    keys = ["ward_name", "district", "province", "status", "url"]
    shipped = register[keys].merge(sources[keys], how="inner")
    assert len(shipped) == len(sources) == 25


def test_programme_csv_agrees_with_the_register_on_the_wards_they_share(register):
    programme = pd.read_csv(paths.reference_dir() / "programme.csv", dtype=str, keep_default_na=False)
    cohorts = sourced_cohorts(register)
    assert len(programme) == 3
    for code, year in zip(programme["code"], programme["cohort_year"].astype(int)):
        assert cohorts[code] == year, code


def test_a_register_with_an_unknown_status_is_refused(tmp_path):
    text = (paths.reference_dir() / "programme_register.csv").read_text(encoding="utf-8")
    bad = tmp_path / "programme_register.csv"
    bad.write_text(text.replace(",pilot,", ",piloted,", 1), encoding="utf-8")
    with pytest.raises(DataError, match=r'row 2, column "status": "piloted" is not an allowed value'):
        read_register(bad)
