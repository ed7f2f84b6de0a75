"""Results that show themselves: each result's to_frame() on a small example worked by hand,
a short repr with no array in it, and an HTML table for JupyterLab (issue 25, item 2)."""

import warnings

import numpy as np
import pandas as pd
import pytest

from wardstudy.evaluate.did import did_permutation_test
from wardstudy.evaluate.its import interrupted_time_series
from wardstudy.evaluate.pooled import PooledEffect
from wardstudy.evaluate.results import ImpactResult
from wardstudy.evaluate.synth import placebo_test, synthetic_control

Z95 = 1.959963984540054

# Three wards, two years; ward 1 enters in year 2. Ward 1: 5 -> 9 (+4); wards 2 and 3: 5 -> 6 (+1)
# and 4 -> 6 (+2). ATT = 4 - (1 + 2) / 2 = 2.5. Each ward in turn treated: ward 2 gives
# 1 - (4 + 2) / 2 = -2, ward 3 gives 2 - (4 + 1) / 2 = -0.5; |2.5| is the largest of the three,
# so the exact two-sided p is 1/3, also the smallest attainable p (3 assignments).
DID = pd.DataFrame({"ward": [1, 1, 2, 2, 3, 3], "year": [1, 2] * 3, "g": [2, 2, 0, 0, 0, 0],
                    "y": [5.0, 9.0, 5.0, 6.0, 4.0, 6.0]})
# Ward a = 1, 5; b = 0, 1; c = 2, 3, treated from t = 2: a = b/2 + c/2 exactly before (gap 0),
# then 5 - (1 + 3) / 2 = 3.
SYNTH = pd.DataFrame({"u": list("aabbcc"), "t": [1, 2] * 3, "y": [1.0, 5.0, 0.0, 1.0, 2.0, 3.0]})


def test_permutation_result_frame_holds_the_hand_worked_att_and_exact_p():
    r = did_permutation_test(DID, unit="ward", time="year", cohort="g", outcome="y", statistic="difference")
    got = r.to_frame()
    assert list(got.columns[:6]) == ["method", "estimate", "p_value", "min_p_value", "n_assignments", "note"]
    row = got.iloc[0]
    assert row["method"] == "did_permutation"
    assert row["estimate"] == pytest.approx(2.5)
    assert row["p_value"] == pytest.approx(1 / 3)
    assert row["min_p_value"] == pytest.approx(1 / 3)
    assert row["n_assignments"] == 3
    assert bool(row["exact"]) is True
    assert len(got) == 1


def test_synthetic_control_frame_gives_the_post_period_gap_and_its_donors():
    fit = synthetic_control(SYNTH, unit="u", time="t", outcome="y", treated="a", treatment_time=2)
    row = fit.to_frame().iloc[0]
    assert row["method"] == "synth"
    assert row["estimate"] == pytest.approx(3.0, abs=1e-6)
    assert row["pre_rmspe"] == pytest.approx(0.0, abs=1e-6)
    assert row["post_rmspe"] == pytest.approx(3.0, abs=1e-6)
    assert row["n_donors"] == 2


def test_placebo_frame_gives_the_treated_gap_rank_p_and_the_pool_size():
    test = placebo_test(SYNTH, unit="u", time="t", outcome="y", treated="a", treatment_time=2)
    row = test.to_frame().iloc[0]
    assert row["method"] == "synth_placebo"
    assert row["estimate"] == pytest.approx(3.0, abs=1e-6)
    assert row["p_value"] == pytest.approx(1 / 3)       # a ranks first of 3
    assert row["min_p_value"] == pytest.approx(1 / 3)
    assert row["n_assignments"] == 3


@pytest.mark.filterwarnings("ignore:Perfect separation")  # the made-up series is fitted exactly
def test_its_frame_gives_the_step_rate_ratio_and_the_family_fitted():
    # 12 months at 10 cases, then 12 at 5: a flat trend and a step of exactly 5 / 10.
    series = pd.DataFrame({"t": np.arange(24), "count": [10] * 12 + [5] * 12, "post": [0] * 12 + [1] * 12})
    its = interrupted_time_series(series, count="count", time="t", post="post", family="poisson")
    got = its.to_frame()
    assert got["term"].tolist() == ["step"]
    assert got.loc[0, "estimate"] == pytest.approx(0.5, rel=1e-6)
    assert got.loc[0, "ci_low"] < 0.5 < got.loc[0, "ci_high"]
    assert got.loc[0, "family"] == "poisson"
    assert got.loc[0, "dispersion"] == pytest.approx(1.0)


def test_pooled_frame_gives_the_att_with_its_interval_and_the_rate_ratio_on_two_rows():
    e = PooledEffect(2024, {"a": 2023, "b": 2024}, ["c", "d", "e"], att=-2.0, se=0.5, rate_ratio=0.8,
                     ci_low=0.7, ci_high=0.9, p_value=0.1, min_p_value=0.1, n_assignments=10,
                     by_cohort=pd.DataFrame(), by_event_time=pd.DataFrame())
    got = e.to_frame()
    assert got["scale"].tolist() == ["difference", "rate_ratio"]
    assert got["estimate"].tolist() == [-2.0, 0.8]
    assert got.loc[0, "ci_low"] == pytest.approx(-2.0 - Z95 * 0.5)
    assert got.loc[0, "ci_high"] == pytest.approx(-2.0 + Z95 * 0.5)
    assert got.loc[1, ["ci_low", "ci_high"]].tolist() == [0.7, 0.9]
    assert got["n_treated"].tolist() == [2, 2] and got["n_controls"].tolist() == [3, 3]
    assert got["p_value"].tolist() == [0.1, 0.1]


def test_pooled_effect_read_back_from_the_tables_a_build_stores():
    tables = {
        "programme_effects": pd.DataFrame({"year": [2023, 2024], "att": [np.nan, -2.0], "se": [np.nan, 0.5],
                                           "rate_ratio": [np.nan, 0.8], "ci_low": [np.nan, 0.7],
                                           "ci_high": [np.nan, 0.9], "p_value": [np.nan, 0.1],
                                           "min_p_value": [np.nan, 0.1], "n_assignments": [np.nan, 10.0]}),
        "programme_units": pd.DataFrame({"year": [2024] * 3, "ward": ["a", "c", "d"], "cohort": [2023, 0, 0],
                                         "role": ["treated", "control", "control"]}),
        "programme_levels": pd.DataFrame({"year": [2024], "kind": ["cohort"], "level": [2023], "att": [-2.0],
                                          "se": [0.5], "ci_low": [np.nan], "ci_high": [np.nan]}),
    }
    assert PooledEffect.from_tables(tables, 2023) is None      # no estimate that year
    e = PooledEffect.from_tables(tables, 2024)
    assert (e.treated, e.controls, e.n_assignments) == ({"a": 2023}, ["c", "d"], 10)
    assert e.by_cohort["level"].tolist() == [2023]


def test_an_impact_result_that_cannot_be_evaluated_says_why_in_every_method_row():
    designs = pd.DataFrame({"ward": ["a", "a"], "year": [2024, 2024], "cohort": [2023, 2023], "unit": ["a", "b"],
                            "role": ["treated", "control"], "note": ["too few comparison units", ""]})
    estimates = pd.DataFrame(columns=["ward", "year", "method", "estimate", "p_value"])
    r = ImpactResult.from_tables(designs, estimates, "a", 2024)
    got = r.to_frame()
    assert got["method"].tolist() == ["did", "synth", "its"]
    assert got["note"].eq("too few comparison units").all()
    assert got["estimate"].isna().all()
    assert (r.controls, r.cohort, r.evaluable) == (["b"], 2023, False)


def test_an_impact_result_keeps_each_methods_numbers():
    designs = pd.DataFrame({"ward": ["a"] * 4, "year": [2024] * 4, "cohort": [2023] * 4,
                            "unit": ["a", "b", "c", "d"], "role": ["treated", "control", "control", "control"],
                            "note": [""] * 4})
    estimates = pd.DataFrame({"ward": ["a", "a"], "year": [2024, 2024], "method": ["did", "its"],
                              "estimate": [-1.5, 0.7], "scale": ["difference", "rate_ratio"],
                              "ci_low": [np.nan, 0.5], "ci_high": [np.nan, 0.98], "p_value": [0.25, 0.04],
                              "min_p_value": [0.25, np.nan], "n_assignments": [4, np.nan],
                              "family": ["", "quasipoisson"], "mde_rate_ratio": [0.4, 0.6]})
    got = ImpactResult.from_tables(designs, estimates, "a", 2024).to_frame()
    assert got["estimate"].tolist() == [-1.5, 0.7]
    assert got["min_p_value"].iloc[0] == 0.25 and got["n_assignments"].iloc[0] == 4
    assert got["mde_rate_ratio"].tolist() == [0.4, 0.6]
    assert got["note"].eq("").all()


@pytest.fixture(scope="module")
def results():
    perm = did_permutation_test(DID, unit="ward", time="year", cohort="g", outcome="y", statistic="difference")
    placebo = placebo_test(SYNTH, unit="u", time="t", outcome="y", treated="a", treatment_time=2)
    series = pd.DataFrame({"t": np.arange(24), "count": [10] * 12 + [5] * 12, "post": [0] * 12 + [1] * 12})
    with warnings.catch_warnings():  # the made-up series is fitted exactly
        warnings.simplefilter("ignore")
        its = interrupted_time_series(series, count="count", time="t", post="post", family="poisson")
    pooled = PooledEffect(2024, {"a": 2023}, ["c", "d"], -2.0, 0.5, 0.8, 0.7, 0.9, 0.1, 0.1, 10,
                          pd.DataFrame({"level": [2023]}), pd.DataFrame({"level": [0]}))
    return {"perm": perm, "synth": placebo.results["a"], "placebo": placebo, "its": its, "pooled": pooled}


@pytest.mark.parametrize("name", ["perm", "synth", "placebo", "its", "pooled"])
def test_a_result_shows_a_table_never_a_dataclass_dump(results, name):
    r = results[name]
    text = repr(r)
    assert text.startswith(type(r).__name__ + "\n")
    body = text.split("\n", 1)[1]
    assert "array(" not in body and "dtype" not in body and "Series" not in body and "=" not in body
    assert len(text.splitlines()) <= 4
    html = r._repr_html_()
    assert html.lstrip().startswith("<table") and "</table>" in html
    assert "<th>estimate</th>" in html
    pd.testing.assert_frame_equal(r.summary(), r.to_frame())


def test_a_ward_report_repr_names_the_ward_year_and_row_counts_not_the_tables():
    from wardstudy.pipeline.params import ReportParams
    from wardstudy.pipeline.ward import WardReport

    table = pd.DataFrame({"indicator": ["social_order_crimes"] * 16, "value": np.arange(16.0) + 1000.5})
    empty = pd.DataFrame()
    report = WardReport(params=ReportParams("duc-xuan", 2023, 2022, None, "Đức Xuân", "01840"), build=None,
                        unit={"slug": "duc-xuan"}, cohort=2023, values=table, history=table.iloc[:5],
                        comparisons=empty, unmet=["c01", "c07"], peers=table, peer_names={}, reconciled=empty,
                        impact_design=empty, impact_estimates=table.iloc[:3], sensitivity=empty,
                        records={"crimes": table.iloc[:12]})
    text = repr(report)
    assert text.startswith("WardReport(ward='duc-xuan', year=2023, baseline_year=2022, cohort=2023, lang='vi'")
    assert "values 16" in text and "history 5" in text and "impact_estimates 3" in text
    assert "unmet 2" in text and "crimes 12" in text
    assert "1000.5" not in text and "social_order_crimes" not in text   # no table printed
    assert "\n" not in text
