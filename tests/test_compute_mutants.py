"""Indicator cases that a mutation run (mutmut, issue 14) showed no test pinned down.

Small hand-made tables only (never the shipped panel): each expected value is worked out
by hand from the formula in the docstring of the function in `indicators/compute.py`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wardstudy.data.contract import CONTRACT_COLUMNS
from wardstudy.indicators.compute import chip_id_coverage, fires, unmet_criteria, vneid_level2_share


def test_a_fire_safety_table_without_fires_gives_no_rows_not_an_error():
    # `fires` is optional in the fire-safety table: an older table without it gives an empty
    # indicator in the contract's columns (the export leaves it out), not a crash of the export.
    df = pd.DataFrame({"ward": ["a"], "month": ["2023-01"], "fire_safety_groups": [3]})
    got = fires(df)
    assert list(got.columns) == CONTRACT_COLUMNS
    assert got.empty


def test_unmet_criteria_returns_exactly_its_four_columns_in_register_order():
    # The page lists these rows as they come: no stray "index" column, numbered from 0, and the
    # criteria in register order (C03 before C10 even though the assessments list C10 first).
    register = pd.DataFrame({"criterion_id": ["C01", "C03", "C10"]})
    a = pd.DataFrame({"ward": ["w"] * 3, "year": [2023] * 3, "criterion_id": ["C10", "C03", "C01"],
                      "met": [0, 0, 1]})
    got = unmet_criteria(a, register)
    assert list(got.columns) == ["ward", "year", "scheme", "criterion_id"]
    assert got.index.tolist() == [0, 1]
    assert got["criterion_id"].tolist() == ["C03", "C10"]


def test_project06_shares_export_their_year_end_numerator_and_denominator():
    # indicators.csv carries the count behind every share: 190 of 200 chip IDs (0.95) and 120
    # of 200 VNeID accounts (0.6) at December, not the sums of the months and not blanks.
    df = pd.DataFrame({"ward": ["a", "a"], "month": ["2023-11", "2023-12"], "eligible_residents": [150, 200],
                       "chip_ids_issued": [100, 190], "vneid_level2_accounts": [80, 120]})
    chip = chip_id_coverage(df).iloc[0]
    vneid = vneid_level2_share(df).iloc[0]
    assert (chip["value"], chip["numerator"], chip["denominator"]) == (0.95, 190, 200)
    assert (vneid["value"], vneid["numerator"], vneid["denominator"]) == (0.6, 120, 200)


def test_a_year_end_share_over_one_eligible_resident_is_a_share_not_blank():
    # Any denominator above zero gives a share (1 of 1 is 100%); only 0 eligible gives NaN.
    df = pd.DataFrame({"ward": ["a", "b"], "month": ["2023-12", "2023-12"], "eligible_residents": [1, 0],
                       "chip_ids_issued": [1, 0], "vneid_level2_accounts": [0, 0]})
    got = chip_id_coverage(df).set_index("ward")["value"]
    assert got["a"] == 1.0
    assert np.isnan(got["b"])
