"""Printable outputs: kuitansi and realisation reports as PDF (Typst) and xlsx (xlsxwriter)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format
from num2words import num2words

from pintu.accounts.constants import Role
from pintu.accounts.models import RoleAssignment
from pintu.documents.rendering import render_pdf
from pintu.village_finance.constants import TaxKind
from pintu.village_finance.models import FiscalYear, PaymentRequest
from pintu.village_finance.policies import unit_for
from pintu.village_finance.workflow import Scope


def rupiah(value) -> str:
    return "Rp" + f"{int(value):,}".replace(",", ".")


def terbilang(amount) -> str:
    """The amount in Indonesian words, as a kuitansi writes it: "satu juta lima ratus ribu rupiah"."""
    return num2words(int(Decimal(amount)), lang="id") + " rupiah"


def _holder(village, role) -> str:
    unit = unit_for(village, Scope.VILLAGE)
    ra = (
        RoleAssignment.objects.filter(org_unit=unit, role=role, revoked_at__isnull=True)
        .select_related("user")
        .first()
    )
    return ra.user.display_name if ra else ""


def kuitansi_pdf(spp: PaymentRequest) -> bytes:
    village = spp.fiscal_year.village
    entry = spp.paid_entry
    taxes = list(spp.taxes.all())
    withheld = sum((t.amount for t in taxes), Decimal(0))
    data = {
        "village": village.name,
        "district": village.district.name,
        "regency": village.district.regency.name,
        "number": entry.number if entry else "",
        "spp_number": spp.number,
        "date_text": date_format(entry.date if entry else spp.requested_on, "j F Y"),
        "payee": spp.payee,
        "description": spp.description,
        "activity": spp.line.activity.name if spp.line.activity_id else "",
        "account": f"{spp.line.account.code} {spp.line.account.name}",
        "amount_text": rupiah(spp.amount),
        "amount_words": terbilang(spp.amount).capitalize(),
        "taxes": [[TaxKind(t.kind).label, rupiah(t.amount)] for t in taxes],
        "net_text": rupiah(spp.amount - withheld),
        "treasurer": _holder(village, Role.VILLAGE_TREASURER),
        "head": _holder(village, Role.VILLAGE_HEAD),
    }
    return render_pdf(template="village_finance/kuitansi.typ", data=data)


def _row(r) -> list:
    diff = r.realised - r.budget
    return [
        r.code,
        r.name,
        r.level,
        rupiah(r.budget),
        rupiah(r.realised),
        ("(" + rupiah(-diff) + ")") if diff < 0 else rupiah(diff),
        f"{r.percent or 0:.2f}".replace(".", ","),
    ]


def report_title(semester: bool) -> tuple[str, str]:
    if semester:
        return "LAPORAN REALISASI PELAKSANAAN APBDES SEMESTER PERTAMA", "Semester I (1 Januari – 30 Juni)"
    return "LAPORAN REALISASI PELAKSANAAN APBDES", "1 Januari – 31 Desember"


def report_pdf(fiscal_year: FiscalYear, report: dict, *, semester: bool) -> bytes:
    village = fiscal_year.village
    title, period = report_title(semester)
    data = {
        "title": title,
        "period": period,
        "village": village.name,
        "district": village.district.name,
        "year": fiscal_year.year,
        "rows": [_row(r) for r in report["accounts"]],
        "bidang": [_row(r) for r in report["bidang"]],
        "generated": date_format(timezone.localdate(), "j F Y"),
        "head": _holder(village, Role.VILLAGE_HEAD),
    }
    return render_pdf(template="village_finance/realisasi.typ", data=data)


def report_xlsx(fiscal_year: FiscalYear, report: dict, *, semester: bool) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": "#,##0"})
    money_bold = book.add_format({"num_format": "#,##0", "bold": True})
    pct = book.add_format({"num_format": "0.00"})
    title, period = report_title(semester)
    for sheet_name, rows in (("Rekening", report["accounts"]), ("Bidang-Kegiatan", report["bidang"])):
        sheet = book.add_worksheet(sheet_name)
        sheet.write(0, 0, title, bold)
        sheet.write(1, 0, f"Desa {fiscal_year.village.name} · Tahun {fiscal_year.year} · {period}")
        headers = ["Kode", "Uraian", "Anggaran", "Realisasi", "Lebih/(kurang)", "%"]
        for col, h in enumerate(headers):
            sheet.write(3, col, h, bold)
        for i, r in enumerate(rows, start=4):
            fmt = money_bold if r.level <= 2 else money
            sheet.write(i, 0, r.code, bold if r.level <= 2 else None)
            sheet.write(i, 1, r.name, bold if r.level <= 2 else None)
            sheet.write_number(i, 2, float(r.budget), fmt)
            sheet.write_number(i, 3, float(r.realised), fmt)
            sheet.write_number(i, 4, float(r.realised - r.budget), fmt)
            if r.percent is not None:
                sheet.write_number(i, 5, float(r.percent), pct)
        sheet.set_column(0, 0, 12)
        sheet.set_column(1, 1, 60)
        sheet.set_column(2, 4, 18)
    book.close()
    return buffer.getvalue()


def books_xlsx(fiscal_year: FiscalYear) -> bytes:
    """Buku kas umum and the subsidiary books (bank, pajak, panjar), one sheet each."""
    import xlsxwriter

    from pintu.village_finance.constants import Book
    from pintu.village_finance.selectors import book_lines

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": "#,##0"})
    date = book.add_format({"num_format": "dd/mm/yyyy"})
    for title, books in (
        ("BKU", (Book.CASH, Book.BANK)),
        ("Bank", (Book.BANK,)),
        ("Pajak", (Book.TAX,)),
        ("Panjar", (Book.PANJAR,)),
    ):
        sheet = book.add_worksheet(title)
        data = book_lines(fiscal_year, books, limit=100_000)
        for col, h in enumerate(["Tanggal", "Nomor bukti", "Uraian", "Masuk", "Keluar", "Saldo"]):
            sheet.write(0, col, h, bold)
        for i, r in enumerate(data["rows"], start=1):
            sheet.write_datetime(i, 0, dt_from(r.date), date)
            sheet.write(i, 1, r.entry.number)
            sheet.write(i, 2, r.entry.description)
            sheet.write_number(i, 3, float(r.debit), money)
            sheet.write_number(i, 4, float(r.credit), money)
            sheet.write_number(i, 5, float(r.balance), money)
        sheet.set_column(0, 1, 16)
        sheet.set_column(2, 2, 50)
        sheet.set_column(3, 5, 16)
    _panjar_sheet(book, fiscal_year, bold, money, date)
    book.close()
    return buffer.getvalue()


def _panjar_sheet(book, fiscal_year: FiscalYear, bold, money, date) -> None:
    """Rekap panjar: every panjar of the year with given / accounted / returned and what is still
    open (the LPJ shows unsettled panjar at the top)."""
    from pintu.village_finance.constants import PanjarStatus
    from pintu.village_finance.models import Panjar

    sheet = book.add_worksheet("Rekap panjar")
    headers = ["Nomor", "Tanggal", "Penerima", "Kegiatan", "Panjar", "SPJ", "Dikembalikan", "Sisa", "Status"]
    for col, h in enumerate(headers):
        sheet.write(0, col, h, bold)
    rows = sorted(
        Panjar.objects.filter(fiscal_year=fiscal_year).exclude(status=PanjarStatus.CANCELLED),
        key=lambda p: (p.status != PanjarStatus.OPEN, p.given_on, p.pk),
    )
    for i, p in enumerate(rows, start=1):
        sheet.write(i, 0, p.number)
        sheet.write_datetime(i, 1, dt_from(p.given_on), date)
        sheet.write(i, 2, p.recipient)
        sheet.write(i, 3, p.activity_name)
        for col, value in enumerate((p.amount, p.accounted, p.returned, p.outstanding), start=4):
            sheet.write_number(i, col, float(value), money)
        sheet.write(i, 8, "BELUM DIPERTANGGUNGJAWABKAN" if p.status == PanjarStatus.OPEN else "Selesai")
    sheet.set_column(0, 0, 24)
    sheet.set_column(2, 3, 36)
    sheet.set_column(4, 7, 16)
    sheet.set_column(8, 8, 30)


def dt_from(day):
    return dt.datetime(day.year, day.month, day.day)


def lpj_zip(fiscal_year: FiscalYear) -> bytes:
    """Year-end LPJ bundle: realisation report (PDF, xlsx), semester I report, books (xlsx),
    the Siskeudes export."""
    import zipfile

    from pintu.village_finance.selectors import realisation_report
    from pintu.village_finance.siskeudes import export_zip

    full = realisation_report(fiscal_year)
    semester = realisation_report(fiscal_year, until=dt.date(fiscal_year.year, 6, 30))
    name = f"{fiscal_year.village.code}-{fiscal_year.year}"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"laporan-realisasi-{name}.pdf", report_pdf(fiscal_year, full, semester=False))
        archive.writestr(f"laporan-realisasi-{name}.xlsx", report_xlsx(fiscal_year, full, semester=False))
        archive.writestr(
            f"laporan-realisasi-semester-1-{name}.pdf", report_pdf(fiscal_year, semester, semester=True)
        )
        archive.writestr(f"buku-kas-{name}.xlsx", books_xlsx(fiscal_year))
        archive.writestr(f"siskeudes-{name}.zip", export_zip(fiscal_year))
    return buffer.getvalue()
