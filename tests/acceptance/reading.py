"""Reading a page as its reader does, and the checks of the acceptance suite (tested in
test_checks.py)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path


# ------------------------------------------------------------------------------------------ reading pages

@dataclass
class Page:
    """What a reader sees of a page: its text, its sections (h2 heading -> text under it),
    its tables (rows of cell texts), its links, and the <html lang>."""

    name: str
    lang: str = ""
    text: str = ""
    sections: dict[str, str] = field(default_factory=dict)
    tables: list[list[list[str]]] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    summary: str = ""


class _Reader(HTMLParser):
    SKIP = ("style", "script", "code", "template")
    VOID = ("br", "img", "meta", "link", "input", "hr", "source", "col", "wbr")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.lang = ""
        self.chunks: list[tuple[str | None, str]] = []   # (section heading or None, text)
        self.heading: str | None = None
        self.heading_parts: list[str] | None = None
        self.tables: list[list[list[str]]] = []
        self.cell: list[str] | None = None
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang", "")
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag in self.VOID:
            return
        self.stack.append(tag)
        if tag == "h2":
            self.heading_parts = []
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if tag == "h2" and self.heading_parts is not None:
            self.heading = " ".join("".join(self.heading_parts).split()).rstrip("¶").strip()
            self.heading_parts = None
        if tag in ("td", "th") and self.cell is not None and self.tables and self.tables[-1]:
            self.tables[-1][-1].append(" ".join("".join(self.cell).split()))
            self.cell = None
        if tag in ("p", "li", "div", "td", "th", "h1", "h2", "h3", "tr", "caption", "figcaption"):
            self.chunks.append((self.heading, " "))
        while self.stack and self.stack.pop() != tag:
            pass

    def handle_data(self, data):
        if any(t in self.SKIP for t in self.stack):
            return
        if self.heading_parts is not None:
            self.heading_parts.append(data)
            return
        if self.cell is not None:
            self.cell.append(data)
        self.chunks.append((self.heading, data))


def read_page(path: Path) -> Page:
    reader = _Reader()
    reader.feed(path.read_text(encoding="utf-8"))
    sections: dict[str, list[str]] = {}
    before: list[str] = []
    for heading, data in reader.chunks:
        (sections.setdefault(heading, []) if heading else before).append(data)
    squash = lambda parts: " ".join(html.unescape("".join(parts)).split())  # noqa: E731
    text = squash(data for _, data in reader.chunks)
    return Page(path.name, reader.lang, text, {h: squash(parts) for h, parts in sections.items()},
                reader.tables, reader.links, squash(before))


NUMBERED = re.compile(r"^(\d+)\. ")


def numbered_sections(page: Page) -> dict[int, tuple[str, str]]:
    """Number -> (heading, text) of the page's numbered h2 sections."""
    return {int(m.group(1)): (h, t) for h, t in page.sections.items() if (m := NUMBERED.match(h))}


# ------------------------------------------------------------------------------------------ checks on text

# "p = 5/6 ≈ 0,833", "p = 1/8 = 0,125" (vi), "p = 5/6 ≈ 0.833" (en)
RANDOMISATION_P = re.compile(r"p\s*=\s*(\d+)\s*/\s*(\d+)\s*([≈=])\s*(\d+(?:[.,]\d+)?)")


def decimal(figure: str, lang: str) -> float:
    """ "0,833" (vi) or "0.833" (en) as a number; "1.234" is a thousand in vi."""
    if lang == "vi":
        figure = figure.replace(".", "").replace(",", ".")
    else:
        figure = figure.replace(",", "")
    return float(figure)


def wrong_randomisation_p(text: str, lang: str) -> list[str]:
    """Every "p = k/n ≈ x" whose x is not k/n rounded to its decimals, and every "p = k/n = x"
    whose x is not exactly k/n."""
    from fractions import Fraction

    wrong = []
    for m in RANDOMISATION_P.finditer(text):
        k, n, sign, shown = int(m.group(1)), int(m.group(2)), m.group(3), m.group(4)
        sep = "," if lang == "vi" else "."
        places = len(shown.split(sep)[1]) if sep in shown else 0
        exact = Fraction(k, n)
        value = Fraction(shown.replace(".", "").replace(",", ".") if lang == "vi" else shown.replace(",", ""))
        if sign == "=":
            ok = value == exact
        else:
            ok = value != exact and abs(value - exact) <= Fraction(1, 2 * 10 ** places)
        if not ok or n == 0:
            wrong.append(m.group(0))
    return wrong


# Words no reader should meet: a missing value printed by Python/pandas, or an id of the code.
LEAKED = re.compile(r"\b(nan|NaN|None|inf|-inf|NaT|null|undefined)\b|\b[a-z]+_[a-z_]+\b|Traceback|"
                    r"\bwardstudy: ")


def leaked_words(text: str, slugs: set[str]) -> list[str]:
    """Python's missing values, snake_case ids (social_order) and unit slugs (duc-xuan-2025) in `text`."""
    found = [m.group(0) for m in LEAKED.finditer(text)]
    found += [m.group(0) for m in re.finditer(r"(?<![\w/.-])[a-z0-9]+(?:-[a-z0-9]+)+(?![\w/-])", text)
              if m.group(0) in slugs or re.fullmatch(r"[a-z]+(-[a-z]+)*-\d{4}", m.group(0))]
    return found


# Letters only Vietnamese uses (tone marks, ă â đ ê ô ơ ư).
VI_LETTER = re.compile(r"[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]", re.IGNORECASE)
QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|«[^»]*»")


def vietnamese_runs(text: str, names: list[str], run: int = 4) -> list[str]:
    """Runs of `run` or more words in a row that carry Vietnamese letters, once the proper
    names `names` (longest first) and quoted titles are taken out: a Vietnamese sentence
    left in English prose. Punctuation does not break a run; a name does."""
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " | ")
    text = QUOTED.sub(" | ", text)
    found, current = [], []
    for word in re.findall(r"[^\s|]+|\|", text):
        if word != "|" and VI_LETTER.search(word):
            current.append(word)
            continue
        if len(current) >= run:
            found.append(" ".join(current))
        current = []
    if len(current) >= run:
        found.append(" ".join(current))
    return found
