"""The Dukcapil/OpenSID code lists (``data/*.csv``), loaded once at import.

Residents store the numeric code; labels come from here. ``lookup(list, value)`` accepts a code
("3"), a label in any case ("Islam") or a known spelling variant, as found in village spreadsheets.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

LISTS = (
    "agama",
    "pendidikan_kk",
    "pendidikan_sedang",
    "pekerjaan",
    "status_perkawinan",
    "golongan_darah",
    "hubungan_keluarga",
    "jenis_kelamin",
    "warganegara",
    "status_dasar",
    "status_penduduk",
    "cacat",
    "jenis_pindah",
    "peristiwa_kependudukan",
)


def _load(name: str) -> dict[int, str]:
    with (DATA / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        return {int(row["code"]): row["name"].strip() for row in csv.DictReader(fh)}


CODES: dict[str, dict[int, str]] = {name: _load(name) for name in LISTS}

_SPACES = re.compile(r"[\s/.\-]+")


def _norm(text: str) -> str:
    return _SPACES.sub("", text.upper())


# label (normalized) -> code, plus the code itself as text, plus a few common variants
_BY_TEXT: dict[str, dict[str, int]] = {}
for _name, _codes in CODES.items():
    table = {}
    for _code, _label in _codes.items():
        table[str(_code)] = _code
        table[_norm(_label)] = _code
    _BY_TEXT[_name] = table
_VARIANTS = {
    "jenis_kelamin": {
        "L": 1,
        "P": 2,
        "LK": 1,
        "PR": 2,
        "LAKILAKI": 1,
        "PEREMPUAN": 2,
        "WANITA": 2,
        "PRIA": 1,
    },
    "agama": {"KATOLIK": 3, "BUDDHA": 5, "KONGHUCU": 6, "KEPERCAYAAN": 7},
    "status_perkawinan": {"KAWINTERCATAT": 2, "KAWINBELUMTERCATAT": 2, "BELUMMENIKAH": 1, "MENIKAH": 2},
    "golongan_darah": {"": 13, "TIDAKTAHU": 13, "-": 13},
    "warganegara": {"INDONESIA": 1},
    "status_dasar": {"": 1},
    "status_penduduk": {"": 1},
    "hubungan_keluarga": {"KK": 1, "KEPALAKELUARGA": 1, "ORANGTUA": 7, "FAMILILAIN": 9},
    "cacat": {"": 7},
}
for _name, _extra in _VARIANTS.items():
    _BY_TEXT[_name].update(_extra)


def label(list_name: str, code: int | None) -> str:
    if code is None:
        return ""
    return CODES[list_name].get(int(code), "")


def lookup(list_name: str, value) -> int | None:
    """The code for ``value`` (a code, a label or a variant), or None when unknown."""
    if value is None:
        value = ""
    if isinstance(value, int | float):
        value = str(int(value))
    table = _BY_TEXT[list_name]
    text = str(value).strip()
    code = table.get(text)
    if code is None:
        code = table.get(_norm(text))
    return code


def choices(list_name: str) -> list[tuple[int, str]]:
    return list(CODES[list_name].items())
