"""Every report figure is titled, has labelled axes and states its unit."""

import pytest

from wardstudy import plots
from wardstudy.indicators import all_indicators


@pytest.fixture(scope="module")
def figures(study):
    plots.set_style()
    table = all_indicators(study)
    return {
        "criteria": plots.criteria_by_year(table, "duc-xuan"),
        "crimes": plots.monthly_crimes(study.crimes, "duc-xuan", 2023, 2022),
        "shares": plots.monthly_shares(study.tips, study.procedures, "duc-xuan", 2023),
        "project06": plots.project06_trend(study.project06, "duc-xuan", [2022, 2023]),
        "stocks": plots.stocks_by_month(study.fire_safety, study.community_models, "duc-xuan", [2022, 2023]),
        "units": plots.unit_comparison(table, study.units, "duc-xuan", 2023),
    }


UNIT_WORDS = ("Cases", "%", "Count", "Criteria met", "Month", "Year")


def test_every_figure_has_a_title_labelled_axes_and_a_unit(figures):
    for name, fig in figures.items():
        for ax in fig.axes:
            assert ax.get_title() or fig.get_suptitle(), name
            assert ax.get_xlabel() and ax.get_ylabel(), name
            assert any(w in ax.get_xlabel() + ax.get_ylabel() for w in UNIT_WORDS), name


def test_monthly_crimes_totals_match_the_published_fall_of_7(figures):
    # Legend entries carry the yearly totals: 19 cases in 2022, 12 in 2023 (a fall of 7).
    legend = [t.get_text() for t in figures["crimes"].axes[0].get_legend().get_texts()]
    assert legend == ["2022 (19 vụ)", "2023 (12 vụ)"]


def test_criteria_figure_labels_each_bar_out_of_22(figures):
    labels = [t.get_text() for t in figures["criteria"].axes[0].texts]
    assert "21/22" in labels and "22/22" in labels
