"""Calibration of the synthetic control's placebo test: how often is p small when nothing happened?

Worlds from `evaluate.worlds.poisson_world` with no effect (rate_ratio 1), run through the
package's own path (`design.social_order_rates` quarterly, then `placebo_test` as
`design._synth` calls it). A test of level alpha must give p <= alpha in at most a share
alpha of such worlds; we allow alpha + 2 Monte-Carlo standard errors, sqrt(alpha (1 - alpha) / N).
alpha is an attainable level of the design: 1 / (J + 1) (the smallest p) and 2 / (J + 1).

Each world holds several independent groups of J + 1 wards (a treated ward and its J
comparison wards): wards share only the fixed season and trend, their levels and counts are
drawn independently, so each group is one independent replicate, and the rates (the slow
step) are computed once per world. Seeds are fixed: the outcome is deterministic.

The earlier placebo design, which fitted each placebo from the other J - 1 comparison wards
only (the truly treated ward never a donor), fails five of these eight checks with these
seeds: equal wards P(p <= 1/6) = 0.242 and P(p <= 2/6) = 0.368 (J = 5), P(p <= 1/8) = 0.156
and P(p <= 2/8) = 0.291 (J = 7); small treated ward, J = 5: P(p <= 1/6) = 0.223. The
current design gives 0.168, 0.331, 0.114, 0.253 and 0.107.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest

from wardstudy.evaluate.design import ImpactDesign, social_order_rates
from wardstudy.evaluate.synth import placebo_test
from wardstudy.evaluate.worlds import poisson_world

GROUPS_PER_WORLD = 50


def _group_residents(case: str, j: int) -> list[int]:
    """Residents of one group: the treated ward first, then its J comparison wards."""
    if case == "equal":
        return [6000] * (j + 1)
    if case == "small treated":  # one small ward among larger ones: noisier rates than any donor
        return [2900, *np.linspace(6000, 9000, j).round().astype(int)]
    raise ValueError(case)


@functools.cache
def placebo_p_values(case: str, j: int, n: int) -> np.ndarray:
    """p of the placebo test for n independent no-effect groups of 1 treated + j comparison wards."""
    size = j + 1
    p_values = []
    for seed in range(-(-n // GROUPS_PER_WORLD)):
        world = poisson_world(seed, _group_residents(case, j) * GROUPS_PER_WORLD)
        wards = world["units"]["slug"].tolist()
        everyone = ImpactDesign(ward=wards[0], cohort=2023, year=2024, controls=wards[1:], excluded=[])
        quarterly = social_order_rates(world["crimes"], world["project06"], everyone, "Q")
        group_of = dict(zip(wards, np.arange(len(wards)) // size))
        for g, group in quarterly.groupby(quarterly["ward"].map(group_of)):
            treated, *controls = wards[g * size:(g + 1) * size]
            test = placebo_test(group, unit="ward", time="period", outcome="rate", treated=treated,
                                treatment_time=2023.0, donors=controls)
            assert test.min_p_value == pytest.approx(1 / size)
            p_values.append(test.p_value)
    return np.array(p_values[:n])


# Groups per case. Equal wards are exchangeable, so the test should be exact there (rate =
# level) and that is where a biased design shows: many groups. A small treated ward is not
# exchangeable with its donors; dividing by its own pre-period RMSPE makes its test
# conservative (rate 0.5-0.8 x level with N = 2,000), so fewer groups show that. ~16 s in all.
N = {"equal": 1200, "small treated": 400}


@pytest.mark.parametrize("k", [1, 2])
@pytest.mark.parametrize("j", [5, 7])
@pytest.mark.parametrize("case", ["equal", "small treated"])
def test_placebo_p_is_not_small_more_often_than_its_level_without_an_effect(case, j, k):
    n = N[case]
    level = k / (j + 1)
    rate = float(np.mean(placebo_p_values(case, j, n) <= level + 1e-9))
    se = np.sqrt(level * (1 - level) / n)
    assert rate <= level + 2 * se, f"{case}, J={j}: P(p <= {k}/{j + 1}) = {rate:.3f} > {level:.3f} + 2 x {se:.3f}"
