"""The programme's pooled effect: it holds its level with no effect and finds the planted one."""

import numpy as np
import pandas as pd

from wardstudy.evaluate.pooled import pooled_effect, pooled_panel
from wardstudy.evaluate.worlds import poisson_world

PROGRAMME = pd.DataFrame({"ward": ["w0", "w1", "w2"], "cohort_year": [2023, 2024, 2024]})
# One small ward (2,900 residents) among larger ones, as in Bắc Kạn city.
SIZES = [2900, 9000, 6000, 7000, 8000, 6500, 9000, 6000]


def test_the_pooled_panel_has_every_treated_ward_and_the_not_yet_treated_units_of_their_district(study):
    yearly, treated, controls = pooled_panel(study.crimes, study.project06, study.programme, study.units, 2023)
    assert treated == {"duc-xuan": 2023}
    assert "xuat-hoa" in controls and "song-cau" in controls  # 2024 cohort: not yet treated in 2023
    assert set(yearly["ward"]) == {"duc-xuan", *controls}
    assert yearly["period"].max() == 2023


def test_the_randomisation_test_holds_its_level_in_worlds_with_no_effect():
    n = 80
    rejected = []
    for seed in range(n):
        world = poisson_world(seed, SIZES)
        result = pooled_effect(world["crimes"], world["project06"], PROGRAMME, world["units"], 2024)
        rejected.append(result.p_value <= 0.05)
    assert result.n_assignments == 168  # 8! / (1! 2! 5!) ways to place the cohorts
    assert np.mean(rejected) <= 0.05 + 2 * np.sqrt(0.05 * 0.95 / n), np.mean(rejected)


def test_a_halving_of_crime_in_every_programme_ward_is_found_most_of_the_time():
    found = []
    for seed in range(20):
        world = poisson_world(seed, SIZES, rate_per_1000=6.0)
        # poisson_world plants its effect on one ward; the pooled design needs it on all three.
        crimes = world["crimes"].copy()
        year = crimes["month"].str[:4].astype(int)
        for ward, cohort in zip(PROGRAMME["ward"], PROGRAMME["cohort_year"]):
            hit = (crimes["ward"] == ward) & (year >= cohort)
            crimes.loc[hit, "count"] = np.random.default_rng(seed).binomial(crimes.loc[hit, "count"], 0.5)
        result = pooled_effect(crimes, world["project06"], PROGRAMME, world["units"], 2024)
        found.append(result.p_value <= 0.05 and result.rate_ratio < 1)
    assert np.mean(found) >= 0.6


def test_on_the_shipped_panel_the_planted_fall_lies_within_the_interval(study):
    # data/README.md: the synthetic panel plants a 0.70 rate ratio on social-order crimes of
    # programme wards from their cohort year.
    result = pooled_effect(study.crimes, study.project06, study.programme, study.units, 2024)
    assert result.treated == {"duc-xuan": 2023, "xuat-hoa": 2024, "song-cau": 2024}
    assert result.ci_low <= 0.70 <= result.ci_high
    assert result.rate_ratio < 1
    assert list(result.by_cohort["level"]) == [2023, 2024]


def test_the_pooled_design_reaches_005_and_detects_a_fall_short_of_75_percent():
    from wardstudy.evaluate.pooled import pooled_detectable_effect

    world = poisson_world(5, SIZES, rate_per_1000=6.0)
    pooled = pooled_detectable_effect(world["crimes"], world["project06"], PROGRAMME, world["units"], 2024,
                                      n_simulations=12, n_permutations=200)
    # 168 placements of the cohorts: the test can reach 0.05, unlike one ward among 7 (floor 1/8).
    assert pooled.level == 0.05 and pooled.units_needed is None
    assert 0.25 < pooled.rate_ratio < 1


def test_a_ward_that_entered_in_the_first_year_of_the_data_is_left_out_not_a_crash():
    # The national roll-out has 2021 pilots and the data start in 2021: such a ward has no year
    # before entry. Before, pooled_effect raised "need at least two periods" for 2021 and the
    # national impact build stopped.
    world = poisson_world(0, SIZES)
    programme = pd.DataFrame({"ward": ["w0", "w1", "w2"], "cohort_year": [2021, 2024, 2024]})
    _, treated, controls = pooled_panel(world["crimes"], world["project06"], programme, world["units"], 2024)
    assert treated == {"w1": 2024, "w2": 2024}
    assert "w0" not in controls  # already in the programme: not a comparison unit either
    assert pooled_effect(world["crimes"], world["project06"], programme, world["units"], 2021) is None
    assert pooled_effect(world["crimes"], world["project06"], programme, world["units"], 2024) is not None


def test_no_year_of_a_first_year_ward_is_evaluable_and_its_page_says_why():
    from wardstudy.evaluate.design import evaluable_ward_years
    from wardstudy.report.wording import design_text

    programme = pd.DataFrame({"ward": ["pilot", "later"], "cohort_year": [2021, 2023]})
    assert evaluable_ward_years(programme, [2021, 2022, 2023, 2024]) == [("later", 2023), ("later", 2024)]
    from types import SimpleNamespace

    from wardstudy.pipeline.ward import WardReport

    first = WardReport.first_year_without_pre_period.fget
    years = SimpleNamespace(years=[2021, 2022, 2023, 2024])
    assert first(SimpleNamespace(cohort=2021, build=years)) == 2021
    assert first(SimpleNamespace(cohort=2023, build=years)) is None
    assert first(SimpleNamespace(cohort=None, build=years)) is None
    assert design_text("Điện Biên", 2021, 2024, [], [], no_pre_period_since=2021) == (
        "Đơn vị Điện Biên xây dựng mô hình từ năm 2021, năm đầu tiên có số liệu (2021): không có giai đoạn "
        "trước khi xây dựng mô hình để so sánh, nên không đánh giá được tác động.")
