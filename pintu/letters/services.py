"""The letters app's write path: one function per verb, keyword-only, explicit actor.

Numbering: the sequence row of (village office, year, scope) is locked inside the issuing
transaction and the PDF is rendered and signed in that same transaction, so a number is used
only when its letter commits — a failure anywhere rolls the number back with everything else
(no gaps), and the lock plus unique constraints mean no duplicates, on PostgreSQL and SQLite.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings as django_settings
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pintu.accounts.access import principal_for
from pintu.accounts.constants import Role
from pintu.audit.services import audit_record
from pintu.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from pintu.core.tasks import enqueue_on_commit
from pintu.core.ttlcache import ttl_cache
from pintu.letters import policies
from pintu.letters.constants import (
    LetterStatus,
    RequestAction,
    RequestStatus,
    SequenceScope,
    SignerKind,
)
from pintu.letters.definitions import type_specs
from pintu.letters.fieldspec import clean_letter_fields
from pintu.letters.formatting import date_id, display_fields, mask_name
from pintu.letters.models import (
    Letter,
    LetterRequest,
    LetterRequestEvent,
    LetterSequence,
    LetterType,
    VillageLetterSettings,
    VillageLetterType,
)
from pintu.letters.numbering import parse_number_format
from pintu.letters.workflow import TRANSITIONS
from pintu.regions.models import OrgUnit
from pintu.regions.selectors import village_office_for

DOCUMENT_KIND = "village_letter"


# --- letter types (regency) -------------------------------------------------------------------


@transaction.atomic
def letter_types_seed(*, actor=None) -> int:
    """Create the default types (OpenSID's list plus Pintu's); existing ones are left as the
    regency configured them. Idempotent; returns how many were created."""
    existing = set(LetterType.objects.values_list("slug", flat=True))
    rows = [
        LetterType(
            code=spec.code,
            slug=spec.slug,
            name=spec.name,
            classification_code=spec.classification,
            template=spec.template,
            fields_schema=spec.fields,
            requirements=spec.requirements,
            validity_days=spec.validity_days,
            default_signer=spec.signer,
            citizen_requestable=spec.requestable,
            dukcapil_forms=spec.dukcapil_forms,
            source=spec.source,
            position=position,
        )
        for position, spec in enumerate(type_specs(), start=1)
        if spec.slug not in existing
    ]
    LetterType.objects.bulk_create(rows, ignore_conflicts=True)
    if rows:
        audit_record(
            actor=actor,
            verb="letters.types_seed",
            object_type="letters.lettertype",
            changes={"created": len(rows)},
        )
    return len(rows)


TYPE_EDITABLE = (
    "name",
    "classification_code",
    "requirements",
    "validity_days",
    "default_signer",
    "citizen_requestable",
    "is_active",
)


@transaction.atomic
def letter_type_update(*, actor, letter_type: LetterType, **changes) -> LetterType:
    """A regency admin changes a type (name, classification code, requirements, validity…)."""
    if not policies.can_manage_types(principal_for(actor)):
        raise PermissionDenied(
            _("Hanya admin kabupaten yang dapat mengubah daftar jenis surat."), code="letters.forbidden"
        )
    unknown = set(changes) - set(TYPE_EDITABLE)
    if unknown:
        raise ValidationFailed(_("Kolom ini tidak dapat diubah: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    letter_type = LetterType.objects.select_for_update().get(pk=letter_type.pk)
    errors = {}
    if "name" in changes and not str(changes["name"]).strip():
        errors["name"] = [_("Nama jenis surat wajib diisi.")]
    if "classification_code" in changes and not str(changes["classification_code"]).strip():
        errors["classification_code"] = [_("Kode klasifikasi wajib diisi, misalnya 470.")]
    if "validity_days" in changes and not 1 <= int(changes["validity_days"] or 0) <= 3650:
        errors["validity_days"] = [_("Masa berlaku 1 sampai 3650 hari.")]
    if "default_signer" in changes and changes["default_signer"] not in SignerKind.values:
        errors["default_signer"] = [_("Pilih kepala desa atau sekretaris desa.")]
    if errors:
        raise ValidationFailed(fields=errors)
    before = {key: getattr(letter_type, key) for key in changes}
    for key, value in changes.items():
        setattr(letter_type, key, value)
    letter_type.save(update_fields=list(changes))
    audit_record(
        actor=actor, verb="letters.type_update", obj=letter_type, changes={"before": before, "after": changes}
    )
    return letter_type


# --- village settings (kepala desa) -------------------------------------------------------------


def _check_office(office: OrgUnit) -> None:
    if office.kind != "village_office" or office.village_id is None:
        raise ValidationFailed(
            _("Surat desa hanya diterbitkan oleh kantor desa/kelurahan."), code="letters.not_village_office"
        )


@transaction.atomic
def village_letter_settings_update(
    *,
    actor,
    office: OrgUnit,
    number_format: str,
    sequence_scope: str,
    head_name: str = "",
    head_nip: str = "",
    secretary_name: str = "",
    secretary_nip: str = "",
) -> VillageLetterSettings:
    """The kepala desa sets the number format, the sequence scope and the signers' names."""
    _check_office(office)
    if not policies.can_configure(principal_for(actor), office.pk):
        raise PermissionDenied(
            _("Hanya kepala desa yang dapat mengubah pengaturan surat desanya."), code="letters.forbidden"
        )
    if sequence_scope not in SequenceScope.values:
        raise ValidationFailed(
            fields={"sequence_scope": [_("Pilih satu urutan untuk desa atau per jenis surat.")]}
        )
    fmt = parse_number_format(number_format, scope=sequence_scope)
    if not head_name.strip():
        raise ValidationFailed(
            fields={"head_name": [_("Tulis nama kepala desa seperti dicetak di tanda tangan.")]}
        )
    row, _created = VillageLetterSettings.objects.select_for_update().get_or_create(office=office)
    before = {"number_format": row.number_format, "sequence_scope": row.sequence_scope}
    row.number_format = fmt.source
    row.sequence_scope = sequence_scope
    row.head_name = head_name.strip()[:150]
    row.head_nip = head_nip.strip()[:30]
    row.secretary_name = secretary_name.strip()[:150]
    row.secretary_nip = secretary_nip.strip()[:30]
    row.save()
    audit_record(
        actor=actor,
        verb="letters.settings_update",
        obj=row,
        changes={"before": before, "number_format": row.number_format, "sequence_scope": sequence_scope},
    )
    return row


@transaction.atomic
def village_letter_types_set(
    *, actor, office: OrgUnit, enabled: dict[int, bool], signers: dict[int, str] | None = None
) -> int:
    """The kepala desa enables/disables types for the village and picks who signs each.
    ``enabled`` = {letter_type_id: bool}; ``signers`` = {letter_type_id: "head"|"secretary"|""}."""
    _check_office(office)
    if not policies.can_configure(principal_for(actor), office.pk):
        raise PermissionDenied(
            _("Hanya kepala desa yang dapat memilih jenis surat desanya."), code="letters.forbidden"
        )
    signers = signers or {}
    known = set(LetterType.objects.filter(pk__in=list(enabled) + list(signers)).values_list("pk", flat=True))
    bad = [pk for pk in [*enabled, *signers] if pk not in known]
    if bad:
        raise ValidationFailed(_("Jenis surat tidak dikenal."), code="letters.type_unknown")
    for pk, signer in signers.items():
        if signer not in ("", *SignerKind.values):
            raise ValidationFailed(fields={f"signer.{pk}": [_("Pilih kepala desa atau sekretaris desa.")]})
    current = {
        row.letter_type_id: row for row in VillageLetterType.objects.select_for_update().filter(office=office)
    }
    changed = 0
    for pk in known:
        row = current.get(pk) or VillageLetterType(office=office, letter_type_id=pk)
        new_enabled = enabled.get(pk, row.enabled if row.pk else True)
        new_signer = signers.get(pk, row.signer)
        if row.pk and row.enabled == new_enabled and row.signer == new_signer:
            continue
        row.enabled, row.signer = new_enabled, new_signer
        row.save()
        changed += 1
    audit_record(
        actor=actor, verb="letters.types_set", obj=office, changes={"enabled": enabled, "signers": signers}
    )
    return changed


# --- issuing ------------------------------------------------------------------------------------


def _settings_for(office: OrgUnit) -> VillageLetterSettings:
    row = VillageLetterSettings.objects.filter(office=office).first()
    return row or VillageLetterSettings(office=office)


_ISSUE_CONFIG_SQL: dict[str, tuple[str, list[str]]] = {}  # vendor -> (SQL, settings columns)


def _issue_config_sql() -> tuple[str, list[str]]:
    cached = _ISSUE_CONFIG_SQL.get(connection.vendor)
    if cached is None:
        qn = connection.ops.quote_name
        settings_meta, choice_meta = VillageLetterSettings._meta, VillageLetterType._meta
        columns = [f.column for f in settings_meta.concrete_fields]
        choice = (
            f"FROM {qn(choice_meta.db_table)} WHERE {qn('office_id')} = %s AND {qn('letter_type_id')} = %s"
        )
        # Identifiers come from the models and are quoted; the values are parameters.
        sql = (
            f"SELECT {', '.join(qn(c) for c in columns)}, "  # noqa: S608
            f"(SELECT {qn('enabled')} {choice}), (SELECT {qn('signer')} {choice}) "
            f"FROM {qn(settings_meta.db_table)} WHERE {qn('office_id')} = %s"
        )
        cached = _ISSUE_CONFIG_SQL[connection.vendor] = (
            sql,
            [f.attname for f in settings_meta.concrete_fields],
        )
    return cached


def _issue_config(office: OrgUnit, letter_type: LetterType) -> tuple[VillageLetterSettings, bool, str]:
    """(settings, type enabled at this village, effective signer kind) in one query: the
    village's choice for the type is read as subqueries of its settings row. Plain SQL built
    once per database (issuing is the counter's hot path; the ORM would compile the same query
    with its subqueries every time)."""
    sql, names = _issue_config_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, [office.pk, letter_type.pk, office.pk, letter_type.pk, office.pk])
        found = cursor.fetchone()
    if found is None:  # never configured: defaults (and the type's own switch)
        enabled, signer = _village_choice(office, letter_type)
        return VillageLetterSettings(office=office), enabled, signer
    row = VillageLetterSettings.from_db(connection.alias, names, found[: len(names)])
    type_enabled, type_signer = found[len(names) :]
    enabled = True if type_enabled is None else bool(type_enabled)
    return row, letter_type.is_active and enabled, type_signer or letter_type.default_signer


def _village_choice(office: OrgUnit, letter_type: LetterType) -> tuple[bool, str]:
    """(enabled at this village, effective signer kind): one indexed lookup."""
    row = (
        VillageLetterType.objects.filter(office_id=office.pk, letter_type_id=letter_type.pk)
        .values_list("enabled", "signer")
        .first()
    )
    enabled, signer = row if row else (True, "")
    return letter_type.is_active and enabled, signer or letter_type.default_signer


def effective_signer(office: OrgUnit, letter_type: LetterType) -> str:
    return _village_choice(office, letter_type)[1]


def type_enabled(office: OrgUnit, letter_type: LetterType) -> bool:
    return _village_choice(office, letter_type)[0]


def _sequence_increment(*, office_id: int, year: int, scope_key: str) -> int | None:
    """Add one to the sequence row and return the new value; None when the row does not exist.
    One statement (UPDATE … RETURNING): the row stays locked by the UPDATE until the caller's
    transaction ends (PostgreSQL row lock; SQLite takes the write lock at BEGIN IMMEDIATE), so a
    concurrent issuer waits and then counts on from the committed value; a rollback returns the
    number — no duplicates, no gaps."""
    meta = LetterSequence._meta
    qn = connection.ops.quote_name
    table, last, office_col, year_col, scope_col = (
        qn(name)
        for name in (
            meta.db_table,
            *(meta.get_field(f).column for f in ("last_number", "office", "year", "scope_key")),
        )
    )
    # Identifiers come from the model and are quoted; the values are parameters.
    update = f"UPDATE {table} SET {last} = {last} + 1"  # noqa: S608
    sql = f"{update} WHERE {office_col} = %s AND {year_col} = %s AND {scope_col} = %s RETURNING {last}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [office_id, year, scope_key])
        row = cursor.fetchone()
    return row[0] if row else None


def _take_number(*, office: OrgUnit, letter_type: LetterType, config: VillageLetterSettings, on: dt.date):
    """(number text, scope key, sequence). Locks the sequence row until the caller commits."""
    fmt = parse_number_format(config.number_format, scope=config.sequence_scope)
    scope_key = letter_type.code if config.sequence_scope == SequenceScope.TYPE else "*"
    sequence = None
    for _attempt in range(3):
        sequence = _sequence_increment(office_id=office.pk, year=on.year, scope_key=scope_key)
        if sequence is not None:
            break
        try:
            with transaction.atomic():
                LetterSequence.objects.create(office=office, year=on.year, scope_key=scope_key, last_number=1)
            sequence = 1
            break
        except IntegrityError:
            pass  # another transaction created it first: count on from theirs on the next pass
    if sequence is None:  # pragma: no cover - the row exists after the loop
        raise Conflict(_("Nomor surat sedang dipakai. Coba lagi."))
    number = fmt.render(
        sequence=sequence,
        classification_code=letter_type.classification_code,
        type_code=letter_type.code,
        village_code=office.village.code,
        year=on.year,
        month=on.month,
    )
    return number, scope_key, sequence


def _signer_block(office: OrgUnit, config: VillageLetterSettings, signer_kind: str, actor) -> dict:
    village = office.village
    title = "Lurah" if village.kind == "kelurahan" else "Kepala Desa"
    head_position = f"{title} {village.name}"
    if signer_kind == SignerKind.SECRETARY:
        secretary_title = "Sekretaris Kelurahan" if village.kind == "kelurahan" else "Sekretaris Desa"
        return {
            "on_behalf": f"a.n. {head_position}",
            "position": secretary_title,
            "name": (config.secretary_name or "").upper(),
            "nip": config.secretary_nip,
        }
    return {
        "on_behalf": "",
        "position": head_position,
        "name": (config.head_name or "").upper(),
        "nip": config.head_nip,
    }


@ttl_cache(60)
def _office_row(office_id: int) -> OrgUnit | None:
    """The village office with its village, kecamatan and regency (kop, signer block, number):
    reference data, read once a minute per process instead of on every letter."""
    return (
        OrgUnit.objects.select_related("village__district__regency", "regency").filter(pk=office_id).first()
    )


def _kop(office: OrgUnit) -> dict:
    village = office.village
    regency = office.regency.name  # "Kabupaten Banyuwangi"
    kind = "KELURAHAN" if village.kind == "kelurahan" else "DESA"
    return {
        "regency": f"PEMERINTAH {regency.upper()}",
        "unit_lines": [f"KECAMATAN {village.district.name.upper()}", f"{kind} {village.name.upper()}"],
        "address": office.address
        or f"{kind.title()} {village.name}, Kecamatan {village.district.name}, {regency}",
    }


def _resident_data(resident, village=None) -> dict:
    from pintu.population.selectors import resident_letter_data

    return resident_letter_data(resident=resident, village=village)


def _letter_data(
    *, office, letter_type, resident_data, fields, purpose, config, signer_kind, actor, on
) -> dict:
    village = office.village
    return {
        "kop": _kop(office),
        "place": village.name,
        "date_text": date_id(on),
        "signer": _signer_block(office, config, signer_kind, actor),
        "resident": resident_data,
        "fields": display_fields(letter_type.fields_schema, fields),
        "purpose": purpose,
        "letter": {
            "code": letter_type.code,
            "name": letter_type.name,
            "requirements": letter_type.requirements,
        },
        "village": {
            "kind": "Kelurahan" if village.kind == "kelurahan" else "Desa",
            "name": village.name,
            "district": village.district.name,
            "regency": office.regency.name,
        },
    }


def template_for(letter_type: LetterType) -> str:
    return f"letters/{letter_type.template or 'umum'}.typ"


@transaction.atomic
def letter_issue(
    *,
    actor,
    village_office: OrgUnit,
    letter_type: LetterType,
    resident,
    fields: dict | None = None,
    purpose: str = "",
    request: LetterRequest | None = None,
    today: dt.date | None = None,
    sign: bool = True,
) -> Letter:
    """Issue a letter now: number, render, sign (electronic signature of the configured
    signer), store, audit — one transaction. Called at the counter by the operator, sekdes or
    kepala desa, and by ``letter_request_approve``. ``sign=False`` only for benchmarks and
    tests (a letter is always signed in the service's own callers).

    Pass the resident with ``hamlet`` and ``family`` loaded (``select_related``) when you have
    them: the registry data is then built without another query."""
    from pintu.audit.models import AuditEntry
    from pintu.audit.services import audit_entry_build
    from pintu.documents.issuing import document_issue_in_transaction

    _check_office(village_office)
    principal = principal_for(actor)
    office_id = village_office.pk
    village_office = _office_row(office_id)
    if village_office is None:
        raise OrgUnit.DoesNotExist(f"OrgUnit {office_id} does not exist")
    if not policies.can_issue(principal, village_office.pk):
        raise PermissionDenied(_("Anda tidak bertugas di kantor desa ini."), code="letters.forbidden")
    if resident.village_id != village_office.village_id:
        raise ValidationFailed(
            _(
                "Warga ini tidak terdaftar di desa Anda. Surat desa diterbitkan oleh desa tempat warga terdaftar."
            ),
            code="letters.resident_elsewhere",
        )
    config, enabled, signer_kind = _issue_config(village_office, letter_type)
    if not enabled:
        raise ValidationFailed(
            _(
                "Jenis surat ini tidak dipakai di desa Anda. Kepala desa dapat mengaktifkannya di pengaturan surat."
            ),
            code="letters.type_disabled",
        )
    clean = clean_letter_fields(letter_type.fields_schema, fields, purpose=purpose)
    if principal.has_role(Role.VILLAGE_HEAD, village_office.pk) or not config.secretary_name:
        # The kepala desa issuing or approving signs in person; without a sekdes on record the
        # kepala desa signs too.
        signer_kind = SignerKind.HEAD
    if not (config.head_name if signer_kind == SignerKind.HEAD else config.secretary_name):
        raise ValidationFailed(
            _("Nama penanda tangan belum diatur. Kepala desa mengisinya di Pengaturan surat."),
            code="letters.signer_missing",
        )
    now = timezone.now()
    on = today or timezone.localdate(now)
    resident_data = _resident_data(resident, village_office.village)
    number, scope_key, sequence = _take_number(
        office=village_office, letter_type=letter_type, config=config, on=on
    )
    valid_until = on + dt.timedelta(days=letter_type.validity_days) if letter_type.validity_days else None
    purpose_text = purpose.strip()[:255]
    data = _letter_data(
        office=village_office,
        letter_type=letter_type,
        resident_data=resident_data,
        fields=clean,
        purpose=purpose_text,
        config=config,
        signer_kind=signer_kind,
        actor=actor,
        on=on,
    )
    letter = Letter(
        office=village_office,
        village_id=village_office.village_id,
        letter_type=letter_type,
        resident=resident,
        resident_name=resident.full_name[:150],
        number=number,
        year=on.year,
        scope_key=scope_key,
        sequence=sequence,
        purpose=purpose_text,
        fields=clean,
        valid_until=valid_until,
        status=LetterStatus.ISSUED,
        signer_kind=signer_kind,
        signer_name=data["signer"]["name"][:150],
        issued_by=actor,
        issued_at=now,
    )
    try:
        # No savepoint of its own: a conflict rolls back this whole issuance (the number too).
        letter.save()
    except IntegrityError as exc:  # a number typed by hand elsewhere, or a format change
        raise Conflict(
            _("Nomor %(n)s sudah dipakai surat lain desa ini. Periksa format nomor di Pengaturan surat.")
            % {"n": number},
            code="letters.number_taken",
        ) from exc
    document, document_audit = document_issue_in_transaction(
        actor=actor,
        issuer_unit=village_office,
        kind=DOCUMENT_KIND,
        title=letter_type.title,
        number=number,
        template=template_for(letter_type),
        data=data,
        holder_label=mask_name(resident.full_name),
        valid_until=valid_until,
        sign=sign,
        source=("letters", "letter", letter.pk),
    )
    letter.document = document
    Letter.objects.filter(pk=letter.pk).update(document=document)
    # Both audit rows of this change (the document's and the letter's) in one INSERT.
    AuditEntry.objects.bulk_create(
        [
            document_audit,
            audit_entry_build(
                actor=actor,
                verb="letters.issue",
                obj=letter,
                changes={
                    "number": number,
                    "type": letter_type.code,
                    "resident": resident.pk,
                    "request": request.pk if request else None,
                },
            ),
        ]
    )
    return letter


@transaction.atomic
def letter_revoke(*, actor, letter: Letter, reason: str) -> Letter:
    """Revoke an issued letter (its verification page then says DICABUT)."""
    from pintu.documents.services import document_revoke

    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    principal = principal_for(actor)
    if not (
        policies.can_sign(principal, letter.office_id, letter.signer_kind)
        or principal.has_role("village_secretary", letter.office_id)
    ):
        raise PermissionDenied(
            _("Hanya kepala desa atau sekretaris desa yang dapat mencabut surat."), code="letters.forbidden"
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            fields={"reason": [_("Tulis alasan pencabutan; alasan ini tampil di halaman verifikasi.")]}
        )
    if letter.status == LetterStatus.REVOKED:
        raise InvalidTransition(_("Surat ini sudah dicabut."), code="letters.already_revoked")
    if letter.document_id:
        document_revoke(actor=actor, document=letter.document, reason=reason)
    letter.status = LetterStatus.REVOKED
    letter.revoked_at = timezone.now()
    letter.revocation_reason = reason[:2000]
    letter.save(update_fields=["status", "revoked_at", "revocation_reason"])
    audit_record(actor=actor, verb="letters.revoke", obj=letter, changes={"reason": reason})
    return letter


# --- citizen requests ---------------------------------------------------------------------------


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
