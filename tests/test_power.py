"""What a design could have detected: the minimum detectable effect against hand calculations,
its worlds against what was planted in them, and its fast paths against the methods themselves."""

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from wardstudy.evaluate import design as impact
from wardstudy.evaluate import poisson_change
from wardstudy.evaluate.did import did_permutation_test
from wardstudy.evaluate.pooled import CONTROL_GROUP, pooled_effect, pooled_panel
from wardstudy.evaluate.power import _draw, fit_worlds, minimum_detectable_effect, simulated_counts, units_needed
from wardstudy.evaluate.worlds import city_shape_world, poisson_world


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
    # The records: exactly 15 cases every month (and 2 in the comparison ward), so the worlds'
    # level is 15, with no trend, no season and no overdispersion to estimate.
    world = poisson_world(3, [60000, 6000], level_sd=0.0, trend=0.0)
    crimes = world["crimes"].assign(count=np.where(world["crimes"]["ward"] == "w0", 15, 2))
    found = minimum_detectable_effect(exact_before_after("w0", 2023), crimes, world["project06"], "w0",
                                      ["w1"], 2023, 2024, n_simulations=200, steps=6, seed=1)
    rr = 0.81
    assert abs(math.log(rr)) == pytest.approx(2.8 * math.sqrt(1 / 360 + 1 / (360 * rr)), abs=0.01)
    assert found.rate_ratio == pytest.approx(rr, abs=0.04)
    assert found.level == 0.05 and found.units_needed is None and found.reachable
    assert found.power_low <= found.power <= found.power_high and found.power >= 0.8


def test_a_smaller_ward_can_only_detect_a_larger_fall():
    # 15 cases a month against 3, every month (no trend, season or overdispersion in the worlds).
    world = poisson_world(3, [60000, 6000], level_sd=0.0, trend=0.0)
    found = [minimum_detectable_effect(exact_before_after("w0", 2023),
                                       world["crimes"].assign(count=np.where(world["crimes"]["ward"] == "w0", n, 2)),
                                       world["project06"], "w0", ["w1"], 2023, 2024, n_simulations=80,
                                       seed=2).rate_ratio for n in (15, 3)]
    assert found[1] < found[0] - 0.1


def test_a_test_that_cannot_give_p_below_005_is_said_so_without_simulating():
    world = poisson_world(4, [6000] * 8)
    calls = []

    def always(crimes, project06):  # the most extreme of 8, every time: p = 1/8, never below 0.05
        calls.append(1)
        return 0.125, 0.125

    found = minimum_detectable_effect(always, world["crimes"], world["project06"], "w0",
                                      [f"w{i}" for i in range(1, 8)], 2023, 2024)
    assert not found.reachable and np.isnan(found.rate_ratio) and np.isnan(found.power)
    assert found.level == 0.05 and found.n_simulations == 0 and len(calls) == 1
    # 1 / (J + 1) < 0.05 needs J + 1 > 20: 20 comparison units (with 19 the smallest p is 0.05 itself).
    assert found.units_needed == 20 == units_needed(0.05)
    assert found.min_p_value == 0.125


def test_a_p_equal_to_the_level_is_not_a_detection():
    # The verdict is p < 0.05: a test whose smallest p is exactly 0.05 (J = 19) never detects.
    world = poisson_world(4, [6000] * 2)
    found = minimum_detectable_effect(lambda c, p: (0.05, 0.05), world["crimes"], world["project06"], "w0", ["w1"],
                                      2023, 2024, n_simulations=5)
    assert not found.reachable and found.units_needed == 20


def test_nothing_detected_is_said_as_such():
    world = poisson_world(4, [6000, 6000])
    never = lambda crimes, project06: (1.0, float("nan"))  # noqa: E731
    found = minimum_detectable_effect(never, world["crimes"], world["project06"], "w0", ["w1"], 2023, 2024,
                                      n_simulations=5)
    assert np.isnan(found.rate_ratio) and found.power == 0.0 and found.reachable
    assert found.power_low == 0.0 and found.power_high == pytest.approx(1 - 0.025 ** (1 / 5))  # exact, 0/5


def test_the_worlds_find_the_overdispersion_and_the_trend_planted_in_the_pre_period():
    # 40 wards of 20,000: about 5 cases a month. Planted: negative binomial alpha 0.3, a trend of
    # -0.02 a year; the moment estimate of alpha over 40 x 24 months is within a few hundredths.
    wards = [f"w{i}" for i in range(40)]
    over = poisson_world(1, [20000] * 40, overdispersion=0.3)
    plain = poisson_world(1, [20000] * 40)
    found = [fit_worlds(w["crimes"], w["project06"], {"w0": 2023}, wards, 2024).dispersion for w in (over, plain)]
    assert found[0] == pytest.approx(0.3, abs=0.06)
    assert found[1] < 0.02
    # A unit with no case before the first cohort has no expected case in any world.
    silent = plain["crimes"].assign(count=np.where(plain["crimes"]["ward"] == "w1", 0, plain["crimes"]["count"]))
    baseline = fit_worlds(silent, plain["project06"], {"w0": 2023}, wards, 2024)
    assert (baseline.expected[baseline.months["ward"].to_numpy() == "w1"] == 0).all()


def test_the_worlds_carry_the_shared_season_planted_in_the_data():
    # poisson_world's season: 1 + 0.15 cos(2 pi (month - 12) / 12), highest in December, lowest in June.
    # 20 wards of 500,000 (125 cases a month): each month's factor from 2 x 20 months of the
    # pre-period has a standard error of about 2%, the ratio of two about 3%.
    world = poisson_world(2, [500000] * 20, level_sd=0.0, trend=0.0)
    baseline = fit_worlds(world["crimes"], world["project06"], {"w0": 2023}, [f"w{i}" for i in range(20)], 2024)
    month = baseline.months["month"].str[5:].astype(int).to_numpy()
    by_month = pd.Series(baseline.expected).groupby(month).mean()
    assert by_month[12] / by_month[6] == pytest.approx(1.15 / 0.85, rel=0.08)


def _worlds(baseline, ratio, n, seed):
    return _draw(baseline, ratio, np.random.default_rng(seed).random((n, len(baseline.expected))))


@pytest.mark.parametrize("overdispersion", [0.0, 0.3])
def test_the_time_series_fast_path_gives_the_p_of_the_time_series_itself(overdispersion):
    world = poisson_world(3, [3000, 6000, 5000, 7000], overdispersion=overdispersion)
    design = impact.ImpactDesign("w0", 2023, 2024, ["w1", "w2", "w3"], [])
    baseline = fit_worlds(world["crimes"], world["project06"], {"w0": 2023}, ["w0", "w1", "w2", "w3"], 2024)
    counts = _worlds(baseline, 0.6, 12, seed=0)
    fast = impact.its_step_p(design)(counts, baseline.months)
    rates = impact.SimulatedRates(design, "M")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        slow = [impact._its(rates(baseline.months[["ward", "month"]].assign(category="social_order", count=c),
                                  baseline.months), design)["p_value"] for c in counts]
    np.testing.assert_allclose(fast, slow, rtol=1e-4, atol=1e-6)


def test_the_did_fast_path_gives_the_p_of_the_permutation_test_itself():
    # A ward with 21 comparison units (the smallest p 1/22 < 0.05, so its MDE is simulated).
    world = poisson_world(3, [3000, *np.linspace(2000, 9000, 21).round()], overdispersion=0.2)
    wards = world["units"]["slug"].tolist()
    design = impact.ImpactDesign("w0", 2023, 2024, wards[1:], [])
    baseline = fit_worlds(world["crimes"], world["project06"], {"w0": 2023}, wards, 2024)
    counts = _worlds(baseline, 0.6, 10, seed=0)
    fast = impact._many_worlds("did", design)(counts, baseline.months)
    rates = impact.SimulatedRates(design, "Y")
    slow = [impact._did(rates(**simulated_counts(baseline, 0.6, u)), design)["p_value"]
            for u in np.random.default_rng(0).random((10, len(baseline.expected)))]
    np.testing.assert_allclose(fast, slow, rtol=0, atol=1e-12)


@pytest.mark.parametrize("n_permutations", [500, 100])  # 168 reassignments: every one, then 100 drawn
def test_the_pooled_fast_path_gives_the_p_of_the_pooled_test_itself(n_permutations):
    world = city_shape_world(2, rate_ratio=0.7)
    programme, units = world["programme"], world["units"]
    _, treated, controls = pooled_panel(world["crimes"], world["project06"], programme, units, 2024)
    baseline = fit_worlds(world["crimes"], world["project06"], treated, [*treated, *controls], 2024)
    counts = _worlds(baseline, 0.7, 8, seed=1)

    def table_of(crimes, project06):
        return pooled_panel(crimes, project06, programme, units, 2024)[0]

    fast = impact.did_test_p(table_of, control_group=CONTROL_GROUP, n_permutations=n_permutations)(
        counts, baseline.months)
    slow = [pooled_effect(baseline.months[["ward", "month"]].assign(category="social_order", count=c),
                          baseline.months, programme, units, 2024, n_permutations=n_permutations).p_value
            for c in counts]
    np.testing.assert_allclose(fast, slow, rtol=0, atol=1e-12)
    yearly = table_of(baseline.months[["ward", "month"]].assign(category="social_order", count=counts[0]),
                      baseline.months)
    direct = did_permutation_test(yearly, unit="ward", time="period", cohort="cohort", outcome="rate",
                                  count="count", residents="exposure", control_group=CONTROL_GROUP,
                                  n_permutations=n_permutations)
    assert fast[0] == pytest.approx(direct.p_value, abs=1e-12)


def test_the_detectable_effect_gives_the_same_verdict_for_seeds_0_to_4():
    # A ward of 20,000 (about 4 cases a month) and 5 comparison units: its own time series can
    # detect a fall; with 400 worlds the reported ratio moves between seeds by the power's
    # Monte-Carlo error (+/- 0.04 at 0.80) over the power curve's slope, and the bisection's
    # step (0.012): measured 0.56-0.59 (the DiD and the synthetic control cannot give p < 0.05
    # with 5 units: not simulated, the same answer for every seed).
    world = poisson_world(6, [20000, 6000, 7000, 8000, 9000, 10000], overdispersion=0.1)
    design = impact.ImpactDesign("w0", 2023, 2024, ["w1", "w2", "w3", "w4", "w5"], [])
    found = [impact.detectable_effects(world["crimes"], world["project06"], design, seed=s).set_index("method")
             for s in range(5)]
    ratios = np.array([f.loc["its", "mde_rate_ratio"] for f in found])
    assert np.isfinite(ratios).all() and ratios.max() - ratios.min() <= 0.05, ratios
    for f in found:
        assert f.loc["its", "mde_simulations"] == 400 and f.loc["its", "mde_power"] >= 0.8
        assert f.loc["its", "mde_power_low"] < 0.8 < f.loc["its", "mde_power_high"] or f.loc["its", "mde_power"] > 0.8
        assert not f.loc["did", "mde_reachable"] and f.loc["did", "units_needed"] == 20
        assert not f.loc["synth", "mde_reachable"] and np.isnan(f.loc["synth", "mde_rate_ratio"])


def test_a_simulated_world_without_a_fit_is_not_a_detection_and_stops_no_other():
    # A sparse simulated world (6 cases in 36 months, one after the change) drives the
    # quasi-Poisson fit's weights to zero: X'WX became singular and stopped the whole national
    # impact build (ward 1-26506, 2023, the seasonal ITS of the detectable effect). Such a world
    # gets no p (never a detection); the world beside it gets statsmodels' own p.
    import statsmodels.api as sm
    from scipy import stats

    from wardstudy.evaluate.design import _quasipoisson_step_p

    t = np.arange(36)
    post = t >= 24
    angle = 2 * np.pi * (t + 1) / 12
    x = np.column_stack([np.ones(36), t, post, np.sin(angle), np.cos(angle), np.sin(2 * angle), np.cos(2 * angle)])
    offset = np.linspace(8.302266, 8.325306, 36)  # log population, growing as in the panel
    sparse = np.zeros(36)
    sparse[[0, 1, 11, 12, 23, 24]] = 1
    fine = np.random.default_rng(7).poisson(np.where(post, 3.0, 6.0)).astype(float)
    none_after = np.where(post, 0.0, fine)
    with np.errstate(all="ignore"):
        p = _quasipoisson_step_p(np.vstack([fine, sparse, none_after]), x, offset, column=2, post=post)
    fit = sm.GLM(fine, x, family=sm.families.Poisson(), offset=offset).fit()
    scale = max(float(fit.pearson_chi2) / fit.df_resid, 1.0)
    expected = 2 * stats.norm.sf(abs(fit.params[2] / (fit.bse[2] * np.sqrt(scale))))
    assert np.isnan(p[1]) and np.isnan(p[2])
    assert p[0] == pytest.approx(expected, rel=1e-3)  # both IRLS, stopped by different rules


def test_a_singular_system_leaves_its_own_world_unsolved_only():
    from wardstudy.evaluate.design import _solve_each

    a = np.array([[[2.0, 0.0], [0.0, 4.0]], [[1.0, 1.0], [1.0, 1.0]]])
    x, solved = _solve_each(a, np.array([[2.0, 8.0], [1.0, 1.0]]))
    assert solved.tolist() == [True, False]
    assert x[0].tolist() == [1.0, 2.0] and x[1].tolist() == [0.0, 0.0]
