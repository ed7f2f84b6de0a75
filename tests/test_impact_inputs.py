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
    # 6 cases over 3 months of 3,000 residents (750 person-years): 8 per 1,000 a year
    assert got.loc[0, ["count", "residents", "rate", "residents_carried"]].tolist() == [6, 3000, 8.0, 2]


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


def _constant_ward(months: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Ward "a": 1,000 residents and 2 social-order cases in each of `months` (24 per 1,000 a year)."""
    crimes = pd.DataFrame({"ward": "a", "month": months, "category": "social_order", "count": 2})
    people = pd.DataFrame({"ward": "a", "month": months, "eligible_residents": 1000})
    return crimes, people


WHOLE = [f"{y}-{m:02d}" for y in (2022, 2023) for m in range(1, 13)]
CONSTANT = impact.ImpactDesign("a", 2023, 2023, [], [])


def test_a_year_with_two_unreported_months_keeps_a_constant_wards_rate():
    # 2 cases a month among 1,000 residents: 24 cases per 1,000 a year. With November and
    # December 2023 unreported, 2023 has 20 cases over 1,000 x 10/12 person-years:
    # 20 / (10/12) = 24 per 1,000 a year, as in 2022 (count / mean residents gave 20).
    crimes, people = _constant_ward([m for m in WHOLE if m not in ("2023-11", "2023-12")])
    got = impact.social_order_rates(crimes, people, CONSTANT, "Y").set_index("period")
    assert got.loc[2022, "rate"] == pytest.approx(24.0)
    assert got.loc[2023, "rate"] == pytest.approx(24.0)
    assert got["months_observed"].to_dict() == {2022: 12, 2023: 10}  # the flag the page can read
    assert got.loc[2023, "count"] == 20
    # Quarters keep their unit (cases per 1,000 a quarter): Q4 2023 has October only,
    # 2 / (1,000 x 1/3) = 6 per 1,000, as every whole quarter (6 cases per 1,000).
    quarters = impact.social_order_rates(crimes, people, CONSTANT, "Q")
    assert quarters["rate"].to_numpy() == pytest.approx(6.0)
    assert quarters.loc[quarters["period"] == 2023.75, "months_observed"].item() == 1


def test_a_month_without_a_crimes_record_is_unreported_not_zero():
    # Project 06 reports November and December, crimes does not: the months are unreported,
    # left out of cases and person-time alike (0 cases there would read as a fall to 20).
    crimes, people = _constant_ward([m for m in WHOLE if m not in ("2023-11", "2023-12")])
    _, all_people = _constant_ward(WHOLE)
    got = impact.social_order_rates(crimes, all_people, CONSTANT, "Y").set_index("period")
    assert got.loc[2023, "rate"] == pytest.approx(24.0)
    assert got.loc[2023, "months_observed"] == 10


def test_simulated_rates_equal_social_order_rates_with_unreported_months():
    # The fast path of the simulated worlds (rows of the world summed by position) gives the
    # same table, rates per person-time included, when the months have a gap.
    months = [m for m in WHOLE if m not in ("2023-11", "2023-12")]
    crimes, people = _constant_ward(months)
    fast = impact.SimulatedRates(CONSTANT, "Y")
    fast(crimes, people)  # learns the layout
    world = crimes.assign(count=range(len(crimes)))
    got = fast(world, people)
    assert fast._months is people  # the positional path was taken
    pd.testing.assert_frame_equal(got, impact.social_order_rates(world, people, CONSTANT, "Y"))
    # 2023: counts 12..21 (sum 165) over 10/12 of 1,000 person-years: 198 per 1,000 a year
    assert got.set_index("period").loc[2023, "rate"] == pytest.approx(165 / (10 / 12))
