"""Size of the synthetic control's placebo test in no-effect worlds (issue 23, item 3).

For each treated-ward size (equal to its donors, small among larger ones, large among smaller
ones), J = 5 and 7 donors and Poisson or overdispersed counts (negative binomial month
effects of alpha 0.1 and 0.3), N independent groups of J + 1 wards are run through the
package's path (`design.social_order_rates` quarterly, `placebo_test`), as
tests/test_calibration_synth.py does with fewer groups. Printed: P(p <= 1/(J+1)) and
P(p <= 2/(J+1)) for the standardised statistic (the default with counts, what the build uses)
and for the post/pre RMSPE ratio (the earlier statistic, from the same fits), each with its
Monte-Carlo standard error sqrt(a (1 - a) / N); a test holds its level when the share is at
most the level plus two of them.

    .venv/bin/python benchmarks/bench_calibration_synth.py [--groups 1200]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from test_calibration_synth import GROUPS_PER_WORLD, group_residents  # noqa: E402

from wardstudy.evaluate.design import ImpactDesign, social_order_rates  # noqa: E402
from wardstudy.evaluate.synth import placebo_test  # noqa: E402
from wardstudy.evaluate.worlds import poisson_world  # noqa: E402


def p_values(case, j, n, overdispersion, first_seed=1000):
    size, z, ratio = j + 1, [], []
    for seed in range(first_seed, first_seed + -(-n // GROUPS_PER_WORLD)):
        world = poisson_world(seed, group_residents(case, j) * GROUPS_PER_WORLD, overdispersion=overdispersion)
        wards = world["units"]["slug"].tolist()
        everyone = ImpactDesign(ward=wards[0], cohort=2023, year=2024, controls=wards[1:], excluded=[])
        quarterly = social_order_rates(world["crimes"], world["project06"], everyone, "Q")
        group_of = dict(zip(wards, np.arange(len(wards)) // size))
        for g, group in quarterly.groupby(quarterly["ward"].map(group_of)):
            treated, *controls = wards[g * size:(g + 1) * size]
            test = placebo_test(group, unit="ward", time="period", outcome="rate", treated=treated,
                                treatment_time=2023.0, donors=controls, count="count", exposure="exposure")
            z.append(test.p_value)
            r = test.ratios.to_numpy()
            ratio.append(float(np.mean(r >= test.ratios[treated] * (1 - 1e-9))))
    return np.array(z[:n]), np.array(ratio[:n])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=1200)
    n = parser.parse_args().groups
    start = time.time()
    print(f"{n} groups a case (seeds from 1000, not the tests' own); share with p <= k/(J+1) (MC SE)")
    for overdispersion in (0.0, 0.1, 0.3):
        for j in (5, 7):
            for case in ("equal", "small treated", "large treated"):
                z, ratio = p_values(case, j, n, overdispersion)
                cells = []
                for k in (1, 2):
                    level = k / (j + 1)
                    se = np.sqrt(level * (1 - level) / n)
                    cells.append(f"k={k} level {level:.3f}: standardised {np.mean(z <= level + 1e-9):.3f}, "
                                 f"ratio {np.mean(ratio <= level + 1e-9):.3f} (MC SE {se:.3f})")
                print(f"alpha {overdispersion}, J={j}, {case}: " + "; ".join(cells), flush=True)
    print(f"{time.time() - start:.0f} s")


if __name__ == "__main__":
    main()
