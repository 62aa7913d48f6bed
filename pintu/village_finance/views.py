"""Office pages (/kantor/keuangan/) and the public APBDes page (/apbdes/<village>/<year>/).

Views translate: parse input, call one service or selector, render.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pintu.accounts.constants import Role
from pintu.core.errors import DomainError, NotFound, PermissionDenied
from pintu.office.views import staff_required
from pintu.regions.models import OrgUnit, Village
from pintu.village_finance import outputs, policies, selectors, services
from pintu.village_finance.charts import bar_chart_svg
from pintu.village_finance.constants import (
    BudgetAction,
    BudgetKind,
    BudgetStatus,
    LineKind,
    PanjarStatus,
    PayPosition,
)
from pintu.village_finance.models import (
    Activity,
    Budget,
    BudgetLine,
    FiscalYear,
    FundSource,
    PlanActivity,
)
from pintu.village_finance.workflow import TRANSITIONS, Scope


def _year_default() -> int:
    today = timezone.localdate()
    return today.year + 1 if today.month >= 9 else today.year


def _fy(request, village_code, year) -> FiscalYear:
    try:
        return selectors.fiscal_year_for(request.principal, village_code, int(year))
    except NotFound:
        raise Http404 from None


def _fail(request, exc: DomainError) -> None:
    text = str(exc.message)
    for field_messages in exc.fields.values():
        text += " " + " ".join(str(m) for m in field_messages)
    messages.error(request, text)


def _allowed_actions(principal, budget: Budget) -> list[dict]:
    village = budget.fiscal_year.village
    out = []
    for action, t in TRANSITIONS.items():
        if t.scope == Scope.SYSTEM or budget.status not in t.sources:
            continue
        if policies.acting_unit(principal, village, t.scope, t.roles) is not None:
            out.append(
                {"action": action, "label": BudgetAction(action).label, "note_required": t.note_required}
            )
    return out


# --- home and overview ---------------------------------------------------------------------------


@staff_required
def home(request):
    principal = request.principal
    year = int(request.GET.get("tahun") or _year_default())
    village_units = OrgUnit.objects.filter(
        pk__in=principal.units_with(*policies.VILLAGE_FINANCE_ROLES), kind="village_office"
    ).select_related("village")
    oversight = principal.has_role(Role.DISTRICT_OFFICER) or principal.is_regency_admin
    if not village_units and not oversight:
        raise PermissionDenied()
    rows = selectors.area_budgets(principal, year) if oversight else []
    own = []
    for unit in village_units:
        fy = (
            FiscalYear.objects.filter(village=unit.village, year=year)
            .select_related("effective_budget")
            .first()
        )
        current = fy.budgets.order_by("-kind").first() if fy else None
        own.append(
            {
                "village": unit.village,
                "fy": fy,
                "budget": current,
                "can_open": principal.has_role(Role.VILLAGE_TREASURER, unit.pk),
            }
        )
    return render(
        request,
        "village_finance/home.html",
        {
            "year": year,
            "years": [year - 1, year, year + 1],
            "own": own,
            "rows": rows,
            "oversight": oversight,
            "late_count": sum(1 for r in rows if r["late"]),
            "reports": selectors.report_tracking(principal, year) if oversight else None,
            "is_regency": principal.is_regency_admin,
        },
    )


@staff_required
@require_POST
def open_year(request, village_code):
    try:
        village = Village.objects.select_related("district__regency").get(code=village_code)
        year = int(request.POST.get("year") or _year_default())
        services.fiscal_year_open(actor=request.user, village=village, year=year)
    except (Village.DoesNotExist, ValueError):
        raise Http404 from None
    except DomainError as exc:
        _fail(request, exc)
        return redirect("village_finance:home")
    return redirect("village_finance:year", village_code=village_code, year=year)


# --- a village's year: plan, budget, rules, actions ----------------------------------------------


def _budget_context(request, fy: FiscalYear, budget: Budget) -> dict:
    principal = request.principal
    totals, findings = services.budget_findings(budget)
    roles = policies.village_roles(principal, fy.village)
    return {
        "fy": fy,
        "village": fy.village,
        "budget": budget,
        "versions": list(fy.budgets.order_by("kind")),
        "contents": selectors.budget_contents(budget),
        "plans": selectors.plan_activities(fy, budget),
        "events": selectors.budget_events(budget),
        "totals": totals,
        "findings": findings,
        "blocking": [f for f in findings if f.blocks],
        "actions": _allowed_actions(principal, budget),
        "can_edit": budget.is_editable and Role.VILLAGE_TREASURER in roles,
        "can_amend": budget.kind == BudgetKind.ORIGINAL
        and budget.status == BudgetStatus.ADOPTED
        and Role.VILLAGE_TREASURER in roles
        and not fy.budgets.filter(kind=BudgetKind.AMENDMENT).exists(),
        "roles": roles,
        "is_treasurer": Role.VILLAGE_TREASURER in roles,
        "kinds": LineKind,
        "income_accounts": selectors.leaf_accounts("4"),
        "spending_accounts": selectors.leaf_accounts("5"),
        "financing_accounts": selectors.leaf_accounts("6"),
        "sources": FundSource.objects.filter(is_active=True),
        "positions": PayPosition.choices[1:],
        "activity_kinds": _kind_choices(),
        "today": timezone.localdate(),
    }


def _kind_choices():
    from pintu.village_finance.models import ActivityKind

    return list(ActivityKind.objects.values_list("siskeudes_code", "name"))


@staff_required
def year(request, village_code, year):
    fy = _fy(request, village_code, year)
    kind = request.GET.get("versi")
    budgets = {b.kind: b for b in fy.budgets.all()}
    budget = budgets.get(kind) or budgets.get(BudgetKind.AMENDMENT) or budgets.get(BudgetKind.ORIGINAL)
    return render(request, "village_finance/year.html", _budget_context(request, fy, budget))


@staff_required
def rules_partial(request, budget_id):
    """HTMX: the live rule check of a draft."""
    budget = _budget(request, budget_id)
    totals, findings = services.budget_findings(budget)
    return render(
        request, "village_finance/_rules.html", {"budget": budget, "totals": totals, "findings": findings}
    )


@staff_required
@require_POST
def rules_preview(request, budget_id):
    """HTMX, while typing a new line: the rule check as if the line were added (nothing saved)."""
    from decimal import Decimal, InvalidOperation

    from pintu.village_finance.models import Account
    from pintu.village_finance.rules import LineFact, check, facts_for

    budget = _budget(request, budget_id)
    facts = facts_for(budget)
    editing = BudgetLine.objects.filter(pk=request.POST.get("line_id") or 0, budget=budget).first()
    if editing is not None:  # editing: check the budget as if this line had the typed values
        edited = next((f for f in facts if f == _line_fact(editing)), None)
        if edited is not None:
            facts.remove(edited)
    candidate = None
    account = Account.objects.filter(code=request.POST.get("account", "")).first()
    try:
        volume = Decimal((request.POST.get("volume") or "0").replace(",", "."))
        price = Decimal((request.POST.get("unit_price") or "0").replace(".", "").replace(",", "."))
    except InvalidOperation:
        volume = price = None
    kind = request.POST.get("kind", "")
    if account is not None and volume is not None and price is not None and kind in LineKind.values:
        candidate = LineFact(
            kind=kind,
            account_code=account.code,
            is_leaf=account.is_leaf,
            amount=(volume * price).quantize(Decimal(1)),
            volume=volume,
            unit=request.POST.get("unit", ""),
            unit_price=price,
            pay_position=request.POST.get("pay_position", ""),
            tanah_bengkok=request.POST.get("tanah_bengkok") == "on",
            description=request.POST.get("description", ""),
        )
        facts.append(candidate)
    totals, findings = check(facts)
    return render(
        request,
        "village_finance/_preview.html",
        {
            "totals": totals,
            "findings": findings,
            "candidate": candidate,
            "form_id": request.POST.get("form_id", ""),
        },
    )


def _line_fact(line: BudgetLine):
    from pintu.village_finance.rules import LineFact

    return LineFact(
        kind=line.kind,
        account_code=line.account.code,
        is_leaf=line.account.is_leaf,
        amount=line.amount,
        volume=line.volume,
        unit=line.unit,
        unit_price=line.unit_price,
        pay_position=line.pay_position,
        tanah_bengkok=line.tanah_bengkok,
        description=line.description,
    )


def _budget(request, budget_id) -> Budget:
    try:
        return selectors.budget_for(request.principal, budget_id)
    except NotFound:
        raise Http404 from None


def _back(budget: Budget) -> str:
    return (
        reverse("village_finance:year", args=[budget.fiscal_year.village.code, budget.fiscal_year.year])
        + f"?versi={budget.kind}"
    )


@staff_required
@require_POST
def budget_action(request, budget_id, action):
    budget = _budget(request, budget_id)
    verb = services.BUDGET_VERBS.get(action)
    if verb is None:
        raise Http404
    kwargs = {"actor": request.user, "budget": budget}
    if action in (BudgetAction.FORWARD, BudgetAction.APPROVE, BudgetAction.RETURN, BudgetAction.RESUBMIT):
        kwargs["note"] = request.POST.get("note", "")
    if action == BudgetAction.AGREE:
        kwargs["agreement_number"] = request.POST.get("agreement_number", "")
    if action == BudgetAction.ADOPT:
        kwargs["perdes_number"] = request.POST.get("perdes_number", "")
    try:
        verb(**kwargs)
        messages.success(request, BudgetAction(action).label)
    except DomainError as exc:
        _fail(request, exc)
    nxt = request.POST.get("next")
    if nxt and nxt.startswith("/kantor/"):
        return redirect(nxt)
    return redirect(_back(budget))


@staff_required
@require_POST
def plan_add(request, village_code, year):
    fy = _fy(request, village_code, year)
    try:
        services.plan_activity_add(
            actor=request.user,
            fiscal_year=fy,
            kind_code=request.POST.get("kind", ""),
            name=request.POST.get("name", ""),
            fund_source=request.POST.get("fund_source", ""),
            indicative_amount=request.POST.get("indicative_amount") or 0,
            location=request.POST.get("location", ""),
            volume=request.POST.get("volume", ""),
            output=request.POST.get("output", ""),
        )
        messages.success(request, _("Kegiatan RKPDes ditambahkan."))
    except DomainError as exc:
        _fail(request, exc)
    return redirect("village_finance:year", village_code=village_code, year=year)


@staff_required
@require_POST
def activity_add(request, budget_id):
    budget = _budget(request, budget_id)
    plan = PlanActivity.objects.filter(
        pk=request.POST.get("plan") or 0, fiscal_year=budget.fiscal_year
    ).first()
    if plan is None:
        messages.error(request, _("Pilih kegiatan dari RKPDes."))
        return redirect(_back(budget))
    try:
        services.activity_add(actor=request.user, budget=budget, plan=plan)
    except DomainError as exc:
        _fail(request, exc)
    return redirect(_back(budget))


@staff_required
@require_POST
def line_add(request, budget_id):
    budget = _budget(request, budget_id)
    kind = request.POST.get("kind", "")
    activity = None
    if kind == LineKind.SPENDING:
        activity = Activity.objects.filter(pk=request.POST.get("activity") or 0, budget=budget).first()
    values = {
        k: request.POST.get(k, "")
        for k in ("account", "fund_source", "description", "volume", "unit", "unit_price", "pay_position")
    }
    values["tanah_bengkok"] = request.POST.get("tanah_bengkok") == "on"
    try:
        services.budget_line_add(actor=request.user, budget=budget, kind=kind, activity=activity, **values)
        messages.success(request, _("Baris anggaran ditambahkan."))
    except DomainError as exc:
        _fail(request, exc)
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = _back(budget)
        return response
    return redirect(_back(budget))


LINE_FORM_FIELDS = ("account", "fund_source", "description", "volume", "unit", "unit_price", "pay_position")


@staff_required
def line_edit(request, line_id):
    """Edit one line of a draft (volume, unit, unit price, source, account …); rules re-checked
    live through the same preview as the add form."""
    line = BudgetLine.objects.filter(pk=line_id).select_related("account", "fund_source", "activity").first()
    if line is None:
        raise Http404
    budget = _budget(request, line.budget_id)
    fy = budget.fiscal_year
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in LINE_FORM_FIELDS}
        values["tanah_bengkok"] = request.POST.get("tanah_bengkok") == "on"
        try:
            services.budget_line_update(actor=request.user, line=line, **values)
            messages.success(request, _("Baris anggaran diubah."))
            if request.headers.get("HX-Request"):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = _back(budget)
                return response
            return redirect(_back(budget))
        except DomainError as exc:
            _fail(request, exc)
        return redirect("village_finance:line_edit", line_id=line.pk)
    roles = policies.village_roles(request.principal, fy.village)
    if not (budget.is_editable and Role.VILLAGE_TREASURER in roles):
        raise PermissionDenied(_("Hanya bendahara desa yang dapat mengubah rancangan APBDes."))
    root = {LineKind.INCOME: "4", LineKind.SPENDING: "5", LineKind.FINANCING: "6"}[line.kind]
    totals, findings = services.budget_findings(budget)
    return render(
        request,
        "village_finance/line_edit.html",
        {
            "line": line,
            "budget": budget,
            "fy": fy,
            "village": fy.village,
            "accounts": selectors.leaf_accounts(root),
            "sources": FundSource.objects.filter(is_active=True),
            "positions": PayPosition.choices[1:],
            "totals": totals,
            "findings": findings,
            "back": _back(budget),
        },
    )


@staff_required
@require_POST
def line_remove(request, line_id):
    line = BudgetLine.objects.filter(pk=line_id).select_related("budget").first()
    if line is None:
        raise Http404
    budget = _budget(request, line.budget_id)
    try:
        services.budget_line_remove(actor=request.user, line=line)
    except DomainError as exc:
        _fail(request, exc)
    return redirect(_back(budget))


@staff_required
@require_POST
def amendment_start(request, village_code, year):
    fy = _fy(request, village_code, year)
    try:
        services.amendment_start(actor=request.user, fiscal_year=fy)
        messages.success(request, _("Rancangan perubahan APBDes dibuat dari APBDes yang berlaku."))
    except DomainError as exc:
        _fail(request, exc)
    return redirect("village_finance:year", village_code=village_code, year=year)


@staff_required
def compare(request, budget_id):
    """One click for the camat/regency: the draft against the rules and against last year."""
    budget = _budget(request, budget_id)
    fy = budget.fiscal_year
    other = budget.based_on if budget.kind == BudgetKind.AMENDMENT else selectors.previous_year_budget(fy)
    totals, findings = services.budget_findings(budget)
    return render(
        request,
        "village_finance/compare.html",
        {
            "budget": budget,
            "fy": fy,
            "village": fy.village,
            "other": other,
            "other_label": _("APBDes murni")
            if budget.kind == BudgetKind.AMENDMENT
            else _("APBDes %(y)s") % {"y": fy.year - 1},
            "rows": selectors.budget_compare(budget, other),
            "totals": totals,
            "findings": findings,
            "actions": _allowed_actions(request.principal, budget),
        },
    )


# --- reports -------------------------------------------------------------------------------------


@staff_required
def report(request, village_code, year):
    fy = _fy(request, village_code, year)
    semester = request.GET.get("periode") == "s1"
    until = dt.date(fy.year, 6, 30) if semester else None
    data = selectors.realisation_report(fy, until=until)
    fmt = request.GET.get("format")
    if fmt == "lpj" and data["budget"] is not None:
        response = HttpResponse(outputs.lpj_zip(fy), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="lpj-{fy.village.code}-{fy.year}.zip"'
        return response
    if fmt in ("pdf", "xlsx") and data["budget"] is not None:
        name = f"realisasi-{fy.village.code}-{fy.year}{'-s1' if semester else ''}"
        if fmt == "pdf":
            response = HttpResponse(
                outputs.report_pdf(fy, data, semester=semester), content_type="application/pdf"
            )
        else:
            response = HttpResponse(
                outputs.report_xlsx(fy, data, semester=semester),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
        return response
    roles = policies.village_roles(request.principal, fy.village)
    return render(
        request,
        "village_finance/report.html",
        {
            "fy": fy,
            "village": fy.village,
            "report": data,
            "semester": semester,
            "submissions": selectors.report_submissions(fy),
            "can_submit": bool(roles & {Role.VILLAGE_TREASURER, Role.VILLAGE_HEAD}),
            "open_panjar": selectors.panjar_list(fy, status=PanjarStatus.OPEN),
            "today": timezone.localdate(),
        },
    )


@staff_required
def regency_dashboard(request, year):
    principal = request.principal
    if not principal.is_regency_admin:
        raise PermissionDenied()
    regency_id = (
        OrgUnit.objects.filter(pk__in=principal.units_with(Role.REGENCY_ADMIN))
        .values_list("regency_id", flat=True)
        .first()
    )
    data = selectors.regency_realisation(regency_id, int(year))
    chart = bar_chart_svg(
        [(d["name"], float(d["absorption"] or 0)) for d in data["districts"]],
        title=_("Penyerapan belanja per kecamatan (%)"),
        unit="%",
    )
    rows = selectors.area_budgets(principal, int(year))
    return render(
        request,
        "village_finance/regency.html",
        {
            "year": int(year),
            "data": data,
            "chart": chart,
            "late": [r for r in rows if r["late"]],
            "reports": selectors.report_tracking(principal, int(year)),
        },
    )


@staff_required
def siskeudes_export(request, village_code, year):
    from pintu.village_finance.siskeudes import export_zip

    fy = _fy(request, village_code, year)
    response = HttpResponse(export_zip(fy), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="siskeudes-{fy.village.code}-{fy.year}.zip"'
    return response


# --- public --------------------------------------------------------------------------------------


def public_apbdes(request, village_code, year):
    """The adopted APBDes and its realisation for everyone: no names, no NIK, no addresses."""
    village = Village.objects.select_related("district__regency").filter(code=village_code).first()
    fy = (
        FiscalYear.objects.filter(village=village, year=year).select_related("effective_budget").first()
        if village
        else None
    )
    if fy is None or fy.effective_budget is None:
        raise Http404
    budget = fy.effective_budget
    income = selectors.income_by_source(budget)
    spending = selectors.spending_by_bidang(budget, fy)
    report = selectors.realisation_report(fy)
    income_chart = bar_chart_svg(
        [(f"{r['fund_source__code']}", float(r["total"]) / 1_000_000) for r in income],
        title=_("Pendapatan menurut sumber (juta rupiah)"),
        unit="jt",
    )
    spending_chart = bar_chart_svg(
        [(r["name"].replace("BIDANG ", "").title()[:40], float(r["total"]) / 1_000_000) for r in spending],
        title=_("Belanja menurut bidang (juta rupiah)"),
        unit="jt",
        second=[float(r["realised"]) / 1_000_000 for r in spending],
        second_label=_("terealisasi"),
    )
    totals = report["totals"]
    return render(
        request,
        "village_finance/public.html",
        {
            "village": village,
            "fy": fy,
            "budget": budget,
            "income_chart": income_chart,
            "spending_chart": spending_chart,
            "activities": report["activities"],
            "income_realised": totals["4"].realised,
            "spending_realised": totals["5"].realised,
        },
    )
