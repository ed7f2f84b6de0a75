"""The tables of a ward's report, as display strings, from rows the build computed.

Every function takes a ward's rows of the build (see `pipeline.ward.WardReport`), looks
up labels, kinds and targets in the indicator registry, and formats numbers with
`report.format`. Nothing is computed here: a value, a rank or a verdict on a page is the
one in the build, so the page, the index and the export agree.

Tables are plain DataFrames indexed by the indicator's label, so they render the same in
JupyterLab and in the exported HTML.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wardstudy.indicators.registry import HEADLINE_IDS, REGISTRY, TARGET_IDS
from wardstudy.report.format import (MISSING, fmt_fraction, fmt_interval, fmt_number, fmt_p, fmt_value,
                                     is_missing)
from wardstudy.report.wording import (ESTIMATE_UNITS, INFERENCE, METHOD_NAMES, detectable_text, impact_conclusion,
                                     smallest_p_text)

__all__ = ["indicator_table", "criteria_trend", "published_table", "ranking_table", "targets_table",
           "headline", "impact_table", "shown_value"]

_HEAD = {
    "vi": {"indicator": "Chỉ số", "value": "Giá trị", "fraction": "Tử số / Mẫu số", "ci": "KTC 95%",
           "rank": "Hạng", "low": "Thấp nhất", "median": "Trung vị", "high": "Cao nhất", "target": "Mục tiêu",
           "met": "Đạt?", "basis": "Căn cứ của mục tiêu", "published": "Công bố", "computed": "Tính lại",
           "matches": "Khớp?", "source": "Nguồn", "year": "Năm", "criteria_met": "Đạt", "short": "Còn thiếu",
           "method": "Phương pháp", "estimate": "Ước lượng", "unit": "Đơn vị", "ci_long": "Khoảng tin cậy 95%",
           "p": "Giá trị p", "min_p": "p nhỏ nhất có thể", "inference": "Suy luận", "conclusion": "Kết luận",
           "detectable": "Thiết kế này phát hiện được gì"},
    "en": {"indicator": "Indicator", "value": "Value", "fraction": "Numerator / denominator", "ci": "95% CI",
           "rank": "Rank", "low": "Lowest", "median": "Median", "high": "Highest", "target": "Target",
           "met": "Met?", "basis": "Basis of the target", "published": "Published", "computed": "Recomputed",
           "matches": "Matches?", "source": "Source", "year": "Year", "criteria_met": "Met", "short": "Short",
           "method": "Method", "estimate": "Estimate", "unit": "Unit", "ci_long": "95% confidence interval",
           "p": "p-value", "min_p": "Smallest attainable p", "inference": "Inference", "conclusion": "Conclusion",
           "detectable": "What this design could detect"},
}
_STATUS = {
    "vi": {True: "✓ đạt", False: "✗ chưa đạt", None: "— không có số liệu", "match": "✓ khớp", "differ": "✗ lệch",
           "no_se": "— (một phường: không ước lượng được sai số; xem p hoán vị)", "ratio": " (tỷ số)"},
    "en": {True: "✓ met", False: "✗ not met", None: "— no data", "match": "✓ matches", "differ": "✗ differs",
           "no_se": "— (one ward: no standard error; see the permutation p)", "ratio": " (ratio)"},
}


def shown_value(row, lang: str = "vi") -> str:
    """A value row (indicator, value, numerator, denominator) formatted by its registry kind."""
    kind = REGISTRY[row["indicator"]].kind
    return fmt_value(kind, row["value"], row.get("numerator"), row.get("denominator"), lang)


def _by_indicator(values: pd.DataFrame) -> dict:
    return {row["indicator"]: row for row in values.to_dict("records")}


def indicator_table(values: pd.DataFrame, ids: list[str], lang: str = "vi") -> pd.DataFrame:
    """The listed indicators of one ward-year: value, numerator / denominator, exact interval.

    >>> v = pd.DataFrame({"indicator": ["tips_handled_share"], "value": [0.9], "numerator": [9.0],
    ...                   "denominator": [10.0], "ci_low": [0.555], "ci_high": [0.997]})
    >>> indicator_table(v, ["tips_handled_share"]).iloc[0].tolist()
    ['90%', '9 / 10', '55,5% – 99,7%']
    """
    head = _HEAD[lang]
    rows = _by_indicator(values)
    records = []
    for ind in ids:
        spec = REGISTRY[ind]
        if ind not in rows:
            records.append((spec.label(lang), MISSING, MISSING, MISSING))
            continue
        r = rows[ind]
        records.append((spec.label(lang), shown_value(r, lang), fmt_fraction(r["numerator"], r["denominator"], lang),
                        fmt_interval(spec.kind, r["ci_low"], r["ci_high"], lang)))
    table = pd.DataFrame(records, columns=[head["indicator"], head["value"], head["fraction"], head["ci"]])
    return table.set_index(head["indicator"])


def criteria_trend(history: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """Criteria met per year beside the target (all criteria of the register): one row per year."""
    head = _HEAD[lang]
    rows = history[history["indicator"] == "criteria_met_share"]
    out = pd.DataFrame({
        head["year"]: rows["year"].astype(int).to_numpy(),
        head["criteria_met"]: rows["numerator"].astype(int).to_numpy(),
        head["target"]: rows["denominator"].astype(int).to_numpy(),
    })
    out[head["short"]] = out[head["target"]] - out[head["criteria_met"]]
    return out.set_index(head["year"])


def published_table(reconciled: pd.DataFrame, n_criteria: int, lang: str = "vi") -> pd.DataFrame:
    """Published figures of one ward-year beside the recomputed ones (empty when none).

    n_criteria: the register's length, to show a recomputed criteria share as "21/22".
    """
    head, status = _HEAD[lang], _STATUS[lang]
    computed = []
    for ind, value in zip(reconciled["indicator"], reconciled["computed"]):
        numerator = None if is_missing(value) else round(value * n_criteria)
        computed.append(fmt_value(REGISTRY[ind].kind, value, numerator, n_criteria, lang))
    out = pd.DataFrame({
        head["indicator"]: [REGISTRY[i].label(lang) for i in reconciled["indicator"]],
        head["published"]: reconciled["as_published"].fillna("").to_numpy(),
        head["computed"]: computed,
        head["matches"]: np.where(reconciled["matches"].to_numpy(dtype=bool), status["match"], status["differ"]),
        head["source"]: reconciled["source"].fillna("").to_numpy(),
    })
    return out.set_index(head["indicator"])


def ranking_table(values: pd.DataFrame, ids: list[str], lang: str = "vi") -> pd.DataFrame:
    """Where the ward stands among its peers for each listed indicator (ranks from the build).

    Columns: value, rank ("2/8"; 1 is best), lowest, median and highest among peers.

    >>> v = pd.DataFrame({"indicator": ["tips_handled_share"], "value": [0.9], "rank": [2.0], "n_peers": [3.0],
    ...                   "peer_min": [0.8], "peer_median": [0.9], "peer_max": [1.0]})
    >>> ranking_table(v, ["tips_handled_share"]).iloc[0].tolist()
    ['90%', '2/3', '80%', '90%', '100%']
    """
    head = _HEAD[lang]
    rows = _by_indicator(values)
    records = []
    for ind in ids:
        spec = REGISTRY[ind]
        r = rows.get(ind)
        if r is None or is_missing(r.get("rank")):
            records.append((spec.label(lang), MISSING, MISSING, MISSING, MISSING, MISSING))
            continue
        fmt = lambda v, kind=("share" if spec.kind == "criteria" else spec.kind): fmt_value(kind, v, lang=lang)  # noqa: E731
        records.append((spec.label(lang), fmt(r["value"]), f"{int(r['rank'])}/{int(r['n_peers'])}",
                        fmt(r["peer_min"]), fmt(r["peer_median"]), fmt(r["peer_max"])))
    table = pd.DataFrame(records, columns=[head["indicator"], head["value"], head["rank"], head["low"],
                                           head["median"], head["high"]])
    return table.set_index(head["indicator"])


def targets_table(values: pd.DataFrame, n_criteria: int, lang: str = "vi") -> pd.DataFrame:
    """Each targeted indicator of one ward-year against its target (the closing table).

    >>> v = pd.DataFrame({"indicator": ["criteria_met_share"], "value": [21 / 22], "numerator": [21.0],
    ...                   "denominator": [22.0]})
    >>> targets_table(v, 22).iloc[0].tolist()[:3]
    ['21/22 (95,5%)', '22/22 tiêu chí mỗi năm', '✗ chưa đạt']
    """
    head, status = _HEAD[lang], _STATUS[lang]
    rows = _by_indicator(values)
    records = []
    for ind in TARGET_IDS:
        spec = REGISTRY[ind]
        target = spec.target
        r = rows.get(ind)
        shown = shown_value(r, lang) if r is not None else MISSING
        met = target.met(r["value"] if r is not None else None)
        text = (target.text_vi if lang == "vi" else target.text_en).format(n=n_criteria)
        records.append((spec.label(lang), shown, text, status[met],
                        target.basis_vi if lang == "vi" else target.basis_en))
    table = pd.DataFrame(records, columns=[head["indicator"], head["value"], head["target"], head["met"],
                                           head["basis"]])
    return table.set_index(head["indicator"])


def headline(values: pd.DataFrame, lang: str = "vi") -> dict[str, str]:
    """The few figures the index shows for a ward-year: label -> text (registry's headline ids).

    >>> v = pd.DataFrame({"indicator": ["criteria_met_share"], "value": [21 / 22], "numerator": [21.0],
    ...                   "denominator": [22.0]})
    >>> headline(v)["Tiêu chí đạt"]
    '21/22 (95,5%)'
    """
    rows = _by_indicator(values)
    return {REGISTRY[i].label(lang): (shown_value(rows[i], lang) if i in rows else MISSING) for i in HEADLINE_IDS}


def impact_table(estimates: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """The impact estimates as a reader sees them (empty when nothing was evaluated).

    Differences are in cases per 1,000 residents a year; the ITS row is a rate ratio. With
    the build's detectable effects, a last column says what each design could have found.
    """
    if estimates.empty:
        return pd.DataFrame()
    head, status = _HEAD[lang], _STATUS[lang]
    rows = estimates.to_dict("records")
    out = pd.DataFrame({
        head["method"]: [METHOD_NAMES[lang][r["method"]] for r in rows],
        head["estimate"]: [fmt_number(r["estimate"], 2, lang) + (status["ratio"] if r["scale"] == "rate_ratio" else "")
                           for r in rows],
        head["unit"]: [ESTIMATE_UNITS[lang][r["scale"]] for r in rows],
        head["ci_long"]: [status["no_se"] if is_missing(r["ci_low"]) else fmt_interval("ratio", r["ci_low"],
                                                                                       r["ci_high"], lang)
                          for r in rows],
        head["p"]: [fmt_p(r["p_value"], r["min_p_value"], lang) for r in rows],
        head["min_p"]: [smallest_p_text(r["min_p_value"], lang) for r in rows],
        head["inference"]: [INFERENCE[lang][r["method"]].format(n=fmt_number(r["n_assignments"], 0, lang))
                            for r in rows],
        head["conclusion"]: [impact_conclusion(r, lang) for r in rows],
    })
    if "mde_rate_ratio" in estimates.columns:
        out[head["detectable"]] = [detectable_text(r, lang) for r in rows]
    return out.set_index(head["method"])
