"""Coverage of the pooled effect's analytic 95% interval in simulated worlds (issue 23, item 1).

For each shape of programme, N worlds (`evaluate.worlds.poisson_world`, seeds 0..N-1) are
built, their 2024 pooled panel made as the package makes it (`pooled.pooled_panel`) and the
interval computed (`pooled.pooled_att`). Printed: the share of worlds whose rate-ratio
interval holds the true rate ratio (1 with no effect), for the interval the package shows
(`pooled.att_variance`) and for the influence-function interval alone (what it showed
before), each with its Monte-Carlo standard error sqrt(c (1 - c) / N).

    .venv/bin/python benchmarks/bench_calibration_pooled.py [--worlds 500]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from wardstudy.evaluate.pooled import Z95, pooled_att, pooled_panel
from wardstudy.evaluate.worlds import CITY_COHORTS, CITY_RESIDENTS, poisson_world

EIGHT = [6000, 2900, 9000, 7000, 8000, 6500, 7500, 8500]
SHAPES = {
    # name: (residents, {ward number: cohort}, rate per 1,000 a year)
    "shipped city (1 ward 2023, 2 wards 2024, 5 controls)": (CITY_RESIDENTS, CITY_COHORTS, 2.5),
    "1 programme ward + 7 controls": (EIGHT, {0: 2023}, 3.0),
    "1 ward each in 2022/2023/2024 + 5 controls": (EIGHT, {0: 2022, 1: 2023, 2: 2024}, 3.0),
    "5 wards each in 2023/2024 + 10 controls": ([6000] * 20, {**dict.fromkeys(range(5), 2023),
                                                             **dict.fromkeys(range(5, 10), 2024)}, 3.0),
}
CASES = [(1.0, 0.0), (0.7, 0.0), (1.0, 0.1)]  # (true rate ratio, overdispersion alpha)


def coverage(residents, cohorts, rate, rate_ratio, overdispersion, n):
    shown, influence = [], []
    for seed in range(n):
        world = poisson_world(seed, residents, cohorts=cohorts, rate_per_1000=rate, rate_ratio=rate_ratio,
                              overdispersion=overdispersion)
        yearly, _, _ = pooled_panel(world["crimes"], world["project06"], world["programme"], world["units"], 2024)
        found = pooled_att(yearly, kinds=("simple",))
        shown.append(found["ci_low"] <= rate_ratio <= found["ci_high"])  # ci_high inf: no upper bound
        simple = found["simple"]
        if rate_ratio == 1.0:  # the rate-ratio interval holds 1 when the ATT's holds 0
            influence.append(abs(simple.att) <= Z95 * found["simple_se_influence"])
    return np.mean(shown), (np.mean(influence) if influence else np.nan)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worlds", type=int, default=500)
    n = parser.parse_args().worlds
    print(f"coverage of the pooled 95% interval, {n} worlds each (MC SE in brackets)")
    for name, (residents, cohorts, rate) in SHAPES.items():
        for rate_ratio, alpha in CASES:
            start = time.perf_counter()
            shown, influence = coverage(residents, cohorts, rate, rate_ratio, alpha, n)
            se = lambda c: np.sqrt(c * (1 - c) / n)  # noqa: E731
            old = "" if np.isnan(influence) else f"; influence function alone {influence:.3f} ({se(influence):.3f})"
            print(f"{name}, rate ratio {rate_ratio}, overdispersion {alpha}: {shown:.3f} ({se(shown):.3f}){old}"
                  f"  [{time.perf_counter() - start:.0f} s]", flush=True)


if __name__ == "__main__":
    main()
