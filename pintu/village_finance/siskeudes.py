"""Siskeudes-compatible export and import: a .zip of one CSV per Siskeudes table, with the column
names of ``data/siskeudes_export_tables.csv`` (the layout OpenSID imports; confidence B).

Codes: ``Kd_Desa`` = "<kecamatan>.<desa>." from the Kemendagri code (35.10.24.2008 → "24.2008.");
``Kd_Keg`` = Kd_Desa + the Siskeudes kegiatan code + "." (e.g. "24.2008.02.03.01."); income and
financing rows use kegiatan "00.00.00.". ``Kd_SubRinci`` keeps our line key so a re-import of
the same file changes nothing.
"""

from __future__ import annotations

import csv
import io
import zipfile
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from pintu.core.errors import ValidationFailed
from pintu.village_finance import services
from pintu.village_finance.constants import BudgetKind, LineKind, SppStatus
from pintu.village_finance.models import (
    Activity,
    ActivityKind,
    Bidang,
    Budget,
    BudgetLine,
    FiscalYear,
    FundSource,
    JournalLine,
    PaymentRequest,
    PlanActivity,
)

LAYOUT = Path(__file__).resolve().parent / "data" / "siskeudes_export_tables.csv"
TABLES = (
    "Ref_Version",
    "Ref_Sumber",
    "Ta_Bidang",
    "Ta_Kegiatan",
    "Ta_RAB",
    "Ta_RABRinci",
    "Ta_SPP",
    "Ta_SPPRinci",
    "Ta_TBPRinci",
)
NON_ACTIVITY = "00.00.00"


def columns() -> dict[str, list[str]]:
    with LAYOUT.open(encoding="utf-8", newline="") as handle:
        return {
            r["siskeudes_csv_file"].removesuffix(".csv"): r["columns"].split() for r in csv.DictReader(handle)
        }


def kd_desa(village_code: str) -> str:
    parts = village_code.split(".")
    return f"{parts[2]}.{parts[3]}."


def _csv(cols: list[str], rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=cols, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: row.get(c, "") for c in cols})
    return out.getvalue().encode("utf-8")


def export_tables(fiscal_year: FiscalYear) -> dict[str, list[dict]]:
    desa = kd_desa(fiscal_year.village.code)
    year = str(fiscal_year.year)
    original = Budget.objects.filter(fiscal_year=fiscal_year, kind=BudgetKind.ORIGINAL).first()
    amendment = Budget.objects.filter(fiscal_year=fiscal_year, kind=BudgetKind.AMENDMENT).first()
    base = original or amendment
    tables: dict[str, list[dict]] = {t: [] for t in TABLES}
    tables["Ref_Version"] = [{"Versi": "Pintu-2.0"}]
    tables["Ref_Sumber"] = [
        {"Kode": s.code, "Nama_Sumber": s.name, "Urut": s.sort} for s in FundSource.objects.all()
    ]
    if base is None:
        return tables
    pak = {line.key: line for line in BudgetLine.objects.filter(budget=amendment)} if amendment else {}
    activities = list(
        Activity.objects.filter(budget=base).select_related("kind__sub_bidang__bidang", "plan__fund_source")
    )
    bidang_used = sorted({a.kind.sub_bidang.bidang.siskeudes_code for a in activities})
    names = dict(Bidang.objects.values_list("siskeudes_code", "name"))
    tables["Ta_Bidang"] = [
        {"Tahun": year, "Kd_Desa": desa, "Kd_Bid": desa + b + ".", "Nama_Bidang": names[b]}
        for b in bidang_used
    ]
    kd_keg = {}
    for a in activities:
        code = desa + a.kind.siskeudes_code + "."
        kd_keg[a.pk] = code
        tables["Ta_Kegiatan"].append(
            {
                "Tahun": year,
                "Kd_Desa": desa,
                "Kd_Bid": desa + a.kind.sub_bidang.bidang.siskeudes_code + ".",
                "Kd_Sub": desa + a.kind.sub_bidang.siskeudes_code + ".",
                "Kd_Keg": code,
                "ID_Keg": a.kind.siskeudes_code,
                "Nama_Kegiatan": a.name,
                "Pagu": a.total,
                "Lokasi": a.location,
                "Keluaran": a.output,
                "Sumberdana": a.plan.fund_source.code,
            }
        )
    rab: dict[tuple, dict] = {}
    for i, line in enumerate(
        BudgetLine.objects.filter(budget=base).select_related("account", "fund_source").order_by("pk"), 1
    ):
        keg = kd_keg.get(line.activity_id, desa + NON_ACTIVITY + ".")
        after = pak.get(line.key, line) if amendment else line
        tables["Ta_RABRinci"].append(
            {
                "Tahun": year,
                "Kd_Desa": desa,
                "Kd_Keg": keg,
                "Kd_Rincian": line.account.code,
                "Kd_SubRinci": str(line.key),
                "No_Urut": i,
                "SumberDana": line.fund_source.code,
                "Uraian": line.description,
                "Satuan": line.unit,
                "JmlSatuan": line.volume,
                "HrgSatuan": line.unit_price,
                "Anggaran": line.amount,
                "JmlSatuanPAK": after.volume,
                "HrgSatuanPAK": after.unit_price,
                "AnggaranStlhPAK": after.amount,
                "AnggaranPAK": after.amount - line.amount,
            }
        )
        agg = rab.setdefault(
            (keg, line.account.code),
            {
                "Tahun": year,
                "Kd_Desa": desa,
                "Kd_Keg": keg,
                "Kd_Rincian": line.account.code,
                "Anggaran": Decimal(0),
                "AnggaranStlhPAK": Decimal(0),
            },
        )
        agg["Anggaran"] += line.amount
        agg["AnggaranStlhPAK"] += after.amount
    for agg in rab.values():
        agg["AnggaranPAK"] = agg["AnggaranStlhPAK"] - agg["Anggaran"]
    tables["Ta_RAB"] = list(rab.values())
    for spp in (
        PaymentRequest.objects.filter(fiscal_year=fiscal_year)
        .select_related("line__account", "line__fund_source", "paid_entry")
        .prefetch_related("taxes")
    ):
        tables["Ta_SPP"].append(
            {
                "Tahun": year,
                "No_SPP": spp.number,
                "Tgl_SPP": spp.requested_on.isoformat(),
                "Jn_SPP": "LS",
                "Kd_Desa": desa,
                "Keterangan": spp.description,
                "Jumlah": spp.amount,
                "Potongan": sum((t.amount for t in spp.taxes.all()), Decimal(0)),
                "Status": {SppStatus.PAID: 2}.get(spp.status, 1),
                "Nm_Penerima": spp.payee,
                "Tgl_Bayar": spp.paid_entry.date.isoformat() if spp.paid_entry else "",
            }
        )
        tables["Ta_SPPRinci"].append(
            {
                "Tahun": year,
                "Kd_Desa": desa,
                "No_SPP": spp.number,
                "Kd_Keg": kd_keg.get(spp.line.activity_id, ""),
                "Kd_Rincian": spp.line.account.code,
                "Sumberdana": spp.line.fund_source.code,
                "Nilai": spp.amount,
                "Kd_SubRinci": str(spp.line_key),
            }
        )
    for jl in JournalLine.objects.filter(
        fiscal_year=fiscal_year, line_kind__in=[LineKind.INCOME, LineKind.FINANCING], debit__gt=0
    ).select_related("entry", "fund_source"):
        tables["Ta_TBPRinci"].append(
            {
                "Tahun": year,
                "No_Bukti": jl.entry.number,
                "Kd_Desa": desa,
                "Kd_Keg": desa + NON_ACTIVITY + ".",
                "Kd_Rincian": jl.account_code,
                "SumberDana": jl.fund_source.code if jl.fund_source_id else "",
                "nilai": jl.realised,
                "Kd_SubRinci": str(jl.line_key),
            }
        )
    return tables


def export_zip(fiscal_year: FiscalYear) -> bytes:
    cols = columns()
    cols["Ref_Version"] = ["Versi"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, rows in export_tables(fiscal_year).items():
            archive.writestr(f"{name}.csv", _csv(cols[name], rows))
    return buffer.getvalue()


def _read(archive: zipfile.ZipFile, name: str) -> list[dict]:
    try:
        raw = archive.read(f"{name}.csv").decode("utf-8-sig")
    except KeyError:
        return []
    return list(csv.DictReader(io.StringIO(raw)))


@transaction.atomic
def import_budget(*, actor, fiscal_year: FiscalYear, data: bytes) -> dict[str, int]:
    """Load Ta_Kegiatan + Ta_RABRinci into the year's editable draft, through the services.

    Idempotent: a row whose ``Kd_SubRinci`` (or kegiatan + rekening + uraian + jumlah) is already in
    the draft is skipped.
    """
    budget = fiscal_year.budgets.order_by("-kind").first()
    if budget is None or not budget.is_editable:
        raise ValidationFailed(
            ("Impor hanya ke rancangan APBDes yang masih dapat diubah."), code="siskeudes.not_editable"
        )
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        kegiatan = _read(archive, "Ta_Kegiatan")
        rinci = _read(archive, "Ta_RABRinci")
    counts = {"plans": 0, "activities": 0, "lines": 0, "skipped": 0}
    plans = {
        p.kind.siskeudes_code + "|" + p.name: p
        for p in PlanActivity.objects.filter(fiscal_year=fiscal_year).select_related("kind")
    }
    by_keg = {}
    known_kinds = set(ActivityKind.objects.values_list("siskeudes_code", flat=True))
    for row in kegiatan:
        sis = row["ID_Keg"]
        if sis not in known_kinds:
            raise ValidationFailed(f"Kode kegiatan {sis} tidak dikenal.", code="siskeudes.unknown_kegiatan")
        key = sis + "|" + row["Nama_Kegiatan"]
        plan = plans.get(key)
        if plan is None:
            plan = services.plan_activity_add(
                actor=actor,
                fiscal_year=fiscal_year,
                kind_code=sis,
                name=row["Nama_Kegiatan"],
                fund_source=row.get("Sumberdana") or "DDS",
                indicative_amount=Decimal(row.get("Pagu") or 0),
                location=row.get("Lokasi", ""),
                output=row.get("Keluaran", ""),
            )
            plans[key] = plan
            counts["plans"] += 1
        existed = Activity.objects.filter(budget=budget, plan=plan).exists()
        by_keg[row["Kd_Keg"]] = services.activity_add(actor=actor, budget=budget, plan=plan)
        counts["activities"] += 0 if existed else 1
    existing = set(BudgetLine.objects.filter(budget=budget).values_list("key", flat=True))
    signatures = set(
        BudgetLine.objects.filter(budget=budget).values_list(
            "activity__kind__siskeudes_code", "account__code", "description", "amount"
        )
    )
    import uuid

    for row in rinci:
        code = row["Kd_Rincian"]
        root = code.split(".", 1)[0]
        kind = {"4": LineKind.INCOME, "5": LineKind.SPENDING, "6": LineKind.FINANCING}.get(root)
        activity = by_keg.get(row["Kd_Keg"])
        try:
            key = uuid.UUID(row.get("Kd_SubRinci", ""))
        except ValueError:
            key = None
        amount = Decimal(row.get("Anggaran") or 0)
        sig = (activity.kind.siskeudes_code if activity else None, code, row["Uraian"], amount)
        if kind is None or (key and key in existing) or sig in signatures:
            counts["skipped"] += 1
            continue
        line = services.budget_line_add(
            actor=actor,
            budget=budget,
            kind=kind,
            activity=activity if kind == LineKind.SPENDING else None,
            account=code,
            fund_source=row.get("SumberDana") or "DDS",
            description=row["Uraian"],
            volume=row.get("JmlSatuan") or 1,
            unit=row.get("Satuan") or "paket",
            unit_price=Decimal(row.get("HrgSatuan") or 0),
        )
        if key and not BudgetLine.objects.filter(budget=budget, key=key).exists():
            BudgetLine.objects.filter(pk=line.pk).update(key=key)
        signatures.add(sig)
        counts["lines"] += 1
    return counts
