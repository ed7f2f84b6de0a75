"""One catalogue per language: every key in both, with the same placeholders."""

import string

import pytest

from wardstudy.indicators.registry import REGISTRY
from wardstudy.report import overview, wording
from wardstudy.report.tables import PER_1000_LABELS


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


CATALOGUES = {
    "CATALOGUE": wording.CATALOGUE,
    "METHOD_NAMES": wording.METHOD_NAMES,
    "INFERENCE": wording.INFERENCE,
    "ESTIMATE_UNITS": wording.ESTIMATE_UNITS,
    "PER_1000_LABELS": PER_1000_LABELS,
    "overview.CATALOGUE": overview.CATALOGUE,  # the programme overview's words (issue 22)
}


def missing_keys(catalogues: dict) -> list[str]:
    """Keys some language has and another lacks, as "lang: key"."""
    every = set().union(*(set(c) for c in catalogues.values()))
    return sorted(f"{lang}: {key}" for lang, c in catalogues.items() for key in every - set(c))


def placeholder_mismatches(catalogues: dict) -> list[str]:
    """Keys whose placeholders differ between languages (a page would fail in one of them)."""
    vi, en = catalogues["vi"], catalogues["en"]
    return sorted(k for k in set(vi) & set(en) if _fields(vi[k]) != _fields(en[k]))


@pytest.mark.parametrize("name", sorted(CATALOGUES))
def test_every_key_is_in_both_languages_with_the_same_placeholders(name):
    catalogues = CATALOGUES[name]
    assert set(catalogues) == set(wording.LANGS)
    assert missing_keys(catalogues) == []
    assert placeholder_mismatches(catalogues) == []
    assert all(value.strip() for c in catalogues.values() for value in c.values())


def test_the_checks_fail_on_a_key_missing_in_one_language_or_a_placeholder_renamed():
    assert missing_keys({"vi": {"a": "x", "b": "y"}, "en": {"a": "x"}}) == ["en: b"]
    assert placeholder_mismatches({"vi": {"a": "{n} vụ"}, "en": {"a": "{count} cases"}}) == ["a"]


def test_every_indicator_has_a_label_and_unit_in_both_languages():
    for spec in REGISTRY.values():
        for lang in wording.LANGS:
            assert spec.label(lang).strip() and spec.unit(lang).strip(), (spec.id, lang)
        # Charts and tables are in one language: no "vi / en" label, no "/" between languages.
        assert spec.label_vi != spec.label_en and " / " not in spec.label_vi, spec.id


def test_text_fills_an_entry_in_the_language_asked():
    assert wording.text("legend_year", "vi", year=2023, n="12") == "2023 (12 vụ)"
    assert wording.text("legend_year", "en", year=2023, n="12") == "2023 (12 cases)"
