"""The indicator export contract: its columns and its indicator ids.

This is vocabulary shared by the data layer (the published table names indicators by
these ids, and the schemas check them) and the indicator layer (one function per id,
see `wardstudy.indicators.registry`). It lives here, at the bottom, so that checking the
data never needs the code that computes indicators.
"""

from __future__ import annotations

__all__ = ["CONTRACT_COLUMNS", "INDICATOR_IDS"]

CONTRACT_COLUMNS = ["ward", "year", "indicator", "value", "numerator", "denominator", "ci_low", "ci_high"]

# In their documented order; more may be added, these names stay.
INDICATOR_IDS = [
    "criteria_met_share",
    "social_order_crimes",
    "social_order_crime_change",
    "social_order_crime_rate_ratio",
    "tips_handled_share",
    "procedures_online_share",
    "procedures_on_time_share",
    "procedures_early_share",
    "fire_safety_groups",
    "public_firefighting_points",
    "chip_id_coverage",
    "vneid_level2_share",
    "community_models_active",
    "high_tech_crimes",
    "crimes_solved_share",
    "fires",
]
