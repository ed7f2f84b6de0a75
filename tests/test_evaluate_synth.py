"""Synthetic control against R Synth (Basque) and ADH 2010 (Proposition 99)."""

import numpy as np
import pandas as pd
import pytest

from wardstudy.evaluate import placebo_test, synthetic_control
from wardstudy.evaluate.synth import simplex_least_squares

BASQUE = "Basque Country (Pais Vasco)"
# The R Synth vignette specification (benchmarks README).
BASQUE_PREDICTORS = [
    "school.illit", "school.prim", "school.med", "school.high", "school.post.high", "invest",
    ("gdpcap", range(1960, 1970)),
    *[(c, range(1961, 1970, 2)) for c in (
        "sec.agriculture", "sec.energy", "sec.industry", "sec.construction",
        "sec.services.venta", "sec.services.nonventa")],
    ("popdens", [1969]),
]


@pytest.fixture(scope="module")
def basque(benchmarks_dir):
    data = pd.read_csv(benchmarks_dir / "basque.csv")
    return data[data["regionno"] != 1]  # regionno 1 is Spain as a whole, not a donor


@pytest.fixture(scope="module")
def smoking(benchmarks_dir):
    return pd.read_csv(benchmarks_dir / "smoking.csv")


def _basque_fit(basque, **kwargs):
    return synthetic_control(
        basque, unit="regionname", time="year", outcome="gdpcap", treated=BASQUE,
        treatment_time=1975, predictors=BASQUE_PREDICTORS, predictor_years=range(1964, 1970),
        optimize_years=range(1960, 1970), **kwargs)


@pytest.mark.benchmark_data
def test_basque_weights_match_r_synth_vignette(basque):
    # R Synth vignette: Cataluna 0.8508, Madrid 0.1492, all others 0; loss.v about 0.00886
    fit = _basque_fit(basque)
    assert len(fit.weights) == 16
    assert fit.weights["Cataluna"] == pytest.approx(0.851, abs=0.01)
    assert fit.weights["Madrid (Comunidad De)"] == pytest.approx(0.149, abs=0.01)
    others = fit.weights.drop(["Cataluna", "Madrid (Comunidad De)"])
    assert others.max() < 0.01
    assert fit.loss == pytest.approx(0.00886, rel=0.01)
    assert fit.weights.sum() == pytest.approx(1)


@pytest.mark.benchmark_data
def test_basque_published_weights_give_published_loss(basque):
    # Synth's loss.v is the mean squared gdpcap gap over 1960-69; with the published
    # weights it is about 0.00886 (benchmarks README). Computed here without any optimiser.
    wide = basque.pivot(index="regionname", columns="year", values="gdpcap").loc[:, 1960:1969]
    synthetic = 0.8508 * wide.loc["Cataluna"] + 0.1492 * wide.loc["Madrid (Comunidad De)"]
    loss = float(((wide.loc[BASQUE] - synthetic) ** 2).mean())
    assert loss == pytest.approx(0.00886, rel=0.01)
    assert _basque_fit(basque).loss == pytest.approx(loss, rel=1e-3)


@pytest.mark.benchmark_data
def test_basque_wider_v_search_beats_the_published_loss_by_more_than_a_tenth(basque):
    # The V problem is not convex (cf. Becker & Kloessner 2018 on unreliable V searches):
    # here a wider search finds a smaller loss.v than the published 0.00886, with different
    # weights (our finding, not a published number). Reported, not hidden.
    wider = _basque_fit(basque, n_starts=1, methods=("Powell",))
    assert wider.loss < 0.00886 * 0.9
    assert wider.weights.sum() == pytest.approx(1)


@pytest.mark.benchmark_data
def test_prop99_outcome_only_puts_weight_on_few_states_and_finds_a_fall(smoking):
    # ADH 2010 (predictor spec): Utah .334, Nevada .234, Montana .199, Colorado .164,
    # Connecticut .069; gap about -25 packs per capita by 2000. Outcome-only matching is a
    # different spec, so only robust facts are pinned.
    fit = synthetic_control(smoking, unit="state", time="year", outcome="cigsale",
                            treated="California", treatment_time=1989)
    top = fit.weights.sort_values(ascending=False)
    assert top.iloc[:5].sum() > 0.9
    assert {"Utah", "Nevada", "Montana"} <= set(top.index[:5])
    assert fit.pre_rmspe < 3  # packs per capita; California's sales were ~90-130 before 1989
    assert -30 <= fit.gaps.loc[2000] <= -20
    assert (fit.gaps.loc[1995:] < 0).all()


@pytest.mark.benchmark_data
def test_prop99_placebo_test(smoking):
    # ADH 2010, Figure 8: California's post/pre RMSPE ratio is the largest of 39 (p = 1/39)
    # with their predictors. Outcome-only fits differ, so only require a small p.
    res = placebo_test(smoking, unit="state", time="year", outcome="cigsale",
                       treated="California", treatment_time=1989, statistic="ratio")
    assert len(res.ratios) == 39
    assert res.min_p_value == pytest.approx(1 / 39)
    assert res.p_value <= 0.1


def test_simplex_weights_reproduce_an_exact_convex_combination():
    rng = np.random.default_rng(7)
    donors = rng.normal(size=(20, 6))
    truth = np.array([0.5, 0.3, 0.2, 0, 0, 0])
    w = simplex_least_squares(donors, donors @ truth)
    np.testing.assert_allclose(w, truth, atol=1e-6)


def test_simplex_weights_for_a_target_outside_the_hull_is_the_nearest_vertex():
    # Target above every donor: the best convex combination puts everything on the highest.
    donors = np.array([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]])
    np.testing.assert_allclose(simplex_least_squares(donors, np.array([10.0, 10.0])), [0, 0, 1],
                               atol=1e-9)


def test_synthetic_control_refuses_unknown_treated_unit():
    df = pd.DataFrame({"u": list("aabb"), "t": [1, 2] * 2, "y": [1.0, 2.0, 1.0, 2.0]})
    with pytest.raises(ValueError, match="'z' is not in column"):
        synthetic_control(df, unit="u", time="t", outcome="y", treated="z", treatment_time=2)


def _long(series: dict, times) -> pd.DataFrame:
    return pd.DataFrame([(u, t, float(y)) for u, ys in series.items() for t, y in zip(times, ys)],
                        columns=["u", "t", "y"])


def test_placebos_have_the_treated_unit_among_their_donors():
    # ADH 2010: each placebo is fitted from all the other units, the treated one included.
    # Treated from t = 2. b (0, 1): of a (1, 5) and c (2, 3) the nearest mix to 0 is a alone,
    # gaps -1 then 1 - 5 = -4, ratio 4. c (2, 3): nearest is a, gaps 1 then 3 - 5 = -2, ratio 2.
    # (Without a among its donors, b would be fitted by c: gaps -2, -2, ratio 1.)
    df = _long({"a": [1, 5], "b": [0, 1], "c": [2, 3]}, [1, 2])
    res = placebo_test(df, unit="u", time="t", outcome="y", treated="a", treatment_time=2, statistic="ratio")
    assert set(res.results["b"].weights.index) == {"a", "c"}
    assert res.results["b"].weights["a"] == pytest.approx(1)
    assert res.ratios["b"] == pytest.approx(4)
    assert res.ratios["c"] == pytest.approx(2)
    assert res.p_value == pytest.approx(1 / 3)  # a's pre-period fit is perfect (b/2 + c/2): it ranks first


@pytest.mark.parametrize(("treated", "p"), [("a", 1 / 3), ("b", 2 / 3), ("c", 3 / 3)])
def test_placebo_p_is_the_treated_units_rank_among_the_ratios(treated, p):
    # The panel of the test above, worked by hand; every unit is fitted from the two others.
    # a (1, 5) from b (0, 1) and c (2, 3): 1 = b/2 + c/2 exactly, pre RMSPE 0, so its ratio is
    # post gap 5 - 2 = 3 over the floor: by far the largest. b: ratio 4; c: ratio 2.
    # Ranks from the top: a 1st, b 2nd, c 3rd of 3, so p = 1/3, 2/3, 3/3.
    df = _long({"a": [1, 5], "b": [0, 1], "c": [2, 3]}, [1, 2])
    res = placebo_test(df, unit="u", time="t", outcome="y", treated=treated, treatment_time=2, statistic="ratio")
    assert res.p_value == pytest.approx(p)
    assert res.min_p_value == pytest.approx(1 / 3)


def test_every_unit_gets_the_same_statistic_whichever_unit_is_treated():
    # The design is then a true permutation test: the J + 1 statistics do not depend on which
    # unit is labelled treated, only the rank read off does. (Leaving the treated unit out of
    # the placebos' donors breaks this: its fit has one donor more.)
    rng = np.random.default_rng(3)
    df = _long({u: 10 + rng.normal(size=12) for u in "abcdef"}, range(12))
    first = placebo_test(df, unit="u", time="t", outcome="y", treated="a", treatment_time=8, statistic="ratio")
    other = placebo_test(df, unit="u", time="t", outcome="y", treated="d", treatment_time=8, statistic="ratio")
    pd.testing.assert_series_equal(first.ratios.sort_index(), other.ratios.sort_index(), rtol=1e-9)
    assert {u: len(r.weights) for u, r in first.results.items()} == dict.fromkeys("abcdef", 5)


def test_a_perfect_pre_period_fit_is_ranked_by_its_post_gap_not_divided_by_zero():
    # 10 units, 2 pre-periods, 1 post. a = (0, 0 | 3), b = (0, 0 | 0): each is the other's only
    # exact match (every other unit is constant at 1..8), so both fits have pre RMSPE exactly 0
    # and post RMSPE 3. The ratio's denominator is then the floor, 1e-6 x the outcome's RMS:
    # sqrt((3^2 + 3 x (1^2 + ... + 8^2)) / 30) = sqrt(20.7). The constant units' synthetic
    # controls put less than all their weight on a, so their post gaps are < 3 (c8, at the
    # edge of the hull: fitted by c7, gaps 1, 1, 1, ratio 1). a and b tie first: p = 2 / 10.
    series = {"a": [0, 0, 3], "b": [0, 0, 0], **{f"c{v}": [v, v, v] for v in range(1, 9)}}
    res = placebo_test(_long(series, [1, 2, 3]), unit="u", time="t", outcome="y", treated="a", treatment_time=3,
                      statistic="ratio")
    assert res.results["a"].pre_rmspe == 0
    assert res.floor == pytest.approx(1e-6 * np.sqrt(20.7))
    assert res.ratios["a"] == pytest.approx(3 / (1e-6 * np.sqrt(20.7)))
    assert res.ratios["b"] == pytest.approx(res.ratios["a"])
    assert res.ratios["c8"] == pytest.approx(1)
    assert np.isfinite(res.ratios).all()
    assert res.p_value == pytest.approx(2 / 10)
    assert res.min_p_value == pytest.approx(1 / 10)


def test_placebo_test_refuses_a_panel_with_no_period_after_treatment():
    df = _long({"a": [1, 2], "b": [0, 1], "c": [2, 3]}, [1, 2])
    with pytest.raises(ValueError, match="no y value from treatment_time 3 on"):
        placebo_test(df, unit="u", time="t", outcome="y", treated="a", treatment_time=3)


# --- the standardised statistic (issue 23, item 3) -------------------------------------


def test_standardised_statistic_is_each_units_gap_contrast_over_its_poisson_se_worked_by_hand():
    # The panel above as counts with an exposure of 1. a = b/2 + c/2 (pre gap 0, post gap
    # 5 - 2 = 3), own rates (both periods) a 3, b 0.5, c 2.5: Var(gap) = 3 + 0.25 x 0.5 + 0.25 x
    # 2.5 = 3.75 a period, contrast 3 - 0 = 3, z = 3 / sqrt(2 x 3.75). b from a: gaps -1 then
    # -4, contrast -3, Var 0.5 + 3 a period: z = -3 / sqrt(7). c from a: gaps 1, -2: -3 / sqrt(11).
    df = _long({"a": [1, 5], "b": [0, 1], "c": [2, 3]}, [1, 2]).assign(n=1.0)
    res = placebo_test(df, unit="u", time="t", outcome="y", treated="a", treatment_time=2, count="y", exposure="n")
    assert res.statistic == "standardised"
    assert res.z.to_dict() == pytest.approx({"a": 3 / np.sqrt(7.5), "b": -3 / np.sqrt(7), "c": -3 / np.sqrt(11)})
    assert res.p_value == pytest.approx(2 / 3)  # |z_b| 1.134 > |z_a| 1.095 > |z_c| 0.905
    assert res.ratios["b"] == pytest.approx(4)  # the ratios are still computed
    row = res.to_frame().iloc[0]
    assert row["statistic"] == "standardised" and row["z"] == pytest.approx(3 / np.sqrt(7.5))


def test_standardised_statistic_does_not_depend_on_the_rates_scale():
    # rate per 1,000 = count / exposure x 1,000: the weights and every z are the same as for count / exposure.
    rng = np.random.default_rng(5)
    rows = [(u, t, int(rng.poisson(20)), 5000.0) for u in "abcdef" for t in range(12)]
    df = pd.DataFrame(rows, columns=["u", "t", "n", "people"])
    per_1000 = placebo_test(df.assign(y=df["n"] / df["people"] * 1000), unit="u", time="t", outcome="y",
                            treated="a", treatment_time=8, count="n", exposure="people")
    plain = placebo_test(df.assign(y=df["n"] / df["people"]), unit="u", time="t", outcome="y",
                         treated="a", treatment_time=8, count="n", exposure="people")
    pd.testing.assert_series_equal(per_1000.z, plain.z, rtol=1e-6)


def test_without_counts_the_placebo_test_warns_and_ranks_the_ratio():
    df = _long({"a": [1, 5], "b": [0, 1], "c": [2, 3]}, [1, 2])
    with pytest.warns(UserWarning, match="holds its level only among units of one size"):
        res = placebo_test(df, unit="u", time="t", outcome="y", treated="a", treatment_time=2)
    assert res.statistic == "ratio" and res.p_value == pytest.approx(1 / 3)


def test_the_standardised_statistic_refuses_without_counts_and_names_a_bad_count():
    df = _long({"a": [1, 5], "b": [0, 1], "c": [2, 3]}, [1, 2])
    with pytest.raises(ValueError, match='needs the count and exposure columns'):
        placebo_test(df, unit="u", time="t", outcome="y", treated="a", treatment_time=2, statistic="standardised")
    bad = df.assign(n=1.0, y=df["y"].where(df["y"] != 3, 2.5))
    with pytest.raises(ValueError, match='column "y": 2.5 for u=\'c\', t=2 must be a count'):
        placebo_test(bad, unit="u", time="t", outcome="y", treated="a", treatment_time=2, count="y", exposure="n")


def test_the_design_runs_the_standardised_placebo_test(study):
    from wardstudy.evaluate import design as impact

    design = impact.impact_design(study.programme, impact.donor_pool(study.units, "duc-xuan"), "duc-xuan", 2023)
    quarterly = impact.social_order_rates(study.crimes, study.project06, design, "Q")
    direct = placebo_test(quarterly, unit="ward", time="period", outcome="rate", treated="duc-xuan",
                          treatment_time=2023.0, donors=impact.identifiable_donors(quarterly, design),
                          count="count", exposure="exposure")
    assert direct.statistic == "standardised"
    assert impact._synth(quarterly, design)["p_value"] == direct.p_value
