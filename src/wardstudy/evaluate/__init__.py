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
* :mod:`.power`    the smallest effect a design could detect (seeded simulations)
* :mod:`.pooled`   the programme's effect pooled over its wards (staggered DiD, randomisation p)
* :mod:`.results`  results that show themselves as tables (``to_frame``, ``summary``)
* :mod:`.panel`    a long table as a units x periods grid (what did and synth share)

The modules ``design``, ``pooled``, ``power`` and ``results`` and their entry points
(`impact_results`, `impact_design`, `pooled_results`, `pooled_effect`,
`minimum_detectable_effect`) are in ``__all__``, so ``from wardstudy.evaluate import *``
gives them.

Imports the indicator and data layers only.
"""

from wardstudy.evaluate import design, pooled, power, results
from wardstudy.evaluate.design import ImpactDesign, impact_design, impact_results
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
from wardstudy.evaluate.pooled import PooledEffect, pooled_effect, pooled_results
from wardstudy.evaluate.power import DetectableEffect, minimum_detectable_effect
from wardstudy.evaluate.results import ImpactResult
from wardstudy.evaluate.synth import (
    PlaceboTest,
    SyntheticControl,
    placebo_test,
    synthetic_control,
)

__all__ = [
    # modules
    "design",
    "pooled",
    "power",
    "results",
    # classes and functions
    "BaselineSensitivity",
    "DetectableEffect",
    "DidAggregate",
    "ImpactDesign",
    "ImpactResult",
    "InterruptedTimeSeries",
    "PermutationResult",
    "PlaceboTest",
    "PoissonChange",
    "PooledEffect",
    "RateRatio",
    "SyntheticControl",
    "aggregate_did",
    "baseline_sensitivity",
    "did_permutation_test",
    "impact_design",
    "impact_results",
    "interrupted_time_series",
    "minimum_detectable_effect",
    "placebo_test",
    "poisson_change",
    "pooled_effect",
    "pooled_results",
    "staggered_did",
    "synthetic_control",
]
