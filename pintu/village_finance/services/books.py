"""Books: income and financing receipts, financing payments, tax remittance, transfers,
reversals and month closing."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from pintu.audit.services import audit_record
from pintu.core.errors import Conflict, ValidationFailed
from pintu.village_finance import rules
from pintu.village_finance.constants import (
    TAX_ACCOUNTS,
    Book,
    EntryKind,
    LineKind,
    SppStatus,
    TaxKind,
)
from pintu.village_finance.models import (
    BookClosing,
    BudgetLine,
    FiscalYear,
    JournalEntry,
    JournalLine,
    PaymentRequest,
)
from pintu.village_finance.services._common import (
    ZERO,
    _money,
    _today,
)
from pintu.village_finance.services._posting import (
    _book_balance,
    _bookkeeper,
    _check_open_month,
    _effective_line,
    _mirror_lines,
    _post,
    line_realised,
)
from pintu.village_finance.services.panjar import open_panjar, panjar_on_reverse


@transaction.atomic
def income_receive(
    *,
    actor,
    fiscal_year: FiscalYear,
    line: BudgetLine,
    amount,
    received_on: dt.date | None = None,
    book: str = Book.BANK,
    description: str = "",
    counterparty: str = "",
) -> JournalEntry:
    """Record income (4) or a financing receipt (6.1) against a line of the adopted APBDes (TBP)."""
    fiscal_year = _bookkeeper(actor, fiscal_year)
    received_on = received_on or _today()
    _check_open_month(fiscal_year, received_on)
    effective = _effective_line(fiscal_year, line.key, lock=False)
    if not (effective.kind == LineKind.INCOME or effective.account.code.startswith("6.1")):
        raise ValidationFailed(fields={"line": [_("Pilih baris pendapatan atau penerimaan pembiayaan.")]})
    if book not in (Book.CASH, Book.BANK):
        raise ValidationFailed(fields={"book": [_("Pilih kas tunai atau bank.")]})
    amount = _money(amount, "amount")
    if amount <= 0:
        raise ValidationFailed(fields={"amount": [_("Isi jumlah yang diterima (lebih dari nol).")]})
    kind = EntryKind.INCOME if effective.kind == LineKind.INCOME else EntryKind.FINANCING_IN
    entry = _post(
        fiscal_year=fiscal_year,
        actor=actor,
        kind=kind,
        date=received_on,
        description=description or effective.description,
        counterparty=counterparty,
        prefix="TBP",
        lines=[
            JournalLine(
                book=book,
                debit=amount,
                line_key=effective.key,
                line_kind=effective.kind,
                account_code=effective.account.code,
                fund_source_id=effective.fund_source_id,
                realised=amount,
            )
        ],
    )
    audit_record(actor=actor, verb="village_finance.income_receive", obj=entry, changes={"amount": amount})
    return entry


@transaction.atomic
def financing_pay(
    *,
    actor,
    fiscal_year: FiscalYear,
    line: BudgetLine,
    amount,
    paid_on: dt.date | None = None,
    book: str = Book.BANK,
    description: str = "",
) -> JournalEntry:
    """Pay a financing expenditure (6.2: reserve fund, capital participation), within its line."""
    fiscal_year = _bookkeeper(actor, fiscal_year)
    paid_on = paid_on or _today()
    _check_open_month(fiscal_year, paid_on)
    effective = _effective_line(fiscal_year, line.key, lock=True)
    if not effective.account.code.startswith("6.2"):
        raise ValidationFailed(fields={"line": [_("Pilih baris pengeluaran pembiayaan (6.2).")]})
    amount = _money(amount, "amount")
    if amount <= 0 or line_realised(fiscal_year.pk, effective.key) + amount > effective.amount:
        raise Conflict(_("Jumlah melebihi sisa anggaran pembiayaan ini."), code="spp.exceeds_budget")
    if _book_balance(fiscal_year.pk, book) < amount:
        raise ValidationFailed(_("Saldo tidak cukup."), code="book.insufficient")
    entry = _post(
        fiscal_year=fiscal_year,
        actor=actor,
        kind=EntryKind.FINANCING_OUT,
        date=paid_on,
        description=description or effective.description,
        prefix="BKT",
        lines=[
            JournalLine(
                book=book,
                credit=amount,
                line_key=effective.key,
                line_kind=LineKind.FINANCING,
                account_code=effective.account.code,
                fund_source_id=effective.fund_source_id,
                realised=amount,
            )
        ],
    )
    audit_record(actor=actor, verb="village_finance.financing_pay", obj=entry, changes={"amount": amount})
    return entry


@transaction.atomic
def tax_remit(
    *,
    actor,
    fiscal_year: FiscalYear,
    kind: str,
    amount,
    paid_on: dt.date | None = None,
    book: str = Book.BANK,
    ntpn: str = "",
) -> JournalEntry:
    """Pay withheld tax to the state (SSP): out of the tax book and of cash/bank."""
    fiscal_year = _bookkeeper(actor, fiscal_year)
    paid_on = paid_on or _today()
    _check_open_month(fiscal_year, paid_on)
    if kind not in TaxKind.values:
        raise ValidationFailed(fields={"kind": [_("Jenis pajak tidak dikenal.")]})
    amount = _money(amount, "amount")
    held = JournalLine.objects.filter(fiscal_year=fiscal_year, book=Book.TAX, tax_kind=kind).aggregate(
        d=Sum("debit"), c=Sum("credit")
    )
    outstanding = (held["d"] or ZERO) - (held["c"] or ZERO)
    if amount <= 0 or amount > outstanding:
        raise ValidationFailed(
            fields={
                "amount": [
                    _("Jumlah harus antara 1 dan pajak yang belum disetor (%(left)s).")
                    % {"left": rules.rupiah(outstanding)}
                ]
            }
        )
    account = TAX_ACCOUNTS[kind]
    entry = _post(
        fiscal_year=fiscal_year,
        actor=actor,
        kind=EntryKind.TAX_REMIT,
        date=paid_on,
        description=_("Setor %(tax)s NTPN %(ntpn)s") % {"tax": TaxKind(kind).label, "ntpn": ntpn or "-"},
        prefix="SSP",
        lines=[
            JournalLine(book=book, credit=amount, tax_kind=kind, account_code=account),
            JournalLine(book=Book.TAX, credit=amount, tax_kind=kind, account_code=account),
        ],
    )
    audit_record(
        actor=actor, verb="village_finance.tax_remit", obj=entry, changes={"kind": kind, "amount": amount}
    )
    return entry


TRANSFER_KINDS = {
    (Book.CASH, Book.BANK): EntryKind.TRANSFER,
    (Book.BANK, Book.CASH): EntryKind.TRANSFER,
    (Book.CASH, Book.PANJAR): EntryKind.PANJAR_OUT,
    (Book.BANK, Book.PANJAR): EntryKind.PANJAR_OUT,
    (Book.PANJAR, Book.CASH): EntryKind.PANJAR_BACK,
    (Book.PANJAR, Book.BANK): EntryKind.PANJAR_BACK,
}


@transaction.atomic
def book_transfer(
    *,
    actor,
    fiscal_year: FiscalYear,
    from_book: str,
    to_book: str,
    amount,
    moved_on: dt.date | None = None,
    description: str = "",
) -> JournalEntry:
    """Move money between cash and bank, or give/return an advance (panjar). Realises nothing."""
    fiscal_year = _bookkeeper(actor, fiscal_year)
    moved_on = moved_on or _today()
    _check_open_month(fiscal_year, moved_on)
    if Book.PANJAR in (from_book, to_book):
        # A panjar is given to a named implementer for an activity and accounted for: see panjar.py.
        raise ValidationFailed(
            fields={"to_book": [_("Panjar diberikan dan dikembalikan lewat halaman Panjar kegiatan.")]}
        )
    kind = TRANSFER_KINDS.get((from_book, to_book))
    if kind is None:
        raise ValidationFailed(fields={"to_book": [_("Pilih dua buku berbeda: kas, bank atau panjar.")]})
    amount = _money(amount, "amount")
    if amount <= 0 or _book_balance(fiscal_year.pk, from_book) < amount:
        raise ValidationFailed(
            fields={"amount": [_("Jumlah harus lebih dari nol dan tidak melebihi saldo asal.")]}
        )
    entry = _post(
        fiscal_year=fiscal_year,
        actor=actor,
        kind=kind,
        date=moved_on,
        description=description or EntryKind(kind).label,
        prefix="PB",
        lines=[JournalLine(book=from_book, credit=amount), JournalLine(book=to_book, debit=amount)],
    )
    audit_record(actor=actor, verb="village_finance.book_transfer", obj=entry, changes={"amount": amount})
    return entry


@transaction.atomic
def entry_reverse(
    *, actor, entry: JournalEntry, reason: str, reversed_on: dt.date | None = None
) -> JournalEntry:
    """Correct a posted entry with a new one that mirrors it (the original is never edited)."""
    fiscal_year = _bookkeeper(actor, entry.fiscal_year)
    entry = JournalEntry.objects.select_for_update().get(pk=entry.pk)
    if not reason.strip():
        raise ValidationFailed(fields={"reason": [_("Tuliskan alasan koreksi.")]})
    if entry.kind == EntryKind.REVERSAL or JournalEntry.objects.filter(reverses=entry).exists():
        raise Conflict(_("Bukti ini sudah dikoreksi."), code="entry.already_reversed")
    reversed_on = reversed_on or _today()
    _check_open_month(fiscal_year, reversed_on)
    lines = _mirror_lines(entry)
    try:
        with transaction.atomic():
            new = _post(
                fiscal_year=fiscal_year,
                actor=actor,
                kind=EntryKind.REVERSAL,
                date=reversed_on,
                description=_("Koreksi %(number)s: %(reason)s")
                % {"number": entry.number, "reason": reason.strip()},
                prefix="KOR",
                lines=lines,
                reverses=entry,
            )
    except IntegrityError:
        raise Conflict(_("Bukti ini sudah dikoreksi."), code="entry.already_reversed") from None
    if entry.kind in (EntryKind.PANJAR_OUT, EntryKind.PANJAR_SPEND, EntryKind.PANJAR_BACK):
        panjar_on_reverse(entry)
    if entry.kind == EntryKind.PAYMENT:
        PaymentRequest.objects.filter(paid_entry=entry).update(status=SppStatus.REJECTED)
    audit_record(
        actor=actor, verb="village_finance.entry_reverse", obj=new, changes={"reverses": entry.number}
    )
    return new


def _require_panjar_accounted(fiscal_year: FiscalYear, month: int) -> None:
    """A panjar is accounted for by the end of the month after the one it was given in: closing
    month M refuses while a panjar given before M is open; closing December (the year end)
    refuses while any panjar is open (the remainder must be back before the year's books close)."""
    before = None if month == 12 else dt.date(fiscal_year.year, month, 1)
    late = open_panjar(fiscal_year, given_before=before).first()
    if late is None:
        return
    if month == 12:
        message = _(
            "Panjar %(number)s kepada %(recipient)s (%(amount)s, diberikan %(date)s) belum "
            "dipertanggungjawabkan. Pada akhir tahun semua panjar harus dipertanggungjawabkan dan "
            "sisanya dikembalikan sebelum buku Desember ditutup."
        )
    else:
        message = _(
            "Panjar %(number)s kepada %(recipient)s (%(amount)s, diberikan %(date)s) belum "
            "dipertanggungjawabkan. Selesaikan pertanggungjawabannya atau kembalikan sisanya "
            "sebelum menutup buku bulan ini."
        )
    raise ValidationFailed(
        message
        % {
            "number": late.number,
            "recipient": late.recipient,
            "amount": rules.rupiah(late.outstanding),
            "date": late.given_on.strftime("%d-%m-%Y"),
        },
        code="panjar.open",
    )


@transaction.atomic
def month_close(*, actor, fiscal_year: FiscalYear, month: int) -> BookClosing:
    """Close the buku kas umum for a month (and every earlier one): no more entries dated in it."""
    fiscal_year = _bookkeeper(actor, fiscal_year)
    if not 1 <= month <= 12:
        raise ValidationFailed(fields={"month": [_("Pilih bulan 1–12.")]})
    existing = BookClosing.objects.filter(fiscal_year=fiscal_year, month=month).first()
    if existing:
        return existing
    end = dt.date(fiscal_year.year, month, 1) + dt.timedelta(days=32)
    end = end.replace(day=1)
    _require_panjar_accounted(fiscal_year, month)
    balances = {}
    for book in (Book.CASH, Book.BANK):
        row = JournalLine.objects.filter(fiscal_year=fiscal_year, book=book, date__lt=end).aggregate(
            d=Sum("debit"), c=Sum("credit")
        )
        balances[book] = (row["d"] or ZERO) - (row["c"] or ZERO)
    closing = BookClosing.objects.create(
        fiscal_year=fiscal_year,
        month=month,
        closed_by=actor,
        closed_at=timezone.now(),
        cash_balance=balances[Book.CASH],
        bank_balance=balances[Book.BANK],
    )
    audit_record(actor=actor, verb="village_finance.month_close", obj=closing, changes={"month": month})
    return closing
