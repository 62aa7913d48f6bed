"""Planning verbs: fiscal year, RKPDes lines, APBDes activities and budget lines."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from pintu.accounts.access import principal_for
from pintu.audit.services import audit_record
from pintu.core.errors import ValidationFailed
from pintu.regions.models import Village
from pintu.village_finance import policies
from pintu.village_finance.constants import (
    BudgetAction,
    BudgetKind,
    BudgetStatus,
    LineKind,
    PayPosition,
)
from pintu.village_finance.models import (
    Account,
    Activity,
    ActivityKind,
    Budget,
    BudgetLine,
    FiscalYear,
    JournalLine,
    PlanActivity,
)
from pintu.village_finance.services._common import (
    _decimal,
    _event,
    _fund_source,
    _lock_budget,
    _money,
    _recompute_totals,
    _require_editable,
)

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
