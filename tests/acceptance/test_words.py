"""What every page says, read as words: exact randomisation p's, no missing value or id of the
code, and an English edition that is English (lang="en", no Vietnamese sentence)."""

import csv
import re

from acceptance.reading import leaked_words, vietnamese_runs, wrong_randomisation_p
from wardstudy import paths


def _slugs() -> set[str]:
    with open(paths.reference_dir() / "units.csv", encoding="utf-8", newline="") as handle:
        return {r["slug"] for r in csv.DictReader(handle)} | {p.stem for p in paths.params_dir().glob("*.yaml")}


def test_every_randomisation_p_on_every_page_is_k_over_n_written_exactly_or_rounded(run, read):
    seen = 0
    for path in run.pages:
        page = read(path)
        assert wrong_randomisation_p(page.text, run.lang) == [], path.name
        seen += len(re.findall(r"p = \d+/\d+ [≈=]", page.text))
    assert seen >= 3     # the pooled test and the ward designs write some


def test_no_page_shows_a_missing_value_of_the_code_or_a_raw_id(run, read):
    slugs = _slugs()
    for path in run.pages:
        assert leaked_words(read(path).text, slugs) == [], path.name


def _names() -> list[str]:
    """Proper names that stay Vietnamese in English: units, districts, provinces, sources, quotes."""
    names = {"Báo Bắc Kạn", "Nghị quyết", "Đề án 06", "Căn cước", "Sant'Anna", "Tiếng Việt", "Bản tiếng Việt",
             "Tiếng Việt", "tiếng Việt"}
    tables = {"units.csv": ("name", "district", "province", "successor_name"),
              "crosswalk_2025.csv": ("old_name", "new_name", "new_province"),
              "programme_register.csv": ("ward_name", "district", "province", "quote"),
              "published.csv": ("as_published", "source")}
    for name, columns in tables.items():
        with open(paths.reference_dir() / name, encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                names.update(row[c] for c in columns if row.get(c))
    prefixes = ("Phường ", "Tỉnh ", "Thành phố ", "Quận ", "Thị xã ", "Huyện ", "Xã ")
    for name in list(names):
        for prefix in prefixes:
            names.add(prefix + name)
            if name.startswith(prefix):   # the English edition names "Tỉnh Bà Rịa – Vũng Tàu" "Bà Rịa – Vũng Tàu"
                names.add(name[len(prefix):])
    return sorted(names)


def test_the_english_edition_is_english_index_included(en_run, read):
    names = _names()
    assert en_run.pages and (en_run.out / "index.html").exists()
    for path in en_run.pages:
        page = read(path)
        assert page.lang == "en", path.name
        assert vietnamese_runs(page.text, names) == [], path.name


def test_the_vietnamese_edition_is_vietnamese(vi_run, read):
    for path in vi_run.pages:
        assert read(path).lang == "vi", path.name


# The readers' words (issue 22, "Words"): "thiết kế" reads as a building's design, the permutation formula
# and file names belong in the methods note at the end of a section, where they are set as code.
_METHOD_WORDS = {"vi": re.compile(r"thiết kế"), "en": re.compile(r"\bdesigns?\b")}
_FORMULA = re.compile(r"\bJ\b|k/\(J|1/\(J|data/synthetic|programme\.csv")


def test_methods_are_called_methods_and_formulas_and_file_names_stay_out_of_the_prose(run, read):
    for path in run.pages:
        page = read(path)            # the reader skips <code>: the folder set as code in the methods note
        prose = page.text
        assert not _METHOD_WORDS[run.lang].search(prose), (path.name, _METHOD_WORDS[run.lang].search(prose))
        for note in re.findall(r"(?:Phương pháp: |Method: )[^.]*(?:\.[^.]*){0,3}", prose):
            prose = prose.replace(note, "")  # the methods note may give the formula
        assert not _FORMULA.search(prose), (path.name, prose[max(0, _FORMULA.search(prose).start() - 80):][:160])


def test_the_english_edition_writes_no_date_as_dd_mm_yyyy(en_run, read):
    # "01/07/2025" reads as 7 January to an English reader (issue 22, English)
    for path in en_run.pages:
        found = re.findall(r"\b\d{1,2}/\d{1,2}/\d{4}\b", read(path).text)
        assert found == [], (path.name, found[:5])
