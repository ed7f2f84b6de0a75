"""Every report figure is titled, has labelled axes, states its unit, speaks one language,
and hides nothing: no legend over a bar, no series drawn behind another."""

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from wardstudy.pipeline import open_ward
from wardstudy.report import plots


def _figures(lang):
    plots.set_style()
    w = open_ward("duc-xuan", 2023, lang=lang)  # the ward's slice of the build, as the notebook reads it
    figures = {name: fig for name, (fig, caption, alt) in plots.ward_figures(w).items()}
    for fig in figures.values():
        FigureCanvasAgg(fig).draw()  # lay out ticks and legends as on the page
    return figures


@pytest.fixture(scope="module")
def figures():
    return _figures("vi")


@pytest.fixture(scope="module")
def figures_en():
    return _figures("en")


# A unit on the value axis (y, or x for the horizontal bars of the unit comparison); "Tháng"
# or "Năm" on the category axis is not a unit.
VALUE_UNITS = ("Số vụ mỗi tháng", "(%)", "% số người đủ điều kiện", "Số lượng", "(trên 22)")
VALUE_AXIS_IS_X = {"units"}


def test_every_figure_has_a_title_labelled_axes_and_a_unit(figures):
    for name, fig in figures.items():
        for ax in fig.axes:
            assert ax.get_title() or fig.get_suptitle(), name
            assert ax.get_xlabel() and ax.get_ylabel(), name
            value_label = ax.get_xlabel() if name in VALUE_AXIS_IS_X else ax.get_ylabel()
            assert any(w in value_label for w in VALUE_UNITS), (name, value_label)


def test_figures_are_in_one_language(figures, figures_en):
    for name in figures:
        vi = [ax.get_title() + ax.get_ylabel() for ax in figures[name].axes]
        en = [ax.get_title() + ax.get_ylabel() for ax in figures_en[name].axes]
        assert not any(" / " in t for t in vi + en), name           # no "Số vụ / Cases" any more
        assert vi != en, name
    assert figures_en["crimes"].axes[0].get_ylabel() == "Cases per month"


def test_monthly_crimes_totals_match_the_published_fall_of_7(figures):
    # Legend entries carry the yearly totals: 19 cases in 2022, 12 in 2023 (a fall of 7).
    # Báo Bắc Kạn (29/01/2024): social-order crime fell by 7 on the same period of 2022.
    ax = figures["crimes"].axes[0]
    assert ax.get_title() == "Tội phạm về trật tự xã hội"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["2022 (19 vụ)", "2023 (12 vụ)"]
    # The bars drawn add up to the same totals (one bar container per year, in legend order).
    totals = [sum(bar.get_height() for bar in bars) for bars in ax.containers]
    assert totals == [19, 12]


def test_no_legend_covers_a_bar_of_the_crime_panels(figures):
    # The high-tech panel's legend used to sit on the September and December bars.
    for ax in figures["crimes"].axes:
        legend = ax.get_legend().get_window_extent()
        bars = [bar.get_window_extent() for bars in ax.containers for bar in bars if bar.get_height() > 0]
        assert bars and not any(legend.overlaps(bar) for bar in bars), ax.get_title()


def test_each_share_has_its_own_panel_so_series_at_100_percent_do_not_hide_each_other(figures):
    # Tips, online and on-time are all 100% every month in Đức Xuân's 2023: on one axis they drew one line.
    axes = figures["shares"].axes
    assert len(axes) == 4
    assert [len(ax.get_lines()) for ax in axes] == [2, 2, 2, 2]      # the series and the dashed 100% line
    first = axes[0].get_lines()[0].get_ydata()
    assert len(first) == 12 and all(v == 100 for v in first)


def test_month_axes_read_t1_2022_and_percent_ticks_have_one_decimal(figures):
    ticks = [t.get_text() for t in figures["project06"].axes[0].get_xticklabels()]
    assert ticks[0] == "T1/2022" and "T1/2023" in ticks
    percent = [t.get_text() for t in figures["project06"].axes[0].get_yticklabels()]
    assert "100,0%" in percent and "100%" not in percent


def test_criteria_figure_labels_each_bar_out_of_22(figures):
    labels = [t.get_text() for t in figures["criteria"].axes[0].texts]
    assert "21/22" in labels and "22/22" in labels


def _outside(fig) -> list[str]:
    """The edges of `fig` that what it draws (titles, tick labels, legends, axes: matplotlib's
    own tight box, the one ``bbox_inches="tight"`` crops to) goes beyond, in inches."""
    drawn = fig.get_tightbbox(fig.canvas.get_renderer())
    width, height = fig.get_size_inches()
    slack = 0.01  # the antialiased edge of a glyph
    return [edge for edge, beyond in (("left", drawn.x0 < -slack), ("bottom", drawn.y0 < -slack),
                                      ("right", drawn.x1 > width + slack), ("top", drawn.y1 > height + slack))
            if beyond]


def test_nothing_drawn_falls_outside_its_figure(figures, figures_en):
    # The page prints each figure whole, uncropped (`pages.figure_html`): the constrained
    # layout alone must keep every title, tick label and legend inside, in both languages.
    for lang, drawn in (("vi", figures), ("en", figures_en)):
        for name, fig in drawn.items():
            assert not _outside(fig), (lang, name, _outside(fig))


def test_a_page_figure_is_the_whole_figure_at_100_dpi(figures):
    import base64
    import io
    import re

    from PIL import Image

    from wardstudy.report.pages import figure_html

    fig = figures["units"]
    html = str(figure_html(fig, "caption", "alt", 6).data)
    png = base64.b64decode(re.search(r"base64,([^\"]+)", html).group(1))
    assert Image.open(io.BytesIO(png)).size == (round(fig.get_figwidth() * 100), round(fig.get_figheight() * 100))
