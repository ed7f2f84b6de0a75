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
  ambiguous: it resolves to nothing and the error lists both.

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

    >>> nfc("Đu\\u0301c") == "Đúc"
    True
    """
    return unicodedata.normalize("NFC", text).strip()


def strip_diacritics(text: str) -> str:
    """`text` without Vietnamese diacritics: tone marks and vowel hats dropped, đ/Đ -> d/D.

    NFD splits "ứ" into "u" + horn + acute, so dropping combining marks leaves the base
    letter. "đ" (U+0111) has no decomposition, hence the explicit replacement.

    >>> strip_diacritics("Nguyễn Thị Minh Khai, Đức Xuân")
    'Nguyen Thi Minh Khai, Duc Xuan'
    """
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.replace("đ", "d").replace("Đ", "D")


def fold(text: str) -> str:
    """The matching key of a ward name: lower case, no diacritics, no unit type, single spaces.

    Idempotent: ``fold(fold(x)) == fold(x)``.

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

    def __init__(self, value: str, candidates: list[str], ambiguous: bool = False):
        self.value = value
        self.candidates = candidates
        self.ambiguous = ambiguous
        super().__init__(self.describe())

    def describe(self) -> str:
        """The rule half of a message: what is wrong and the nearest fix."""
        if self.ambiguous:
            return f"could be any of {', '.join(self.candidates)} (use the slug or the code)"
        closest = f"; closest: {', '.join(self.candidates)}" if self.candidates else ""
        return f"is not a known unit{closest}"


@dataclass
class WardResolver:
    """Map slugs, GSO codes and name spellings of the units to slugs.

    Build it from the units table (`from_units`); `resolve` one value or `resolve_series`
    a whole column (vectorised: each distinct spelling is looked up once).
    """

    exact: dict[str, str] = field(default_factory=dict)     # slug / code -> slug
    folded: dict[str, str] = field(default_factory=dict)    # folded name -> slug
    ambiguous: dict[str, list[str]] = field(default_factory=dict)  # folded name -> slugs
    slugs: list[str] = field(default_factory=list)

    @classmethod
    def from_units(cls, units: pd.DataFrame) -> "WardResolver":
        """Index the `code`, `name`, `slug` (and `type`) columns of a units table."""
        out = cls()
        seen: dict[str, set[str]] = {}
        for row in units.itertuples(index=False):  # one row per unit: thousands at most
            slug = str(row.slug)
            out.slugs.append(slug)
            out.exact[slug] = slug
            code = str(row.code)
            out.exact[code] = slug
            out.exact[code.lstrip("0") or "0"] = slug
            for spelling in {str(row.name), slug}:
                seen.setdefault(fold(spelling), set()).add(slug)
        for key, owners in seen.items():
            if len(owners) == 1:
                out.folded[key] = next(iter(owners))
            else:
                out.ambiguous[key] = sorted(owners)
        return out

    def lookup(self, value) -> str:
        """The slug for `value`, or raise `UnknownWard` with the closest candidates."""
        text = nfc(str(value))
        if text in self.exact:
            return self.exact[text]
        digits = text.lstrip("0") if text.isdigit() else None
        if digits is not None and (digits or "0") in self.exact:
            return self.exact[digits or "0"]
        key = fold(text)
        if key in self.folded:
            return self.folded[key]
        if key in self.ambiguous:
            raise UnknownWard(str(value), self.ambiguous[key], ambiguous=True)
        raise UnknownWard(str(value), self.closest(text))

    resolve = lookup

    def closest(self, value: str, n: int = 3) -> list[str]:
        """Up to `n` slugs whose spelling is nearest to `value` (difflib ratio)."""
        key = fold(value)
        scores: dict[str, float] = {}
        for spelling, slug in [*self.folded.items(), *((s, s) for s in self.slugs)]:
            ratio = difflib.SequenceMatcher(None, key, fold(spelling)).ratio()
            scores[slug] = max(scores.get(slug, 0.0), ratio)
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        return [slug for slug, score in ranked[:n] if score >= 0.5]

    def resolve_series(self, values: pd.Series) -> tuple[pd.Series, dict[str, UnknownWard]]:
        """Resolve a column: (slugs, with None where unresolved; the error per failed value).

        Each distinct value is resolved once, so a column of 480,000 rows and 10,000 wards
        costs 10,000 look-ups, not 480,000.
        """
        mapping: dict[str, str | None] = {}
        errors: dict[str, UnknownWard] = {}
        for value in pd.unique(values.dropna()):
            try:
                mapping[value] = self.lookup(value)
            except UnknownWard as err:
                mapping[value] = None
                errors[value] = err
        return values.map(mapping).astype(object), errors
