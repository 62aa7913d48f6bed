"""Posting to the books: entry numbers, open months, the effective line and its realisation.

Every verb that moves money goes through :func:`_post`; every verb that spends against a budget
line locks it with :func:`_effective_line` (``lock=True``) and sums :func:`line_realised` in the
same transaction.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from pintu.accounts.access import principal_for
from pintu.core.errors import Conflict, NotFound, ValidationFailed
from pintu.village_finance import policies, rules
from pintu.village_finance.constants import TAX_ACCOUNTS, Book, LineKind, TaxKind
from pintu.village_finance.models import (
    BookClosing,
    BudgetLine,
    FiscalYear,
    FundSource,
    JournalEntry,
    JournalLine,
)
from pintu.village_finance.services._common import (
    ZERO,
    InvalidBudgetTransition,
    _lock_year,
    _money,
)


def _next_number(fiscal_year: FiscalYear, counter: str, prefix: str) -> str:
    FiscalYear.objects.filter(pk=fiscal_year.pk).update(**{counter: F(counter) + 1})
    value = FiscalYear.objects.values_list(counter, flat=True).get(pk=fiscal_year.pk)
    return f"{value:04d}/{prefix}/{fiscal_year.village.code}/{fiscal_year.year}"


def _check_open_month(fiscal_year: FiscalYear, day: dt.date) -> None:
    if day.year != fiscal_year.year:
        raise ValidationFailed(
            fields={"date": [_("Tanggal harus di tahun anggaran %(year)s.") % {"year": fiscal_year.year}]}
        )
    if BookClosing.objects.filter(fiscal_year=fiscal_year, month__gte=day.month).exists():
        raise ValidationFailed(
            fields={
                "date": [
                    _(
                        "Buku kas umum bulan ini sudah ditutup. Catat dengan tanggal di bulan yang masih terbuka."
                    )
                ]
            }
        )


def _effective_line(fiscal_year: FiscalYear, line_key, *, lock: bool) -> BudgetLine:
    if fiscal_year.effective_budget_id is None:
        raise InvalidBudgetTransition(
            _("APBDes tahun ini belum ditetapkan; belum ada anggaran yang dapat dibelanjakan.")
        )
    qs = BudgetLine.objects.filter(budget_id=fiscal_year.effective_budget_id, key=line_key)
    if lock:
        qs = qs.select_for_update()
    line = qs.first()
    if line is None:
        raise NotFound(_("Baris anggaran tidak ada dalam APBDes yang berlaku."))
    return line


def line_realised(fiscal_year_id: int, line_key) -> Decimal:
    return (
        JournalLine.objects.filter(fiscal_year_id=fiscal_year_id, line_key=line_key).aggregate(
            total=Sum("realised")
        )["total"]
        or ZERO
    )


def _book_balance(fiscal_year_id: int, book: str) -> Decimal:
    row = JournalLine.objects.filter(fiscal_year_id=fiscal_year_id, book=book).aggregate(
        d=Sum("debit"), c=Sum("credit")
    )
    return (row["d"] or ZERO) - (row["c"] or ZERO)


def _post(
    *, fiscal_year, actor, kind, date, description, prefix, lines, counterparty="", reverses=None
) -> JournalEntry:
    entry = JournalEntry.objects.create(
        fiscal_year=fiscal_year,
        number=_next_number(fiscal_year, "entry_counter", prefix),
        date=date,
        kind=kind,
        description=description[:300],
        counterparty=counterparty[:150],
        reverses=reverses,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        posted_at=timezone.now(),
    )
    for jl in lines:
        jl.entry = entry
        jl.fiscal_year = fiscal_year
        jl.date = date
    JournalLine.objects.bulk_create(lines)
    _keep_realisation(fiscal_year, lines)
    return entry


def _keep_realisation(fiscal_year: FiscalYear, lines: list[JournalLine]) -> None:
    deltas = dict.fromkeys(REALISED_FIELDS, ZERO)
    dana_desa = None
    for jl in lines:
        if not jl.realised:
            continue
        if jl.line_kind == LineKind.INCOME:
            deltas["realised_income"] += jl.realised
        elif jl.line_kind == LineKind.SPENDING:
            deltas["realised_spending"] += jl.realised
            if dana_desa is None:
                dana_desa = set(FundSource.objects.filter(is_dana_desa=True).values_list("pk", flat=True))
            if jl.fund_source_id in dana_desa:
                deltas["realised_dana_desa"] += jl.realised
        elif jl.account_code.startswith("6.1"):
            deltas["realised_financing_in"] += jl.realised
        elif jl.account_code.startswith("6.2"):
            deltas["realised_financing_out"] += jl.realised
    changed = {field: F(field) + delta for field, delta in deltas.items() if delta}
    if changed:
        FiscalYear.objects.filter(pk=fiscal_year.pk).update(**changed)


REALISED_FIELDS = (
    "realised_income",
    "realised_spending",
    "realised_financing_in",
    "realised_financing_out",
    "realised_dana_desa",
)


def _bookkeeper(actor, fiscal_year: FiscalYear) -> FiscalYear:
    fiscal_year = _lock_year(fiscal_year)
    policies.require_village_role(principal_for(actor), fiscal_year.village, policies.BOOKKEEPER)
    return fiscal_year


# --- spending against a budget line (SPP payment and panjar accounting share this) -----------------


def _tax_rows(taxes: dict | None, amount: Decimal, errors: dict, field: str = "taxes") -> list[tuple]:
    """Parse withheld taxes ``{kind: amount}``: the non-zero ones as ``[(kind, amount)]``.

    Problems go into ``errors`` under ``field`` (the caller raises once, with every field)."""
    rows = []
    for kind, value in (taxes or {}).items():
        if kind not in TaxKind.values:
            errors[field] = [_("Jenis pajak tidak dikenal.")]
            continue
        tax = _money(value, f"tax_{kind}")
        if tax > 0:
            rows.append((kind, tax))
    if sum((t for _k, t in rows), ZERO) > amount:
        errors[field] = [_("Potongan pajak melebihi jumlah bruto.")]
    return rows


def _lock_spending_line(fiscal_year: FiscalYear, line_key, amount: Decimal) -> BudgetLine:
    """Lock the effective spending line and refuse ``amount`` if, with what is already realised,
    it would exceed the line. The guarantee that spending never exceeds a line under concurrency:
    the row lock and the realised sum are taken in the caller's transaction (ADR 0011 §4)."""
    line = _effective_line(fiscal_year, line_key, lock=True)
    spent = line_realised(fiscal_year.pk, line_key)
    if spent + amount > line.amount:
        raise Conflict(
            _("Pembayaran %(amount)s melebihi sisa anggaran %(left)s pada baris %(line)s.")
            % {
                "amount": rules.rupiah(amount),
                "left": rules.rupiah(line.amount - spent),
                "line": line.description,
            },
            code="spp.exceeds_budget",
        )
    return line


def _spending_journal_lines(
    *, line: BudgetLine, amount: Decimal, taxes: list[tuple], book: str, tax_book: str
) -> list[JournalLine]:
    """The journal lines of one spending: ``amount`` out of ``book`` realised on ``line``; each
    withheld tax back into ``tax_book`` (the money stays with the treasurer) and into the tax book
    (held for the state until :func:`tax_remit`)."""
    return [
        JournalLine(
            book=book,
            credit=amount,
            line_key=line.key,
            line_kind=LineKind.SPENDING,
            account_code=line.account.code,
            fund_source_id=line.fund_source_id,
            realised=amount,
        ),
        *[
            jl
            for kind, tax in taxes
            for jl in (
                JournalLine(book=tax_book, debit=tax, tax_kind=kind, account_code=TAX_ACCOUNTS[kind]),
                JournalLine(book=Book.TAX, debit=tax, tax_kind=kind, account_code=TAX_ACCOUNTS[kind]),
            )
        ],
    ]


def _mirror_lines(entry: JournalEntry) -> list[JournalLine]:
    """The lines of a correction of ``entry``: each of its lines with debit and credit swapped
    and its realisation negated (a posted entry is never edited)."""
    return [
        JournalLine(
            book=jl.book,
            debit=jl.credit,
            credit=jl.debit,
            line_key=jl.line_key,
            line_kind=jl.line_kind,
            account_code=jl.account_code,
            fund_source_id=jl.fund_source_id,
            tax_kind=jl.tax_kind,
            realised=-jl.realised,
        )
        for jl in entry.lines.all()
    ]
