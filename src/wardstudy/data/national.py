"""The national unit list: every commune-level unit of Vietnam before the July 2025 reorganisation.

``data/reference/national_units.csv`` holds the 10,051 units (1,716 phường, 7,717 xã,
618 thị trấn) of the General Statistics Office's list as packaged by ``vietnam-provinces``
0.6.0 (data version 2025-01-04, https://pypi.org/project/vietnam-provinces/0.6.0/). It is
real, sourced information, and the base of the national synthetic panel
(`wardstudy.data.national_panel`).

The file was made by `units_from_divisions` from the package's ``nested-divisions.json``;
`write_national_units` does it again from that file (see data/README.md)::

    pip download --no-deps vietnam-provinces==0.6.0 && unzip vietnam_provinces-0.6.0-*.whl
    python -m wardstudy.data.national vietnam_provinces/data/nested-divisions.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd

from wardstudy import files, paths
from wardstudy.data.names import strip_diacritics

__all__ = [
    "NATIONAL_UNITS_SOURCE",
    "CENTRAL_CITY_CODES",
    "national_units_path",
    "units_from_divisions",
    "read_national_units",
    "national_slugs",
    "write_national_units",
]

NATIONAL_UNITS_SOURCE = "GSO 2025-01-04 via vietnam-provinces 0.6.0"
# Hà Nội, Hải Phòng, Đà Nẵng, Thành phố Hồ Chí Minh, Cần Thơ: the five centrally-run cities.
CENTRAL_CITY_CODES = ("01", "31", "48", "79", "92")

# Unit and district type prefixes as the GSO list writes them, longest first.
_UNIT_TYPES = {"Thị trấn": "thị trấn", "Phường": "phường", "Xã": "xã"}
_DISTRICT_TYPES = {"Thành phố": "thành phố", "Thị xã": "thị xã", "Quận": "quận", "Huyện": "huyện"}
COLUMNS = ["code", "name", "type", "district_code", "district", "district_type",
           "province_code", "province", "source"]


def national_units_path() -> Path:
    return paths.reference_dir() / "national_units.csv"


def _split_type(full_name: str, types: dict[str, str]) -> tuple[str, str]:
    """('Phường Đức Xuân', unit types) -> ('phường', 'Đức Xuân'); case-insensitive prefix."""
    for prefix, kind in types.items():
        if full_name.casefold().startswith(prefix.casefold() + " "):
            return kind, full_name[len(prefix) + 1:]
    raise ValueError(f"no known type prefix in {full_name!r}")


def units_from_divisions(nested: list[dict]) -> pd.DataFrame:
    """The unit table from vietnam-provinces' nested divisions (provinces > districts > wards).

    Codes are zero-padded as the GSO writes them: province 2 digits, district 3, unit 5.

    >>> nested = [{"name": "Tỉnh Bắc Kạn", "code": 6, "districts": [
    ...     {"name": "Thành Phố Bắc Kạn", "code": 58,
    ...      "wards": [{"name": "Phường Đức Xuân", "code": 1840}]}]}]
    >>> units_from_divisions(nested).iloc[0][["code", "name", "type", "district_type"]].tolist()
    ['01840', 'Đức Xuân', 'phường', 'thành phố']
    """
    rows = []
    for province in nested:
        province_name = _split_type(province["name"], {"Thành phố": "", "Tỉnh": ""})[1]
        for district in province["districts"]:
            district_type, _ = _split_type(district["name"], _DISTRICT_TYPES)
            for unit in district["wards"]:
                unit_type, name = _split_type(unit["name"], _UNIT_TYPES)
                rows.append({
                    "code": f"{unit['code']:05d}", "name": name, "type": unit_type,
                    "district_code": f"{district['code']:03d}", "district": district["name"],
                    "district_type": district_type,
                    "province_code": f"{province['code']:02d}", "province": province_name,
                    "source": NATIONAL_UNITS_SOURCE,
                })
    return pd.DataFrame(rows, columns=COLUMNS).sort_values("code", ignore_index=True)


def read_national_units(path: Path | None = None) -> pd.DataFrame:
    """The shipped national unit list, codes as text.

    >>> units = read_national_units()
    >>> len(units), int((units["type"] == "phường").sum())
    (10051, 1716)
    """
    return pd.read_csv(path or national_units_path(), dtype=str, keep_default_na=False)


def _ascii_slug(text: str) -> str:
    folded = strip_diacritics(text).lower()
    words = "".join(ch if ch.isalnum() else " " for ch in folded).split()
    return "-".join(words)


def national_slugs(units: pd.DataFrame, known: dict[str, str] | None = None) -> pd.Series:
    """A unique slug per unit: the name in ASCII and the GSO code ("phuc-xa-00001").

    Names repeat across the country ("Phường 1" in dozens of districts), so the code is part
    of the slug; units the project already knows (`known`: code -> slug, the shipped
    units.csv) keep their slug so that params files and reports stay the same.

    >>> units = pd.DataFrame({"code": ["00001", "01840"], "name": ["Phúc Xá", "Đức Xuân"]})
    >>> national_slugs(units, {"01840": "duc-xuan"}).tolist()
    ['phuc-xa-00001', 'duc-xuan']
    """
    known = known or {}
    made = [f"{_ascii_slug(name)}-{code}" for name, code in zip(units["name"], units["code"])]
    return pd.Series([known.get(code, slug) for code, slug in zip(units["code"], made)],
                     index=units.index, name="slug")


def write_national_units(nested_json: Path, out: Path | None = None) -> Path:
    """Write the national unit list from vietnam-provinces' nested-divisions.json."""
    nested = json.loads(Path(nested_json).read_text(encoding="utf-8"))
    out = out or national_units_path()
    files.atomic_write_text(out, units_from_divisions(nested).to_csv(index=False, lineterminator="\n"))
    return out


if __name__ == "__main__":  # pragma: no cover - a maintainer's step, documented above
    print(write_national_units(Path(sys.argv[1])))
