"""Every report figure is titled, has labelled axes and states its unit."""

import pytest

from wardstudy.pipeline import open_ward
from wardstudy.report import plots


@pytest.fixture(scope="module")
def figures():
    plots.set_style()
    w = open_ward("duc-xuan", 2023)  # the ward's slice of the build, as the notebook reads it
    r = w.records
    return {
        "criteria": plots.criteria_by_year(w.history, "duc-xuan"),
        "crimes": plots.monthly_crimes(r["crimes"], w.comparisons, "duc-xuan", 2023, 2022),
        "shares": plots.monthly_shares(r["tips"], r["procedures"], "duc-xuan", 2023),
        "project06": plots.project06_trend(r["project06"], "duc-xuan", [2022, 2023]),
        "stocks": plots.stocks_by_month(r["fire_safety"], r["community_models"], "duc-xuan", [2022, 2023]),
        "units": plots.unit_comparison(w.peers, w.peer_names, "duc-xuan", 2023),
    }


# A unit on the value axis (y, or x for the horizontal bars of the unit comparison); "Month"
# or "Year" on the category axis is not a unit.
VALUE_UNITS = ("Cases per month", "(%)", "% of eligible residents", "Count", "(trên 22)")
VALUE_AXIS_IS_X = {"units"}


def test_every_figure_has_a_title_labelled_axes_and_a_unit(figures):
    for name, fig in figures.items():
        for ax in fig.axes:
            assert ax.get_title() or fig.get_suptitle(), name
            assert ax.get_xlabel() and ax.get_ylabel(), name
            value_label = ax.get_xlabel() if name in VALUE_AXIS_IS_X else ax.get_ylabel()
            assert any(w in value_label for w in VALUE_UNITS), (name, value_label)


def test_monthly_crimes_totals_match_the_published_fall_of_7(figures):
    # Legend entries carry the yearly totals: 19 cases in 2022, 12 in 2023 (a fall of 7).
    # Báo Bắc Kạn (2024-01-29): social-order crime fell by 7 on the same period of 2022.
    ax = figures["crimes"].axes[0]
    assert ax.get_title().endswith("Social order")
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["2022 (19 vụ)", "2023 (12 vụ)"]
    # The bars drawn add up to the same totals (one bar container per year, in legend order).
    totals = [sum(bar.get_height() for bar in bars) for bars in ax.containers]
    assert totals == [19, 12]


def test_criteria_figure_labels_each_bar_out_of_22(figures):
    labels = [t.get_text() for t in figures["criteria"].axes[0].texts]
    assert "21/22" in labels and "22/22" in labels
