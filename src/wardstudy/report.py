"""Small display helpers for the ward report notebook: text, tables and the banner.

Everything a reader sees in a ward report that needs a decision (how to word a verdict,
which target applies, how to round a share) lives here, so it can be tested; the notebook
only calls these. Text is Vietnamese by default (the reviewers' language); numbers use the
Vietnamese convention (decimal comma: ``95,5%``, ``p = 0,30``).

Tables are returned as plain DataFrames of display strings, indexed by the indicator's
Vietnamese label, so they render the same in JupyterLab and in the exported HTML.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "INDICATOR_LABELS",
    "TARGETS",
    "fmt_number",
    "fmt_share",
    "fmt_p",
    "fmt_value",
    "banner",
    "banner_html",
    "verdict",
    "criteria_status",
    "criteria_trend",
    "indicator_table",
    "published_table",
    "ranking_table",
    "targets_table",
    "headline",
    "HTML",
]

# id -> (Vietnamese label, English label, kind). kind decides formatting and ranking:
#   share  fraction 0-1 shown as a percentage; higher is better
#   count  whole cases/items; for crimes lower is better (see LOWER_IS_BETTER)
#   change a difference in cases against the same period of the year before
#   ratio  a rate ratio (after / before)
INDICATOR_LABELS: dict[str, tuple[str, str, str]] = {
    "criteria_met_share": ("Tiêu chí đạt", "Criteria met", "share"),
    "social_order_crimes": ("Tội phạm về TTXH (vụ)", "Social-order crimes (cases)", "count"),
    "social_order_crime_change": ("TTXH so với cùng kỳ (vụ)", "Social-order change vs same period (cases)",
                                  "change"),
    "social_order_crime_rate_ratio": ("TTXH: tỷ số so với cùng kỳ", "Social-order rate ratio", "ratio"),
    "high_tech_crimes": ("Tội phạm công nghệ cao (vụ)", "High-tech crimes (cases)", "count"),
    "tips_handled_share": ("Tin báo, tố giác được giải quyết", "Crime reports and tips handled", "share"),
    "procedures_online_share": ("Thủ tục hành chính trực tuyến", "Procedures done online", "share"),
    "procedures_on_time_share": ("Thủ tục giải quyết đúng hạn", "Procedures resolved on time", "share"),
    "procedures_early_share": ("Thủ tục giải quyết trước hạn", "Procedures resolved early", "share"),
    "chip_id_coverage": ("Đề án 06: CCCD gắn chip / dân số đủ điều kiện", "Chip-based ID coverage", "share"),
    "vneid_level2_share": ("Đề án 06: tài khoản VNeID mức 2", "Level-2 VNeID accounts", "share"),
    "fire_safety_groups": ("Tổ liên gia an toàn PCCC", "Fire-safety inter-household groups", "count"),
    "public_firefighting_points": ("Điểm chữa cháy công cộng", "Public firefighting points", "count"),
    "community_models_active": ("Mô hình tự quản, cộng đồng", "Community models active", "count"),
}
LOWER_IS_BETTER = {"social_order_crimes", "social_order_crime_change", "social_order_crime_rate_ratio",
                   "high_tech_crimes"}

ARTICLE = "Báo Bắc Kạn 29/01/2024"
# The targets each indicator is judged against in the closing table. Only the criteria
# target comes from the article's direction ("hoàn thành 100% tiêu chí mỗi năm"); the
# article reports 100% for tips and procedures as results achieved, not as targets, so
# using 100% as the bar for every ward is this project's own assumption, as is "fewer
# social-order crimes than the same period".
TARGETS = pd.DataFrame(
    [
        ("criteria_met_share", 1.0, ">=", "22/22 tiêu chí mỗi năm",
         f"Định hướng trong bài báo ({ARTICLE}): hoàn thành 100% tiêu chí mỗi năm"),
        ("tips_handled_share", 1.0, ">=", "100%",
         f"Giả định của dự án (mức Đức Xuân đạt năm 2023 theo {ARTICLE})"),
        ("procedures_online_share", 1.0, ">=", "100%",
         f"Giả định của dự án (mức Đức Xuân đạt năm 2023 theo {ARTICLE})"),
        ("procedures_on_time_share", 1.0, ">=", "100%",
         f"Giả định của dự án (mức Đức Xuân đạt năm 2023 theo {ARTICLE})"),
        ("social_order_crime_change", 0.0, "<", "giảm so với cùng kỳ",
         "Giả định của dự án (các tỉnh báo cáo mức giảm so với cùng kỳ)"),
    ],
    columns=["indicator", "target", "comparison", "target_text", "basis"],
)


def HTML(text: str):
    """An IPython HTML display object (imported lazily: the library works without IPython)."""
    from IPython.display import HTML as _HTML

    return _HTML(text)


# ---------------------------------------------------------------- number formatting

def _vi_decimal(text: str) -> str:
    return text.replace(".", ",")


def fmt_number(value, decimals: int = 0) -> str:
    """A number with Vietnamese separators; "—" for missing. Minus sign is U+2212.

    >>> fmt_number(1340), fmt_number(-7), fmt_number(0.6316, 2), fmt_number(float("nan"))
    ('1.340', '−7', '0,63', '—')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = f"{abs(float(value)):,.{decimals}f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return ("−" if float(value) < 0 and text.strip("0,.") else "") + text


def fmt_share(value, decimals: int = 1) -> str:
    """A fraction 0-1 as a percentage; whole percentages lose the decimals.

    >>> fmt_share(1.0), fmt_share(0.2), fmt_share(21 / 22), fmt_share(None)
    ('100%', '20%', '95,5%', '—')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    percent = 100 * float(value)
    if abs(percent - round(percent)) < 1e-9:
        return f"{round(percent):d}%"
    return _vi_decimal(f"{percent:.{decimals}f}") + "%"


def fmt_p(p: float) -> str:
    """A p-value for a reader: two decimals, or "< 0,001"; "—" when undefined.

    >>> fmt_p(0.2962), fmt_p(0.0004), fmt_p(0.0312), fmt_p(float("nan"))
    ('p = 0,30', 'p < 0,001', 'p = 0,031', 'p: —')
    """
    if p is None or math.isnan(p):
        return "p: —"
    if p < 0.001:
        return "p < 0,001"
    # Two significant figures below 0.1, so 0.031 is not rounded to 0.03 (or to "0,0").
    return "p = " + _vi_decimal(f"{p:.2f}" if p >= 0.1 else f"{p:.2g}")


def fmt_value(indicator: str, value, numerator=None, denominator=None) -> str:
    """One indicator value as a reader sees it: 21/22 for criteria, % for shares, cases.

    >>> fmt_value("criteria_met_share", 21 / 22, 21, 22)
    '21/22 (95,5%)'
    >>> fmt_value("social_order_crime_change", -7.0), fmt_value("tips_handled_share", 1.0)
    ('−7', '100%')
    """
    kind = INDICATOR_LABELS.get(indicator, (indicator, indicator, "count"))[2]
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if indicator == "criteria_met_share" and numerator is not None and not pd.isna(numerator):
        return f"{int(numerator)}/{int(denominator)} ({fmt_share(value)})"
    if kind == "share":
        return fmt_share(value)
    if kind == "ratio":
        return fmt_number(value, 2)
    if kind == "change":
        return ("+" if value > 0 else "") + fmt_number(value)
    return fmt_number(value)


# ---------------------------------------------------------------- banner

def banner_html(is_synthetic: bool) -> str:
    """The warning box every report built on synthetic data carries ("" for real data).

    >>> "DỮ LIỆU TỔNG HỢP" in banner_html(True), banner_html(False)
    (True, '')
    """
    if not is_synthetic:
        return ""
    return (
        '<div class="ws-banner" role="alert" style="border:3px solid #b45309;background:#fef3c7;'
        'color:#78350f;padding:12px 16px;margin:8px 0;font-size:1.05em;border-radius:4px">'
        "<strong>⚠ DỮ LIỆU TỔNG HỢP MINH HỌA — KHÔNG PHẢI SỐ LIỆU THỰC TẾ</strong><br>"
        "Các bảng ghi theo tháng trong báo cáo này do bộ sinh dữ liệu của dự án tạo ra "
        "(hiệu chỉnh để Đức Xuân năm 2023 khớp số liệu đã công bố). Không dùng để đánh giá "
        "một phường thật.<br><em>SYNTHETIC ILLUSTRATIVE DATA — not real records.</em></div>"
    )


def banner(study):
    """`banner_html` for a `StudyData`, as a displayable object."""
    return HTML(banner_html(study.is_synthetic))


# ---------------------------------------------------------------- crime verdict

_VERDICT = {
    "vi": {
        "fell": "giảm từ {b} xuống {a} vụ ({d} vụ)",
        "rose": "tăng từ {b} lên {a} vụ (+{d} vụ)",
        "same": "không đổi ({a} vụ ở cả hai kỳ)",
        "none": "không có vụ nào ở cả hai kỳ: không đủ dữ liệu để đánh giá thay đổi",
        "stats": "tỷ số {rr} (KTC 95%: {lo}–{hi}); {p}",
        "chance": "mức thay đổi này có thể chỉ do ngẫu nhiên",
        "real_fall": "khó có thể chỉ do ngẫu nhiên (giảm thật, nhưng chưa chứng minh được là nhờ mô hình)",
        "real_rise": "khó có thể chỉ do ngẫu nhiên (tăng thật)",
    },
    "en": {
        "fell": "fell from {b} to {a} cases ({d})",
        "rose": "rose from {b} to {a} cases (+{d})",
        "same": "unchanged ({a} cases in both periods)",
        "none": "no cases in either period: nothing to judge",
        "stats": "rate ratio {rr} (95% CI {lo}–{hi}); {p}",
        "chance": "could be chance",
        "real_fall": "unlikely to be chance alone (a real fall, not shown to be caused by the programme)",
        "real_rise": "unlikely to be chance alone (a real rise)",
    },
}


def verdict(change, lang: str = "vi") -> str:
    """A plain-language verdict on a before/after count change (a `PoissonChange`).

    Reads `change.after`, `.before`, `.rate_ratio`, `.ci_low`, `.ci_high`, `.p_value`,
    `.alpha` (or 0.05). A change whose exact test gives p >= alpha is called possible
    chance, whatever its size; p < alpha is "unlikely to be chance" without claiming a
    cause. Numbers in `lang`'s convention ("vi": decimal comma).

    >>> from wardstudy.evaluate import poisson_change
    >>> verdict(poisson_change(13, 20), lang="en")
    'fell from 20 to 13 cases (−7); rate ratio 0.65 (95% CI 0.30–1.37); p = 0.30: could be chance'
    """
    words = _VERDICT[lang]
    a, b = int(change.after), int(change.before)
    if a == 0 and b == 0:
        return words["none"]
    if a < b:
        head = words["fell"].format(a=a, b=b, d=fmt_number(a - b))
    elif a > b:
        head = words["rose"].format(a=a, b=b, d=a - b)
    else:
        head = words["same"].format(a=a)

    def num(x):
        if x is None or math.isnan(x):
            return "—"
        if math.isinf(x):
            return "∞"
        return fmt_number(x, 2) if lang == "vi" else f"{x:.2f}"

    p_text = fmt_p(change.p_value)
    if lang != "vi":
        p_text = p_text.replace(",", ".")
    stats = words["stats"].format(rr=num(change.rate_ratio), lo=num(change.ci_low), hi=num(change.ci_high),
                                  p=p_text)
    alpha = getattr(change, "alpha", 0.05)
    if change.p_value < alpha:
        judgement = words["real_fall"] if a < b else words["real_rise"]
    else:
        judgement = words["chance"]
    return f"{head}; {stats}: {judgement}"


# ---------------------------------------------------------------- criteria

@dataclass(frozen=True)
class CriteriaStatus:
    """Criteria met by one ward in one year: met out of total, and which are unmet."""

    met: int
    total: int
    unmet: list[str]

    @property
    def text(self) -> str:
        """E.g. "21/22 tiêu chí đạt; chưa đạt: C07"."""
        rest = "; chưa đạt: " + ", ".join(self.unmet) if self.unmet else "; đạt toàn bộ"
        return f"{self.met}/{self.total} tiêu chí đạt{rest}"


def criteria_status(assessments: pd.DataFrame, criteria: pd.DataFrame, ward: str, year: int) -> CriteriaStatus:
    """Met/unmet criteria of `ward` in `year`. The register (`criteria`) is the denominator:
    a criterion with no assessment row counts as unmet.

    >>> reg = pd.DataFrame({"criterion_id": ["C01", "C02", "C03"]})
    >>> a = pd.DataFrame({"ward": ["w", "w"], "year": [2023, 2023], "criterion_id": ["C01", "C02"],
    ...                   "met": [1, 0]})
    >>> criteria_status(a, reg, "w", 2023).text
    '1/3 tiêu chí đạt; chưa đạt: C02, C03'
    """
    rows = assessments[(assessments["ward"] == ward) & (assessments["year"].astype(int) == int(year))]
    met_ids = set(rows.loc[rows["met"].astype(int) == 1, "criterion_id"])
    register = list(criteria["criterion_id"])
    unmet = [c for c in register if c not in met_ids]
    return CriteriaStatus(met=len(register) - len(unmet), total=len(register), unmet=unmet)


def criteria_trend(indicators: pd.DataFrame, ward: str) -> pd.DataFrame:
    """Criteria met per year for `ward`, beside the 22/22 target: one row per year.

    Columns: Năm, Đạt, Mục tiêu, Còn thiếu (criteria short of the target).
    """
    rows = indicators[(indicators["ward"] == ward) & (indicators["indicator"] == "criteria_met_share")]
    out = pd.DataFrame({
        "Năm": rows["year"].astype(int).to_numpy(),
        "Đạt": rows["numerator"].astype(int).to_numpy(),
        "Mục tiêu": rows["denominator"].astype(int).to_numpy(),
    })
    out["Còn thiếu"] = out["Mục tiêu"] - out["Đạt"]
    return out.set_index("Năm")


# ---------------------------------------------------------------- tables

def _pick(indicators: pd.DataFrame, ward: str, year: int) -> pd.DataFrame:
    return indicators[(indicators["ward"] == ward) & (indicators["year"].astype(int) == int(year))]


def indicator_table(indicators: pd.DataFrame, ward: str, year: int, ids: list[str]) -> pd.DataFrame:
    """The listed indicators of one ward-year as display strings.

    Columns: Giá trị (value), Tử số / Mẫu số (numerator / denominator, where they apply),
    KTC 95% (exact interval, where it applies). Indexed by the Vietnamese label.
    """
    rows = _pick(indicators, ward, year).set_index("indicator")
    records = []
    for ind in ids:
        label = INDICATOR_LABELS.get(ind, (ind,))[0]
        if ind not in rows.index:
            records.append((label, "—", "—", "—"))
            continue
        r = rows.loc[ind]
        kind = INDICATOR_LABELS.get(ind, (ind, ind, "count"))[2]
        fmt = fmt_share if kind == "share" else (lambda v: fmt_number(v, 2) if kind == "ratio" else fmt_number(v))
        ci = "—" if pd.isna(r["ci_low"]) else f"{fmt(r['ci_low'])} – {fmt(r['ci_high'])}"
        frac = "—" if pd.isna(r["numerator"]) else f"{fmt_number(r['numerator'])} / {fmt_number(r['denominator'])}"
        records.append((label, fmt_value(ind, r["value"], r["numerator"], r["denominator"]), frac, ci))
    table = pd.DataFrame(records, columns=["Chỉ số", "Giá trị", "Tử số / Mẫu số", "KTC 95%"])
    return table.set_index("Chỉ số")


def published_table(reconciled: pd.DataFrame, ward: str, year: int) -> pd.DataFrame:
    """Published figures of one ward-year beside the recomputed ones (from `reconcile`).

    Empty DataFrame when nothing was published for that ward and year.
    """
    rows = _pick(reconciled, ward, year)
    out = pd.DataFrame({
        "Chỉ số": [INDICATOR_LABELS.get(i, (i,))[0] for i in rows["indicator"]],
        "Công bố": rows["as_published"].fillna("").to_numpy(),
        "Tính lại": [fmt_value(i, v) if i != "criteria_met_share" else
                     (fmt_value(i, v, round(v * 22), 22) if not pd.isna(v) else "—")
                     for i, v in zip(rows["indicator"], rows["computed"])],
        "Khớp?": np.where(rows["matches"].to_numpy(dtype=bool), "✓ khớp", "✗ lệch"),
        "Nguồn": rows["source"].fillna("").to_numpy(),
    })
    return out.set_index("Chỉ số")


def ranking_table(indicators: pd.DataFrame, ward: str, year: int, ids: list[str]) -> pd.DataFrame:
    """Where `ward` stands among all units with a value for each indicator in `year`.

    Rank 1 is the best: highest for shares and stocks, lowest for crime counts and changes
    (`LOWER_IS_BETTER`); ties share the best rank ("min" method). Columns: Giá trị, Hạng
    ("2/8"), Thấp nhất, Trung vị, Cao nhất.

    >>> ind = pd.DataFrame({"ward": ["a", "b", "c"], "year": [2023] * 3,
    ...                     "indicator": ["tips_handled_share"] * 3, "value": [0.9, 1.0, 0.8],
    ...                     "numerator": [np.nan] * 3, "denominator": [np.nan] * 3})
    >>> ranking_table(ind, "a", 2023, ["tips_handled_share"])["Hạng"].tolist()
    ['2/3']
    """
    this_year = indicators[indicators["year"].astype(int) == int(year)]
    records = []
    for ind in ids:
        values = this_year[this_year["indicator"] == ind].set_index("ward")["value"].dropna()
        label = INDICATOR_LABELS.get(ind, (ind,))[0]
        if ward not in values.index:
            records.append((label, "—", "—", "—", "—", "—"))
            continue
        # Rank what the reader sees: shares rounded to 0.1 percentage point, so units shown
        # with the same figure share a rank instead of being ordered by invisible digits.
        shown = values.round(3) if INDICATOR_LABELS.get(ind, ("", "", ""))[2] == "share" else values
        ranks = shown.rank(ascending=ind in LOWER_IS_BETTER, method="min")
        fmt = lambda v, i=ind: fmt_value(i, v)  # noqa: E731 - per-indicator formatter
        records.append((label, fmt(values[ward]), f"{int(ranks[ward])}/{len(values)}", fmt(values.min()),
                        fmt(values.median()), fmt(values.max())))
    table = pd.DataFrame(records, columns=["Chỉ số", "Giá trị", "Hạng", "Thấp nhất", "Trung vị", "Cao nhất"])
    return table.set_index("Chỉ số")


def _meets(value: float, target: float, comparison: str) -> bool | None:
    if value is None or pd.isna(value):
        return None
    # Shares come from integer counts, so a 1e-9 tolerance only absorbs float rounding.
    if comparison == ">=":
        return bool(value >= target - 1e-9)
    return bool(value < target)


def targets_table(indicators: pd.DataFrame, ward: str, year: int, targets: pd.DataFrame = TARGETS) -> pd.DataFrame:
    """Each targeted indicator of one ward-year against its target (the closing table).

    Columns: Giá trị, Mục tiêu, Đạt? ("✓ đạt" / "✗ chưa đạt" / "— không có số liệu"),
    Căn cứ của mục tiêu (the article, or the project's own assumption).

    >>> ind = pd.DataFrame({"ward": ["a"], "year": [2023], "indicator": ["criteria_met_share"],
    ...                     "value": [21 / 22], "numerator": [21.0], "denominator": [22.0]})
    >>> targets_table(ind, "a", 2023).iloc[0][["Giá trị", "Đạt?"]].tolist()
    ['21/22 (95,5%)', '✗ chưa đạt']
    """
    rows = _pick(indicators, ward, year).set_index("indicator")
    records = []
    for t in targets.itertuples(index=False):
        if t.indicator in rows.index:
            r = rows.loc[t.indicator]
            value, shown = r["value"], fmt_value(t.indicator, r["value"], r["numerator"], r["denominator"])
        else:
            value, shown = np.nan, "—"
        ok = _meets(value, t.target, t.comparison)
        status = "— không có số liệu" if ok is None else ("✓ đạt" if ok else "✗ chưa đạt")
        records.append((INDICATOR_LABELS[t.indicator][0], shown, t.target_text, status, t.basis))
    table = pd.DataFrame(records, columns=["Chỉ số", "Giá trị", "Mục tiêu", "Đạt?", "Căn cứ của mục tiêu"])
    return table.set_index("Chỉ số")


HEADLINE_IDS = ["criteria_met_share", "social_order_crime_change", "tips_handled_share",
                "procedures_online_share", "procedures_on_time_share"]


def headline(indicators: pd.DataFrame, ward: str, year: int) -> dict[str, str]:
    """The few figures the index page shows for a ward-year, formatted: label -> text.

    >>> ind = pd.DataFrame({"ward": ["a"], "year": [2023], "indicator": ["criteria_met_share"],
    ...                     "value": [21 / 22], "numerator": [21.0], "denominator": [22.0]})
    >>> headline(ind, "a", 2023)["Tiêu chí đạt"]
    '21/22 (95,5%)'
    """
    rows = _pick(indicators, ward, year).set_index("indicator")
    out = {}
    for ind in HEADLINE_IDS:
        label = INDICATOR_LABELS[ind][0]
        if ind in rows.index:
            r = rows.loc[ind]
            out[label] = fmt_value(ind, r["value"], r["numerator"], r["denominator"])
        else:
            out[label] = "—"
    return out


def escape(text: str) -> str:
    """HTML-escape text for the hand-built pages (index)."""
    return html.escape(str(text), quote=True)


# ---------------------------------------------------------------- header and crime periods

def months_covered(crimes: pd.DataFrame, ward: str, year: int) -> list[int]:
    """Months of `year` (1-12) for which `ward` has crime records."""
    rows = crimes[(crimes["ward"] == ward) & (crimes["month"].astype(str).str[:4] == str(year))]
    return sorted(rows["month"].astype(str).str[5:7].astype(int).unique().tolist())


def period_counts(crimes: pd.DataFrame, ward: str, year: int, baseline_year: int,
                  category: str = "social_order") -> tuple[int, int, list[int]]:
    """Cases of `category` in `year` and in the same months of `baseline_year`.

    Returns (after, before, months). Only months recorded in both years count, so a
    part-year is set against the same part of the baseline ("cùng kỳ").

    >>> df = pd.DataFrame({"ward": ["a"] * 3, "month": ["2022-01", "2022-02", "2023-01"],
    ...                    "category": ["social_order"] * 3, "count": [5, 7, 2]})
    >>> period_counts(df, "a", 2023, 2022)
    (2, 5, [1])
    """
    both = sorted(set(months_covered(crimes, ward, year)) & set(months_covered(crimes, ward, baseline_year)))
    rows = crimes[(crimes["ward"] == ward) & (crimes["category"] == category)]
    month = rows["month"].astype(str)
    in_months = month.str[5:7].astype(int).isin(both)
    after = int(rows.loc[in_months & (month.str[:4] == str(year)), "count"].sum())
    before = int(rows.loc[in_months & (month.str[:4] == str(baseline_year)), "count"].sum())
    return after, before, both


def crime_change(crimes: pd.DataFrame, ward: str, year: int, baseline_year: int, category: str = "social_order"):
    """Exact Poisson comparison of `category` cases, `year` against the same period of
    `baseline_year` (equal exposures: the same months). Returns a `PoissonChange`.

    >>> df = pd.DataFrame({"ward": ["a", "a"], "month": ["2022-01", "2023-01"],
    ...                    "category": ["social_order"] * 2, "count": [20, 13]})
    >>> round(crime_change(df, "a", 2023, 2022).p_value, 3)
    0.296
    """
    from wardstudy.evaluate import poisson_change

    after, before, _ = period_counts(crimes, ward, year, baseline_year, category)
    return poisson_change(after, before)


def _month_range(months: list[int], year: int) -> str:
    if not months:
        return f"năm {year} (không có số liệu)"
    return f"{months[0]:02d}/{year}–{months[-1]:02d}/{year}"


def header_html(params, study) -> str:
    """The report's opening block: ward name, GSO code, period, data source, banner.

    `params` is a validated `ReportParams`; `study` the `StudyData` it was checked against.
    """
    unit = study.units.set_index("slug").loc[params.ward]
    months = months_covered(study.crimes, params.ward, params.year)
    base_months = sorted(set(months) & set(months_covered(study.crimes, params.ward, params.baseline_year)))
    from wardstudy import paths

    # Shown relative to the project when it is the shipped data: no machine paths in a report.
    folder = Path(study.data_dir)
    shown = folder.relative_to(paths.project_root()) if folder.is_relative_to(paths.project_root()) else folder
    source = ("Bộ dữ liệu tổng hợp minh họa của dự án (synthetic)" if study.is_synthetic
              else "Bảng số liệu do người dùng cung cấp")
    successor = ""
    if isinstance(unit.get("valid_to"), str) and unit.get("valid_to"):
        successor = (f"<li>Hiệu lực đến {escape(unit['valid_to'])}; từ 01/07/2025 thuộc "
                     f"{escape(unit.get('successor_name') or '')} (mã {escape(unit.get('successor_code') or '')})</li>")
    cohort = study.programme[study.programme["ward"] == params.ward]
    cohort_text = (f"đơn vị xây dựng mô hình năm {int(cohort['cohort_year'].iloc[0])}" if len(cohort)
                   else "chưa có trong danh sách xây dựng mô hình")
    return (
        f"{banner_html(study.is_synthetic)}"
        f'<h2 class="ws-title">{escape(unit["type"]).capitalize()} {escape(unit["name"])} — năm {params.year}</h2>'
        "<ul>"
        f"<li>Mã đơn vị hành chính (Tổng cục Thống kê): <strong>{escape(unit['code'])}</strong>; "
        f"{escape(unit.get('district') or '')}, tỉnh {escape(unit.get('province') or '')}</li>"
        f"<li>Chương trình: {escape(cohort_text)}</li>"
        f"<li>Kỳ báo cáo: <strong>{_month_range(months, params.year)}</strong>; so sánh với cùng kỳ "
        f"{_month_range(base_months, params.baseline_year)}</li>"
        f"<li>Nguồn dữ liệu: {escape(source)} — <code>{escape(shown.as_posix())}</code>; danh mục đơn vị: "
        "Tổng cục Thống kê (01/03/2025); số liệu công bố: Báo Bắc Kạn 29/01/2024</li>"
        f"{successor}"
        "</ul>"
    )


def header(params, study):
    """`header_html` as a displayable object."""
    return HTML(header_html(params, study))
