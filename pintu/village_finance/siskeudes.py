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
import uuid
import zipfile
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from pintu.core.errors import ValidationFailed
from pintu.village_finance import services
from pintu.village_finance.constants import (
    TAX_ACCOUNTS,
    Book,
    BudgetKind,
    EntryKind,
    LineKind,
    SppStatus,
)
from pintu.village_finance.models import (
    Activity,
    ActivityKind,
    Bidang,
    Budget,
    BudgetLine,
    FiscalYear,
    FundSource,
    JournalEntry,
    PaymentRequest,
    PlanActivity,
)
from pintu.village_finance.siskeudes_panjar import export_panjar
from pintu.village_finance.siskeudes_rows import KD_BAYAR

LAYOUT = Path(__file__).resolve().parent / "data" / "siskeudes_export_tables.csv"
TABLES = (
    "Ref_Version",
    "Ref_Sumber",
    "Ta_Bidang",
    "Ta_Kegiatan",
    "Ta_RAB",
    "Ta_RABRinci",
    "Ta_AnggaranLog",
    "Ta_SPP",
    "Ta_SPPRinci",
    "Ta_SPPPot",
    "Ta_SPPBukti",
    "Ta_Pencairan",
    "Ta_SPJ",
    "Ta_SPJRinci",
    "Ta_SPJBukti",
    "Ta_SPJPot",
    "Ta_SPJSisa",
    "Ta_TBP",
    "Ta_TBPRinci",
    "Ta_Pajak",
    "Ta_Mutasi",
    "Ta_JurnalUmum",
    "Ta_JurnalUmumRinci",
)
# Ta_Mutasi.Kd_Mutasi: 1 setor tunai ke bank, 2 tarik bank ke tunai. Advances (panjar) have their
# own records: Ta_SPP Jn_SPP "UM", Ta_SPJ…, Ta_SPJSisa (``siskeudes_panjar``).
MUTASI = {"1": (Book.CASH, Book.BANK), "2": (Book.BANK, Book.CASH)}
KD_MUTASI = {books: code for code, books in MUTASI.items()}
# Ta_JurnalUmum.JnsBukti for the entries no other table carries.
JNS_FINANCING_OUT = "BKT"
JNS_REVERSAL = "KOR"
PANJAR_KINDS = tuple(k for k in EntryKind.values if k.startswith("panjar"))
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
    if base.status == "adopted":
        tables["Ta_AnggaranLog"].append(
            {
                "KdPosting": "1",
                "Tahun": year,
                "Kd_Desa": desa,
                "No_Perdes": base.perdes_number,
                "TglPosting": base.adopted_on.isoformat() if base.adopted_on else "",
                "Kunci": "1",
            }
        )
    _export_execution(fiscal_year, tables, desa, year, kd_keg)
    export_panjar(fiscal_year, tables, desa, year, {a.plan_id: kd_keg[a.pk] for a in activities})
    return tables


def _export_execution(fiscal_year: FiscalYear, tables: dict, desa: str, year: str, kd_keg: dict) -> None:
    """SPP (with rincian, tax cuts, evidence, disbursement), receipts, tax remittances, transfers
    and the general journal (financing payments, corrections): everything the books hold."""
    keg_of_line = {}
    for spp in (
        PaymentRequest.objects.filter(fiscal_year=fiscal_year)
        .select_related("line__account", "line__fund_source", "paid_entry")
        .prefetch_related("taxes", "paid_entry__lines")
        .order_by("pk")
    ):
        if spp.paid_entry is None and spp.status == SppStatus.REJECTED:
            continue  # never paid, rejected: no trace in the books
        keg = kd_keg.get(spp.line.activity_id, "")
        keg_of_line[spp.line_key] = keg
        entry = spp.paid_entry
        cut = sum((t.amount for t in spp.taxes.all()), Decimal(0))
        tables["Ta_SPP"].append(
            {
                "Tahun": year,
                "No_SPP": spp.number,
                "Tgl_SPP": spp.requested_on.isoformat(),
                "Jn_SPP": "LS",
                "Kd_Desa": desa,
                "Keterangan": spp.description,
                "Jumlah": spp.amount,
                "Potongan": cut,
                "Status": 2 if entry else 1,
                "Nm_Penerima": spp.payee,
                "Tgl_Bayar": entry.date.isoformat() if entry else "",
            }
        )
        tables["Ta_SPPRinci"].append(
            {
                "Tahun": year,
                "Kd_Desa": desa,
                "No_SPP": spp.number,
                "Kd_Keg": keg,
                "Kd_Rincian": spp.line.account.code,
                "Sumberdana": spp.line.fund_source.code,
                "Nilai": spp.amount,
                "Kd_SubRinci": str(spp.line_key),
            }
        )
        for tax in spp.taxes.all():
            tables["Ta_SPPPot"].append(
                {
                    "Tahun": year,
                    "Kd_Desa": desa,
                    "No_SPP": spp.number,
                    "Kd_Keg": keg,
                    "No_Bukti": entry.number if entry else "",
                    "Kd_Rincian": TAX_ACCOUNTS[tax.kind],
                    "Nilai": tax.amount,
                }
            )
        if entry is None:
            continue
        book = next((jl.book for jl in entry.lines.all() if jl.line_key), Book.BANK)
        tables["Ta_SPPBukti"].append(
            {
                "Tahun": year,
                "Kd_Desa": desa,
                "No_SPP": spp.number,
                "Kd_Keg": keg,
                "Kd_Rincian": spp.line.account.code,
                "Sumberdana": spp.line.fund_source.code,
                "No_Bukti": entry.number,
                "Tgl_Bukti": entry.date.isoformat(),
                "Nm_Penerima": entry.counterparty,
                "Keterangan": entry.description,
                "Nilai": spp.amount,
                "Kd_SubRinci": str(spp.line_key),
                "Tgl_Bayar": entry.date.isoformat(),
            }
        )
        tables["Ta_Pencairan"].append(
            {
                "Tahun": year,
                "No_Cek": entry.number,
                "No_SPP": spp.number,
                "Tgl_Cek": entry.date.isoformat(),
                "Kd_Desa": desa,
                "Keterangan": entry.description,
                "Jumlah": spp.amount,
                "Potongan": cut,
                "KdBayar": KD_BAYAR.get(book, "2"),
                "Tgl_Bayar": entry.date.isoformat(),
            }
        )
    entries = (
        JournalEntry.objects.filter(fiscal_year=fiscal_year)
        .exclude(kind__in=[EntryKind.PAYMENT, *PANJAR_KINDS])
        .select_related("reverses")
        .prefetch_related("lines__fund_source")
        .order_by("date", "pk")
    )
    for entry in entries:
        lines = list(entry.lines.all())
        money = [jl for jl in lines if jl.book in (Book.CASH, Book.BANK)]
        book = money[0].book if money else Book.BANK
        if entry.kind in (EntryKind.INCOME, EntryKind.FINANCING_IN):
            tables["Ta_TBP"].append(
                {
                    "Tahun": year,
                    "No_Bukti": entry.number,
                    "Tgl_Bukti": entry.date.isoformat(),
                    "Kd_Desa": desa,
                    "Uraian": entry.description,
                    "Nm_Penyetor": entry.counterparty,
                    "Jumlah": sum((jl.debit for jl in lines), Decimal(0)),
                    "Status": "2",
                    "KdBayar": KD_BAYAR.get(book, "2"),
                }
            )
            for jl in lines:
                tables["Ta_TBPRinci"].append(
                    {
                        "Tahun": year,
                        "No_Bukti": entry.number,
                        "Kd_Desa": desa,
                        "Kd_Keg": desa + NON_ACTIVITY + ".",
                        "Kd_Rincian": jl.account_code,
                        "SumberDana": jl.fund_source.code if jl.fund_source_id else "",
                        "nilai": jl.realised,
                        "Kd_SubRinci": str(jl.line_key),
                    }
                )
        elif entry.kind == EntryKind.TAX_REMIT:
            tax = next(jl for jl in lines if jl.book == Book.TAX)
            tables["Ta_Pajak"].append(
                {
                    "Tahun": year,
                    "Kd_Desa": desa,
                    "No_SSP": entry.number,
                    "Tgl_SSP": entry.date.isoformat(),
                    "Keterangan": entry.description,
                    "Kd_Rincian": tax.account_code,
                    "Jumlah": tax.credit,
                    "KdBayar": KD_BAYAR.get(book, "2"),
                }
            )
        elif entry.kind == EntryKind.TRANSFER:
            source = next(jl for jl in lines if jl.credit)
            target = next(jl for jl in lines if jl.debit)
            tables["Ta_Mutasi"].append(
                {
                    "Tahun": year,
                    "Kd_Desa": desa,
                    "No_Bukti": entry.number,
                    "Tgl_Bukti": entry.date.isoformat(),
                    "Keterangan": entry.description,
                    "Kd_Mutasi": KD_MUTASI[(source.book, target.book)],
                    "Nilai": source.credit,
                }
            )
        else:  # financing payments and corrections: the general journal
            jns = JNS_REVERSAL if entry.kind == EntryKind.REVERSAL else JNS_FINANCING_OUT
            tables["Ta_JurnalUmum"].append(
                {
                    "Tahun": year,
                    "KdBuku": book,
                    "Kd_Desa": desa,
                    "Tanggal": entry.date.isoformat(),
                    "JnsBukti": jns,
                    "NoBukti": entry.number,
                    "Keterangan": entry.description,
                    "Debet": sum((jl.debit for jl in money), Decimal(0)),
                    "Kredit": sum((jl.credit for jl in money), Decimal(0)),
                    "Posted": "1",
                }
            )
            for i, jl in enumerate(lines, 1):
                tables["Ta_JurnalUmumRinci"].append(
                    {
                        "Tahun": year,
                        "NoBukti": entry.number,
                        "Kd_Keg": keg_of_line.get(jl.line_key, desa + NON_ACTIVITY + "."),
                        "RincianSD": str(jl.line_key or ""),
                        "NoID": entry.reverses.number if entry.reverses_id else i,
                        "Kd_Desa": desa,
                        "Akun": jl.book,
                        "Kd_Rincian": jl.account_code,
                        "Sumberdana": jl.fund_source.code if jl.fund_source_id else "",
                        "DK": "D" if jl.debit else "K",
                        "Debet": jl.debit,
                        "Kredit": jl.credit,
                    }
                )


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
