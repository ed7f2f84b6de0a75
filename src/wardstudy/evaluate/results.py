"""Results that show themselves: one table of numbers per result, as JupyterLab shows it.

Every result of `wardstudy.evaluate` (`PermutationResult`, `SyntheticControl`,
`PlaceboTest`, `InterruptedTimeSeries`, `PooledEffect`, `ImpactResult`) has a
``to_frame()``: its numbers as a DataFrame, one row per estimate, with the columns of
`RESULT_COLUMNS` that apply (estimate, ci_low, ci_high, p_value, min_p_value,
n_assignments, family, note) and a few of its own. `ShowsItself` builds the rest from it:
``summary()`` (the same table), ``_repr_html_`` (the table as HTML, what a notebook
displays) and a short ``repr`` (the class name and the table as text, never an array).
Numbers only: sentences for readers are the report layer's (`wardstudy.report`).

>>> from dataclasses import dataclass
>>> @dataclass(frozen=True, repr=False)
... class Mean(ShowsItself):
...     estimate: float
...     def to_frame(self):
...         return pd.DataFrame({"method": ["mean"], "estimate": [self.estimate]})
>>> Mean(2.5)
Mean
method  estimate
  mean       2.5
>>> Mean(2.5)._repr_html_().startswith("<table")
True
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["RESULT_COLUMNS", "ShowsItself", "ImpactResult"]

# The columns a result's table draws from, in this order (those that apply).
RESULT_COLUMNS = ["method", "estimate", "ci_low", "ci_high", "p_value", "min_p_value", "n_assignments", "family",
                  "note"]


class ShowsItself:
    """Mixin: ``summary()``, ``_repr_html_`` and ``__repr__`` from the class's ``to_frame()``.

    A dataclass using it is declared with ``repr=False`` so that this ``__repr__`` is kept.
    """

    def to_frame(self) -> pd.DataFrame:  # pragma: no cover - every result defines its own
        raise NotImplementedError

    def summary(self) -> pd.DataFrame:
        """The result's numbers (`to_frame`), as statsmodels' and linearmodels' ``summary()`` give them."""
        return self.to_frame()

    def _repr_html_(self) -> str:
        return self.to_frame().to_html(index=False, na_rep="", float_format=_short, border=0)

    def __repr__(self) -> str:
        with pd.option_context("display.max_columns", 50, "display.width", 200):
            return f"{type(self).__name__}\n{self.to_frame().to_string(index=False, na_rep='', float_format=_short)}"


def _short(x: float) -> str:
    """A float to 4 significant digits (7 for large counts): 0.3333, -1.25, 1234567."""
    return f"{x:.4g}" if abs(x) < 1e6 else f"{x:.7g}"


def frame(rows: list[dict], extra: list[str] = ()) -> pd.DataFrame:
    """Rows as a table of `RESULT_COLUMNS` that any row has, then `extra`, in that order."""
    present = {k for row in rows for k in row}
    columns = [c for c in RESULT_COLUMNS if c in present] + [c for c in extra if c in present]
    return pd.DataFrame(rows).reindex(columns=columns)


@dataclass(frozen=True, repr=False)
class ImpactResult(ShowsItself):
    """One programme ward's impact for a report year: the three methods with their inference.

    estimates: one row per method ("did", "synth", "its") with the columns of
    `evaluate.design.ESTIMATE_COLUMNS` (``scale``: "difference" for cases per 1,000
    residents a year, "rate_ratio" for a ratio) and, where computed, each method's minimum
    detectable effect (``mde_*``, ``units_needed``). controls: the comparison units;
    note: why the design cannot be evaluated ("" when it can).

    >>> est = pd.DataFrame({"method": ["did"], "estimate": [-1.5], "scale": ["difference"],
    ...                     "p_value": [0.25], "min_p_value": [0.25], "n_assignments": [4]})
    >>> ImpactResult("a", 2023, 2023, ["b", "c", "d"], est).to_frame().columns.tolist()
    ['ward', 'year', 'method', 'estimate', 'scale', 'ci_low', 'ci_high', 'p_value', 'min_p_value', 'n_assignments', 'family', 'note']
    >>> ImpactResult("a", 2023, 2023, [], est.iloc[:0], note="too few").to_frame()[["method", "estimate", "note"]]
      method  estimate     note
    0    did       NaN  too few
    1  synth       NaN  too few
    2    its       NaN  too few
    """

    ward: str
    year: int
    cohort: int | None
    controls: list[str]
    estimates: pd.DataFrame = field(repr=False)
    note: str = ""
    excluded: list[str] = field(default_factory=list)

    @property
    def evaluable(self) -> bool:
        return self.note == ""

    def to_frame(self) -> pd.DataFrame:
        """One row per method: ward, year, method, estimate, scale, ci_low, ci_high, p_value,
        min_p_value, n_assignments, family, note, then the detectable effect's columns where
        computed. A design that cannot be evaluated gives one row per method with NaN and
        the reason in ``note``, never an empty table."""
        est = self.estimates.drop(columns=["ward", "year"], errors="ignore")
        if est.empty:
            est = pd.DataFrame({"method": ["did", "synth", "its"]})
        est = est.assign(family=est["family"].fillna("") if "family" in est else "", note=self.note)
        head = ["method", "estimate", "scale", "ci_low", "ci_high", "p_value", "min_p_value", "n_assignments",
                "family", "note"]
        rest = [c for c in est.columns if c not in head]
        out = est.reindex(columns=head + rest)
        out.insert(0, "year", int(self.year))
        out.insert(0, "ward", self.ward)
        return out.reset_index(drop=True)

    @classmethod
    def from_tables(cls, designs: pd.DataFrame, estimates: pd.DataFrame, ward: str, year: int) -> "ImpactResult":
        """The result of one ward-year from the tables `evaluate.design.impact_results` returns
        (and a build stores as ``impact_designs`` and ``impact_estimates``)."""
        d = designs[(designs["ward"] == ward) & (designs["year"] == year)]
        treated = d[d["role"] == "treated"]
        cohort = treated["cohort"].iloc[0] if len(treated) else None
        note = str(treated["note"].iloc[0]) if len(treated) and not pd.isna(treated["note"].iloc[0]) else ""
        if not len(d):
            note = "no impact design for this ward and year"
        e = estimates[(estimates["ward"] == ward) & (estimates["year"] == year)].reset_index(drop=True)
        return cls(ward, int(year), None if cohort is None or pd.isna(cohort) else int(cohort),
                   d.loc[d["role"] == "control", "unit"].tolist(), e, note,
                   d.loc[d["role"] == "excluded", "unit"].tolist())


def finite_or_nan(x) -> float:
    """`x` as a float, NaN for None.

    >>> finite_or_nan(None), finite_or_nan(3)
    (nan, 3.0)
    """
    return np.nan if x is None else float(x)
