from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pintu.accounts.access import principal_for
from pintu.cases import selectors as case_selectors
from pintu.cases import services as case_services
from pintu.cases.api import document_file_response
from pintu.cases.constants import CaseStatus
from pintu.cases.policies import allowed_actions
from pintu.catalog.constants import STANDARD_COMPONENTS
from pintu.catalog.selectors import (
    catalogue_agencies,
    catalogue_categories,
    catalogue_services,
    published_service,
)
from pintu.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from pintu.core.forms import apply_errors
from pintu.core.throttle import per_ip
from pintu.portal.application import build_forms, submit
from pintu.portal.forms import ResubmitForm, TrackForm, documents_fields


def home(request):
    return render(
        request,
        "portal/home.html",
        {
            "agencies": catalogue_agencies(),
            "categories": catalogue_categories(),
            "village_services": catalogue_services(village_only=True)[:6],
            "track_form": TrackForm(),
        },
    )


def catalogue(request):
    query = request.GET.get("q", "").strip()[:100]
    agency = request.GET.get("instansi", "")
    category = request.GET.get("kategori", "")
    services = catalogue_services(query=query, agency_code=agency, category=category)
    page = Paginator(services, 20).get_page(request.GET.get("halaman"))
    context = {
        "page": page,
        "query": query,
        "agency": agency,
        "category": category,
        "agencies": catalogue_agencies(),
        "categories": catalogue_categories(),
    }
    template = (
        "portal/_catalogue_results.html"
        if request.htmx and not request.htmx.boosted
        else "portal/catalogue.html"
    )
    return render(request, template, context)


def service_detail(request, code):
    try:
        service, version = published_service(code)
    except NotFound as exc:
        raise Http404 from exc
    components = [(name, label, getattr(version, name)) for name, label in STANDARD_COMPONENTS]
    return render(
        request,
        "portal/service_detail.html",
        {"service": service, "version": version, "components": components},
    )


@login_required
def apply(request, code):
    try:
        service, version = published_service(code)
    except NotFound as exc:
        raise Http404 from exc
    principal = principal_for(request.user)
    if principal.is_staff_member:
        return redirect("office:new_case_form", code=service.code)
    user = request.user
    initial = {
        "applicant_nik": user.nik,
        "applicant_phone": user.phone,
        "applicant_address": user.address,
        "applicant_village": user.village_id,
    }
    if request.method == "POST":
        bundle = build_forms(version, staff=False, data=request.POST, files=request.FILES)
        if bundle.is_valid():
            result = submit(bundle, actor=user, service=service)
            if result:
                case, created = result
                if created:
                    messages.success(
                        request,
                        _("Permohonan terkirim. Simpan kode lacak Anda: %(code)s")
                        % {"code": case.display_code},
                    )
                return redirect("portal:my_case", code=case.tracking_code)
    else:
        bundle = build_forms(version, staff=False, applicant_initial=initial)
    return render(request, "portal/apply.html", {"service": service, "version": version, "forms": bundle})


def track(request):
    form = TrackForm(request.GET or None)
    if form.is_valid():
        return redirect("portal:track_detail", code=form.cleaned_data["code"].upper().replace(" ", ""))
    return render(request, "portal/track.html", {"form": form})


@per_ip("track", limit=60)
def track_detail(request, code):
    tracked = case_selectors.case_tracking(code)
    if tracked is None:
        form = TrackForm(initial={"code": code})
        return render(
            request, "portal/track.html", {"form": form, "not_found": True, "code": code}, status=404
        )
    return render(request, "portal/track_detail.html", {"t": tracked})


@login_required
def my_cases(request):
    page = case_selectors.cases_of_applicant(request.user, cursor=request.GET.get("cursor"))
    return render(request, "portal/my_cases.html", {"page": page})


@login_required
def my_case(request, code):
    principal = principal_for(request.user)
    try:
        case = case_selectors.case_get_for(principal, code)
    except NotFound as exc:
        raise Http404 from exc
    if case.applicant_user_id != request.user.pk:
        return redirect("office:case", code=case.tracking_code)
    resubmit_form = None
    documents_form = None
    if case.status == CaseStatus.RETURNED:
        resubmit_form = ResubmitForm(initial={"request_key": _new_key()})
        documents_form = _documents_form(case)()
    return render(
        request,
        "portal/my_case.html",
        {
            "case": case,
            "actions": allowed_actions(principal, case),
            "outputs": case_selectors.output_documents(case),
            "resubmit_form": resubmit_form,
            "documents_form": documents_form,
        },
    )


def _new_key() -> str:
    import uuid

    return uuid.uuid4().hex


def _documents_form(case):
    from django import forms

    from pintu.catalog.selectors import version_with_details

    version = version_with_details(case.service_version_id)
    return type("RevisionDocumentsForm", (forms.Form,), documents_fields(version, required=False))


@login_required
@require_POST
def my_case_resubmit(request, code):
    principal = principal_for(request.user)
    try:
        case = case_selectors.case_get_for(principal, code)
    except NotFound as exc:
        raise Http404 from exc
    form = ResubmitForm(request.POST)
    documents_form = _documents_form(case)(request.POST, request.FILES)
    if form.is_valid() and documents_form.is_valid():
        documents = {k.removeprefix("doc_"): f for k, f in documents_form.cleaned_data.items() if f}
        try:
            case_services.case_resubmit(
                actor=request.user,
                case=case,
                note=form.cleaned_data["note"],
                documents=documents,
                request_key=form.cleaned_data["request_key"] or None,
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        except PermissionDenied as exc:
            raise DjangoPermissionDenied from exc
        except DomainError as exc:
            messages.error(request, str(exc.message))
            return redirect("portal:my_case", code=case.tracking_code)
        else:
            messages.success(request, _("Perbaikan terkirim. Petugas akan memeriksanya kembali."))
            return redirect("portal:my_case", code=case.tracking_code)
    return render(
        request,
        "portal/my_case.html",
        {
            "case": case,
            "actions": allowed_actions(principal, case),
            "outputs": case_selectors.output_documents(case),
            "resubmit_form": form,
            "documents_form": documents_form,
        },
        status=400,
    )


@login_required
@require_POST
def my_case_withdraw(request, code):
    principal = principal_for(request.user)
    try:
        case = case_selectors.case_get_for(principal, code)
        case_services.case_withdraw(
            actor=request.user,
            case=case,
            note=request.POST.get("note", ""),
            request_key=request.POST.get("request_key"),
        )
    except NotFound as exc:
        raise Http404 from exc
    except PermissionDenied as exc:
        raise DjangoPermissionDenied from exc
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.info(request, _("Permohonan dibatalkan."))
    return redirect("portal:my_case", code=code)


@login_required
def case_document(request, code, document_id):
    try:
        document = case_selectors.case_document_for(principal_for(request.user), code, document_id)
    except NotFound as exc:
        raise Http404 from exc
    return document_file_response(document)


def robots(request):
    from django.http import HttpResponse

    return HttpResponse(
        "User-agent: *\nDisallow: /lacak/\nDisallow: /kantor/\nDisallow: /akun/\nDisallow: /admin/\n",
        content_type="text/plain",
    )
