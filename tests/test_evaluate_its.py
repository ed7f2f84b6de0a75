"""Interrupted time series against Lopez Bernal, Cummins & Gasparrini (2017)."""

import numpy as np
import pandas as pd
import pytest

from wardstudy.evaluate import interrupted_time_series


@pytest.fixture(scope="module")
def sicily(benchmarks_dir):
    return pd.read_csv(benchmarks_dir / "sicily.csv")


@pytest.mark.benchmark_data
def test_sicily_smoking_ban_step_matches_published_model_3(sicily):
    # Lopez Bernal et al. 2017 (IJE 46(1)), model 3: quasi-Poisson, offset log(stdpop),
    # smokban + time + 2 harmonics of month (period 12): RR 0.885 (95% CI 0.839-0.933).
    its = interrupted_time_series(sicily, count="aces", time="time", post="smokban",
                                  offset="stdpop", season="month", harmonics=2,
                                  family="quasipoisson")
    assert its.step.rate_ratio == pytest.approx(0.885, abs=0.002)
    assert its.step.ci_low == pytest.approx(0.839, abs=0.002)
    assert its.step.ci_high == pytest.approx(0.933, abs=0.002)
    assert its.slope is None
    assert its.scale > 1  # the series is overdispersed, which is why quasi-Poisson is used


@pytest.mark.benchmark_data
def test_sicily_families_agree_on_the_step_but_not_on_its_precision(sicily):
    kw = dict(count="aces", time="time", post="smokban", offset="stdpop", season="month")
    quasi = interrupted_time_series(sicily, family="quasipoisson", **kw)
    pois = interrupted_time_series(sicily, family="poisson", **kw)
    nb = interrupted_time_series(sicily, family="negativebinomial", **kw)
    assert pois.step.rate_ratio == pytest.approx(quasi.step.rate_ratio, rel=1e-9)
    # quasi-Poisson widens the log-scale interval by sqrt(scale)
    width = lambda r: np.log(r.ci_high / r.ci_low)  # noqa: E731
    assert width(quasi.step) / width(pois.step) == pytest.approx(np.sqrt(quasi.scale), rel=1e-6)
    assert nb.step.rate_ratio == pytest.approx(0.885, abs=0.01)


def _simulated(step, n_months=48, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(1, n_months + 1)
    post = (t > n_months // 2).astype(int)
    month = (t - 1) % 12 + 1
    mu = 30 * np.exp(0.002 * t + 0.2 * np.sin(2 * np.pi * month / 12)) * np.where(post, step, 1)
    return pd.DataFrame({"t": t, "post": post, "month": month, "n": rng.poisson(mu)})


def test_recovers_a_planted_step_with_slope_term():
    data = _simulated(step=0.6, seed=3)
    its = interrupted_time_series(data, count="n", time="t", post="post", season="month",
                                  slope=True, family="poisson")
    assert its.step.ci_low < 0.6 < its.step.ci_high
    assert its.slope.ci_low < 1 < its.slope.ci_high


def test_refuses_fractional_counts():
    data = _simulated(step=1.0).astype({"n": float})
    data.loc[5, "n"] = 2.5
    with pytest.raises(ValueError, match='row 5, column "n"'):
        interrupted_time_series(data, count="n", time="t", post="post")
