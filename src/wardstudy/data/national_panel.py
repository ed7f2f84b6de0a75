"""The national synthetic panel: every phường of Vietnam, monthly 2021-01 to 2024-12.

``wardstudy generate --national`` writes it into ``data/national/`` (git-ignored: 36 MB of
made-up records that anyone regenerates byte for byte from the seed). It has:

* ``units.csv``: the 1,716 phường of the national unit list (real names, GSO codes,
  districts and provinces; `wardstudy.data.national`). Bắc Kạn city's units keep their
  row of the shipped ``units.csv``; every other phường gets a slug made of its name and
  code (`national_slugs`) and a synthetic size. Only phường: the programme is for ward
  police, and a ward's peers and donors are phường too.
* ``programme.csv``: a roll-out shaped like the published one (`synthetic_rollout`): a
  2023 cohort of one phường per province and one per urban district (quận) of the five
  centrally-run cities (106 with the sourced pilots, the published quota), a larger 2024 cohort (two
  more per province, one more per quận). Every ward of the sourced programme register
  (`wardstudy.data.register.sourced_cohorts`: Đức Xuân 2023, Xuất Hóa and Sông Cầu 2024,
  the pilots of 2021–2022 and the other sourced wards) keeps its sourced year, source and
  link, and counts towards its province's quota; every other row says ``synthetic roll-out``.
* the seven record tables of `wardstudy.data.synthetic.generate_panel`, with the same
  planted effect (`PlantedEffects`) and Đức Xuân's 2023 figures pinned to the published
  ones, every row ``synthetic = True``.

Sizes (residents) are invented: log-normal with median 9,000 (2,000 to 60,000).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from wardstudy import files, paths
from wardstudy.data.national import CENTRAL_CITY_CODES, national_slugs, read_national_units
from wardstudy.data.register import read_register, sourced_cohorts
from wardstudy.data.synthetic import DEFAULT_SEED, UNIT_SIZE, PlantedEffects, generate_panel

__all__ = ["national_dir", "national_units_table", "synthetic_rollout",
           "generate_national_panel", "write_national_panel"]

SYNTHETIC_ROLE = "synthetic roll-out"
MEDIAN_SIZE, SIZE_SIGMA, SIZE_RANGE = 9000, 0.5, (2000, 60000)


def national_dir() -> Path:
    return paths.data_dir() / "national"


def _shipped_units() -> pd.DataFrame:
    """The shipped units of the GSO list of 2025-01-04, the national panel's list: not the units
    made on 1 July 2025 (they reuse old codes and have no district)."""
    units = pd.read_csv(paths.reference_dir() / "units.csv", dtype=str, keep_default_na=False)
    return units[units["valid_from"].str.strip() == ""].reset_index(drop=True)


def national_units_table(rng: np.random.Generator) -> tuple[pd.DataFrame, dict[str, int]]:
    """Every phường as a row of the study's units table, and slug -> synthetic residents."""
    national = read_national_units()
    phuong = national[national["type"] == "phường"].reset_index(drop=True)
    shipped = _shipped_units()
    phuong["slug"] = national_slugs(phuong, dict(zip(shipped["code"], shipped["slug"])))
    drawn = np.exp(np.log(MEDIAN_SIZE) + SIZE_SIGMA * rng.standard_normal(len(phuong)))
    sizes = np.clip(np.round(drawn, -1), *SIZE_RANGE).astype(int)
    size_of = {slug: UNIT_SIZE.get(slug, int(size)) for slug, size in zip(phuong["slug"], sizes)}
    units = phuong.assign(valid_from="", valid_to="", successor_code="", successor_name="",
                          population_2019="", area_km2="")
    columns = list(shipped.columns)
    units = units[columns + ["district_type"]]
    # Bắc Kạn city's phường keep their shipped rows (successors of the 2025 merger, census data).
    known = shipped[shipped["type"] == "phường"].set_index("code", drop=False)
    at = units["code"].isin(known.index)
    units.loc[at, columns] = known.loc[units.loc[at, "code"], columns].to_numpy()
    return units.reset_index(drop=True), size_of


def _pick(rng: np.random.Generator, candidates: pd.DataFrame, n: int) -> list[str]:
    n = max(0, min(n, len(candidates)))  # a quota already met by sourced wards adds none
    return list(candidates["code"].to_numpy()[rng.choice(len(candidates), size=n, replace=False)]) if n else []


def synthetic_rollout(units: pd.DataFrame, rng: np.random.Generator,
                      sourced: dict[str, int] | None = None) -> pd.DataFrame:
    """A programme roll-out with the published shape: code -> cohort year (2023, 2024).

    In each year, a province (outside the five centrally-run cities) gets 1 (2023) or 2
    (2024) programme phường and each quận of those cities 1; sourced wards (`sourced`,
    code -> year; default the register's `sourced_cohorts`) count towards their unit's
    quota in their own year and the rest are drawn at random from the phường not yet in
    the programme.
    """
    sourced = sourced_cohorts() if sourced is None else dict(sourced)
    in_city = units["province_code"].isin(CENTRAL_CITY_CODES) & (units["district_type"] == "quận")
    units = units.assign(group=np.where(in_city, "d" + units["district_code"], "p" + units["province_code"]))
    units = units[~units["province_code"].isin(CENTRAL_CITY_CODES) | in_city]
    cohort = dict(sourced)
    for year, per_province in ((2023, 1), (2024, 2)):
        for group, members in units.groupby("group", sort=True):
            quota = 1 if group.startswith("d") else per_province
            already = sum(1 for code in members["code"] if sourced.get(code) == year)
            free = members[~members["code"].isin(cohort)]
            for code in _pick(rng, free, quota - already):
                cohort[code] = year
    return pd.DataFrame(sorted(cohort.items()), columns=["code", "cohort_year"])


def _with_register_sources(programme: pd.DataFrame) -> pd.DataFrame:
    """Fill role, source and link of sourced wards not in the shipped programme.csv from the
    register (its earliest row with a year for the ward)."""
    register = read_register()
    register = register[register["code"].notna() & register["cohort_year"].notna()]
    first = register.sort_values(["code", "cohort_year", "published_date"]).drop_duplicates("code").set_index("code")
    missing = programme["source"].isna() & programme["code"].isin(first.index)
    rows = first.loc[programme.loc[missing, "code"]]
    programme.loc[missing, "role"] = rows["status"].to_numpy()
    dated = rows["published_date"].fillna("date not given").astype(str)
    programme.loc[missing, "source"] = ("programme register, " + dated).to_numpy()
    programme.loc[missing, "url"] = rows["url"].to_numpy()
    return programme


def generate_national_panel(seed: int = DEFAULT_SEED, planted: PlantedEffects | None = None,
                            sourced: dict[str, int] | None = None) -> dict[str, pd.DataFrame]:
    """The national panel's tables: units, programme and the seven record tables.

    >>> panel = generate_national_panel()        # doctest: +SKIP
    >>> len(panel["units"]), panel["programme"]["cohort_year"].value_counts().sort_index().tolist()  # doctest: +SKIP
    (1716, [4, 106, 164])
    """
    rng = np.random.default_rng([seed, 1716])  # its own stream: the city panel's draws stay as they are
    units, sizes = national_units_table(rng)
    cohorts = synthetic_rollout(units, rng, sourced)
    by_code = units.set_index("code")
    shipped = pd.read_csv(paths.reference_dir() / "programme.csv", dtype=str, keep_default_na=False)
    programme = cohorts.assign(ward=by_code.loc[cohorts["code"], "slug"].to_numpy())
    programme = programme.merge(shipped.drop(columns=["ward", "cohort_year"]), on="code", how="left")
    programme = _with_register_sources(programme)
    synthetic = programme["source"].isna()
    programme.loc[synthetic, "role"] = SYNTHETIC_ROLE
    programme.loc[synthetic, "source"] = f"synthetic: wardstudy generate --national (seed {seed})"
    programme["url"] = programme["url"].fillna("")
    programme = programme[["ward", "code", "cohort_year", "role", "source", "url"]].sort_values("code")
    records = generate_panel(seed=seed, planted=planted, sizes=sizes,
                             programme=dict(zip(programme["ward"], programme["cohort_year"].astype(int))))
    return {"units": units, "programme": programme.reset_index(drop=True), **records}


def write_national_panel(out_dir: Path | None = None, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write the national panel as CSV files (UTF-8, LF) into `out_dir` (default data/national)."""
    out_dir = Path(out_dir) if out_dir is not None else national_dir()
    written = []
    for name, table in generate_national_panel(seed).items():
        path = out_dir / f"{name}.csv"
        files.atomic_write_text(path, table.to_csv(index=False, lineterminator="\n"))
        written.append(path)
    return written
