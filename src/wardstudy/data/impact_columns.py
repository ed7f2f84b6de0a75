"""The columns of the impact tables the study build stores: the designs and the estimates.

The contract between `evaluate.design`, which fills the tables, and the pages, which read
them. Kept here, with no statistics imported, so a page whose ward has no impact results (a
phường outside the programme: most of the national panel) can make its empty tables without
importing the methods and statsmodels (1.8 s a page in a forked kernel, measured on the
every-phường run). `evaluate.design` re-exports the two lists.
"""

from __future__ import annotations

__all__ = ["DESIGN_COLUMNS", "ESTIMATE_COLUMNS", "DETECTABLE_COLUMNS", "STORED_ESTIMATE_COLUMNS"]

# A design: one row per ward, year and unit with its role; `note` on the treated row.
DESIGN_COLUMNS = ["ward", "year", "cohort", "unit", "role", "note"]
# What each estimate is. "difference": cases per 1,000 residents a year (negative = fewer
# crimes than the comparison predicts); "rate_ratio": after / before. family: the regression
# family the time series was fitted with (`evaluate.its.InterruptedTimeSeries.family_used`; blank for the
# randomisation designs), so the page names the family used.
ESTIMATE_COLUMNS = ["method", "estimate", "scale", "ci_low", "ci_high", "p_value", "min_p_value",
                    "n_assignments", "family"]
# The detectable effect of each method (`evaluate.design.detectable_effects`). The first six are the earlier
# columns; mde_power_low/high: the Monte-Carlo (Clopper-Pearson 95%) interval of mde_power;
# mde_simulations: worlds simulated (0 when not simulated); mde_reachable: whether the
# method can give p < mde_level at all (False: nothing simulated, units_needed says what
# would be needed); mde_dispersion: the worlds' negative binomial alpha (0: Poisson).
DETECTABLE_COLUMNS = ["method", "mde_rate_ratio", "mde_level", "mde_power", "mde_floor", "units_needed",
                      "mde_power_low", "mde_power_high", "mde_simulations", "mde_reachable", "mde_dispersion"]
# The estimates as the build stores them: both of the above, with the verdict's method and the estimand.
STORED_ESTIMATE_COLUMNS = ["ward", "year", *ESTIMATE_COLUMNS, *DETECTABLE_COLUMNS[1:], "primary", "estimand"]
