"""Payment requests (SPP): create, verify, approve, reject, pay."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from pintu.accounts.access import principal_for
from pintu.accounts.constants import Role
from pintu.audit.services import audit_record
from pintu.core.errors import InvalidTransition, ValidationFailed
from pintu.village_finance import policies, rules
from pintu.village_finance.constants import (
    Book,
    EntryKind,
    LineKind,
    SppAction,
    SppStatus,
)
from pintu.village_finance.models import (
    BudgetLine,
    FiscalYear,
    JournalEntry,
    PaymentEvent,
    PaymentRequest,
    PaymentTax,
)
from pintu.village_finance.services._common import (
    ZERO,
    _lock_year,
    _money,
    _today,
)
from pintu.village_finance.services._posting import (
    _book_balance,
    _check_open_month,
    _effective_line,
    _lock_spending_line,
    _next_number,
    _post,
    _spending_journal_lines,
    _tax_rows,
    line_realised,
)


def _spp_event(spp: PaymentRequest, action: str, actor, note: str = "") -> None:
    PaymentEvent.objects.create(
        request=spp,
        action=action,
        to_status=spp.status,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        note=note,
        at=timezone.now(),
    )


@transaction.atomic
def spp_create(
    *,
    actor,
    fiscal_year: FiscalYear,
    line: BudgetLine,
    amount,
    description: str,
    payee: str,
    taxes: dict | None = None,
    requested_on: dt.date | None = None,
) -> PaymentRequest:
    """The treasurer asks to pay from one RAB line of the adopted APBDes."""
    fiscal_year = _lock_year(fiscal_year)
    policies.require_village_role(principal_for(actor), fiscal_year.village, (Role.VILLAGE_TREASURER,))
    effective = _effective_line(fiscal_year, line.key, lock=False)
    if effective.kind != LineKind.SPENDING:
        raise ValidationFailed(fields={"line": [_("SPP hanya untuk baris belanja kegiatan.")]})
    amount = _money(amount, "amount")
    errors = {}
    if amount <= 0:
        errors["amount"] = [_("Isi jumlah yang dibayar (lebih dari nol).")]
    if not (description or "").strip():
        errors["description"] = [_("Isi uraian pembayaran.")]
    if not (payee or "").strip():
        errors["payee"] = [_("Isi nama penerima.")]
    tax_rows = _tax_rows(taxes, amount, errors)
    if errors:
        raise ValidationFailed(fields=errors)
    pending = (
        PaymentRequest.objects.filter(
            fiscal_year=fiscal_year,
            line_key=line.key,
            status__in=[SppStatus.DRAFT, SppStatus.VERIFIED, SppStatus.APPROVED],
        ).aggregate(total=Sum("amount"))["total"]
        or ZERO
    )
    remaining = effective.amount - line_realised(fiscal_year.pk, line.key) - pending
    if amount > remaining:
        raise ValidationFailed(
            _("Jumlah SPP %(amount)s melebihi sisa anggaran baris ini %(left)s.")
            % {"amount": rules.rupiah(amount), "left": rules.rupiah(max(remaining, ZERO))},
            code="spp.exceeds_budget",
            fields={"amount": [_("Kurangi jumlahnya atau ajukan perubahan APBDes.")]},
        )
    spp = PaymentRequest.objects.create(
        fiscal_year=fiscal_year,
        number=_next_number(fiscal_year, "spp_counter", "SPP"),
        line_key=line.key,
        line=effective,
        description=description.strip()[:300],
        payee=payee.strip()[:150],
        amount=amount,
        requested_on=requested_on or _today(),
        created_by=actor,
    )
    PaymentTax.objects.bulk_create([PaymentTax(request=spp, kind=k, amount=v) for k, v in tax_rows])
    _spp_event(spp, SppAction.CREATE, actor)
    audit_record(actor=actor, verb="village_finance.spp_create", obj=spp, changes={"amount": amount})
    return spp


def _spp_step(
    *, actor, spp: PaymentRequest, action: str, roles, sources, target, note: str = ""
) -> PaymentRequest:
    spp = PaymentRequest.objects.select_for_update().select_related("fiscal_year__village").get(pk=spp.pk)
    policies.require_village_role(principal_for(actor), spp.fiscal_year.village, roles)
    if spp.status not in sources:
        raise InvalidTransition(
            _("SPP berstatus %(s)s tidak dapat diproses dengan tindakan ini.")
            % {"s": spp.get_status_display()},
            code="spp.invalid_transition",
        )
    if action == SppAction.REJECT and not note.strip():
        raise ValidationFailed(fields={"note": [_("Tuliskan alasan penolakan.")]})
    before = spp.status
    spp.status = target
    spp.save(update_fields=["status"])
    _spp_event(spp, action, actor, note)
    audit_record(
        actor=actor, verb=f"village_finance.spp_{action}", obj=spp, changes={"status": [before, target]}
    )
    return spp


@transaction.atomic
def spp_verify(*, actor, spp: PaymentRequest, note: str = "") -> PaymentRequest:
    """The sekdes checks the SPP and its evidence."""
    return _spp_step(
        actor=actor,
        spp=spp,
        action=SppAction.VERIFY,
        roles=(Role.VILLAGE_SECRETARY,),
        sources=[SppStatus.DRAFT],
        target=SppStatus.VERIFIED,
        note=note,
    )


@transaction.atomic
def spp_approve(*, actor, spp: PaymentRequest, note: str = "") -> PaymentRequest:
    """The kepala desa approves payment."""
    return _spp_step(
        actor=actor,
        spp=spp,
        action=SppAction.APPROVE,
        roles=(Role.VILLAGE_HEAD,),
        sources=[SppStatus.VERIFIED],
        target=SppStatus.APPROVED,
        note=note,
    )


@transaction.atomic
def spp_reject(*, actor, spp: PaymentRequest, note: str) -> PaymentRequest:
    return _spp_step(
        actor=actor,
        spp=spp,
        action=SppAction.REJECT,
        roles=(Role.VILLAGE_SECRETARY, Role.VILLAGE_HEAD),
        sources=[SppStatus.DRAFT, SppStatus.VERIFIED],
        target=SppStatus.REJECTED,
        note=note,
    )


@transaction.atomic
def spp_pay(
    *, actor, spp: PaymentRequest, book: str = Book.BANK, paid_on: dt.date | None = None
) -> JournalEntry:
    """Pay an approved SPP: spending realised, taxes withheld into the tax book.

    Concurrency: the effective budget line row is locked (``select_for_update``) and its realised
    sum is read inside the same transaction, so two payments can never together exceed it.
    """
    spp = PaymentRequest.objects.select_for_update().select_related("fiscal_year__village").get(pk=spp.pk)
    fiscal_year = spp.fiscal_year
    policies.require_village_role(principal_for(actor), fiscal_year.village, (Role.VILLAGE_TREASURER,))
    if spp.status != SppStatus.APPROVED:
        raise InvalidTransition(
            _("Hanya SPP yang sudah disetujui kepala desa yang dapat dibayar."), code="spp.invalid_transition"
        )
    if book not in (Book.CASH, Book.BANK):
        raise ValidationFailed(fields={"book": [_("Pilih kas tunai atau bank.")]})
    paid_on = paid_on or _today()
    _check_open_month(fiscal_year, paid_on)
    line = _lock_spending_line(fiscal_year, spp.line_key, spp.amount)
    taxes = list(spp.taxes.all())
    withheld = sum((t.amount for t in taxes), ZERO)
    if _book_balance(fiscal_year.pk, book) < spp.amount - withheld:
        raise ValidationFailed(
            _("Saldo %(book)s tidak cukup untuk pembayaran ini. Catat penerimaan atau pemindahbukuan dulu.")
            % {"book": Book(book).label.lower()},
            code="book.insufficient",
        )
    entry = _post(
        fiscal_year=fiscal_year,
        actor=actor,
        kind=EntryKind.PAYMENT,
        date=paid_on,
        description=spp.description,
        counterparty=spp.payee,
        prefix="BKT",
        lines=_spending_journal_lines(
            line=line,
            amount=spp.amount,
            taxes=[(t.kind, t.amount) for t in taxes],
            book=book,
            tax_book=book,
        ),
    )
    spp.status = SppStatus.PAID
    spp.paid_entry = entry
    spp.save(update_fields=["status", "paid_entry"])
    _spp_event(spp, SppAction.PAY, actor)
    audit_record(
        actor=actor,
        verb="village_finance.spp_pay",
        obj=spp,
        changes={"entry": entry.number, "amount": spp.amount},
    )
    return entry
