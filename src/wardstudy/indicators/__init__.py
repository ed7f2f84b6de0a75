"""The indicator layer: one function per indicator id, the registry, exact intervals, peers.

Imports only the data layer.

* :mod:`.compute`      one function per indicator id of the export contract (docstring: formula, unit)
* :mod:`.registry`     everything about each indicator: tables, kind, unit, labels, direction, target
* :mod:`.same_period`  the change against the same period: the one function that answers it
* :mod:`.peers`        a ward's indicators against each baseline year, ranked among its peers
* :mod:`.exact`        exact intervals and tests for small counts
* :mod:`.reconcile`    recomputed figures beside the published ones
"""

from wardstudy.data.contract import CONTRACT_COLUMNS, INDICATOR_IDS
from wardstudy.indicators.compute import (
    chip_id_coverage,
    community_models_active,
    crime_counts,
    criteria_met_share,
    fire_safety_groups,
    high_tech_crimes,
    procedures_early_share,
    procedures_on_time_share,
    procedures_online_share,
    public_firefighting_points,
    social_order_crime_change,
    social_order_crime_rate_ratio,
    social_order_crimes,
    tips_handled_share,
    vneid_level2_share,
)
from wardstudy.indicators.registry import REGISTRY, Indicator, all_indicators
from wardstudy.indicators.same_period import same_period_comparison

__all__ = ["CONTRACT_COLUMNS", "INDICATOR_IDS", "REGISTRY", "Indicator", "all_indicators",
           "same_period_comparison", "chip_id_coverage", "community_models_active", "crime_counts",
           "criteria_met_share", "fire_safety_groups", "high_tech_crimes", "procedures_early_share",
           "procedures_on_time_share", "procedures_online_share", "public_firefighting_points",
           "social_order_crime_change", "social_order_crime_rate_ratio", "social_order_crimes",
           "tips_handled_share", "vneid_level2_share"]
