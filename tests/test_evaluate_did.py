"""Staggered DiD against R `did` 2.5.1 (mpdta) and Card & Krueger (1994)."""

import re

import numpy as np
import pandas as pd
import pytest

from wardstudy.evaluate import aggregate_did, did_permutation_test, staggered_did

SCENARIOS = {"mpdta_nev_dr": "never_treated", "mpdta_nev_ipw": "never_treated",
             "mpdta_nyt_dr": "not_yet_treated"}


@pytest.fixture(scope="module")
def mpdta(benchmarks_dir):
    return pd.read_csv(benchmarks_dir / "mpdta.csv")


def _fit(mpdta, control_group):
    return staggered_did(mpdta, unit="countyreal", time="year", cohort="first.treat",
                         outcome="lemp", control_group=control_group)


@pytest.mark.benchmark_data
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_group_time_att_matches_r_did(mpdta, benchmarks_dir, scenario):
    # Without covariates the R dr and ipw estimators coincide with the difference of mean changes.
    ref = pd.read_csv(benchmarks_dir / "did_r_reference_attgt.csv")
    ref = ref[ref["scenario"] == scenario]
    got = _fit(mpdta, SCENARIOS[scenario]).merge(ref, left_on=["group", "time"],
                                                  right_on=["group", "t"], suffixes=("", "_r"))
    assert len(got) == len(ref) == 12
    np.testing.assert_allclose(got["att"], got["att_r"], atol=1e-6, rtol=0)
    np.testing.assert_allclose(got["se"], got["se_r"], rtol=0.01)


@pytest.mark.benchmark_data
def test_published_simple_aggregate(mpdta):
    # benchmarks README: simple aggregate -0.0399513 (SE 0.0120340), never-treated controls
    agg = aggregate_did(_fit(mpdta, "never_treated"), "simple")
    assert agg.att == pytest.approx(-0.0399513, abs=1e-6)
    assert agg.se == pytest.approx(0.0120340, rel=0.01)


@pytest.mark.benchmark_data
@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("kind", ["simple", "group", "dynamic", "calendar"])
def test_aggregates_match_r_aggte(mpdta, benchmarks_dir, scenario, kind):
    ref = pd.read_csv(benchmarks_dir / "did_r_reference_aggte.csv")
    ref = ref[(ref["scenario"] == scenario) & (ref["type"] == kind)]
    agg = aggregate_did(_fit(mpdta, SCENARIOS[scenario]), kind)
    assert agg.att == pytest.approx(ref["overall_att"].iloc[0], abs=1e-6)
    assert agg.se == pytest.approx(ref["overall_se"].iloc[0], rel=0.01)
    if kind != "simple":
        np.testing.assert_allclose(agg.table["level"], ref["egt"], atol=0)
        np.testing.assert_allclose(agg.table["att"], ref["att_egt"], atol=1e-6, rtol=0)
        np.testing.assert_allclose(agg.table["se"], ref["se_egt"], rtol=0.01)


@pytest.mark.benchmark_data
def test_card_krueger_balanced_sample(benchmarks_dir):
    # Card & Krueger (1994, AER 84(4)), Table 3 row 4, "balanced sample of stores" (FTE
    # available in both waves): change PA -2.28, NJ 0.47, NJ - PA = 2.75 (se 1.34).
    ck = pd.read_csv(benchmarks_dir / "card_krueger.csv")
    both = ck.groupby("id")["fte"].transform(lambda s: s.notna().all())
    ck = ck[both].assign(cohort=lambda d: d["nj"])  # NJ treated from wave d = 1; PA never
    got = staggered_did(ck, unit="id", time="d", cohort="cohort", outcome="fte")
    assert len(got) == 1
    assert got.loc[0, "att"] == pytest.approx(2.75, abs=0.005)
    assert got.loc[0, "se"] == pytest.approx(1.34, abs=0.01)


def _toy(changes, cohorts):
    """Two periods; unit i goes from 0 to changes[i]."""
    n = len(changes)
    return pd.DataFrame({"ward": np.repeat(np.arange(n), 2), "year": np.tile([2022, 2023], n),
                         "cohort": np.repeat(cohorts, 2),
                         "y": np.ravel(np.column_stack([np.zeros(n), changes]))})


def test_single_ward_cohort_is_flagged():
    got = staggered_did(_toy([10, 1, 2, 3, 4], [2023, 0, 0, 0, 0]),
                        unit="ward", time="year", cohort="cohort", outcome="y")
    assert got.loc[0, "att"] == pytest.approx(10 - 2.5)
    assert bool(got.loc[0, "single_unit_cohort"])
    assert "single unit" in got.attrs["note"]


def test_permutation_test_enumerates_all_reassignments():
    # Hand calculation: treated ward's change 10 vs 1..4 -> ATT 7.5; making ward k the
    # treated one gives k - mean(rest) = -3.75, -2.5, -1.25, 0: only the truth is as extreme.
    res = did_permutation_test(_toy([10, 1, 2, 3, 4], [2023, 0, 0, 0, 0]),
                               unit="ward", time="year", cohort="cohort", outcome="y", statistic="difference")
    assert res.exact and res.n_assignments == 5
    assert res.observed == pytest.approx(7.5)
    assert res.p_value == pytest.approx(1 / 5) and res.min_p_value == pytest.approx(1 / 5)
    assert sorted(np.round(res.distribution, 6)) == [-3.75, -2.5, -1.25, 0, 7.5]


def test_permutation_test_one_sided():
    res = did_permutation_test(_toy([0, 1, 2, 3, 4], [2023, 0, 0, 0, 0]), unit="ward",
                               time="year", cohort="cohort", outcome="y", alternative="less",
                               statistic="difference")
    assert res.p_value == pytest.approx(1 / 5)  # the smallest change of the five


def test_permutation_test_samples_when_too_many_assignments_and_counts_the_observed_once():
    # 10 treated wards change by 1, 20 controls by 0: ATT = 1. A reassignment putting k of the
    # truly treated among its 10 "treated" gives k/10 - (10 - k)/20 = (3k - 10)/20, which
    # reaches |1| only for k = 10, the truth itself (chance 1 / C(30, 10) = 1 / 30,045,015 per
    # draw). So none of the 199 draws is as extreme and p = (1 + 0) / (1 + 199) = 1/200.
    data = _toy([1.0] * 10 + [0.0] * 20, [2023] * 10 + [0] * 20)
    res = did_permutation_test(data, unit="ward", time="year", cohort="cohort", outcome="y",
                               n_permutations=199, seed=3, statistic="difference")
    assert not res.exact and len(res.distribution) == 199 and res.n_assignments == 30045015
    assert res.observed == pytest.approx(1.0)
    assert res.p_value == pytest.approx(1 / 200) and res.min_p_value == pytest.approx(1 / 200)
    assert res.distribution.max() < 1 - 1e-9 and res.distribution.min() >= -0.5 - 1e-9


def test_sampled_permutation_p_is_one_when_every_ward_changes_alike():
    # Every ward changes by 2: every reassignment gives ATT 0, as extreme as the observed 0,
    # so p = (1 + 199) / (1 + 199) = 1.
    data = _toy([2.0] * 30, [2023] * 10 + [0] * 20)
    res = did_permutation_test(data, unit="ward", time="year", cohort="cohort", outcome="y",
                               n_permutations=199, seed=3, statistic="difference")
    assert not res.exact and res.observed == pytest.approx(0.0, abs=1e-12)
    assert res.p_value == pytest.approx(1.0)


def test_unbalanced_panel_is_refused_with_the_missing_cell():
    data = _toy([1, 2, 3], [2023, 0, 0]).drop(index=5)
    with pytest.raises(ValueError, match="ward=2, year=2023"):
        staggered_did(data, unit="ward", time="year", cohort="cohort", outcome="y")


def test_unknown_control_group_is_refused():
    with pytest.raises(ValueError, match="control_group"):
        staggered_did(_toy([1, 2], [2023, 0]), unit="ward", time="year", cohort="cohort",
                      outcome="y", control_group="everyone")


def _wards(rows):
    """rows: (ward, cohort, residents, counts per year from 2022); rate per 1,000 residents."""
    out = [(w, 2022 + i, g, n, c) for w, g, n, counts in rows for i, c in enumerate(counts)]
    frame = pd.DataFrame(out, columns=["ward", "year", "cohort", "residents", "count"])
    return frame.assign(rate=frame["count"] / frame["residents"] * 1000)


def test_standardised_statistic_is_the_att_over_its_poisson_se():
    # Hand calculation, rates per 1,000: a 5 -> 15 (2,000 residents), b 10 -> 10 (1,000),
    # c 5 -> 10 (4,000). a treated: ATT = 10 - (0 + 5) / 2 = 7.5. Var of a rate per 1,000
    # = own rate * 1,000 / residents: a 2 * 10 / 2 = 10 (own rate 40 / 4,000), b 2 * 10 / 4 = 5,
    # c 2 * 7.5 / 4 / 4 = 0.9375 -> z = 7.5 / sqrt(15.9375). b treated: ATT -7.5, var 20 +
    # 2 * 5 / 4 + 0.9375 = 23.4375; c treated: ATT 0.
    data = _wards([("a", 2023, 2000, [10, 30]), ("b", 0, 1000, [10, 10]), ("c", 0, 4000, [20, 40])])
    res = did_permutation_test(data, unit="ward", time="year", cohort="cohort", outcome="rate",
                               statistic="standardised", count="count", residents="residents")
    assert res.observed == pytest.approx(7.5 / np.sqrt(15.9375))
    assert res.att == pytest.approx(7.5)  # the ATT the test is about, per 1,000
    np.testing.assert_allclose(sorted(res.distribution), [-7.5 / np.sqrt(23.4375), 0, 7.5 / np.sqrt(15.9375)],
                               atol=1e-12)
    assert res.exact and res.n_assignments == 3 and res.p_value == pytest.approx(1 / 3)
    # The unweighted difference ties a with b (|7.5| both): p = 2/3.
    assert did_permutation_test(data, unit="ward", time="year", cohort="cohort", outcome="rate",
                                statistic="difference").p_value == pytest.approx(2 / 3)


def test_standardised_statistic_does_not_depend_on_the_rate_scale():
    data = _wards([("a", 2023, 2000, [10, 30]), ("b", 0, 1000, [10, 10]), ("c", 0, 4000, [20, 40])])
    kw = dict(unit="ward", time="year", cohort="cohort", outcome="rate", statistic="standardised", count="count")
    per_person = did_permutation_test(data, residents="residents", **kw)
    per_1000 = did_permutation_test(data.assign(thousands=data["residents"] / 1000), residents="thousands", **kw)
    assert per_person.observed == pytest.approx(per_1000.observed)


def test_at_time_tests_the_att_of_that_year_not_the_average():
    # a: 0, 4, 10; controls 0, 1, 2 and 0, 3, 4 (2022-2024, a treated from 2023, base 2022).
    # ATT(2023, 2023) = 4 - 2 = 2, ATT(2023, 2024) = 10 - 3 = 7, simple aggregate 4.5.
    # For 2024, b treated: 2 - (10 + 4) / 2 = -5; c treated: 4 - (10 + 2) / 2 = -2.
    data = _wards([("a", 2023, 1000, [0, 4, 10]), ("b", 0, 1000, [0, 1, 2]), ("c", 0, 1000, [0, 3, 4])])
    kw = dict(unit="ward", time="year", cohort="cohort", outcome="count", statistic="difference")
    assert did_permutation_test(data, **kw).observed == pytest.approx(4.5)
    res = did_permutation_test(data, at_time=2024, **kw)
    assert res.observed == pytest.approx(7) and res.att == pytest.approx(7) and res.at_time == 2024
    assert sorted(np.round(res.distribution, 9)) == [-5, -2, 7]
    assert res.p_value == pytest.approx(1 / 3) and "year=2024" in res.note


def test_test_and_table_are_about_the_same_estimate_for_duc_xuan_2024(study):
    # The table shows ATT(2023, 2024) (-0.853 on the shipped data); the test used to be of the
    # average of 2023 and 2024 (-1.466).
    from wardstudy.evaluate import design as impact

    design = impact.impact_design(study.programme, impact.donor_pool(study.units, "duc-xuan"), "duc-xuan", 2024)
    yearly = impact.social_order_rates(study.crimes, study.project06, design, "Y")
    shown = staggered_did(yearly, unit="ward", time="period", cohort="cohort", outcome="rate")
    shown = shown.set_index(["group", "time"]).loc[(2023, 2024), "att"]
    res = did_permutation_test(yearly, unit="ward", time="period", cohort="cohort", outcome="rate",
                               statistic="standardised", count="count", residents="exposure", at_time=2024,
                               n_permutations=5000)
    assert res.att == pytest.approx(shown, abs=1e-12)
    assert np.sign(res.observed) == np.sign(shown)
    assert res.exact and res.n_assignments == len(design.controls) + 1


@pytest.mark.parametrize("kwargs, message", [
    (dict(statistic="standardised"), 'needs the count and residents columns'),
    (dict(statistic="standardised", count="count", residents="people"), 'column "people" not found'),
    (dict(statistic="ratio"), "statistic must be one of"),
    (dict(at_time=2030, statistic="difference"), "at_time=2030 is not a period of the data"),
])
def test_permutation_test_refuses_what_it_cannot_compute(kwargs, message):
    data = _wards([("a", 2023, 1000, [1, 2]), ("b", 0, 1000, [1, 1]), ("c", 0, 1000, [2, 1])])
    with pytest.raises(ValueError, match=message):
        did_permutation_test(data, unit="ward", time="year", cohort="cohort", outcome="rate", **kwargs)


def test_default_statistic_is_the_standardised_one_when_counts_and_residents_are_given():
    # The hand-worked example above: standardised, a is as extreme as no other (p = 1/3);
    # the unweighted difference would tie a with b (p = 2/3).
    data = _wards([("a", 2023, 2000, [10, 30]), ("b", 0, 1000, [10, 10]), ("c", 0, 4000, [20, 40])])
    res = did_permutation_test(data, unit="ward", time="year", cohort="cohort", outcome="rate",
                               count="count", residents="residents")
    assert res.statistic == "standardised"
    assert res.observed == pytest.approx(7.5 / np.sqrt(15.9375))
    assert res.p_value == pytest.approx(1 / 3)


@pytest.mark.parametrize("given, named", [({}, 'count="..." and residents="..."'),
                                          ({"count": "count"}, 'needs residents="..."'),
                                          ({"residents": "residents"}, 'needs count="..."')])
def test_default_statistic_refuses_without_counts_or_residents_naming_what_is_missing(given, named):
    data = _wards([("a", 2023, 1000, [1, 2]), ("b", 0, 1000, [1, 1]), ("c", 0, 1000, [2, 1])])
    with pytest.raises(ValueError, match=re.escape(named)) as refused:
        did_permutation_test(data, unit="ward", time="year", cohort="cohort", outcome="rate", **given)
    assert 'statistic="difference"' in str(refused.value)  # the way to ask for the other test


def test_standardised_statistic_refuses_a_negative_count():
    data = _wards([("a", 2023, 1000, [1, 2]), ("b", 0, 1000, [1, -1]), ("c", 0, 1000, [2, 1])])
    with pytest.raises(ValueError, match=r'column "count": -1 for ward=\'b\', year=2023 must be a count'):
        did_permutation_test(data, unit="ward", time="year", cohort="cohort", outcome="rate",
                             statistic="standardised", count="count", residents="residents")


def test_panel_errors_name_the_row_the_unit_and_the_period():
    from wardstudy.evaluate.did import _wide_panel

    df = pd.DataFrame({"ward": ["a", "a", "b", "b"], "year": [2022, 2023, 2022, 2022], "g": [2023, 2023, 0, 0],
                       "y": [1.0, 2.0, 3.0, 4.0]})
    with pytest.raises(ValueError, match=r"two rows for ward='b', year=2022"):
        _wide_panel(df, "ward", "year", "g", "y")
    with pytest.raises(ValueError, match=r"no y for ward='b', year=2023"):
        _wide_panel(df.iloc[:3], "ward", "year", "g", "y")
    with pytest.raises(ValueError, match=r'column "ward" is missing in row 1'):
        _wide_panel(df.iloc[:3].assign(ward=["a", None, "b"]), "ward", "year", "g", "y")
    with pytest.raises(ValueError, match=r'"g" must be constant within a unit; it varies for \'a\''):
        _wide_panel(df.assign(year=[2022, 2023, 2022, 2023], g=[2023, 2024, 0, 0]), "ward", "year", "g", "y")
