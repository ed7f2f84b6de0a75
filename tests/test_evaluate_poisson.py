"""Exact before/after comparison of counts: published oracles, properties, calibration."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wardstudy.evaluate import baseline_sensitivity, poisson_change
from wardstudy.indicators.exact import rate_ratio_p_value


def test_matches_r_poisson_test_eba1977_example():
    # R: poisson.test(c(11, 21), c(800, 3011)) -> RR 1.9715, p 0.0797, CI 0.8584-4.2773
    r = poisson_change(11, 21, after_exposure=800, before_exposure=3011)
    assert r.rate_ratio == pytest.approx(1.9715, abs=1e-4)
    assert r.p_value == pytest.approx(0.0797, abs=1e-4)
    assert r.ci_low == pytest.approx(0.8584, abs=1e-4)
    assert r.ci_high == pytest.approx(4.2773, abs=1e-4)


def test_twenty_to_thirteen_could_be_chance():
    # FACTS.md: at 20 -> 13 over equal periods, p is about 0.3 (binom.test(13, 33): 0.296)
    r = poisson_change(13, 20)
    assert r.p_value == pytest.approx(0.296, abs=5e-4)
    assert r.difference == -7
    assert not r.significant


def test_published_minus_seven_is_significant_only_up_to_baseline_eight():
    # FACTS.md: p < 0.05 only if the 2022 count was about 8 or fewer.
    # Hand check: 8 -> 1 is 2 * P(Bin(9, .5) <= 1) = 20/512 = 0.039; 9 -> 2 is 2 * 67/2048 = 0.065.
    s = baseline_sensitivity(-7)
    assert s.max_significant_baseline == 8
    table = s.table.set_index("baseline")
    assert table.loc[8, "p_value"] == pytest.approx(20 / 512)
    assert table.loc[9, "p_value"] == pytest.approx(2 * 67 / 2048)
    assert table.loc[20, "p_value"] == pytest.approx(0.296, abs=5e-4)
    assert list(s.table.columns) == ["baseline", "after", "rate_ratio", "ci_low", "ci_high", "p_value"]
    assert s.table["baseline"].min() == 7 and s.table["baseline"].max() >= 60


def test_baseline_sensitivity_refuses_baselines_below_the_fall():
    with pytest.raises(ValueError, match="negative after count"):
        baseline_sensitivity(-7, baselines=[5, 10])


def test_zero_versus_zero_has_no_information():
    r = poisson_change(0, 0)
    assert math.isnan(r.rate_ratio) and math.isnan(r.p_value)
    assert math.isnan(r.ci_low) and math.isnan(r.ci_high)
    assert not r.significant


def test_zero_after_gives_ratio_zero_and_one_sided_interval():
    r = poisson_change(0, 6)
    assert r.rate_ratio == 0 and r.ci_low == 0
    # Clopper-Pearson upper for 0/6 is 1 - 0.025^(1/6); RR = p / (1 - p)
    p_up = 1 - 0.025 ** (1 / 6)
    assert r.ci_high == pytest.approx(p_up / (1 - p_up))
    assert r.p_value == pytest.approx(2 * 0.5**6)


def test_zero_before_gives_infinite_ratio():
    r = poisson_change(5, 0)
    assert r.rate_ratio == math.inf and r.ci_high == math.inf and r.ci_low > 0


def test_whole_valued_floats_accepted():
    assert poisson_change(13.0, 20.0).p_value == poisson_change(13, 20).p_value


@pytest.mark.parametrize("after, before", [(-1, 5), (2.5, 5), (3, float("nan"))])
def test_refuses_values_that_are_not_counts(after, before):
    with pytest.raises(ValueError, match="whole number"):
        poisson_change(after, before)


def test_refuses_non_positive_exposure():
    with pytest.raises(ValueError, match="after_exposure"):
        poisson_change(3, 4, after_exposure=0)


counts = st.integers(min_value=0, max_value=300)
exposures = st.floats(min_value=0.1, max_value=100, allow_nan=False)


@settings(max_examples=150, deadline=None)
@given(counts, counts, exposures, exposures)
def test_interval_contains_estimate_and_p_is_a_probability(a, b, ea, eb):
    r = poisson_change(a, b, after_exposure=ea, before_exposure=eb)
    if a + b == 0:
        assert math.isnan(r.p_value)
        return
    assert 0 <= r.p_value <= 1
    assert r.ci_low <= r.rate_ratio * (1 + 1e-9) and r.rate_ratio <= r.ci_high * (1 + 1e-9)


@settings(max_examples=150, deadline=None)
@given(counts, counts, exposures, exposures)
def test_swapping_periods_inverts_ratio_and_interval(a, b, ea, eb):
    if a == 0 or b == 0:
        return
    fwd = poisson_change(a, b, after_exposure=ea, before_exposure=eb)
    back = poisson_change(b, a, after_exposure=eb, before_exposure=ea)
    assert back.rate_ratio == pytest.approx(1 / fwd.rate_ratio, rel=1e-9)
    assert back.ci_low == pytest.approx(1 / fwd.ci_high, rel=1e-6)
    assert back.ci_high == pytest.approx(1 / fwd.ci_low, rel=1e-6)
    assert back.p_value == pytest.approx(fwd.p_value, rel=1e-6)


def test_exact_test_rejects_at_most_nominal_rate_without_effect():
    # 2000 pairs of Poisson(12) counts, no change: an exact test is conservative, so the
    # rejection rate at 5% must not exceed 5% beyond Monte-Carlo noise (+2 se).
    rng = np.random.default_rng(20240129)
    after, before = rng.poisson(12, size=(2, 2000))
    p = rate_ratio_p_value(after, before)
    rate = np.mean(p < 0.05)
    assert rate <= 0.05 + 2 * math.sqrt(0.05 * 0.95 / 2000)
    assert rate > 0.005  # and it is not vacuous
