"""Pages for staff: the work queue, a case with its actions, the village front door."""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pintu.accounts.access import principal_for
from pintu.accounts.constants import VILLAGE_ROLES, Role
from pintu.cases import selectors as case_selectors
from pintu.cases.constants import ACTIONABLE_STATUSES, CaseAction, CaseStatus
from pintu.cases.policies import allowed_actions
from pintu.cases.services import CASE_VERBS
from pintu.catalog.models import FormField, Service, WorkflowStep
from pintu.catalog.selectors import catalogue_services, published_service
from pintu.core.errors import DomainError, NotFound, PermissionDenied
from pintu.population import selectors as population_selectors
from pintu.portal.application import build_forms, submit
from pintu.regions.models import OrgUnit


def staff_required(view):
    @login_required
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        principal = principal_for(request.user)
        if not principal.is_staff_member:
            raise DjangoPermissionDenied
        request.principal = principal
        return view(request, *args, **kwargs)

    return wrapper


def _front_door_units(principal):
    """Units where this officer may open cases for residents: village offices, agency counters."""
    unit_ids = principal.units_with(*VILLAGE_ROLES, Role.AGENCY_FRONT_OFFICE)
    return list(OrgUnit.objects.filter(pk__in=unit_ids).order_by("name"))


def _village_units(principal):
    return list(OrgUnit.objects.filter(pk__in=principal.units_with(*VILLAGE_ROLES)).order_by("name"))


@staff_required
def home(request):
    return redirect("office:queue")


@dataclass(frozen=True)
class QueueRow:
    """One line of the work queue, already formatted (50 of these are rendered per page)."""

    url: str
    code: str
    service: str
    applicant: str
    step: str
    unit: str
    status: str
    status_label: str
    due: str
    late: bool
    officer: str


def queue_rows(cases, today) -> list[QueueRow]:
    url_prefix = reverse("office:case", args=["X"])[: -len("X/")]
    status_labels = {value: str(label) for value, label in CaseStatus.choices}
    rows = []
    for case in cases:
        due = case.step_due_date or case.due_date
        assignee = case.current_assignee
        rows.append(
            QueueRow(
                url=f"{url_prefix}{case.tracking_code}/",
                code=case.display_code,
                service=case.service.name,
                applicant=case.applicant_name,
                step=case.current_step.name if case.current_step_id else "",
                unit=case.current_owner.display_name if case.current_owner_id else "",
                status=case.status,
                status_label=status_labels[case.status],
                due=date_format(due, "d M Y") if due else "",
                late=bool(due and due < today),
                officer=(assignee.full_name or assignee.username) if assignee else "",
            )
        )
    return rows


@staff_required
def queue(request):
    principal = request.principal
    tab = request.GET.get("tab", "unit")
    if tab not in case_selectors.QUEUE_TABS:
        tab = "unit"
    service_code = request.GET.get("layanan", "")
    service_id = (
        Service.objects.filter(code=service_code).values_list("pk", flat=True).first()
        if service_code
        else None
    )
    status = request.GET.get("status", "")
    page = case_selectors.work_queue(
        principal, tab=tab, service_id=service_id, status=status or None, cursor=request.GET.get("cursor")
    )
    today = timezone.localdate()
    context = {
        "page": page,
        "rows": queue_rows(page.rows, today),
        "tab": tab,
        "counts": case_selectors.queue_counts(principal),
        "service_code": service_code,
        "status": status,
        "services": Service.objects.filter(agency_id__in=principal.unit_ids).order_by("name")
        if principal.units_with(Role.AGENCY_FRONT_OFFICE, Role.AGENCY_VERIFIER, Role.AGENCY_APPROVER)
        else Service.objects.filter(published_version__isnull=False).order_by("name"),
        "statuses": [(s, CaseStatus(s).label) for s in ACTIONABLE_STATUSES],
        "today": today,
        "units": OrgUnit.objects.filter(pk__in=principal.unit_ids).order_by("name"),
        "front_door": bool(_front_door_units(principal)),
        "village_units": _village_units(principal),
    }
    template = (
        "office/_queue_table.html" if request.htmx and not request.htmx.boosted else "office/queue.html"
    )
    return render(request, template, context)


def _form_rows(case) -> list[tuple[str, str]]:
    fields = {f.key: f for f in FormField.objects.filter(version_id=case.service_version_id)}
    rows = []
    for key, value in case.form_data.items():
        field = fields.get(key)
        if value is True:
            value = _("Ya")
        rows.append((field.label if field else key, value))
    return rows


def _case_context(request, case):
    principal = request.principal
    actions = allowed_actions(principal, case)
    documents_form = None
    if CaseAction.RESUBMIT in actions:
        documents_form = _revision_documents_form(case)
    next_step = None
    if case.current_step_id:
        next_step = (
            WorkflowStep.objects.filter(
                version_id=case.service_version_id, position__gt=case.current_step.position
            )
            .order_by("position")
            .first()
        )
    return {
        "form_rows": _form_rows(case),
        "next_step": next_step,
        "documents_form": documents_form,
        "case": case,
        "actions": actions,
        "request_key": uuid.uuid4().hex,
        "outputs": case_selectors.output_documents(case),
        "requirements": [d for d in case.documents.all() if d.kind == "requirement"],
        "today": timezone.localdate(),
        "front_door": bool(_front_door_units(principal)),
        "signer_needs_passphrase": settings.PINTU_SIGNER == "bsre",
        "village_units": _village_units(principal),
    }


def _revision_documents_form(case, data=None, files=None):
    from django import forms

    from pintu.catalog.selectors import version_with_details
    from pintu.portal.forms import documents_fields

    version = version_with_details(case.service_version_id)
    return type("RevisionDocumentsForm", (forms.Form,), documents_fields(version, required=False))(
        data, files
    )


@staff_required
def case_detail(request, code):
    try:
        case = case_selectors.case_get_for(request.principal, code)
    except NotFound as exc:
        raise Http404 from exc
    return render(request, "office/case_detail.html", _case_context(request, case))


ACTION_MESSAGES = {
    CaseAction.CLAIM: _("Permohonan masuk ke daftar Anda."),
    CaseAction.VERIFY: _("Berkas ditandai terverifikasi. Teruskan ke langkah berikutnya bila sudah siap."),
    CaseAction.FORWARD: _("Permohonan diteruskan ke langkah berikutnya."),
    CaseAction.APPROVE: _("Permohonan disetujui dan diteruskan untuk penerbitan."),
    CaseAction.RETURN: _(
        "Permohonan dikembalikan kepada pemohon; waktu layanan berhenti sampai ada perbaikan."
    ),
    CaseAction.REJECT: _("Permohonan ditolak. Pemohon diberi tahu alasannya."),
    CaseAction.ISSUE: _("Dokumen hasil diterbitkan dan ditandatangani secara elektronik."),
    CaseAction.HAND_OVER: _("Penyerahan dokumen tercatat. Permohonan selesai."),
    CaseAction.RESUBMIT: _("Perbaikan dikirim."),
    CaseAction.WITHDRAW: _("Permohonan dibatalkan."),
}


@staff_required
@require_POST
def case_action(request, code, action):
    action = action.replace("-", "_")
    verb = CASE_VERBS.get(action)
    if verb is None:
        raise Http404
    try:
        case = case_selectors.case_get_for(request.principal, code)
    except NotFound as exc:
        raise Http404 from exc
    kwargs = {"actor": request.user, "case": case, "request_key": request.POST.get("request_key") or None}
    if action != CaseAction.CLAIM:
        kwargs["note"] = request.POST.get("note", "")
    if action == CaseAction.ISSUE and request.POST.get("signer_passphrase"):
        kwargs["signer_credentials"] = {
            "nik": request.user.nik,
            "passphrase": request.POST["signer_passphrase"],
        }
    if action == CaseAction.RESUBMIT:
        form = _revision_documents_form(case, request.POST, request.FILES)
        form.is_valid()
        kwargs["documents"] = {
            name.removeprefix("doc_"): file for name, file in form.cleaned_data.items() if file
        }
    try:
        verb(**kwargs)
    except PermissionDenied as exc:
        raise DjangoPermissionDenied from exc
    except DomainError as exc:
        detail = "; ".join(m for msgs in exc.fields.values() for m in msgs) if exc.fields else ""
        messages.error(request, f"{exc.message} {detail}".strip())
    else:
        messages.success(request, ACTION_MESSAGES[action])
    return redirect("office:case", code=case.tracking_code)


@staff_required
def new_case(request):
    units = _front_door_units(request.principal)
    if not units:
        raise DjangoPermissionDenied
    query = request.GET.get("q", "")
    village_desk = bool(request.principal.units_with(*VILLAGE_ROLES))
    agencies = [u.pk for u in units if u.kind == "agency"]
    services = catalogue_services(query=query)
    if not village_desk:
        services = services.filter(agency_id__in=agencies)
    return render(
        request,
        "office/new_case.html",
        {
            "services": services,
            "query": query,
            "village_desk": village_desk,
            "front_door": True,
            "village_units": _village_units(request.principal),
        },
    )


@staff_required
def new_case_form(request, code):
    units = _front_door_units(request.principal)
    if not units:
        raise DjangoPermissionDenied
    try:
        service, version = published_service(code)
    except NotFound as exc:
        raise Http404 from exc
    unit_id = request.POST.get("unit") or request.GET.get("unit")
    if unit_id:
        unit = next((u for u in units if str(u.pk) == str(unit_id)), None)
        if unit is None:  # not one of this officer's offices
            raise DjangoPermissionDenied
    else:
        unit = units[0] if len(units) == 1 else None
    # An agency counter opens cases only for its own agency's services; a village desk for any.
    usable = [u for u in units if u.kind == "village_office" or u.pk == service.agency_id]
    if not usable or (unit is not None and unit not in usable):
        raise DjangoPermissionDenied
    units = usable
    if unit is None and len(units) == 1:
        unit = units[0]
    registry = _registry_lookup(request, unit, service) if request.method != "POST" else {}
    if request.method == "POST" and unit is not None:
        bundle = build_forms(version, staff=True, data=request.POST, files=request.FILES)
        if bundle.is_valid():
            try:
                result = submit(bundle, actor=request.user, service=service, on_behalf_unit_id=unit.pk)
            except PermissionDenied as exc:
                raise DjangoPermissionDenied from exc
            except DomainError as exc:
                messages.error(request, str(exc.message))
                result = None
            if result:
                case, created = result
                if created:
                    messages.success(
                        request,
                        _("Permohonan %(code)s terkirim. Berikan kode lacak ini kepada pemohon.")
                        % {"code": case.display_code},
                    )
                return redirect("office:case", code=case.tracking_code)
    else:
        bundle = build_forms(version, staff=True, applicant_initial=registry.get("initial"))
    return render(
        request,
        "office/new_case_form.html",
        {
            **registry,
            "service": service,
            "version": version,
            "forms": bundle,
            "units": units,
            "unit": unit,
            "action_url": f"{reverse('office:new_case_form', args=[service.code])}?unit={unit.pk}"
            if unit
            else "",
            "front_door": True,
            "village_units": _village_units(request.principal),
        },
    )


def _registry_lookup(request, unit, service) -> dict:
    """At a village desk the applicant comes from the village's population registry: search by
    NIK or name, pick one, and the applicant fields are prefilled (the full-record view is
    logged with its purpose)."""
    if unit is None or unit.kind != "village_office" or unit.village_id is None:
        return {}
    context = {"registry": True, "resident_query": request.GET.get("q", "").strip()}
    if context["resident_query"]:
        context["resident_results"] = population_selectors.resident_search(
            principal=request.principal, query=context["resident_query"], village=unit.village_id, limit=10
        )
    resident_id = request.GET.get("resident", "")
    if resident_id.isdigit():
        try:
            resident = population_selectors.resident_get_for(
                principal=request.principal,
                resident_id=int(resident_id),
                purpose=_("Permohonan layanan %(code)s di loket desa") % {"code": service.code},
            )
        except NotFound as exc:
            raise Http404 from exc
        data = population_selectors.resident_letter_data(resident=resident)
        context["resident"] = data
        context["initial"] = {
            "applicant_name": data["full_name"],
            "applicant_nik": "" if data["nik_is_temporary"] else data["nik"],
            "applicant_address": data["address"],
            "applicant_village": resident.village_id,
        }
    return context


@staff_required
def village(request):
    units = _village_units(request.principal)
    if not units:
        raise DjangoPermissionDenied
    unit_id = request.GET.get("unit")
    unit = next((u for u in units if str(u.pk) == str(unit_id)), units[0])
    tab = request.GET.get("tab", "handover")
    if tab not in case_selectors.VILLAGE_TABS:
        tab = "handover"
    page = case_selectors.village_cases(
        request.principal, unit_id=unit.pk, tab=tab, cursor=request.GET.get("cursor")
    )
    return render(
        request,
        "office/village.html",
        {
            "page": page,
            "tab": tab,
            "unit": unit,
            "units": units,
            "counts": case_selectors.village_case_counts(request.principal, unit_id=unit.pk),
            "front_door": True,
            "village_units": units,
            "today": timezone.localdate(),
        },
    )
