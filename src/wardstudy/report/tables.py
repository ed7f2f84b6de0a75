"""The tables of a ward's report, as display strings, from rows the build computed.

Every function takes a ward's rows of the build (see `pipeline.ward.WardReport`), looks
up labels, kinds and targets in the indicator registry, headers and statuses in the
wording catalogue, and formats numbers with `report.format`. Nothing is computed here: a
value, a rank or a verdict on a page is the one in the build, so the page, the index and
the export agree.

Tables are plain DataFrames indexed by the indicator's label; `pages.table_html` shows
them with one header row and numbers right-aligned.
"""

from __future__ import annotations

import pandas as pd

from wardstudy.indicators.registry import HEADLINE_IDS, REGISTRY, TARGET_IDS
from wardstudy.report.calibration import is_calibrated_row, published_fraction
from wardstudy.report.format import (
    MISSING,
    fmt_fraction,
    fmt_interval,
    fmt_number,
    fmt_rank,
    fmt_value,
    is_missing,
)
from wardstudy.report.wording import (
    ESTIMATE_UNITS,
    INFERENCE,
    METHOD_NAMES,
    detectable_text,
    impact_verdict,
    text,
)

__all__ = ["indicator_table", "criteria_trend", "published_table", "ranking_table", "targets_table",
           "headline", "impact_table", "shown_value", "complete_counts", "targets_met", "PER_1000_LABELS"]

# Crime ranked per 1,000 residents (`indicators.peers.PER_1000_IDS`): its own label and unit.
PER_1000_LABELS = {
    "vi": {"social_order_crimes": "Tội phạm về trật tự xã hội (vụ/1.000 dân)",
           "social_order_crime_change": "Tội phạm về trật tự xã hội: tăng (+), giảm (−) so với cùng kỳ (vụ/1.000 dân)"},
    "en": {"social_order_crimes": "Social-order crimes (cases per 1,000 residents)",
           "social_order_crime_change": ("Social-order crimes: change from the same period a year earlier "
                                         "(cases per 1,000 residents)")},
}


def _h(key: str, lang: str) -> str:
    return text("h_" + key, lang)


def shown_value(row, lang: str = "vi", with_unit: bool = False) -> str:
    """A value row (indicator, value, numerator, denominator) formatted by its registry kind;
    counts of things carry their unit when `with_unit` ("6 tổ")."""
    spec = REGISTRY[row["indicator"]]
    shown = fmt_value(spec.kind, row["value"], row.get("numerator"), row.get("denominator"), lang)
    if with_unit and spec.kind == "count" and shown != MISSING:
        shown += " " + unit_for(spec.unit(lang), row["value"], lang)
    return shown


def unit_for(unit: str, value, lang: str = "vi") -> str:
    """A count's unit for `value`: English nouns are singular for one ("1 fire", "2 fires");
    the registry's English units are regular plurals. Vietnamese nouns do not change.

    >>> unit_for("fires", 1, "en"), unit_for("fires", 2, "en"), unit_for("vụ", 1)
    ('fire', 'fires', 'vụ')
    """
    if lang == "en" and not is_missing(value) and float(value) == 1 and unit.endswith("s"):
        return unit[:-1]
    return unit


def _by_indicator(values: pd.DataFrame) -> dict:
    return {row["indicator"]: row for row in values.to_dict("records")}


def _complete(row) -> bool:
    """A share of every case (83/83): its exact interval has only a lower end (`complete_note`)."""
    return (REGISTRY[row["indicator"]].kind == "share" and not is_missing(row.get("numerator"))
            and row["numerator"] == row.get("denominator") and row["numerator"] > 0)


def complete_counts(values: pd.DataFrame, ids: list[str], lang: str = "vi") -> str:
    """The one sentence under a table that explains a 100% share's interval ("" if none): the
    Clopper – Pearson interval of n/n is [(0.025)^(1/n), 1], a one-sided lower bound, the same
    ci_low and ci_high as the exported indicators.csv.

    >>> v = pd.DataFrame({"indicator": ["tips_handled_share"], "value": [1.0], "numerator": [83.0],
    ...                   "denominator": [83.0]})
    >>> "(e.g. 83/83)" in complete_counts(v, ["tips_handled_share"], "en")
    True
    """
    rows = _by_indicator(values)
    complete = [rows[i] for i in ids if i in rows and _complete(rows[i])]
    if not complete:
        return ""
    r = complete[0]
    return text("complete_note", lang, example=f"{fmt_number(r['numerator'], 0, lang)}/"
                                               f"{fmt_number(r['denominator'], 0, lang)}")


def indicator_table(values: pd.DataFrame, ids: list[str], lang: str = "vi") -> pd.DataFrame:
    """The listed indicators of one ward-year: value, numerator / denominator, exact interval.

    Ids not in the registry are skipped. Every share has its exact interval, 83/83 included
    (95,7% – 100,0%, as in indicators.csv; `complete_counts` says how to read it).

    >>> v = pd.DataFrame({"indicator": ["tips_handled_share"], "value": [0.9], "numerator": [9.0],
    ...                   "denominator": [10.0], "ci_low": [0.555], "ci_high": [0.997]})
    >>> indicator_table(v, ["tips_handled_share"]).iloc[0].tolist()
    ['90,0%', '9 / 10', '55,5% – 99,7%']
    """
    rows = _by_indicator(values)
    records = []
    for ind in (i for i in ids if i in REGISTRY):
        spec = REGISTRY[ind]
        if ind not in rows:
            records.append((spec.label(lang), MISSING, MISSING, MISSING))
            continue
        r = rows[ind]
        interval = fmt_interval(spec.kind, r["ci_low"], r["ci_high"], lang)
        records.append((spec.label(lang), shown_value(r, lang, with_unit=True),
                        fmt_fraction(r["numerator"], r["denominator"], lang), interval))
    table = pd.DataFrame(records, columns=[_h(k, lang) for k in ("indicator", "value", "fraction", "ci")])
    return table.set_index(_h("indicator", lang))


def criteria_trend(history: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """Criteria met per year beside the reference level (all criteria of the register)."""
    rows = history[history["indicator"] == "criteria_met_share"]
    met = rows["numerator"].astype(int).to_numpy()
    total = rows["denominator"].astype(int).to_numpy()
    out = pd.DataFrame({
        _h("year", lang): rows["year"].astype(int).astype(str).to_numpy(),
        _h("criteria_met", lang): [f"{m}/{t}" for m, t in zip(met, total)],
        _h("short", lang): total - met,
    })
    return out.set_index(_h("year", lang))


def published_table(reconciled: pd.DataFrame, n_criteria: int, lang: str = "vi",
                    calibrated: bool = False) -> pd.DataFrame:
    """Published figures of one ward-year beside the recomputed ones (empty when none).

    Both are shown in the page's one format (the published "100%" reads "100,0%"); a criteria
    score each on its own scale (a published "19/20" of the 20-criterion scheme reads
    "19/20 (95,0%)", the recomputed one "21/22" of the register). A match says it follows from
    the calibration only on the calibrated ward-year of calibrated data (`report.calibration`).
    n_criteria: the register's length, for a recomputed score without its own fraction.

    >>> rec = pd.DataFrame({"ward": ["khue-trung"], "year": [2024], "indicator": ["criteria_met_share"],
    ...     "as_published": ["19/20 tiêu chí"], "published": [0.95], "computed": [21 / 22], "matches": [False],
    ...     "computed_numerator": [21], "computed_denominator": [22]})
    >>> published_table(rec, 22).iloc[0].tolist()
    ['19/20 (95,0%)', '21/22 (95,5%)', '✗ lệch']
    """
    if reconciled.empty:
        return pd.DataFrame()

    def shown(ind, value, fraction):
        if fraction is None and not is_missing(value):
            fraction = (round(value * n_criteria), n_criteria)
        numerator, denominator = fraction if fraction else (None, None)
        return fmt_value(REGISTRY[ind].kind, value, numerator, denominator, lang)

    def computed_fraction(row):
        num, den = row.get("computed_numerator"), row.get("computed_denominator")
        return None if is_missing(num) or is_missing(den) or not den else (int(num), int(den))

    rows = reconciled.to_dict("records")
    out = pd.DataFrame({
        _h("indicator", lang): [REGISTRY[r["indicator"]].label(lang) for r in rows],
        _h("published", lang): [shown(r["indicator"], r["published"], published_fraction(r.get("as_published")))
                                for r in rows],
        _h("computed", lang): [shown(r["indicator"], r["computed"], computed_fraction(r)) for r in rows],
        _h("matches", lang): [text("st_match_synthetic", lang) if is_calibrated_row(r["ward"], r["year"], r["matches"],
                                                                                    calibrated)
                              else text("st_match", lang) if bool(r["matches"]) else text("st_differ", lang)
                              for r in rows],
    })
    return out.set_index(_h("indicator", lang))


def ranking_table(ranking: pd.DataFrame, ids: list[str], lang: str = "vi") -> pd.DataFrame:
    """Where the ward stands among its peers (`pipeline.ward.WardReport.ranking`, from the build).

    Columns: value, rank ("thứ 2/8", ties "đồng hạng"; 1 is best), lowest, median and
    highest among peers. Crime rows are per 1,000 residents, two decimals.

    >>> v = pd.DataFrame({"indicator": ["tips_handled_share"], "value": [0.9], "rank": [2.0], "n_peers": [3.0],
    ...                   "tied": [True], "peer_min": [0.8], "peer_median": [0.9], "peer_max": [1.0]})
    >>> ranking_table(v, ["tips_handled_share"]).iloc[0].tolist()
    ['90,0%', 'thứ 2/3 (đồng hạng)', '80,0%', '90,0%', '100,0%']
    """
    rows = _by_indicator(ranking)
    records = []
    for ind in (i for i in ids if i in REGISTRY):
        spec = REGISTRY[ind]
        label = PER_1000_LABELS[lang].get(ind, spec.label(lang))
        r = rows.get(ind)
        if r is None or is_missing(r.get("rank")):
            records.append((label, MISSING, MISSING, MISSING, MISSING, MISSING))
            continue
        kind = "share" if spec.kind == "criteria" else spec.kind

        def fmt(v, kind=kind, ind=ind):
            return fmt_number(v, 2, lang) if ind in PER_1000_LABELS[lang] else fmt_value(kind, v, lang=lang)

        records.append((label, fmt(r["value"]), fmt_rank(r["rank"], r["n_peers"], bool(r.get("tied", False)), lang),
                        fmt(r["peer_min"]), fmt(r["peer_median"]), fmt(r["peer_max"])))
    table = pd.DataFrame(records, columns=[_h(k, lang) for k in ("indicator", "value", "rank", "low", "median",
                                                                  "high")])
    return table.set_index(_h("indicator", lang))


def _judged(values: pd.DataFrame) -> list[tuple[str, object, bool | None]]:
    rows = _by_indicator(values)
    out = []
    for ind in TARGET_IDS:
        r = rows.get(ind)
        out.append((ind, r, REGISTRY[ind].target.met(r["value"] if r is not None else None)))
    return out


def targets_met(values: pd.DataFrame) -> tuple[int, int, int]:
    """(met, reference levels, without data) of one ward-year, for the summary.

    >>> v = pd.DataFrame({"indicator": ["criteria_met_share"], "value": [21 / 22], "numerator": [21.0],
    ...                   "denominator": [22.0]})
    >>> targets_met(v)[0], targets_met(v)[1] >= 1
    (0, True)
    """
    judged = [met for _, _, met in _judged(values)]
    return sum(m is True for m in judged), len(judged), sum(m is None for m in judged)


def targets_table(values: pd.DataFrame, n_criteria: int, lang: str = "vi") -> pd.DataFrame:
    """Each indicator with a reference level, against it (the closing table).

    >>> v = pd.DataFrame({"indicator": ["criteria_met_share"], "value": [21 / 22], "numerator": [21.0],
    ...                   "denominator": [22.0]})
    >>> targets_table(v, 22).iloc[0].tolist()[:3]
    ['21/22 (95,5%)', 'đạt 22/22 tiêu chí mỗi năm', '✗ chưa đạt']
    """
    status = {True: text("st_met", lang), False: text("st_unmet", lang), None: text("st_no_data", lang)}
    records = []
    for ind, r, met in _judged(values):
        spec = REGISTRY[ind]
        target = spec.target
        shown = shown_value(r, lang) if r is not None else MISSING
        level = (target.text_vi if lang == "vi" else target.text_en).format(n=n_criteria)
        records.append((spec.label(lang), shown, level, status[met],
                        target.basis_vi if lang == "vi" else target.basis_en))
    table = pd.DataFrame(records, columns=[_h(k, lang) for k in ("indicator", "value", "target", "met", "basis")])
    return table.set_index(_h("indicator", lang))


def headline(values: pd.DataFrame, lang: str = "vi") -> dict[str, str]:
    """The few figures the index shows for a ward-year: label -> text (registry's headline ids).

    >>> v = pd.DataFrame({"indicator": ["criteria_met_share"], "value": [21 / 22], "numerator": [21.0],
    ...                   "denominator": [22.0]})
    >>> headline(v)["Số tiêu chí đạt"]
    '21/22 (95,5%)'
    """
    rows = _by_indicator(values)
    return {REGISTRY[i].label(lang): (shown_value(rows[i], lang) if i in rows else MISSING) for i in HEADLINE_IDS}


def _inference_key(row: dict) -> str:
    """The `INFERENCE` entry of an estimate: the time series by the family it was fitted with."""
    family = row.get("family")
    return f"its_{family}" if row["method"] == "its" and isinstance(family, str) and family else row["method"]


def impact_table(estimates: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """The impact estimates as a reader sees them (empty when nothing was evaluated).

    estimates: `pipeline.ward.WardReport.impact` (with `cases_per_year`); plain build rows
    work too, without the effect in cases. Differences are in cases per 1,000 residents a
    year; the time-series row is a ratio. Every design gets the same verdict wording
    (`wording.impact_verdict`) and, with the build's detectable effects, what it could find.
    """
    if estimates.empty:
        return pd.DataFrame()
    rows = estimates.to_dict("records")
    out = pd.DataFrame({
        _h("design", lang): [text("primary_mark", lang, name=METHOD_NAMES[lang][r["method"]])
                             if r.get("primary") in (True,) else METHOD_NAMES[lang][r["method"]] for r in rows],
        _h("estimate", lang): [fmt_number(r["estimate"], 2, lang) for r in rows],
        _h("unit", lang): [ESTIMATE_UNITS[lang][r["scale"]] for r in rows],
        # the DiD's ATT(g, Y) is the report year's; the other two average the years since entry
        _h("estimand", lang): [text("estimand_report_year" if r["method"] == "did" else "estimand_since_entry", lang)
                               for r in rows],
        _h("ci", lang): [text("st_no_se", lang) if is_missing(r["ci_low"])
                         else fmt_interval("ratio", r["ci_low"], r["ci_high"], lang) for r in rows],
        _h("inference", lang): [INFERENCE[lang][_inference_key(r)].format(n=fmt_number(r["n_assignments"], 0, lang))
                                for r in rows],
        _h("result", lang): [impact_verdict(r, lang) for r in rows],
    })
    if "mde_rate_ratio" in estimates.columns:
        out[_h("detectable", lang)] = [detectable_text(r, lang) for r in rows]
    return out.set_index(_h("design", lang))
