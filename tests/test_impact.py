"""The impact design, its results and their wording, and its behaviour when nothing was planted."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wardstudy.evaluate import design as impact
from wardstudy.report import tables, wording
from wardstudy.evaluate import did_permutation_test, poisson_change
from wardstudy.data.synthetic import PlantedEffects, generate_panel

PROGRAMME = pd.DataFrame({"ward": ["duc-xuan", "xuat-hoa", "song-cau"], "cohort_year": [2023, 2024, 2024]})


def test_design_uses_not_yet_treated_wards_and_drops_those_already_treated(study):
    d2023 = impact.impact_design(study.programme, study.units, "duc-xuan", 2023)
    assert {"xuat-hoa", "song-cau"} <= set(d2023.controls) and d2023.excluded == []
    d2024 = impact.impact_design(study.programme, study.units, "xuat-hoa", 2024)
    assert set(d2024.excluded) == {"duc-xuan", "song-cau"}
    assert len(d2024.controls) == 5


def test_a_ward_outside_the_programme_is_not_evaluated(study):
    design = impact.impact_design(study.programme, study.units, "huyen-tung", 2024)
    assert not design.evaluable
    assert impact.impact_estimates(study.crimes, study.project06, design).empty


def test_rates_are_cases_per_1000_person_years_up_to_the_report_year():
    crimes = pd.DataFrame({"ward": ["a", "a", "a", "b"], "month": ["2022-01", "2022-02", "2023-01", "2022-01"],
                           "category": ["social_order", "social_order", "social_order", "social_order"],
                           "count": [3, 1, 9, 2]})
    people = pd.DataFrame({"ward": ["a", "a", "a", "b"], "month": ["2022-01", "2022-02", "2023-01", "2022-01"],
                           "eligible_residents": [1000, 3000, 2000, 500]})
    design = impact.ImpactDesign("a", 2023, 2022, ["b"], [])
    got = impact.social_order_rates(crimes, people, design, "Y").set_index("ward")
    # a, 2022: 4 cases over 2 months of 1,000 and 3,000 residents (4,000 / 12 person-years)
    # = 12 per 1,000 a year; b: 2 cases over 500 / 12 person-years = 48; 2023 is after the report year.
    assert got.loc["a", "rate"] == pytest.approx(12.0)
    assert got.loc["b", "rate"] == pytest.approx(48.0)
    assert got.loc["a", "residents"] == pytest.approx(2000.0)  # the mean of the months observed
    assert got["months_observed"].tolist() == [2, 1]
    assert got.loc["a", "cohort"] == 2023 and got.loc["b", "cohort"] == 0
    assert list(got["period"]) == [2022, 2022]


def test_conclusion_says_when_the_design_cannot_reach_significance(study):
    design = impact.impact_design(study.programme, study.units, "xuat-hoa", 2024)
    table = impact.impact_estimates(study.crimes, study.project06, design).set_index("method")
    did = table.iloc[0]
    assert did["min_p_value"] == pytest.approx(1 / 6)  # 5 comparison units + the ward
    conclusion = wording.impact_conclusion(did)
    assert "không có ý nghĩa thống kê" in conclusion
    assert "với phương pháp này p không thể nhỏ hơn 1/6 ≈ 0,167" in conclusion   # "=" only when exact (issue 22)
    assert wording.impact_conclusion(did, "en").endswith("this method cannot give p below 1/6 ≈ 0.167")


def test_published_minus_seven_is_significant_only_for_baselines_up_to_8(study):
    got = impact.published_change_sensitivity(study.published).set_index(["ward", "year"])
    assert got.loc[("duc-xuan", 2023), ["difference", "max_significant_baseline"]].tolist() == [-7.0, 8.0]
    assert ("xuat-hoa", 2024) not in got.index


@pytest.fixture(scope="module")
def placebo_panels():
    """Worlds where the programme did nothing (no planted effect, no calibration)."""
    return [generate_panel(seed, planted=PlantedEffects.none(), calibrate=False) for seed in range(60)]


def test_exact_change_is_not_significant_more_often_than_nominal_without_an_effect(placebo_panels):
    rejections = []
    for panel in placebo_panels:
        so = panel["crimes"].query("category == 'social_order'")
        yearly = so.groupby([so["ward"], so["month"].str[:4]])["count"].sum().unstack()
        for before, after in [("2021", "2022"), ("2022", "2023"), ("2023", "2024")]:
            for ward in yearly.index:
                rejections.append(poisson_change(yearly.loc[ward, after], yearly.loc[ward, before]).p_value < 0.05)
    rate = np.mean(rejections)
    se = np.sqrt(0.05 * 0.95 / len(rejections))
    assert rate <= 0.05 + 2 * se, rate  # 1,440 tests; the exact test is conservative


def test_did_randomisation_p_is_not_small_more_often_than_nominal_without_an_effect(placebo_panels):
    design = impact.ImpactDesign("duc-xuan", 2023, 2023,
                                 ["nguyen-thi-minh-khai", "song-cau", "phung-chi-kien", "huyen-tung",
                                  "duong-quang", "nong-thuong", "xuat-hoa"], [])
    small = []
    for panel in placebo_panels:
        yearly = impact.social_order_rates(panel["crimes"], panel["project06"], design, "Y")
        # The package's own call (evaluate/design.py::_did).
        test = did_permutation_test(yearly, unit="ward", time="period", cohort="cohort", outcome="rate",
                                    statistic="standardised", count="count", residents="exposure", at_time=2023)
        small.append(test.p_value <= 0.25)  # 2 of 8 assignments: P(p <= 0.25) = 0.25 under the null
    rate = np.mean(small)
    assert rate <= 0.25 + 2 * np.sqrt(0.25 * 0.75 / len(small)), rate


def test_sensitivity_text_states_the_threshold_and_a_worked_example():
    pub = pd.DataFrame({"ward": ["a", "b"], "year": [2023, 2023], "indicator": ["social_order_crime_change"] * 2,
                        "value": [-7.0, -1.0]})
    rows = impact.published_change_sensitivity(pub).to_dict("records")
    text = wording.sensitivity_text(rows[0])
    assert "từ 8 vụ trở xuống" in text
    assert "20 vụ còn 13 vụ, p = 0,30" in text  # FACTS.md: 20 -> 13 gives p of about 0.3
    assert "có thể chỉ do ngẫu nhiên" in wording.sensitivity_text(rows[1])


def test_display_table_says_why_a_single_ward_has_no_interval(study):
    design = impact.impact_design(study.programme, study.units, "duc-xuan", 2023)
    shown = tables.impact_table(impact.impact_estimates(study.crimes, study.project06, design))
    assert shown.index[0].startswith("Khác biệt kép")
    assert "không ước lượng được sai số" in shown.iloc[0]["KTC 95%"]
    # 7 comparison units + the ward: 8 assignments, the smallest p 1/8.
    assert shown.iloc[0]["Cách kiểm định"] == "kiểm định hoán vị (8 hoán vị)"
    assert shown.iloc[0]["Kết quả"].endswith("với phương pháp này p không thể nhỏ hơn 1/8 = 0,125")


def test_did_estimate_is_the_ward_att_of_the_report_year_worked_by_hand():
    # Ward a enters in 2023; b and c never. Rates per 1,000 (1,000 residents each):
    # a 2022 -> 2024: 10 -> 4; b: 6 -> 5; c: 8 -> 9. ATT(2023, 2024) against the base 2022:
    # (4 - 10) - ((5 - 6) + (9 - 8)) / 2 = -6.
    yearly = pd.DataFrame({"ward": ["a"] * 3 + ["b"] * 3 + ["c"] * 3, "period": [2022, 2023, 2024] * 3,
                           "count": [10, 7, 4, 6, 6, 5, 8, 8, 9], "residents": 1000.0, "exposure": 1000.0})
    yearly = yearly.assign(rate=yearly["count"] / yearly["exposure"] * 1000,
                           cohort=np.where(yearly["ward"] == "a", 2023, 0))
    design = impact.ImpactDesign("a", 2023, 2024, ["b", "c"], [])
    got = impact._did(yearly, design)
    assert got["estimate"] == pytest.approx(-6.0)
    from wardstudy.evaluate import staggered_did

    cell = staggered_did(yearly, unit="ward", time="period", cohort="cohort", outcome="rate")
    assert got["estimate"] == pytest.approx(cell.loc[cell["time"] == 2024, "att"].item(), abs=1e-12)


def test_simulated_worlds_get_the_same_rates_as_social_order_rates(study):
    from wardstudy.evaluate.power import _baseline, simulated_counts

    design = impact.impact_design(study.programme, study.units, "duc-xuan", 2024)
    baseline = _baseline(study.crimes, study.project06, {"duc-xuan": 2023}, ["duc-xuan", *design.controls], 2024)
    rng = np.random.default_rng(7)
    for freq in ("Y", "Q", "M"):
        fast = impact.SimulatedRates(design, freq)
        for ratio in (0.4, 1.0, 0.8):
            world = simulated_counts(baseline, ratio, rng.random(len(baseline.expected)))
            pd.testing.assert_frame_equal(fast(world["crimes"], world["project06"]),
                                          impact.social_order_rates(world["crimes"], world["project06"], design, freq))
        assert fast._months is baseline.months  # the later worlds took the positional path
    # A table that is not a world of that baseline is computed whole, not by position.
    other = study.crimes[study.crimes["ward"].isin(["duc-xuan", *design.controls])]
    pd.testing.assert_frame_equal(fast(other, study.project06),
                                  impact.social_order_rates(other, study.project06, design, "M"))


def test_simulated_rates_never_take_positions_from_rows_in_another_order(study):
    from wardstudy.evaluate.power import _baseline, simulated_counts

    design = impact.impact_design(study.programme, study.units, "duc-xuan", 2024)
    baseline = _baseline(study.crimes, study.project06, {"duc-xuan": 2023}, ["duc-xuan", *design.controls], 2024)
    world = simulated_counts(baseline, 0.8, np.random.default_rng(3).random(len(baseline.expected)))
    fast = impact.SimulatedRates(design, "Q")
    fast(world["crimes"], world["project06"])
    # The same months and counts, rows shuffled: a table, not a world; its rates are still right.
    shuffled = world["crimes"].sample(frac=1, random_state=1)
    pd.testing.assert_frame_equal(fast(shuffled, world["project06"]),
                                  impact.social_order_rates(shuffled, world["project06"], design, "Q"))
