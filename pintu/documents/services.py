"""Storing uploads safely: type sniffed from content (never trusted from the client), size
limited, checksummed, renamed."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import uuid

import filetype
from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone

from pintu.audit.services import audit_record
from pintu.core.errors import ValidationFailed
from pintu.documents.models import Upload

FORMAT_BY_MIME = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
MIME_BY_FORMAT = {v: k for k, v in FORMAT_BY_MIME.items()}
PDF_ACTIVE_CONTENT = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile|RichMedia)\b")
CHUNK = 1024 * 1024


def _safe_name(name: str) -> str:
    base = os.path.basename(name or "berkas").replace("\x00", "")
    base = re.sub(r"[^\w.\- ()]+", "_", base, flags=re.UNICODE).strip() or "berkas"
    return base[-150:]


def inspect_file(
    upload_file, *, formats: list[str] | None = None, max_mb: int | None = None
) -> tuple[str, str, int]:
    """Check a file and return (format, sha256, size). Raises ValidationFailed with a message
    the user can act on; reads the file in chunks."""
    formats = formats or list(MIME_BY_FORMAT)
    limit_mb = min(max_mb or settings.PINTU_UPLOAD_MAX_MB, settings.PINTU_UPLOAD_MAX_MB)
    size = getattr(upload_file, "size", None)
    if size is None:
        upload_file.seek(0, os.SEEK_END)
        size = upload_file.tell()
    if not size:
        raise ValidationFailed("Berkas kosong. Pilih berkas yang berisi dokumen.", code="upload.empty")
    if size > limit_mb * 1024 * 1024:
        raise ValidationFailed(
            f"Berkas terlalu besar ({size / 1048576:.1f} MB). Ukuran maksimum {limit_mb} MB; "
            "perkecil resolusi pindaian atau simpan sebagai PDF.",
            code="upload.too_large",
        )
    upload_file.seek(0)
    head = upload_file.read(8192)
    kind = filetype.guess(head)
    file_format = FORMAT_BY_MIME.get(kind.mime) if kind else None
    if file_format not in formats:
        allowed = ", ".join(f.upper() for f in formats)
        raise ValidationFailed(
            f"Jenis berkas tidak diterima. Unggah berkas {allowed} (isi berkas diperiksa, bukan hanya namanya).",
            code="upload.bad_type",
        )
    digest = hashlib.sha256()
    upload_file.seek(0)
    tail = b""
    while chunk := upload_file.read(CHUNK):
        digest.update(chunk)
        if file_format == "pdf" and PDF_ACTIVE_CONTENT.search(tail + chunk):
            raise ValidationFailed(
                "PDF berisi skrip atau lampiran tersemat yang tidak diizinkan. Cetak ulang sebagai PDF biasa.",
                code="upload.active_content",
            )
        tail = chunk[-32:]
    upload_file.seek(0)
    return file_format, digest.hexdigest(), size


@transaction.atomic
def upload_store(
    *, actor, upload_file, formats: list[str] | None = None, max_mb: int | None = None
) -> Upload:
    file_format, sha256, size = inspect_file(upload_file, formats=formats, max_mb=max_mb)
    original = _safe_name(getattr(upload_file, "name", "berkas"))
    upload = Upload(
        original_name=original,
        content_type=MIME_BY_FORMAT[file_format],
        file_format=file_format,
        size=size,
        sha256=sha256,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    upload.file.save(f"{uuid.uuid4().hex}.{file_format}", File(upload_file), save=False)
    upload.save()
    audit_record(
        actor=actor,
        verb="upload.store",
        obj=upload,
        changes={"sha256": sha256, "size": size, "format": file_format},
    )
    return upload


def uploads_prune(*, older_than: dt.timedelta = dt.timedelta(days=2)) -> int:
    """Delete uploads nobody attached (an API client uploaded, then never submitted), with their
    files. Anything referenced by any model is kept. Returns how many were removed."""
    orphans = Upload.objects.filter(uploaded_at__lt=timezone.now() - older_than)
    relations = [
        f for f in Upload._meta.get_fields(include_hidden=True) if f.auto_created and not f.concrete
    ]  # every model that points at uploads, including relations without a reverse name
    for relation in relations:
        referenced = relation.related_model._base_manager.values(relation.field.attname)
        orphans = orphans.exclude(pk__in=referenced)
    removed = 0
    for upload in orphans.iterator():
        with transaction.atomic():
            upload.file.delete(save=False)
            upload.delete()
        removed += 1
    return removed


# Issued documents (render → sign → store → verify); re-exported as this app's public verbs.
from pintu.documents.issuing import (  # noqa: E402
    date_id,
    document_issue,
    document_number_next,
    document_revoke,
    mask_name,
)

__all__ = [
    "date_id",
    "document_issue",
    "document_number_next",
    "document_revoke",
    "inspect_file",
    "mask_name",
    "upload_store",
    "uploads_prune",
]
