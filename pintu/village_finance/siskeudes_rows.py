"""Reading a Siskeudes zip for import: the tables, row-level failures and the import report."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.utils.translation import gettext as _

from pintu.accounts.constants import Role
from pintu.core.errors import DomainError, ValidationFailed
from pintu.village_finance import policies
from pintu.village_finance.constants import TAX_ACCOUNTS, Book
from pintu.village_finance.workflow import Scope

MAX_UNZIPPED_MB = 200
IMPORT_NOTE = "Diimpor dari Siskeudes"
TAX_OF_ACCOUNT = {account: kind for kind, account in TAX_ACCOUNTS.items()}
# KdBayar: how money moved (Siskeudes: 1 tunai, 2 bank).
KD_BAYAR = {Book.CASH: "1", Book.BANK: "2"}
BOOK_OF_KD_BAYAR = {"1": Book.CASH, "2": Book.BANK}
# In this order on the same day: a panjar (Ta_SPP Jn_SPP "UM") is given before its SPJ, which
# comes before the return of the rest (Ta_SPJSisa).
EXECUTION_TABLES = ("Ta_TBP", "Ta_Mutasi", "Ta_SPP", "Ta_SPJ", "Ta_SPJSisa", "Ta_JurnalUmum", "Ta_Pajak")
COUNTED_TABLES = ("Ta_Kegiatan", "Ta_RABRinci", "Ta_AnggaranLog", *EXECUTION_TABLES)
# services' field names → the Siskeudes column a user should look at
FIELD_COLUMN = {
    "amount": "Nilai",
    "date": "Tanggal",
    "line": "Kd_SubRinci",
    "account": "Kd_Rincian",
    "fund_source": "SumberDana",
    "description": "Uraian",
    "volume": "JmlSatuan",
    "unit_price": "HrgSatuan",
    "kind": "Kd_Rincian",
    "name": "Nama_Kegiatan",
}


@dataclass
class RowError:
    table: str
    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    counts: dict = field(default_factory=dict)  # table → {"imported", "skipped", "failed"}
    errors: list = field(default_factory=list)
    total: int = 0
    processed: int = 0

    def tally(self, table: str, outcome: str) -> None:
        row = self.counts.setdefault(table, {"imported": 0, "skipped": 0, "failed": 0})
        row[outcome] += 1

    def as_dict(self) -> dict:
        return {
            "counts": self.counts,
            "errors": [e.__dict__ for e in self.errors],
            "total": self.total,
            "processed": self.processed,
        }


class RowFailed(Exception):
    """A row cannot be imported; ``table``/``row`` default to the row being imported."""

    def __init__(self, column: str, message, *, table: str | None = None, row: int | None = None):
        super().__init__(str(message))
        self.column, self.message, self.table, self.row = column, str(message), table, row


def may_import(principal, village) -> bool:
    """The village's treasurer, or the regency admin of the village's regency."""
    return bool(
        policies.acting_unit(principal, village, Scope.VILLAGE, (Role.VILLAGE_TREASURER,))
        or policies.acting_unit(principal, village, Scope.REGENCY, (Role.REGENCY_ADMIN,))
    )


def decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def read_archive(data: bytes) -> dict[str, list[dict]]:
    """Every CSV of the zip as rows (header = Siskeudes column names). Raises ValidationFailed."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise ValidationFailed(
            _("Berkas bukan arsip .zip ekspor Siskeudes."), code="siskeudes.not_zip"
        ) from None
    with archive:
        infos = [i for i in archive.infolist() if i.filename.lower().endswith(".csv") and not i.is_dir()]
        if sum(i.file_size for i in infos) > MAX_UNZIPPED_MB * 1024 * 1024:
            raise ValidationFailed(
                _("Isi arsip lebih dari %(mb)s MB setelah dibuka.") % {"mb": MAX_UNZIPPED_MB},
                code="siskeudes.too_large",
            )
        tables = {}
        for info in infos:
            text = decode(archive.read(info))
            first = text.split("\n", 1)[0]
            delimiter = ";" if first.count(";") > first.count(",") else ","
            name = Path(info.filename).name.removesuffix(".csv").removesuffix(".CSV")
            tables[name] = [
                {k.strip(): (v or "").strip() for k, v in row.items() if k}
                for row in csv.DictReader(io.StringIO(text), delimiter=delimiter)
            ]
    if not any(name.startswith("Ta_") for name in tables):
        raise ValidationFailed(
            _("Arsip tidak berisi tabel Siskeudes (Ta_*.csv)."), code="siskeudes.no_tables"
        )
    return tables


def count_rows(tables: dict[str, list[dict]]) -> int:
    return sum(len(tables.get(t, [])) for t in COUNTED_TABLES)


def parse_date(value: str, column: str, year: int, *, earliest: int | None = None) -> dt.date:
    text = (value or "").strip()[:10]
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%d-%m-%Y"):
        try:
            day = dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if not (earliest or year) <= day.year <= year:
            raise RowFailed(
                column, _("Tanggal %(d)s tidak di tahun anggaran %(y)s.") % {"d": text, "y": year}
            )
        return day
    raise RowFailed(column, _("Tanggal kosong atau tidak dikenali (pakai TTTT-BB-HH): %(v)s") % {"v": text})


def parse_amount(value: str, column: str, *, positive: bool = True) -> Decimal:
    text = (value or "").strip()
    try:
        amount = Decimal(text.replace(",", "")) if text else Decimal(0)
    except InvalidOperation:
        raise RowFailed(column, _("Bukan angka rupiah: %(v)s") % {"v": text}) from None
    if amount != amount.to_integral_value():
        amount = amount.quantize(Decimal(1))
    if amount < 0 or (positive and amount == 0):
        raise RowFailed(column, _("Jumlah harus lebih dari nol."))
    return amount


def required(row: dict, column: str) -> str:
    value = (row.get(column) or "").strip()
    if not value:
        raise RowFailed(column, _("Kolom %(c)s kosong.") % {"c": column})
    return value


def keg_code(kd_keg: str) -> str:
    """'24.2008.02.03.01.' → '02.03.01'."""
    parts = [p for p in (kd_keg or "").split(".") if p]
    return ".".join(parts[-3:]) if len(parts) >= 3 else ""


def domain_failure(error: DomainError, column: str) -> RowFailed:
    if error.fields:
        name, messages = next(iter(error.fields.items()))
        detail = "; ".join(str(m) for m in messages)
        message = f"{error.message} {detail}" if error.message != error.default_message else detail
        return RowFailed(FIELD_COLUMN.get(name, column), message)
    return RowFailed(column, error.message)


def target_rows(tables: dict, desa: str, year: int) -> dict:
    """Keep the rows of this village and year (a Siskeudes database may hold several desa)."""
    kept, seen = {}, set()
    for name, rows in tables.items():
        mine = []
        for row in rows:
            row_desa, row_year = row.get("Kd_Desa", ""), row.get("Tahun", "")
            if row_desa or row_year:
                seen.add((row_desa, row_year))
            if (not row_desa or row_desa == desa) and (not row_year or row_year == str(year)):
                mine.append(row)
        kept[name] = mine
    if seen and not any(kept.get(t) for t in COUNTED_TABLES):
        found = ", ".join(sorted(f"{d or '?'} {y or '?'}" for d, y in seen)[:5])
        raise ValidationFailed(
            _("Berkas tidak berisi data desa ini (Kd_Desa %(desa)s) tahun %(year)s. Isi berkas: %(found)s.")
            % {"desa": desa, "year": year, "found": found},
            code="siskeudes.other_village",
        )
    return kept


def error_report_csv(errors: list[dict]) -> bytes:
    """The bad rows as CSV (Indonesian headers), for download."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Tabel"), _("Baris"), _("Kolom"), _("Alasan")])
    for e in errors:
        writer.writerow([e["table"], e["row"], e["column"], e["message"]])
    return out.getvalue().encode("utf-8-sig")
