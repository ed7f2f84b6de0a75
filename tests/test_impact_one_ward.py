"""A data folder holding one ward's own records gives that ward's page (issue 21 item 6).

Before: the build's impact step compared the ward with the units of its district listed in
``data/reference/units.csv``, which have no records in such a folder, and stopped with
"no ATT(g, t) to test in any period". Now a unit without records is no comparison unit, and
the design says why it cannot be evaluated.
"""

import pandas as pd
import pytest

from wardstudy import paths
from wardstudy.evaluate.design import ImpactDesign, impact_design, recorded_units
from wardstudy.pipeline.build import ensure_build

WARD = "duc-xuan"


@pytest.fixture(scope="module")
def one_ward_dir(tmp_path_factory):
    """The shipped simulated record tables filtered to one ward; reference tables as shipped."""
    folder = tmp_path_factory.mktemp("one-ward")
    for table in sorted((paths.project_root() / "data" / "synthetic").glob("*.csv")):
        rows = pd.read_csv(table, dtype=str, keep_default_na=False)
        rows[rows["ward"] == WARD].to_csv(folder / table.name, index=False)
    return folder


@pytest.fixture(scope="module")
def one_ward_build(one_ward_dir):
    return ensure_build(one_ward_dir, impact=True, jobs=1)


def test_one_wards_folder_builds_with_its_impact_not_evaluable_and_why(one_ward_build):
    designs = one_ward_build.read("impact_designs")
    year_2023 = designs[(designs["ward"] == WARD) & (designs["year"] == 2023)]
    # In the shipped data the ward's 2023 design has 7 comparison units of its district; here
    # none of them has a record, so none is compared and each is named as unrecorded.
    assert set(year_2023["role"]) == {"treated", "unrecorded"}
    assert (year_2023["role"] == "unrecorded").sum() == 7
    note = year_2023.loc[year_2023["role"] == "treated", "note"].iloc[0]
    assert note.startswith("no comparison unit in the data")
    assert "none of the 7 units" in note
    estimates = one_ward_build.read("impact_estimates")
    assert estimates[estimates["ward"] == WARD].empty  # nothing estimated, nothing to misread
    effects = one_ward_build.read("programme_effects")
    assert (effects["n_controls"] == 0).all() and effects["att"].isna().all()


def test_one_wards_page_says_there_is_no_comparison_unit(one_ward_dir, one_ward_build):
    from wardstudy.pipeline.ward import open_ward
    from wardstudy.report import ward_page

    ward = open_ward(WARD, 2023, data_dir=one_ward_dir, lang="en")
    assert ward.impact.empty
    assert "Too few comparison units (0)" in ward_page.impact(ward).data


def test_design_counts_only_units_with_records_up_to_the_year():
    programme = pd.DataFrame({"ward": ["a"], "cohort_year": [2023]})
    units = pd.DataFrame({"slug": ["a", "b", "c", "d"]})
    crimes = pd.DataFrame({"ward": ["a", "b", "d"], "month": ["2022-01", "2022-01", "2025-01"]})
    design = impact_design(programme, units, "a", 2024, recorded=recorded_units(crimes.assign(category="social_order"), 2024))
    # b has a record; c none; d only after 2024
    assert (design.controls, design.unrecorded) == (["b"], ["c", "d"])
    assert not design.evaluable
    assert design.reason == "too few comparison units in the data (1; at least 2 are needed)"
    assert impact_design(programme, units, "a", 2024).controls == ["b", "c", "d"]  # no records given: all count
    assert ImpactDesign("a", 2023, 2024, ["b", "c"], []).evaluable
