"""The case engine's write path: one function per verb, all through ``_apply`` and the
transition table in ``workflow``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from pintu.accounts.access import Principal, principal_for
from pintu.accounts.constants import VILLAGE_ROLES, Role
from pintu.accounts.services import validate_nik, validate_phone
from pintu.audit.services import audit_record
from pintu.cases import tracking
from pintu.cases.constants import PRIVATE_ACTIONS, CaseAction, CaseDocumentKind, CaseStatus, Channel
from pintu.cases.models import Case, CaseDocument, CaseEvent, CaseParty
from pintu.cases.policies import acting_unit
from pintu.cases.workflow import Effect, Transition, step_allows, transition_for
from pintu.catalog.constants import StepOwner
from pintu.catalog.forms import clean_application_data
from pintu.catalog.models import Service, ServiceVersion, WorkflowStep
from pintu.catalog.selectors import published_version
from pintu.core.calendar import WorkCalendar
from pintu.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from pintu.documents.models import Upload
from pintu.documents.services import inspect_file, upload_store
from pintu.regions.models import OrgUnit, Village
from pintu.regions.selectors import district_office_for, village_exists, village_office_for

MAX_CODE_ATTEMPTS = 8
HANDOVER_SLA_DAYS = 3  # working days for the village to hand the output over


@dataclass
class ApplicantData:
    name: str = ""
    nik: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    village_id: int | None = None


# --- helpers --------------------------------------------------------------------------------------


def resolve_step_owner(step: WorkflowStep, case: Case) -> OrgUnit:
    """The org unit that owns ``step`` for this case, decided now (not at configuration time)."""
    if step.owner == StepOwner.SERVICE_AGENCY:
        return case.agency
    if case.applicant_village_id is None:
        raise ValidationFailed(
            "Layanan ini diproses lewat kantor desa/kecamatan: pilih desa/kelurahan domisili pemohon.",
            code="case.village_required",
            fields={"village": ["Pilih desa/kelurahan domisili pemohon."]},
        )
    if step.owner == StepOwner.APPLICANT_VILLAGE:
        unit = village_office_for(case.applicant_village_id)
    else:
        village = Village.objects.only("district_id").get(pk=case.applicant_village_id)
        unit = district_office_for(village.district_id)
    if unit is None:
        raise ValidationFailed(
            "Desa/kelurahan pemohon berada di luar wilayah layanan atau kantornya belum terdaftar di Pintu. "
            "Ajukan langsung ke instansi atau pilih desa domisili yang benar.",
            code="case.no_office_for_village",
            fields={"village": ["Desa/kelurahan ini belum dilayani Pintu."]},
        )
    return unit


def _add_parties(case: Case, *units) -> None:
    rows = [CaseParty(case=case, org_unit_id=u if isinstance(u, int) else u.pk) for u in units if u]
    CaseParty.objects.bulk_create(rows, ignore_conflicts=True)


def _next_step(version_id: int, position: int) -> WorkflowStep | None:
    return next(
        (step for step in published_version(version_id).steps.all() if step.position > position), None
    )


def _public_entry(case: Case, action: str, actor_unit_id: int | None, at: dt.datetime) -> list:
    step_position = case.current_step.position if case.current_step_id else None
    return [at.isoformat(), action, actor_unit_id, step_position, case.current_owner_id]


def _record_event(
    case: Case,
    *,
    action: str,
    from_status: str,
    actor,
    actor_unit_id: int | None,
    from_step_id: int | None,
    from_owner_id: int | None,
    note: str = "",
    data: dict | None = None,
    request_key: str | None = None,
    at: dt.datetime,
    counted: bool = False,
) -> CaseEvent:
    """Insert the event row. The case's counter and public history advance here, unless the
    caller did it already (``counted``: a submission does, to write the case row once)."""
    if not counted:
        case.event_count += 1
        if action not in PRIVATE_ACTIONS:
            case.public_events = [*case.public_events, _public_entry(case, action, actor_unit_id, at)]
    return CaseEvent.objects.create(
        case=case,
        seq=case.event_count,
        action=action,
        from_status=from_status,
        to_status=case.status,
        from_step_id=from_step_id,
        to_step_id=case.current_step_id,
        from_owner_id=from_owner_id,
        to_owner_id=case.current_owner_id,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_unit_id=actor_unit_id,
        note=note,
        data=data or {},
        request_key=request_key or None,
        at=at,
    )


def _check_upload_reference(upload: Upload, actor, formats: list[str], max_mb: int, *, attached: set) -> None:
    """An upload made earlier (API two-step submission) may be attached once, by its uploader."""
    if upload.uploaded_by_id != actor.pk:
        raise ValidationFailed("Berkas ini bukan unggahan Anda.", code="upload.not_owned")
    if upload.pk in attached:
        raise ValidationFailed(
            "Berkas ini sudah dilampirkan pada permohonan lain.", code="upload.already_used"
        )
    if upload.file_format not in formats:
        allowed = ", ".join(f.upper() for f in formats)
        raise ValidationFailed(
            f"Jenis berkas tidak diterima untuk dokumen ini. Unggah berkas {allowed}.", code="upload.bad_type"
        )
    if upload.size > max_mb * 1024 * 1024:
        raise ValidationFailed(f"Berkas terlalu besar; maksimum {max_mb} MB.", code="upload.too_large")


def _attached(uploads) -> set:
    """Which of these uploads are already attached to a case (one query)."""
    ids = [u.pk for u in uploads if isinstance(u, Upload)]
    if not ids:
        return set()
    return set(CaseDocument.objects.filter(upload_id__in=ids).values_list("upload_id", flat=True))


def _check_documents(
    version: ServiceVersion, documents: dict, *, require_all: bool, actor=None
) -> list[tuple]:
    """Inspect every file before anything is written; return [(requirement, file), ...]."""
    requirements = {r.document_type.code: r for r in version.document_requirements.all()}
    errors = {}
    checked = []
    attached = _attached((documents or {}).values())
    for code, upload_file in (documents or {}).items():
        requirement = requirements.get(code)
        if requirement is None:
            errors[f"documents.{code}"] = ["Dokumen ini tidak diminta oleh layanan."]
            continue
        if not upload_file:
            continue
        doc_type = requirement.document_type
        try:
            if isinstance(upload_file, Upload):
                _check_upload_reference(
                    upload_file, actor, doc_type.formats, doc_type.max_mb, attached=attached
                )
            else:
                inspect_file(upload_file, formats=doc_type.formats, max_mb=doc_type.max_mb)
        except ValidationFailed as exc:
            errors[f"documents.{code}"] = [str(exc.message)]
            continue
        checked.append((requirement, upload_file))
    if require_all:
        for code, requirement in requirements.items():
            if requirement.required and not (documents or {}).get(code) and f"documents.{code}" not in errors:
                errors[f"documents.{code}"] = [f"Unggah {requirement.document_type.name} (wajib)."]
    if errors:
        raise ValidationFailed(
            "Dokumen persyaratan belum lengkap atau belum sesuai.",
            code="case.documents_invalid",
            fields=errors,
        )
    return checked


def _store_documents(case: Case, checked: list[tuple], actor, *, supersede: bool) -> list[CaseDocument]:
    """Attach checked files (stored now) and earlier uploads; a replacement supersedes the
    current document of the same type. One insert for all."""
    if supersede and checked:
        CaseDocument.objects.filter(
            case=case,
            kind=CaseDocumentKind.REQUIREMENT,
            document_type__in=[requirement.document_type for requirement, _ in checked],
            is_current=True,
        ).update(is_current=False)
    stored = []
    for requirement, upload_file in checked:
        doc_type = requirement.document_type
        upload = (
            upload_file
            if isinstance(upload_file, Upload)
            else upload_store(
                actor=actor, upload_file=upload_file, formats=doc_type.formats, max_mb=doc_type.max_mb
            )
        )
        stored.append(
            CaseDocument(
                case=case,
                kind=CaseDocumentKind.REQUIREMENT,
                document_type=doc_type,
                upload=upload,
                added_by=actor,
            )
        )
    return CaseDocument.objects.bulk_create(stored)


def _notify(event: CaseEvent) -> None:
    from pintu.notifications.services import notifications_for_case_event

    notifications_for_case_event(event)


# --- submission ---------------------------------------------------------------------------------


def _submission_context(principal: Principal, actor, service: Service, on_behalf_unit_id: int | None):
    """(channel, opening unit) for this actor; raises PermissionDenied when they may not submit."""
    if principal.is_citizen:
        return Channel.ONLINE, None
    village_units = principal.units_with(*VILLAGE_ROLES)
    if village_units and (on_behalf_unit_id is None or on_behalf_unit_id in village_units):
        if on_behalf_unit_id is None and len(village_units) > 1:
            raise ValidationFailed(fields={"on_behalf_unit": ["Pilih kantor desa tempat Anda melayani."]})
        unit_id = on_behalf_unit_id or next(iter(village_units))
        return Channel.VILLAGE, OrgUnit.objects.get(pk=unit_id)
    if principal.has_role(Role.AGENCY_FRONT_OFFICE, service.agency_id) and on_behalf_unit_id in (
        None,
        service.agency_id,
    ):
        return Channel.COUNTER, service.agency
    if on_behalf_unit_id is not None and principal.has_role(Role.COUNTER_OFFICER, on_behalf_unit_id):
        # an MPP counter takes applications for the regency's agencies that serve there
        unit = OrgUnit.objects.get(pk=on_behalf_unit_id)
        if unit.kind == "mpp_site" and unit.regency_id == service.agency.regency_id:
            return Channel.COUNTER, unit
    raise PermissionDenied(
        "Akun Anda tidak dapat mengajukan permohonan layanan ini. Warga mengajukan lewat akun warga; "
        "petugas desa untuk warga desanya; petugas loket untuk layanan instansinya.",
        code="case.submit_forbidden",
    )


def _applicant_snapshot(
    actor, channel: str, opening_unit: OrgUnit | None, applicant: ApplicantData | None
) -> dict:
    applicant = applicant or ApplicantData()
    errors = {}
    if channel == Channel.ONLINE:
        own_nik = (actor.nik or "").strip()
        if applicant.nik and own_nik and applicant.nik.strip() != own_nik:
            errors["applicant.nik"] = [
                "Permohonan daring diajukan atas nama pemilik akun: NIK harus NIK Anda sendiri. "
                "Data orang lain (misalnya anak) diisi pada formulir layanan."
            ]
        values = {
            "applicant_user": actor,
            "applicant_name": actor.full_name or actor.get_username(),
            "applicant_nik": applicant.nik or actor.nik,
            "applicant_phone": applicant.phone or actor.phone,
            "applicant_email": actor.email,
            "applicant_address": applicant.address or actor.address,
            "applicant_village_id": applicant.village_id or actor.village_id,
        }
    else:
        if len((applicant.name or "").strip()) < 3:
            errors["applicant.name"] = ["Tulis nama lengkap pemohon sesuai KTP."]
        if not applicant.nik:
            errors["applicant.nik"] = ["NIK pemohon wajib diisi untuk permohonan lewat petugas."]
        village_id = applicant.village_id
        if channel == Channel.VILLAGE and village_id is None:
            village_id = opening_unit.village_id
        values = {
            "applicant_user": None,
            "applicant_name": " ".join((applicant.name or "").split()),
            "applicant_nik": applicant.nik,
            "applicant_phone": applicant.phone,
            "applicant_email": (applicant.email or "").strip().lower(),
            "applicant_address": (applicant.address or "").strip(),
            "applicant_village_id": village_id,
        }
    if values["applicant_nik"]:
        try:
            values["applicant_nik"] = validate_nik(values["applicant_nik"])
        except ValueError as exc:
            errors["applicant.nik"] = [str(exc)]
    if values["applicant_phone"]:
        try:
            values["applicant_phone"] = validate_phone(values["applicant_phone"])
        except ValueError as exc:
            errors["applicant.phone"] = [str(exc)]
    if values["applicant_village_id"] and not village_exists(values["applicant_village_id"]):
        errors["village"] = ["Desa/kelurahan tidak dikenal."]
    if errors:
        raise ValidationFailed(fields=errors)
    return values


@transaction.atomic
def case_submit(
    *,
    actor,
    service: Service | str,
    form_data: dict,
    documents: dict | None = None,
    applicant: ApplicantData | None = None,
    submission_key: str | None = None,
    on_behalf_unit_id: int | None = None,
    note: str = "",
    channel: str | None = None,
) -> tuple[Case, bool]:
    """Submit an application for ``service`` (a Service or its code). Returns ``(case, created)``;
    a retry with the same ``submission_key`` by the same actor returns the first case with
    ``created=False``."""
    submission_key = (submission_key or "").strip()[:64] or None
    if submission_key:
        existing = Case.objects.filter(submitted_by=actor, submission_key=submission_key).first()
        if existing:
            return existing, False
    principal = principal_for(actor)
    if not principal.is_authenticated:
        raise PermissionDenied("Masuk terlebih dahulu untuk mengajukan permohonan.", code="auth.required")
    # Read the service now (by code or again by id): the version published *now* is the one the
    # case keeps.
    lookup = {"code": service.strip().upper()} if isinstance(service, str) else {"pk": service.pk}
    service = Service.objects.select_related("agency__regency").filter(**lookup).first()
    if service is None or not service.is_available or service.published_version_id is None:
        raise NotFound("Layanan tidak ditemukan atau belum diterbitkan.", code="catalog.service_not_found")
    version = published_version(service.published_version_id)
    resolved_channel, opening_unit = _submission_context(principal, actor, service, on_behalf_unit_id)
    if channel == Channel.API and resolved_channel == Channel.COUNTER:
        resolved_channel = Channel.API
    cleaned = clean_application_data(version, form_data)
    snapshot = _applicant_snapshot(actor, resolved_channel, opening_unit, applicant)
    checked = _check_documents(version, documents or {}, require_all=True, actor=actor)
    first_step = version.steps.all()[0]

    now = timezone.now()
    today = timezone.localdate(now)
    calendar = WorkCalendar(service.agency.regency.code)
    case = Case(
        service=service,
        service_version=version,
        agency=service.agency,
        status=CaseStatus.IN_PROGRESS,
        channel=resolved_channel,
        opened_by_unit=opening_unit,
        submitted_by=actor,
        submission_key=submission_key,
        form_data=cleaned,
        submitted_at=now,
        due_date=calendar.add_working_days(today, version.time_limit_days),
        current_step=first_step,
        step_started_at=now,
        step_due_date=calendar.add_working_days(today, first_step.sla_days),
        **snapshot,
    )
    case.current_owner = resolve_step_owner(first_step, case)
    if opening_unit is not None and case.current_owner_id == opening_unit.pk:
        case.current_assignee = actor
    actor_unit_id = opening_unit.pk if opening_unit else None
    # The submit event is counted before the insert, so the case row is written once.
    case.event_count = 1
    case.public_events = [_public_entry(case, CaseAction.SUBMIT, actor_unit_id, now)]
    for _attempt in range(MAX_CODE_ATTEMPTS):
        case.tracking_code = tracking.new_code()
        try:
            with transaction.atomic():
                case.save(force_insert=True)
            break
        except IntegrityError:
            case.pk = None
            if submission_key:
                existing = Case.objects.filter(submitted_by=actor, submission_key=submission_key).first()
                if existing:
                    return existing, False
    else:  # pragma: no cover - 16**10 codes make this practically unreachable
        raise RuntimeError("could not allocate a unique tracking code")

    _store_documents(case, checked, actor, supersede=False)
    _add_parties(case, opening_unit, case.agency, case.current_owner)
    event = _record_event(
        case,
        action=CaseAction.SUBMIT,
        from_status="",
        actor=actor,
        actor_unit_id=actor_unit_id,
        from_step_id=None,
        from_owner_id=None,
        note=note.strip(),
        data={"channel": resolved_channel},
        request_key=submission_key,
        at=now,
        counted=True,
    )
    audit_record(
        actor=actor,
        verb="case.submit",
        obj=case,
        changes={"service": service.code, "version": version.number, "channel": resolved_channel},
    )
    _notify(event)
    return case, True


# --- transitions --------------------------------------------------------------------------------


def _lock_case(case_or_code) -> Case:
    code = case_or_code.tracking_code if isinstance(case_or_code, Case) else tracking.normalize(case_or_code)
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("current_step", "agency__regency", "service")
        .filter(tracking_code=code)
        .first()
    )
    if case is None:
        raise NotFound("Permohonan tidak ditemukan.", code="case.not_found")
    return case


def _apply(
    *,
    actor,
    case_or_code,
    action: str,
    note: str = "",
    request_key: str | None = None,
    data: dict | None = None,
    before_event=None,
) -> Case:
    transition: Transition | None = transition_for(action)
    if transition is None:
        raise InvalidTransition(f"Tindakan '{action}' tidak dikenal.")
    case = _lock_case(case_or_code)
    request_key = (request_key or "").strip()[:64] or None
    if request_key:
        # Keys belong to their sender: another user may happen to send the same one.
        earlier = (
            CaseEvent.objects.filter(case=case, actor_id=actor.pk, request_key=request_key)
            .values_list("action", flat=True)
            .first()
        )
        if earlier is not None:
            if earlier == action:
                return case  # a retried request: the first one already did the work
            raise Conflict(
                "Kunci permintaan (Idempotency-Key) ini sudah dipakai untuk tindakan lain. "
                "Kirim setiap tindakan baru dengan kunci baru.",
                code="request.key_reused",
            )
    step_kind = case.current_step.kind if case.current_step_id else None
    if case.status not in transition.sources or not step_allows(transition, step_kind):
        raise InvalidTransition(
            f"Tindakan ini tidak dapat dilakukan: status permohonan sekarang "
            f'"{CaseStatus(case.status).label}". Muat ulang halaman untuk melihat keadaan terbaru.'
        )
    principal = principal_for(actor)
    allowed, actor_unit_id = acting_unit(principal, case, transition)
    if not allowed:
        raise PermissionDenied(code="case.forbidden")
    note = (note or "").strip()
    if transition.note_required and not note:
        raise ValidationFailed(
            fields={"note": ["Tuliskan alasan yang jelas; pemohon akan membacanya."]},
            code="case.note_required",
        )

    now = timezone.now()
    today = timezone.localdate(now)
    calendar = WorkCalendar(case.agency.regency.code)
    from_status, from_step_id, from_owner_id = case.status, case.current_step_id, case.current_owner_id
    extra = dict(data or {})
    if before_event is not None:
        extra.update(before_event(case) or {})

    effect = transition.effect
    if effect == Effect.ASSIGN:
        case.current_assignee = actor
    elif effect == Effect.STAY:
        case.status = transition.target
        case.current_assignee = case.current_assignee or actor
    elif effect == Effect.ADVANCE:
        next_step = _next_step(case.service_version_id, case.current_step.position)
        if next_step is None:
            raise InvalidTransition("Ini langkah terakhir; tidak ada langkah berikutnya.")
        case.status = transition.target
        case.current_step = next_step
        case.current_owner = resolve_step_owner(next_step, case)
        case.current_assignee = None
        case.step_started_at = now
        case.step_due_date = calendar.add_working_days(today, next_step.sla_days)
    elif effect == Effect.PAUSE:
        case.status = transition.target
        case.paused_on = today
        case.return_reason = note
    elif effect == Effect.RESUME:
        shift = calendar.working_days_between(case.paused_on or today, today)
        case.status = transition.target
        case.due_date = calendar.add_working_days(case.due_date, shift)
        if case.step_due_date:
            case.step_due_date = calendar.add_working_days(case.step_due_date, shift)
        case.paused_working_days += shift
        case.paused_on = None
        case.return_reason = ""
        extra["paused_working_days"] = shift
    elif effect == Effect.ISSUE:
        handover_unit = case.opened_by_unit if case.channel == Channel.VILLAGE else None
        if handover_unit is not None:
            case.status = CaseStatus.READY_FOR_HANDOVER
            case.current_owner = handover_unit
            case.step_due_date = calendar.add_working_days(today, HANDOVER_SLA_DAYS)
        else:
            case.status = CaseStatus.COMPLETED
            case.current_owner = None
            case.closed_at = now
            case.step_due_date = None
        case.current_step = None
        case.current_assignee = None
    elif effect == Effect.CLOSE:
        case.status = transition.target
        case.closed_at = now
        case.current_assignee = None
        case.current_owner = None
        case.step_due_date = None
    else:  # pragma: no cover - the table only names known effects
        raise AssertionError(effect)

    if case.current_owner_id and case.current_owner_id != from_owner_id:
        _add_parties(case, case.current_owner_id)
    event = _record_event(
        case,
        action=action,
        from_status=from_status,
        actor=actor,
        actor_unit_id=actor_unit_id,
        from_step_id=from_step_id,
        from_owner_id=from_owner_id,
        note=note,
        data=extra,
        request_key=request_key,
        at=now,
    )
    case.save()
    audit_record(
        actor=actor,
        verb=f"case.{action}",
        obj=case,
        changes={"status": [from_status, case.status], "owner": [from_owner_id, case.current_owner_id]},
    )
    _notify(event)
    return case


@transaction.atomic
def case_claim(*, actor, case, request_key=None) -> Case:
    return _apply(actor=actor, case_or_code=case, action=CaseAction.CLAIM, request_key=request_key)


@transaction.atomic
def case_verify(*, actor, case, note="", request_key=None) -> Case:
    return _apply(
        actor=actor, case_or_code=case, action=CaseAction.VERIFY, note=note, request_key=request_key
    )


@transaction.atomic
def case_forward(*, actor, case, note="", request_key=None) -> Case:
    return _apply(
        actor=actor, case_or_code=case, action=CaseAction.FORWARD, note=note, request_key=request_key
    )


@transaction.atomic
def case_approve(*, actor, case, note="", request_key=None) -> Case:
    return _apply(
        actor=actor, case_or_code=case, action=CaseAction.APPROVE, note=note, request_key=request_key
    )


@transaction.atomic
def case_return(*, actor, case, note, request_key=None) -> Case:
    return _apply(
        actor=actor, case_or_code=case, action=CaseAction.RETURN, note=note, request_key=request_key
    )


@transaction.atomic
def case_reject(*, actor, case, note, request_key=None) -> Case:
    return _apply(
        actor=actor, case_or_code=case, action=CaseAction.REJECT, note=note, request_key=request_key
    )


@transaction.atomic
def case_withdraw(*, actor, case, note="", request_key=None) -> Case:
    return _apply(
        actor=actor, case_or_code=case, action=CaseAction.WITHDRAW, note=note, request_key=request_key
    )


@transaction.atomic
def case_hand_over(*, actor, case, note="", request_key=None) -> Case:
    return _apply(
        actor=actor, case_or_code=case, action=CaseAction.HAND_OVER, note=note, request_key=request_key
    )


@transaction.atomic
def case_resubmit(
    *, actor, case, note="", form_data: dict | None = None, documents: dict | None = None, request_key=None
) -> Case:
    """The applicant answers a return: a note, and optionally corrected form data and documents."""

    def before_event(target: Case) -> dict:
        version = published_version(target.service_version_id)
        cleaned = clean_application_data(version, {**target.form_data, **form_data}) if form_data else None
        checked = _check_documents(version, documents or {}, require_all=False, actor=actor)
        if not (note or "").strip() and not checked and cleaned is None:
            raise ValidationFailed(
                fields={"note": ["Jelaskan perbaikan yang Anda lakukan atau unggah dokumen perbaikan."]},
                code="case.note_required",
            )
        changes = {}
        if cleaned is not None and cleaned != target.form_data:
            changes["form_data_before"] = target.form_data
            target.form_data = cleaned
        stored = _store_documents(target, checked, actor, supersede=True)
        if stored:
            changes["documents"] = [doc.document_type.code for doc in stored]
        return changes

    return _apply(
        actor=actor,
        case_or_code=case,
        action=CaseAction.RESUBMIT,
        note=note or "Perbaikan dikirim.",
        request_key=request_key,
        before_event=before_event,
    )


OUTPUT_TEMPLATE = "cases/output.typ"
OUTPUT_SERIES = "case_output"


def _output_data(case: Case, *, note: str, actor) -> tuple[dict, str, str]:
    """(template data, title, signer name) of a case's output document."""
    from pintu.documents.kop import kop_for_unit
    from pintu.documents.services import date_id

    agency = case.agency
    version = case.service_version
    events = list(
        CaseEvent.objects.filter(case=case, action__in=[CaseAction.APPROVE, CaseAction.VERIFY])
        .select_related("actor")
        .order_by("-seq")
    )
    approval = next((e for e in events if e.action == CaseAction.APPROVE), None)
    signer_user = approval.actor if approval and approval.actor_id else actor
    notes = [e.note for e in reversed(events) if e.note][-3:]
    if note:
        notes.append(note)
    title = (version.product or case.service.name).strip()
    village = case.applicant_village
    data = {
        "kop": kop_for_unit(agency),
        "place": "Banyuwangi",
        "date_text": date_id(timezone.localdate()),
        "signer": {
            "on_behalf": f"a.n. Kepala {agency.display_name}",
            "position": "Pejabat yang berwenang",
            "name": signer_user.full_name or signer_user.username,
            "nip": "",
        },
        "case": {
            "service": case.service.name,
            "product": title,
            "tracking_code": case.display_code,
            "applicant_name": case.applicant_name,
            "applicant_village": village.name if village else "",
            "submitted_text": date_id(timezone.localdate(case.submitted_at)),
            "decision_text": "Permohonan disetujui dan dokumen hasil layanan diterbitkan.",
            "notes": notes,
        },
    }
    return data, title, data["signer"]["name"]


def _issue_output(case: Case, *, actor, note: str, sign: bool, signer_credentials: dict | None):
    from pintu.documents.issuing import ROMAN_MONTHS
    from pintu.documents.services import document_issue, document_number_next, mask_name

    today = timezone.localdate()
    serial = document_number_next(org_unit=case.agency, series=OUTPUT_SERIES, year=today.year)
    agency_code = (case.agency.short_name or case.agency.code).replace(" ", "").upper()[:20]
    number = f"{serial:05d}/{agency_code}/{ROMAN_MONTHS[today.month - 1]}/{today.year}"
    data, title, _ = _output_data(case, note=note, actor=actor)
    return document_issue(
        actor=actor,
        issuer_unit=case.agency,
        kind=OUTPUT_SERIES,
        title=title,
        number=number,
        template=OUTPUT_TEMPLATE,
        data=data,
        holder_label=mask_name(case.applicant_name),
        sign=sign,
        source=("cases", "case", case.pk),
        signer_credentials=signer_credentials,
    )


@transaction.atomic
def case_issue(
    *, actor, case, note="", request_key=None, sign: bool = True, signer_credentials: dict | None = None
) -> Case:
    """Generate the case's output document (PDF from the service's template, numbered per agency
    and year, signed through the signer registry, verifiable by its QR code), attach it and
    finish the last step."""

    def before_event(target: Case) -> dict:
        issued = _issue_output(
            target, actor=actor, note=(note or "").strip(), sign=sign, signer_credentials=signer_credentials
        )
        document = CaseDocument.objects.create(
            case=target, kind=CaseDocumentKind.OUTPUT, upload=issued.pdf, issued=issued, added_by=actor
        )
        return {
            "output_document": document.pk,
            "sha256": issued.sha256,
            "number": issued.number,
            "verification_code": issued.code,
        }

    return _apply(
        actor=actor,
        case_or_code=case,
        action=CaseAction.ISSUE,
        note=note,
        request_key=request_key,
        before_event=before_event,
    )


CASE_VERBS = {
    CaseAction.CLAIM: case_claim,
    CaseAction.VERIFY: case_verify,
    CaseAction.FORWARD: case_forward,
    CaseAction.APPROVE: case_approve,
    CaseAction.RETURN: case_return,
    CaseAction.REJECT: case_reject,
    CaseAction.WITHDRAW: case_withdraw,
    CaseAction.HAND_OVER: case_hand_over,
    CaseAction.RESUBMIT: case_resubmit,
    CaseAction.ISSUE: case_issue,
}
