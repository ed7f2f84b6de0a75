"""Seaborn figures for the ward reports, in one consistent style and the page's language.

Every function takes a ward's rows of the build (its monthly records, its indicator
history, its peers' values; see `pipeline.ward.WardReport`) and a few arguments (ward
slug, years, ``lang``), draws what it is given (no statistics), and returns a
`matplotlib.figure.Figure` that is titled, has both axes labelled and shows its unit.
Every word comes from the language's catalogue (`report.wording`), every number from
`report.format` (months "T1/2022", percentages "100,0%"), so a chart reads like its page.
`ward_figures` gives a page's figures with their captions and alt text.

Figures are built with ``matplotlib.figure.Figure`` rather than ``pyplot``: pyplot's
inline backend would show each figure once on its own and again as the cell's value, and
a pyplot-free figure needs no display server in tests or batch workers.
"""

from __future__ import annotations

import matplotlib
import pandas as pd
import seaborn as sns
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.ticker import FuncFormatter, MaxNLocator

from wardstudy.data.crosswalk import FROM_PREDECESSORS
from wardstudy.data.months import with_calendar
from wardstudy.indicators.registry import REGISTRY
from wardstudy.report.format import fmt_month, fmt_number, fmt_share
from wardstudy.report.wording import text

__all__ = ["PALETTE", "HIGHLIGHT", "set_style", "monthly_crimes", "criteria_by_year", "monthly_shares",
           "project06_trend", "stocks_by_month", "unit_comparison", "ward_figures", "new_figure"]

PALETTE = "colorblind"
HIGHLIGHT = "#c2410c"   # the report's ward among other units, and the report year
OTHERS = "#9ca3af"
FIGSIZE = (9.0, 4.2)
MONTHS = list(range(1, 13))


def set_style() -> None:
    """Apply the project's look: seaborn whitegrid, colour-blind palette, PNG at 100 dpi;
    tables show their text in full (a reviewer cannot expand a truncated cell in HTML).

    DejaVu Sans (matplotlib's default) carries the Vietnamese diacritics. Call once at the
    top of a notebook; safe to call again.
    """
    sns.set_theme(style="whitegrid", context="notebook", palette=PALETTE,
                  rc={"figure.dpi": 100, "savefig.dpi": 100, "axes.titleweight": "bold",
                      "axes.titlesize": 12, "font.family": "DejaVu Sans"})
    matplotlib.rcParams["savefig.bbox"] = "tight"
    pd.set_option("display.max_colwidth", None)
    # A figure shown as a cell's value (in JupyterLab) needs the inline PNG formatter, which
    # pyplot would register on import; the pages themselves use `pages.figure_html`.
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:  # plain Python: nothing to register
        return
    if get_ipython() is not None:
        set_matplotlib_formats("png")


# The margin kept around a figure's content, in inches (10 px at 100 dpi). A page's PNG is
# the whole figure (`pages.figure_html` does not crop), so this is the space a reader sees
# between the text drawn at a figure's edge and the next figure or paragraph.
MARGIN_INCHES = 0.1


def new_figure(width: float, height: float) -> Figure:
    """An empty figure of `width` x `height` inches whose constrained layout keeps every
    label inside it, `MARGIN_INCHES` from its edges.

    >>> new_figure(7.0, 3.8).get_layout_engine().get()["w_pad"]
    0.1
    """
    fig = Figure(figsize=(width, height), layout=ConstrainedLayoutEngine(w_pad=MARGIN_INCHES, h_pad=MARGIN_INCHES))
    # On the canvas `savefig` prints PNG with: the layout (`laid_out`) and the print measure the
    # text with one renderer, so the print reuses the layout's measurements (the same PNG).
    FigureCanvasAgg(fig)
    return fig


def _figure(ncols: int = 1, width: float = FIGSIZE[0], height: float = FIGSIZE[1], nrows: int = 1,
            sharey: bool = False):
    fig = new_figure(width, height)
    axes = fig.subplots(nrows, ncols, squeeze=False, sharey=sharey).ravel()
    return fig, axes


def _percent_axis(axis, lang: str) -> None:
    """Percent ticks in the page's one style: "100,0%"."""
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt_share(v / 100, lang=lang)))


def _month_axis(ax, rows: pd.DataFrame, lang: str) -> None:
    """Ticks "T1/2022" at every third month of a month-index axis (`_month_index`)."""
    months = rows[["index", "year", "month_of_year"]].drop_duplicates().sort_values("index")
    ticks = months[months["month_of_year"].isin([1, 4, 7, 10])]
    ax.set_xticks(ticks["index"].tolist())
    ax.set_xticklabels([fmt_month(y, m, lang) for y, m in zip(ticks["year"], ticks["month_of_year"])])


def _monthly(frame: pd.DataFrame, ward: str, years: list[int]) -> pd.DataFrame:
    rows = with_calendar(frame[frame["ward"] == ward])
    rows = rows[rows["year"].isin(years)].copy()
    # A month as a number on one axis (12 * year + month), so ticks can read "T1/2022".
    rows["index"] = rows["year"].astype(int) * 12 + rows["month_of_year"].astype(int) - 1
    return rows


def _carried_back_marker(ax, rows: pd.DataFrame, lang: str) -> None:
    """A dashed line where a new unit's own records begin, after the months summed from its
    predecessors (`data.crosswalk.FROM_PREDECESSORS`: the 2025 reorganisation); nothing for other units."""
    if FROM_PREDECESSORS not in rows.columns:
        return
    flags = rows[FROM_PREDECESSORS].fillna(False).astype(bool)
    if not flags.any() or flags.all():
        return
    ax.axvline(rows.loc[~flags, "index"].min() - 0.5, color="0.35", linestyle="--", linewidth=1,
               label=text("p_reform", lang))


def _legend_below(ax, ncol: int = 2) -> None:
    """The legend under the plot, never over bars or lines."""
    ax.legend(title=None, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=ncol, fontsize=9, frameon=False)


def _paired_bars(ax, counts: pd.DataFrame, years: list[int], labels: list[str]) -> None:
    """Each month's count of each year side by side, as seaborn's categorical bar plot draws
    them (bars 0.4 wide, colours at 75% saturation, no grid across the months), drawn with
    matplotlib directly: seaborn's aggregation of a table that has one value a bar cost a
    third of a second a figure. A month without a record has no bar.

    counts: year, month_of_year, count (NaN: not recorded), legend (the label of its year).
    """
    width = 0.8 / len(years)
    for i, (year, colour) in enumerate(zip(years, (OTHERS, HIGHLIGHT))):
        rows = counts[(counts["year"] == year) & counts["count"].notna()]
        offset = (i - (len(years) - 1) / 2) * width
        ax.bar(rows["month_of_year"] - 1 + offset, rows["count"], width, color=sns.desaturate(colour, 0.75),
               label=counts.loc[counts["year"] == year, "legend"].iloc[0])
    ax.set_xticks(range(len(labels)), labels)
    ax.xaxis.grid(False)
    ax.set_xlim(-0.5, len(labels) - 0.5)


def monthly_crimes(crimes: pd.DataFrame, comparisons: pd.DataFrame, ward: str, year: int, baseline_year: int,
                   lang: str = "vi") -> Figure:
    """Cases per month of each crime category, report year beside the baseline year.

    One panel per category; bars per month, one colour per year. Unit: cases per month.
    A month without records has no bar (a recorded month with no case shows 0). The
    legend, under each panel so that no bar is hidden, gives the same-period counts of
    `comparisons` (the months recorded in both years), the same numbers as the verdict.

    >>> crimes = pd.DataFrame({"ward": ["a"] * 4, "month": ["2022-01", "2023-01", "2022-02", "2023-02"],
    ...                        "category": ["social_order"] * 4, "count": [2, 1, 0, 3]})
    >>> cmp = pd.DataFrame({"category": ["social_order", "high_tech"], "after": [4.0, 0.0], "before": [2.0, 0.0]})
    >>> fig = monthly_crimes(crimes, cmp, "a", 2023, 2022)
    >>> [ax.get_ylabel() for ax in fig.axes], fig.axes[0].get_legend().get_texts()[1].get_text()
    (['Số vụ mỗi tháng', 'Số vụ mỗi tháng'], '2023 (4 vụ)')
    """
    rows = _monthly(crimes, ward, [baseline_year, year])
    recorded = pd.MultiIndex.from_frame(rows[["year", "month_of_year"]].drop_duplicates())
    grid = pd.MultiIndex.from_product([[baseline_year, year], MONTHS], names=["year", "month_of_year"])
    categories = ("social_order", "high_tech")
    fig, axes = _figure(len(categories), height=4.6)
    for ax, category in zip(axes, categories):
        sub = rows[rows["category"] == category]
        counts = sub.groupby(["year", "month_of_year"])["count"].sum().reindex(recorded, fill_value=0)
        counts = counts.reindex(grid).rename("count").reset_index()
        compared = comparisons[comparisons["category"] == category]
        totals = ({baseline_year: compared["before"].iloc[0], year: compared["after"].iloc[0]} if len(compared)
                  else {})
        counts["legend"] = counts["year"].map(
            {y: text("legend_year", lang, year=y, n=fmt_number(totals.get(y), 0, lang)) for y in (baseline_year, year)})
        _paired_bars(ax, counts, [baseline_year, year], [f"T{m}" if lang == "vi" else str(m) for m in MONTHS])
        ax.set_title(text("cat_" + category, lang))
        ax.set_xlabel(text("x_month", lang))
        ax.set_ylabel(text("y_cases", lang))
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        _legend_below(ax)
    fig.suptitle(text("t_crimes", lang, year=year, baseline_year=baseline_year))
    return fig


def criteria_by_year(history: pd.DataFrame, ward: str, lang: str = "vi") -> Figure:
    """Criteria met each year (bars) against the reference level of all criteria (dashed line).

    Unit: criteria. The register's length is the rows' denominator.

    >>> ind = pd.DataFrame({"ward": ["a", "a"], "year": [2022, 2023], "indicator": ["criteria_met_share"] * 2,
    ...                     "numerator": [12.0, 21.0], "denominator": [22.0, 22.0]})
    >>> bool(criteria_by_year(ind, "a").axes[0].get_ylim()[1] >= 22)
    True
    """
    rows = history[(history["ward"] == ward) & (history["indicator"] == "criteria_met_share")]
    n_criteria = int(rows["denominator"].max()) if len(rows) else 0
    data = pd.DataFrame({"year": rows["year"].astype(int).astype(str), "met": rows["numerator"].astype(float)})
    fig, (ax,) = _figure(1, width=7.0, height=3.8)
    sns.barplot(data=data, x="year", y="met", ax=ax, color=HIGHLIGHT)
    for patch, value in zip(ax.patches, data["met"]):
        ax.annotate(f"{int(value)}/{n_criteria}", (patch.get_x() + patch.get_width() / 2, value),
                    ha="center", va="bottom", fontsize=10, xytext=(0, 2), textcoords="offset points")
    ax.axhline(n_criteria, color="black", linestyle="--", linewidth=1)
    ax.annotate(text("target_line", lang, n=n_criteria), (0.01, n_criteria), xycoords=("axes fraction", "data"),
                va="bottom", fontsize=9, xytext=(0, 3), textcoords="offset points")
    ax.set_ylim(0, n_criteria * 1.15)
    ax.set_title(text("t_criteria", lang))
    ax.set_xlabel(text("x_year", lang))
    ax.set_ylabel(text("y_criteria", lang, n=n_criteria))
    return fig


def monthly_shares(tips: pd.DataFrame, procedures: pd.DataFrame, ward: str, year: int, lang: str = "vi") -> Figure:
    """Monthly shares in `year`, one panel each: tips resolved, procedure files online /
    on time / early. Unit: %.

    One panel per share, because shares that are all 100% drawn on one axis hide each
    other behind a single line. Each month's share is that month's numerator over its
    denominator (months with no cases are left out, not drawn as 0).
    """
    t = _monthly(tips, ward, [year])
    p = _monthly(procedures, ward, [year])
    parts = [("p_tips", t, "handled", "received"), ("p_online", p, "online", "total"),
             ("p_on_time", p, "on_time", "resolved"), ("p_early", p, "early", "resolved")]
    fig, axes = _figure(2, width=9.0, height=6.0, nrows=2, sharey=True)
    for ax, (key, frame, num, den) in zip(axes, parts):
        share = (frame[num] / frame[den].where(frame[den] > 0)) * 100
        data = pd.DataFrame({"month": frame["month_of_year"], "share": share}).dropna().sort_values("month")
        # One series, one value a month: a plain line (seaborn's lineplot would aggregate
        # each month and build a legend, a tenth of a second a panel, to draw the same).
        ax.plot(data["month"], data["share"], marker="o", color=HIGHLIGHT, markeredgecolor="w", markeredgewidth=0.75)
        ax.tick_params(axis="y", labelleft=True)  # every panel reads on its own, shared scale or not
        ax.axhline(100, color="black", linestyle="--", linewidth=1)
        ax.set_xticks(MONTHS)
        ax.set_xticklabels([f"T{m}" if lang == "vi" else str(m) for m in MONTHS])
        ax.tick_params(axis="x", labelsize=9)  # "T10 T11 T12" apart in a half-width panel
        ax.set_ylim(0, 105)
        _percent_axis(ax.yaxis, lang)
        ax.set_title(text(key, lang), fontsize=10)
        ax.set_xlabel(text("x_month", lang))
        ax.set_ylabel(text("y_share", lang))
    fig.suptitle(text("t_shares", lang, year=year))
    return fig


def project06_trend(project06: pd.DataFrame, ward: str, years: list[int], lang: str = "vi") -> Figure:
    """Project 06 by month: ID-card coverage and level-2 electronic identification as a
    share of eligible residents. Unit: %."""
    rows = _monthly(project06, ward, years).sort_values("month")
    eligible = rows["eligible_residents"].where(rows["eligible_residents"] > 0)
    data = pd.concat([
        pd.DataFrame({"index": rows["index"], "share": 100 * rows["chip_ids_issued"] / eligible,
                      "series": text("p_chip", lang)}),
        pd.DataFrame({"index": rows["index"], "share": 100 * rows["vneid_level2_accounts"] / eligible,
                      "series": text("p_vneid", lang)}),
    ], ignore_index=True)
    fig, (ax,) = _figure(1)
    sns.lineplot(data=data, x="index", y="share", hue="series", style="series", ax=ax)
    _month_axis(ax, rows, lang)
    _carried_back_marker(ax, rows, lang)
    ax.set_ylim(0, 105)
    _percent_axis(ax.yaxis, lang)
    ax.set_title(text("t_project06", lang))
    ax.set_xlabel(text("x_month", lang))
    ax.set_ylabel(text("y_eligible", lang))
    _legend_below(ax)
    return fig


def stocks_by_month(fire_safety: pd.DataFrame, community_models: pd.DataFrame, ward: str,
                    years: list[int], lang: str = "vi") -> Figure:
    """Fire-safety groups, public firefighting points and self-managed models by month.
    Unit: count (each series names its unit)."""
    fire = _monthly(fire_safety, ward, years)
    models = _monthly(community_models, ward, years)
    data = pd.concat([
        pd.DataFrame({"index": fire["index"], "n": fire["fire_safety_groups"], "series": text("p_groups", lang)}),
        pd.DataFrame({"index": fire["index"], "n": fire["public_firefighting_points"],
                      "series": text("p_points", lang)}),
        pd.DataFrame({"index": models["index"], "n": models["models_active"], "series": text("p_models", lang)}),
    ], ignore_index=True)
    fig, (ax,) = _figure(1, height=4.6)
    sns.lineplot(data=data, x="index", y="n", hue="series", style="series", drawstyle="steps-post", ax=ax)
    _month_axis(ax, pd.concat([fire, models]), lang)
    _carried_back_marker(ax, fire, lang)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(bottom=0)
    ax.set_title(text("t_stocks", lang))
    ax.set_xlabel(text("x_month", lang))
    ax.set_ylabel(text("y_count", lang))
    _legend_below(ax, ncol=1)
    return fig


def unit_comparison(peers: pd.DataFrame, names: dict[str, str], ward: str, year: int,
                    indicator: str = "criteria_met_share", lang: str = "vi") -> Figure:
    """One indicator across the ward's peers (its district) in `year`, the ward highlighted.

    Horizontal bars sorted by value; shares are drawn in percent, labelled "95,5%".

    >>> peers = pd.DataFrame({"ward": ["a", "b"], "year": [2023] * 2, "indicator": ["criteria_met_share"] * 2,
    ...                       "value": [0.5, 1.0]})
    >>> unit_comparison(peers, {"a": "Phường A", "b": "Xã B"}, "a", 2023).axes[0].get_xlabel()
    'Số tiêu chí đạt (%)'
    """
    spec = REGISTRY[indicator]
    label = spec.label(lang)
    is_share = spec.kind in ("share", "criteria")
    rows = peers[(peers["indicator"] == indicator) & (peers["year"].astype(int) == int(year))]
    scale = 100.0 if is_share else 1.0
    data = pd.DataFrame({"ward": rows["ward"], "name": rows["ward"].map(names).fillna(rows["ward"]),
                         "value": rows["value"].astype(float) * scale}).dropna().sort_values("value", ascending=False)
    colours = {n: (HIGHLIGHT if w == ward else OTHERS) for w, n in zip(data["ward"], data["name"])}
    fig, (ax,) = _figure(1, width=8.0, height=0.45 * max(len(data), 3) + 1.2)
    sns.barplot(data=data, y="name", x="value", hue="name", palette=colours, legend=False, ax=ax)
    for patch, value in zip(ax.patches, data["value"]):
        shown = fmt_share(value / 100, lang=lang) if is_share else fmt_number(value, 0, lang)
        ax.annotate(shown, (value, patch.get_y() + patch.get_height() / 2),
                    va="center", fontsize=9, xytext=(3, 0), textcoords="offset points")
    if is_share:
        ax.set_xlim(0, 115)
        _percent_axis(ax.xaxis, lang)
    ax.set_title(text("t_units", lang, label=label, year=year))
    ax.set_xlabel(text("x_value", lang, label=label, unit="%" if is_share else spec.unit(lang)))
    ax.set_ylabel(text("y_unit", lang))
    return fig


def ward_figures(ward, lang: str | None = None) -> dict[str, tuple[Figure, str, str]]:
    """A ward page's figures, in page order: name -> (figure, caption, alt text).

    ward: a `pipeline.ward.WardReport`. The notebook shows them with `pages.figure_html`;
    the glossary test reads every text drawn on them. Each is laid out once, here
    (`laid_out`): a page's figures are finished when they are returned.
    """
    lang = lang or getattr(ward, "lang", "vi")
    p, r, name = ward.params, ward.records, ward.unit["name"]
    years = f"{p.baseline_year} – {p.year}"
    so, ht = ward.comparison("social_order"), ward.comparison("high_tech")
    criteria = ward.history[ward.history["indicator"] == "criteria_met_share"]
    own = ward.values[ward.values["indicator"] == "criteria_met_share"]["value"]
    label = REGISTRY["criteria_met_share"].label(lang)
    # A new unit's months summed from its predecessors: said under every figure that shows them.
    carried = getattr(ward, "carried_back", None)
    if carried:
        first, last = (fmt_month(*map(int, m.split("-")), lang) for m in carried)
        note = " " + text("c_carried", lang, first=first, last=last)
        figures = _figures(ward, lang, p, r, name, years, so, ht, criteria, own, label)
        return {k: (laid_out(f), c + note if k in CARRIED_FIGURES else c, a) for k, (f, c, a) in figures.items()}
    return {k: (laid_out(f), c, a) for k, (f, c, a) in _figures(ward, lang, p, r, name, years, so, ht, criteria,
                                                                  own, label).items()}


def laid_out(fig: Figure) -> Figure:
    """`fig` with its constrained layout computed once, now, and then kept as it is.

    A figure with ``layout="constrained"`` runs the layout solver on every draw (and
    ``savefig(bbox_inches="tight")``, as JupyterLab shows a figure, draws twice). The
    positions are those the solver would give at the draw (it starts from the grid, not from
    the last positions), so the PNG is the same, byte for byte; a figure changed afterwards
    is not laid out again. Measured on the 6 figures of a page: about 1 s less
    (bench_batch.py's breakdown).
    """
    engine = fig.get_layout_engine()
    if isinstance(engine, ConstrainedLayoutEngine):
        engine.execute(fig)
        # No engine at all, not "none": "none" leaves a placeholder engine, and `savefig` draws
        # a figure that has any engine once without output before printing it (a whole draw
        # of every text, for nothing). With the rc switches off, None means no engine.
        with matplotlib.rc_context({"figure.autolayout": False, "figure.constrained_layout.use": False}):
            fig.set_layout_engine(None)
    return fig


CARRIED_FIGURES = ("crimes", "shares", "project06", "stocks")


def _figures(ward, lang, p, r, name, years, so, ht, criteria, own, label) -> dict:
    return {
        "criteria": (criteria_by_year(ward.history, p.ward, lang), text("c_criteria", lang, n=ward.criteria_total),
                     text("a_criteria", lang, name=name, n=ward.criteria_total,
                          years=", ".join(str(int(y)) for y in criteria["year"]))),
        "crimes": (monthly_crimes(r["crimes"], ward.comparisons, p.ward, p.year, p.baseline_year, lang),
                   text("c_crimes", lang, year=p.year, baseline_year=p.baseline_year),
                   text("a_crimes", lang, year=p.year, baseline_year=p.baseline_year,
                        after=fmt_number(so["after"], 0, lang), before=fmt_number(so["before"], 0, lang),
                        after_ht=fmt_number(ht["after"], 0, lang), before_ht=fmt_number(ht["before"], 0, lang))),
        "shares": (monthly_shares(r["tips"], r["procedures"], p.ward, p.year, lang), text("c_shares", lang, year=p.year),
                   text("a_shares", lang, year=p.year)),
        "project06": (project06_trend(r["project06"], p.ward, [p.baseline_year, p.year], lang),
                      text("c_project06", lang, years=years), text("a_project06", lang, name=name)),
        "stocks": (stocks_by_month(r["fire_safety"], r["community_models"], p.ward, [p.baseline_year, p.year], lang),
                   text("c_stocks", lang, years=years), text("a_stocks", lang, name=name)),
        "units": (unit_comparison(ward.peers, ward.peer_names, p.ward, p.year, lang=lang),
                  text("c_units", lang, label=label, year=p.year, name=name),
                  text("a_units", lang, label=label, year=p.year, name=name,
                       n=int((ward.peers["indicator"] == "criteria_met_share").sum()),
                       value=fmt_share(own.iloc[0], lang=lang) if len(own) else "—")),
    }
