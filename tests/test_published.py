"""Đức Xuân's published 2023 figures, recomputed from the shipped panel through the library."""

from __future__ import annotations

import pandas as pd
import pytest

from wardstudy import indicators
from wardstudy.indicators import reconcile

# Báo Bắc Kạn, 29 January 2024 (see data/reference/published.csv for the source row by row).
PUBLISHED_DUC_XUAN_2023 = {
    "criteria_met_share": 21 / 22,
    "social_order_crime_change": -7,
    "tips_handled_share": 1.0,
    "procedures_online_share": 1.0,
    "procedures_on_time_share": 1.0,
    "procedures_early_share": 0.20,
    "fire_safety_groups": 6,
    "public_firefighting_points": 6,
}


@pytest.fixture(scope="module")
def computed(study):
    return indicators.all_indicators(study)


@pytest.mark.parametrize("indicator, published", PUBLISHED_DUC_XUAN_2023.items())
def test_shipped_panel_reproduces_published_figure(computed, indicator, published):
    row = computed.query("ward == 'duc-xuan' and year == 2023 and indicator == @indicator")
    assert len(row) == 1
    assert row["value"].iloc[0] == pytest.approx(published, abs=1e-12)


def test_criteria_are_21_of_22(computed):
    row = computed.query("ward == 'duc-xuan' and year == 2023 and indicator == 'criteria_met_share'").iloc[0]
    assert (row["numerator"], row["denominator"]) == (21, 22)


def test_reconciliation_marks_every_published_figure_as_matching(study, computed):
    table = reconcile.reconcile(computed, study.published)
    # The eight figures of Đức Xuân; the other wards' figures have no records here and are left out.
    assert len(table) == 8 and set(table["ward"]) == {"duc-xuan"}
    assert table["matches"].all(), table.loc[~table["matches"]].to_string()


def test_published_table_cites_the_article_on_every_duc_xuan_row(study):
    duc_xuan = study.published[study.published["ward"] == "duc-xuan"]
    assert len(duc_xuan) == 8
    assert duc_xuan["source"].eq("Báo Bắc Kạn").all()
    assert duc_xuan["url"].str.contains("baobackan.com.vn").all()
    assert duc_xuan["published_date"].eq("2024-01-29").all()


def test_figures_of_wards_outside_the_study_are_named_by_gso_code_and_sourced_in_the_register(study):
    from wardstudy.data.national import read_national_units
    from wardstudy.data.register import read_register

    others = study.published[study.published["ward"].isna()]
    # Điện Biên 21/22 (2022), Khuê Trung 19/20 (2024), Phường I Vị Thanh 100% on time and 60% early (2023).
    assert sorted(zip(others["code"], others["year"], others["indicator"])) == [
        ("00019", 2022, "criteria_met_share"), ("20260", 2024, "criteria_met_share"),
        ("31318", 2023, "procedures_early_share"), ("31318", 2023, "procedures_on_time_share")]
    assert not set(others["code"]) & set(study.units["code"])          # a study unit is named by its slug
    assert set(others["code"]) <= set(read_national_units()["code"])
    register = read_register()
    cited = set(zip(register["code"].fillna(""), register["url"]))
    assert all((code, url) in cited for code, url in zip(others["code"], others["url"]))


def test_khue_trung_is_published_as_19_of_20_not_of_22(study):
    row = study.published.query("code == '20260'").iloc[0]
    assert (row["numerator"], row["denominator"], row["value"]) == (19, 20, 0.95)


def test_a_published_figure_of_a_ward_with_records_is_reconciled_and_one_without_is_not(computed):
    published = pd.DataFrame({"ward": ["duc-xuan", None], "code": [None, "20260"], "year": [2023, 2024],
                              "indicator": ["criteria_met_share"] * 2, "value": [21 / 22, 0.95],
                              "as_published": ["21/22 tiêu chí", "19/20 tiêu chí"], "source": ["s"] * 2,
                              "url": [""] * 2})
    table = reconcile.reconcile(computed, published)
    assert table["ward"].tolist() == ["duc-xuan"]
    assert (table["computed_numerator"].iloc[0], table["computed_denominator"].iloc[0]) == (21, 22)


def test_reconciliation_flags_a_figure_that_does_not_match(study, computed):
    altered = computed.copy()
    cell = (altered["ward"] == "duc-xuan") & (altered["year"] == 2023) & (altered["indicator"] == "fire_safety_groups")
    altered.loc[cell, "value"] = 5
    table = reconcile.reconcile(altered, study.published).set_index("indicator")
    assert not table.loc["fire_safety_groups", "matches"]
    assert table.drop(index="fire_safety_groups")["matches"].all()


def test_a_rounded_percentage_matches_within_half_a_point_only(study):
    published = study.published.query("indicator == 'procedures_early_share'")
    base = published[["ward", "year", "indicator"]]
    near = reconcile.reconcile(base.assign(value=0.2049), published)
    far = reconcile.reconcile(base.assign(value=0.2051), published)
    assert near["matches"].iloc[0] and not far["matches"].iloc[0]


def test_a_figure_named_by_code_meets_its_records_in_a_folder_whose_units_have_the_code(study):
    """A national data folder has Khuê Trung among its units: its 19/20 is reconciled there."""
    from wardstudy import paths
    from wardstudy.data import read_raw
    from wardstudy.data.names import WardResolver
    from wardstudy.data.schemas import Context, validate_table
    from wardstudy.indicators.compute import criteria_met_share

    units = pd.DataFrame({"code": ["20260"], "name": ["Khuê Trung"], "slug": ["khue-trung-20260"], "type": ["phường"]})
    raw = read_raw(paths.reference_dir() / "published.csv")
    raw = raw[raw["code"] == "20260"]                       # the file's own cells, as loading reads them
    published, problems = validate_table("published", raw, "published.csv",
                                         Context(resolver=WardResolver.from_units(units),
                                                 indicator_ids=("criteria_met_share",)))
    assert problems == [] and published["ward"].tolist() == ["khue-trung-20260"]
    ids = [f"C{i:02d}" for i in range(1, 21)]
    records = pd.DataFrame({"ward": "khue-trung-20260", "year": 2024, "scheme": "bca-2024-20",
                            "criterion_id": ids, "met": [0 if c == "C06" else 1 for c in ids]})
    computed = criteria_met_share(records, study.criteria)
    table = reconcile.reconcile(computed, published)
    assert table[["as_published", "computed_numerator", "computed_denominator", "matches"]].values.tolist() == [
        ["19/20 tiêu chí (tiêu chí số 6 trụ sở chưa đạt)", 19.0, 20.0, True]]


def test_a_figure_must_name_its_unit_and_name_it_once_per_year_and_indicator():
    from wardstudy.data.schemas import Context, validate_table

    raw = pd.DataFrame({"ward": [None, None, None], "code": ["00019", "00019", None], "year": ["2022"] * 3,
                        "indicator": ["criteria_met_share"] * 3, "value": ["0.9", "0.9", "0.9"], "source": ["s"] * 3},
                       index=[2, 3, 4], dtype=object)
    _, problems = validate_table("published", raw, "published.csv", Context())
    assert [str(p) for p in problems] == [
        'published.csv, row 3, column "ward + code + year + indicator": empty cell, 00019, 2022, '
        '"criteria_met_share" repeats row 2 (one row per ward + code + year + indicator)',
        'published.csv, row 4, column "ward or code": empty cells (name the unit: a unit of units.csv in "ward", '
        'or its GSO code in "code")']
