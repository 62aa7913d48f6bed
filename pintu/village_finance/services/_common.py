"""Helpers shared by the village finance verbs: input parsing, row locks, budget totals, history."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pintu.core.calendar import WorkCalendar
from pintu.core.errors import InvalidTransition, ValidationFailed
from pintu.regions.models import Village
from pintu.village_finance.constants import (
    LineKind,
)
from pintu.village_finance.models import (
    Activity,
    Budget,
    BudgetEvent,
    BudgetLine,
    FiscalYear,
    FundSource,
)

ZERO = Decimal(0)


class InvalidBudgetTransition(InvalidTransition):
    code = "apbdes.invalid_transition"
    default_message = gettext_lazy("Tindakan ini tidak dapat dilakukan pada tahap APBDes saat ini.")


# --- helpers -------------------------------------------------------------------------------------


def _money(value, field: str) -> Decimal:
    try:
        amount = (
            Decimal(str(value).replace(".", "").replace(",", "."))
            if isinstance(value, str)
            else Decimal(value)
        )
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationFailed(fields={field: [_("Isi dengan angka rupiah, misalnya 1500000.")]}) from None
    if amount < 0:
        raise ValidationFailed(fields={field: [_("Jumlah tidak boleh negatif.")]})
    return amount.quantize(Decimal(1), ROUND_HALF_UP)


def _decimal(value, field: str) -> Decimal:
    try:
        number = Decimal(str(value).replace(",", "."))
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationFailed(fields={field: [_("Isi dengan angka, misalnya 12 atau 1,5.")]}) from None
    if number <= 0:
        raise ValidationFailed(fields={field: [_("Volume harus lebih dari nol.")]})
    return number


def _today() -> dt.date:
    return timezone.localdate()


def _calendar(village: Village) -> WorkCalendar:
    return WorkCalendar(village.district.regency.code)


def _lock_budget(budget: Budget) -> Budget:
    return (
        Budget.objects.select_for_update()
        .select_related("fiscal_year__village__district__regency")
        .get(pk=budget.pk)
    )


def _lock_year(fiscal_year: FiscalYear) -> FiscalYear:
    return (
        FiscalYear.objects.select_for_update()
        .select_related("village__district__regency")
        .get(pk=fiscal_year.pk)
    )


def _fund_source(code: str) -> FundSource:
    source = FundSource.objects.filter(code=code, is_active=True).first()
    if source is None:
        raise ValidationFailed(
            fields={"fund_source": [_("Sumber dana %(code)s tidak dikenal.") % {"code": code}]}
        )
    return source


def _require_editable(budget: Budget) -> None:
    if not budget.is_editable:
        raise InvalidBudgetTransition(
            _("APBDes berstatus %(status)s tidak dapat diubah. Ubah hanya rancangan atau yang dikembalikan.")
            % {"status": budget.get_status_display()}
        )


def _recompute_totals(budget: Budget) -> None:
    """Budget and activity totals from the lines (two aggregate queries)."""
    sums = dict.fromkeys(("income", "spending", "fin_in", "fin_out"), ZERO)
    for kind, code6, total in (
        BudgetLine.objects.filter(budget=budget)
        .values("kind", "account__code")
        .annotate(total=Sum("amount"))
        .values_list("kind", "account__code", "total")
    ):
        if kind == LineKind.INCOME:
            sums["income"] += total
        elif kind == LineKind.SPENDING:
            sums["spending"] += total
        elif code6.startswith("6.1"):
            sums["fin_in"] += total
        else:
            sums["fin_out"] += total
    dana_desa = (
        BudgetLine.objects.filter(
            budget=budget, kind=LineKind.SPENDING, fund_source__is_dana_desa=True
        ).aggregate(total=Sum("amount"))["total"]
        or ZERO
    )
    Budget.objects.filter(pk=budget.pk).update(
        dana_desa_total=dana_desa,
        income_total=sums["income"],
        spending_total=sums["spending"],
        financing_in_total=sums["fin_in"],
        financing_out_total=sums["fin_out"],
        updated_at=timezone.now(),
    )
    per_activity = dict(
        BudgetLine.objects.filter(budget=budget, kind=LineKind.SPENDING)
        .values("activity_id")
        .annotate(total=Sum("amount"))
        .values_list("activity_id", "total")
    )
    for activity in Activity.objects.filter(budget=budget):
        total = per_activity.get(activity.pk, ZERO)
        if activity.total != total:
            Activity.objects.filter(pk=activity.pk).update(total=total)


def _event(budget, action, from_status, to_status, actor, unit, note="", is_late=False) -> BudgetEvent:
    seq = budget.event_count + 1
    Budget.objects.filter(pk=budget.pk).update(event_count=seq)
    budget.event_count = seq
    return BudgetEvent.objects.create(
        budget=budget,
        seq=seq,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_unit=unit,
        note=note,
        is_late=is_late,
        at=timezone.now(),
    )
