"""Calibration of the detectable effect: does the reported MDE have the power it claims?

`minimum_detectable_effect` reports the smallest fall detected in 80% of its 400 worlds. In
400 fresh worlds of the same generator (`power.power_at`, another seed) the power at the
reported ratio must be 0.80 within two Monte-Carlo standard errors. The fresh worlds' power
has an MC SE of sqrt(0.8 x 0.2 / 400) = 0.02, and so has the power at which the reported ratio
was chosen in its own 400 worlds (for the city below, seed 0's worlds give the power 0.815 at
a ratio where other seeds' worlds give 0.85-0.87): the difference has an MC SE of 0.02 x sqrt(2) = 0.028, and 0.80 +/-
0.057 is the check. A generator or a search that is off (the earlier constant-level Poisson
worlds gave 0.70-0.78 at the reported ratio in worlds with a season and a trend, issue 23)
fails it. Designs: a ward's
own time series (the method the build simulates for every ward: with a handful of
comparison units the randomisation tests cannot give p < 0.05) and the pooled test of a
city of the shipped shape. The 400-world runs over the shipped panel's designs and seeds:
benchmarks/bench_calibration_power.py, numbers in docs/guides/methods.md.
"""

from __future__ import annotations

import numpy as np
import pytest

from wardstudy.evaluate import design as impact
from wardstudy.evaluate.pooled import CONTROL_GROUP, pooled_detectable_effect, pooled_panel
from wardstudy.evaluate.power import power_at
from wardstudy.evaluate.worlds import city_shape_world, poisson_world

SE = np.sqrt(2 * 0.8 * 0.2 / 400)  # fresh worlds' and the MDE's own worlds' MC error


def test_a_wards_time_series_mde_has_80_percent_power_in_fresh_worlds():
    world = poisson_world(6, [20000, 6000, 7000, 8000, 9000, 10000], overdispersion=0.1)
    design = impact.ImpactDesign("w0", 2023, 2024, ["w1", "w2", "w3", "w4", "w5"], [])
    found = impact.detectable_effects(world["crimes"], world["project06"], design).set_index("method")
    ratio = found.loc["its", "mde_rate_ratio"]
    assert np.isfinite(ratio) and found.loc["its", "mde_simulations"] == 400
    fresh, _, _ = power_at(None, world["crimes"], world["project06"], "w0", design.controls, 2023, 2024, ratio,
                           seed=101, analyse_counts=impact.its_step_p(design))
    assert fresh == pytest.approx(0.80, abs=2 * SE), (ratio, found.loc["its", "mde_power"], fresh)


def test_the_pooled_mde_has_80_percent_power_in_fresh_worlds():
    world = city_shape_world(3, rate_per_1000=6.0)
    programme, units = world["programme"], world["units"]
    found = pooled_detectable_effect(world["crimes"], world["project06"], programme, units, 2024)
    assert found.reachable and np.isfinite(found.rate_ratio)
    _, treated, controls = pooled_panel(world["crimes"], world["project06"], programme, units, 2024)

    def table_of(crimes, project06):
        return pooled_panel(crimes, project06, programme, units, 2024)[0]

    fresh, _, _ = power_at(None, world["crimes"], world["project06"], treated, controls, None, 2024, found.rate_ratio,
                           seed=101, analyse_counts=impact.did_test_p(table_of, control_group=CONTROL_GROUP,
                                                                      n_permutations=500))
    assert fresh == pytest.approx(0.80, abs=2 * SE), (found.rate_ratio, found.power, fresh)
