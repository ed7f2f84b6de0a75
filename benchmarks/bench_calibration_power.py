"""The detectable effect on the shipped panel: reproducible, and with the power it claims (issue 23, items 5 and 8).

For each programme ward-year of data/synthetic and the pooled design of 2024: the MDE as the
build computes it (`design.detectable_effects`, `pooled.pooled_detectable_effect`: 400 worlds,
p < 0.05) for seeds 0-4, then the power at seed 0's reported ratio in 400 fresh worlds of the
same generator (`power.power_at`, seed 101), with its Clopper-Pearson interval, and the CPU
time of each MDE. A method that cannot give p < 0.05 is not simulated (reachable False).

    .venv/bin/python benchmarks/bench_calibration_power.py
"""

from __future__ import annotations

import time
import warnings

import numpy as np

from wardstudy.data import StudyData
from wardstudy.data.crosswalk import full_year_units
from wardstudy.evaluate import design as impact
from wardstudy.evaluate.pooled import CONTROL_GROUP, pooled_detectable_effect, pooled_panel
from wardstudy.evaluate.power import power_at
from wardstudy.pipeline import build as B


def main() -> None:
    warnings.simplefilter("ignore")
    b = B.ensure_build(None)
    study = StudyData(data_dir=b.data_dir, **{n: B._as_given(b.read(n)) for n in B.REFERENCE + B.RECORD_TABLES})
    whole = set(full_year_units(study.units, study.crimes).itertuples(index=False, name=None))
    ward_years = [w for w in impact.evaluable_ward_years(study.programme, study.years()) if w in whole]
    for ward, year in ward_years:
        design = impact.impact_design(study.programme, impact.donor_pool(study.units, ward), ward, year,
                                      recorded=impact.recorded_units(study.crimes, year))
        found, cpu = [], []
        for seed in range(5):
            start = time.process_time()
            found.append(impact.detectable_effects(study.crimes, study.project06, design, seed=seed)
                         .set_index("method"))
            cpu.append(time.process_time() - start)
        for method in impact.METHODS:
            first = found[0].loc[method]
            ratios = [f.loc[method, "mde_rate_ratio"] for f in found]
            line = (f"{ward} {year} {method}: reachable {bool(first['mde_reachable'])}, MDE seeds 0-4 "
                    f"{', '.join('not detectable' if np.isnan(r) else f'{r:.3f}' for r in ratios)}")
            if first["mde_reachable"]:
                line += f"; power at seed 0's {'floor' if np.isnan(ratios[0]) else 'ratio'} {first['mde_power']:.3f}"
                many = impact._many_worlds(method, design)
                if many is not None and np.isfinite(ratios[0]):
                    fresh = power_at(None, study.crimes, study.project06, ward, design.controls, design.cohort, year,
                                     ratios[0], seed=101, analyse_counts=many)
                    line += f", in 400 fresh worlds {fresh[0]:.3f} ({fresh[1]:.3f}-{fresh[2]:.3f})"
            else:
                line += f"; units needed {int(first['units_needed'])}"
            print(line, flush=True)
        print(f"{ward} {year}: CPU per MDE (3 methods) {np.mean(cpu):.2f} s", flush=True)
    programme, units = study.programme, study.units
    found, cpu = [], []
    for seed in range(5):
        start = time.process_time()
        found.append(pooled_detectable_effect(study.crimes, study.project06, programme, units, 2024, seed=seed))
        cpu.append(time.process_time() - start)
    _, treated, controls = pooled_panel(study.crimes, study.project06, programme, units, 2024)

    def table_of(crimes, project06):
        return pooled_panel(crimes, project06, programme, units, 2024)[0]

    fresh = power_at(None, study.crimes, study.project06, treated, controls, None, 2024, found[0].rate_ratio,
                     seed=101, analyse_counts=impact.did_test_p(table_of, control_group=CONTROL_GROUP,
                                                                n_permutations=500))
    print(f"pooled 2024: MDE seeds 0-4 {', '.join(f'{f.rate_ratio:.3f}' for f in found)}; power at seed 0's "
          f"{found[0].power:.3f} ({found[0].power_low:.3f}-{found[0].power_high:.3f}), in 400 fresh worlds "
          f"{fresh[0]:.3f} ({fresh[1]:.3f}-{fresh[2]:.3f}); CPU per MDE {np.mean(cpu):.2f} s")


if __name__ == "__main__":
    main()
