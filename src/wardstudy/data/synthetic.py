"""The illustrative synthetic panel: a seeded generator of monthly ward records.

Real ward records are not public, so the package ships a made-up panel with the shape
of the real thing: all 8 units of Bắc Kạn city, monthly from 2021-01 to 2024-12.
The shipped panel (`write_panel`) goes on through 2025: the eight old units to
2025-06, then the three units that replaced them on 1 July 2025 (Nghị quyết 1683) from
2025-07 to 2025-12 (`generate_panel(through_2025=True)`, see "After the reorganisation").
It exists so that the notebooks, the batch and the evaluation methods can be run and
tested end to end. **None of its numbers are observations.** Every table carries a
``synthetic`` column set to true, and every report built on it shows a banner.

What is built in, on purpose:

* Calibration: Đức Xuân's 2023 figures equal the ones published by Báo Bắc Kạn
  (21/22 criteria, social-order crimes 7 fewer than 2022, 100% tips handled, 100% of
  procedures online and on time, 20% early, 6 fire-safety groups, 6 firefighting
  points). The article gives only the −7 difference; the two counts behind it here
  (``CALIBRATED_SOCIAL_ORDER`` = 19 in 2022, 12 in 2023) are invented.
* A planted programme effect (``PlantedEffects``): from its cohort year on, a
  programme ward's social-order crime rate is multiplied by ``social_order_rate_ratio``
  and its service shares move towards their targets. Evaluation methods are tested on
  whether they recover this known truth; ``PlantedEffects.none()`` plants nothing
  (a placebo world).
* Everything else is plausible but invented: sizes, rates, a city-wide trend,
  seasonality around Tết, Poisson and binomial noise; so are the cases solved
  (``crimes.solved``) and the fires (``fire_safety.fires``), drawn from a stream of their
  own after everything else, so that the tables drawn before them keep their values.

After the reorganisation (``through_2025``): 2025 is drawn from a third stream of the seed,
after everything else, so the 2021-2024 rows keep their values (each unit's 2025 rows come
after its earlier ones, the new units after the old). The eight old units are drawn for all of 2025 with the same model
(shares held at their December 2024 trend, stocks never falling), and so is Đôn Phong
(size invented, ``DON_PHONG_SIZE``), a commune of another district that merged into
Phong Quang but is not among the shipped units. Records up to 2025-06 stay under the old
units; from 2025-07 each new unit's records are the sums of its predecessors' (the
crosswalk, ``data/reference/crosswalk_2025.csv``), which is what the new unit's police
would count on the same territory. The 2025 criteria assessment is the new units'
(the old ones ceased in June): each new unit meets, in 2025, the criteria its largest
predecessor (by residents) met in 2024 (invented, like everything here).

The same seed gives byte-identical files (``wardstudy generate``), given the pinned
numpy in ``requirements.lock``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "DEFAULT_SEED",
    "START_MONTH",
    "END_MONTH",
    "CALIBRATED_SOCIAL_ORDER",
    "CRIME_CATEGORIES",
    "PlantedEffects",
    "generate_panel",
    "write_panel",
]

DEFAULT_SEED = 20240129  # the date of the source article
START_MONTH = "2021-01"
END_MONTH = "2024-12"
CALIBRATED_WARD = "duc-xuan"
CALIBRATED_YEAR = 2023
# Invented levels behind the published difference of -7 (only the difference is public).
CALIBRATED_SOCIAL_ORDER = {2022: 19, 2023: 12}
CALIBRATED_CRITERIA_MET = 21
CALIBRATED_FIRE_SAFETY_GROUPS = 6
CALIBRATED_FIREFIGHTING_POINTS = 6
CALIBRATED_EARLY_SHARE = (1, 5)  # 20% as an exact fraction
N_CRITERIA = 22

# Synthetic unit sizes (residents). Sông Cầu and Huyền Tụng use their 2019 census figures;
# the others are invented so that the city sums to its 2019 total of 45,036.
UNIT_SIZE = {
    "nguyen-thi-minh-khai": 7000,
    "song-cau": 9164,
    "duc-xuan": 7900,
    "phung-chi-kien": 6500,
    "huyen-tung": 4876,
    "duong-quang": 3600,
    "nong-thuong": 2900,
    "xuat-hoa": 3096,
}
UNITS = list(UNIT_SIZE)

# Yearly cases per 1,000 residents in 2021, and the yearly multiplicative trend.
CRIME_CATEGORIES = {
    "social_order": (2.45, 0.97),
    "high_tech": (0.45, 1.25),
    "drugs": (0.80, 0.98),
    "economic": (0.30, 1.00),
    "environment": (0.15, 1.00),
}
# Share of a month's cases solved (điều tra, khám phá), moving linearly from 2021-01 to 2024-12.
# Drug, economic and environmental cases are mostly recorded when the police uncover them.
SOLVED_SHARE = {
    "social_order": (0.72, 0.80),
    "high_tech": (0.30, 0.40),
    "drugs": (1.00, 1.00),
    "economic": (0.95, 0.95),
    "environment": (0.95, 0.95),
}
FIRES_PER_1000 = 0.10  # fires per 1,000 residents a year (invented; more in the dry months around Tết)
EXTRA_STREAM = 15      # the seed's second stream, for the columns added in issue 15
REFORM_STREAM = 2025   # the seed's third stream: 2025, across the reorganisation
REFORM_MONTH = "2025-07"
LAST_MONTH_THROUGH_2025 = "2025-12"
DON_PHONG_SIZE = 2700  # invented: Đôn Phong is outside the shipped units, but part of Phong Quang


@dataclass(frozen=True)
class PlantedEffects:
    """The programme's effect written into the synthetic panel: the truth to recover.

    social_order_rate_ratio: multiplier on the monthly social-order crime rate of a
        programme ward from January of its cohort year on (0.70 = 30% fewer cases).
    tips_handled_share / procedures_online_share / procedures_on_time_share /
    procedures_early_share: the share a programme ward reaches from its cohort year on.
    fire_safety_groups / firefighting_points / community_models: stock reached by the
        December of the cohort year (built up evenly over the year).
    criteria_met: criteria met in the cohort year (one more each later year, up to 22).
    vneid_level2_boost: added to the share of eligible residents with a level-2 VNeID account.
    crimes_solved_share: the share of social-order cases solved a programme ward reaches.
    Negative stocks and NaN shares mean "no change" (see `none`).
    """

    social_order_rate_ratio: float = 0.70
    tips_handled_share: float = 0.99
    procedures_online_share: float = 0.98
    procedures_on_time_share: float = 0.995
    procedures_early_share: float = 0.18
    fire_safety_groups: int = 6
    firefighting_points: int = 6
    community_models: int = 4
    criteria_met: int = 21
    vneid_level2_boost: float = 0.08
    crimes_solved_share: float = 0.85

    @classmethod
    def none(cls) -> "PlantedEffects":
        """No programme effect at all: programme wards behave like the others."""
        return cls(
            social_order_rate_ratio=1.0,
            tips_handled_share=np.nan,
            procedures_online_share=np.nan,
            procedures_on_time_share=np.nan,
            procedures_early_share=np.nan,
            fire_safety_groups=-1,
            firefighting_points=-1,
            community_models=-1,
            criteria_met=-1,
            vneid_level2_boost=0.0,
            crimes_solved_share=np.nan,
        )


def _grid(programme: dict[str, int], sizes: dict[str, int], first: str = START_MONTH,
          last: str = END_MONTH) -> pd.DataFrame:
    """Every unit x month, with the fields the generator computes from."""
    months = pd.period_range(first, last, freq="M")
    grid = pd.MultiIndex.from_product([list(sizes), months], names=["ward", "period"]).to_frame(index=False)
    grid["month"] = grid["period"].astype(str)
    grid["year"] = grid["period"].dt.year
    grid["month_of_year"] = grid["period"].dt.month
    grid["t_years"] = (grid["year"] - 2021) + (grid["month_of_year"] - 1) / 12
    grid["size"] = grid["ward"].map(sizes)
    cohort = grid["ward"].map(programme)
    grid["treated"] = cohort.notna() & (grid["year"] >= cohort)
    grid["months_since_entry"] = np.where(
        grid["treated"], (grid["year"] - cohort) * 12 + grid["month_of_year"] - 1, -1
    )
    return grid


def _units(grid: pd.DataFrame) -> list[str]:
    """The grid's units in their order (the order fixes which random draw each unit gets)."""
    return list(pd.unique(grid["ward"]))


def _tet_season(month_of_year: pd.Series) -> np.ndarray:
    # More incidents around Tết (January-February), fewer in the rainy months.
    return 1 + 0.25 * np.cos(2 * np.pi * (month_of_year.to_numpy() - 1.5) / 12)


def _spread(rng: np.random.Generator, total: int, weights: np.ndarray) -> np.ndarray:
    """Split a fixed total over months in proportion to `weights` (multinomial)."""
    return rng.multinomial(total, weights / weights.sum())


def _crimes(rng, grid, planted: PlantedEffects, calibrate: bool) -> pd.DataFrame:
    frames = []
    season = _tet_season(grid["month_of_year"])
    for category, (per_1000, trend) in CRIME_CATEGORIES.items():
        rate = grid["size"].to_numpy() / 1000 * per_1000 / 12 * trend ** grid["t_years"].to_numpy() * season
        if category == "social_order":
            rate = rate * np.where(grid["treated"], planted.social_order_rate_ratio, 1.0)
        counts = rng.poisson(rate)
        if category == "social_order" and calibrate:
            for year, total in CALIBRATED_SOCIAL_ORDER.items():
                cell = (grid["ward"] == CALIBRATED_WARD) & (grid["year"] == year)
                counts[cell.to_numpy()] = _spread(rng, total, rate[cell.to_numpy()])
        frames.append(grid[["ward", "month"]].assign(category=category, count=counts))
    return pd.concat(frames, ignore_index=True)


def _ramp(grid: pd.DataFrame, start: float, end: float) -> np.ndarray:
    """A city-wide share moving linearly from `start` (2021-01) to `end` (2024-12), then held."""
    return start + (end - start) * np.minimum(grid["t_years"].to_numpy(), 47 / 12) / (47 / 12)


def _with_target(base: np.ndarray, grid: pd.DataFrame, target: float) -> np.ndarray:
    if np.isnan(target):
        return base
    return np.where(grid["treated"], np.maximum(base, target), base)


def _tips(rng, grid, planted: PlantedEffects, calibrate: bool) -> pd.DataFrame:
    received = rng.poisson(grid["size"].to_numpy() / 1000 * 0.9 * _tet_season(grid["month_of_year"]))
    share = _with_target(_ramp(grid, 0.90, 0.95), grid, planted.tips_handled_share)
    handled = rng.binomial(received, share)
    if calibrate:
        cell = _calibrated_cell(grid)
        handled[cell] = received[cell]
    return grid[["ward", "month"]].assign(received=received, handled=handled)


def _calibrated_cell(grid: pd.DataFrame) -> np.ndarray:
    return ((grid["ward"] == CALIBRATED_WARD) & (grid["year"] == CALIBRATED_YEAR)).to_numpy()


def _procedures(rng, grid, planted: PlantedEffects, calibrate: bool) -> pd.DataFrame:
    total = rng.poisson(grid["size"].to_numpy() / 1000 * 14.0)
    online = rng.binomial(total, _with_target(_ramp(grid, 0.25, 0.85), grid, planted.procedures_online_share))
    # Simplification, documented in data/README.md: a procedure is resolved in the month it is received.
    resolved = total.copy()
    on_time = rng.binomial(resolved, _with_target(_ramp(grid, 0.94, 0.975), grid, planted.procedures_on_time_share))
    early = rng.binomial(on_time, _with_target(_ramp(grid, 0.08, 0.12), grid, planted.procedures_early_share))
    if calibrate:
        cell = _calibrated_cell(grid)
        idx = np.flatnonzero(cell)
        num, den = CALIBRATED_EARLY_SHARE
        # Make the year's total a multiple of 5 so that exactly 20% can be early.
        total[idx[-1]] += (-total[cell].sum()) % den
        resolved[cell] = total[cell]
        online[cell] = total[cell]
        on_time[cell] = resolved[cell]
        n_early = resolved[cell].sum() * num // den
        early[cell] = rng.multivariate_hypergeometric(resolved[cell], n_early)
    return grid[["ward", "month"]].assign(
        total=total, online=online, resolved=resolved, on_time=on_time, early=early
    )


def _logistic(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def _project06(rng, grid, planted: PlantedEffects) -> pd.DataFrame:
    t = grid["t_years"].to_numpy()
    growth = 1 + 0.008 * t
    eligible = np.round(grid["size"].to_numpy() * 0.78 * growth).astype(int)
    unit_shift = grid["ward"].map({w: rng.normal(0, 0.25) for w in _units(grid)}).to_numpy()
    chip_share = 0.45 + 0.53 * _logistic(2.6 * (t - 0.9) + unit_shift)
    vneid_share = 0.82 * _logistic(2.2 * (t - 2.1) + unit_shift)
    boost = np.where(grid["treated"], planted.vneid_level2_boost, 0.0)
    vneid_share = np.minimum(vneid_share + boost, chip_share)
    frame = grid[["ward", "month"]].assign(
        eligible_residents=eligible,
        chip_ids_issued=np.floor(eligible * chip_share).astype(int),
        vneid_level2_accounts=np.floor(eligible * vneid_share).astype(int),
    )
    # Stocks never fall: keep the running maximum within each unit.
    for column in ["chip_ids_issued", "vneid_level2_accounts"]:
        frame[column] = frame.groupby("ward")[column].cummax()
    return frame


def _stock_build_up(grid: pd.DataFrame, before: np.ndarray, target: int) -> np.ndarray:
    """A stock that climbs evenly during the cohort year to `target` by December."""
    if target < 0:
        return before
    months_in = grid["months_since_entry"].to_numpy()
    start = before
    built = np.round(start + (target - start) * np.minimum(months_in + 1, 12) / 12).astype(int)
    return np.where(grid["treated"], np.maximum(built, before), before)


def _fire_safety(rng, grid, planted: PlantedEffects) -> pd.DataFrame:
    # Ordinary units set up a first group or point some time in the period, or not at all.
    start_month = grid["ward"].map({w: int(rng.integers(0, 60)) for w in _units(grid)}).to_numpy()
    month_index = ((grid["year"] - 2021) * 12 + grid["month_of_year"] - 1).to_numpy()
    base = (month_index >= start_month).astype(int)
    return grid[["ward", "month"]].assign(
        fire_safety_groups=_stock_build_up(grid, base, planted.fire_safety_groups),
        public_firefighting_points=_stock_build_up(grid, base, planted.firefighting_points),
    )


def _community_models(rng, grid, planted: PlantedEffects) -> pd.DataFrame:
    base = grid["ward"].map({w: int(rng.integers(1, 3)) for w in _units(grid)}).to_numpy()
    return grid[["ward", "month"]].assign(
        models_active=_stock_build_up(grid, base, planted.community_models)
    )


def _criteria(rng, grid, planted: PlantedEffects, programme: dict[str, int], calibrate: bool) -> pd.DataFrame:
    units = _units(grid)
    years = np.arange(2021, int(END_MONTH[:4]) + 1)
    # Per-unit draws in unit order keep the seed's tables stable whatever the number of units.
    orders, base_met = [], []
    for _ in units:
        orders.append(rng.permutation(N_CRITERIA))  # criteria this unit finds hardest come last
        base_met.append(int(rng.integers(11, 16)))
    n_units, n_years = len(units), len(years)
    met = np.minimum(np.add.outer(np.asarray(base_met), years - 2021), N_CRITERIA - 2)
    cohort = np.array([programme.get(ward, np.nan) for ward in units], dtype=float)
    if planted.criteria_met >= 0:
        since = years[None, :] - cohort[:, None]
        with np.errstate(invalid="ignore"):
            in_programme = since >= 0
        met = np.where(in_programme, np.maximum(met, planted.criteria_met + np.nan_to_num(since)), met)
    if calibrate and CALIBRATED_WARD in units:
        met[units.index(CALIBRATED_WARD), list(years).index(CALIBRATED_YEAR)] = CALIBRATED_CRITERIA_MET
    met = np.minimum(met, N_CRITERIA).astype(int)
    # rank[u, c]: position of criterion c in unit u's order; met when the position is below the count.
    rank = np.argsort(np.asarray(orders), axis=1)
    flags = (rank[:, None, :] < met[:, :, None]).astype(int)
    return pd.DataFrame({
        "ward": np.repeat(units, n_years * N_CRITERIA),
        "year": np.tile(np.repeat(years, N_CRITERIA), n_units).astype(int),
        "criterion_id": np.tile([f"C{i + 1:02d}" for i in range(N_CRITERIA)], n_units * n_years),
        "met": flags.reshape(-1),
    })


def _solved(rng, grid, crimes: pd.DataFrame, planted: PlantedEffects) -> np.ndarray:
    """Cases solved of each crimes row: Binomial(count, the category's share that month).

    `crimes` is `_crimes`' table: one block of grid rows per category, in `CRIME_CATEGORIES` order.
    """
    shares = []
    for category in CRIME_CATEGORIES:
        share = _ramp(grid, *SOLVED_SHARE[category])
        if category == "social_order":
            share = _with_target(share, grid, planted.crimes_solved_share)
        shares.append(share)
    return rng.binomial(crimes["count"].to_numpy(), np.concatenate(shares))


def _fires(rng, grid) -> np.ndarray:
    """Fires in each unit and month: Poisson, by size, more around Tết; no programme effect."""
    return rng.poisson(grid["size"].to_numpy() / 1000 * FIRES_PER_1000 / 12 * _tet_season(grid["month_of_year"]))


def _calibrate_stocks(frame: pd.DataFrame, grid: pd.DataFrame, values: dict[str, int]) -> pd.DataFrame:
    """Hold the calibrated ward's December stocks at the published values."""
    cell = _calibrated_cell(grid) & (grid["month_of_year"] == 12).to_numpy()
    for column, value in values.items():
        frame.loc[cell, column] = value
    return frame


def generate_panel(
    seed: int = DEFAULT_SEED,
    planted: PlantedEffects | None = None,
    programme: dict[str, int] | None = None,
    calibrate: bool = True,
    sizes: dict[str, int] | None = None,
    through_2025: bool = False,
) -> dict[str, pd.DataFrame]:
    """Generate the synthetic monthly panel; a dict of table name -> tidy DataFrame.

    seed: the random seed (same seed, same tables).
    planted: the programme effect written in (default `PlantedEffects()`; use
        `PlantedEffects.none()` for a world with no effect).
    programme: ward slug -> cohort year (default Đức Xuân 2023, Xuất Hóa and Sông Cầu 2024).
    calibrate: pin Đức Xuân's 2023 figures to the published ones (when Đức Xuân is among the units).
    sizes: unit slug -> residents, in the order the units are generated (default: the 8
        units of Bắc Kạn city, `UNIT_SIZE`; the national panel passes every phường).
    through_2025: also 2025 across the reorganisation (the shipped panel; the 8 units of
        Bắc Kạn city only): old units to 2025-06, the new units from 2025-07.

    Tables: crimes (with ``solved``), tips, procedures, project06, fire_safety (with
    ``fires``), community_models (monthly, one row per ward and month, crimes also per category) and
    criteria_assessments (yearly, one row per ward, year and criterion).
    Every table has ``synthetic = True``.

    >>> panel = generate_panel()
    >>> sorted(panel)[:3]
    ['community_models', 'crimes', 'criteria_assessments']
    >>> bool(panel["crimes"]["synthetic"].all())
    True
    """
    planted = PlantedEffects() if planted is None else planted
    programme = {"duc-xuan": 2023, "xuat-hoa": 2024, "song-cau": 2024} if programme is None else programme
    rng = np.random.default_rng(seed)
    grid = _grid(programme, UNIT_SIZE if sizes is None else sizes)
    tables = {
        "crimes": _crimes(rng, grid, planted, calibrate),
        "tips": _tips(rng, grid, planted, calibrate),
        "procedures": _procedures(rng, grid, planted, calibrate),
        "project06": _project06(rng, grid, planted),
        "fire_safety": _fire_safety(rng, grid, planted),
        "community_models": _community_models(rng, grid, planted),
        "criteria_assessments": _criteria(rng, grid, planted, programme, calibrate),
    }
    if calibrate:
        tables["fire_safety"] = _calibrate_stocks(tables["fire_safety"], grid, {
            "fire_safety_groups": CALIBRATED_FIRE_SAFETY_GROUPS,
            "public_firefighting_points": CALIBRATED_FIREFIGHTING_POINTS,
        })
    # Its own stream, drawn last: the columns above keep the values they had before these existed.
    extra = np.random.default_rng([seed, EXTRA_STREAM])
    tables["crimes"] = tables["crimes"].assign(solved=_solved(extra, grid, tables["crimes"], planted))
    tables["fire_safety"] = tables["fire_safety"].assign(fires=_fires(extra, grid))
    if through_2025:
        if sizes is not None:
            raise ValueError("through_2025 is the panel of the 8 units of Bắc Kạn city (the crosswalk's); "
                             "leave `sizes` unset")
        tables = _through_2025(seed, tables, planted, programme)
    return {name: table.assign(synthetic=True) for name, table in sorted(tables.items())}


MONTHLY_STOCKS = {"project06": ["chip_ids_issued", "vneid_level2_accounts"],
                  "fire_safety": ["fire_safety_groups", "public_firefighting_points"],
                  "community_models": ["models_active"]}


def _through_2025(seed: int, tables: dict[str, pd.DataFrame], planted: PlantedEffects,
                  programme: dict[str, int]) -> dict[str, pd.DataFrame]:
    """Append 2025: the old units to 2025-06, the new units (sums of their predecessors) after.

    See the module docstring. Drawn from the seed's third stream, so 2021-2024 is untouched.
    """
    from wardstudy.data.crosswalk import REFORM_MONTH as CROSSWALK_MONTH, load_crosswalk

    assert CROSSWALK_MONTH == REFORM_MONTH
    crosswalk = load_crosswalk()
    to_new = dict(zip(crosswalk["old_slug"], crosswalk["new_slug"]))
    order = {w: i for i, w in enumerate([*UNIT_SIZE, *pd.unique(crosswalk["new_slug"])])}  # units.csv's order
    sizes = {**UNIT_SIZE, "don-phong": DON_PHONG_SIZE}
    rng = np.random.default_rng([seed, REFORM_STREAM])
    grid = _grid(programme, sizes, "2025-01", LAST_MONTH_THROUGH_2025)
    drawn = {
        "crimes": _crimes(rng, grid, planted, calibrate=False),
        "tips": _tips(rng, grid, planted, calibrate=False),
        "procedures": _procedures(rng, grid, planted, calibrate=False),
        "project06": _project06(rng, grid, planted),
        "fire_safety": _fire_safety(rng, grid, planted),
        "community_models": _community_models(rng, grid, planted),
    }
    drawn["crimes"] = drawn["crimes"].assign(solved=_solved(rng, grid, drawn["crimes"], planted))
    drawn["fire_safety"] = drawn["fire_safety"].assign(fires=_fires(rng, grid))
    out = {}
    for name, late in drawn.items():
        early = tables[name]
        # Stocks never fall: 2025 continues from each unit's December 2024 (a running maximum).
        for column in MONTHLY_STOCKS.get(name, []):
            december = early[early["month"] == END_MONTH].set_index("ward")[column]
            late[column] = np.maximum(late[column], late["ward"].map(december).fillna(0).astype(int))
            late[column] = late.groupby("ward")[column].cummax()
        before = late[(late["month"] < REFORM_MONTH) & (late["ward"] != "don-phong")]
        after = late[late["month"] >= REFORM_MONTH].assign(ward=lambda d: d["ward"].map(to_new))
        keys = ["ward", "month", *(["category"] if "category" in late.columns else [])]
        after = after.groupby(keys, as_index=False, sort=True).sum()
        after = after.sort_values(["category", "ward", "month"] if "category" in keys else ["ward", "month"],
                                  kind="stable")
        out[name] = _in_unit_order(pd.concat([early, before, after[early.columns]], ignore_index=True), order)
    out["criteria_assessments"] = pd.concat(
        [tables["criteria_assessments"], _criteria_after_reform(tables["criteria_assessments"], crosswalk)],
        ignore_index=True)
    return out


def _in_unit_order(frame: pd.DataFrame, order: dict[str, int]) -> pd.DataFrame:
    """Rows by (category,) unit in `order`, month: each unit's 2025 months after its earlier ones,
    the order `wardstudy import` writes, so a filled template gives the shipped files back."""
    keys = [*(["category"] if "category" in frame.columns else []), "ward", "month"]
    categories = {c: i for i, c in enumerate(CRIME_CATEGORIES)}
    ranks = {"ward": order, "category": categories}
    return frame.sort_values(keys, kind="stable", key=lambda s: s.map(ranks[s.name]) if s.name in ranks else s
                             ).reset_index(drop=True)


def _criteria_after_reform(assessments: pd.DataFrame, crosswalk: pd.DataFrame) -> pd.DataFrame:
    """Each new unit's 2025 assessment: the 2024 one of its largest predecessor (by residents)."""
    rows = []
    last = int(END_MONTH[:4])
    for new_slug, group in crosswalk.groupby("new_slug", sort=False):  # units.csv's order
        largest = max((s for s in group["old_slug"] if s in UNIT_SIZE), key=UNIT_SIZE.get)
        flags = assessments[(assessments["ward"] == largest) & (assessments["year"] == last)]
        rows.append(flags.assign(ward=new_slug, year=last + 1))
    return pd.concat(rows, ignore_index=True)


def write_panel(out_dir: Path, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write the shipped synthetic panel (2021-01 to 2025-12, across the reorganisation) as CSV files (UTF-8, LF) into `out_dir`; return the paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, table in generate_panel(seed, through_2025=True).items():
        path = out_dir / f"{name}.csv"
        table.to_csv(path, index=False, lineterminator="\n")
        written.append(path)
    return written
