"""Griffe extension for the API reference: doctest blocks (``>>>`` lines and their output) in a
docstring are shown as fenced ``pycon`` code, wherever they stand in it.

The package's docstrings carry their examples as doctests (``pytest --doctest-modules`` runs them);
outside a numpy "Examples" section Markdown would read them as text, and an output such as
``['duc-xuan', ...]`` as a link. Only how the docstring is rendered changes, never the source.
"""

from __future__ import annotations

import re

import griffe

_PROMPT = re.compile(r"^(\s*)>>>( |$)")


def fence_doctests(text: str) -> str:
    out, lines, i, fenced = [], text.splitlines(), 0, False
    while i < len(lines):
        line = lines[i]
        if line.lstrip().startswith("```"):
            fenced = not fenced
        found = None if fenced else _PROMPT.match(line)
        if not found:
            out.append(line)
            i += 1
            continue
        indent = found.group(1)
        block = []
        while i < len(lines) and lines[i].strip():  # a doctest block ends at a blank line
            block.append(lines[i][len(indent):] if lines[i].startswith(indent) else lines[i].lstrip())
            i += 1
        if out and out[-1].strip():
            out.append("")
        out += [f"{indent}```pycon", *(indent + b for b in block), f"{indent}```"]
    return "\n".join(out)


class FenceDoctests(griffe.Extension):
    def on_object(self, *, obj, **kwargs) -> None:
        if obj.docstring is not None and ">>>" in obj.docstring.value:
            obj.docstring.value = fence_doctests(obj.docstring.value)
