"""Reads of issued documents: the public verification record and the unit's register."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from pintu.accounts.access import Principal
from pintu.core.errors import NotFound
from pintu.documents.issued import DocumentValidity, IssuedDocument
from pintu.documents.issuing import normalize_code
from pintu.documents.policies import can_view_document, visible_documents

NOT_FOUND_MESSAGE = "Kode verifikasi tidak ditemukan. Periksa kembali kode di bawah kode QR dokumen."


@dataclass(frozen=True)
class PublicRecord:
    """What anyone holding the code may see: nothing personal beyond the masked holder label."""

    code: str
    number: str
    kind: str
    title: str
    issuer: str
    issued_at: object
    valid_until: object
    validity: str
    validity_label: str
    revoked_at: object
    revocation_reason: str
    holder_label: str
    signed: bool
    signature_provider: str
    signer_position: str
    certificate_subject: str
    certificate_serial: str
    signed_at: object
    sha256: str


def public_record(code: str) -> PublicRecord:
    normalized = normalize_code(code)
    document = (
        IssuedDocument.objects.select_related("issuer_unit").filter(code=normalized).first()
        if normalized
        else None
    )
    if document is None:
        raise NotFound(NOT_FOUND_MESSAGE, code="document.not_found")
    validity = document.validity(timezone.localdate())
    return PublicRecord(
        code=document.code,
        number=document.number,
        kind=document.kind,
        title=document.title,
        issuer=document.issuer_unit.name,
        issued_at=document.issued_at,
        valid_until=document.valid_until,
        validity=validity,
        validity_label=str(DocumentValidity(validity).label),
        revoked_at=document.revoked_at,
        revocation_reason=document.revocation_reason,
        holder_label=document.holder_label,
        signed=document.is_signed,
        signature_provider=document.signature_provider,
        signer_position=document.signer_position,
        certificate_subject=document.certificate_subject,
        certificate_serial=document.certificate_serial,
        signed_at=document.signed_at,
        sha256=document.sha256,
    )


def document_get_for(principal: Principal, code: str) -> IssuedDocument:
    document = (
        IssuedDocument.objects.select_related("issuer_unit", "pdf", "revoked_by", "issued_by")
        .filter(code=normalize_code(code))
        .first()
    )
    if document is None or not can_view_document(principal, document):
        raise NotFound("Dokumen tidak ditemukan.", code="document.not_found")
    return document


PAGE_SIZE = 50


def register_page(principal: Principal, *, before_id: int | None = None, query: str = ""):
    """The register of documents the principal's units issued, newest first, keyset-paginated
    by id (one query). Returns (rows, next_before_id)."""
    queryset = visible_documents(principal).select_related("issuer_unit").order_by("-id")
    if before_id:
        queryset = queryset.filter(id__lt=before_id)
    query = (query or "").strip()
    if query:
        queryset = queryset.filter(number__istartswith=query) | queryset.filter(code=normalize_code(query))
    rows = list(queryset[: PAGE_SIZE + 1])
    next_before = rows[PAGE_SIZE - 1].pk if len(rows) > PAGE_SIZE else None
    return rows[:PAGE_SIZE], next_before
