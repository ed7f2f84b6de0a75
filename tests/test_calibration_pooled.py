"""The pooled effect's analytic 95% interval covers the truth in worlds with no effect (issue 23, item 1).

The influence-function variance of R ``did`` gives a one-ward cohort no variance of its own:
its rate-ratio interval held 1 in only 0.41 of no-effect worlds with one programme ward and 7
controls (300 worlds, MC SE 0.028) and 0.82 in worlds of the shipped city's shape.
`pooled.att_variance` adds each group's Poisson variance (at least), and the interval must
now cover.

N = 200 no-effect worlds of one programme ward (2023) among 7 controls, the shape where the
old interval failed most, each panel built by `design.social_order_rates` as
`pooled.pooled_panel` builds it (all worlds in one call, as in test_calibration_did.py; the
stacking is checked on a world of the shipped city's shape, `worlds.city_shape_world`). A 0.95 coverage has a Monte-Carlo standard error of
sqrt(0.95 x 0.05 / 200) = 0.015; we assert coverage >= 0.90 (more than 3 MC SE below 0.95),
and that the influence-function interval alone fails the same check (so the test can fail).
The long run (500 worlds per shape, the shipped city's among them, effect and overdispersed
worlds too) is
benchmarks/bench_calibration_pooled.py; its numbers are in the README.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wardstudy.evaluate.design import ImpactDesign, social_order_rates
from wardstudy.evaluate.pooled import Z95, pooled_att, pooled_panel
from wardstudy.evaluate.worlds import CITY_COHORTS, CITY_RESIDENTS, city_shape_world, poisson_world

N = 200
YEAR = 2024
MC_SE = np.sqrt(0.95 * 0.05 / N)  # 0.015
ONE_WARD = [6000, 2900, 9000, 7000, 8000, 6500, 7500, 8500]




def _panels(worlds: dict[int, dict], cohorts: dict[str, int]) -> dict[int, pd.DataFrame]:
    """Each world's pooled panel (ward, period, count, exposure, rate, cohort), from one call."""
    crimes = pd.concat([w["crimes"].assign(ward=f"{s}:" + w["crimes"]["ward"]) for s, w in worlds.items()])
    people = pd.concat([w["project06"].assign(ward=f"{s}:" + w["project06"]["ward"]) for s, w in worlds.items()])
    wards = sorted(crimes["ward"].unique())
    stacked = social_order_rates(crimes, people, ImpactDesign(wards[0], 2023, YEAR, wards[1:], []), "Y")
    parts = stacked["ward"].str.split(":", n=1, expand=True)
    stacked = stacked.assign(ward=parts[1], seed=parts[0].astype(int))
    stacked["cohort"] = stacked["ward"].map(cohorts).fillna(0).astype(int)
    return {s: part.drop(columns="seed").reset_index(drop=True) for s, part in stacked.groupby("seed")}


@pytest.fixture(scope="module")
def coverage() -> dict[str, tuple[float, float]]:
    """shape: (coverage of the interval shown, of the influence-function interval alone)."""
    out = {}
    for shape, cohorts in (("one_ward", {"w0": 2023}),):
        shown, influence = [], []
        worlds = {s: poisson_world(50_000 + s, ONE_WARD) for s in range(N)}
        for yearly in _panels(worlds, cohorts).values():
            found = pooled_att(yearly, kinds=("simple",))
            shown.append(found["ci_low"] <= 1 <= found["ci_high"])  # ci_high inf: no upper bound
            influence.append(abs(found["simple"].att) <= Z95 * found["simple_se_influence"])
        out[shape] = (float(np.mean(shown)), float(np.mean(influence)))
    return out


def test_the_interval_covers_no_effect_in_worlds_with_a_one_ward_cohort(coverage):
    shown, _ = coverage["one_ward"]
    assert shown >= 0.90, (shown, MC_SE)


def test_the_influence_function_interval_alone_would_fail_it(coverage):
    # measured: 0.41 (one ward + 7 controls, 300 worlds); the check must be able to see it
    assert coverage["one_ward"][1] < 0.90, coverage


def test_the_stacked_panel_is_the_package_s_pooled_panel():
    world = city_shape_world(40_003)
    got = _panels({3: world}, {f"w{i}": g for i, g in CITY_COHORTS.items()})[3]
    want, treated, _ = pooled_panel(world["crimes"], world["project06"], world["programme"], world["units"], YEAR)
    assert treated == {f"w{i}": g for i, g in CITY_COHORTS.items()} and len(CITY_RESIDENTS) == 8
    columns = ["ward", "period", "count", "exposure", "rate", "cohort"]
    pd.testing.assert_frame_equal(got[columns].sort_values(["ward", "period"], ignore_index=True),
                                  want[columns].sort_values(["ward", "period"], ignore_index=True), check_dtype=False)
