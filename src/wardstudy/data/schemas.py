"""The schema of every input table, checked with pandera, and the problems it reports.

Each table is declared once (`TABLES`): its columns with a *kind* (count, share, month,
ward, ...), its unique key and the numerator <= denominator pairs it must respect.
`validate_table` turns a raw table (every cell text, as read from CSV or Excel, indexed
by the row number in the file) into a typed one, in three vectorised passes:

1. format (pandera, on the text): is this cell a whole number, a month ``YYYY-MM``, a
   5-digit code? Is a required cell empty? Does the text look like mojibake?
2. wards: the ``ward`` column is resolved to slugs (`wardstudy.names`), each distinct
   spelling once;
3. values (pandera, on the typed table): ranges, allowed categories, months within the
   study period, numerator <= denominator, one row per key.

Every broken rule becomes a `Problem` naming file, row, column, value and rule; all
problems of all tables are collected before anything is refused (pandera ``lazy=True``).

>>> raw = pd.DataFrame({"ward": ["duc-xuan"], "month": ["2023-01"], "received": ["3"],
...                     "handled": ["5"]}, index=[2])
>>> _, problems = validate_table("tips", raw, "tips.csv", Context())
>>> print(problems[0])
tips.csv, row 2, column "handled": 5 is more than column "received" (3) (handled must be <= received: only received reports can be handled)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from wardstudy.data.names import WardResolver
from wardstudy.data.schemes import SCHEMES

__all__ = ["PERIOD_START", "PERIOD_END", "CRIME_CATEGORIES", "Col", "Table", "TABLES", "Problem", "NO_VALUE",
           "Context", "validate_table", "problems_table", "rules_markdown"]

# The study period: the criteria set was issued in July 2021 and the synthetic panel starts in
# January 2021. The old units end on 30 June 2025 (Nghị quyết 1683); their successors' records
# start in July 2025, under the new units' own rows of units.csv (`crosscheck.within_validity`).
PERIOD_START = "2021-01"
PERIOD_END = "2025-12"
CRIME_CATEGORIES = ("social_order", "high_tech", "drugs", "economic", "environment")
UNIT_TYPES = ("phường", "xã", "thị trấn", "đặc khu")
REGISTER_STATUSES = ("registered", "chosen", "pilot", "built", "recognised")
MAX_MESSAGES_PER_RULE = 20  # per file, column and rule; the rest is summarised in one line

# Text that UTF-8 shows when it was decoded as Windows-1252/1258 somewhere upstream
# ("Äức" for "Đức", "á»" for "ứ"), or the replacement character of a failed decode.
MOJIBAKE = re.compile("Ã[\u0080-\u00bf]|Ä[\u0080-\u00bf]|á»|áº|Æ°|Æ¡|\ufffd")
# A whole number, also as a program writes it ("3.0", "3.00"); never "3.000" or "3,000": in
# Vietnamese the dot groups thousands ("3.000" is three thousand), in English it is a decimal point,
# so a dotted or spaced count is refused rather than read as one or the other.
# ASCII digits only: Python's \d also matches "４" (full width), which no number parser reads.
_WHOLE = r"[+-]?[0-9]+(\.0{1,2})?"
_NUMBER = r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?"
_TRUE = {"true", "1", "yes", "1.0"}
_FALSE = {"false", "0", "no", "0.0"}


@dataclass(frozen=True)
class Col:
    """One column: its kind, whether it must be present and filled, and its bounds."""

    kind: str
    doc: str = ""
    unit: str = ""
    required: bool = True       # the column must exist
    nullable: bool = False      # cells may be empty
    allowed: tuple = ()         # allowed values (categories)
    low: float | int | None = None
    high: float | int | None = None
    dtype: str | None = None    # final dtype when it differs from the kind's (met: 0/1 int64)


@dataclass(frozen=True)
class Table:
    """One input table: columns, the key that must be unique, numerator <= denominator pairs."""

    name: str
    doc: str
    columns: dict[str, Col]
    key: tuple[str, ...]
    ratios: tuple[tuple[str, str, str], ...] = ()  # (numerator, denominator, why)
    share_of: str | None = None  # published: `value` is a share in [0, 1] when this column names a share
    one_of: tuple[str, ...] = ()  # published: a row names its unit in at least one of these columns


# Formats checked on the text (pass 1): kind -> (regex the whole cell must match, rule).
FORMATS = {
    "count": (_WHOLE, "is not a whole number (counts are whole numbers such as 12, typed without a thousands "
               "separator: 3000, not 3.000 or 3,000)"),
    "year": (r"[0-9]{4}(\.0*)?", "is not a year (write it as YYYY, e.g. 2023)"),
    "share": (_NUMBER, "is not a number (shares are fractions 0-1, e.g. 0.95 for 95%)"),
    "number": (_NUMBER, "is not a number"),
    "month": (r"[0-9]{4}-(0[1-9]|1[0-2])", "is not a month (write it as YYYY-MM, e.g. 2023-01)"),
    "code": (r"\d{5}", "is not a 5-digit GSO code (keep the leading zero: 01840)"),
    "slug": (r"[a-z0-9]+(-[a-z0-9]+)*", "is not a slug (lower-case ASCII words joined by hyphens)"),
    "date": (r"\d{4}-\d{2}-\d{2}", "is not a date (write it as YYYY-MM-DD)"),
    "flag": (None, "is not true/false (write true, false, 1 or 0)"),
    "slug_upper": (r"[A-Za-z0-9][A-Za-z0-9_.-]*", "is not an identifier (letters, digits, - _ .)"),
}
NUMERIC_KINDS = {"count", "year", "share", "number"}

RECORD = "illustrative synthetic row (true) or an observation (false/absent)"


def _record_table(name: str, doc: str, counts: dict[str, str], ratios=(), key=("ward", "month"),
                  extra: dict[str, Col] | None = None, optional: dict[str, Col] | None = None) -> Table:
    columns = {
        "ward": Col("ward", "the unit: slug, GSO code or name in any spelling; stored as the slug"),
        "month": Col("month", f"calendar month, {PERIOD_START} to {PERIOD_END}", "YYYY-MM"),
        **(extra or {}),
        **{column: Col("count", text, unit, low=0) for column, (text, unit) in counts.items()},
        **(optional or {}),
        "synthetic": Col("flag", RECORD, required=False, nullable=True),
    }
    return Table(name, doc, columns, key, tuple(ratios))


TABLES: dict[str, Table] = {
    "units": Table(
        "units", "Commune-level units (GSO list of 2025-03-01) with their 2025 successors, and the "
        "successors themselves (from 2025-07-01; a GSO code may be reused by a new unit).",
        {
            "code": Col("code", "GSO code, 5 digits"),
            "name": Col("text", "name with diacritics, without the type (Đức Xuân)"),
            "slug": Col("slug", "ASCII identifier used everywhere else (duc-xuan)"),
            "type": Col("category", "unit type", allowed=UNIT_TYPES),
            "valid_from": Col("date", "first day of validity (blank: before the data)", required=False,
                              nullable=True),
            "valid_to": Col("date", "last day of validity (2025-06-30 for the merged units)", nullable=True),
            "successor_code": Col("code", "GSO code of the unit from 2025-07-01", nullable=True),
            "population_2019": Col("count", "2019 census population", "residents", required=False,
                                   nullable=True, low=0),
            "area_km2": Col("number", "area", "km²", required=False, nullable=True, low=0),
        },
        # GSO codes were reused on 1 July 2025 (01840: the old ward, then the new one): a unit is a
        # code and the day it began; `crosscheck.reused_codes` refuses overlapping validity.
        key=("code", "valid_from"),
    ),
    "programme": Table(
        "programme", "Which ward entered the programme in which year (cohort).",
        {"ward": Col("ward", "the unit"), "cohort_year": Col("year", "year the ward started", low=2021, high=2030)},
        key=("ward",),
    ),
    "criteria": Table(
        "criteria", "The criteria register: each scheme's criteria (ids; official wording supplied by users).",
        {"scheme": Col("category", "criteria scheme (blank: qd5764-22, the 22-criterion set)", required=False,
                       nullable=True, allowed=tuple(SCHEMES)),
         "criterion_id": Col("slug_upper", "criterion id within its scheme, C01-C22 or C01-C20")},
        key=("scheme", "criterion_id"),
    ),
    "published": Table(
        "published", "Figures as published, each with its source.",
        {
            "ward": Col("ward", "the unit, when it is one of units.csv (else blank and `code`)", nullable=True),
            "code": Col("code", "GSO code when `ward` is blank (national unit list); stored as `ward` too when "
                        "units.csv has it", required=False, nullable=True),
            "year": Col("year", "year the figure refers to", low=2021, high=2025),
            "indicator": Col("category", "indicator id of the export contract"),
            "value": Col("number", "value as published; shares as fractions 0-1"),
            "numerator": Col("number", "numerator when published", required=False, nullable=True, low=0),
            "denominator": Col("number", "denominator when published", required=False, nullable=True, low=0),
            "source": Col("text", "publisher"),
        },
        key=("ward", "code", "year", "indicator"),
        ratios=(("numerator", "denominator", "a share's part cannot exceed its whole"),),
        share_of="indicator",
        one_of=("ward", "code"),
    ),
    "crimes": _record_table(
        "crimes", "Crimes recorded per ward, month and category.",
        {"count": ("cases recorded in the month", "cases")},
        extra={"category": Col("category", "crime category", allowed=CRIME_CATEGORIES)},
        key=("ward", "month", "category"),
        # solved: of the month's cases, those solved (điều tra, khám phá) by the time of reporting,
        # so a part of `count`; optional, for tables written before it existed, and blank for the
        # wards (months) that do not report it: some wards' workbooks give it, others do not.
        ratios=[("solved", "count", "solved cases are among the cases recorded")],
        optional={"solved": Col("count", "of the month's cases, solved (điều tra, khám phá); blank: not reported",
                                "cases", required=False, nullable=True, low=0)},
    ),
    "tips": _record_table(
        "tips", "Crime reports and tips (tin báo, tố giác tội phạm) received and handled.",
        {"received": ("received in the month", "reports"), "handled": ("handled as regulated", "reports")},
        ratios=[("handled", "received", "only received reports can be handled")],
    ),
    "procedures": _record_table(
        "procedures", "Administrative procedures of the ward police.",
        {"total": ("procedures received", "procedures"), "online": ("done on the public-service portal", "procedures"),
         "resolved": ("resolved in the month", "procedures"), "on_time": ("resolved on time", "procedures"),
         "early": ("resolved ahead of time", "procedures")},
        # resolved <= total is NOT a rule: a month can resolve files received the month before.
        ratios=[("online", "total", "online procedures are part of all procedures"),
                ("on_time", "resolved", "on-time procedures are part of the resolved ones"),
                ("early", "on_time", "a procedure resolved early is also on time")],
    ),
    "project06": _record_table(
        "project06", "Project 06 (Đề án 06): eligible residents, chip IDs, level-2 VNeID accounts (stocks).",
        {"eligible_residents": ("residents eligible for an ID card", "residents"),
         "chip_ids_issued": ("chip-based ID cards issued", "residents"),
         "vneid_level2_accounts": ("level-2 VNeID accounts", "residents")},
        # A level-2 VNeID account is activated with a chip-based ID card (Nghị định 59/2022),
        # so a ward cannot have more level-2 accounts than chip IDs.
        ratios=[("chip_ids_issued", "eligible_residents", "ID cards are issued to eligible residents"),
                ("vneid_level2_accounts", "chip_ids_issued", "a level-2 VNeID account needs a chip-based ID")],
    ),
    "fire_safety": _record_table(
        "fire_safety", "Fire-safety inter-household groups and public firefighting points (stocks).",
        {"fire_safety_groups": ("groups in place", "groups"),
         "public_firefighting_points": ("points in place", "points")},
        optional={"fires": Col("count", "fires (vụ cháy) in the month; blank: not reported", "fires",
                               required=False, nullable=True, low=0)},
    ),
    "community_models": _record_table(
        "community_models", "Community security models active (stock).",
        {"models_active": ("models active", "models")},
    ),
    "criteria_assessments": Table(
        "criteria_assessments", "Whether a ward met each criterion in a year.",
        {
            "ward": Col("ward", "the unit"),
            "year": Col("year", "assessment year", low=int(PERIOD_START[:4]), high=int(PERIOD_END[:4])),
            "scheme": Col("category", "criteria scheme (blank or absent: qd5764-22)", required=False,
                          nullable=True, allowed=tuple(SCHEMES)),
            "criterion_id": Col("criterion", "a criterion_id of the criteria register"),
            "met": Col("flag", "criterion met (1/true) or not (0/false)", dtype="int64"),
            "synthetic": Col("flag", RECORD, required=False, nullable=True),
        },
        key=("ward", "year", "criterion_id"),
    ),
    # Not a table of a study's data folder: the national register (`wardstudy.data.register`).
    "programme_register": Table(
        "programme_register", "Programme wards named by public sources, one row per source statement "
        "(national; read by `wardstudy.data.register`).",
        {
            "ward_name": Col("text", "the ward as the source names it, with its type (Phường Điện Biên)"),
            "district": Col("text", "its district as the source names it"),
            "province": Col("text", "its province as the source names it"),
            "code": Col("code", "GSO code matched in the national unit list (blank: see match_note)",
                        nullable=True),
            "cohort_year": Col("year", "year the ward entered, as the source gives it (blank: not stated)",
                               nullable=True, low=2021, high=2030),
            "status": Col("category", "what the source reports", allowed=REGISTER_STATUSES),
            "figure": Col("text", "the figure as printed (e.g. 19/20 tiêu chí)", nullable=True),
            "published_date": Col("date", "date of the source", nullable=True),
            "url": Col("text", "the source page"),
            "quote": Col("text", "a short quote of the source"),
            "match_note": Col("text", "why no unique GSO code was matched (blank when matched)", nullable=True),
        },
        key=("ward_name", "district", "province", "status", "url"),
    ),
}


@dataclass
class Context:
    """What a table is checked against: the units (for wards) and the criteria register."""

    resolver: WardResolver | None = None
    criterion_ids: tuple[str, ...] | None = None
    indicator_ids: tuple[str, ...] | None = None
    criteria: pd.DataFrame | None = None  # the typed register, for the schemes of the assessments
    criteria_shown: str = "criteria.csv"


@dataclass(frozen=True)
class Problem:
    """One broken rule: where (file, row, column), what (value) and which rule."""

    file: str
    row: int | None
    column: str | None
    value: object
    rule: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f'column "{self.column}"')
        what = self.rule if self.value is NO_VALUE else f"{_show(self.value)} {self.rule}"
        return f"{', '.join(where)}: {what}"


NO_VALUE = object()


def _show(value) -> str:
    """A cell value as a user would recognise it: numbers bare, text quoted, blanks named."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "empty cell"
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value)).lower()
    if isinstance(value, (int, float, np.integer, np.floating)):
        number = float(value)
        return str(int(number)) if number.is_integer() else f"{number:g}"
    text = str(value)
    if re.fullmatch(_NUMBER, text):
        return text
    return '"' + text.replace('"', '\\"') + '"'


# ---------------------------------------------------------------------------------------------
# Pass 1: formats, on the text


def _format_check(kind: str, column: str) -> pa.Check | None:
    if kind == "flag":
        words = _TRUE | _FALSE
        return pa.Check(lambda s: s.str.lower().isin(words), error=FORMATS[kind][1], ignore_na=True)
    if kind in FORMATS:
        pattern, rule = FORMATS[kind]
        return pa.Check(lambda s: s.str.fullmatch(pattern).fillna(False).astype(bool), error=rule,
                        ignore_na=True)
    return None


def _mojibake_check() -> pa.Check:
    rule = ("looks garbled (mojibake: text decoded with the wrong encoding somewhere upstream; "
            "re-export the file as UTF-8)")
    return pa.Check(lambda s: ~s.str.contains(MOJIBAKE).fillna(False).astype(bool), error=rule, ignore_na=True)


def format_schema(table: Table, present: list[str]) -> pa.DataFrameSchema:
    """The pass-1 pandera schema: cells are text; checks formats, blanks and garbled text."""
    columns = {}
    for name in present:
        spec = table.columns.get(name)
        checks = [_mojibake_check()]
        if spec is not None:
            check = _format_check(spec.kind, name)
            if check is not None:
                checks.append(check)
        columns[name] = pa.Column(object, nullable=True if spec is None else spec.nullable,
                                  checks=checks, required=False)
    return pa.DataFrameSchema(columns, strict=False)


# ---------------------------------------------------------------------------------------------
# Pass 3: values, on the typed table


def _range_rule(spec: Col) -> str:
    if spec.kind == "count":
        return "is negative (counts must be >= 0)"
    if spec.kind == "share":
        return "is outside [0, 1] (shares are fractions 0-1, e.g. 0.95 for 95%)"
    if spec.kind == "year":
        return f"is outside the years allowed ({spec.low}-{spec.high})"
    if spec.high is None:
        return f"is below the minimum ({spec.low})"
    return f"is outside the range allowed ({spec.low}-{spec.high})"


def present_key(table: Table, present: list[str]) -> list[str]:
    """The columns of the table's key that are present; empty when a required one is missing.

    Optional key columns (``scheme`` of the criteria register, ``code`` of the published
    table) count only when the table has them.
    """
    if not all(k in present for k in table.key if table.columns[k].required):
        return []
    return [k for k in table.key if k in present]


def value_schema(table: Table, present: list[str], context: Context) -> pa.DataFrameSchema:
    """The pass-3 pandera schema: ranges, categories, period, ratios and the unique key."""
    columns = {}
    for name in present:
        spec = table.columns.get(name)
        if spec is None:
            continue
        checks = []
        low = 0 if spec.kind == "share" and spec.low is None else spec.low
        high = 1 if spec.kind == "share" and spec.high is None else spec.high
        if low is not None or high is not None:
            lo = -np.inf if low is None else low
            hi = np.inf if high is None else high
            checks.append(pa.Check(lambda s, lo=lo, hi=hi: s.between(lo, hi), error=_range_rule(spec)))
        if spec.kind == "month":
            checks.append(pa.Check(lambda s: s.between(PERIOD_START, PERIOD_END),
                                   error=f"is outside the study period ({PERIOD_START} to {PERIOD_END})"))
        allowed = spec.allowed
        if name == "indicator" and context.indicator_ids:
            allowed = context.indicator_ids
        if spec.kind == "criterion" and context.criterion_ids is not None:
            allowed = context.criterion_ids
        if allowed:
            shown = ", ".join(allowed) if len(allowed) <= 25 else ", ".join(allowed[:25]) + ", ..."
            what = "criterion" if spec.kind == "criterion" else "value"
            checks.append(pa.Check.isin(list(allowed), error=f"is not an allowed {what} (allowed: {shown})"))
        if checks:
            columns[name] = pa.Column(nullable=True, checks=checks, required=False)
    frame_checks = []
    for numerator, denominator, _why in table.ratios:
        if numerator in present and denominator in present:
            # A negative whole is already reported as negative; comparing a part with it would
            # report the same bad cell twice.
            frame_checks.append(pa.Check(
                lambda d, n=numerator, m=denominator: ~(d[n] > d[m]) | (d[m] < 0),
                name=f"ratio:{numerator}:{denominator}", error=f"ratio:{numerator}:{denominator}"))
    if table.share_of and table.share_of in present and "value" in present:
        # Indicator ids ending in _share or _coverage are fractions 0-1 (the export contract).
        frame_checks.append(pa.Check(
            lambda d: ~(d[table.share_of].astype(str).str.contains(r"(?:_share|_coverage)$")
                        & ~d["value"].between(0, 1) & d["value"].notna()),
            name="share", error="share"))
    if table.one_of and any(c in present for c in table.one_of):
        # A published figure names its unit by slug (a unit of units.csv) or GSO code (any other).
        named = [c for c in table.one_of if c in present]
        frame_checks.append(pa.Check(lambda d: d[named].notna().any(axis=1), name="one_of", error="one_of"))
    keys = present_key(table, present)
    if keys:
        frame_checks.append(pa.Check(lambda d: ~d.duplicated(keys, keep="first"),
                                     name="unique", error="unique"))
    return pa.DataFrameSchema(columns, checks=frame_checks, strict=False)


# ---------------------------------------------------------------------------------------------
# The three passes together


def _to_number(text: pd.Series) -> pd.Series:
    return pd.to_numeric(text, errors="coerce").astype(float)


def _to_flag(text: pd.Series) -> pd.Series:
    lower = text.str.lower()
    out = pd.Series(None, index=text.index, dtype=object)
    out[lower.isin(_TRUE).fillna(False).astype(bool)] = True
    out[lower.isin(_FALSE).fillna(False).astype(bool)] = False
    return out


def _failures(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> pd.DataFrame:
    try:
        schema.validate(frame, lazy=True)
    except SchemaErrors as err:
        cases = err.failure_cases
        return cases[cases["index"].notna()] if "index" in cases else cases
    return pd.DataFrame(columns=["column", "check", "failure_case", "index"])


def validate_table(name: str, raw: pd.DataFrame, file: str, context: Context) -> tuple[pd.DataFrame, list[Problem]]:
    """Check one raw table; return it typed (index = rows in the file) and its problems.

    raw: every cell text or None, indexed by the row number in the file (header = 1).
    The typed table has wards as slugs, counts as integers (floats if a cell was bad),
    shares and numbers as floats, flags as booleans, months and codes as text.
    """
    table = TABLES[name]
    problems: list[Problem] = []
    required = [c for c, spec in table.columns.items() if spec.required]
    for column in required:
        if column not in raw.columns:
            problems.append(Problem(file, None, column, NO_VALUE,
                                    f"is missing (table {name} needs {', '.join(required)})"))
    present = [c for c in raw.columns if isinstance(c, str)]

    # Pass 1: formats.
    fails = _failures(format_schema(table, present), raw)
    for row in fails.itertuples(index=False):
        rule = "empty cell (a value is required)" if row.check == "not_nullable" else row.check
        value = NO_VALUE if row.check == "not_nullable" else row.failure_case
        problems.append(Problem(file, int(row.index), row.column, value, rule))
    bad_cells = {(row.column, int(row.index)) for row in fails.itertuples(index=False)}

    # Convert, leaving cells that failed pass 1 empty so pass 3 does not report them twice.
    typed = raw.copy()
    for column in present:
        spec = table.columns.get(column)
        if spec is None:
            continue
        bad = [i for c, i in bad_cells if c == column]
        text = typed[column].where(~typed.index.isin(bad), None) if bad else typed[column]
        if spec.kind in NUMERIC_KINDS:
            typed[column] = _to_number(text)
        elif spec.kind == "flag":
            typed[column] = _to_flag(text)
        else:
            typed[column] = text

    # Pass 2: wards.
    if "ward" in present and table.columns["ward"].kind == "ward" and context.resolver is not None:
        # A code or name reused on 1 July 2025 names the unit of the row's month (or year).
        when = typed["month"] if "month" in present else typed["year"] if "year" in present else None
        slugs, errors = context.resolver.resolve_series(typed["ward"], when)
        failed = slugs.isna() & typed["ward"].notna()
        for index, value in typed.loc[failed, "ward"].items():
            problems.append(Problem(file, int(index), "ward", value, errors[value].describe()))
        typed["ward"] = slugs
        if "code" in table.one_of and "code" in present:
            # A figure named by GSO code belongs to a unit of this study when units.csv has the code
            # (a national data folder): give it the unit's slug, so it meets its records.
            by_code = typed["ward"].isna() & typed["code"].notna()
            found, _ = context.resolver.resolve_series(typed.loc[by_code, "code"].astype(str),
                                                       None if when is None else when[by_code])
            typed.loc[by_code, "ward"] = found.where(found.notna(), None)

    # Pass 3: values.
    fails = _failures(value_schema(table, present, context), typed)
    seen_frame_rows: set[tuple[str, int]] = set()
    first_row = None
    for row in fails.itertuples(index=False):
        index = int(row.index)
        if str(row.check).startswith("ratio:"):
            _, numerator, denominator = row.check.split(":")
            if row.column != numerator or (row.check, index) in seen_frame_rows:
                continue
            seen_frame_rows.add((row.check, index))
            why = next(w for n, d, w in table.ratios if n == numerator and d == denominator)
            other = _show(typed.at[index, denominator])
            problems.append(Problem(file, index, numerator, typed.at[index, numerator],
                                    f'is more than column "{denominator}" ({other}) '
                                    f"({numerator} must be <= {denominator}: {why})"))
        elif row.check == "share":
            if row.column != "value" or ("share", index) in seen_frame_rows:
                continue
            seen_frame_rows.add(("share", index))
            problems.append(Problem(file, index, "value", typed.at[index, "value"],
                                    f'is outside [0, 1] (indicator "{typed.at[index, table.share_of]}" is a '
                                    "share: write fractions 0-1, e.g. 0.95 for 95%)"))
        elif row.check == "one_of":
            if ("one_of", index) in seen_frame_rows:  # reported once per row, whichever column pandera names
                continue
            if any(c in raw.columns and pd.notna(raw.at[index, c]) for c in table.one_of):
                continue  # a unit was written but not found: its own problem says so
            seen_frame_rows.add(("one_of", index))
            problems.append(Problem(file, index, " or ".join(table.one_of), NO_VALUE,
                                    "empty cells (name the unit: a unit of units.csv in "
                                    f'"{table.one_of[0]}", or its GSO code in "{table.one_of[1]}")'))
        elif row.check == "unique":
            keys = present_key(table, present)
            if ("unique", index) in seen_frame_rows:  # once per row, whichever column pandera names
                continue
            seen_frame_rows.add(("unique", index))
            if first_row is None:  # the row each duplicate repeats, for all rows at once
                keyed = typed[keys].astype(str).assign(_row=typed.index)
                first_row = keyed.groupby(keys, dropna=False)["_row"].transform("first")
            key_value = [typed.at[index, k] for k in keys]
            first = int(first_row.at[index])
            problems.append(Problem(file, index, " + ".join(keys), NO_VALUE,
                                    f"{', '.join(_show(v) for v in key_value)} repeats row {first} "
                                    f"(one row per {' + '.join(keys)})"))
        else:
            problems.append(Problem(file, index, row.column, row.failure_case, row.check))

    # Final types: whole-number columns as int64 when complete (the indicators sum them).
    for column in present:
        spec = table.columns.get(column)
        if spec is not None and spec.kind in {"count", "year"} and typed[column].notna().all():
            typed[column] = typed[column].astype("int64")
        if spec is not None and spec.kind == "flag" and typed[column].notna().all():
            typed[column] = typed[column].astype(bool).astype(spec.dtype or bool)
    return typed, _capped(problems)


def _capped(problems: list[Problem]) -> list[Problem]:
    """At most `MAX_MESSAGES_PER_RULE` rows per file, column and rule, then one summary line.

    A column typed in the wrong unit breaks every row; 480,000 identical lines help nobody.
    """
    problems = sorted(problems, key=lambda p: (p.file, -1 if p.row is None else p.row, str(p.column)))
    counts: dict[tuple, int] = {}
    kept: list[Problem] = []
    for problem in problems:
        group = (problem.file, problem.column, _rule_group(problem.rule))
        counts[group] = counts.get(group, 0) + 1
        if counts[group] <= MAX_MESSAGES_PER_RULE:
            kept.append(problem)
    for (file, column, rule), n in counts.items():
        if n > MAX_MESSAGES_PER_RULE:
            kept.append(Problem(file, None, column, NO_VALUE,
                                f"... and {n - MAX_MESSAGES_PER_RULE} more rows that {rule}"))
    return kept


def _rule_group(rule: str) -> str:
    # Ratio and duplicate messages carry row-specific values; group them by their rule part.
    return re.sub(r"\(\S+\) ", "", re.sub(r"repeats row \d+", "repeat a row", rule))



def problems_table(problems: list[Problem]) -> str:
    """Problems as a plain-text table (file, row, column, problem), one line each.

    >>> print(problems_table([Problem("crimes.csv", 14, "count", -5, "is negative (counts must be >= 0)")]))
    file        row  column  problem
    crimes.csv   14  count   -5 is negative (counts must be >= 0)
    """
    rows = [("file", "row", "column", "problem")]
    for p in problems:
        what = p.rule if p.value is NO_VALUE else f"{_show(p.value)} {p.rule}"
        rows.append((p.file, "" if p.row is None else str(p.row), p.column or "", what))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    return "\n".join(f"{r[0]:<{widths[0]}}  {r[1]:>{widths[1]}}  {r[2]:<{widths[2]}}  {r[3]}".rstrip()
                     for r in rows)


def rules_markdown() -> str:
    """The rules of every table as Markdown (the "Rules checked" section of data/README.md)."""
    kinds = {
        "count": "whole number >= 0", "share": "number in [0, 1]", "number": "number",
        "year": "whole year YYYY", "month": f"YYYY-MM, {PERIOD_START} to {PERIOD_END}",
        "code": "5-digit GSO code", "slug": "lower-case ASCII slug", "date": "YYYY-MM-DD",
        "flag": "true/false/1/0", "ward": "known unit (slug, code or name; stored as slug)",
        "category": "one of the allowed values", "criterion": "an id of the criteria register",
        "text": "text", "slug_upper": "identifier",
    }
    lines = []
    for table in TABLES.values():
        lines += [f"### Table `{table.name}`", "", table.doc, "",
                  "| column | type and rule | unit | required | meaning |", "|---|---|---|---|---|"]
        for name, spec in table.columns.items():
            rule = kinds[spec.kind]
            if spec.allowed:
                rule += ": " + ", ".join(spec.allowed)
            if spec.kind == "year" and spec.low is not None:
                rule += f", {spec.low}-{spec.high}"
            need = ("yes" if not spec.nullable else "column yes, cells may be blank") if spec.required else "no"
            lines.append(f"| `{name}` | {rule} | {spec.unit} | {need} | {spec.doc} |")
        lines += ["", f"Unique key: {' + '.join(table.key)}."]
        for numerator, denominator, why in table.ratios:
            lines.append(f"`{numerator}` <= `{denominator}` ({why}).")
        if table.share_of:
            lines.append(f"`value` in [0, 1] where `{table.share_of}` ends in `_share` or `_coverage`.")
        if table.one_of:
            lines.append(f"Each row fills `{'` or `'.join(table.one_of)}`.")
        lines.append("")
    return "\n".join(lines)

