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
def test_basque_synth_solution_is_a_local_optimum_of_its_own_criterion(basque):
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
                       treated="California", treatment_time=1989)
    assert len(res.ratios) == 39
    assert res.min_p_value == pytest.approx(1 / 39)
    assert res.p_value <= 0.1
    assert res.p_value == pytest.approx(np.mean(res.ratios >= res.ratios["California"]))


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
