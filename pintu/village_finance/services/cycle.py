"""The APBDes cycle: rule findings, transitions (agree … adopt), the evaluation clock, amendment."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from pintu.accounts.access import principal_for
from pintu.audit.services import audit_record
from pintu.core.errors import Conflict, PermissionDenied, ValidationFailed
from pintu.village_finance import policies, rules
from pintu.village_finance.constants import (
    CORRECTION_WORKING_DAYS,
    EVALUATION_WORKING_DAYS,
    SUBMIT_WITHIN_DAYS,
    BudgetAction,
    BudgetKind,
    BudgetStatus,
)
from pintu.village_finance.models import (
    Activity,
    Budget,
    BudgetLine,
    FiscalYear,
    JournalLine,
)
from pintu.village_finance.services._common import (
    ZERO,
    InvalidBudgetTransition,
    _calendar,
    _event,
    _lock_budget,
    _lock_year,
    _today,
)
from pintu.village_finance.workflow import TRANSITIONS, Scope


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
