"""The DiD randomisation test keeps its level when nothing happened, whatever the ward's size.

One treated ward (cohort 2023, report year 2024) against J = 5 or 7 comparison wards, in
Poisson worlds with no effect (`worlds.poisson_world`, rate ratio 1), the yearly table built
by `design.social_order_rates` as the package builds it. With J + 1 reassignments the test
can only give p = k / (J + 1); under the null P(p <= k / (J + 1)) should be at most
k / (J + 1). We check k = 1 (the attainable level) and k = 2: the rejection rate over the
seeds must be at most the level + 2 Monte-Carlo standard errors, sqrt(level (1 - level) / N).

Cases: (i) eight wards of 6,000 residents, (ii) a treated ward of 2,900 among wards of
6,000 to 9,000 (its rate is the noisiest), (iii) a treated ward of 9,000 in the same worlds.
The unweighted difference of rates fails (ii): a small ward's own noise makes it look
extreme too often; that check is kept here so we know the calibration test can fail.
A test whose rate is exactly the level still exceeds level + 2 s.e. in about 1 check in 40;
the seed blocks are fixed, so a run is reproducible.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wardstudy.evaluate.design import ImpactDesign, social_order_rates
from wardstudy.evaluate.did import did_permutation_test
from wardstudy.evaluate.worlds import poisson_world

N = 160  # no-effect worlds of each kind; each kind has its own block of seeds
SEEDS = {"equal": 10_000, "mixed": 20_000, "power": 30_000}
COHORT, YEAR = 2023, 2024
EQUAL = [6000] * 8
MIXED = [2900, 6000, 9000, 7000, 8000, 6500, 7500, 8500]  # w0: small, w2: large
CASES = {"equal": ("equal", "w0"), "small": ("mixed", "w0"), "large": ("mixed", "w2")}


def _p_value(yearly: pd.DataFrame, statistic: str = "standardised") -> float:
    """The test as the impact design is to run it: about ATT(g, Y), the estimate the table shows."""
    if statistic == "standardised":
        return did_permutation_test(yearly, unit="ward", time="period", cohort="cohort", outcome="rate",
                                    statistic="standardised", count="count", residents="exposure",
                                    at_time=YEAR, n_permutations=5000).p_value
    # the test the package ran before: unweighted rates, averaged over the years g..Y
    return did_permutation_test(yearly, unit="ward", time="period", cohort="cohort", outcome="rate",
                                statistic="difference", n_permutations=5000).p_value


def _yearly_by_seed(worlds: dict[int, dict]) -> dict[int, pd.DataFrame]:
    """Each world's yearly table, from one `social_order_rates` call over all of them.

    The function works ward by ward, so worlds stacked under distinct ward names ("3:w0")
    give each world's own rows (test_stacked_worlds_give_the_tables_of_the_package checks
    it). One call instead of one per world keeps this file fast.
    """
    crimes = pd.concat([w["crimes"].assign(ward=f"{s}:" + w["crimes"]["ward"]) for s, w in worlds.items()])
    people = pd.concat([w["project06"].assign(ward=f"{s}:" + w["project06"]["ward"]) for s, w in worlds.items()])
    wards = sorted(crimes["ward"].unique())
    stacked = social_order_rates(crimes, people, ImpactDesign(wards[0], COHORT, YEAR, wards[1:], []), "Y")
    parts = stacked["ward"].str.split(":", n=1, expand=True)
    stacked = stacked.assign(ward=parts[1], seed=parts[0].astype(int))
    return {s: part.drop(columns="seed").reset_index(drop=True) for s, part in stacked.groupby("seed")}


def _design_table(yearly: pd.DataFrame, treated: str, n_controls: int) -> pd.DataFrame:
    """The rows of the treated ward and its first `n_controls` comparison wards, cohorts set."""
    others = [w for w in sorted(yearly["ward"].unique()) if w != treated][:n_controls]
    table = yearly[yearly["ward"].isin([treated, *others])].reset_index(drop=True)
    return table.assign(cohort=np.where(table["ward"] == treated, COHORT, 0))


@pytest.fixture(scope="module")
def null_p_values() -> pd.DataFrame:
    """p-values of every case over N no-effect worlds: case, J, statistic, seed, p."""
    tables = {kind: _yearly_by_seed({SEEDS[kind] + i: poisson_world(SEEDS[kind] + i, residents) for i in range(N)})
              for kind, residents in (("equal", EQUAL), ("mixed", MIXED))}
    rows = []
    for i in range(N):
        for case, (kind, treated) in CASES.items():
            for n_controls in (5, 7):
                table = _design_table(tables[kind][SEEDS[kind] + i], treated, n_controls)
                rows.append((case, n_controls, "standardised", i, _p_value(table)))
        old = _design_table(tables["mixed"][SEEDS["mixed"] + i], "w0", 7)
        rows.append(("small", 7, "difference", i, _p_value(old, "difference")))
    return pd.DataFrame(rows, columns=["case", "J", "statistic", "seed", "p"])


def _rejection(p_values: pd.DataFrame, case: str, n_controls: int, statistic: str, k: int):
    p = p_values.query("case == @case and J == @n_controls and statistic == @statistic")["p"]
    level = k / (n_controls + 1)
    rate = float((p <= level + 1e-12).mean())
    return rate, level, np.sqrt(level * (1 - level) / len(p))


@pytest.mark.parametrize("n_controls", [5, 7])
@pytest.mark.parametrize("case", list(CASES))
def test_no_effect_is_rejected_at_most_at_the_nominal_rate(null_p_values, case, n_controls):
    for k in (1, 2):
        rate, level, se = _rejection(null_p_values, case, n_controls, "standardised", k)
        assert rate <= level + 2 * se, (case, n_controls, k, rate, level, se)


def test_unweighted_difference_rejects_too_often_when_the_treated_ward_is_small(null_p_values):
    # Measured over 2,000 seeds: P(p <= 1/8) = 0.28, P(p <= 2/8) = 0.43 (J = 7). The
    # calibration check above must be able to see that.
    for k in (1, 2):
        rate, level, se = _rejection(null_p_values, "small", 7, "difference", k)
        assert rate > level + 2 * se, (k, rate, level, se)


def test_stacked_worlds_give_the_tables_of_the_package():
    worlds = {s: poisson_world(s, MIXED) for s in (0, 1)}
    got = _design_table(_yearly_by_seed(worlds)[1], "w2", 5)
    design = ImpactDesign("w2", COHORT, YEAR, ["w0", "w1", "w3", "w4", "w5"], [])
    want = social_order_rates(worlds[1]["crimes"], worlds[1]["project06"], design, "Y")
    pd.testing.assert_frame_equal(got, want, check_dtype=False)


def test_a_halving_in_a_large_ward_is_found_more_often_than_chance(null_p_values):
    n = 60
    worlds = {SEEDS["power"] + i: poisson_world(SEEDS["power"] + i, MIXED, treated=2, rate_ratio=0.5)
              for i in range(n)}
    tables = _yearly_by_seed(worlds)
    power = np.mean([_p_value(_design_table(tables[s], "w2", 7)) <= 1 / 8 + 1e-12 for s in worlds])
    null_rate, level, _ = _rejection(null_p_values, "large", 7, "standardised", 1)
    assert power > null_rate and power > level + 2 * np.sqrt(level * (1 - level) / n), (power, null_rate)
