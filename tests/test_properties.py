"""Invariants that hold for any input (hypothesis)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings, strategies as st

from wardstudy import indicators as ind
from wardstudy.indicators import exact

counts = st.integers(min_value=0, max_value=400)


@st.composite
def procedure_months(draw):
    n = draw(st.integers(min_value=1, max_value=12))
    rows = []
    for month in range(1, n + 1):
        total = draw(counts)
        resolved = draw(st.integers(0, total))
        on_time = draw(st.integers(0, resolved))
        early = draw(st.integers(0, on_time))
        online = draw(st.integers(0, total))
        ward = draw(st.sampled_from(["a", "b"]))
        rows.append((ward, f"2023-{month:02d}", total, online, resolved, on_time, early))
    return pd.DataFrame(rows, columns=["ward", "month", "total", "online", "resolved", "on_time", "early"])


@settings(max_examples=60, deadline=None)
@given(procedure_months())
def test_shares_are_fractions_with_numerator_within_denominator(df):
    for function in [ind.procedures_online_share, ind.procedures_on_time_share, ind.procedures_early_share]:
        got = function(df)
        valid = got["denominator"] > 0
        assert (got["numerator"] <= got["denominator"]).all()
        assert got.loc[valid, "value"].between(0, 1).all()
        assert (got.loc[valid, "ci_low"] <= got.loc[valid, "value"] + 1e-12).all()
        assert (got.loc[valid, "value"] <= got.loc[valid, "ci_high"] + 1e-12).all()
        assert got.loc[~valid, "value"].isna().all()


@settings(max_examples=100, deadline=None)
@given(x=counts, extra=counts)
def test_clopper_pearson_contains_the_estimate_and_stays_in_unit_interval(x, extra):
    n = x + extra
    low, high = exact.clopper_pearson(x, n)
    if n == 0:
        assert np.isnan(low) and np.isnan(high)
    else:
        assert 0 <= low <= x / n <= high <= 1


@settings(max_examples=100, deadline=None)
@given(after=counts, before=counts)
def test_rate_ratio_interval_inverts_when_periods_swap(after, before):
    low, high = exact.rate_ratio_interval(after, before)
    low_swapped, high_swapped = exact.rate_ratio_interval(before, after)
    if after + before == 0:
        assert np.isnan(low) and np.isnan(high)
        return
    with np.errstate(divide="ignore"):
        assert np.isclose(low, 1 / high_swapped) or (low == 0 and np.isinf(high_swapped))
        assert np.isclose(high, 1 / low_swapped) or (np.isinf(high) and low_swapped == 0)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 12), counts, counts), min_size=1, max_size=12, unique_by=lambda t: t[0]))
def test_change_equals_after_minus_before_over_matched_months(months):
    rows = []
    for month, before, after in months:
        rows.append(("a", f"2022-{month:02d}", "social_order", before))
        rows.append(("a", f"2023-{month:02d}", "social_order", after))
    df = pd.DataFrame(rows, columns=["ward", "month", "category", "count"])
    got = ind.social_order_crime_change(df)
    assert got["value"].tolist() == [sum(a for _, _, a in months) - sum(b for _, b, _ in months)]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["duc-xuan", "xuat-hoa", "a", "B"]), st.integers(2019, 2025),
                          st.floats(-1e6, 1e6)), min_size=1, max_size=20, unique_by=lambda t: (t[0], t[1])))
def test_wide_grid_is_the_pivot_of_the_long_table(rows):
    from wardstudy.evaluate.panel import wide_grid

    long = pd.DataFrame(rows, columns=["ward", "year", "rate"]).sample(frac=1, random_state=0)
    units, years, grid = wide_grid(long, "ward", "year", "rate")
    pivot = long.pivot(index="ward", columns="year", values="rate")
    assert units.tolist() == pivot.index.tolist() and years.tolist() == pivot.columns.tolist()
    np.testing.assert_array_equal(grid, pivot.to_numpy(float))
