"""The complaint workflow verbs (route, transfer, verify, answer, reject), the reporter's rating and
the automatic close; every change goes through ``_apply`` and the transition table in
``pintu.feedback.workflow``."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from pintu.accounts.access import principal_for
from pintu.audit.services import audit_record
from pintu.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from pintu.feedback.constants import (
    ComplaintAction,
    ComplaintStatus,
    RejectReason,
)
from pintu.feedback.models import (
    Complaint,
    ComplaintEvent,
)
from pintu.feedback.policies import acting_unit, can_rate
from pintu.feedback.services._common import (
    _insert_event,
    _notify,
    _now,
    _start_clock,
    _today,
    compose_complaint_message,
)
from pintu.feedback.workflow import SATISFIED_FROM, Clock, Transition, transition_for
from pintu.regions.models import OrgUnit


def _apply(
    complaint: Complaint,
    transition: Transition,
    *,
    actor,
    actor_unit_id: int | None,
    note: str = "",
    data: dict | None = None,
    request_key: str | None = None,
    to_agency: OrgUnit | None = None,
    rating: int | None = None,
) -> Complaint:
    locked = Complaint.objects.select_for_update().select_related("regency").get(pk=complaint.pk)
    if request_key and ComplaintEvent.objects.filter(complaint=locked, request_key=request_key).exists():
        return locked
    if locked.status not in transition.sources:
        raise InvalidTransition(
            "Tindakan ini tidak dapat dilakukan pada status pengaduan saat ini. Muat ulang halaman.",
            code="complaint.invalid_transition",
        )
    note = (note or "").strip()
    if transition.note_required and not note:
        raise ValidationFailed(
            "Tulis catatan untuk tindakan ini.",
            code="complaint.note_required",
            fields={"note": ["Catatan wajib diisi."]},
        )
    now = _now()
    today = timezone.localdate(now)
    from_status, from_agency_id = locked.status, locked.agency_id
    locked.status = transition.target
    if to_agency is not None:
        locked.agency = to_agency
    if transition.action == ComplaintAction.VERIFY:
        locked.verified_on = today
    if transition.action == ComplaintAction.ANSWER:
        locked.answer = note
    if transition.action == ComplaintAction.RATE_UNSATISFIED:
        locked.reopen_count += 1
    if rating is not None:
        locked.rating = rating
    if transition.action == ComplaintAction.REJECT:
        locked.reject_reason = (data or {}).get("reason", "")
    _start_clock(locked, transition.clock, today)
    if transition.clock == Clock.NONE:
        locked.closed_at = now
    _insert_event(
        locked,
        action=transition.action,
        from_status=from_status,
        from_agency_id=from_agency_id,
        actor=actor,
        actor_unit_id=actor_unit_id,
        note=note,
        data=data,
        request_key=request_key,
        at=now,
    )
    locked.save()
    audit_record(
        actor=actor,
        verb=f"complaint.{transition.action}",
        obj=locked,
        changes={"status": [from_status, locked.status], "agency": [from_agency_id, locked.agency_id]},
    )
    message = compose_complaint_message(locked, transition.action, note)
    if message:
        _notify(locked, *message)
    return locked


def _act(*, actor, complaint: Complaint, action: str, **kwargs) -> Complaint:
    transition = transition_for(action)
    if transition is None:
        raise NotFound("Tindakan tidak dikenal.")
    allowed, unit_id = acting_unit(principal_for(actor), complaint, transition)
    if not allowed:
        raise PermissionDenied("Anda tidak berwenang melakukan tindakan ini pada pengaduan ini.")
    return _apply(complaint, transition, actor=actor, actor_unit_id=unit_id, **kwargs)


def _target_agency(agency, *, current_id: int | None) -> OrgUnit:
    unit = (
        agency
        if isinstance(agency, OrgUnit)
        else OrgUnit.objects.filter(pk=agency).first()
        if agency
        else None
    )
    if unit is None or unit.kind != "agency" or not unit.is_active:
        raise ValidationFailed(
            "Pilih instansi tujuan.",
            code="complaint.agency_required",
            fields={"agency": ["Pilih instansi tujuan dari daftar."]},
        )
    if unit.pk == current_id:
        raise ValidationFailed(
            "Pengaduan sudah berada di instansi ini.",
            code="complaint.same_agency",
            fields={"agency": ["Pilih instansi lain."]},
        )
    return unit


@transaction.atomic
def complaint_route(*, actor, complaint: Complaint, agency, note: str = "", request_key=None) -> Complaint:
    """Triage: the regency admin sends a complaint without an agency to the responsible one."""
    unit = _target_agency(agency, current_id=complaint.agency_id)
    return _act(
        actor=actor,
        complaint=complaint,
        action=ComplaintAction.ROUTE,
        note=note,
        to_agency=unit,
        request_key=request_key,
        data={"agency": unit.code},
    )


@transaction.atomic
def complaint_transfer(*, actor, complaint: Complaint, agency, note: str, request_key=None) -> Complaint:
    """The agency (or the regency admin) hands the complaint to another agency: its
    verification clock starts again there."""
    unit = _target_agency(agency, current_id=complaint.agency_id)
    return _act(
        actor=actor,
        complaint=complaint,
        action=ComplaintAction.TRANSFER,
        note=note,
        to_agency=unit,
        request_key=request_key,
        data={"agency": unit.code},
    )


@transaction.atomic
def complaint_verify(*, actor, complaint: Complaint, note: str = "", request_key=None) -> Complaint:
    return _act(
        actor=actor, complaint=complaint, action=ComplaintAction.VERIFY, note=note, request_key=request_key
    )


@transaction.atomic
def complaint_answer(*, actor, complaint: Complaint, note: str, request_key=None) -> Complaint:
    return _act(
        actor=actor, complaint=complaint, action=ComplaintAction.ANSWER, note=note, request_key=request_key
    )


@transaction.atomic
def complaint_reject(*, actor, complaint: Complaint, reason: str, note: str, request_key=None) -> Complaint:
    if reason not in RejectReason.values:
        raise ValidationFailed(
            "Pilih alasan penolakan.",
            code="complaint.reason_required",
            fields={"reason": ["Pilih alasan dari daftar."]},
        )
    return _act(
        actor=actor,
        complaint=complaint,
        action=ComplaintAction.REJECT,
        note=note,
        request_key=request_key,
        data={"reason": reason},
    )


@transaction.atomic
def complaint_rate(
    *, actor, complaint: Complaint, rating: int, note: str = "", holds_code: bool = False, request_key=None
) -> Complaint:
    """The reporter rates the answer 1–5: 3–5 closes the complaint, 1–2 reopens it at the agency
    with a new answer clock."""
    if not can_rate(principal_for(actor), complaint, holds_code=holds_code):
        raise PermissionDenied("Hanya pelapor yang dapat menilai jawaban pengaduan ini.")
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if rating not in (1, 2, 3, 4, 5):
        raise ValidationFailed(
            "Beri nilai 1 sampai 5.", code="complaint.rating_invalid", fields={"rating": ["Pilih nilai 1–5."]}
        )
    action = ComplaintAction.RATE_SATISFIED if rating >= SATISFIED_FROM else ComplaintAction.RATE_UNSATISFIED
    if action == ComplaintAction.RATE_UNSATISFIED and not (note or "").strip():
        raise ValidationFailed(
            "Tulis apa yang belum terjawab agar instansi dapat menindaklanjuti.",
            code="complaint.note_required",
            fields={"note": ["Catatan wajib diisi."]},
        )
    return _apply(
        complaint,
        transition_for(action),
        actor=actor,
        actor_unit_id=None,
        note=note,
        data={"rating": rating},
        rating=rating,
        request_key=request_key,
    )


COMPLAINT_VERBS = {
    ComplaintAction.ROUTE: complaint_route,
    ComplaintAction.TRANSFER: complaint_transfer,
    ComplaintAction.VERIFY: complaint_verify,
    ComplaintAction.ANSWER: complaint_answer,
    ComplaintAction.REJECT: complaint_reject,
}


def complaints_close_due(*, today: dt.date | None = None) -> int:
    """Close answered complaints whose reporter did not reply within 10 working days after the
    answer (the close date has passed). Idempotent: each complaint is locked and re-checked."""
    today = today or _today()
    transition = transition_for(ComplaintAction.AUTO_CLOSE)
    closed = 0
    ids = list(
        Complaint.objects.filter(status=ComplaintStatus.ANSWERED, close_due__lt=today).values_list(
            "pk", flat=True
        )[:5000]
    )
    for pk in ids:
        with transaction.atomic():
            complaint = Complaint.objects.select_for_update().get(pk=pk)
            if (
                complaint.status != ComplaintStatus.ANSWERED
                or not complaint.close_due
                or complaint.close_due >= today
            ):
                continue
            _apply(
                complaint,
                transition,
                actor=None,
                actor_unit_id=None,
                data={"close_due": complaint.close_due.isoformat()},
            )
            closed += 1
    return closed
