"""Time schema validation at national scale against plain pandas reading of the same file.

    .venv/bin/python benchmarks/bench_validate.py [--wards 10000] [--months 48]

Writes a scaled-up ``crimes.csv`` (the shipped units copied under new slugs and codes, so
`wards` units x `months` months x 5 categories) and a units table for them into a temporary
folder, then times:

* plain: ``pd.read_csv`` of the file (what a script without checks would do);
* read: `wardstudy.data.read_raw` (UTF-8 check, text cells, NFC, row numbers);
* validate: `wardstudy.schemas.validate_table` (both pandera passes and ward resolution);

and prints each time and the ratio (read + validate) / plain. Nothing is asserted: timings
belong here, not in tests. At the default size the table has 2.4 million rows.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from wardstudy import data
from wardstudy.names import WardResolver
from wardstudy.schemas import CRIME_CATEGORIES, Context, validate_table


def build(folder: Path, wards: int, months: int) -> Path:
    slugs = np.array([f"ward-{i:05d}" for i in range(wards)])
    month_labels = pd.period_range("2021-01", periods=months, freq="M").astype(str).to_numpy()
    grid = pd.MultiIndex.from_product([slugs, month_labels, CRIME_CATEGORIES],
                                      names=["ward", "month", "category"]).to_frame(index=False)
    rng = np.random.default_rng(1)
    grid["count"] = rng.poisson(1.5, len(grid))
    grid["synthetic"] = True
    path = folder / "crimes.csv"
    grid.to_csv(path, index=False)
    units = pd.DataFrame({"code": [f"{i:05d}" for i in range(wards)], "name": [f"Phường Số {i}" for i in range(wards)],
                          "slug": slugs, "type": "phường"})
    units.to_csv(folder / "units.csv", index=False)
    return path


def timed(function, *args, repeat: int = 3):
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function(*args)
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wards", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=48)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = build(Path(tmp), args.wards, args.months)
        units = pd.read_csv(Path(tmp) / "units.csv", dtype=str)
        context = Context(resolver=WardResolver.from_units(units))
        plain, frame = timed(pd.read_csv, path, repeat=args.repeat)
        read, raw = timed(data.read_raw, path, repeat=args.repeat)
        check, (_, problems) = timed(validate_table, "crimes", raw, str(path), context, repeat=args.repeat)
    print(f"rows: {len(frame):,} ({args.wards:,} wards x {args.months} months x {len(CRIME_CATEGORIES)} categories)")
    print(f"plain pd.read_csv:        {plain:7.2f} s")
    print(f"read_raw (text, NFC):     {read:7.2f} s")
    print(f"validate_table (pandera): {check:7.2f} s   problems: {len(problems)}")
    print(f"ratio (read + validate) / plain read: {(read + check) / plain:.1f}x")


if __name__ == "__main__":
    main()
