"""What a design could have detected: the minimum detectable effect against hand calculations."""

import math

import numpy as np
import pytest

from wardstudy.evaluate import poisson_change
from wardstudy.evaluate.power import minimum_detectable_effect, units_needed
from wardstudy.evaluate.worlds import poisson_world


def exact_before_after(ward, cohort):
    """An analysis: the ward's own cases after its cohort year against before (exact Poisson)."""
    def analyse(crimes, project06):
        own = crimes[crimes["ward"] == ward]
        after = own["month"].str[:4].astype(int) >= cohort
        n_after, n_before = int(after.sum()), int((~after).sum())
        test = poisson_change(own.loc[after, "count"].sum(), own.loc[~after, "count"].sum(),
                              after_exposure=n_after, before_exposure=n_before)
        return test.p_value, float("nan")
    return analyse


def test_a_large_ward_detects_what_the_normal_approximation_says():
    # 60,000 residents at 3 cases per 1,000 a year: 15 cases a month, 360 in each two-year half.
    # 80% power at a two-sided 0.05: |log RR| = (1.96 + 0.84) * sqrt(1/360 + 1/(360 RR)), so RR is about 0.81.
    world = poisson_world(3, [60000, 6000], level_sd=0.0, trend=0.0)
    found = minimum_detectable_effect(exact_before_after("w0", 2023), world["crimes"], world["project06"], "w0",
                                      ["w1"], 2023, 2024, n_simulations=200, steps=6, seed=1)
    rr = 0.81
    assert abs(math.log(rr)) == pytest.approx(2.8 * math.sqrt(1 / 360 + 1 / (360 * rr)), abs=0.01)
    assert found.rate_ratio == pytest.approx(rr, abs=0.04)
    assert found.level == 0.05 and found.units_needed is None


def test_a_smaller_ward_can_only_detect_a_larger_fall():
    big = poisson_world(3, [60000, 6000], level_sd=0.0, trend=0.0)
    small = poisson_world(3, [6000, 6000], level_sd=0.0, trend=0.0)
    found = [minimum_detectable_effect(exact_before_after("w0", 2023), w["crimes"], w["project06"], "w0", ["w1"],
                                       2023, 2024, n_simulations=80, seed=2).rate_ratio for w in (big, small)]
    assert found[1] < found[0] - 0.1


def test_a_randomisation_floor_above_005_is_the_level_and_says_how_many_units_are_needed():
    world = poisson_world(4, [6000] * 8)
    always = lambda crimes, project06: (0.125, 0.125)  # noqa: E731 - the most extreme of 8, every time
    found = minimum_detectable_effect(always, world["crimes"], world["project06"], "w0",
                                      [f"w{i}" for i in range(1, 8)], 2023, 2024, n_simulations=5)
    assert found.level == 0.125 and found.units_needed == 19 == units_needed(0.05)
    assert found.rate_ratio > 0.95  # detected at every effect, so the bisection climbs to 1


def test_nothing_detected_is_said_as_such():
    world = poisson_world(4, [6000, 6000])
    never = lambda crimes, project06: (1.0, float("nan"))  # noqa: E731
    found = minimum_detectable_effect(never, world["crimes"], world["project06"], "w0", ["w1"], 2023, 2024,
                                      n_simulations=5)
    assert np.isnan(found.rate_ratio) and found.power == 0.0
