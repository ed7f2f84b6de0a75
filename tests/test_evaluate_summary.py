"""Plain-language verdicts say what the numbers say (FACTS.md: the published -7)."""

import pandas as pd

from wardstudy.evaluate import (baseline_sensitivity, did_permutation_test, impact_summary,
                                poisson_change)


def test_published_minus_seven_verdict_names_the_baseline_limit():
    s = impact_summary(baseline_sensitivity(-7), outcome="social-order crimes")
    assert "8 or fewer" in s.text  # FACTS.md: significant only for baselines up to about 8
    assert "From 20 to 13, for example, p = 0.30." in s.text  # FACTS.md: p about 0.3


def test_twenty_to_thirteen_reads_as_possibly_chance():
    s = impact_summary(poisson_change(13, 20), outcome="social-order crimes")
    assert s.text.startswith("Social-order crimes fell from 20 to 13 (-7, -35%)")
    assert "could be chance (p = 0.30)" in s.text
    assert "includes no change" in s.text and not s.significant


def test_eight_to_one_reads_as_unlikely_chance():
    # 2 * P(Bin(9, 1/2) <= 1) = 20/512 = 0.039
    s = impact_summary(poisson_change(1, 8))
    assert "is unlikely to be chance alone (p = 0.039)" in s.text and s.significant


def test_no_cases_in_either_period_is_not_evidence():
    s = impact_summary(poisson_change(0, 0), outcome="drug crimes")
    assert s.text == "Drug crimes: no cases in either period, so there is nothing to compare."
    assert not s.significant


def test_permutation_verdict_warns_when_too_few_wards_for_significance():
    # 3 wards, 1 treated: the smallest possible randomisation p is 1/3 > 0.05
    df = pd.DataFrame({"ward": [1, 1, 2, 2, 3, 3], "year": [1, 2] * 3,
                       "g": [2, 2, 0, 0, 0, 0], "y": [5.0, 9.0, 5.0, 6.0, 4.0, 6.0]})
    s = impact_summary(did_permutation_test(df, unit="ward", time="year", cohort="g", outcome="y"))
    assert "no result from so few wards can be called significant" in s.text
