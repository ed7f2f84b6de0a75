"""Resolve the many spellings of a ward to its slug.

Researchers type ward names by hand, export them from Excel, or receive them from offices
that write "P. Đức Xuân", "Phường Đức Xuân", "phuong duc xuan", "Duc Xuan", a GSO code
("01840", or 1840 once Excel has dropped the leading zero) or the slug ("duc-xuan").
All of them mean the same unit. `WardResolver` maps every one of them to the slug and
refuses, with the closest candidates, a value it cannot place or that fits two units.

Rules:

* text is Unicode NFC first: a decomposed (NFD) spelling, as macOS file names and
  Windows-1258 files produce, compares equal to the composed one;
* for matching only, a name is *folded*: lower case, diacritics stripped (``đ`` -> ``d``
  by hand, because ``đ`` is a letter of its own and does not decompose under NFD),
  a leading unit type ("phường", "p.", "xã", "x.", "thị trấn", "tt.") dropped, hyphens,
  underscores, dots and repeated spaces turned into one space;
* codes match with or without leading zeros;
* a folded key shared by two units (two "Tân Phong" in different provinces) is
  ambiguous: it resolves to nothing and the error lists both;
* a code or name held by two units at different times (01840 and "Đức Xuân": the old ward
  until 30 June 2025, the merged ward from 1 July 2025) resolves by the record's month
  (or, for a year, its December: a year's assessment is of the unit at its end); without
  a date it is ambiguous.

>>> fold("P. Đức  Xuân")
'duc xuan'
>>> r = WardResolver.from_units(pd.DataFrame({"code": ["01840"], "name": ["Đức Xuân"],
...                                           "slug": ["duc-xuan"], "type": ["phường"]}))
>>> [r.resolve(v) for v in ["duc-xuan", "1840", "Phường Đức Xuân", "phuong duc xuan"]]
['duc-xuan', 'duc-xuan', 'duc-xuan', 'duc-xuan']
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

import pandas as pd

__all__ = ["nfc", "fold", "strip_diacritics", "UnknownWard", "WardResolver"]

# Unit-type prefixes as written in Vietnamese records, already folded (no diacritics).
# Longest first so that "thi tran" wins over "t".
_TYPE_PREFIXES = ("thi tran ", "tt ", "phuong ", "p ", "xa ", "x ", "dac khu ")
_SEPARATORS = re.compile(r"[\s\-_.,]+")


def nfc(text: str) -> str:
    """The NFC form of `text`, stripped of outer whitespace; the form every table is stored in.

    Parameters
    ----------
    text : str
        Any Unicode text.

    Returns
    -------
    str
        `text` composed (NFC) and stripped.

    Examples
    --------
    >>> nfc("Đu\\u0301c") == "Đúc"
    True
    """
    return unicodedata.normalize("NFC", text).strip()


def strip_diacritics(text: str) -> str:
    """`text` without Vietnamese diacritics: tone marks and vowel hats dropped, đ/Đ -> d/D.

    NFD splits "ứ" into "u" + horn + acute, so dropping combining marks leaves the base
    letter. "đ" (U+0111) has no decomposition, hence the explicit replacement.

    Parameters
    ----------
    text : str
        Vietnamese text.

    Returns
    -------
    str
        The same text in bare ASCII letters (other characters kept).

    Examples
    --------
    >>> strip_diacritics("Nguyễn Thị Minh Khai, Đức Xuân")
    'Nguyen Thi Minh Khai, Duc Xuan'
    """
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.replace("đ", "d").replace("Đ", "D")


def fold(text: str) -> str:
    """The matching key of a ward name: lower case, no diacritics, no unit type, single spaces.

    Idempotent: ``fold(fold(x)) == fold(x)``.

    Parameters
    ----------
    text : str
        A ward name in any spelling (a non-str value is taken as its text).

    Returns
    -------
    str
        The key two spellings of one name share.

    Examples
    --------
    >>> fold("Phường  Đức-Xuân"), fold("xã Dương Quang"), fold("TT. Chợ Mới")
    ('duc xuan', 'duong quang', 'cho moi')
    """
    key = _SEPARATORS.sub(" ", strip_diacritics(nfc(str(text))).lower()).strip()
    # Drop type words until none is left ("Phường P. Đức Xuân" happens), so that folding
    # twice changes nothing; a type word alone ("Xã") is kept as the name.
    stripped = True
    while stripped:
        stripped = False
        for prefix in _TYPE_PREFIXES:
            if key.startswith(prefix) and len(key) > len(prefix):
                key, stripped = key[len(prefix):], True
                break
    return key


class UnknownWard(ValueError):
    """A ward value matched no unit, or more than one; `candidates` are the closest slugs."""

    def __init__(self, value: str, candidates: list[str], ambiguous: bool = False,
                 periods: list[str] | None = None):
        self.value = value
        self.candidates = candidates
        self.ambiguous = ambiguous
        self.periods = periods or []  # "duc-xuan (to 2025-06)" for a code reused over time
        super().__init__(self.describe())

    def describe(self) -> str:
        """The rule half of a message: what is wrong and the nearest fix."""
        if self.ambiguous and self.periods:
            return (f"could be any of {', '.join(self.periods)} (use the slug, or give the month)")
        if self.ambiguous:
            return f"could be any of {', '.join(self.candidates)} (use the slug or the code)"
        closest = f"; closest: {', '.join(self.candidates)}" if self.candidates else ""
        return f"is not a known unit{closest}"


@dataclass
class WardResolver:
    """Map slugs, GSO codes and name spellings of the units to slugs.

    Build it from the units table (`from_units`); `resolve` one value or `resolve_series`
    a whole column (vectorised: each distinct spelling is looked up once).

    Examples
    --------
    >>> units = pd.DataFrame({"code": ["01840", "01843"], "name": ["Đức Xuân", "Sông Cầu"],
    ...                       "slug": ["duc-xuan", "song-cau"]})
    >>> resolver = WardResolver.from_units(units)
    >>> resolver.lookup("phuong duc xuan"), resolver.lookup("1840")
    ('duc-xuan', 'duc-xuan')
    """

    exact: dict[str, str] = field(default_factory=dict)     # slug / code -> slug
    folded: dict[str, str] = field(default_factory=dict)    # folded name -> slug
    ambiguous: dict[str, list[str]] = field(default_factory=dict)  # folded name -> slugs
    slugs: list[str] = field(default_factory=list)
    # code or folded name held by units at different times -> [(first month, last month, slug)]
    dated: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)

    @classmethod
    def from_units(cls, units: pd.DataFrame) -> "WardResolver":
        """Index the `code`, `name`, `slug` (and `type`, `valid_from`, `valid_to`) columns of a units table.

        Parameters
        ----------
        units : pandas.DataFrame
            The units table, one row per unit and validity period.

        Returns
        -------
        WardResolver
            A resolver of every code, name and slug of the units.
        """
        out = cls()
        codes: dict[str, set[str]] = {}
        seen: dict[str, set[str]] = {}
        period: dict[str, tuple[str, str]] = {}
        for row in units.to_dict("records"):  # one row per unit: thousands at most
            slug = str(row["slug"])
            out.slugs.append(slug)
            out.exact[slug] = slug
            period[slug] = (_month(row.get("valid_from"), "0000-00"), _month(row.get("valid_to"), "9999-99"))
            code = str(row["code"])
            for key in {code, code.lstrip("0") or "0"}:
                codes.setdefault(key, set()).add(slug)
            for spelling in {str(row["name"]), slug}:
                seen.setdefault(fold(spelling), set()).add(slug)
        for key, owners in codes.items():
            if len(owners) == 1:
                out.exact[key] = next(iter(owners))
            elif _disjoint(owners, period):
                out.dated[key] = sorted((*period[s], s) for s in owners)
        for key, owners in seen.items():
            if len(owners) == 1:
                out.folded[key] = next(iter(owners))
            elif _disjoint(owners, period):
                out.dated[key] = sorted((*period[s], s) for s in owners)
            else:
                out.ambiguous[key] = sorted(owners)
        return out

    def lookup(self, value, when=None) -> str:
        """The slug for `value`, or raise `UnknownWard` with the closest candidates.

        when: the record's month (``YYYY-MM``) or year, for a code or name that two units
        held at different times.

        Parameters
        ----------
        value : str or int
            A slug, a GSO code (leading zeros optional) or a name in any spelling.
        when : str or int, optional
            The record's month (``YYYY-MM``) or year.

        Returns
        -------
        str
            The unit's slug.

        Raises
        ------
        UnknownWard
            No unit matched, or more than one did.
        """
        text = nfc(str(value))
        if text in self.exact:
            return self.exact[text]
        digits = text.lstrip("0") if text.isdigit() else None
        if digits is not None and (digits or "0") in self.exact:
            return self.exact[digits or "0"]
        key = fold(text)
        if key in self.folded:
            return self.folded[key]
        for candidate in ([digits or "0"] if digits is not None else []) + [key]:
            if candidate in self.dated:
                return self._at(str(value), self.dated[candidate], when)
        if key in self.ambiguous:
            raise UnknownWard(str(value), self.ambiguous[key], ambiguous=True)
        raise UnknownWard(str(value), self.closest(text))

    resolve = lookup

    @staticmethod
    def _at(value: str, holders: list[tuple[str, str, str]], when) -> str:
        month = _month(when, "") if when is not None and not pd.isna(when) else ""
        if len(month) == 4:
            month += "-12"
        found = [slug for first, last, slug in holders if month and first <= month <= last]
        if len(found) == 1:
            return found[0]
        periods = [f"{slug} ({'to ' + last if last != '9999-99' else 'from ' + first})" for first, last, slug in holders]
        raise UnknownWard(value, [slug for *_, slug in holders], ambiguous=True, periods=periods)

    def closest(self, value: str, n: int = 3) -> list[str]:
        """Up to `n` slugs whose spelling is nearest to `value` (difflib ratio).

        Parameters
        ----------
        value : str
            A ward name in any spelling.
        n : int, optional
            The most slugs returned.

        Returns
        -------
        list of str
            Slugs with a ratio of at least 0.6 between folded spellings, nearest first.
        """
        key = fold(value)
        scores: dict[str, float] = {}
        for spelling, slug in [*self.folded.items(), *((s, s) for s in self.slugs)]:
            ratio = difflib.SequenceMatcher(None, key, fold(spelling)).ratio()
            scores[slug] = max(scores.get(slug, 0.0), ratio)
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        # 0.6: below it the "closest" shares only a few letters (Hàng Bạc and song-cau score 0.5).
        return [slug for slug, score in ranked[:n] if score >= 0.6]

    def resolve_series(self, values: pd.Series, when: pd.Series | None = None,
                       ) -> tuple[pd.Series, dict[str, UnknownWard]]:
        """Resolve a column: (slugs, with None where unresolved; the error per failed value).

        when: the rows' months or years, for codes and names held by two units at different
        times (see `lookup`). Each distinct value (with a date where it matters) is resolved
        once, so a column of 480,000 rows and 10,000 wards costs 10,000 look-ups, not 480,000.

        Parameters
        ----------
        values : pandas.Series
            Ward values, as `lookup` takes them.
        when : pandas.Series, optional
            The rows' months or years, on the same index.

        Returns
        -------
        tuple of (pandas.Series, dict of str to UnknownWard)
            The slugs (missing where unresolved), and the error of each value not resolved.
        """
        mapping: dict[str, str | None] = {}
        errors: dict[str, UnknownWard] = {}
        dated = []
        for value in pd.unique(values.dropna()):
            try:
                mapping[value] = self.lookup(value)
            except UnknownWard as err:
                mapping[value] = None
                if err.periods and when is not None:
                    dated.append(value)
                else:
                    errors[value] = err
        out = values.map(mapping).astype(object)
        if dated:
            rows = values.isin(dated)
            pairs = pd.DataFrame({"value": values[rows], "when": when[rows].astype("string")})
            for (value, moment), index in pairs.groupby(["value", "when"], dropna=False).groups.items():
                try:
                    out[index] = self.lookup(value, moment)
                except UnknownWard as err:
                    errors.setdefault(value, err)
        return out, errors


def _month(day, default: str) -> str:
    """``YYYY-MM`` of a date, month or year text; `default` when blank."""
    if day is None or (not isinstance(day, str) and pd.isna(day)) or not str(day).strip():
        return default
    text = str(day).strip()
    return text[:7] if len(text) >= 7 else text[:4]


def _disjoint(slugs: set[str], period: dict[str, tuple[str, str]]) -> bool:
    """Do the units' validity periods (first, last month) not overlap, so a date can tell them apart?"""
    spans = sorted(period[s] for s in slugs)
    return all(a[1] < b[0] for a, b in zip(spans, spans[1:]))
