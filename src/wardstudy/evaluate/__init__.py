"""Impact evaluation methods: is a ward's change more than chance, and more than elsewhere?

One module per method:

* :mod:`.poisson`  exact before/after comparison of a count; baseline sensitivity of a
  published difference
* :mod:`.did`      staggered difference-in-differences (Callaway & Sant'Anna 2021) and
  randomisation inference across units
* :mod:`.synth`    synthetic control (Abadie et al.) and in-space placebo tests
* :mod:`.its`      interrupted time series (segmented Poisson-family regression)
* :mod:`.design`   the impact design: a ward against the not-yet-treated units of its district,
  run through the three methods (numbers only; the report words them)
* :mod:`.panel`    a long table as a units x periods grid (what did and synth share)

Imports the indicator and data layers only.
"""

from wardstudy.evaluate.did import (
    DidAggregate,
    PermutationResult,
    aggregate_did,
    did_permutation_test,
    staggered_did,
)
from wardstudy.evaluate.its import InterruptedTimeSeries, RateRatio, interrupted_time_series
from wardstudy.evaluate.poisson import (
    BaselineSensitivity,
    PoissonChange,
    baseline_sensitivity,
    poisson_change,
)
from wardstudy.evaluate.synth import (
    PlaceboTest,
    SyntheticControl,
    placebo_test,
    synthetic_control,
)

__all__ = [
    "BaselineSensitivity",
    "DidAggregate",
    "InterruptedTimeSeries",
    "PermutationResult",
    "PlaceboTest",
    "PoissonChange",
    "RateRatio",
    "SyntheticControl",
    "aggregate_did",
    "baseline_sensitivity",
    "did_permutation_test",
    "interrupted_time_series",
    "placebo_test",
    "poisson_change",
    "staggered_did",
    "synthetic_control",
]
