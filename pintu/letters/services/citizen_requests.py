"""Citizen letter requests: a linked citizen asks for a letter online; the village office checks,
returns, rejects or approves it (approval issues the letter), through the transition table in
``pintu.letters.workflow``."""

from __future__ import annotations

import datetime as dt

from django.conf import settings as django_settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pintu.accounts.access import principal_for
from pintu.audit.services import audit_record
from pintu.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from pintu.core.tasks import enqueue_on_commit
from pintu.letters import policies
from pintu.letters.constants import (
    RequestAction,
    RequestStatus,
)
from pintu.letters.fieldspec import clean_letter_fields
from pintu.letters.models import (
    LetterRequest,
    LetterRequestEvent,
    LetterType,
)
from pintu.letters.services.issuing import effective_signer, letter_issue, type_enabled
from pintu.letters.workflow import TRANSITIONS
from pintu.regions.selectors import village_office_for


def _linked_resident(user):
    from pintu.population.selectors import linked_resident_for

    return linked_resident_for(user)


def _record(
    request: LetterRequest, *, action: str, from_status: str, actor, note: str, at
) -> LetterRequestEvent:
    request.event_count += 1
    return LetterRequestEvent.objects.create(
        request=request,
        seq=request.event_count,
        action=action,
        from_status=from_status,
        to_status=request.status,
        actor=actor,
        note=note,
        at=at,
    )


def _notify(request: LetterRequest, subject: str, body: str) -> None:
    """Outbox rows for the citizen (e-mail and/or SMS/WhatsApp), delivered after commit."""
    from pintu.notifications.models import Notification, NotificationChannel
    from pintu.notifications.tasks import deliver_notifications

    user = request.requested_by
    rows = []
    if user.email:
        rows.append(
            Notification(channel=NotificationChannel.EMAIL, recipient=user.email, subject=subject, body=body)
        )
    if user.phone:
        rows.append(
            Notification(
                channel=NotificationChannel.MESSAGE, recipient=user.phone, subject=subject, body=body[:640]
            )
        )
    if rows:
        Notification.objects.bulk_create(rows)
        enqueue_on_commit(deliver_notifications, [n.pk for n in rows])


def _my_request_url(request: LetterRequest) -> str:
    return django_settings.PINTU_BASE_URL + reverse("letters:my_request", args=[request.pk])


@transaction.atomic
def letter_request_create(
    *, actor, letter_type: LetterType, purpose: str, fields: dict | None = None
) -> LetterRequest:
    """A citizen whose account is linked to the registry asks her village for a letter."""
    principal = principal_for(actor)
    if not principal.is_citizen:
        raise PermissionDenied(
            _("Permintaan surat daring dibuat dari akun warga."), code="letters.citizens_only"
        )
    resident = _linked_resident(actor)
    if resident is None:
        raise PermissionDenied(
            _(
                "Akun Anda belum terhubung dengan data kependudukan desa. Hubungkan akun dengan NIK, nomor KK dan tanggal lahir, lalu tunggu verifikasi desa."
            ),
            code="letters.not_linked",
        )
    office = village_office_for(resident.village_id)
    if office is None:
        raise ValidationFailed(
            _("Desa Anda belum melayani surat lewat Pintu. Datang ke kantor desa."), code="letters.no_office"
        )
    if not letter_type.citizen_requestable or not type_enabled(office, letter_type):
        raise ValidationFailed(
            _(
                "Surat ini tidak dapat diminta secara daring di desa Anda. Datang ke kantor desa untuk mengurusnya."
            ),
            code="letters.not_requestable",
        )
    clean = clean_letter_fields(letter_type.fields_schema, fields, purpose=purpose)
    now = timezone.now()
    request = LetterRequest.objects.create(
        office=office,
        letter_type=letter_type,
        resident=resident,
        requested_by=actor,
        purpose=purpose.strip(),
        fields=clean,
        status=RequestStatus.REQUESTED,
        created_at=now,
        updated_at=now,
    )
    _record(request, action=RequestAction.REQUEST, from_status="", actor=actor, note="", at=now)
    LetterRequest.objects.filter(pk=request.pk).update(event_count=request.event_count)
    audit_record(actor=actor, verb="letters.request_create", obj=request, changes={"type": letter_type.code})
    return request


def _transition(
    *, actor, request: LetterRequest, action: str, note: str = ""
) -> tuple[LetterRequest, str, dt.datetime]:
    """Lock the request, check the table and the actor, move the pointer, insert the event."""
    request = (
        LetterRequest.objects.select_for_update().select_related("letter_type", "office").get(pk=request.pk)
    )
    transition = TRANSITIONS[action]
    principal = principal_for(actor)
    signer_kind = effective_signer(request.office, request.letter_type)
    if not policies.may_take(principal, request, transition, signer_kind=signer_kind):
        if action == RequestAction.APPROVE and policies.can_issue(principal, request.office_id):
            raise PermissionDenied(
                _("Surat ini ditandatangani kepala desa. Minta kepala desa menyetujuinya."),
                code="letters.signer_only",
            )
        raise PermissionDenied(_("Anda tidak berwenang atas permintaan surat ini."), code="letters.forbidden")
    if request.status not in transition.sources:
        raise InvalidTransition(
            _("Permintaan ini sudah berstatus “%(s)s”; tindakan tidak dapat dilakukan. Muat ulang halaman.")
            % {"s": RequestStatus(request.status).label},
            code="letters.invalid_transition",
        )
    note = (note or "").strip()
    if transition.note_required and not note:
        raise ValidationFailed(
            fields={
                "note": [_("Tulis alasannya untuk pemohon: apa yang perlu diperbaiki atau mengapa ditolak.")]
            }
        )
    from_status = request.status
    now = timezone.now()
    request.status = transition.target
    request.updated_at = now
    if transition.note_required:
        request.note = note
    _record(request, action=action, from_status=from_status, actor=actor, note=note, at=now)
    return request, from_status, now


def _save(request: LetterRequest, *extra: str) -> None:
    request.save(update_fields=["status", "updated_at", "note", "event_count", *extra])


@transaction.atomic
def letter_request_check(*, actor, request: LetterRequest, note: str = "") -> LetterRequest:
    """The operator has checked the data: the request waits for the signer."""
    request, _from, _at = _transition(actor=actor, request=request, action=RequestAction.CHECK, note=note)
    _save(request)
    audit_record(actor=actor, verb="letters.request_check", obj=request)
    return request


@transaction.atomic
def letter_request_return(*, actor, request: LetterRequest, note: str) -> LetterRequest:
    request, _from, _at = _transition(actor=actor, request=request, action=RequestAction.RETURN, note=note)
    _save(request)
    audit_record(actor=actor, verb="letters.request_return", obj=request, changes={"note": note})
    _notify(
        request,
        _("Permintaan surat perlu perbaikan"),
        _("Permintaan %(t)s Anda dikembalikan oleh desa: %(n)s Perbaiki di %(u)s")
        % {"t": request.letter_type.title, "n": request.note, "u": _my_request_url(request)},
    )
    return request


@transaction.atomic
def letter_request_resubmit(
    *, actor, request: LetterRequest, purpose: str, fields: dict | None = None
) -> LetterRequest:
    """The citizen corrects a returned request and sends it again."""
    locked = LetterRequest.objects.select_related("letter_type").get(pk=request.pk)
    clean = clean_letter_fields(locked.letter_type.fields_schema, fields, purpose=purpose)
    request, _from, _at = _transition(actor=actor, request=request, action=RequestAction.RESUBMIT)
    request.purpose = purpose.strip()
    request.fields = clean
    _save(request, "purpose", "fields")
    audit_record(actor=actor, verb="letters.request_resubmit", obj=request)
    return request


@transaction.atomic
def letter_request_reject(*, actor, request: LetterRequest, note: str) -> LetterRequest:
    request, _from, _at = _transition(actor=actor, request=request, action=RequestAction.REJECT, note=note)
    _save(request)
    audit_record(actor=actor, verb="letters.request_reject", obj=request, changes={"note": note})
    _notify(
        request,
        _("Permintaan surat ditolak"),
        _("Permintaan %(t)s Anda tidak dapat dipenuhi: %(n)s")
        % {"t": request.letter_type.title, "n": request.note},
    )
    return request


@transaction.atomic
def letter_request_withdraw(*, actor, request: LetterRequest) -> LetterRequest:
    request, _from, _at = _transition(actor=actor, request=request, action=RequestAction.WITHDRAW)
    _save(request)
    audit_record(actor=actor, verb="letters.request_withdraw", obj=request)
    return request


@transaction.atomic
def letter_request_approve(*, actor, request: LetterRequest, today: dt.date | None = None) -> LetterRequest:
    """The kepala desa (or the sekdes, for types signed a.n.) approves: the letter is numbered,
    rendered, signed electronically and issued; the citizen can download it."""
    request, _from, _at = _transition(actor=actor, request=request, action=RequestAction.APPROVE)
    letter = letter_issue(
        actor=actor,
        village_office=request.office,
        letter_type=request.letter_type,
        resident=request.resident,
        fields=request.fields,
        purpose=request.purpose,
        request=request,
        today=today,
    )
    request.letter = letter
    _save(request, "letter")
    audit_record(
        actor=actor,
        verb="letters.request_approve",
        obj=request,
        changes={"letter": letter.pk, "number": letter.number},
    )
    _notify(
        request,
        _("Surat Anda sudah terbit"),
        _("%(t)s Nomor %(no)s sudah ditandatangani dan dapat diunduh: %(u)s")
        % {"t": request.letter_type.title, "no": letter.number, "u": _my_request_url(request)},
    )
    return request


REQUEST_VERBS = {
    RequestAction.CHECK: letter_request_check,
    RequestAction.RETURN: letter_request_return,
    RequestAction.REJECT: letter_request_reject,
    RequestAction.APPROVE: letter_request_approve,
    RequestAction.WITHDRAW: letter_request_withdraw,
}
