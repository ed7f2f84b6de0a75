"""Criteria schemes of 22 and 20: each score uses its own scheme's denominator."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wardstudy import paths
from wardstudy.data.schemas import Context, validate_table
from wardstudy.data.schemes import DEFAULT_SCHEME, scheme_sizes
from wardstudy.indicators.compute import criteria_met_share, unmet_criteria
from wardstudy.indicators.peers import peer_ranks
from wardstudy.report.format import fmt_value

IDS_22 = [f"C{i:02d}" for i in range(1, 23)]
IDS_20 = [f"C{i:02d}" for i in range(1, 21)]
REGISTER = pd.DataFrame({"scheme": ["qd5764-22"] * 22 + ["bca-2024-20"] * 20, "criterion_id": IDS_22 + IDS_20})


def _assessment(ward, year, scheme, ids, unmet=()):
    return pd.DataFrame({"ward": ward, "year": year, "scheme": scheme, "criterion_id": ids,
                         "met": [0 if c in unmet else 1 for c in ids]})


def test_nineteen_of_twenty_is_095_and_reads_19_of_20():
    # Khuê Trung, March 2024: 19/20, criterion 6 (headquarters) not met.
    got = criteria_met_share(_assessment("khue-trung", 2024, "bca-2024-20", IDS_20, unmet={"C06"}), REGISTER).iloc[0]
    assert (got["numerator"], got["denominator"]) == (19, 20)
    assert got["value"] == pytest.approx(0.95)
    assert fmt_value("criteria", got["value"], got["numerator"], got["denominator"]).startswith("19/20 ")


def test_each_ward_year_is_scored_on_its_own_scheme_in_one_table():
    assessments = pd.concat([_assessment("a", 2023, "qd5764-22", IDS_22, unmet={"C20"}),
                             _assessment("b", 2024, "bca-2024-20", IDS_20, unmet={"C06"})])
    got = criteria_met_share(assessments, REGISTER).set_index("ward")
    assert got.loc["a", ["numerator", "denominator"]].tolist() == [21, 22]   # Đức Xuân's published 21/22
    assert got.loc["b", ["numerator", "denominator"]].tolist() == [19, 20]


def test_assessments_without_a_scheme_column_are_the_22_criterion_set():
    old = _assessment("a", 2023, None, IDS_22, unmet={"C20"}).drop(columns="scheme")
    got = criteria_met_share(old, REGISTER).iloc[0]
    assert DEFAULT_SCHEME == "qd5764-22"
    assert (got["numerator"], got["denominator"]) == (21, 22)


def test_a_register_without_a_scheme_column_is_the_22_criterion_set():
    register = pd.DataFrame({"criterion_id": IDS_22})
    got = criteria_met_share(_assessment("a", 2023, "qd5764-22", IDS_22[:20]), register).iloc[0]
    assert (got["numerator"], got["denominator"]) == (20, 22)   # unassessed C21, C22 are unmet


def test_an_unassessed_criterion_of_the_20_set_is_unmet_and_listed_with_its_scheme():
    assessed = _assessment("b", 2024, "bca-2024-20", IDS_20[:19])          # C20 not assessed
    got = criteria_met_share(assessed, REGISTER).iloc[0]
    assert (got["numerator"], got["denominator"]) == (19, 20)
    unmet = unmet_criteria(assessed, REGISTER)
    assert unmet[["scheme", "criterion_id"]].values.tolist() == [["bca-2024-20", "C20"]]   # not C21, C22


def test_a_criterion_its_scheme_lacks_is_refused_not_counted():
    with pytest.raises(ValueError, match="criterion C21 is not in scheme bca-2024-20"):
        criteria_met_share(_assessment("b", 2024, "bca-2024-20", IDS_20 + ["C21"]), REGISTER)


def test_one_ward_year_on_two_schemes_is_refused():
    mixed = pd.concat([_assessment("b", 2024, "bca-2024-20", IDS_20[:10]),
                       _assessment("b", 2024, "qd5764-22", IDS_22[10:])])
    with pytest.raises(ValueError, match="assessed under 2 schemes"):
        criteria_met_share(mixed, REGISTER)


def test_scores_of_two_schemes_are_never_ranked_together():
    units = pd.DataFrame({"slug": ["a", "b", "c"], "district_code": ["1"] * 3})
    values = pd.DataFrame({"ward": ["a", "b", "c"], "year": 2024, "baseline_year": 2023,
                           "indicator": "criteria_met_share", "value": [20 / 22, 19 / 20, 21 / 22],
                           "numerator": [20, 19, 21], "denominator": [22, 20, 22],
                           "ci_low": np.nan, "ci_high": np.nan})
    got = peer_ranks(values, units).set_index("ward")
    # By share alone b (95.0%) would rank between c (95.5%) and a (90.9%): 2/3. Within its scheme it is alone.
    assert got.loc["b", ["rank", "n_peers"]].tolist() == [1, 1]
    assert got.loc["c", ["rank", "n_peers"]].tolist() == [1, 2]
    assert got.loc["a", ["rank", "n_peers"]].tolist() == [2, 2]
    assert got.loc["a", "peer_max"] == pytest.approx(21 / 22)   # b's 19/20 is not among a's peers


def test_the_shipped_register_has_22_and_20_criteria():
    register = pd.read_csv(paths.reference_dir() / "criteria.csv", dtype=str, keep_default_na=False)
    assert scheme_sizes(register) == {"qd5764-22": 22, "bca-2024-20": 20}
    assert register["official_text"].eq("").all()   # wording is not public: never invented


def test_an_unknown_scheme_in_the_assessments_is_refused_by_the_schema():
    raw = pd.DataFrame({"ward": ["a"], "year": ["2024"], "scheme": ["bca-2025-18"], "criterion_id": ["C01"],
                        "met": ["1"]}, index=[2])
    _, problems = validate_table("criteria_assessments", raw, "criteria_assessments.csv", Context())
    assert [str(p) for p in problems] == [
        'criteria_assessments.csv, row 2, column "scheme": "bca-2025-18" is not an allowed value '
        "(allowed: qd5764-22, bca-2024-20)"]


def test_the_same_id_in_two_schemes_is_allowed_but_not_twice_in_one():
    raw = pd.DataFrame({"scheme": ["qd5764-22", "bca-2024-20", "bca-2024-20"], "criterion_id": ["C06"] * 3},
                       index=[2, 3, 4])
    _, problems = validate_table("criteria", raw, "criteria.csv", Context())
    assert [str(p) for p in problems] == [
        'criteria.csv, row 4, column "scheme + criterion_id": "bca-2024-20", "C06" repeats row 3 '
        "(one row per scheme + criterion_id)"]


def test_a_data_folder_whose_assessments_misfit_their_scheme_is_refused_before_any_work(tmp_path):
    # Before: the folder loaded, and the build stopped with a ValueError from criteria_met_share.
    import shutil

    from wardstudy import data

    folder = tmp_path / "data"
    shutil.copytree(paths.synthetic_dir(), folder)
    path = folder / "criteria_assessments.csv"
    table = pd.read_csv(path, dtype=str)
    table["scheme"] = ""
    # Rows 7 and 23 of the file: C06 and C22 of Nguyễn Thị Minh Khai 2021, put on the 20-criterion scheme.
    table.loc[[5, 21], "scheme"] = "bca-2024-20"
    table.to_csv(path, index=False)
    with pytest.raises(data.DataError) as err:
        data.load(folder)
    found = {(p.row, p.column, str(p.value)) for p in err.value.details}
    assert found == {(7, "scheme", "bca-2024-20"), (23, "criterion_id", "C22")}
    assert "is not a criterion of scheme bca-2024-20" in str(err.value)
    assert "is already assessed under scheme qd5764-22 (one scheme per ward and year" in str(err.value)
