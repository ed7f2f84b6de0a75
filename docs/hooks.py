"""mkdocs hook: the data dictionary page written from `wardstudy.study.TABLES` at every build.

docs/data-dictionary.md holds the marker ``<!-- data-dictionary -->``; this hook replaces it
with one section per table of the study build (what it holds and its own columns) and the
columns many tables share, so the page cannot drift from the dictionary `Study.describe` uses.
"""

from __future__ import annotations

MARKER = "<!-- data-dictionary -->"


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|") or " "


def dictionary_markdown() -> str:
    from wardstudy.study import _SHARED, MONTHLY_TABLES, TABLES

    out = ["| table | what it holds |", "|---|---|"]
    out += [f"| [`{name}`](#{name}) | {_cell(meaning)} |" for name, (meaning, _) in TABLES.items()]
    for name, (meaning, columns) in TABLES.items():
        out += ["", f"## `{name}` {{#{name}}}", "", meaning[0].upper() + meaning[1:] + "."]
        if name in MONTHLY_TABLES:
            out += ["", f"`study.monthly(\"{name}\")` adds `date` (the first day of the month) and `year`."]
        if columns:
            out += ["", "| column | meaning | unit |", "|---|---|---|"]
            out += [f"| `{c}` | {_cell(m)} | {_cell(u)} |" for c, (m, u) in columns.items()]
        else:
            out += ["", "Its columns are all among the shared columns below."]
    out += ["", "## Columns many tables share {#shared}", "", "| column | meaning | unit |", "|---|---|---|"]
    out += [f"| `{c}` | {_cell(m)} | {_cell(u)} |" for c, (m, u) in _SHARED.items()]
    return "\n".join(out) + "\n"


def on_page_markdown(markdown: str, page, config, files) -> str:
    if MARKER in markdown:
        return markdown.replace(MARKER, dictionary_markdown())
    return markdown
