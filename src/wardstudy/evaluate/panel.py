"""A long table (one row per unit and period) laid out as a units x periods grid.

What pandas' ``pivot`` does, by factorized codes: the estimators build their panel some
hundred times per ward in the power simulations, and pivot is the slow part there.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["show", "wide_grid"]


def show(value) -> str:
    """A value as a user would type it (2023, 'duc-xuan'), not np.int64(2023)."""
    return repr(value.item() if isinstance(value, np.generic) else value)


def wide_grid(data: pd.DataFrame, unit: str, time: str, values: str,
              needed: tuple[str, ...] = ()) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(units, periods, grid): the sorted units and periods, and `values` at [unit, period]
    (NaN where the table has no row).

    ValueError naming the column, when a column (of unit, time, values and `needed`) is
    absent or a unit or period is missing in a row, and naming the unit and period, when two
    rows share them.

    >>> units, times, grid = wide_grid(pd.DataFrame({"w": ["b", "a", "a"], "t": [2, 2, 1], "y": [5.0, 3.0, 1.0]}),
    ...                                "w", "t", "y")
    >>> units.tolist(), times.tolist(), grid.tolist()
    (['a', 'b'], [1, 2], [[1.0, 3.0], [nan, 5.0]])
    """
    for col in (unit, time, values, *needed):
        if col not in data.columns:
            raise ValueError(f'column "{col}" not found; columns are {list(data.columns)}')
    rows, units = pd.factorize(data[unit], sort=True)
    cols, times = pd.factorize(data[time], sort=True)
    for col, codes in ((unit, rows), (time, cols)):
        if (codes < 0).any():
            raise ValueError(f'column "{col}" is missing in row {int(np.argmax(codes < 0))} (counting from 0)')
    twice = pd.Series(rows * len(times) + cols).duplicated().to_numpy()
    if twice.any():
        row = data.iloc[int(np.argmax(twice))]
        raise ValueError(f"two rows for {unit}={show(row[unit])}, {time}={show(row[time])}")
    grid = np.full((len(units), len(times)), np.nan)
    grid[rows, cols] = data[values].to_numpy(float)
    return np.asarray(units), np.asarray(times), grid
