"""The national unit list (data/reference/national_units.csv) against what the project knows."""

import pandas as pd

from wardstudy import paths
from wardstudy.data.national import national_slugs, read_national_units

UNITS_CSV = paths.reference_dir() / "units.csv"


def test_counts_match_the_gso_list_of_2025_01_04():
    units = read_national_units()
    # vietnam-provinces 0.6.0 holds 10,051 units; the 10,056 is not what the data says.
    assert len(units) == 10051
    assert units["type"].value_counts().to_dict() == {"xã": 7717, "phường": 1716, "thị trấn": 618}
    assert units["code"].is_unique
    assert units["province_code"].nunique() == 63


def old_units() -> pd.DataFrame:
    """The 8 units of units.csv that the GSO list of 2025-01-04 has (not the 3 made on 1 July 2025)."""
    city = pd.read_csv(UNITS_CSV, dtype=str)
    return city[city["valid_from"].isna()]


def test_the_eight_units_of_bac_kan_city_match_units_csv():
    city = old_units()
    assert len(city) == 8
    national = read_national_units().set_index("code")
    for row in city.itertuples():
        unit = national.loc[row.code]
        assert (unit["name"], unit["type"]) == (row.name, row.type)
        assert (unit["district_code"], unit["province_code"]) == (row.district_code, row.province_code)
        assert unit["district"].casefold() == row.district.casefold()
        assert unit["province"] == row.province


def test_slugs_are_unique_and_keep_the_known_ones():
    national = read_national_units()
    city = old_units()
    slugs = national_slugs(national, dict(zip(city["code"], city["slug"])))
    assert slugs.is_unique
    assert slugs[national["code"] == "01840"].item() == "duc-xuan"
    # "Phường 1" exists in many districts; the code keeps them apart.
    assert slugs[national["code"] == "00001"].item() == "phuc-xa-00001"
    assert slugs.str.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*").all()
