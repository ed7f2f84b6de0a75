"""Speed and memory of the vectorised indicators against a plain per-ward loop, in one run.

    .venv/bin/python benchmarks/bench_indicators.py [--wards 2000]

Builds a national-scale panel by replicating the synthetic one (the 8 units copied under
new names, 48 months each), then times `all_indicators` (one groupby over all wards) against
the plain alternative: the same functions called ward by ward in a Python loop. Prints the
times, the ratio and the peak memory of each (tracemalloc). Nothing is asserted: timings
belong here, not in tests.
"""

from __future__ import annotations

import argparse
import dataclasses
import time
import tracemalloc

import pandas as pd

from wardstudy import data, indicators


def scaled(study, copies: int):
    def grow(table: pd.DataFrame) -> pd.DataFrame:
        if "ward" not in table.columns:
            return table
        parts = [table.assign(ward=table["ward"] + f"-{i}") for i in range(copies)]
        return pd.concat(parts, ignore_index=True)

    names = ["crimes", "tips", "procedures", "project06", "fire_safety", "community_models",
             "criteria_assessments"]
    return dataclasses.replace(study, **{n: grow(getattr(study, n)) for n in names})


def per_ward_loop(study) -> pd.DataFrame:
    tables = study.tables()
    wards = tables["crimes"]["ward"].unique()
    grouped = {name: dict(tuple(table.groupby("ward"))) for name, table in tables.items()
               if name in {t for t, _ in indicators.INDICATORS.values()}}
    parts = []
    for ward in wards:
        for table, function in indicators.INDICATORS.values():
            parts.append(function(grouped[table][ward]))
    return pd.concat(parts, ignore_index=True)


def measure(function, *args):
    """Time one call, then measure its peak memory in a second call (tracemalloc slows pandas)."""
    start = time.perf_counter()
    result = function(*args)
    seconds = time.perf_counter() - start
    tracemalloc.start()
    function(*args)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, seconds, peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wards", type=int, default=2000, help="number of wards (multiple of 8)")
    args = parser.parse_args()
    study = scaled(data.load(), max(1, args.wards // 8))
    n_wards = study.crimes["ward"].nunique()
    vectorised, t_vec, m_vec = measure(indicators.all_indicators, study)
    looped, t_loop, m_loop = measure(per_ward_loop, study)
    same = len(vectorised) == len(looped)
    print(f"wards: {n_wards}, rows out: {len(vectorised)} (loop gives the same count: {same})")
    print(f"vectorised all_indicators: {t_vec:8.2f} s  peak {m_vec:7.1f} MiB")
    print(f"per-ward loop:             {t_loop:8.2f} s  peak {m_loop:7.1f} MiB")
    print(f"speed-up (loop / vectorised): {t_loop / t_vec:.1f}x")


if __name__ == "__main__":
    main()
