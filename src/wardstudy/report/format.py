"""One formatting family for every number a reader sees, in Vietnamese or English.

Counts, shares, ratios, changes, p-values and intervals go through these functions only,
so a figure prints the same on a ward's page, in its tables and on the index.

Vietnamese ("vi", the default): ``1.340``, ``95,5%``, ``p = 0,30``; English ("en"):
``1,340``, ``95.5%``, ``p = 0.30``. The minus sign is U+2212 in both. Missing is "—".
"""

from __future__ import annotations

import math

__all__ = ["MISSING", "is_missing", "fmt_number", "fmt_share", "fmt_p", "fmt_change", "fmt_ratio",
           "fmt_interval", "fmt_value", "fmt_fraction", "fmt_period"]

MISSING = "—"
# The threshold the verdicts use (`report.wording.ALPHA`): a p below it never reads as it.
SIGNIFICANCE = 0.05


def is_missing(value) -> bool:
    """True for None and NaN (the values shown as "—")."""
    try:
        return value is None or math.isnan(float(value))
    except (TypeError, ValueError):
        return False


def fmt_number(value, decimals: int = 0, lang: str = "vi") -> str:
    """A number with the language's separators; "—" for missing, "∞" for infinity.

    >>> fmt_number(1340), fmt_number(-7), fmt_number(0.6316, 2), fmt_number(float("nan"))
    ('1.340', '−7', '0,63', '—')
    >>> fmt_number(1340.5, 1, lang="en")
    '1,340.5'
    """
    if is_missing(value):
        return MISSING
    value = float(value)
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    text = f"{abs(value):,.{decimals}f}"
    if lang == "vi":
        text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
    return ("−" if value < 0 and text.strip("0,.") else "") + text


def fmt_share(value, decimals: int = 1, lang: str = "vi") -> str:
    """A fraction 0-1 as a percentage; whole percentages lose the decimals.

    >>> fmt_share(1.0), fmt_share(0.2), fmt_share(21 / 22), fmt_share(None), fmt_share(21 / 22, lang="en")
    ('100%', '20%', '95,5%', '—', '95.5%')
    """
    if is_missing(value):
        return MISSING
    percent = 100 * float(value)
    if abs(percent - round(percent)) < 1e-9:
        return f"{round(percent):d}%"
    return fmt_number(percent, decimals, lang) + "%"


def fmt_change(value, lang: str = "vi") -> str:
    """A change in cases, signed: "+3", "−7", "0".

    >>> fmt_change(-7.0), fmt_change(3), fmt_change(0)
    ('−7', '+3', '0')
    """
    if is_missing(value):
        return MISSING
    return ("+" if float(value) > 0 else "") + fmt_number(value, 0, lang)


def fmt_ratio(value, lang: str = "vi") -> str:
    """A rate ratio, two decimals.

    >>> fmt_ratio(0.65), fmt_ratio(0.65, lang="en")
    ('0,65', '0.65')
    """
    return fmt_number(value, 2, lang)


def _p_text(p: float, digits: int, lang: str) -> str:
    text = f"{p:.{digits}f}"
    return text.replace(".", ",") if lang == "vi" else text


def fmt_p(p, min_p=None, lang: str = "vi") -> str:
    """A p-value for a reader: two decimals (two significant figures below 0.1), or "< 0,001".

    min_p: the smallest p the test can give (a randomisation test over J + 1 units gives
    no p below 1/(J + 1)). A p at that floor is written as the fraction, and rounding
    never shows a p below it.

    >>> fmt_p(0.2962), fmt_p(0.0004), fmt_p(0.0312), fmt_p(0.0031), fmt_p(float("nan"))
    ('p = 0,30', 'p < 0,001', 'p = 0,031', 'p = 0,0031', 'p: —')
    >>> fmt_p(0.125, min_p=0.125), fmt_p(1 / 7 + 1 / 7, min_p=1 / 7, lang="en")
    ('p = 1/8 = 0,125', 'p = 0.29')
    >>> fmt_p(0.0496), fmt_p(0.0504)
    ('p = 0,0496', 'p = 0,050')
    """
    if is_missing(p):
        return "p: " + MISSING
    p = float(p)
    if min_p is not None and not is_missing(min_p) and p <= float(min_p) * (1 + 1e-9):
        return f"p = 1/{round(1 / float(min_p))} = {_floor_p_text(float(min_p), lang)}"
    if p < 0.001:
        return "p < " + _p_text(0.001, 3, lang)
    # Two significant figures below 0.1, so 0.031 is not rounded to 0.03 (or to "0,0").
    digits = 2 if p >= 0.1 else 1 - math.floor(math.log10(p))
    while min_p is not None and not is_missing(min_p) and round(p, digits) < float(min_p) and digits < 6:
        digits += 1  # never show a p below what the test can give
    while p < SIGNIFICANCE <= round(p, digits) and digits < 10:
        digits += 1  # 0.0496 reads "0,0496", not "0,050", beside a verdict of p < 0.05
    return "p = " + _p_text(p, digits, lang)


def _floor_p_text(min_p: float, lang: str) -> str:
    """The smallest attainable p in decimals: exact when it has at most 3 (1/8 = 0,125),
    else rounded *up* at 3 (1/9 = 0,112), so it never reads below the true floor."""
    for digits in (2, 3):
        if abs(round(min_p, digits) - min_p) < 1e-12:
            return _p_text(round(min_p, digits), digits, lang)
    return _p_text(math.ceil(min_p * 1000) / 1000, 3, lang)


def fmt_fraction(numerator, denominator, lang: str = "vi") -> str:
    """"numerator / denominator" with separators; "—" when missing.

    >>> fmt_fraction(1340, 1500)
    '1.340 / 1.500'
    """
    if is_missing(numerator):
        return MISSING
    return f"{fmt_number(numerator, 0, lang)} / {fmt_number(denominator, 0, lang)}"


_BY_KIND = {
    "share": fmt_share,
    "criteria": fmt_share,
    "ratio": fmt_ratio,
    "change": fmt_change,
    "count": lambda value, lang="vi": fmt_number(value, 0, lang),
}


def fmt_value(kind: str, value, numerator=None, denominator=None, lang: str = "vi") -> str:
    """One indicator value as a reader sees it, by the registry's kind.

    >>> fmt_value("criteria", 21 / 22, 21, 22), fmt_value("change", -7.0), fmt_value("share", 1.0)
    ('21/22 (95,5%)', '−7', '100%')
    """
    if is_missing(value):
        return MISSING
    if kind == "criteria" and not is_missing(numerator):
        return f"{int(numerator)}/{int(denominator)} ({fmt_share(value, lang=lang)})"
    return _BY_KIND.get(kind, _BY_KIND["count"])(value, lang=lang)


def fmt_interval(kind: str, low, high, lang: str = "vi") -> str:
    """An interval "low – high" in the indicator's own format; "—" when there is none.

    >>> fmt_interval("share", 0.986, 1.0), fmt_interval("ratio", 0.297, 1.373, "en")
    ('98,6% – 100%', '0.30 – 1.37')
    """
    if is_missing(low) or is_missing(high):
        return MISSING
    kind = "share" if kind == "criteria" else kind
    return f"{fmt_value(kind, low, lang=lang)} – {fmt_value(kind, high, lang=lang)}"


def fmt_period(months_compared: str, year: int) -> str:
    """Months of a year (as `data.months.month_range` writes them) as dates: "01–10/2023".

    >>> fmt_period("1–10", 2023), fmt_period("1–2, 5", 2023), fmt_period("", 2023)
    ('01–10/2023', '01–02, 05/2023', '—')
    """
    if not months_compared:
        return MISSING
    parts = []
    for run in months_compared.split(", "):
        parts.append("–".join(f"{int(m):02d}" for m in run.split("–")))
    return ", ".join(parts) + f"/{year}"
