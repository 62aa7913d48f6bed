"""Turning field values into the words printed on a letter (Indonesian dates, rupiah, terbilang)."""

from __future__ import annotations

import datetime as dt

from num2words import num2words

MONTHS_ID = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip


def date_id(value: dt.date | None) -> str:
    """28 November 2026."""
    if value is None:
        return ""
    return f"{value.day} {MONTHS_ID[value.month - 1]} {value.year}"


def rupiah(amount: int) -> str:
    """Rp 1.500.000"""
    return "Rp " + f"{int(amount):,}".replace(",", ".")


def terbilang(amount: int) -> str:
    """1500000 → "satu juta lima ratus ribu rupiah"."""
    return f"{num2words(int(amount), lang='id')} rupiah"


def mask_name(name: str) -> str:
    """'Siti Aminah' → 'S***i A***h' (the public verification page shows only this)."""
    return " ".join(w[0] + "***" + (w[-1] if len(w) > 1 else "") for w in (name or "").split()[:3])[:60]


def display_fields(schema: list[dict], values: dict) -> dict:
    """The cleaned values as printed: dates in words, money with terbilang, others as text."""
    out = {}
    for spec in schema:
        key = spec["key"]
        value = values.get(key)
        if value in (None, ""):
            out[key] = ""
            continue
        kind = spec.get("kind", "text")
        if kind == "date":
            out[key] = date_id(dt.date.fromisoformat(value))
        elif kind == "money":
            out[key] = rupiah(value)
            out[f"{key}_terbilang"] = terbilang(value)
        elif kind == "time":
            out[key] = f"{value} WIB"
        else:
            out[key] = str(value)
    return out
