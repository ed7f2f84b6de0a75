"""Old and new pages link each other: which page of the same run shows a unit's predecessor
or successor across the 1 July 2025 reorganisation (issue 22, item 1).

The batch knows each job's page (``<job slug>.html``) and the unit it reports on (the
parameter ``ward``). A ward page names the units it came from ("Đức Xuân (từ năm 2023)")
or the unit it became; with the parameter ``page_links`` (unit slug -> page file name, only the
units related to this one by the crosswalk and only pages of this run) it links them.
A unit with several pages in the run links the one of its latest year.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace

import pandas as pd

__all__ = ["related_units", "unit_pages", "with_page_links"]


def related_units(ward: str, crosswalk: pd.DataFrame) -> list[str]:
    """The units `ward` became (its successors) and came from (its predecessors), in the
    crosswalk's order; a unit the crosswalk keeps under its own slug is not its own relative.

    >>> cw = pd.DataFrame({"old_slug": ["a", "b"], "new_slug": ["n", "n"]})
    >>> related_units("n", cw), related_units("a", cw), related_units("z", cw)
    (['a', 'b'], ['n'], [])
    """
    if crosswalk is None or crosswalk.empty:
        return []
    successors = crosswalk.loc[crosswalk["old_slug"] == ward, "new_slug"].tolist()
    predecessors = crosswalk.loc[crosswalk["new_slug"] == ward, "old_slug"].tolist()
    out: list[str] = []
    for slug in successors + predecessors:
        if slug != ward and slug not in out:
            out.append(slug)
    return out


def unit_pages(jobs) -> dict[str, str]:
    """Unit slug -> the page of this run that reports on it (``<job slug>.html``), the latest
    year's when a unit has several; pages that are not a unit's (the overview) are left out.

    >>> from types import SimpleNamespace as J
    >>> unit_pages([J(slug="duc-xuan", parameters={"ward": "duc-xuan", "year": 2023}),
    ...             J(slug="dx-2024", parameters={"ward": "duc-xuan", "year": 2024}),
    ...             J(slug="programme", parameters={"year": 2024})])
    {'duc-xuan': 'dx-2024.html'}
    """
    latest: dict[str, tuple[int, str]] = {}
    for job in jobs:
        ward, year = job.parameters.get("ward"), job.parameters.get("year")
        if not ward:
            continue
        year = int(year) if year is not None else 0
        if ward not in latest or (year, job.slug) > latest[ward]:
            latest[ward] = (year, job.slug)
    return {ward: f"{slug}.html" for ward, (_, slug) in sorted(latest.items())}


def with_page_links(jobs: list, crosswalk: pd.DataFrame | None = None) -> list:
    """The jobs, each given the parameter ``page_links`` (related unit -> its page in this run) when
    it has any, and a fingerprint that covers it (a page whose relative's page appears or
    goes away is rerun). Jobs without related pages are returned unchanged.

    crosswalk: `data.crosswalk.load_crosswalk()` by default.
    """
    if crosswalk is None:
        from wardstudy.data.crosswalk import load_crosswalk

        crosswalk = load_crosswalk()
    pages = unit_pages(jobs)
    out = []
    for job in jobs:
        ward = job.parameters.get("ward")
        links = {slug: pages[slug] for slug in related_units(ward, crosswalk) if slug in pages} if ward else {}
        if not links:
            out.append(job)
            continue
        digest = hashlib.sha256(job.fingerprint.encode())
        digest.update(json.dumps(links, sort_keys=True).encode())
        out.append(replace(job, parameters={**job.parameters, "page_links": links}, fingerprint=digest.hexdigest()))
    return out
