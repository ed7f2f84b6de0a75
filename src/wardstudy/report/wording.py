"""Every verdict and sentence a report says about a result, in Vietnamese and English.

The one home of verdict wording: the crime change against the same period, the impact
conclusions, what a published difference can show, the criteria status and who is
compared with whom. Each function reads numbers already computed by the build (it
computes nothing) and returns text in the language asked ("vi" or "en").
"""

from __future__ import annotations

import math

from wardstudy.report.format import (SIGNIFICANCE, fmt_change, fmt_number, fmt_p, fmt_period, fmt_ratio, fmt_share,
                                     is_missing)

__all__ = ["ALPHA", "crime_verdict", "impact_conclusion", "detectable_text", "multiple_tests_note", "smallest_p_text",
           "criteria_status_text",
           "design_text", "sensitivity_text", "METHOD_NAMES", "INFERENCE", "ESTIMATE_UNITS"]

ALPHA = SIGNIFICANCE

_CATALOGUE = {
    "vi": {
        "fell": "giảm từ {b} xuống {a} vụ ({d} vụ)",
        "rose": "tăng từ {b} lên {a} vụ ({d} vụ)",
        "same": "không đổi ({a} vụ ở cả hai kỳ)",
        "none": "không có vụ nào ở cả hai kỳ: không đủ dữ liệu để đánh giá thay đổi",
        "incomparable": "không so sánh được: hai năm không có tháng nào cùng có số liệu",
        "stats": "tỷ số {rr} (KTC 95%: {lo}–{hi}); {p}",
        "chance": "mức thay đổi này có thể chỉ do ngẫu nhiên",
        "real_fall": "khó có thể chỉ do ngẫu nhiên (giảm thật, nhưng chưa chứng minh được là nhờ mô hình)",
        "real_rise": "khó có thể chỉ do ngẫu nhiên (tăng thật)",
        "partial": " (chỉ so sánh các tháng có số liệu ở cả hai năm: {months})",
        "cannot": "không thể kết luận: với thiết kế này, giá trị p nhỏ nhất có thể đạt là {smallest} (> {alpha})",
        "significant": "khác biệt khó là ngẫu nhiên (p < {alpha})",
        "maybe_chance": "có thể chỉ do ngẫu nhiên",
        "untestable": "không kiểm định được (không tính được giá trị p)",
        "detectable": "phát hiện được mức giảm từ {fall} trở lên (tỷ số {rr}) với xác suất 80%, ở mức ý nghĩa {level}",
        "undetectable": "kể cả khi giảm {fall}, xác suất phát hiện chưa tới 80% (mức ý nghĩa {level})",
        "needs_units": "; để đạt p < 0,05 cần ít nhất {n} đơn vị so sánh",
        "multiple": ("Ba thiết kế là ba phép kiểm định trên cùng một số liệu: chỉ nên kết luận khi các thiết kế "
                     "cùng chiều; không chọn riêng thiết kế có p nhỏ nhất."),
        "criteria": "{met}/{total} tiêu chí đạt",
        "criteria_unmet": "; chưa đạt: {ids}",
        "criteria_all": "; đạt toàn bộ",
    },
    "en": {
        "fell": "fell from {b} to {a} cases ({d})",
        "rose": "rose from {b} to {a} cases ({d})",
        "same": "unchanged ({a} cases in both periods)",
        "none": "no cases in either period: nothing to judge",
        "incomparable": "cannot be compared: the two years have no month of records in common",
        "stats": "rate ratio {rr} (95% CI {lo}–{hi}); {p}",
        "chance": "could be chance",
        "real_fall": "unlikely to be chance alone (a real fall, not shown to be caused by the programme)",
        "real_rise": "unlikely to be chance alone (a real rise)",
        "partial": " (only the months recorded in both years: {months})",
        "cannot": "cannot tell: with this design the smallest attainable p-value is {smallest} (> {alpha})",
        "significant": "unlikely to be chance (p < {alpha})",
        "maybe_chance": "could be chance",
        "untestable": "cannot be tested (no p-value could be computed)",
        "detectable": "detects a fall of {fall} or more (rate ratio {rr}) with 80% probability, at level {level}",
        "undetectable": "even a fall of {fall} is detected with less than 80% probability (level {level})",
        "needs_units": "; reaching p < 0.05 needs at least {n} comparison units",
        "multiple": ("The three designs are three tests on the same data: conclude only where they agree; "
                     "do not pick the design with the smallest p."),
        "criteria": "{met}/{total} criteria met",
        "criteria_unmet": "; not met: {ids}",
        "criteria_all": "; all met",
    },
}

METHOD_NAMES = {
    "vi": {"did": "Khác biệt kép (DiD, Callaway–Sant'Anna)",
           "synth": "Đối chứng tổng hợp (synthetic control, theo quý)",
           "its": "Chuỗi thời gian ngắt quãng (ITS, riêng phường)"},
    "en": {"did": "Difference-in-differences (Callaway–Sant'Anna)",
           "synth": "Synthetic control (quarterly)",
           "its": "Interrupted time series (the ward alone)"},
}
INFERENCE = {
    "vi": {"did": "kiểm định hoán vị, {n} cách gán", "synth": "kiểm định giả dược theo không gian (placebo)",
           "its": "hồi quy quasi-Poisson, không có nhóm đối chứng"},
    "en": {"did": "permutation test, {n} assignments", "synth": "in-space placebo test",
           "its": "quasi-Poisson regression, no comparison group"},
}
ESTIMATE_UNITS = {
    "vi": {"difference": "vụ/1.000 dân/năm", "rate_ratio": "tỷ số tỷ lệ (sau/trước)"},
    "en": {"difference": "cases per 1,000 residents a year", "rate_ratio": "rate ratio (after/before)"},
}


def crime_verdict(row, lang: str = "vi") -> str:
    """A plain verdict on a same-period comparison (a row of `same_period_comparison`).

    A change whose exact test gives p >= 0.05 is called possible chance, whatever its size;
    p < 0.05 is "unlikely to be chance" without claiming a cause. A part-year says which
    months were compared.

    >>> row = {"after": 13, "before": 20, "rate_ratio": 0.65, "ci_low": 0.297, "ci_high": 1.373,
    ...        "p_value": 0.2962, "months": 12, "months_compared": "1–12", "year": 2023}
    >>> crime_verdict(row, lang="en")
    'fell from 20 to 13 cases (−7); rate ratio 0.65 (95% CI 0.30–1.37); p = 0.30: could be chance'
    """
    words = _CATALOGUE[lang]
    if is_missing(row["after"]) or is_missing(row["before"]):
        return words["incomparable"]
    a, b = int(row["after"]), int(row["before"])
    partial = (words["partial"].format(months=fmt_period(row["months_compared"], int(row["year"])))
               if int(row["months"]) < 12 else "")
    if a == 0 and b == 0:
        return words["none"] + partial
    key = "fell" if a < b else ("rose" if a > b else "same")
    head = words[key].format(a=fmt_number(a, 0, lang), b=fmt_number(b, 0, lang), d=fmt_change(a - b, lang))
    stats = words["stats"].format(rr=fmt_ratio(row["rate_ratio"], lang), lo=fmt_ratio(row["ci_low"], lang),
                                  hi=fmt_ratio(row["ci_high"], lang), p=fmt_p(row["p_value"], lang=lang))
    if not is_missing(row["p_value"]) and row["p_value"] < ALPHA:
        judgement = words["real_fall"] if a < b else words["real_rise"]
    else:
        judgement = words["chance"]
    return f"{head}{partial}; {stats}: {judgement}"


def smallest_p_text(min_p, lang: str = "vi") -> str:
    """1/(J + 1) as a fraction and a decimal: 0.125 -> "1/8 = 0,125"; "—" when not defined.

    >>> smallest_p_text(0.125), smallest_p_text(float("nan"))
    ('1/8 = 0,125', '—')
    """
    if is_missing(min_p) or not math.isfinite(float(min_p)):
        return "—"
    return fmt_p(min_p, min_p=min_p, lang=lang).removeprefix("p = ")


def impact_conclusion(row, lang: str = "vi") -> str:
    """The verdict on one impact estimate (a row of `evaluate.design.impact_estimates`).

    >>> impact_conclusion({"p_value": 0.125, "min_p_value": 0.125})
    'không thể kết luận: với thiết kế này, giá trị p nhỏ nhất có thể đạt là 1/8 = 0,125 (> 0,05)'
    >>> impact_conclusion({"p_value": float("nan"), "min_p_value": float("nan")}, lang="en")
    'cannot be tested (no p-value could be computed)'
    """
    words = _CATALOGUE[lang]
    alpha = fmt_number(ALPHA, 2, lang)
    if is_missing(row["p_value"]):
        return words["untestable"]
    if not is_missing(row["min_p_value"]) and row["min_p_value"] > ALPHA:
        return words["cannot"].format(smallest=smallest_p_text(row["min_p_value"], lang), alpha=alpha)
    if row["p_value"] < ALPHA:
        return words["significant"].format(alpha=alpha)
    return words["maybe_chance"]


def detectable_text(row, lang: str = "vi") -> str:
    """What a design could have detected (a row with `evaluate.design.DETECTABLE_COLUMNS`).

    >>> detectable_text({"mde_rate_ratio": 0.55, "mde_level": 0.125, "mde_floor": 0.25, "units_needed": 19})
    'phát hiện được mức giảm từ 45% trở lên (tỷ số 0,55) với xác suất 80%, ở mức ý nghĩa 0,125; để đạt p < 0,05 cần ít nhất 19 đơn vị so sánh'
    >>> detectable_text({"mde_rate_ratio": float("nan"), "mde_level": 0.05, "mde_floor": 0.25,
    ...                  "units_needed": float("nan")}, lang="en")
    'even a fall of 75% is detected with less than 80% probability (level 0.05)'
    """
    words = _CATALOGUE[lang]
    level = _floor_level(row["mde_level"], lang)
    if is_missing(row["mde_rate_ratio"]):
        text = words["undetectable"].format(fall=fmt_share(1 - row["mde_floor"], 0, lang), level=level)
    else:
        text = words["detectable"].format(fall=fmt_share(1 - row["mde_rate_ratio"], 0, lang),
                                          rr=fmt_ratio(row["mde_rate_ratio"], lang), level=level)
    if not is_missing(row.get("units_needed")):
        text += words["needs_units"].format(n=int(row["units_needed"]))
    return text


def _floor_level(level, lang: str) -> str:
    return smallest_p_text(level, lang).split(" = ")[-1] if level > ALPHA else fmt_number(ALPHA, 2, lang)


def multiple_tests_note(lang: str = "vi") -> str:
    """The caution that goes under the impact table: three designs, three tests, one data set.

    >>> multiple_tests_note("en").startswith("The three designs are three tests")
    True
    """
    return _CATALOGUE[lang]["multiple"]


def criteria_status_text(met: int, total: int, unmet: list[str], lang: str = "vi") -> str:
    """E.g. "21/22 tiêu chí đạt; chưa đạt: C07".

    >>> criteria_status_text(1, 3, ["C02", "C03"])
    '1/3 tiêu chí đạt; chưa đạt: C02, C03'
    """
    words = _CATALOGUE[lang]
    rest = words["criteria_unmet"].format(ids=", ".join(unmet)) if unmet else words["criteria_all"]
    return words["criteria"].format(met=met, total=total) + rest


def design_text(ward: str, cohort, year: int, controls: list[str], excluded: list[str],
                names: dict[str, str] | None = None, lang: str = "vi") -> str:
    """One paragraph saying who is compared with whom, or why nothing is evaluated.

    names: slug -> name with diacritics; slugs where absent.

    >>> print(design_text("a", None, 2024, ["b", "c"], []))
    Đơn vị a không tham gia chương trình trong dữ liệu (programme.csv), nên không có tác động để đánh giá.
    """
    names = names or {}
    listed = ", ".join(names.get(s, s) for s in controls)
    left_out = ", ".join(names.get(s, s) for s in excluded)
    en = lang == "en"
    if cohort is None or is_missing(cohort):
        return (f"{ward} is not in the programme in the data (programme.csv): there is no impact to evaluate."
                if en else f"Đơn vị {ward} không tham gia chương trình trong dữ liệu (programme.csv), "
                "nên không có tác động để đánh giá.")
    cohort = int(cohort)
    if cohort > year:
        return (f"{ward} joined the programme in {cohort}, after the report year {year}: no period after "
                "the start to evaluate." if en else
                f"Đơn vị {ward} tham gia chương trình từ năm {cohort}, sau năm báo cáo {year}: chưa có giai đoạn "
                "sau can thiệp để đánh giá.")
    if len(controls) < 2:
        return (f"Too few comparison units ({len(controls)}) to evaluate an impact." if en else
                f"Không đủ đơn vị so sánh ({len(controls)}) để đánh giá tác động.")
    smallest = smallest_p_text(1 / (len(controls) + 1), lang)
    if en:
        text = (f"The ward joined the programme in {cohort} (programme.csv gives only the year; the report "
                f"assumes it started in January {cohort}). It is compared with the {len(controls)} units of its "
                f"district not in the programme by the end of {year}: {listed}.")
        text += f" Left out because already in the programme: {left_out}." if excluded else ""
        return text + f" Smallest p-value a permutation test can give: {smallest}."
    text = (f"Phường tham gia chương trình năm {cohort} (danh sách chỉ ghi năm; báo cáo giả định bắt đầu từ "
            f"tháng 1/{cohort}). So sánh với {len(controls)} đơn vị cùng huyện/thành phố chưa tham gia tính đến hết "
            f"năm {year}: {listed}.")
    text += f" Loại khỏi nhóm so sánh vì đã tham gia: {left_out}." if excluded else ""
    return text + f" Giá trị p nhỏ nhất mà kiểm định hoán vị có thể đạt: {smallest}."


def sensitivity_text(row, lang: str = "vi") -> str:
    """What a published change, known only as a difference, can and cannot show.

    row: a row of `evaluate.design.published_change_sensitivity`.

    >>> row = {"difference": -7.0, "max_significant_baseline": 8.0, "example_baseline": 20,
    ...        "example_after": 13.0, "example_p_value": 0.2962}
    >>> print(sensitivity_text(row))  # doctest: +ELLIPSIS
    Số liệu công bố chỉ nêu mức thay đổi (−7 vụ)... từ 8 vụ trở xuống... 20 vụ còn 13 vụ, p = 0,30)...
    """
    difference = fmt_number(row["difference"], 0, lang)
    example = ""
    if not is_missing(row["example_p_value"]):
        p = fmt_p(row["example_p_value"], lang=lang)
        example = (f" (e.g. {row['example_baseline']} cases down to {fmt_number(row['example_after'], 0, lang)}, {p})"
                   if lang == "en" else
                   f" (ví dụ {row['example_baseline']} vụ còn {fmt_number(row['example_after'], 0, lang)} vụ, {p})")
    if lang == "en":
        head = f"Only the change was published ({difference} cases), not the two years' counts"
        if is_missing(row["max_significant_baseline"]):
            return head + "; at no baseline does the exact Poisson test give p < 0.05: it could be chance."
        return (head + f". By the exact Poisson test it is unlikely to be chance (p < 0.05) only if the same period "
                f"of the year before had {fmt_number(row['max_significant_baseline'], 0, lang)} cases or fewer; "
                f"with a larger baseline{example} it could be chance.")
    head = f"Số liệu công bố chỉ nêu mức thay đổi ({difference} vụ), không nêu số vụ của hai năm"
    if is_missing(row["max_significant_baseline"]):
        return head + ("; với bất kỳ mức nền nào, kiểm định Poisson chính xác không cho p < 0,05: "
                       "có thể chỉ do ngẫu nhiên.")
    return (head + ". Theo kiểm định Poisson chính xác, mức thay đổi này chỉ khó là ngẫu nhiên (p < 0,05) nếu cùng kỳ "
            f"năm trước có từ {fmt_number(row['max_significant_baseline'], 0, lang)} vụ trở xuống; với mức nền lớn hơn"
            f"{example}, nó có thể chỉ do ngẫu nhiên.")
