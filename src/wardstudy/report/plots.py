"""Seaborn figures for the ward reports, in one consistent style.

Every function takes a ward's rows of the build (its monthly records, its indicator
history, its peers' values; see `pipeline.ward.WardReport`) and a few arguments (ward
slug, years), draws what it is given (no statistics), and returns a `matplotlib.figure.Figure` that is
titled, has both axes labelled and shows its unit. Labels are bilingual (Vietnamese /
English) because reviewers read Vietnamese and the method is shared with others.

Figures are built with ``matplotlib.figure.Figure`` rather than ``pyplot``: pyplot's
inline backend would show each figure once on its own and again as the cell's value, and
a pyplot-free figure needs no display server in tests or batch workers. In a notebook,
put the figure last in the cell and IPython shows it once (as an embedded PNG).
"""

from __future__ import annotations

import matplotlib
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, PercentFormatter

from wardstudy.data.months import first_day, with_calendar
from wardstudy.report.format import fmt_number

__all__ = ["PALETTE", "HIGHLIGHT", "set_style", "monthly_crimes", "criteria_by_year", "monthly_shares",
           "project06_trend", "stocks_by_month", "unit_comparison"]

PALETTE = "colorblind"
HIGHLIGHT = "#c2410c"   # the report's ward among other units
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
    # Figures here are not made through pyplot, so IPython only shows them as PNG once the
    # inline formatter is registered for Figure (pyplot would otherwise do this on import).
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:  # plain Python: nothing to register
        return
    if get_ipython() is not None:
        set_matplotlib_formats("png")


def _figure(ncols: int = 1, width: float = FIGSIZE[0], height: float = FIGSIZE[1]):
    fig = Figure(figsize=(width, height), layout="constrained")
    axes = fig.subplots(1, ncols, squeeze=False)[0]
    return fig, axes


def _monthly(frame: pd.DataFrame, ward: str, years: list[int]) -> pd.DataFrame:
    rows = with_calendar(frame[frame["ward"] == ward])
    return rows[rows["year"].isin(years)]


def monthly_crimes(crimes: pd.DataFrame, comparisons: pd.DataFrame, ward: str, year: int, baseline_year: int,
                   categories=(("social_order", "Trật tự xã hội / Social order"),
                               ("high_tech", "Công nghệ cao / High-tech"))) -> Figure:
    """Cases per month of each crime category, report year beside the baseline year.

    One panel per category; bars per month, one colour per year. Unit: cases per month.
    A month without records has no bar (a recorded month with no case shows 0). The
    legend's totals are the same-period counts of `comparisons` (the months recorded in
    both years), the same numbers as the verdict beside the figure.

    >>> crimes = pd.DataFrame({"ward": ["a"] * 4, "month": ["2022-01", "2023-01", "2022-02", "2023-02"],
    ...                        "category": ["social_order"] * 4, "count": [2, 1, 0, 3]})
    >>> cmp = pd.DataFrame({"category": ["social_order", "high_tech"], "after": [4.0, 0.0], "before": [2.0, 0.0]})
    >>> fig = monthly_crimes(crimes, cmp, "a", 2023, 2022)
    >>> [ax.get_ylabel() for ax in fig.axes], fig.axes[0].get_legend().get_texts()[1].get_text()
    (['Số vụ / Cases per month', 'Số vụ / Cases per month'], '2023 (4 vụ)')
    """
    rows = _monthly(crimes, ward, [baseline_year, year])
    recorded = pd.MultiIndex.from_frame(rows[["year", "month_of_year"]].drop_duplicates())
    grid = pd.MultiIndex.from_product([[baseline_year, year], MONTHS], names=["year", "month_of_year"])
    fig, axes = _figure(len(categories))
    for ax, (category, title) in zip(axes, categories):
        sub = rows[rows["category"] == category]
        counts = sub.groupby(["year", "month_of_year"])["count"].sum().reindex(recorded, fill_value=0)
        counts = counts.reindex(grid).rename("count").reset_index()
        compared = comparisons[comparisons["category"] == category]
        totals = ({baseline_year: compared["before"].iloc[0], year: compared["after"].iloc[0]} if len(compared)
                  else {})
        counts["Năm / Year"] = counts["year"].map(
            lambda y: f"{y} ({fmt_number(totals.get(y))} vụ)")
        sns.barplot(data=counts, x="month_of_year", y="count", hue="Năm / Year", ax=ax,
                    palette=[OTHERS, HIGHLIGHT])
        ax.set_title(title)
        ax.set_xlabel("Tháng / Month")
        ax.set_ylabel("Số vụ / Cases per month")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    fig.suptitle(f"Tội phạm theo tháng, {year} so với {baseline_year} / Crimes by month")
    return fig


def criteria_by_year(history: pd.DataFrame, ward: str) -> Figure:
    """Criteria met each year (bars) against the target of all criteria (dashed line).

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
    ax.annotate(f"Mục tiêu / Target {n_criteria}/{n_criteria}", (0.01, n_criteria), xycoords=("axes fraction", "data"),
                va="bottom", fontsize=9, xytext=(0, 3), textcoords="offset points")
    ax.set_ylim(0, n_criteria * 1.15)
    ax.set_title("Số tiêu chí đạt theo năm / Criteria met by year")
    ax.set_xlabel("Năm / Year")
    ax.set_ylabel(f"Tiêu chí đạt (trên {n_criteria}) / Criteria met")
    return fig


def monthly_shares(tips: pd.DataFrame, procedures: pd.DataFrame, ward: str, year: int) -> Figure:
    """Monthly shares in `year`: tips handled, procedures online / on time / early. Unit: %.

    Each month's share is that month's numerator over its denominator (months with no
    cases are left out, not drawn as 0).
    """
    t = _monthly(tips, ward, [year])
    p = _monthly(procedures, ward, [year])
    parts = [
        ("Tin báo được giải quyết / Tips handled", t, "handled", "received"),
        ("Thủ tục trực tuyến / Online", p, "online", "total"),
        ("Đúng hạn / On time", p, "on_time", "resolved"),
        ("Trước hạn / Early", p, "early", "resolved"),
    ]
    frames = []
    for label, frame, num, den in parts:
        share = (frame[num] / frame[den].where(frame[den] > 0)) * 100
        frames.append(pd.DataFrame({"month_of_year": frame["month_of_year"], "share": share, "Chỉ số": label}))
    data = pd.concat(frames, ignore_index=True).dropna(subset=["share"])
    fig, (ax,) = _figure(1)
    sns.lineplot(data=data, x="month_of_year", y="share", hue="Chỉ số", style="Chỉ số", markers=True,
                 dashes=False, ax=ax)
    ax.axhline(100, color="black", linestyle="--", linewidth=1)
    ax.set_xticks(MONTHS)
    ax.set_ylim(0, 105)
    ax.yaxis.set_major_formatter(PercentFormatter(100))
    ax.set_title(f"Tin báo và thủ tục hành chính theo tháng, {year} / Tips and procedures by month")
    ax.set_xlabel("Tháng / Month")
    ax.set_ylabel("Tỷ lệ (%) / Share (%)")
    ax.legend(title=None, loc="lower left", fontsize=9)
    return fig


def project06_trend(project06: pd.DataFrame, ward: str, years: list[int]) -> Figure:
    """Project 06 by month: chip-ID coverage and level-2 VNeID share of eligible residents. Unit: %."""
    rows = _monthly(project06, ward, years).sort_values("month")
    eligible = rows["eligible_residents"].where(rows["eligible_residents"] > 0)
    data = pd.concat([
        pd.DataFrame({"month": first_day(rows["month"]), "share": 100 * rows["chip_ids_issued"] / eligible,
                      "Chỉ số": "CCCD gắn chip / Chip-based ID"}),
        pd.DataFrame({"month": first_day(rows["month"]), "share": 100 * rows["vneid_level2_accounts"] / eligible,
                      "Chỉ số": "VNeID mức 2 / Level-2 VNeID"}),
    ], ignore_index=True)
    fig, (ax,) = _figure(1)
    sns.lineplot(data=data, x="month", y="share", hue="Chỉ số", ax=ax)
    ax.set_ylim(0, 105)
    ax.yaxis.set_major_formatter(PercentFormatter(100))
    ax.set_title("Đề án 06 theo tháng / Project 06 by month")
    ax.set_xlabel("Tháng / Month")
    ax.set_ylabel("% dân số đủ điều kiện / % of eligible residents")
    ax.legend(title=None, loc="lower right", fontsize=9)
    return fig


def stocks_by_month(fire_safety: pd.DataFrame, community_models: pd.DataFrame, ward: str,
                    years: list[int]) -> Figure:
    """Fire-safety groups, public firefighting points and community models by month. Unit: count."""
    fire = _monthly(fire_safety, ward, years)
    models = _monthly(community_models, ward, years)
    data = pd.concat([
        pd.DataFrame({"month": first_day(fire["month"]), "n": fire["fire_safety_groups"],
                      "Chỉ số": "Tổ liên gia PCCC / Fire-safety groups"}),
        pd.DataFrame({"month": first_day(fire["month"]), "n": fire["public_firefighting_points"],
                      "Chỉ số": "Điểm chữa cháy / Firefighting points"}),
        pd.DataFrame({"month": first_day(models["month"]), "n": models["models_active"],
                      "Chỉ số": "Mô hình cộng đồng / Community models"}),
    ], ignore_index=True)
    fig, (ax,) = _figure(1)
    sns.lineplot(data=data, x="month", y="n", hue="Chỉ số", style="Chỉ số", drawstyle="steps-post", ax=ax)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(bottom=0)
    ax.set_title("PCCC và mô hình cộng đồng theo tháng / Fire safety and community models")
    ax.set_xlabel("Tháng / Month")
    ax.set_ylabel("Số lượng / Count")
    ax.legend(title=None, loc="upper left", fontsize=9)
    return fig


def unit_comparison(peers: pd.DataFrame, names: dict[str, str], ward: str, year: int,
                    indicator: str = "criteria_met_share", label: str = "Tiêu chí đạt / Criteria met",
                    unit: str = "%") -> Figure:
    """One indicator across the ward's peers (its district) in `year`, the ward highlighted.

    Horizontal bars sorted by value; shares (``unit="%"``) are drawn in percent.

    >>> peers = pd.DataFrame({"ward": ["a", "b"], "year": [2023] * 2, "indicator": ["criteria_met_share"] * 2,
    ...                       "value": [0.5, 1.0]})
    >>> unit_comparison(peers, {"a": "Phường A", "b": "Xã B"}, "a", 2023).axes[0].get_xlabel()
    'Tiêu chí đạt / Criteria met (%)'
    """
    rows = peers[(peers["indicator"] == indicator) & (peers["year"].astype(int) == int(year))]
    scale = 100.0 if unit == "%" else 1.0
    data = pd.DataFrame({"ward": rows["ward"], "name": rows["ward"].map(names).fillna(rows["ward"]),
                         "value": rows["value"].astype(float) * scale}).dropna().sort_values("value", ascending=False)
    colours = {n: (HIGHLIGHT if w == ward else OTHERS) for w, n in zip(data["ward"], data["name"])}
    fig, (ax,) = _figure(1, width=8.0, height=0.45 * max(len(data), 3) + 1.2)
    sns.barplot(data=data, y="name", x="value", hue="name", palette=colours, legend=False, ax=ax)
    for patch, value in zip(ax.patches, data["value"]):
        ax.annotate(f"{fmt_number(value)}{unit if unit == '%' else ''}", (value, patch.get_y() + patch.get_height() / 2),
                    va="center", fontsize=9, xytext=(3, 0), textcoords="offset points")
    if unit == "%":
        ax.set_xlim(0, 110)
    ax.set_title(f"{label}, {year}: so sánh các đơn vị cùng huyện, thành phố / units of the district")
    ax.set_xlabel(f"{label} ({unit})")
    ax.set_ylabel("Đơn vị / Unit")
    return fig
