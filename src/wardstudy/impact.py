"""The ward report's impact section: one programme ward against the wards not yet treated.

Prepares the study's tables for the methods of `wardstudy.evaluate` and words their
results for a reviewer (Vietnamese, as the rest of the report). The comparison set for a
ward that entered the programme in year g, reported for year Y >= g:

* the ward itself, treated from January of g;
* every unit not treated by the end of Y: never-treated units and later cohorts, whose
  data are used only up to Y, so that no treated period of theirs enters the comparison
  (the "not-yet-treated" design);
* other programme wards already treated by Y are left out.

Outcome: social-order crimes per 1,000 residents, with the Project 06 count of eligible
residents as the population (the only yearly population in the records; it is an
assumption and the report says so).

Three designs, each honest about its limits: difference-in-differences with a
randomisation test (the analytic standard error ignores the single treated ward's own
variance), synthetic control on quarterly rates with an in-space placebo test, and an
interrupted time series of the ward's own monthly counts (no control group, so a
city-wide change would show up as an effect). With J comparison units the smallest
attainable randomisation p-value is 1 / (J + 1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from wardstudy.evaluate import (baseline_sensitivity, did_permutation_test, interrupted_time_series,
                                placebo_test, staggered_did)
from wardstudy.report import fmt_number, fmt_p

__all__ = ["ImpactDesign", "impact_design", "social_order_rates", "impact_table", "published_change_sensitivity",
           "design_text", "display_table", "sensitivity_text"]

PER = 1000.0  # rates per 1,000 residents
ALPHA = 0.05


@dataclass(frozen=True)
class ImpactDesign:
    """Who is compared with whom, for one ward and report year."""

    ward: str
    cohort: int | None  # the ward's programme entry year, None if it never entered
    year: int
    controls: list[str]
    excluded: list[str]  # programme wards already treated by `year`

    @property
    def evaluable(self) -> bool:
        return self.cohort is not None and self.cohort <= self.year and len(self.controls) >= 2


def impact_design(programme: pd.DataFrame, units: pd.DataFrame, ward: str, year: int) -> ImpactDesign:
    """The comparison set for `ward` in `year` (see the module docstring).

    >>> programme = pd.DataFrame({"ward": ["a", "b"], "cohort_year": [2023, 2024]})
    >>> units = pd.DataFrame({"slug": ["a", "b", "c", "d"]})
    >>> d = impact_design(programme, units, "a", 2023)
    >>> d.controls, d.excluded
    (['b', 'c', 'd'], [])
    >>> impact_design(programme, units, "a", 2024).excluded
    ['b']
    """
    cohorts = dict(zip(programme["ward"], programme["cohort_year"].astype(int)))
    others = [u for u in units["slug"] if u != ward]
    excluded = [u for u in others if cohorts.get(u, np.inf) <= year]
    controls = [u for u in others if u not in excluded]
    return ImpactDesign(ward, cohorts.get(ward), year, controls, excluded)


def social_order_rates(crimes: pd.DataFrame, project06: pd.DataFrame, design: ImpactDesign,
                       freq: str = "Y") -> pd.DataFrame:
    """Social-order crimes and rate per 1,000 residents for the design's units, by period.

    freq: "Y" (year), "Q" (quarter) or "M" (month). Periods run up to the end of the report
    year. Columns: ward, period (int year, or a float year + fraction), year, month_of_year
    (for "M"), count, residents (mean eligible residents over the period), rate, cohort
    (entry year for the ward, 0 for comparison units).
    """
    wards = [design.ward, *design.controls]
    so = crimes[(crimes["category"] == "social_order") & crimes["ward"].isin(wards)]
    counts = so.groupby(["ward", "month"], as_index=False)["count"].sum()
    people = project06.loc[project06["ward"].isin(wards), ["ward", "month", "eligible_residents"]]
    monthly = people.merge(counts, on=["ward", "month"], how="left").fillna({"count": 0})
    stamp = pd.PeriodIndex(monthly["month"], freq="M")
    monthly = monthly.assign(year=stamp.year, month_of_year=stamp.month)
    monthly = monthly[monthly["year"] <= design.year]
    if freq == "Y":
        monthly["period"] = monthly["year"]
    elif freq == "Q":
        monthly["period"] = monthly["year"] + (stamp.quarter[monthly.index] - 1) / 4
    elif freq == "M":
        monthly["period"] = monthly["year"] + (monthly["month_of_year"] - 1) / 12
    else:
        raise ValueError(f'freq must be "Y", "Q" or "M", got {freq!r}')
    keys = ["ward", "period"] + (["year", "month_of_year"] if freq == "M" else [])
    out = monthly.groupby(keys, as_index=False).agg(count=("count", "sum"),
                                                    residents=("eligible_residents", "mean"))
    out["rate"] = out["count"] / out["residents"] * PER
    out["cohort"] = np.where(out["ward"] == design.ward, design.cohort, 0)
    return out


def _did(yearly: pd.DataFrame, design: ImpactDesign) -> dict:
    result = staggered_did(yearly, unit="ward", time="period", cohort="cohort", outcome="rate")
    cell = result[(result["group"] == design.cohort) & (result["time"] == design.year)].iloc[0]
    perm = did_permutation_test(yearly, unit="ward", time="period", cohort="cohort", outcome="rate",
                                n_permutations=5000)
    return {"method": "Khác biệt kép (DiD, Callaway–Sant'Anna)",
            "estimate": cell["att"], "unit": "vụ/1.000 dân/năm",
            "ci_low": np.nan, "ci_high": np.nan,
            "p_value": perm.p_value, "min_p_value": perm.min_p_value,
            "inference": f"kiểm định hoán vị, {perm.n_assignments} cách gán"}


def _synth(quarterly: pd.DataFrame, design: ImpactDesign) -> dict:
    test = placebo_test(quarterly, unit="ward", time="period", outcome="rate", treated=design.ward,
                        treatment_time=float(design.cohort), donors=design.controls)
    fit = test.results[design.ward]
    post_gap = float(fit.gaps[fit.gaps.index >= design.cohort].mean()) * 4  # per quarter -> per year
    return {"method": "Đối chứng tổng hợp (synthetic control, theo quý)",
            "estimate": post_gap, "unit": "vụ/1.000 dân/năm",
            "ci_low": np.nan, "ci_high": np.nan,
            "p_value": test.p_value, "min_p_value": test.min_p_value,
            "inference": "kiểm định giả dược theo không gian (placebo)"}


def _its(monthly: pd.DataFrame, design: ImpactDesign) -> dict:
    own = monthly[monthly["ward"] == design.ward].sort_values("period").assign(
        t=lambda d: np.arange(len(d)), post=lambda d: (d["year"] >= design.cohort).astype(int))
    its = interrupted_time_series(own, count="count", time="t", post="post", offset="residents",
                                  season="month_of_year", family="quasipoisson")
    return {"method": "Chuỗi thời gian ngắt quãng (ITS, riêng phường)",
            "estimate": its.step.rate_ratio, "unit": "tỷ số tỷ lệ (sau/trước)",
            "ci_low": its.step.ci_low, "ci_high": its.step.ci_high,
            "p_value": its.step.p_value, "min_p_value": np.nan,
            "inference": "hồi quy quasi-Poisson, không có nhóm đối chứng"}


def _smallest_p(min_p: float) -> str:
    """1/(J + 1) written as a fraction and a decimal: 0.125 -> "1/8 = 0,125"."""
    if not np.isfinite(min_p):
        return "—"
    return f"1/{round(1 / min_p)} = {fmt_number(min_p, 3)}"


def _conclusion(row: pd.Series) -> str:
    if np.isfinite(row["min_p_value"]) and row["min_p_value"] > ALPHA:
        return (f"không thể kết luận: với thiết kế này, giá trị p nhỏ nhất có thể đạt là "
                f"{_smallest_p(row['min_p_value'])} (> {fmt_number(ALPHA, 2)})")
    if row["p_value"] < ALPHA:
        return "khác biệt khó là ngẫu nhiên (p < 0,05)"
    return "có thể chỉ do ngẫu nhiên"


def impact_table(crimes: pd.DataFrame, project06: pd.DataFrame, design: ImpactDesign) -> pd.DataFrame:
    """Each design's estimate for the ward's social-order crime rate, with its inference.

    Columns: method, estimate, unit, ci_low, ci_high, p_value, min_p_value, inference,
    conclusion. DiD and synthetic control give a difference in cases per 1,000 residents
    a year (negative = fewer crimes than the comparison predicts); ITS gives a rate ratio.
    Empty when the design is not evaluable (the ward has not entered the programme).
    """
    if not design.evaluable:
        return pd.DataFrame(columns=["method", "estimate", "unit", "ci_low", "ci_high", "p_value",
                                     "min_p_value", "inference", "conclusion"])
    rows = [
        _did(social_order_rates(crimes, project06, design, "Y"), design),
        _synth(social_order_rates(crimes, project06, design, "Q"), design),
        _its(social_order_rates(crimes, project06, design, "M"), design),
    ]
    table = pd.DataFrame(rows)
    table["conclusion"] = table.apply(_conclusion, axis=1)
    return table


def published_change_sensitivity(published: pd.DataFrame, ward: str, year: int, alpha: float = ALPHA):
    """For a published change in social-order crimes (only the difference is known), the
    largest baseline count at which that change would be significant; None if none published.

    >>> pub = pd.DataFrame({"ward": ["a"], "year": [2023], "indicator": ["social_order_crime_change"],
    ...                     "value": [-7.0]})
    >>> published_change_sensitivity(pub, "a", 2023)
    (-7.0, 8.0)
    """
    row = published[(published["ward"] == ward) & (published["year"].astype(int) == year)
                    & (published["indicator"] == "social_order_crime_change")]
    if row.empty:
        return None
    difference = float(row["value"].iloc[0])
    return difference, baseline_sensitivity(difference, alpha=alpha).max_significant_baseline


def design_text(design: ImpactDesign, names: dict[str, str] | None = None) -> str:
    """One paragraph saying who is compared with whom, or why nothing is evaluated.

    names: slug -> name with diacritics (e.g. from the units table); slugs where absent.

    >>> print(design_text(ImpactDesign("a", None, 2024, ["b", "c"], [])))
    Đơn vị a không tham gia chương trình trong dữ liệu (programme.csv), nên không có tác động để đánh giá.
    """
    names = names or {}
    listed = lambda slugs: ", ".join(names.get(s, s) for s in slugs)  # noqa: E731
    if design.cohort is None:
        return (f"Đơn vị {design.ward} không tham gia chương trình trong dữ liệu (programme.csv), "
                "nên không có tác động để đánh giá.")
    if design.cohort > design.year:
        return (f"Đơn vị {design.ward} tham gia chương trình từ năm {design.cohort}, sau năm báo cáo "
                f"{design.year}: chưa có giai đoạn sau can thiệp để đánh giá.")
    if not design.evaluable:
        return f"Không đủ đơn vị so sánh ({len(design.controls)}) để đánh giá tác động."
    text = (f"Phường tham gia từ tháng 1/{design.cohort}. So sánh với {len(design.controls)} đơn vị chưa "
            f"tham gia tính đến hết năm {design.year}: {listed(design.controls)}.")
    if design.excluded:
        text += f" Loại khỏi nhóm so sánh vì đã tham gia: {listed(design.excluded)}."
    smallest = _smallest_p(1 / (len(design.controls) + 1))
    return text + f" Giá trị p nhỏ nhất mà kiểm định hoán vị có thể đạt: {smallest}."


def display_table(effects: pd.DataFrame) -> pd.DataFrame:
    """The impact table as a reader sees it: Vietnamese headers, formatted numbers.

    Differences are in cases per 1,000 residents a year; the ITS row is a rate ratio.
    An empty table (nothing to evaluate) stays empty.
    """
    if effects.empty:
        return pd.DataFrame()
    def estimate(row):
        decimals = 2
        return fmt_number(row["estimate"], decimals) + (" (tỷ số)" if "tỷ số" in row["unit"] else "")

    def interval(row):
        if not np.isfinite(row["ci_low"]):
            return "— (một phường: không ước lượng được sai số; xem p hoán vị)"
        return f"{fmt_number(row['ci_low'], 2)} – {fmt_number(row['ci_high'], 2)}"

    out = pd.DataFrame({
        "Phương pháp": effects["method"],
        "Ước lượng": effects.apply(estimate, axis=1),
        "Đơn vị": effects["unit"],
        "Khoảng tin cậy 95%": effects.apply(interval, axis=1),
        "Giá trị p": effects["p_value"].map(fmt_p),
        "p nhỏ nhất có thể": effects["min_p_value"].map(_smallest_p),
        "Suy luận": effects["inference"],
        "Kết luận": effects["conclusion"],
    })
    return out.set_index("Phương pháp")


def sensitivity_text(difference: float, max_significant_baseline: float, example_baseline: int = 20) -> str:
    """What a published change, known only as a difference, can and cannot show.

    The example sets the change against `example_baseline` cases a year earlier, with its
    exact p-value (`evaluate.poisson_change`).

    >>> print(sensitivity_text(-7, 8))  # doctest: +ELLIPSIS
    Số liệu công bố chỉ nêu mức thay đổi (−7 vụ)... từ 8 vụ trở xuống... 20 vụ còn 13 vụ, p = 0,30)...
    """
    from wardstudy.evaluate import poisson_change

    after = example_baseline + difference
    example = ""
    if after >= 0:
        p = poisson_change(after, example_baseline).p_value
        example = f" (ví dụ {example_baseline} vụ còn {fmt_number(after)} vụ, {fmt_p(p)})"
    if not np.isfinite(max_significant_baseline):
        return (f"Số liệu công bố chỉ nêu mức thay đổi ({fmt_number(difference)} vụ), không nêu số vụ của hai năm; "
                "với bất kỳ mức nền nào, kiểm định Poisson chính xác không cho p < 0,05: có thể chỉ do ngẫu nhiên.")
    return (f"Số liệu công bố chỉ nêu mức thay đổi ({fmt_number(difference)} vụ), không nêu số vụ của hai năm. "
            f"Theo kiểm định Poisson chính xác, mức thay đổi này chỉ khó là ngẫu nhiên (p < 0,05) nếu cùng kỳ "
            f"năm trước có từ {fmt_number(max_significant_baseline)} vụ trở xuống; với mức nền lớn hơn"
            f"{example}, nó có thể chỉ do ngẫu nhiên.")
