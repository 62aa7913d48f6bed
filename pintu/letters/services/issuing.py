"""Numbering and issuing village letters, and revoking them.

Numbering: the sequence row of (village office, year, scope) is locked inside the issuing
transaction and the PDF is rendered and signed in that same transaction, so a number is used
only when its letter commits — a failure anywhere rolls the number back with everything else
(no gaps), and the lock plus unique constraints mean no duplicates, on PostgreSQL and SQLite."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pintu.accounts.access import principal_for
from pintu.accounts.constants import Role
from pintu.audit.services import audit_record
from pintu.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from pintu.core.rows import allocate_ids, execute, insert_all, nextval_sql, violation
from pintu.core.ttlcache import ttl_cache
from pintu.documents.issued import IssuedDocument
from pintu.letters import policies
from pintu.letters.constants import (
    LetterStatus,
    SequenceScope,
    SignerKind,
)
from pintu.letters.fieldspec import clean_letter_fields
from pintu.letters.formatting import date_id, display_fields, mask_name
from pintu.letters.models import (
    Letter,
    LetterRequest,
    LetterSequence,
    LetterType,
    VillageLetterSettings,
    VillageLetterType,
)
from pintu.letters.numbering import parse_number_format
from pintu.letters.services._common import _check_office
from pintu.regions.models import OrgUnit

DOCUMENT_KIND = "village_letter"


def _settings_for(office: OrgUnit) -> VillageLetterSettings:
    row = VillageLetterSettings.objects.filter(office=office).first()
    return row or VillageLetterSettings(office=office)


_ISSUE_CONFIG_SQL: dict[str, tuple[str, list[str]]] = {}  # vendor -> (SQL, settings columns)


def _type_choice_sql() -> str:
    """The village's choice for a letter type (enabled, signer) as two scalar subqueries, with
    parameters (office, type, office, type)."""
    qn = connection.ops.quote_name
    choice = f"FROM {qn(VillageLetterType._meta.db_table)} WHERE {qn('office_id')} = %s AND {qn('letter_type_id')} = %s"
    return f"(SELECT {qn('enabled')} {choice}), (SELECT {qn('signer')} {choice})"


def _issue_config_sql() -> tuple[str, list[str]]:
    cached = _ISSUE_CONFIG_SQL.get(connection.vendor)
    if cached is None:
        qn = connection.ops.quote_name
        settings_meta = VillageLetterSettings._meta
        columns = [f.column for f in settings_meta.concrete_fields]
        # Identifiers come from the models and are quoted; the values are parameters.
        sql = (
            f"SELECT {', '.join(qn(c) for c in columns)}, {_type_choice_sql()} "  # noqa: S608
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


def _scope_key(letter_type: LetterType, config: VillageLetterSettings) -> str:
    return letter_type.code if config.sequence_scope == SequenceScope.TYPE else "*"


_ISSUE_START_SQL: dict[str, str] = {}


def _issue_start_sql() -> str:
    """PostgreSQL: ``_issue_config`` and ``_sequence_increment`` in one statement, with the ids
    of the letter and its document (``nextval``). The sequence's scope comes from the settings
    row inside the statement (CASE below mirrors ``_scope_key``)."""
    sql = _ISSUE_START_SQL.get(connection.alias)
    if sql is None:
        qn = connection.ops.quote_name
        settings_meta, sequence_meta = VillageLetterSettings._meta, LetterSequence._meta
        columns = ", ".join(qn(f.column) for f in settings_meta.concrete_fields)
        seq = {
            name: qn(sequence_meta.get_field(name).column)
            for name in ("last_number", "office", "year", "scope_key")
        }
        scope = qn(settings_meta.get_field("sequence_scope").column)
        # Identifiers come from the models and are quoted; the values are parameters.
        sql = _ISSUE_START_SQL[connection.alias] = (
            f"WITH cfg AS (SELECT {columns} FROM {qn(settings_meta.db_table)} "  # noqa: S608
            f"WHERE {qn('office_id')} = %s), "
            f"seq AS (UPDATE {qn(sequence_meta.db_table)} SET {seq['last_number']} = {seq['last_number']} + 1 "
            f"WHERE {seq['office']} = %s AND {seq['year']} = %s AND {seq['scope_key']} = "
            f"CASE WHEN COALESCE((SELECT {scope} FROM cfg), %s) = %s THEN %s ELSE '*' END "
            f"RETURNING {seq['last_number']}) "
            f"SELECT {', '.join('cfg.' + qn(f.column) for f in settings_meta.concrete_fields)}, {_type_choice_sql()}, "
            f"(SELECT {seq['last_number']} FROM seq), {nextval_sql(Letter, IssuedDocument)} "
            "FROM (SELECT 1) AS one LEFT JOIN cfg ON TRUE"
        )
    return sql


def _issue_start(
    office: OrgUnit, letter_type: LetterType, year: int
) -> tuple[VillageLetterSettings, bool, str, int | None, list[int]]:
    """(settings, type enabled, signer kind, the next number of the sequence or None when the
    sequence row does not exist yet, [letter id, document id]). The sequence row stays locked
    until the caller's transaction ends. PostgreSQL: one statement; SQLite: two reads and the
    ids from ``allocate_ids`` (in-process, no round trips to save)."""
    if connection.vendor != "postgresql":
        config, enabled, signer = _issue_config(office, letter_type)
        sequence = _sequence_increment(
            office_id=office.pk, year=year, scope_key=_scope_key(letter_type, config)
        )
        return config, enabled, signer, sequence, allocate_ids(Letter, IssuedDocument)
    default_scope = VillageLetterSettings._meta.get_field("sequence_scope").default
    params = [office.pk, office.pk, year, default_scope, SequenceScope.TYPE.value, letter_type.code]
    params += [office.pk, letter_type.pk, office.pk, letter_type.pk]
    with execute(_issue_start_sql(), params) as cursor:  # values bound by the server
        found = cursor.fetchone()
    _sql, names = _issue_config_sql()
    type_enabled, type_signer, sequence, letter_id, document_id = found[len(names) :]
    if found[0] is None:  # never configured: the defaults
        config = VillageLetterSettings(office=office)
    else:
        config = VillageLetterSettings.from_db(connection.alias, names, found[: len(names)])
    enabled = letter_type.is_active and (True if type_enabled is None else bool(type_enabled))
    return config, enabled, type_signer or letter_type.default_signer, sequence, [letter_id, document_id]


def _take_number(
    *,
    office: OrgUnit,
    letter_type: LetterType,
    config: VillageLetterSettings,
    on: dt.date,
    sequence: int | None,
) -> tuple[str, str, int]:
    """(number text, scope key, sequence). ``sequence`` is what ``_issue_start`` took; None
    creates the year's sequence row (its first number) — the row stays locked until the caller
    commits."""
    fmt = parse_number_format(config.number_format, scope=config.sequence_scope)
    scope_key = _scope_key(letter_type, config)
    for _attempt in range(3):
        if sequence is not None:
            break
        try:
            with transaction.atomic():
                LetterSequence.objects.create(office=office, year=on.year, scope_key=scope_key, last_number=1)
            sequence = 1
        except IntegrityError:
            # Another transaction created it first: count on from theirs.
            sequence = _sequence_increment(office_id=office.pk, year=on.year, scope_key=scope_key)
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


def _resident_data(resident, village=None, today: dt.date | None = None) -> dict:
    from pintu.population.selectors import resident_letter_data

    return resident_letter_data(resident=resident, village=village, today=today)


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
    from pintu.audit.services import audit_entry_build
    from pintu.documents.issuing import document_rows, number_taken

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
    now = timezone.now()
    on = today or timezone.localdate(now)
    # Settings, the type's switch and signer, the next number (its row locked until commit) and
    # the new rows' ids: one statement on PostgreSQL. A refusal below rolls the number back.
    config, enabled, signer_kind, sequence, (letter_id, document_id) = _issue_start(
        village_office, letter_type, on.year
    )
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
    resident_data = _resident_data(resident, village_office.village, on)
    number, scope_key, sequence = _take_number(
        office=village_office, letter_type=letter_type, config=config, on=on, sequence=sequence
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
    rows = document_rows(
        actor=actor,
        document_id=document_id,
        issuer_unit=village_office,
        kind=DOCUMENT_KIND,
        title=letter_type.title,
        number=number,
        template=template_for(letter_type),
        data=data,
        holder_label=mask_name(resident.full_name),
        valid_until=valid_until,
        sign=sign,
        source=("letters", "letter", letter_id),
    )
    letter = Letter(
        id=letter_id,
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
        document=rows.document,
        valid_until=valid_until,
        status=LetterStatus.ISSUED,
        signer_kind=signer_kind,
        signer_name=data["signer"]["name"][:150],
        issued_by=actor,
        issued_at=now,
    )
    letter_audit = audit_entry_build(
        actor=actor,
        verb="letters.issue",
        obj=letter,
        changes={
            "number": number,
            "type": letter_type.code,
            "resident": resident.pk,
            "request": request.pk if request else None,
        },
    )
    try:
        # The PDF's upload, the document, the letter and both audit entries: one statement on
        # PostgreSQL. No savepoint: a conflict rolls back this whole issuance (the number too).
        insert_all([rows.upload, rows.document, letter, rows.audit, letter_audit])
    except IntegrityError as exc:
        table, columns = violation(exc)
        if table == IssuedDocument._meta.db_table and columns == ("code",):
            raise number_taken(number) from exc  # a verification code drawn twice (~2^-50)
        # A number typed by hand elsewhere, or a format change: the letter's or its document's.
        raise Conflict(
            _("Nomor %(n)s sudah dipakai surat lain desa ini. Periksa format nomor di Pengaturan surat.")
            % {"n": number},
            code="letters.number_taken",
        ) from exc
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
