"""Đức Xuân's published 2023 figures, recomputed from the shipped panel through the library."""

from __future__ import annotations

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
    assert len(table) == len(study.published) == 8
    assert table["matches"].all(), table.loc[~table["matches"]].to_string()


def test_published_table_cites_the_article_on_every_row(study):
    assert study.published["source"].eq("Báo Bắc Kạn").all()
    assert study.published["url"].str.contains("baobackan.com.vn").all()
    assert study.published["published_date"].eq("2024-01-29").all()


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
