"""The index and the pages agree: every page it links exists, every page of the run is on it
with the status 'written', its figures are the pages' own; every internal link of every page
goes to a file of the run."""

from urllib.parse import unquote, urlsplit

from wardstudy.report.wording import text


def test_the_run_succeeds_and_writes_the_index_the_overview_and_a_page_per_params_file(vi_run):
    from wardstudy import paths

    assert vi_run.returncode == 0, vi_run.output[-3000:]
    expected = {p.stem for p in paths.params_dir().glob("*.yaml")}
    assert {p.stem for p in vi_run.ward_pages} == expected
    assert (vi_run.out / "index.html").exists() and (vi_run.out / "programme.html").exists()


def _internal(href: str) -> str | None:
    """The file a link points to in the run's folder, or None for an anchor, a site or the other edition."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("../"):
        return None
    return unquote(parts.path)


def test_every_internal_link_of_every_page_resolves_to_a_file_of_the_run(run, read):
    checked = 0
    for path in run.pages:
        for href in read(path).links:
            target = _internal(href)
            if target is not None:
                assert (run.out / target).is_file(), (path.name, href)
                checked += 1
    assert checked >= len(run.pages)   # every page links at least the index


def test_the_index_lists_every_page_as_written_with_the_figures_the_page_shows(run, read):
    index = read(run.out / "index.html")
    assert index.lang == run.lang
    links = [h for h in index.links if h.endswith(".html") and not h.startswith("../")]
    assert "programme.html" in links
    written = text("index_st_ok", run.lang)
    tables = [t for t in index.tables if t and len(t[0]) >= 4]
    rows = [r for t in tables for r in t[1:] if len(r) >= 4]
    assert len(rows) == len(run.ward_pages), rows
    for row in rows:
        assert row[-1].startswith(written), row
    pages = {p.name: read(p) for p in run.ward_pages}
    assert sorted(h for h in links if h != "programme.html") == sorted(pages)
    # each headline figure of a row is on its page (rows and links are in the same order)
    for row, href in zip(rows, [h for h in links if h != "programme.html"]):
        page = pages[href]
        assert row[0].split(" (")[0] in page.text, (row, href)
        for cell in row[3:-1]:
            if cell != "—":
                figure = cell.split(" ")[0]
                assert figure in page.text, (href, cell)


def test_the_index_marks_a_crime_change_exactly_when_its_page_calls_it_significant(run, read):
    index = read(run.out / "index.html")
    pages = {p.name: read(p) for p in run.ward_pages}
    label = text("cat_social_order", run.lang)
    significant = text("v_significant", run.lang, p="")[:-3]       # "khác biệt có ý nghĩa thống kê"
    links = [h for h in index.links if h.endswith(".html") and h in pages]
    tables = [t for t in index.tables if t and len(t[0]) >= 4]
    column = tables[0][0].index(next(h for h in tables[0][0] if h.startswith(label)))
    rows = [r for t in tables for r in t[1:] if len(r) >= 4]
    for row, href in zip(rows, links):
        line = pages[href].sections[next(k for k in pages[href].sections if k.startswith("2."))]
        line = line[line.index(label + ","):]
        verdict = line[:line.index(")") + 1]                          # the social-order line's verdict
        assert row[column].endswith(" *") == (significant in verdict), (href, row[column], verdict)
