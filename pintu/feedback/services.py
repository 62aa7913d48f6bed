"""The feedback write path: one function per verb. Surveys (invitation, submission by link or
kiosk, periods) and complaints (submission, the workflow verbs through ``_apply`` and the
transition table in ``workflow``, the reporter's rating, the automatic close)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from pintu.accounts.access import principal_for
from pintu.accounts.services import validate_phone
from pintu.audit.services import audit_record
from pintu.core.calendar import WorkCalendar
from pintu.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from pintu.core.tasks import enqueue_on_commit
from pintu.documents.services import inspect_file, upload_store
from pintu.feedback import codes
from pintu.feedback.constants import (
    ANSWER_WORKING_DAYS,
    AUTO_CLOSE_WORKING_DAYS,
    PROFILE_FIELDS,
    VERIFY_WORKING_DAYS,
    ComplaintAction,
    ComplaintChannel,
    ComplaintStatus,
    RejectReason,
    SourceKind,
    SurveyChannel,
)
from pintu.feedback.models import (
    Complaint,
    ComplaintAttachment,
    ComplaintEvent,
    SurveyInvitation,
    SurveyPeriod,
    SurveyResponse,
)
from pintu.feedback.policies import COUNTER_ROLES, acting_unit, can_open_kiosk, can_rate
from pintu.feedback.rules import CURRENT_RULE_VERSION, RULE_VERSIONS, rule_version
from pintu.feedback.workflow import SATISFIED_FROM, Clock, Transition, transition_for
from pintu.regions.models import OrgUnit, Regency

MAX_CODE_ATTEMPTS = 8
MAX_ATTACHMENTS = 3
ATTACHMENT_FORMATS = ["pdf", "jpg", "png"]
ATTACHMENT_MAX_MB = 5


def _now() -> dt.datetime:
    return timezone.now()


def _today() -> dt.date:
    return timezone.localdate()


# --- survey periods ------------------------------------------------------------------------------


@transaction.atomic
def survey_period_create(
    *,
    actor,
    code: str,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    population: int | None = None,
    rule_version_code: str = CURRENT_RULE_VERSION,
    is_published: bool = False,
) -> SurveyPeriod:
    if rule_version_code not in RULE_VERSIONS:
        raise ValidationFailed(
            "Versi aturan SKM tidak dikenal.",
            code="survey.rule_version_unknown",
            fields={"rule_version": ["Pilih versi aturan yang tersedia."]},
        )
    if ends_on < starts_on:
        raise ValidationFailed(
            "Tanggal selesai periode sebelum tanggal mulai.",
            code="survey.period_dates",
            fields={"ends_on": ["Isi tanggal selesai setelah tanggal mulai."]},
        )
    overlapping = SurveyPeriod.objects.filter(starts_on__lte=ends_on, ends_on__gte=starts_on).exclude(
        code=code
    )
    if overlapping.exists():
        raise ValidationFailed(
            "Periode survei bertumpang tindih dengan periode lain; setiap jawaban harus masuk satu periode.",
            code="survey.period_overlap",
        )
    period, created = SurveyPeriod.objects.get_or_create(
        code=code,
        defaults={
            "name": name,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "population": population,
            "rule_version": rule_version_code,
            "is_published": is_published,
        },
    )
    if not created:
        # The rule version of an existing period never changes: its results stay graded as run.
        period.name, period.population, period.is_published = name, population, is_published
        period.save(update_fields=["name", "population", "is_published"])
    audit_record(
        actor=actor,
        verb="survey_period.create" if created else "survey_period.update",
        obj=period,
        changes={"population": population, "rule_version": period.rule_version},
    )
    return period


def survey_period_for(day: dt.date) -> SurveyPeriod:
    """The period a response of ``day`` belongs to; a calendar-year period under the current
    rules is opened when none covers the day."""
    period = SurveyPeriod.objects.filter(starts_on__lte=day, ends_on__gte=day).first()
    if period is not None:
        return period
    try:
        with transaction.atomic():
            return SurveyPeriod.objects.create(
                code=str(day.year),
                name=f"SKM {day.year}",
                starts_on=dt.date(day.year, 1, 1),
                ends_on=dt.date(day.year, 12, 31),
            )
    except IntegrityError:
        return SurveyPeriod.objects.get(code=str(day.year))


# --- survey invitations and responses -----------------------------------------------------------


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class InvitationLink:
    invitation: SurveyInvitation
    token: str  # shown once: only its hash is stored
    url: str


def _agency_unit(agency) -> OrgUnit:
    unit = agency if isinstance(agency, OrgUnit) else OrgUnit.objects.filter(pk=agency).first()
    if unit is None or unit.kind != "agency":
        raise ValidationFailed("Pilih instansi penyelenggara layanan.", code="survey.agency_required")
    return unit


@transaction.atomic
def survey_invitation_create(
    *, actor, agency, service=None, site=None, case=None, ticket=None, channel: str = SurveyChannel.LINK
) -> InvitationLink | None:
    """A one-time survey link after a served ticket or a completed case. Unguessable (32 random
    bytes), single use, expiring (``PINTU_SURVEY_LINK_DAYS``). A ticket or case gets at most one
    invitation: asking again returns a fresh token for the same unused invitation, and None once
    it was answered (never an error: callers invite inside their own transaction)."""
    if case is not None:
        agency = agency or case.agency
        service = service or case.service
    unit = _agency_unit(agency)
    source_kind, source_id = SourceKind.NONE, ""
    if ticket is not None:
        source_kind, source_id = SourceKind.TICKET, str(ticket.pk)
    elif case is not None:
        source_kind, source_id = SourceKind.CASE, str(case.pk)
    token = secrets.token_urlsafe(32)
    now = _now()
    expires_at = now + dt.timedelta(days=settings.PINTU_SURVEY_LINK_DAYS)
    existing = (
        SurveyInvitation.objects.select_for_update()
        .filter(source_kind=source_kind, source_id=source_id)
        .first()
        if source_kind
        else None
    )
    if existing is not None:
        if existing.used_at is not None:
            return None  # already answered: no second survey for the same ticket or case
        existing.token_hash = _hash_token(token)
        existing.expires_at = expires_at
        existing.save(update_fields=["token_hash", "expires_at"])
        invitation = existing
    else:
        invitation = SurveyInvitation.objects.create(
            token_hash=_hash_token(token),
            agency=unit,
            service=service,
            site=site,
            case=case,
            source_kind=source_kind,
            source_id=source_id,
            channel=channel,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            created_at=now,
            expires_at=expires_at,
        )
    audit_record(
        actor=actor,
        verb="survey_invitation.create",
        obj=invitation,
        changes={"source_kind": source_kind, "source_id": source_id},
    )
    url = settings.PINTU_BASE_URL + reverse("feedback:survey", args=[token])
    return InvitationLink(invitation=invitation, token=token, url=url)


def survey_invitation_for_token(token: str) -> SurveyInvitation:
    invitation = (
        SurveyInvitation.objects.select_related("agency", "service", "site")
        .filter(token_hash=_hash_token(token or ""))
        .first()
    )
    if invitation is None:
        raise NotFound(
            "Tautan survei tidak dikenal. Periksa kembali tautan dari pesan Anda.", code="survey.not_found"
        )
    return invitation


def clean_answers(answers: dict, profile: dict | None, comment: str) -> tuple[dict, dict, str]:
    """Scores 1–4 per element (each optional, at least one); profile values from the lists."""
    errors: dict[str, list[str]] = {}
    scores = {}
    rule = rule_version(CURRENT_RULE_VERSION)
    for element in rule.elements:
        raw = (answers or {}).get(element.code)
        if raw in (None, ""):
            scores[element.code] = None
            continue
        try:
            value = int(raw)
        except (TypeError, ValueError):
            value = 0
        if value not in (1, 2, 3, 4):
            errors[element.code] = ["Pilih salah satu dari empat jawaban."]
        scores[element.code] = value
    unknown = set(answers or {}) - set(rule.element_codes)
    for key in unknown:
        errors[key] = ["Unsur ini tidak ada dalam kuesioner."]
    if not errors and all(v is None for v in scores.values()):
        raise ValidationFailed(
            "Jawab paling sedikit satu pertanyaan sebelum mengirim.",
            code="survey.empty",
        )
    clean_profile = {}
    for name, choices in PROFILE_FIELDS.items():
        value = (profile or {}).get(name) or ""
        if value and value not in choices.values:
            errors[name] = ["Pilih dari daftar."]
        clean_profile[name] = value
    comment = (comment or "").strip()
    if len(comment) > 2000:
        errors["comment"] = ["Saran/masukan paling panjang 2.000 karakter."]
    if errors:
        raise ValidationFailed(
            "Periksa jawaban yang ditandai lalu kirim lagi.", code="survey.invalid", fields=errors
        )
    return scores, clean_profile, comment


def _same_answers(response: SurveyResponse, scores: dict, comment: str) -> bool:
    return response.scores() == scores and response.comment == comment


@transaction.atomic
def survey_submit(
    *,
    token: str,
    answers: dict,
    comment: str = "",
    profile: dict | None = None,
    channel: str = SurveyChannel.LINK,
) -> tuple[SurveyResponse, bool]:
    """Answer a one-time link. A retried POST (same answers) returns the first response
    (created False); any other use of a used or expired link is refused."""
    scores, clean_profile, comment = clean_answers(answers, profile, comment)
    invitation = survey_invitation_for_token(token)
    invitation = SurveyInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.used_at is not None:
        response = SurveyResponse.objects.filter(invitation=invitation).first()
        if response is not None and _same_answers(response, scores, comment):
            return response, False
        raise Conflict(
            "Survei ini sudah diisi; tautan hanya dapat dipakai sekali. Terima kasih.", code="survey.used"
        )
    now = _now()
    if invitation.expires_at <= now:
        raise Conflict(
            "Tautan survei sudah kedaluwarsa. Anda tetap dapat mengisi survei di tablet loket.",
            code="survey.expired",
        )
    response = SurveyResponse.objects.create(
        period=survey_period_for(timezone.localdate(now)),
        invitation=invitation,
        agency_id=invitation.agency_id,
        service_id=invitation.service_id,
        site_id=invitation.site_id,
        channel=channel,
        submitted_at=now,
        comment=comment,
        **scores,
        **clean_profile,
    )
    invitation.used_at = now
    invitation.save(update_fields=["used_at"])
    audit_record(actor=None, verb="survey.submit", obj=response, changes={"invitation": invitation.pk})
    return response, True


@transaction.atomic
def survey_kiosk_submit(
    *,
    actor,
    kiosk_unit,
    agency,
    service=None,
    answers: dict,
    comment: str = "",
    profile: dict | None = None,
    submission_key: str,
) -> tuple[SurveyResponse, bool]:
    """A respondent answers on the kiosk tablet opened by staff of ``kiosk_unit``. Each rendered
    questionnaire carries a one-time ``submission_key``: a retried POST returns the first
    response."""
    principal = principal_for(actor)
    unit_id = kiosk_unit.pk if isinstance(kiosk_unit, OrgUnit) else kiosk_unit
    if not can_open_kiosk(principal, unit_id):
        raise PermissionDenied("Tablet survei hanya dapat dibuka oleh petugas lokasi ini.")
    if not submission_key:
        raise ValidationFailed("Formulir survei kedaluwarsa. Muat ulang halaman.", code="survey.key_required")
    existing = SurveyResponse.objects.filter(kiosk_unit_id=unit_id, submission_key=submission_key).first()
    if existing is not None:
        return existing, False
    scores, clean_profile, comment = clean_answers(answers, profile, comment)
    unit = _agency_unit(agency)
    if service is not None and service.agency_id != unit.pk:
        raise ValidationFailed(
            "Layanan ini bukan layanan instansi yang dipilih.",
            code="survey.service_mismatch",
            fields={"service": ["Pilih layanan dari instansi yang dipilih."]},
        )
    kiosk = OrgUnit.objects.get(pk=unit_id)
    now = _now()
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                period=survey_period_for(timezone.localdate(now)),
                agency=unit,
                service=service,
                site=kiosk if kiosk.kind in ("mpp_site", "village_office") else None,
                channel=SurveyChannel.KIOSK,
                kiosk_unit=kiosk,
                submission_key=submission_key,
                submitted_at=now,
                comment=comment,
                **scores,
                **clean_profile,
            )
    except IntegrityError:
        return SurveyResponse.objects.get(kiosk_unit_id=unit_id, submission_key=submission_key), False
    audit_record(actor=actor, verb="survey.kiosk_submit", obj=response, changes={"kiosk": unit_id})
    return response, True


# --- complaints: helpers -------------------------------------------------------------------------


def _calendar(regency_code: str | None = None) -> WorkCalendar:
    return WorkCalendar(regency_code)


def _notify(complaint: Complaint, subject: str, body: str) -> None:
    """Outbox rows for the reporter (email and/or SMS/WhatsApp), delivered after commit."""
    from pintu.notifications.models import Notification, NotificationChannel
    from pintu.notifications.tasks import deliver_notifications

    rows = []
    if complaint.reporter_email:
        rows.append(
            Notification(
                channel=NotificationChannel.EMAIL,
                recipient=complaint.reporter_email,
                subject=subject,
                body=body,
            )
        )
    if complaint.reporter_phone:
        rows.append(
            Notification(
                channel=NotificationChannel.MESSAGE,
                recipient=complaint.reporter_phone,
                subject=subject,
                body=body[:640],
            )
        )
    if rows:
        Notification.objects.bulk_create(rows)
        enqueue_on_commit(deliver_notifications, [n.pk for n in rows])


def _track_url(complaint: Complaint) -> str:
    return settings.PINTU_BASE_URL + reverse(
        "feedback:complaint_track_detail", args=[complaint.tracking_code]
    )


def compose_complaint_message(complaint: Complaint, action: str, note: str = "") -> tuple[str, str] | None:
    code, url = complaint.display_code, _track_url(complaint)
    if action == ComplaintAction.SUBMIT:
        return (
            f"Pengaduan {code} diterima",
            f"Pengaduan Anda diterima dengan kode {code}. Diverifikasi paling lambat "
            f"{complaint.verify_due:%d-%m-%Y}. Pantau di {url}",
        )
    if action == ComplaintAction.VERIFY:
        return (
            f"Pengaduan {code} diverifikasi",
            f"Pengaduan {code} sudah diverifikasi dan sedang ditindaklanjuti. Jawaban paling lambat "
            f"{complaint.answer_due:%d-%m-%Y}. Pantau di {url}",
        )
    if action == ComplaintAction.ANSWER:
        return (
            f"Pengaduan {code} sudah dijawab",
            f"Pengaduan {code} sudah dijawab. Baca jawabannya dan beri penilaian di {url} "
            f"(tanpa tanggapan, pengaduan ditutup setelah {complaint.close_due:%d-%m-%Y}).",
        )
    if action == ComplaintAction.REJECT:
        return (
            f"Pengaduan {code} tidak dapat diproses",
            f"Pengaduan {code} tidak dapat diproses: {note} Rincian di {url}",
        )
    return None


def _insert_event(
    complaint,
    *,
    action,
    from_status,
    from_agency_id,
    actor,
    actor_unit_id,
    note="",
    data=None,
    request_key=None,
    at,
) -> ComplaintEvent:
    complaint.event_count += 1
    return ComplaintEvent.objects.create(
        complaint=complaint,
        seq=complaint.event_count,
        action=action,
        from_status=from_status,
        to_status=complaint.status,
        from_agency_id=from_agency_id,
        to_agency_id=complaint.agency_id,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_unit_id=actor_unit_id,
        note=note,
        data=data or {},
        request_key=request_key or None,
        at=at,
    )


def _start_clock(complaint: Complaint, clock: str, today: dt.date) -> None:
    calendar = _calendar(complaint.regency.code)
    if clock == Clock.VERIFY:
        complaint.verify_due = calendar.add_working_days(today, VERIFY_WORKING_DAYS)
        complaint.due_date = complaint.verify_due
    elif clock == Clock.ANSWER:
        complaint.answer_due = calendar.add_working_days(today, ANSWER_WORKING_DAYS)
        complaint.due_date = complaint.answer_due
    elif clock == Clock.CLOSE:
        complaint.answered_on = today
        complaint.close_due = calendar.add_working_days(today, AUTO_CLOSE_WORKING_DAYS)
        complaint.due_date = complaint.close_due
    else:
        complaint.due_date = None


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


# --- complaints: workflow -------------------------------------------------------------------------


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
