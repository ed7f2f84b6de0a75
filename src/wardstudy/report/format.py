"""One formatting family for every number a reader sees, in Vietnamese or English.

Counts, shares, ratios, changes, p-values and intervals go through these functions only,
so a figure prints the same on a ward's page, in its tables and on the index.

Vietnamese ("vi", the default): ``1.340``, ``95,5%``, ``p = 0,30``; English ("en"):
``1,340``, ``95.5%``, ``p = 0.30``. The minus sign is U+2212 in both. Missing is "—".

One style for each kind of figure, because a reader compares them across the page: every
percentage has one decimal ("100,0%", "20,0%"), every range is "low – high" (spaced en
dash), every date is dd/mm/yyyy and every month on an axis "T1/2022" ("Jan 2022").
"""

from __future__ import annotations

import calendar
import math

__all__ = ["MISSING", "RANGE", "is_missing", "fmt_number", "fmt_share", "fmt_p", "fmt_change", "fmt_ratio",
           "fmt_interval", "fmt_value", "fmt_fraction", "fmt_period", "fmt_date", "fmt_month", "fmt_cases",
           "fmt_percent_change", "fmt_rank"]

MISSING = "—"
RANGE = " – "  # the one range style: "0,28 – 1,37", "01/01/2023 – 31/12/2023"
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
    """A fraction 0-1 as a percentage with one decimal, whole or not ("100,0%" beside
    "98,6%": one style on the whole page).

    >>> fmt_share(1.0), fmt_share(0.2), fmt_share(21 / 22), fmt_share(None), fmt_share(21 / 22, lang="en")
    ('100,0%', '20,0%', '95,5%', '—', '95.5%')
    """
    if is_missing(value):
        return MISSING
    return fmt_number(100 * float(value), decimals, lang) + "%"


def fmt_percent_change(after, before, lang: str = "vi") -> str:
    """The change from `before` to `after` in percent, signed, one decimal: 19 -> 12 is "−36,8%".

    Police reports give every change against the same period as a percentage too; with no
    cases before there is no percentage ("—").

    >>> fmt_percent_change(12, 19), fmt_percent_change(5, 4, "en"), fmt_percent_change(3, 0)
    ('−36,8%', '+25.0%', '—')
    """
    if is_missing(after) or is_missing(before) or float(before) == 0:
        return MISSING
    change = (float(after) - float(before)) / float(before)
    return ("+" if change > 0 else "") + fmt_share(change, lang=lang)


def fmt_cases(value, lang: str = "vi") -> str:
    """A count of cases as police reports write it: two digits in Vietnamese ("07 vụ").

    >>> fmt_cases(7), fmt_cases(12), fmt_cases(7, "en"), fmt_cases(-7)
    ('07', '12', '7', '07')
    """
    if is_missing(value):
        return MISSING
    n = abs(int(round(float(value))))
    return f"{n:02d}" if lang == "vi" and n < 10 else fmt_number(n, 0, lang)


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


def fmt_p(p, min_p=None, lang: str = "vi", n_assignments=None) -> str:
    """A p-value for a reader: two decimals (two significant figures below 0.1), or "< 0,001".

    min_p: the smallest p the test can give (a randomisation test over J + 1 units gives
    no p below 1/(J + 1)). A p at that floor is written as the fraction, and rounding
    never shows a p below it. n_assignments: the J + 1 assignments of a randomisation
    test; its p is then k/(J + 1) and is written so, "p = 2/8 = 0,250": "=" only when the
    decimals are exact, else "≈" and the nearest three decimals ("p = 5/6 ≈ 0,833", never
    "= 0,834": the fraction is the exact value, the decimals only help reading it).

    >>> fmt_p(0.2962), fmt_p(0.0004), fmt_p(0.0312), fmt_p(0.0031), fmt_p(float("nan"))
    ('p = 0,30', 'p < 0,001', 'p = 0,031', 'p = 0,0031', 'p: —')
    >>> fmt_p(0.125, min_p=0.125), fmt_p(1 / 7 + 1 / 7, min_p=1 / 7, lang="en")
    ('p = 1/8 = 0,125', 'p = 0.29')
    >>> fmt_p(0.25, min_p=0.125, n_assignments=8), fmt_p(0.0496), fmt_p(0.0504)
    ('p = 2/8 = 0,250', 'p = 0,0496', 'p = 0,050')
    >>> fmt_p(5 / 6, n_assignments=6), fmt_p(2 / 6, n_assignments=6, lang="en"), fmt_p(1 / 9, min_p=1 / 9)
    ('p = 5/6 ≈ 0,833', 'p = 2/6 ≈ 0.333', 'p = 1/9 ≈ 0,111')
    """
    if is_missing(p):
        return "p: " + MISSING
    p = float(p)
    if n_assignments is not None and not is_missing(n_assignments) and int(n_assignments) > 0:
        n = int(n_assignments)
        k = max(1, round(p * n))
        return f"p = {k}/{n} {_fraction_decimals(k, n, lang)}"
    if min_p is not None and not is_missing(min_p) and p <= float(min_p) * (1 + 1e-9):
        return f"p = 1/{round(1 / float(min_p))} {_fraction_decimals(1, round(1 / float(min_p)), lang)}"
    if p < 0.001:
        return "p < " + _p_text(0.001, 3, lang)
    # Two significant figures below 0.1, so 0.031 is not rounded to 0.03 (or to "0,0").
    digits = 2 if p >= 0.1 else 1 - math.floor(math.log10(p))
    while min_p is not None and not is_missing(min_p) and round(p, digits) < float(min_p) and digits < 6:
        digits += 1  # never show a p below what the test can give
    while p < SIGNIFICANCE <= round(p, digits) and digits < 10:
        digits += 1  # 0.0496 reads "0,0496", not "0,050", beside a verdict of p < 0.05
    return "p = " + _p_text(p, digits, lang)


def _fraction_decimals(k: int, n: int, lang: str) -> str:
    """k/n in decimals after its sign: "= 0,125" when three or four decimals are exact (1/8), else
    "≈ 0,833" rounded to the nearest (5/6), with more decimals where three would put it on
    the other side of 0.05 (a fraction just below it never reads "≈ 0,050")."""
    value = k / n
    # Three decimals at least, so 2/8 reads "0,250" beside 1/8 = "0,125"; four when they
    # make it exact (1/16 = 0,0625, not a rounded 0,063 or 0,062).
    for digits in (3, 4):
        if abs(round(value, digits) - value) < 1e-12:
            return "= " + _p_text(round(value, digits), digits, lang)
    digits = 3
    while value < SIGNIFICANCE <= round(value, digits) and digits < 10:
        digits += 1
    return "≈ " + _p_text(value, digits, lang)


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
    ('21/22 (95,5%)', '−7', '100,0%')
    """
    if is_missing(value):
        return MISSING
    if kind == "criteria" and not is_missing(numerator):
        return f"{int(numerator)}/{int(denominator)} ({fmt_share(value, lang=lang)})"
    return _BY_KIND.get(kind, _BY_KIND["count"])(value, lang=lang)


def fmt_interval(kind: str, low, high, lang: str = "vi") -> str:
    """An interval "low – high" in the indicator's own format; "—" when there is none.

    >>> fmt_interval("share", 0.986, 1.0), fmt_interval("ratio", 0.297, 1.373, "en")
    ('98,6% – 100,0%', '0.30 – 1.37')
    """
    if is_missing(low) or is_missing(high):
        return MISSING
    kind = "share" if kind == "criteria" else kind
    return fmt_value(kind, low, lang=lang) + RANGE + fmt_value(kind, high, lang=lang)


def fmt_date(value, lang: str = "vi") -> str:
    """An ISO date ("2025-06-30") as dd/mm/yyyy, the one date style of the Vietnamese pages;
    in English the month in words ("30 June 2025"), since "01/07/2025" reads as 7 January there.

    >>> fmt_date("2025-06-30"), fmt_date(None), fmt_date("2025-07-01", "en")
    ('30/06/2025', '—', '1 July 2025')
    """
    if value is None or is_missing(value) or not str(value).strip():
        return MISSING
    y, m, d = str(value)[:10].split("-")
    if lang == "en":
        return f"{int(d)} {calendar.month_name[int(m)]} {int(y)}"
    return f"{int(d):02d}/{int(m):02d}/{int(y)}"


def fmt_month(year: int, month: int, lang: str = "vi") -> str:
    """A month as an axis tick: "T1/2022" (tháng 1), "Jan 2022".

    >>> fmt_month(2022, 1), fmt_month(2022, 12, "en")
    ('T1/2022', 'Dec 2022')
    """
    if lang == "en":
        return f"{calendar.month_abbr[int(month)]} {int(year)}"
    return f"T{int(month)}/{int(year)}"


def fmt_period(months_compared: str, year: int, lang: str = "vi") -> str:
    """Months of a year (as `data.months.month_range` writes them) as dates: dd/mm/yyyy in
    Vietnamese, the month in words in English (`fmt_date`).

    >>> fmt_period("1–10", 2023), fmt_period("1–10", 2023, "en")
    ('01/01/2023 – 31/10/2023', '1 January 2023 – 31 October 2023')
    >>> fmt_period("1–2, 5", 2024), fmt_period("", 2023)
    ('01/01/2024 – 29/02/2024; 01/05/2024 – 31/05/2024', '—')
    """
    if not months_compared:
        return MISSING
    parts = []
    for run in months_compared.split(", "):
        months = [int(m) for m in run.split("–")]
        first, last = months[0], months[-1]
        end = calendar.monthrange(int(year), last)[1]
        parts.append(fmt_date(f"{year}-{first:02d}-01", lang) + RANGE + fmt_date(f"{year}-{last:02d}-{end:02d}", lang))
    return "; ".join(parts)


def fmt_rank(rank, n_units, tied: bool = False, lang: str = "vi") -> str:
    """A rank among peers as a police report writes it, "xếp thứ 1/8": "thứ 1/8" under the
    column "Xếp hạng" (never a bare "1/8", which reads like the p-value 1/8).

    >>> fmt_rank(1, 8), fmt_rank(2, 8, tied=True), fmt_rank(3, 8, lang="en"), fmt_rank(1, 8, True, "en")
    ('thứ 1/8', 'thứ 2/8 (đồng hạng)', '3 of 8', '1 of 8 (tied)')
    """
    if is_missing(rank) or is_missing(n_units):
        return MISSING
    if lang == "en":
        return f"{int(rank)} of {int(n_units)}" + (" (tied)" if tied else "")
    return f"thứ {int(rank)}/{int(n_units)}" + (" (đồng hạng)" if tied else "")
