"""Panjar kegiatan: the treasurer advances money to an activity's implementer, who accounts for
it (SPJ panjar: spending against the activity's budget lines, taxes withheld as for a payment) and
returns the rest.

Books: giving moves money from cash/bank to the panjar book; each accounting posts the spending
out of the panjar book (realised on the lines, with the same line lock and overspend guard as an
SPP payment) and the withheld tax back to the treasurer's book and into the tax book; closing
returns the remainder from the panjar book to cash/bank. The panjar is settled when
``accounted + returned == amount``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Sum
from django.utils.translation import gettext as _

from pintu.audit.services import audit_record
from pintu.core.errors import Conflict, InvalidTransition, ValidationFailed
from pintu.village_finance import rules
from pintu.village_finance.constants import Book, EntryKind, LineKind, PanjarStatus, SppStatus
from pintu.village_finance.models import (
    Activity,
    BudgetLine,
    FiscalYear,
    JournalEntry,
    JournalLine,
    Panjar,
    PanjarItem,
    PaymentRequest,
)
from pintu.village_finance.services._common import ZERO, _money, _today
from pintu.village_finance.services._posting import (
    _book_balance,
    _bookkeeper,
    _check_open_month,
    _lock_spending_line,
    _next_number,
    _post,
    _spending_journal_lines,
    _tax_rows,
    line_realised,
)

SOURCE_BOOKS = (Book.CASH, Book.BANK)


def activity_available(fiscal_year: FiscalYear, activity: Activity, *, exclude_panjar=None) -> Decimal:
    """What is still free on an activity of the effective budget: its lines, less what is realised,
    less SPPs still in process, less what open panjar still hold (a soft check for the user; the
    guarantee is the line lock when the spending is posted)."""
    lines = list(BudgetLine.objects.filter(activity_id=activity.pk).values_list("key", "amount"))
    keys = [key for key, _amount in lines]
    budget = sum((amount for _key, amount in lines), ZERO)
    realised = (
        JournalLine.objects.filter(fiscal_year=fiscal_year, line_key__in=keys).aggregate(t=Sum("realised"))[
            "t"
        ]
        or ZERO
    )
    pending = (
        PaymentRequest.objects.filter(
            fiscal_year=fiscal_year,
            line_key__in=keys,
            status__in=[SppStatus.DRAFT, SppStatus.VERIFIED, SppStatus.APPROVED],
        ).aggregate(t=Sum("amount"))["t"]
        or ZERO
    )
    held = Panjar.objects.filter(fiscal_year=fiscal_year, plan_id=activity.plan_id, status=PanjarStatus.OPEN)
    if exclude_panjar is not None:
        held = held.exclude(pk=exclude_panjar.pk)
    outstanding = held.aggregate(t=Sum(F("amount") - F("accounted") - F("returned")))["t"] or ZERO
    return budget - realised - pending - outstanding


def _lock_panjar(actor, panjar: Panjar) -> tuple[FiscalYear, Panjar]:
    return _bookkeeper(actor, panjar.fiscal_year), _lock_open(panjar)


def _lock_open(panjar: Panjar) -> Panjar:
    panjar = Panjar.objects.select_for_update().get(pk=panjar.pk)
    if panjar.status != PanjarStatus.OPEN:
        raise InvalidTransition(
            _("Panjar %(number)s sudah %(status)s.")
            % {"number": panjar.number, "status": panjar.get_status_display().lower()},
            code="panjar.not_open",
        )
    return panjar


def _settle_if_done(panjar: Panjar, day: dt.date) -> None:
    """Settled when nothing is left with the implementer (one UPDATE, guarded by the amounts)."""
    Panjar.objects.filter(
        pk=panjar.pk, status=PanjarStatus.OPEN, amount=F("accounted") + F("returned")
    ).update(status=PanjarStatus.SETTLED, settled_on=day)
    panjar.refresh_from_db()


@transaction.atomic
def panjar_give(
    *,
    actor,
    fiscal_year: FiscalYear,
    activity: Activity,
    recipient: str,
    amount,
    description: str = "",
    recipient_position: str = "",
    book: str = Book.CASH,
    given_on: dt.date | None = None,
) -> Panjar:
    """Advance money to the implementer of an activity of the adopted APBDes (cash/bank → panjar)."""
    return _give(
        actor=actor,
        fiscal_year=_bookkeeper(actor, fiscal_year),
        activity=activity,
        recipient=recipient,
        amount=amount,
        description=description,
        recipient_position=recipient_position,
        book=book,
        given_on=given_on,
    )


def _give(
    *,
    actor,
    fiscal_year: FiscalYear,
    activity: Activity,
    recipient: str,
    amount,
    description: str,
    recipient_position: str,
    book: str,
    given_on: dt.date | None,
    siskeudes_ref: str = "",
) -> Panjar:
    """The body of :func:`panjar_give` for a fiscal year already locked and an actor already
    allowed (the Siskeudes import checks its own permission and passes the Siskeudes number)."""
    given_on = given_on or _today()
    errors = {}
    if fiscal_year.effective_budget_id is None or activity.budget_id != fiscal_year.effective_budget_id:
        errors["activity"] = [_("Pilih kegiatan dari APBDes yang berlaku.")]
    if not (recipient or "").strip():
        errors["recipient"] = [_("Isi nama pelaksana kegiatan yang menerima panjar.")]
    if book not in SOURCE_BOOKS:
        errors["book"] = [_("Pilih kas tunai atau bank.")]
    amount = _money(amount, "amount")
    if amount <= 0:
        errors["amount"] = [_("Isi jumlah panjar (lebih dari nol).")]
    if errors:
        raise ValidationFailed(fields=errors)
    _check_open_month(fiscal_year, given_on)
    available = activity_available(fiscal_year, activity)
    if amount > available:
        raise ValidationFailed(
            _("Panjar %(amount)s melebihi sisa anggaran kegiatan ini %(left)s.")
            % {"amount": rules.rupiah(amount), "left": rules.rupiah(max(available, ZERO))},
            code="panjar.exceeds_budget",
            fields={"amount": [_("Kurangi jumlah panjar.")]},
        )
    if _book_balance(fiscal_year.pk, book) < amount:
        raise ValidationFailed(
            _("Saldo %(book)s tidak cukup untuk panjar ini.") % {"book": Book(book).label.lower()},
            code="book.insufficient",
        )
    description = (description or "").strip() or _("Panjar kegiatan %(name)s") % {"name": activity.name}
    entry = _post(
        fiscal_year=fiscal_year,
        actor=actor,
        kind=EntryKind.PANJAR_OUT,
        date=given_on,
        description=description,
        counterparty=recipient.strip(),
        prefix="PJR",
        lines=[JournalLine(book=book, credit=amount), JournalLine(book=Book.PANJAR, debit=amount)],
    )
    panjar = Panjar.objects.create(
        fiscal_year=fiscal_year,
        number=_next_number(fiscal_year, "panjar_counter", "PJR"),
        plan_id=activity.plan_id,
        activity_name=activity.name[:300],
        recipient=recipient.strip()[:150],
        recipient_position=(recipient_position or "").strip()[:100],
        description=description[:300],
        book=book,
        amount=amount,
        given_on=given_on,
        given_entry=entry,
        created_by=actor,
        siskeudes_ref=siskeudes_ref[:80],
    )
    audit_record(
        actor=actor,
        verb="village_finance.panjar_give",
        obj=panjar,
        changes={"amount": amount, "recipient": panjar.recipient, "entry": entry.number},
    )
    return panjar


@transaction.atomic
def panjar_account(
    *, actor, panjar: Panjar, items: list[dict], accounted_on: dt.date | None = None
) -> JournalEntry:
    """The implementer accounts for spending made from the panjar (SPJ panjar).

    ``items``: ``[{"line": BudgetLine, "amount": …, "description": …, "payee": …,
    "taxes": {"pph22": …}}]``, each against a spending line of the panjar's activity. One entry;
    each line is locked and checked exactly as an SPP payment; the items together may not exceed
    what the panjar still holds. Settles the panjar when nothing is left with the implementer.
    """
    fiscal_year, panjar = _lock_panjar(actor, panjar)
    return _account(
        actor=actor, fiscal_year=fiscal_year, panjar=panjar, items=items, accounted_on=accounted_on
    )


def _account(
    *, actor, fiscal_year: FiscalYear, panjar: Panjar, items: list[dict], accounted_on: dt.date | None
) -> JournalEntry:
    """The body of :func:`panjar_account` (year and open panjar locked, actor allowed)."""
    accounted_on = accounted_on or _today()
    if not items:
        raise ValidationFailed(fields={"items": [_("Isi paling sedikit satu rincian belanja.")]})
    errors: dict = {}
    parsed = []
    for i, item in enumerate(items, start=1):
        line = item.get("line")
        field = f"items.{i}"
        if (
            line is None
            or line.budget_id != fiscal_year.effective_budget_id
            or line.kind != LineKind.SPENDING
            or line.activity.plan_id != panjar.plan_id
        ):
            errors[field] = [_("Rincian %(i)s: pilih baris belanja kegiatan panjar ini.") % {"i": i}]
            continue
        amount = _money(item.get("amount") or 0, f"{field}.amount")
        if amount <= 0:
            errors[field] = [_("Rincian %(i)s: isi jumlah bruto (lebih dari nol).") % {"i": i}]
            continue
        description = (item.get("description") or "").strip() or line.description
        payee = (item.get("payee") or "").strip()
        if not payee:
            errors[field] = [_("Rincian %(i)s: isi nama penerima pembayaran.") % {"i": i}]
        taxes = _tax_rows(item.get("taxes"), amount, errors, f"{field}.taxes")
        parsed.append((line, amount, description, payee, taxes))
    if errors:
        raise ValidationFailed(fields=errors)
    if accounted_on < panjar.given_on:
        raise ValidationFailed(
            fields={"date": [_("Tanggal pertanggungjawaban tidak boleh sebelum panjar diberikan.")]}
        )
    _check_open_month(fiscal_year, accounted_on)
    total = sum((amount for _l, amount, *_rest in parsed), ZERO)
    if total > panjar.outstanding:
        raise ValidationFailed(
            _("Belanja %(total)s melebihi sisa panjar %(left)s yang belum dipertanggungjawabkan.")
            % {"total": rules.rupiah(total), "left": rules.rupiah(panjar.outstanding)},
            code="panjar.exceeds_advance",
        )
    # One lock per line, in a fixed order (no deadlock between two SPJs), each checked against
    # everything this SPJ spends on it.
    per_line: dict = {}
    for line, amount, *_rest in parsed:
        per_line[line.key] = per_line.get(line.key, ZERO) + amount
    locked = {key: _lock_spending_line(fiscal_year, key, per_line[key]) for key in sorted(per_line, key=str)}
    journal = []
    for line, amount, _description, _payee, taxes in parsed:
        journal += _spending_journal_lines(
            line=locked[line.key], amount=amount, taxes=taxes, book=Book.PANJAR, tax_book=panjar.book
        )
    entry = _post(
        fiscal_year=fiscal_year,
        actor=actor,
        kind=EntryKind.PANJAR_SPEND,
        date=accounted_on,
        description=_("SPJ %(number)s: %(what)s") % {"number": panjar.number, "what": parsed[0][2]},
        counterparty=panjar.recipient,
        prefix="SPJ",
        lines=journal,
    )
    PanjarItem.objects.bulk_create(
        [
            PanjarItem(
                panjar=panjar,
                entry=entry,
                line_key=line.key,
                line=locked[line.key],
                description=description[:300],
                payee=payee[:150],
                amount=amount,
                tax_withheld=sum((t for _k, t in taxes), ZERO),
            )
            for line, amount, description, payee, taxes in parsed
        ]
    )
    Panjar.objects.filter(pk=panjar.pk).update(accounted=F("accounted") + total)
    _settle_if_done(panjar, accounted_on)
    audit_record(
        actor=actor,
        verb="village_finance.panjar_account",
        obj=panjar,
        changes={"entry": entry.number, "amount": total, "items": len(parsed), "status": panjar.status},
    )
    return entry


@transaction.atomic
def panjar_close(*, actor, panjar: Panjar, closed_on: dt.date | None = None) -> Panjar:
    """The implementer returns what was not spent (panjar → the book it came from); settled."""
    fiscal_year, panjar = _lock_panjar(actor, panjar)
    return _close(actor=actor, fiscal_year=fiscal_year, panjar=panjar, closed_on=closed_on)


def _close(*, actor, fiscal_year: FiscalYear, panjar: Panjar, closed_on: dt.date | None) -> Panjar:
    """The body of :func:`panjar_close` (year and open panjar locked, actor allowed)."""
    closed_on = closed_on or _today()
    if closed_on < panjar.given_on:
        raise ValidationFailed(
            fields={"date": [_("Tanggal pengembalian tidak boleh sebelum panjar diberikan.")]}
        )
    _check_open_month(fiscal_year, closed_on)
    remainder = panjar.outstanding
    entry = None
    if remainder > 0:
        entry = _post(
            fiscal_year=fiscal_year,
            actor=actor,
            kind=EntryKind.PANJAR_BACK,
            date=closed_on,
            description=_("Pengembalian sisa panjar %(number)s") % {"number": panjar.number},
            counterparty=panjar.recipient,
            prefix="PB",
            lines=[
                JournalLine(book=Book.PANJAR, credit=remainder),
                JournalLine(book=panjar.book, debit=remainder),
            ],
        )
        Panjar.objects.filter(pk=panjar.pk).update(returned=F("returned") + remainder, closed_entry=entry)
    _settle_if_done(panjar, closed_on)
    audit_record(
        actor=actor,
        verb="village_finance.panjar_close",
        obj=panjar,
        changes={"returned": remainder, "entry": entry.number if entry else ""},
    )
    return panjar


def panjar_on_reverse(entry: JournalEntry) -> None:
    """Keep a panjar consistent when one of its entries is reversed (called by ``entry_reverse``
    inside its transaction): a reversed SPJ or return reopens the panjar; a give can be reversed
    only while nothing has been accounted or returned, and cancels it."""
    if entry.kind == EntryKind.PANJAR_OUT:
        panjar = Panjar.objects.select_for_update().filter(given_entry=entry).first()
        if panjar is None:
            return
        if panjar.accounted or panjar.returned:
            raise Conflict(
                _("Panjar %(number)s sudah dipertanggungjawabkan atau dikembalikan; koreksi bukti itu dulu.")
                % {"number": panjar.number},
                code="panjar.in_use",
            )
        Panjar.objects.filter(pk=panjar.pk).update(status=PanjarStatus.CANCELLED)
    elif entry.kind == EntryKind.PANJAR_SPEND:
        items = PanjarItem.objects.filter(entry=entry)
        total = items.aggregate(t=Sum("amount"))["t"] or ZERO
        panjar_id = items.values_list("panjar_id", flat=True).first()
        if panjar_id:
            Panjar.objects.filter(pk=panjar_id).update(
                accounted=F("accounted") - total, status=PanjarStatus.OPEN, settled_on=None
            )
    elif entry.kind == EntryKind.PANJAR_BACK:
        amount = entry.lines.filter(book=Book.PANJAR).aggregate(t=Sum("credit"))["t"] or ZERO
        Panjar.objects.filter(closed_entry=entry).update(
            returned=F("returned") - amount, status=PanjarStatus.OPEN, settled_on=None, closed_entry=None
        )


def open_panjar(fiscal_year: FiscalYear, *, given_before: dt.date | None = None):
    """Panjar still with an implementer (optionally only those given before a date)."""
    qs = Panjar.objects.filter(fiscal_year=fiscal_year, status=PanjarStatus.OPEN)
    if given_before:
        qs = qs.filter(given_on__lt=given_before)
    return qs.order_by("given_on", "pk")


__all__ = [
    "activity_available",
    "line_realised",
    "open_panjar",
    "panjar_account",
    "panjar_close",
    "panjar_give",
    "panjar_on_reverse",
]
