"""Names and numbers of village finance (Permendagri 20/2018, PP 11/2019)."""

import datetime as dt
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class BudgetKind(models.TextChoices):
    ORIGINAL = "original", _("APBDes murni")
    AMENDMENT = "amendment", _("Perubahan APBDes")


class BudgetStatus(models.TextChoices):
    DRAFT = "draft", _("Rancangan")
    AGREED = "agreed", _("Disepakati bersama BPD")
    SUBMITTED = "submitted", _("Diajukan ke camat")
    IN_EVALUATION = "in_evaluation", _("Dievaluasi kabupaten")
    RETURNED = "returned", _("Dikembalikan untuk perbaikan")
    EVALUATED = "evaluated", _("Selesai dievaluasi")
    ADOPTED = "adopted", _("Ditetapkan (Perdes)")


EDITABLE_STATUSES = frozenset({BudgetStatus.DRAFT, BudgetStatus.RETURNED})


class BudgetAction(models.TextChoices):
    CREATE = "create", _("Rancangan dibuat")
    AGREE = "agree", _("Disepakati bersama BPD")
    SUBMIT = "submit", _("Diajukan ke camat")
    FORWARD = "forward", _("Diteruskan camat ke kabupaten")
    RETURN = "return", _("Dikembalikan untuk perbaikan")
    RESUBMIT = "resubmit", _("Perbaikan diajukan kembali")
    APPROVE = "approve", _("Hasil evaluasi: disetujui")
    LAPSE = "lapse", _("Evaluasi lewat 20 hari kerja: dianggap disetujui")
    ADOPT = "adopt", _("Ditetapkan sebagai Perdes")


class LineKind(models.TextChoices):
    INCOME = "income", _("Pendapatan")
    SPENDING = "spending", _("Belanja")
    FINANCING = "financing", _("Pembiayaan")


# First segment of an account code for each kind of line.
LINE_KIND_ROOT = {LineKind.INCOME: "4", LineKind.SPENDING: "5", LineKind.FINANCING: "6"}


class PayPosition(models.TextChoices):
    NONE = "", _("—")
    HEAD = "head", _("Kepala desa")
    SECRETARY = "secretary", _("Sekretaris desa")
    STAFF = "staff", _("Perangkat desa lainnya")


# PP 11/2019 art. 81: monthly fixed pay at least 120 % / 110 % / 100 % of civil servant grade II/a.
FIXED_PAY_MINIMUM = {
    PayPosition.HEAD: Decimal("2426640"),
    PayPosition.SECRETARY: Decimal("2224420"),
    PayPosition.STAFF: Decimal("2022200"),
}
# PP 11/2019 art. 100: at most 30 % of spending on fixed pay and allowances of the village head
# and staff and the BPD allowance; spending financed by tanah bengkok income is left out.
PAY_CAP_PERCENT = Decimal("30")
PAY_CAP_ACCOUNT_PREFIXES = ("5.1.1.", "5.1.2.", "5.1.4.")
TANAH_KAS_DESA_ACCOUNT = "4.1.2.01"
MONTH_UNITS = frozenset({"ob", "orang/bulan", "orang-bulan", "bulan", "bln"})

SUBMIT_WITHIN_DAYS = 3  # calendar days after BPD agreement (Permendagri 20/2018 art. 32)
EVALUATION_WORKING_DAYS = 20
CORRECTION_WORKING_DAYS = 20


class SppStatus(models.TextChoices):
    DRAFT = "draft", _("Diajukan bendahara")
    VERIFIED = "verified", _("Diverifikasi sekdes")
    APPROVED = "approved", _("Disetujui kepala desa")
    PAID = "paid", _("Dibayar")
    REJECTED = "rejected", _("Ditolak")


class SppAction(models.TextChoices):
    CREATE = "create", _("Dibuat")
    VERIFY = "verify", _("Diverifikasi")
    APPROVE = "approve", _("Disetujui")
    PAY = "pay", _("Dibayar")
    REJECT = "reject", _("Ditolak")


class Book(models.TextChoices):
    CASH = "cash", _("Kas tunai")
    BANK = "bank", _("Bank")
    TAX = "tax", _("Pajak")
    PANJAR = "panjar", _("Panjar")


class EntryKind(models.TextChoices):
    INCOME = "income", _("Penerimaan pendapatan")
    FINANCING_IN = "financing_in", _("Penerimaan pembiayaan")
    PAYMENT = "payment", _("Pembayaran belanja")
    FINANCING_OUT = "financing_out", _("Pengeluaran pembiayaan")
    TAX_REMIT = "tax_remit", _("Penyetoran pajak")
    TRANSFER = "transfer", _("Pemindahbukuan kas/bank")
    PANJAR_OUT = "panjar_out", _("Pemberian panjar")
    PANJAR_SPEND = "panjar_spend", _("Pertanggungjawaban panjar (SPJ)")
    PANJAR_BACK = "panjar_back", _("Pengembalian sisa panjar")
    REVERSAL = "reversal", _("Koreksi (pembalik)")


class TaxKind(models.TextChoices):
    PPN = "ppn", _("PPN")
    PPH21 = "pph21", _("PPh 21")
    PPH22 = "pph22", _("PPh 22")
    PPH23 = "pph23", _("PPh 23")


# Siskeudes "7.1.1 Perhitungan PFK - Potongan Pajak" objects for the tax book. The reference data
# stops at jenis (7.1.1); the objek numbering below follows Siskeudes 2.0 as commonly printed
# (confidence C: check against a Siskeudes database before relying on it for an export).
TAX_ACCOUNTS = {
    TaxKind.PPN: "7.1.1.01",
    TaxKind.PPH21: "7.1.1.02",
    TaxKind.PPH22: "7.1.1.03",
    TaxKind.PPH23: "7.1.1.04",
}

DEFAULT_FUND_SOURCES = [
    # code, name, is_dana_desa, sort
    ("DDS", "Dana Desa", True, 1),
    ("ADD", "Alokasi Dana Desa", False, 2),
    ("PBH", "Bagi Hasil Pajak dan Retribusi", False, 3),
    ("PAD", "Pendapatan Asli Desa", False, 4),
    ("BKK", "Bantuan Keuangan Kabupaten", False, 5),
    ("BKP", "Bantuan Keuangan Provinsi", False, 6),
    ("SILPA", "SiLPA Tahun Sebelumnya", False, 7),
    ("PBP", "Penerimaan Pembiayaan", False, 8),
    ("DLL", "Lain-lain Pendapatan Desa yang Sah", False, 9),
]


class PanjarStatus(models.TextChoices):
    OPEN = "open", _("Belum dipertanggungjawabkan")
    SETTLED = "settled", _("Selesai")
    CANCELLED = "cancelled", _("Dibatalkan (dikoreksi)")


class ReportKind(models.TextChoices):
    SEMESTER = "semester1", _("Laporan realisasi semester I")
    YEAR_END = "year_end", _("Laporan pertanggungjawaban realisasi APBDes (akhir tahun)")


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Dikirim ke camat")
    RECEIVED = "received", _("Diterima camat")
    RETURNED = "returned", _("Dikembalikan camat")


def report_due(kind: str, year: int):
    """Permendagri 20/2018 art. 68 and 70: the semester I report by the end of July of the fiscal
    year; the year-end report (pertanggungjawaban) by the end of January of the next year.

    The regulation names the month's end, so the due date is the calendar date (not moved to a
    working day)."""
    if kind == ReportKind.SEMESTER:
        return dt.date(year, 7, 31)
    return dt.date(year + 1, 1, 31)


def report_period_end(kind: str, year: int):
    """The last day the report covers: 30 June for semester I, 31 December for the year."""
    return dt.date(year, 6, 30) if kind == ReportKind.SEMESTER else dt.date(year, 12, 31)
