"""Pages of village letters: the office (counter issuance in one screen, the requests inbox,
the register, a letter, the village settings) and the citizen's self-service (request a
letter, follow it, download the signed PDF). Views translate; services decide."""

from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pintu.accounts.access import principal_for
from pintu.accounts.constants import VILLAGE_ROLES, Role
from pintu.core.errors import DomainError, NotFound, PermissionDenied
from pintu.core.forms import apply_errors
from pintu.letters import policies, selectors
from pintu.letters import services as ls
from pintu.letters.constants import OPEN_REQUEST_STATUSES, RequestAction, RequestStatus, SequenceScope
from pintu.letters.definitions import MAIN
from pintu.letters.forms import SIGNER_CHOICES, LetterFieldsForm, NoteForm, RevokeForm, SettingsForm
from pintu.letters.models import LetterType
from pintu.letters.workflow import TRANSITIONS


def _population():
    from pintu.population import selectors as population_selectors

    return population_selectors


def letter_staff_required(view):
    @login_required
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        principal = principal_for(request.user)
        if not policies.staff_offices(principal):
            raise DjangoPermissionDenied
        request.principal = principal
        try:
            request.office = selectors.staff_office(
                principal, request.GET.get("kantor") or request.POST.get("kantor")
            )
        except PermissionDenied as exc:
            raise DjangoPermissionDenied from exc
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404 from exc
        except PermissionDenied as exc:
            raise DjangoPermissionDenied from exc

    return wrapper


def _office_context(request, **extra) -> dict:
    office = request.office
    return {
        "office": office,
        "offices": selectors.staff_offices_list(request.principal),
        "counts": selectors.inbox_counts(office),
        "can_configure": policies.can_configure(request.principal, office.pk),
        # The office sub-menu's own tabs (same rule as pintu.office.views).
        "front_door": bool(request.principal.units_with(*VILLAGE_ROLES, Role.AGENCY_FRONT_OFFICE)),
        "village_units": bool(request.principal.units_with(*VILLAGE_ROLES)),
        **extra,
    }


def _pdf_response(letter) -> FileResponse:
    upload = letter.document.pdf
    response = FileResponse(
        upload.file.open("rb"),
        as_attachment=True,
        filename=f"{letter.letter_type.slug}-{letter.document.code}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- counter issuance ---------------------------------------------------------------------------


def _chosen_type(office, raw) -> LetterType | None:
    enabled = {e.letter_type.pk: e.letter_type for e in selectors.village_types(office)}
    try:
        return enabled.get(int(raw)) if raw else None
    except (TypeError, ValueError):
        return None


def _chosen_resident(request, raw):
    """The resident picked at the counter (a logged view of the registry through B's selector)."""
    if not raw:
        return None
    try:
        return _population().resident_get_for(
            principal=request.principal, resident_id=int(raw), purpose=_("Penerbitan surat desa")
        )
    except (DomainError, ValueError, TypeError):
        return None


@letter_staff_required
def issue(request):
    """One screen: find the resident, choose the type, fill the extra fields, issue, download."""
    office = request.office
    types = selectors.village_types(office)
    letter_type = _chosen_type(office, request.POST.get("letter_type") or request.GET.get("jenis"))
    resident = _chosen_resident(request, request.POST.get("resident") or request.GET.get("warga"))
    form = None
    if letter_type is not None:
        form = LetterFieldsForm(request.POST if request.method == "POST" else None, letter_type=letter_type)
    if request.method == "POST" and form is not None:
        if resident is None:
            messages.error(request, _("Pilih warga terlebih dahulu: cari dengan NIK atau nama."))
        elif form.is_valid():
            try:
                letter = ls.letter_issue(
                    actor=request.user,
                    village_office=office,
                    letter_type=letter_type,
                    resident=resident,
                    fields=form.field_values(),
                    purpose=form.cleaned_data["purpose"],
                )
            except DomainError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(t)s Nomor %(n)s terbit dan sudah ditandatangani.")
                    % {"t": letter_type.title, "n": letter.number},
                )
                return redirect(reverse("letters:office_letter", args=[letter.pk]) + f"?kantor={office.pk}")
    resident_data = _population().resident_letter_data(resident=resident) if resident else None
    context = _office_context(
        request,
        types=types,
        letter_type=letter_type,
        resident=resident,
        resident_data=resident_data,
        form=form,
    )
    return render(request, "letters/office_issue.html", context)


@letter_staff_required
def resident_search(request):
    """HTMX: residents of this village by NIK or name prefix (B's selector; one query)."""
    query = request.GET.get("q", "").strip()[:40]
    rows = (
        _population().resident_search(
            principal=request.principal, query=query, village=request.office.village_id, limit=10
        )
        if len(query) >= 3
        else []
    )
    return render(
        request, "letters/_resident_results.html", {"rows": rows, "query": query, "office": request.office}
    )


# --- inbox and requests ---------------------------------------------------------------------------


@letter_staff_required
def inbox(request):
    status = request.GET.get("status", "")
    page = selectors.request_inbox(
        office=request.office, status=status or None, cursor=request.GET.get("cursor")
    )
    context = _office_context(request, page=page, status=status)
    context["statuses"] = [
        (s.value, s.label, context["counts"][s.value]) for s in RequestStatus if s in OPEN_REQUEST_STATUSES
    ]
    return render(request, "letters/office_inbox.html", context)


def _staff_actions(principal, request_obj) -> list[str]:
    signer_kind = ls.effective_signer(request_obj.office, request_obj.letter_type)
    return [
        action
        for action, transition in TRANSITIONS.items()
        if transition.actor != "citizen"
        and request_obj.status in transition.sources
        and policies.may_take(principal, request_obj, transition, signer_kind=signer_kind)
    ]


@letter_staff_required
def office_request(request, pk: int):
    request_obj = selectors.request_for(request.principal, pk)
    if request_obj.office_id != request.office.pk:
        return redirect(reverse("letters:office_request", args=[pk]) + f"?kantor={request_obj.office_id}")
    context = _office_context(
        request,
        req=request_obj,
        resident_data=_population().resident_letter_data(resident=request_obj.resident),
        fields=_labelled_fields(request_obj.letter_type, request_obj.fields),
        events=selectors.request_events(request_obj),
        actions=_staff_actions(request.principal, request_obj),
        note_form=NoteForm(),
        signer_kind=ls.effective_signer(request_obj.office, request_obj.letter_type),
    )
    return render(request, "letters/office_request.html", context)


STAFF_VERBS = {
    RequestAction.CHECK: lambda actor, req, note: ls.letter_request_check(
        actor=actor, request=req, note=note
    ),
    RequestAction.RETURN: lambda actor, req, note: ls.letter_request_return(
        actor=actor, request=req, note=note
    ),
    RequestAction.REJECT: lambda actor, req, note: ls.letter_request_reject(
        actor=actor, request=req, note=note
    ),
    RequestAction.APPROVE: lambda actor, req, note: ls.letter_request_approve(actor=actor, request=req),
}
DONE_MESSAGES = {
    RequestAction.CHECK: _("Permintaan ditandai sudah diperiksa; menunggu tanda tangan."),
    RequestAction.RETURN: _("Permintaan dikembalikan ke pemohon untuk diperbaiki."),
    RequestAction.REJECT: _("Permintaan ditolak; pemohon diberi tahu alasannya."),
    RequestAction.APPROVE: _("Surat disetujui, ditandatangani dan terbit."),
}


@require_POST
@letter_staff_required
def office_request_action(request, pk: int, action: str):
    verb = STAFF_VERBS.get(action)
    if verb is None:
        raise Http404
    request_obj = selectors.request_for(request.principal, pk)
    form = NoteForm(request.POST)
    note = form.data.get("note", "")
    try:
        verb(request.user, request_obj, note)
    except DomainError as exc:
        messages.error(
            request, "; ".join([str(exc.message), *[m for msgs in exc.fields.values() for m in msgs]])
        )
    else:
        messages.success(request, str(DONE_MESSAGES[action]))
    return redirect(reverse("letters:office_request", args=[pk]) + f"?kantor={request_obj.office_id}")


# --- register and letter ------------------------------------------------------------------------


@letter_staff_required
def register(request):
    try:
        type_id = int(request.GET.get("jenis") or 0) or None
    except ValueError:
        type_id = None
    month = request.GET.get("bulan", "")[:7]
    page = selectors.letter_register(
        office=request.office, letter_type_id=type_id, month=month or None, cursor=request.GET.get("cursor")
    )
    context = _office_context(
        request,
        page=page,
        type_id=type_id,
        month=month,
        types=selectors.village_types(request.office, only_enabled=False),
    )
    template = (
        "letters/_register_rows.html"
        if request.htmx and not request.htmx.boosted
        else "letters/office_register.html"
    )
    return render(request, template, context)


def _labelled_fields(letter_type, values: dict) -> list[tuple[str, object]]:
    return [
        (spec["label"], values.get(spec["key"], ""))
        for spec in letter_type.fields_schema
        if values.get(spec["key"]) not in (None, "")
    ]


@letter_staff_required
def office_letter(request, pk: int):
    letter = selectors.letter_for(request.principal, pk)
    context = _office_context(
        request,
        letter=letter,
        fields=_labelled_fields(letter.letter_type, letter.fields),
        can_revoke=policies.can_revoke(request.principal, letter.office_id) and letter.status == "issued",
        revoke_form=RevokeForm(),
    )
    return render(request, "letters/office_letter.html", context)


@letter_staff_required
def office_letter_pdf(request, pk: int):
    letter = selectors.letter_for(request.principal, pk)
    if not letter.document_id:
        raise Http404
    return _pdf_response(letter)


@require_POST
@letter_staff_required
def office_letter_revoke(request, pk: int):
    letter = selectors.letter_for(request.principal, pk)
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            ls.letter_revoke(actor=request.user, letter=letter, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(
                request, _("Surat dicabut. Halaman verifikasi kini menyatakan surat ini DICABUT.")
            )
    else:
        messages.error(request, _("Tulis alasan pencabutan."))
    return redirect(reverse("letters:office_letter", args=[pk]) + f"?kantor={letter.office_id}")


# --- settings (kepala desa) ---------------------------------------------------------------------


@letter_staff_required
def office_settings(request):
    office = request.office
    if not policies.can_configure(request.principal, office.pk):
        raise DjangoPermissionDenied
    config = selectors.settings_for(office)
    types = selectors.village_types(office, only_enabled=False)
    initial = {
        "number_format": config.number_format,
        "sequence_scope": config.sequence_scope or SequenceScope.VILLAGE,
        "head_name": config.head_name or request.user.full_name,
        "head_nip": config.head_nip,
        "secretary_name": config.secretary_name,
        "secretary_nip": config.secretary_nip,
    }
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        enabled = {e.letter_type.pk: f"on_{e.letter_type.pk}" in request.POST for e in types}
        signers = {e.letter_type.pk: request.POST.get(f"signer_{e.letter_type.pk}", "") for e in types}
        try:
            ls.village_letter_settings_update(actor=request.user, office=office, **form.cleaned_data)
            ls.village_letter_types_set(actor=request.user, office=office, enabled=enabled, signers=signers)
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Pengaturan surat disimpan."))
            return redirect(reverse("letters:office_settings") + f"?kantor={office.pk}")
    preview = ""
    if config.pk:
        from pintu.letters.numbering import parse_number_format

        try:
            preview = parse_number_format(config.number_format, scope=config.sequence_scope).render(
                sequence=12,
                classification_code="470",
                type_code="S-41",
                village_code=office.village.code,
                year=2026,
                month=11,
            )
        except DomainError:
            preview = ""
    return render(
        request,
        "letters/office_settings.html",
        _office_context(
            request,
            form=form,
            types=types,
            signer_choices=SIGNER_CHOICES,
            preview=preview,
            configured=bool(config.pk),
        ),
    )


# --- citizen ------------------------------------------------------------------------------------


def citizen_required(view):
    @login_required
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        principal = principal_for(request.user)
        if not principal.is_citizen:
            raise DjangoPermissionDenied
        request.principal = principal
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404 from exc

    return wrapper


def _citizen_office(resident):
    from pintu.regions.selectors import village_office_for

    return village_office_for(resident.village_id) if resident else None


@citizen_required
def my_letters(request):
    resident = _population().linked_resident_for(request.user)
    office = _citizen_office(resident)
    types = selectors.village_types(office, citizen=True) if office else []
    # The twelve common letters first (in MAIN's order), the rest folded away.
    order = list(MAIN)
    common = sorted(
        (e for e in types if e.letter_type.slug in MAIN), key=lambda e: order.index(e.letter_type.slug)
    )
    others = [e for e in types if e.letter_type.slug not in MAIN]
    return render(
        request,
        "letters/my_letters.html",
        {
            "resident": resident,
            "office": office,
            "common": common,
            "others": others,
            "requests": selectors.my_requests(request.user),
        },
    )


@citizen_required
def request_new(request, slug: str):
    resident = _population().linked_resident_for(request.user)
    office = _citizen_office(resident)
    if resident is None or office is None:
        return redirect("letters:my_letters")
    enabled = {e.letter_type.slug: e.letter_type for e in selectors.village_types(office, citizen=True)}
    letter_type = enabled.get(slug)
    if letter_type is None:
        raise Http404
    form = LetterFieldsForm(request.POST or None, letter_type=letter_type)
    if request.method == "POST" and form.is_valid():
        try:
            req = ls.letter_request_create(
                actor=request.user,
                letter_type=letter_type,
                purpose=form.cleaned_data["purpose"],
                fields=form.field_values(),
            )
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("Permintaan surat terkirim ke kantor desa. Anda akan diberi tahu bila surat terbit."),
            )
            return redirect("letters:my_request", pk=req.pk)
    return render(
        request,
        "letters/request_new.html",
        {"letter_type": letter_type, "form": form, "resident": resident, "office": office},
    )


@citizen_required
def my_request(request, pk: int):
    req = selectors.request_for(request.principal, pk)
    if req.requested_by_id != request.user.pk:
        raise Http404
    form = None
    if req.status == RequestStatus.RETURNED:
        initial = {"purpose": req.purpose, **req.fields}
        form = LetterFieldsForm(request.POST or None, letter_type=req.letter_type, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                ls.letter_request_resubmit(
                    actor=request.user,
                    request=req,
                    purpose=form.cleaned_data["purpose"],
                    fields=form.field_values(),
                )
            except DomainError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Perbaikan terkirim ke kantor desa."))
                return redirect("letters:my_request", pk=req.pk)
    return render(
        request,
        "letters/my_request.html",
        {
            "req": req,
            "fields": _labelled_fields(req.letter_type, req.fields),
            "events": selectors.request_events(req),
            "form": form,
            "can_withdraw": req.status in TRANSITIONS[RequestAction.WITHDRAW].sources,
        },
    )


@require_POST
@citizen_required
def my_request_withdraw(request, pk: int):
    req = selectors.request_for(request.principal, pk)
    try:
        ls.letter_request_withdraw(actor=request.user, request=req)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Permintaan surat dibatalkan."))
    return redirect("letters:my_request", pk=pk)


@citizen_required
def my_letter_pdf(request, pk: int):
    req = selectors.request_for(request.principal, pk)
    if req.requested_by_id != request.user.pk or req.letter_id is None or not req.letter.document_id:
        raise Http404
    return _pdf_response(req.letter)
