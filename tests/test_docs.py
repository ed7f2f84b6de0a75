"""The docs site (mkdocs.yml, docs/): it builds with --strict, its API reference names the entry
point, its data dictionary is the one `wardstudy.study` holds, and doctests render as code."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _docs_module(name: str):
    spec = importlib.util.spec_from_file_location(f"docs_{name}", ROOT / "docs" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_site_builds_strict_and_names_open_study(tmp_path):
    mkdocs = Path(sys.executable).with_name("mkdocs")
    done = subprocess.run([str(mkdocs), "build", "--strict", "--site-dir", str(tmp_path / "site")],
                          cwd=ROOT, capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
                          timeout=600)
    assert done.returncode == 0, done.stderr[-4000:]
    api = (tmp_path / "site" / "reference" / "study" / "index.html").read_text(encoding="utf-8")
    assert "open_study" in api and "Study" in api
    dictionary = (tmp_path / "site" / "data-dictionary" / "index.html").read_text(encoding="utf-8")
    assert "eligible_residents" in dictionary and "<!-- data-dictionary -->" not in dictionary
    for tutorial in ("01_your_own_data", "02_one_ward_by_hand", "03_pooled_effect", "04_one_province"):
        assert (tmp_path / "site" / "tutorials" / tutorial / "index.html").is_file()


def test_data_dictionary_page_lists_every_table_and_column():
    from wardstudy.study import _SHARED, TABLES

    text = _docs_module("hooks").dictionary_markdown()
    for table, (meaning, columns) in TABLES.items():
        assert f"## `{table}`" in text
        for column in columns:
            assert f"| `{column}` |" in text
    for column in _SHARED:
        assert f"| `{column}` |" in text


def test_doctests_are_fenced_once_and_fences_left_alone():
    fence = _docs_module("griffe_doctests").fence_doctests
    text = "Intro.\n>>> f([1])\n['a', 'b']\n\nAfter.\n\n```python\n>>> kept\n```"
    assert fence(text) == ("Intro.\n\n```pycon\n>>> f([1])\n['a', 'b']\n```\n\nAfter.\n\n```python\n>>> kept\n```")
    assert fence("  >>> x = 1\n  ...   # more\n") == "  ```pycon\n  >>> x = 1\n  ...   # more\n  ```"
