"""The indicator registry: the one place that knows everything about an indicator.

For each id of the export contract: the tables it reads, the function that computes it,
its kind (how it is shown and ranked), its unit and labels in Vietnamese and English,
whether lower is better, its target and where that target comes from, and whether it
is a headline (shown on the index) or ranked among peers. Labels, tables, targets,
rankings and the index are generated from here.

Targets. Only the criteria target comes from the article's direction (every criterion,
every year); the article reports 100% for tips and procedures as results Đức Xuân
achieved, not as targets, so using 100% as every ward's bar is this project's own
assumption, as is "fewer social-order crimes than the same period".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pandas as pd

from wardstudy.data.contract import INDICATOR_IDS
from wardstudy.indicators import compute

__all__ = ["ARTICLE", "Target", "Indicator", "REGISTRY", "HEADLINE_IDS", "RANKED_IDS", "TARGET_IDS",
           "COMPARATIVE_IDS", "LOWER_IS_BETTER", "all_indicators"]

ARTICLE = "Báo Bắc Kạn 29/01/2024"
ARTICLE_EN = "Báo Bắc Kạn, 29 January 2024"  # an English reader takes 01/02 for 1 February
PROJECT = "project"  # a target that is this project's assumption


@dataclass(frozen=True)
class Target:
    """A bar an indicator is judged against: ``value comparison target``.

    value: for shares a fraction; for "all criteria" 1.0 (of the register, whatever its
    length). basis: "article" (the source says so) or "project" (our assumption).
    """

    value: float
    comparison: str  # ">=" or "<"
    text_vi: str
    text_en: str
    basis: str
    basis_vi: str
    basis_en: str

    def met(self, value: float) -> bool | None:
        """True/False, or None when there is no value to judge.

        Parameters
        ----------
        value : float
            The indicator's value (a fraction for shares); None or NaN when there is none.

        Returns
        -------
        bool or None
            Whether the value reaches the bar, or None for no value.

        Examples
        --------
        >>> Target(1.0, ">=", "", "", "project", "", "").met(0.9999999999)
        True
        """
        if value is None or pd.isna(value):
            return None
        # Shares come from integer counts, so a 1e-9 tolerance only absorbs float rounding.
        if self.comparison == ">=":
            return bool(value >= self.value - 1e-9)
        return bool(value < self.value)


@dataclass(frozen=True)
class Indicator:
    """One indicator of the contract and everything the reports need to know about it.

    kind: "criteria" (met/total), "share" (fraction 0-1), "count" (cases or items),
    "change" (difference in cases against the same period), "ratio" (rate ratio).
    comparative: computed against a baseline year (changes with the report's baseline).
    """

    id: str
    tables: tuple[str, ...]
    function: Callable[..., pd.DataFrame]
    kind: str
    unit_vi: str
    unit_en: str
    label_vi: str
    label_en: str
    lower_is_better: bool = False
    headline: bool = False
    ranked: bool = False
    comparative: bool = False
    target: Target | None = None

    def label(self, lang: str = "vi") -> str:
        return self.label_vi if lang == "vi" else self.label_en

    def unit(self, lang: str = "vi") -> str:
        return self.unit_vi if lang == "vi" else self.unit_en


_ASSUMED_100 = Target(1.0, ">=", "100,0%", "100.0%", PROJECT,
                      f"Mức tham chiếu của dự án (mức Đức Xuân đạt năm 2023 theo {ARTICLE})",
                      f"Reference level set by the project (the level Đức Xuân reached in 2023, per {ARTICLE_EN})")

_SPECS = [
    Indicator("criteria_met_share", ("criteria_assessments", "criteria"), compute.criteria_met_share, "criteria",
              "tiêu chí", "criteria", "Số tiêu chí đạt", "Criteria met", headline=True, ranked=True,
              target=Target(1.0, ">=", "đạt {n}/{n} tiêu chí mỗi năm", "{n}/{n} criteria every year", "article",
                            f"Chỉ đạo của Chủ tịch UBND tỉnh Bắc Kạn ({ARTICLE}) đối với phường được chọn "
                            "xây dựng mô hình; với đơn vị khác là mức tham chiếu của dự án",
                            f"Direction of the Chairman of Bắc Kạn's People's Committee ({ARTICLE_EN}) for the "
                            "ward chosen to build the model; for other units a reference level set by the project")),
    Indicator("social_order_crimes", ("crimes",), compute.social_order_crimes, "count", "vụ", "cases",
              "Tội phạm về trật tự xã hội (vụ)", "Social-order crimes (cases)", lower_is_better=True, ranked=True),
    Indicator("social_order_crime_change", ("crimes",), compute.social_order_crime_change, "change", "vụ", "cases",
              "Tội phạm về trật tự xã hội: tăng (+), giảm (−) so với cùng kỳ (vụ)",
              "Social-order crimes: change from the same period a year earlier (cases)", lower_is_better=True,
              headline=True, ranked=True, comparative=True,
              target=Target(0.0, "<", "giảm so với cùng kỳ", "fewer than the same period", PROJECT,
                            "Mức tham chiếu của dự án (các tỉnh báo cáo mức giảm so với cùng kỳ)",
                            "Reference level set by the project (provinces report falls from the same period a "
                            "year earlier)")),
    Indicator("social_order_crime_rate_ratio", ("crimes",), compute.social_order_crime_rate_ratio, "ratio",
              "lần", "times", "Tội phạm về trật tự xã hội: số vụ so với cùng kỳ (lần)",
              "Social-order crimes: times the same period", lower_is_better=True,
              comparative=True),
    Indicator("tips_handled_share", ("tips",), compute.tips_handled_share, "share", "%", "%",
              "Tỷ lệ giải quyết tố giác, tin báo về tội phạm và kiến nghị khởi tố",
              "Crime reports, tips and recommendations for prosecution resolved", headline=True, ranked=True,
              target=_ASSUMED_100),
    Indicator("procedures_online_share", ("procedures",), compute.procedures_online_share, "share", "%", "%",
              "Tỷ lệ hồ sơ thủ tục hành chính tiếp nhận qua dịch vụ công trực tuyến",
              "Procedure files received through the online public-service portal", headline=True, ranked=True,
              target=_ASSUMED_100),
    Indicator("procedures_on_time_share", ("procedures",), compute.procedures_on_time_share, "share", "%", "%",
              "Tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng hạn",
              "Procedure files resolved on time", headline=True, ranked=True,
              target=_ASSUMED_100),
    Indicator("procedures_early_share", ("procedures",), compute.procedures_early_share, "share", "%", "%",
              "Tỷ lệ hồ sơ thủ tục hành chính giải quyết trước hạn",
              "Procedure files resolved early"),
    Indicator("fire_safety_groups", ("fire_safety",), compute.fire_safety_groups, "count", "tổ", "groups",
              "Tổ liên gia an toàn phòng cháy, chữa cháy (tổ)",
              "Fire-safety inter-household groups (groups)"),
    Indicator("public_firefighting_points", ("fire_safety",), compute.public_firefighting_points, "count", "điểm",
              "points", "Điểm chữa cháy công cộng (điểm)", "Public firefighting points (points)"),
    Indicator("chip_id_coverage", ("project06",), compute.chip_id_coverage, "share", "%", "%",
              "Tỷ lệ công dân đủ điều kiện đã được cấp thẻ căn cước (Căn cước công dân gắn chip)",
              "Eligible residents issued a chip-based ID card", ranked=True),
    Indicator("vneid_level2_share", ("project06",), compute.vneid_level2_share, "share", "%", "%",
              "Tỷ lệ kích hoạt tài khoản định danh điện tử mức độ 2",
              "Level-2 electronic identification accounts activated", ranked=True),
    Indicator("community_models_active", ("community_models",), compute.community_models_active, "count",
              "mô hình", "models", "Mô hình tự quản về an ninh, trật tự (mô hình)",
              "Self-managed security and order models (models)"),
    Indicator("high_tech_crimes", ("crimes",), compute.high_tech_crimes, "count", "vụ", "cases",
              "Tội phạm sử dụng công nghệ cao (vụ)", "High-tech crimes (cases)", lower_is_better=True),
    # Standard lines of every police report (issue 15); not on the pages or ranked until a page shows them.
    Indicator("crimes_solved_share", ("crimes",), compute.crimes_solved_share, "share", "%", "%",
              "Tỷ lệ điều tra, khám phá án về trật tự xã hội",
              "Social-order cases solved (investigated and cleared)"),
    Indicator("fires", ("fire_safety",), compute.fires, "count", "vụ", "fires",
              "Số vụ cháy (vụ)", "Fires (incidents)", lower_is_better=True),
]
REGISTRY: dict[str, Indicator] = {spec.id: spec for spec in _SPECS}
# The registry is the contract, no more and no less, in the contract's order.
assert list(REGISTRY) == INDICATOR_IDS, "the registry must list the export contract's ids in order"

HEADLINE_IDS = [i for i, spec in REGISTRY.items() if spec.headline]
RANKED_IDS = [i for i, spec in REGISTRY.items() if spec.ranked]
TARGET_IDS = [i for i, spec in REGISTRY.items() if spec.target is not None]
COMPARATIVE_IDS = [i for i, spec in REGISTRY.items() if spec.comparative]
LOWER_IS_BETTER = {i for i, spec in REGISTRY.items() if spec.lower_is_better}


def _ordered(frame: pd.DataFrame) -> pd.DataFrame:
    order = {name: i for i, name in enumerate(INDICATOR_IDS)}
    return frame.sort_values(["ward", "year", "indicator"], kind="stable",
                             key=lambda s: s.map(order) if s.name == "indicator" else s).reset_index(drop=True)


def all_indicators(data, skip: tuple[str, ...] = ()) -> pd.DataFrame:
    """Every indicator for every ward and year, in the contract's columns.

    data: a `StudyData` or a dict of its tables by name. Rows are ordered by ward, year,
    then the contract's order of ids.

    Parameters
    ----------
    data : StudyData or dict of str to pandas.DataFrame
        The study's tables.
    skip : tuple of str, optional
        Indicator ids not computed.

    Returns
    -------
    pandas.DataFrame
        The contract's columns (``ward, year, indicator, value, numerator, denominator, ci_low,
        ci_high``), one row per ward, year and indicator.

    Examples
    --------
    >>> from wardstudy.data import load
    >>> rows = all_indicators(load())                     # doctest: +SKIP
    >>> rows["indicator"].unique().tolist()[:2]           # doctest: +SKIP
    ['criteria_met_share', 'social_order_crimes']
    """
    tables = data if isinstance(data, dict) else data.tables()
    parts = [spec.function(*(tables[t] for t in spec.tables)) for spec in REGISTRY.values() if spec.id not in skip]
    return _ordered(pd.concat(parts, ignore_index=True))
