"""Complaints: submission by a citizen, an officer or an anonymous reporter, with attachments,
routed to the agency that answers it."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from pintu.accounts.access import principal_for
from pintu.accounts.services import validate_phone
from pintu.audit.services import audit_record
from pintu.core.errors import Conflict, PermissionDenied, ValidationFailed
from pintu.documents.services import inspect_file, upload_store
from pintu.feedback import codes
from pintu.feedback.constants import (
    VERIFY_WORKING_DAYS,
    ComplaintAction,
    ComplaintChannel,
    ComplaintStatus,
)
from pintu.feedback.models import (
    Complaint,
    ComplaintAttachment,
    SurveyResponse,
)
from pintu.feedback.policies import COUNTER_ROLES
from pintu.feedback.services._common import (
    _calendar,
    _insert_event,
    _notify,
    _now,
    _today,
    compose_complaint_message,
)
from pintu.regions.models import OrgUnit, Regency

MAX_CODE_ATTEMPTS = 8
MAX_ATTACHMENTS = 3
ATTACHMENT_FORMATS = ["pdf", "jpg", "png"]
ATTACHMENT_MAX_MB = 5


def _clean_contact(name: str, phone: str, email: str) -> tuple[str, str, str]:
    errors = {}
    name, email = (name or "").strip()[:150], (email or "").strip()
    if phone:
        try:
            phone = validate_phone(phone)
        except ValidationFailed as exc:
            errors["reporter_phone"] = [str(exc.message)]
    if email and ("@" not in email or len(email) > 254):
        errors["reporter_email"] = ["Tulis alamat surel yang benar, misalnya nama@contoh.id."]
    if errors:
        raise ValidationFailed("Periksa kontak pelapor.", code="complaint.contact_invalid", fields=errors)
    return name, phone or "", email


def _deployment_regency() -> Regency:
    return Regency.objects.get(code=settings.PINTU_REGENCY_CODE)


# --- complaints: submission -----------------------------------------------------------------------


@transaction.atomic
def complaint_submit(
    *,
    actor,
    channel: str,
    subject: str,
    description: str,
    agency=None,
    service=None,
    site=None,
    incident_date: dt.date | None = None,
    is_anonymous: bool = False,
    reporter_name: str = "",
    reporter_phone: str = "",
    reporter_email: str = "",
    attachments: list | None = None,
    survey_response: SurveyResponse | None = None,
    counter_unit=None,
    submission_key: str | None = None,
) -> tuple[Complaint, bool]:
    """Record a complaint and route it: to the service's agency, the given agency, the agency the
    survey was about, or — when none is known — to the regency admin's triage queue.

    Channels: ``portal`` (the reporter, logged in or — if the deployment allows — without an
    account), ``counter`` (an officer records it for a citizen at ``counter_unit``), ``survey``
    (the respondent turns a survey answer into a complaint; once per response), ``api``.
    Idempotent per (actor, ``submission_key``)."""
    principal = principal_for(actor)
    logged_in = principal.is_authenticated
    if submission_key and logged_in:
        existing = Complaint.objects.filter(
            submitted_by_id=principal.user_id, submission_key=submission_key
        ).first()
        if existing is not None:
            return existing, False
    if channel not in ComplaintChannel.values:
        raise ValidationFailed("Saluran pengaduan tidak dikenal.", code="complaint.channel")
    if not logged_in and not settings.PINTU_COMPLAINTS_ANONYMOUS and channel != ComplaintChannel.SURVEY:
        raise PermissionDenied(
            "Masuk ke akun Anda untuk menyampaikan pengaduan.", code="complaint.login_required"
        )
    counter_unit_id = None
    if channel == ComplaintChannel.COUNTER:
        counter_unit_id = counter_unit.pk if isinstance(counter_unit, OrgUnit) else counter_unit
        if not counter_unit_id or not any(principal.has_role(r, counter_unit_id) for r in COUNTER_ROLES):
            raise PermissionDenied("Hanya petugas loket yang dapat mencatat pengaduan atas nama warga.")
    if channel == ComplaintChannel.SURVEY:
        if survey_response is None:
            raise ValidationFailed(
                "Pengaduan dari survei memerlukan jawaban survei.", code="complaint.survey_required"
            )
        if Complaint.objects.filter(survey_response=survey_response).exists():
            raise Conflict("Jawaban survei ini sudah dijadikan pengaduan.", code="complaint.survey_used")
        agency = agency or survey_response.agency
        service = service or survey_response.service
        site = site or survey_response.site
    errors = {}
    subject, description = (subject or "").strip(), (description or "").strip()
    if len(subject) < 5:
        errors["subject"] = ["Tulis judul singkat pengaduan (paling sedikit 5 huruf)."]
    if len(subject) > 200:
        errors["subject"] = ["Judul paling panjang 200 karakter."]
    if len(description) < 20:
        errors["description"] = ["Ceritakan apa yang terjadi, kapan dan di mana (paling sedikit 20 huruf)."]
    if incident_date and incident_date > _today():
        errors["incident_date"] = ["Tanggal kejadian tidak boleh di masa depan."]
    files = [f for f in (attachments or []) if f]
    if len(files) > MAX_ATTACHMENTS:
        errors["attachments"] = [f"Lampirkan paling banyak {MAX_ATTACHMENTS} berkas."]
    for upload_file in files:
        try:
            inspect_file(upload_file, formats=ATTACHMENT_FORMATS, max_mb=ATTACHMENT_MAX_MB)
        except ValidationFailed as exc:
            errors.setdefault("attachments", []).append(str(exc.message))
    if errors:
        raise ValidationFailed(
            "Pengaduan belum lengkap. Periksa isian yang ditandai.", code="complaint.invalid", fields=errors
        )
    if service is not None:
        agency = service.agency
    agency_unit = None
    if agency is not None:
        agency_unit = agency if isinstance(agency, OrgUnit) else OrgUnit.objects.filter(pk=agency).first()
        if agency_unit is None or agency_unit.kind != "agency":
            raise ValidationFailed(
                "Instansi tujuan tidak dikenal.",
                code="complaint.agency_unknown",
                fields={"agency": ["Pilih instansi dari daftar atau kosongkan."]},
            )
    name, phone, email = _clean_contact(reporter_name, reporter_phone, reporter_email)
    reporter_user = None
    if logged_in and channel != ComplaintChannel.COUNTER:
        reporter_user = actor
        name = name or getattr(actor, "full_name", "") or ""
        phone = phone or getattr(actor, "phone", "") or ""
        email = email or getattr(actor, "email", "") or ""
    if not logged_in and not is_anonymous and not name:
        errors["reporter_name"] = ["Tulis nama Anda, atau pilih rahasiakan identitas."]
        raise ValidationFailed("Pengaduan belum lengkap.", code="complaint.invalid", fields=errors)
    regency = agency_unit.regency if agency_unit is not None else _deployment_regency()
    now = _now()
    today = timezone.localdate(now)
    complaint = None
    for _attempt in range(MAX_CODE_ATTEMPTS):
        try:
            with transaction.atomic():
                complaint = Complaint.objects.create(
                    tracking_code=codes.new_code(),
                    status=ComplaintStatus.SUBMITTED,
                    channel=channel,
                    agency=agency_unit,
                    service=service,
                    site=site,
                    regency=regency,
                    survey_response=survey_response,
                    subject=subject,
                    description=description,
                    incident_date=incident_date,
                    is_anonymous=is_anonymous,
                    reporter_user=reporter_user,
                    reporter_name=name,
                    reporter_phone=phone,
                    reporter_email=email,
                    submitted_by=actor if logged_in else None,
                    submission_key=submission_key if logged_in else None,
                    submitted_at=now,
                    verify_due=_calendar(regency.code).add_working_days(today, VERIFY_WORKING_DAYS),
                )
            break
        except IntegrityError:
            if submission_key and logged_in:
                existing = Complaint.objects.filter(
                    submitted_by_id=principal.user_id, submission_key=submission_key
                ).first()
                if existing is not None:
                    return existing, False
            continue
    if complaint is None:  # pragma: no cover - 16**10 codes
        raise Conflict("Kode pengaduan tidak dapat dibuat. Coba lagi.")
    complaint.due_date = complaint.verify_due
    for upload_file in files:
        upload = upload_store(
            actor=actor, upload_file=upload_file, formats=ATTACHMENT_FORMATS, max_mb=ATTACHMENT_MAX_MB
        )
        ComplaintAttachment.objects.create(complaint=complaint, upload=upload)
    _insert_event(
        complaint,
        action=ComplaintAction.SUBMIT,
        from_status="",
        from_agency_id=None,
        actor=actor,
        actor_unit_id=counter_unit_id,
        at=now,
        data={"channel": channel},
    )
    complaint.save(update_fields=["due_date", "event_count"])
    audit_record(
        actor=actor,
        verb="complaint.submit",
        obj=complaint,
        changes={"channel": channel, "agency": complaint.agency_id, "anonymous": is_anonymous},
    )
    message = compose_complaint_message(complaint, ComplaintAction.SUBMIT)
    if message:
        _notify(complaint, *message)
    return complaint, True
