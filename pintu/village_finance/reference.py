"""Load the reference lists shipped in ``data/`` into the tables, idempotently (upsert by code)."""

from __future__ import annotations

import csv
from pathlib import Path

from django.db import transaction

from pintu.village_finance.constants import DEFAULT_FUND_SOURCES
from pintu.village_finance.models import Account, ActivityKind, Bidang, FundSource, SubBidang

DATA = Path(__file__).resolve().parent / "data"


def _rows(name: str) -> list[dict]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _upsert(model, key: str, rows: list[dict]) -> int:
    existing = {getattr(obj, key): obj for obj in model.objects.all()}
    new, changed = [], []
    for row in rows:
        obj = existing.get(row[key])
        if obj is None:
            new.append(model(**row))
            continue
        if any(getattr(obj, f) != v for f, v in row.items()):
            for f, v in row.items():
                setattr(obj, f, v)
            changed.append(obj)
    model.objects.bulk_create(new)
    if changed:
        model.objects.bulk_update(changed, [f for f in rows[0] if f != key])
    return len(new) + len(changed)


@transaction.atomic
def reference_load() -> dict[str, int]:
    """Accounts (4/5/6 from the Lampiran, 7 PFK from Siskeudes), bidang tree, fund sources."""
    accounts = [
        {
            "code": r["code"],
            "name": r["name"],
            "level": int(r["level"]),
            "parent_code": r["parent_code"],
            "is_leaf": r["level"] == "4",
        }
        for r in _rows("apbdes_accounts.csv")
    ]
    known = {a["code"] for a in accounts}
    for r in _rows("siskeudes_ref_rek_opensid.csv"):  # non-budget (PFK) accounts for the tax book
        if r["code"].startswith("7") and r["code"] not in known:
            accounts.append(
                {
                    "code": r["code"],
                    "name": r["name"],
                    "level": int(r["level"]),
                    "parent_code": r["parent_code"],
                    "is_leaf": False,
                }
            )
    from pintu.village_finance.constants import TAX_ACCOUNTS, TaxKind

    for kind, code in TAX_ACCOUNTS.items():
        accounts.append(
            {
                "code": code,
                "name": f"Potongan {TaxKind(kind).label}",
                "level": 4,
                "parent_code": "7.1.1",
                "is_leaf": True,
            }
        )
    counts = {"accounts": _upsert(Account, "code", accounts)}

    tree = _rows("apbdes_bidang.csv")
    short = {r["id_keg"]: r["nama_kegiatan"] for r in _rows("siskeudes_ref_kegiatan_opensid.csv")}
    bidang = [
        {"code": r["code"], "siskeudes_code": r["siskeudes_style_code"], "name": r["name"]}
        for r in tree
        if r["level"] == "bidang"
    ]
    counts["bidang"] = _upsert(Bidang, "code", bidang)
    bidang_ids = dict(Bidang.objects.values_list("code", "pk"))
    subs = [
        {
            "code": r["code"],
            "siskeudes_code": r["siskeudes_style_code"],
            "name": r["name"],
            "bidang_id": bidang_ids[r["parent_code"]],
        }
        for r in tree
        if r["level"] == "sub_bidang"
    ]
    counts["sub_bidang"] = _upsert(SubBidang, "code", subs)
    sub_ids = dict(SubBidang.objects.values_list("code", "pk"))
    sub_by_sis = dict(SubBidang.objects.values_list("siskeudes_code", "pk"))
    kinds = {}
    for r in tree:
        if r["level"] != "kegiatan":
            continue
        sis = r["siskeudes_style_code"]
        if r["code"].startswith("5.") and r["code"].endswith(".00"):
            # Bidang 5 kegiatan are 5.x.00 in the transcription but 05.0x.01 in Siskeudes.
            sis = sis[: -len("00")] + "01" if sis.endswith("00") else sis
        kinds[sis] = {
            "code": r["code"],
            "siskeudes_code": sis,
            "name": r["name"],
            "short_name": r["opensid_siskeudes_name"] or short.get(sis, ""),
            "sub_bidang_id": sub_ids[r["parent_code"]],
        }
    lampiran_codes = {k["code"] for k in kinds.values()}
    for r in _rows("siskeudes_ref_kegiatan_opensid.csv"):  # regional additions (e.g. 02.02.90)
        sis = r["id_keg"]
        sub_sis = ".".join(sis.split(".")[:2])
        if sis in kinds or sub_sis not in sub_by_sis:
            continue
        code = ".".join(str(int(p)) if i < 2 else p for i, p in enumerate(sis.split(".")))
        if code in lampiran_codes:
            continue
        kinds[sis] = {
            "code": code,
            "siskeudes_code": sis,
            "name": r["nama_kegiatan"],
            "short_name": r["nama_kegiatan"],
            "sub_bidang_id": sub_by_sis[sub_sis],
        }
    counts["activity_kinds"] = _upsert(ActivityKind, "siskeudes_code", list(kinds.values()))
    sources = [
        {"code": code, "name": name, "is_dana_desa": dd, "sort": sort}
        for code, name, dd, sort in DEFAULT_FUND_SOURCES
    ]
    # Fund sources are configurable: only missing ones are added, edits made by the regency stay.
    have = set(FundSource.objects.values_list("code", flat=True))
    FundSource.objects.bulk_create([FundSource(**s) for s in sources if s["code"] not in have])
    counts["fund_sources"] = len([s for s in sources if s["code"] not in have])
    return counts


def reference_is_loaded() -> bool:
    return Account.objects.exists() and ActivityKind.objects.exists()
