"""Issuing verifiable documents: render (Typst) → QR + verification URL → sign (signer
registry) → store → audit, in one transaction. And revocation, the only change a document
ever gets."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import secrets
import uuid
from typing import NamedTuple

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from pintu.accounts.access import principal_for
from pintu.audit.models import AuditEntry
from pintu.audit.services import audit_entry_build, audit_record
from pintu.core.errors import PermissionDenied, ValidationFailed
from pintu.core.rows import allocate_ids, insert_all
from pintu.documents import qrfast
from pintu.documents.issued import DocumentSequence, IssuedDocument
from pintu.documents.models import Upload
from pintu.documents.policies import can_revoke_document
from pintu.documents.rendering import render_pdf
from pintu.documents.signing import signer as signer_for

# Verification codes: 10 characters of an alphabet without look-alikes (≈ 50 bits).
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 10
MONTHS_ID = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip
ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def date_id(value: dt.date | None) -> str:
    """28 November 2026."""
    if value is None:
        return ""
    return f"{value.day} {MONTHS_ID[value.month - 1]} {value.year}"


def mask_name(name: str) -> str:
    """'Siti Aminah' → 'S***i A***h': enough for the holder to recognise, nothing to harvest."""
    parts = []
    for word in (name or "").split()[:3]:
        parts.append(word[0] + "***" + (word[-1] if len(word) > 1 else ""))
    return " ".join(parts)[:60]


def new_verification_code() -> str:
    # 32 symbols: the low five bits of each random byte pick one, all equally likely.
    return "".join(CODE_ALPHABET[byte & 31] for byte in secrets.token_bytes(CODE_LENGTH))


def normalize_code(raw: str) -> str:
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())[:16]


@functools.lru_cache(maxsize=8)
def _verification_url_parts(base_url: str) -> tuple[str, str]:
    marker = "CODE0MARKER"
    prefix, _, suffix = reverse("documents:verify", args=[marker]).partition(marker)
    return base_url + prefix, suffix


def verification_url(code: str) -> str:
    prefix, suffix = _verification_url_parts(settings.PINTU_BASE_URL)
    return prefix + code + suffix


def verification_qr_svg(url: str, code: str) -> str:
    """The QR code of a verification URL (see ``qrfast``: the same matrix segno makes)."""
    prefix, _, suffix = url.rpartition(code)
    return qrfast.svg(prefix, code, suffix)


def document_number_next(*, org_unit, series: str, year: int) -> int:
    """The next number of (unit, series, year): no duplicates, no gaps, on both databases.
    Must run inside the caller's transaction (the number is lost only if it rolls back)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("document_number_next must run inside a transaction")
    unit_id = getattr(org_unit, "pk", org_unit)
    for _ in range(3):
        row = (
            DocumentSequence.objects.select_for_update()
            .filter(org_unit_id=unit_id, series=series, year=year)
            .first()
        )
        if row is None:
            try:
                with transaction.atomic():
                    DocumentSequence.objects.create(org_unit_id=unit_id, series=series, year=year, last=0)
            except IntegrityError:
                pass  # another transaction created it first: lock theirs
            continue
        row.last += 1
        DocumentSequence.objects.filter(pk=row.pk).update(last=row.last)
        return row.last
    raise RuntimeError("document sequence row could not be locked")  # pragma: no cover


_PDF_DIRS: dict[tuple[str, str], tuple[str, str]] = {}  # (storage root, upload dir) -> (name prefix, path)


def _pdf_location(field, upload: Upload) -> tuple[str, str]:
    """(file name as stored, absolute path) of a new PDF in a file-system storage. The
    directory (``upload_to`` of today) is worked out by Django's own ``generate_filename`` and
    created once per process, not for every letter."""
    storage = field.storage
    filename = f"{uuid.uuid4().hex}.pdf"
    if not isinstance(field.upload_to, str):
        name = field.generate_filename(upload, filename)
        return name, storage.path(name)
    key = (storage.location, dt.datetime.now().strftime(field.upload_to))  # as generate_filename
    known = _PDF_DIRS.get(key)
    if known is None:
        name = field.generate_filename(upload, filename)
        prefix = name[: -len(filename)]
        known = _PDF_DIRS[key] = (prefix, os.path.dirname(storage.path(name)))
        os.makedirs(known[1], exist_ok=True)
    return known[0] + filename, os.path.join(known[1], filename)


def _store_pdf(*, actor, pdf: bytes, name: str) -> Upload:
    """Write the PDF file; its Upload row (a UUID key) is built, not inserted."""
    sha256 = hashlib.sha256(pdf).hexdigest()
    upload = Upload(
        original_name=name,
        content_type="application/pdf",
        file_format="pdf",
        size=len(pdf),
        sha256=sha256,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    field = Upload._meta.get_field("file")
    if field.storage.__class__ is FileSystemStorage:  # (exactly: a subclass may store elsewhere)
        # A fresh UUID name never collides: write it directly (O_EXCL still refuses to overwrite)
        # instead of Storage.save's availability check, lock and chunked copy.
        name, path = _pdf_location(field, upload)
        mode = field.storage.file_permissions_mode
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        try:
            fd = os.open(path, flags, mode or 0o666)
        except FileNotFoundError:  # the directory was removed since: make it again
            os.makedirs(os.path.dirname(path), exist_ok=True)
            fd = os.open(path, flags, mode or 0o666)
        with os.fdopen(fd, "wb") as handle:
            handle.write(pdf)
        if mode is not None:
            os.chmod(path, mode)
    else:
        name = field.generate_filename(upload, f"{uuid.uuid4().hex}.pdf")
        name = field.storage.save(name, ContentFile(pdf), max_length=field.max_length)
    upload.file.name = name
    return upload


@transaction.atomic
def document_issue(
    *,
    actor,
    issuer_unit,
    kind: str,
    title: str,
    number: str,
    template: str,
    data: dict,
    holder_label: str = "",
    valid_until: dt.date | None = None,
    sign: bool = True,
    source: tuple[str, str, object] | None = None,
    signer_credentials: dict | None = None,
) -> IssuedDocument:
    """Render ``template`` with ``data`` plus the number, QR code and verification URL, sign it
    when ``sign`` (provider from ``PINTU_SIGNER``), store it and record it. ``data`` follows the
    contract in ``templates/typst/common/letter.typ`` (kop, signer, place, date_text, …).
    ``source`` = (app, model, id) of what the document was issued for."""
    (document_id,) = allocate_ids(IssuedDocument)
    rows = document_rows(
        actor=actor,
        document_id=document_id,
        issuer_unit=issuer_unit,
        kind=kind,
        title=title,
        number=number,
        template=template,
        data=data,
        holder_label=holder_label,
        valid_until=valid_until,
        sign=sign,
        source=source,
        signer_credentials=signer_credentials,
    )
    try:
        insert_all(list(rows))  # the upload, the document and its audit entry: one statement
    except IntegrityError as exc:
        raise number_taken(number) from exc
    return rows.document


def number_taken(number: str) -> ValidationFailed:
    return ValidationFailed(
        f"Nomor {number} sudah dipakai dokumen lain dari unit ini (atau kode verifikasi kebetulan "
        "sama). Gunakan nomor berikutnya lalu terbitkan lagi.",
        code="document.number_taken",
    )


class DocumentRows(NamedTuple):
    """An issued document's rows, in the order they are inserted."""

    upload: Upload
    document: IssuedDocument
    audit: AuditEntry


def document_rows(
    *,
    actor,
    document_id: int,
    issuer_unit,
    kind: str,
    title: str,
    number: str,
    template: str,
    data: dict,
    holder_label: str = "",
    valid_until: dt.date | None = None,
    sign: bool = True,
    source: tuple[str, str, object] | None = None,
    signer_credentials: dict | None = None,
) -> DocumentRows:
    """The work of ``document_issue`` up to the database: render, sign, write the PDF file, and
    build the rows — upload, document (id ``document_id`` from ``allocate_ids``), audit entry —
    complete but not inserted, for a caller that writes them with its own rows in one
    ``insert_all`` inside its transaction (a village letter). The caller MUST insert them before
    its transaction commits; any failure rolls its whole transaction back (no savepoint here)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("document_rows must run inside a transaction")
    if not number or not title:
        raise ValidationFailed("Nomor dan judul dokumen wajib ada.", code="document.incomplete")
    now = timezone.now()
    code = new_verification_code()  # 50 random bits; the unique constraint guards the rest
    url = verification_url(code)
    signer_data = dict(data.get("signer") or {})
    full = {
        **data,
        "title": title,
        "number": number,
        "signed": bool(sign),
        "verify_url": url,
        "verify_code": code,
        "qr_svg": verification_qr_svg(url, code),
        "valid_until_text": date_id(valid_until),
    }
    if "date_text" not in full:
        full["date_text"] = date_id(timezone.localdate(now))
    pdf = render_pdf(template=template, data=full)
    signature = {}
    if sign:
        provider = signer_for()
        place = str(full.get("place") or "")
        pdf = provider.sign(
            pdf,
            signer_name=str(signer_data.get("name") or ""),
            reason=f"{title} Nomor {number}",
            location=place,
            credentials=signer_credentials,
        )
        info = provider.describe()
        signature = {
            "signature_provider": info.provider,
            "certificate_subject": info.certificate_subject,
            "certificate_serial": info.certificate_serial,
            "signed_at": timezone.now(),
        }
    upload = _store_pdf(actor=actor, pdf=pdf, name=f"{slugify(title)[:80] or kind}-{code}.pdf")
    app, model, source_id = source or ("", "", "")
    document = IssuedDocument(
        id=document_id,
        code=code,
        number=number[:120],
        kind=kind,
        title=title[:200],
        issuer_unit=issuer_unit,
        issued_at=now,
        issued_by=actor if getattr(actor, "is_authenticated", False) else None,
        valid_until=valid_until,
        pdf=upload,
        sha256=upload.sha256,
        template=template,
        signer_name=str(signer_data.get("name") or "")[:150],
        signer_position=str(signer_data.get("position") or "")[:200],
        holder_label=holder_label[:60],
        source_app=app,
        source_model=model,
        source_id=str(source_id or ""),
        **signature,
    )
    entry = audit_entry_build(
        actor=actor,
        verb="document.issue",
        obj=document,
        changes={"number": number, "kind": kind, "sha256": upload.sha256, "signed": bool(sign)},
    )
    return DocumentRows(upload, document, entry)


@transaction.atomic
def document_revoke(*, actor, document: IssuedDocument, reason: str) -> IssuedDocument:
    """Revoke an issued document (the issuing unit's officials or the regency admin). Repeating
    the revocation changes nothing."""
    document = IssuedDocument.objects.select_for_update().select_related("issuer_unit").get(pk=document.pk)
    if not can_revoke_document(principal_for(actor), document):
        raise PermissionDenied(code="document.forbidden")
    if document.revoked_at is not None:
        return document
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            fields={"reason": ["Tuliskan alasan pencabutan; alasan ini tampil di halaman verifikasi."]},
            code="document.reason_required",
        )
    document.revoked_at = timezone.now()
    document.revoked_by = actor
    document.revocation_reason = reason[:1000]
    IssuedDocument.objects.filter(pk=document.pk).update(
        revoked_at=document.revoked_at, revoked_by=actor, revocation_reason=document.revocation_reason
    )
    audit_record(
        actor=actor, verb="document.revoke", obj=document, changes={"reason": document.revocation_reason}
    )
    return document
