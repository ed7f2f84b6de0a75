"""Exact-interval cases that a mutation run (mutmut, issue 14) showed no test pinned down.

Expected values come from closed forms worked out by hand (stated in each test), or from
scipy's quantiles as the reference for the Clopper-Pearson formula.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from wardstudy.indicators import exact


def test_one_success_has_a_lower_bound_above_zero():
    # x = 1: Beta(1, n) has CDF 1 - (1 - p)^n, so low = Beta(0.025; 1, n) = 1 - 0.975^(1/n).
    # For 1 of 10 that is 0.0025286 (a page reads "0,3% – 44,5%", not "0,0% – ...").
    low, high = exact.clopper_pearson(1, 10)
    assert float(low) == pytest.approx(1 - 0.975 ** (1 / 10), rel=1e-9)
    assert float(low) > 0
    assert float(high) == pytest.approx(stats.beta.ppf(0.975, 2, 9), rel=1e-9)


def test_one_case_has_a_garwood_lower_bound_above_zero():
    # x = 1: chi2 with 2 degrees of freedom has quantile -2 ln(1 - q), so
    # low = chi2(0.025; 2) / 2 = -ln(0.975) = 0.025318 and high = chi2(0.975; 4) / 2 = 5.5716.
    low, high = exact.poisson_count_interval(1)
    assert float(low) == pytest.approx(-math.log(0.975), rel=1e-9)
    assert float(high) == pytest.approx(5.5716, abs=1e-4)


def test_an_unknown_count_gives_no_interval_not_zero_to_one():
    # NaN successes (no record) is no evidence: NaN ends, not the uninformative 0 – 1.
    low, high = exact.clopper_pearson(np.nan, 10)
    assert np.isnan(low) and np.isnan(high)


def test_the_rate_ratio_interval_uses_the_level_it_is_given():
    # A 90% interval (alpha = 0.10) for 13 against 20: Clopper-Pearson for p at the 0.05 and
    # 0.95 quantiles, Beta(0.05; 13, 21) and Beta(0.95; 14, 20), mapped by p / (1 - p):
    # 0.3353 to 1.2310, narrower than the 95% one (0.2971 to 1.3731).
    lo, hi = stats.beta.ppf(0.05, 13, 21), stats.beta.ppf(0.95, 14, 20)
    low, high = exact.rate_ratio_interval(13, 20, alpha=0.10)
    assert (float(low), float(high)) == pytest.approx((lo / (1 - lo), hi / (1 - hi)), rel=1e-9)
    assert (float(low), float(high)) == pytest.approx((0.3353, 1.2310), abs=1e-4)


def test_no_wards_give_an_empty_array_of_p_values():
    got = exact.rate_ratio_p_value(np.array([]), np.array([]))
    assert got.shape == (0,) and got.dtype == float
