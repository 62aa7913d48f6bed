"""Satisfaction surveys (SKM/IKM): survey periods, the one-time invitation after a service, and
the answers by link or at a kiosk."""

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
from pintu.audit.services import audit_record
from pintu.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from pintu.feedback.constants import (
    PROFILE_FIELDS,
    SourceKind,
    SurveyChannel,
)
from pintu.feedback.models import (
    SurveyInvitation,
    SurveyPeriod,
    SurveyResponse,
)
from pintu.feedback.policies import can_open_kiosk
from pintu.feedback.rules import CURRENT_RULE_VERSION, RULE_VERSIONS, rule_version
from pintu.feedback.services._common import (
    _now,
)
from pintu.regions.models import OrgUnit

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
