"""Village finance verbs: the only write path. Keyword-only arguments, an explicit ``actor``,
one transaction each, audit inside it.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pintu.accounts.access import principal_for
from pintu.accounts.constants import Role
from pintu.audit.services import audit_record
from pintu.core.calendar import WorkCalendar
from pintu.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from pintu.regions.models import Village
from pintu.village_finance import policies, rules
from pintu.village_finance.constants import (
    CORRECTION_WORKING_DAYS,
    EVALUATION_WORKING_DAYS,
    SUBMIT_WITHIN_DAYS,
    TAX_ACCOUNTS,
    Book,
    BudgetAction,
    BudgetKind,
    BudgetStatus,
    EntryKind,
    LineKind,
    PayPosition,
    SppAction,
    SppStatus,
    TaxKind,
)
from pintu.village_finance.models import (
    Account,
    Activity,
    ActivityKind,
    BookClosing,
    Budget,
    BudgetEvent,
    BudgetLine,
    FiscalYear,
    FundSource,
    JournalEntry,
    JournalLine,
    PaymentEvent,
    PaymentRequest,
    PaymentTax,
    PlanActivity,
)
from pintu.village_finance.workflow import TRANSITIONS, Scope

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


# --- planning ------------------------------------------------------------------------------------


@transaction.atomic
def fiscal_year_open(*, actor, village: Village, year: int) -> FiscalYear:
    """Open a village's fiscal year with an empty draft APBDes (idempotent)."""
    principal = principal_for(actor)
    unit = policies.require_village_role(principal, village, policies.DRAFTER)
    fiscal_year, created = FiscalYear.objects.get_or_create(village=village, year=year)
    if created:
        budget = Budget.objects.create(
            fiscal_year=fiscal_year, kind=BudgetKind.ORIGINAL, status=BudgetStatus.DRAFT
        )
        _event(budget, BudgetAction.CREATE, "", BudgetStatus.DRAFT, actor, unit)
        audit_record(
            actor=actor, verb="village_finance.fiscal_year_open", obj=fiscal_year, changes={"year": year}
        )
    return fiscal_year


@transaction.atomic
def plan_activity_add(
    *,
    actor,
    fiscal_year: FiscalYear,
    kind_code: str,
    name: str,
    fund_source: str,
    indicative_amount=0,
    location: str = "",
    volume: str = "",
    output: str = "",
) -> PlanActivity:
    """Add a line to the RKPDes."""
    policies.require_village_role(principal_for(actor), fiscal_year.village, policies.DRAFTER)
    kind = (
        ActivityKind.objects.filter(siskeudes_code=kind_code).first()
        or ActivityKind.objects.filter(code=kind_code).first()
    )
    errors = {}
    if kind is None:
        errors["kind"] = [
            _("Kode kegiatan %(code)s tidak ada dalam daftar bidang/kegiatan.") % {"code": kind_code}
        ]
    if not (name or "").strip():
        errors["name"] = [_("Isi nama kegiatan.")]
    if errors:
        raise ValidationFailed(fields=errors)
    plan = PlanActivity.objects.create(
        fiscal_year=fiscal_year,
        kind=kind,
        name=name.strip()[:300],
        location=location[:200],
        volume=volume[:60],
        output=output[:200],
        indicative_amount=_money(indicative_amount, "indicative_amount"),
        fund_source=_fund_source(fund_source),
    )
    audit_record(
        actor=actor, verb="village_finance.plan_activity_add", obj=plan, changes={"kind": kind.siskeudes_code}
    )
    return plan


@transaction.atomic
def activity_add(*, actor, budget: Budget, plan: PlanActivity) -> Activity:
    """Put an RKPDes line into the APBDes (every APBDes activity traces to its plan line)."""
    budget = _lock_budget(budget)
    policies.require_village_role(principal_for(actor), budget.fiscal_year.village, policies.DRAFTER)
    _require_editable(budget)
    if plan.fiscal_year_id != budget.fiscal_year_id:
        raise ValidationFailed(fields={"plan": [_("Kegiatan RKPDes ini milik tahun atau desa lain.")]})
    existing = Activity.objects.filter(budget=budget, plan=plan).first()
    if existing:
        return existing
    activity = Activity.objects.create(
        budget=budget,
        plan=plan,
        kind_id=plan.kind_id,
        name=plan.name,
        location=plan.location,
        output=plan.output,
    )
    audit_record(actor=actor, verb="village_finance.activity_add", obj=activity, changes={"plan": plan.pk})
    return activity


LINE_FIELDS = (
    "account",
    "fund_source",
    "description",
    "volume",
    "unit",
    "unit_price",
    "pay_position",
    "tanah_bengkok",
)


def _line_values(kind: str, values: dict) -> dict:
    errors: dict[str, list] = {}
    account = Account.objects.filter(code=(values.get("account") or "").strip()).first()
    if account is None:
        errors["account"] = [_("Kode rekening tidak dikenal. Pilih dari daftar rekening.")]
    description = (values.get("description") or "").strip()
    if not description:
        errors["description"] = [_("Isi uraian.")]
    if errors:
        raise ValidationFailed(fields=errors)
    volume = _decimal(values.get("volume", 1), "volume")
    unit_price = _money(values.get("unit_price", 0), "unit_price")
    position = values.get("pay_position") or ""
    if position not in PayPosition.values:
        raise ValidationFailed(fields={"pay_position": [_("Pilih jabatan dari daftar.")]})
    return {
        "account": account,
        "fund_source": _fund_source(values.get("fund_source") or ""),
        "description": description[:300],
        "volume": volume,
        "unit": (values.get("unit") or "paket").strip()[:30],
        "unit_price": unit_price,
        "amount": (volume * unit_price).quantize(Decimal(1), ROUND_HALF_UP),
        "pay_position": position,
        "tanah_bengkok": bool(values.get("tanah_bengkok")) and kind == LineKind.INCOME,
    }


@transaction.atomic
def budget_line_add(
    *, actor, budget: Budget, kind: str, activity: Activity | None = None, **values
) -> BudgetLine:
    """Add an income, spending (RAB, needs ``activity``) or financing line. Amount = volume × price."""
    budget = _lock_budget(budget)
    policies.require_village_role(principal_for(actor), budget.fiscal_year.village, policies.DRAFTER)
    _require_editable(budget)
    if kind not in LineKind.values:
        raise ValidationFailed(fields={"kind": [_("Jenis baris tidak dikenal.")]})
    if kind == LineKind.SPENDING and (activity is None or activity.budget_id != budget.pk):
        raise ValidationFailed(
            fields={"activity": [_("Belanja harus dicatat pada salah satu kegiatan APBDes ini.")]}
        )
    line = BudgetLine.objects.create(
        budget=budget,
        kind=kind,
        activity=activity if kind == LineKind.SPENDING else None,
        **_line_values(kind, values),
    )
    _recompute_totals(budget)
    audit_record(
        actor=actor,
        verb="village_finance.budget_line_add",
        obj=line,
        changes={"account": line.account.code, "amount": line.amount},
    )
    return line


@transaction.atomic
def budget_line_update(*, actor, line: BudgetLine, **values) -> BudgetLine:
    budget = _lock_budget(line.budget)
    policies.require_village_role(principal_for(actor), budget.fiscal_year.village, policies.DRAFTER)
    _require_editable(budget)
    line = BudgetLine.objects.select_related("account", "fund_source").get(pk=line.pk)
    current = {
        "account": line.account.code,
        "fund_source": line.fund_source.code,
        "description": line.description,
        "volume": line.volume,
        "unit": line.unit,
        "unit_price": line.unit_price,
        "pay_position": line.pay_position,
        "tanah_bengkok": line.tanah_bengkok,
    }
    new = _line_values(line.kind, {**current, **{k: v for k, v in values.items() if k in LINE_FIELDS}})
    before = line.amount
    for field, value in new.items():
        setattr(line, field, value)
    line.save()
    _recompute_totals(budget)
    audit_record(
        actor=actor,
        verb="village_finance.budget_line_update",
        obj=line,
        changes={"amount": [before, line.amount]},
    )
    return line


@transaction.atomic
def budget_line_remove(*, actor, line: BudgetLine) -> None:
    budget = _lock_budget(line.budget)
    policies.require_village_role(principal_for(actor), budget.fiscal_year.village, policies.DRAFTER)
    _require_editable(budget)
    if (
        budget.kind == BudgetKind.AMENDMENT
        and JournalLine.objects.filter(fiscal_year_id=budget.fiscal_year_id, line_key=line.key).exists()
    ):
        raise ValidationFailed(_("Baris ini sudah ada realisasinya; kurangi jumlahnya, jangan dihapus."))
    audit_record(
        actor=actor, verb="village_finance.budget_line_remove", obj=line, changes={"amount": line.amount}
    )
    line.delete()
    _recompute_totals(budget)


# --- lifecycle -----------------------------------------------------------------------------------


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


def budget_findings(budget: Budget) -> tuple[rules.Totals, list[rules.Finding]]:
    """The rule checks plus, for an amendment, that no line drops below what is already spent."""
    totals, findings = rules.check_budget(budget)
    if budget.kind == BudgetKind.AMENDMENT:
        realised = dict(
            JournalLine.objects.filter(fiscal_year_id=budget.fiscal_year_id, line_key__isnull=False)
            .values("line_key")
            .annotate(total=Sum("realised"))
            .values_list("line_key", "total")
        )
        amounts = dict(BudgetLine.objects.filter(budget=budget).values_list("key", "amount"))
        for key, spent in realised.items():
            if spent and amounts.get(key, ZERO) < spent:
                findings.append(
                    rules.Finding(
                        "apbdes.below_realisation",
                        rules.ERROR,
                        _("Permendagri 20/2018 pasal 57: perubahan APBDes"),
                        _(
                            "Sebuah baris dianggarkan %(amount)s padahal sudah terealisasi %(spent)s. Naikkan anggarannya."
                        )
                        % {"amount": rules.rupiah(amounts.get(key, ZERO)), "spent": rules.rupiah(spent)},
                        {"line_key": str(key)},
                    )
                )
    return totals, findings


def _transition(
    *, actor, budget: Budget, action: str, note: str = "", on: dt.date | None = None, **data
) -> Budget:
    transition = TRANSITIONS[action]
    budget = _lock_budget(budget)
    village = budget.fiscal_year.village
    unit = None
    if transition.scope != Scope.SYSTEM:
        unit = policies.acting_unit(principal_for(actor), village, transition.scope, transition.roles)
        if unit is None:
            raise PermissionDenied()
    if budget.status not in transition.sources:
        raise InvalidBudgetTransition()
    if transition.note_required and not note.strip():
        raise ValidationFailed(fields={"note": [_("Tuliskan catatan perbaikan untuk desa.")]})
    if transition.checks_rules:
        _totals, findings = budget_findings(budget)
        blocking = [f for f in findings if f.blocks]
        if blocking:
            raise ValidationFailed(
                _("APBDes belum memenuhi aturan: %(first)s") % {"first": blocking[0].message},
                code="apbdes.rules",
                fields={"rules": [f"{f.code}: {f.message}" for f in blocking]},
            )
    today = on or _today()
    calendar = _calendar(village)
    is_late = False
    from_status = budget.status
    if action == BudgetAction.AGREE:
        budget.agreed_on = today
        budget.agreement_number = (data.get("agreement_number") or "")[:80]
        budget.submit_due = today + dt.timedelta(days=SUBMIT_WITHIN_DAYS)
    elif action == BudgetAction.SUBMIT:
        budget.submitted_on = today
        is_late = budget.submit_due is not None and today > budget.submit_due
    elif action in (BudgetAction.FORWARD, BudgetAction.RESUBMIT):
        if action == BudgetAction.RESUBMIT:
            is_late = budget.correction_due is not None and today > budget.correction_due
        budget.evaluation_started_on = today
        budget.evaluation_due = calendar.add_working_days(today, EVALUATION_WORKING_DAYS)
        budget.correction_due = None
    elif action == BudgetAction.RETURN:
        budget.correction_due = calendar.add_working_days(today, CORRECTION_WORKING_DAYS)
        budget.evaluation_due = None
    elif action in (BudgetAction.APPROVE, BudgetAction.LAPSE):
        budget.evaluated_on = today
        budget.evaluation_due = None
    elif action == BudgetAction.ADOPT:
        number = (data.get("perdes_number") or "").strip()
        if not number:
            raise ValidationFailed(fields={"perdes_number": [_("Isi nomor Peraturan Desa tentang APBDes.")]})
        budget.perdes_number = number[:80]
        budget.adopted_on = today
        deadline_year = budget.fiscal_year.year - (1 if budget.kind == BudgetKind.ORIGINAL else 0)
        is_late = today > dt.date(deadline_year, 12, 31)
    budget.status = transition.target
    budget.save()
    if action == BudgetAction.ADOPT:
        FiscalYear.objects.filter(pk=budget.fiscal_year_id).update(effective_budget=budget)
    _event(budget, action, from_status, budget.status, actor, unit, note=note, is_late=is_late)
    audit_record(
        actor=actor,
        verb=f"village_finance.budget_{action}",
        obj=budget,
        changes={"status": [from_status, budget.status], "late": is_late},
    )
    return budget


@transaction.atomic
def budget_agree(*, actor, budget: Budget, agreement_number: str = "", on: dt.date | None = None) -> Budget:
    """Record the BPD agreement (berita acara); the 3-day submission clock starts."""
    return _transition(
        actor=actor, budget=budget, action=BudgetAction.AGREE, agreement_number=agreement_number, on=on
    )


@transaction.atomic
def budget_submit(*, actor, budget: Budget, on: dt.date | None = None) -> Budget:
    """Send the agreed draft to the camat (late when more than 3 days after agreement)."""
    return _transition(actor=actor, budget=budget, action=BudgetAction.SUBMIT, on=on)


@transaction.atomic
def budget_forward(*, actor, budget: Budget, note: str = "", on: dt.date | None = None) -> Budget:
    """The camat has reviewed the draft and forwards it: the regency's 20-working-day clock starts."""
    return _transition(actor=actor, budget=budget, action=BudgetAction.FORWARD, note=note, on=on)


@transaction.atomic
def budget_approve(*, actor, budget: Budget, note: str = "", on: dt.date | None = None) -> Budget:
    return _transition(actor=actor, budget=budget, action=BudgetAction.APPROVE, note=note, on=on)


@transaction.atomic
def budget_return(*, actor, budget: Budget, note: str, on: dt.date | None = None) -> Budget:
    """The regency returns the draft with corrections: 20 working days to fix."""
    return _transition(actor=actor, budget=budget, action=BudgetAction.RETURN, note=note, on=on)


@transaction.atomic
def budget_resubmit(*, actor, budget: Budget, note: str = "", on: dt.date | None = None) -> Budget:
    return _transition(actor=actor, budget=budget, action=BudgetAction.RESUBMIT, note=note, on=on)


@transaction.atomic
def budget_adopt(*, actor, budget: Budget, perdes_number: str, on: dt.date | None = None) -> Budget:
    """Adopt as Perdes; the version becomes the one money is spent against."""
    return _transition(
        actor=actor, budget=budget, action=BudgetAction.ADOPT, perdes_number=perdes_number, on=on
    )


BUDGET_VERBS = {
    BudgetAction.AGREE: budget_agree,
    BudgetAction.SUBMIT: budget_submit,
    BudgetAction.FORWARD: budget_forward,
    BudgetAction.APPROVE: budget_approve,
    BudgetAction.RETURN: budget_return,
    BudgetAction.RESUBMIT: budget_resubmit,
    BudgetAction.ADOPT: budget_adopt,
}


def apbdes_evaluation_due(*, today: dt.date | None = None) -> int:
    """Silence approves: budgets whose 20-working-day evaluation passed become evaluated.

    Idempotent (a lapsed budget is no longer in evaluation); one transaction per budget.
    """
    today = today or _today()
    count = 0
    for pk in Budget.objects.filter(status=BudgetStatus.IN_EVALUATION, evaluation_due__lt=today).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            budget = Budget.objects.select_for_update().get(pk=pk)
            if (
                budget.status != BudgetStatus.IN_EVALUATION
                or not budget.evaluation_due
                or budget.evaluation_due >= today
            ):
                continue
            _transition(
                actor=None,
                budget=budget,
                action=BudgetAction.LAPSE,
                note=_("Batas evaluasi %(due)s terlampaui.") % {"due": budget.evaluation_due.isoformat()},
                on=today,
            )
            count += 1
    return count


@transaction.atomic
def amendment_start(*, actor, fiscal_year: FiscalYear) -> Budget:
    """Open the year's one amendment (perubahan) as a copy of the adopted APBDes."""
    fiscal_year = _lock_year(fiscal_year)
    unit = policies.require_village_role(principal_for(actor), fiscal_year.village, policies.DRAFTER)
    original = Budget.objects.filter(fiscal_year=fiscal_year, kind=BudgetKind.ORIGINAL).first()
    if original is None or original.status != BudgetStatus.ADOPTED:
        raise InvalidBudgetTransition(_("Perubahan APBDes hanya dapat dibuat setelah APBDes ditetapkan."))
    if Budget.objects.filter(fiscal_year=fiscal_year, kind=BudgetKind.AMENDMENT).exists():
        raise Conflict(
            _("Perubahan APBDes tahun ini sudah dibuat; hanya satu perubahan setahun."),
            code="apbdes.one_amendment",
        )
    amendment = Budget.objects.create(
        fiscal_year=fiscal_year,
        kind=BudgetKind.AMENDMENT,
        based_on=original,
        status=BudgetStatus.DRAFT,
        income_total=original.income_total,
        spending_total=original.spending_total,
        financing_in_total=original.financing_in_total,
        financing_out_total=original.financing_out_total,
        dana_desa_total=original.dana_desa_total,
    )
    activity_map = {}
    for activity in Activity.objects.filter(budget=original):
        old = activity.pk
        activity.pk = None
        activity.budget = amendment
        activity.save()
        activity_map[old] = activity.pk
    copies = []
    for line in BudgetLine.objects.filter(budget=original):
        line.pk = None
        line.budget = amendment
        line.activity_id = activity_map.get(line.activity_id)
        copies.append(line)
    BudgetLine.objects.bulk_create(copies)
    _event(amendment, BudgetAction.CREATE, "", BudgetStatus.DRAFT, actor, unit)
    audit_record(
        actor=actor, verb="village_finance.amendment_start", obj=amendment, changes={"based_on": original.pk}
    )
    return amendment


# --- execution: payment requests -----------------------------------------------------------------


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
    tax_rows = []
    for kind, value in (taxes or {}).items():
        if kind not in TaxKind.values:
            errors["taxes"] = [_("Jenis pajak tidak dikenal.")]
            continue
        tax = _money(value, f"tax_{kind}")
        if tax > 0:
            tax_rows.append((kind, tax))
    if sum((t for _, t in tax_rows), ZERO) > amount:
        errors["taxes"] = [_("Potongan pajak melebihi jumlah bruto.")]
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
    line = _effective_line(fiscal_year, spp.line_key, lock=True)
    spent = line_realised(fiscal_year.pk, spp.line_key)
    if spent + spp.amount > line.amount:
        raise Conflict(
            _("Pembayaran %(amount)s melebihi sisa anggaran %(left)s pada baris %(line)s.")
            % {
                "amount": rules.rupiah(spp.amount),
                "left": rules.rupiah(line.amount - spent),
                "line": line.description,
            },
            code="spp.exceeds_budget",
        )
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
        lines=[
            JournalLine(
                book=book,
                credit=spp.amount,
                line_key=line.key,
                line_kind=LineKind.SPENDING,
                account_code=line.account.code,
                fund_source_id=line.fund_source_id,
                realised=spp.amount,
            ),
            *[
                jl
                for t in taxes
                for jl in (
                    JournalLine(
                        book=book, debit=t.amount, tax_kind=t.kind, account_code=TAX_ACCOUNTS[t.kind]
                    ),
                    JournalLine(
                        book=Book.TAX, debit=t.amount, tax_kind=t.kind, account_code=TAX_ACCOUNTS[t.kind]
                    ),
                )
            ],
        ],
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


# --- execution: books ----------------------------------------------------------------------------


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
    lines = [
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
    if entry.kind == EntryKind.PAYMENT:
        PaymentRequest.objects.filter(paid_entry=entry).update(status=SppStatus.REJECTED)
    audit_record(
        actor=actor, verb="village_finance.entry_reverse", obj=new, changes={"reverses": entry.number}
    )
    return new


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
