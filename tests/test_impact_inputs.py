"""The impact section's inputs: no recorded crime is dropped, and time is read from the month."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from wardstudy.evaluate import design as impact

DUC_XUAN_2023 = impact.ImpactDesign("duc-xuan", 2023, 2023, ["song-cau", "xuat-hoa"], [])
GAP = ["2022-05", "2022-06", "2022-07"]  # duc-xuan's shipped counts there: 1, 1, 1


def _without(table: pd.DataFrame, ward: str, months: list[str]) -> pd.DataFrame:
    return table[~((table["ward"] == ward) & table["month"].isin(months))]


def test_shipped_duc_xuan_2022_has_19_social_order_crimes(study):
    # The premise of the tests below, read off the shipped crimes table by month:
    # 1 + 5 + 0 + 0 + 1 + 1 + 1 + 1 + 2 + 4 + 1 + 2 = 19.
    yearly = impact.social_order_rates(study.crimes, study.project06, DUC_XUAN_2023, "Y").set_index(["ward", "period"])
    assert yearly.loc[("duc-xuan", 2022), "count"] == 19
    assert yearly["residents_carried"].sum() == 0


def test_crimes_in_months_without_residents_are_still_counted(study):
    people = _without(study.project06, "duc-xuan", GAP)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yearly = impact.social_order_rates(study.crimes, people, DUC_XUAN_2023, "Y").set_index(["ward", "period"])
    assert yearly.loc[("duc-xuan", 2022), "count"] == 19  # was 16: the 3 cases of the gap vanished
    assert [str(w.message) for w in caught if "duc-xuan: 2022-05, 2022-06, 2022-07" in str(w.message)]
    assert yearly.loc[("duc-xuan", 2022), "residents_carried"] == 3
    # Shipped 2022 residents: 6211, 6215, 6220, 6224, [6228, 6232, 6236 removed], 6240, 6244,
    # 6248, 6252, 6256; the gap carries 6224 forward.
    mean = (6211 + 6215 + 6220 + 6224 * 4 + 6240 + 6244 + 6248 + 6252 + 6256) / 12
    assert yearly.loc[("duc-xuan", 2022), "residents"] == pytest.approx(mean)
    assert yearly.loc[("duc-xuan", 2022), "rate"] == pytest.approx(19 / mean * 1000)
    # the other wards and years are untouched
    full = impact.social_order_rates(study.crimes, study.project06, DUC_XUAN_2023, "Y").set_index(["ward", "period"])
    pd.testing.assert_frame_equal(yearly.drop(index=("duc-xuan", 2022)), full.drop(index=("duc-xuan", 2022)))


def test_residents_before_the_first_figure_take_the_earliest_one():
    crimes = pd.DataFrame({"ward": ["a"] * 3, "month": ["2022-01", "2022-02", "2022-03"],
                           "category": ["social_order"] * 3, "count": [2, 0, 4]})
    people = pd.DataFrame({"ward": ["a"], "month": ["2022-03"], "eligible_residents": [3000]})
    with pytest.warns(UserWarning, match="a: 2022-01, 2022-02"):
        got = impact.social_order_rates(crimes, people, impact.ImpactDesign("a", 2023, 2022, [], []), "Y")
    assert got.loc[0, ["count", "residents", "rate", "residents_carried"]].tolist() == [6, 3000, 2.0, 2]


def test_a_ward_with_crimes_and_no_residents_at_all_is_refused():
    crimes = pd.DataFrame({"ward": ["a", "b"], "month": ["2022-01", "2022-01"],
                           "category": ["social_order"] * 2, "count": [2, 5]})
    people = pd.DataFrame({"ward": ["a"], "month": ["2022-01"], "eligible_residents": [1000]})
    with pytest.raises(ValueError, match='ward "b" has no eligible_residents.*2022-01'):
        impact.social_order_rates(crimes, people, impact.ImpactDesign("a", 2023, 2022, ["b"], []), "Y")


@pytest.fixture
def its_input(monkeypatch):
    """The frame `_its` hands to the time-series fit, caught on the way."""
    seen = {}
    real = impact.interrupted_time_series

    def spy(data, **kw):
        seen["data"], seen["kw"] = data.copy(), kw
        return real(data, **kw)

    monkeypatch.setattr(impact, "interrupted_time_series", spy)
    return seen


def _month_t(frame: pd.DataFrame) -> pd.Series:
    months = frame["year"].astype(str) + "-" + frame["month_of_year"].map("{:02d}".format)
    return pd.Series(frame["t"].to_numpy(), index=months)


def test_its_time_is_months_since_january_2021_when_residents_are_missing(study, its_input):
    people = _without(study.project06, "duc-xuan", GAP)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the carried residents; checked above
        monthly = impact.social_order_rates(study.crimes, people, DUC_XUAN_2023, "M")
    impact._its(monthly, DUC_XUAN_2023)
    t = _month_t(its_input["data"])
    assert t["2021-01"] == 0 and t["2022-09"] == 20 and t["2023-12"] == 35  # 2022-09 was 17 before the fix
    assert len(t) == 36  # 2021-01 .. 2023-12, the gap months kept


def test_its_time_leaves_a_gap_where_a_month_has_no_record_at_all(study, its_input):
    crimes, people = _without(study.crimes, "duc-xuan", GAP), _without(study.project06, "duc-xuan", GAP)
    monthly = impact.social_order_rates(crimes, people, DUC_XUAN_2023, "M")
    impact._its(monthly, DUC_XUAN_2023)
    t = _month_t(its_input["data"])
    assert len(t) == 33 and not set(GAP) & set(t.index)
    assert t["2022-04"] == 15 and t["2022-08"] == 19 and t["2022-09"] == 20  # a gap, not a shift


def test_its_time_is_the_row_position_when_no_month_is_missing(study, its_input):
    # With a complete series the months since 2021-01 are the row positions 0..35, as before.
    monthly = impact.social_order_rates(study.crimes, study.project06, DUC_XUAN_2023, "M")
    impact._its(monthly, DUC_XUAN_2023)
    assert its_input["data"]["t"].tolist() == list(range(36))
