"""Issued documents: signed, verifiable PDFs (village letters, case outputs) and the number
sequences that count them.

An issued document is append-only: revocation (``revoked_at``/``revoked_by``/
``revocation_reason``) is the only change it ever gets, through ``documents.services``.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DocumentValidity(models.TextChoices):
    VALID = "valid", _("Berlaku")
    EXPIRED = "expired", _("Masa berlaku habis")
    REVOKED = "revoked", _("DICABUT")


class IssuedDocument(models.Model):
    # Unique (constraint below: a UniqueConstraint, not unique=True, which on PostgreSQL adds a
    # second, LIKE index nobody uses). Every index here is paid by each issued letter.
    code = models.CharField(_("kode verifikasi"), max_length=16)
    number = models.CharField(_("nomor"), max_length=120)
    kind = models.CharField(_("jenis"), max_length=60)
    title = models.CharField(_("judul"), max_length=200)
    # Indexed by issued_doc_unit_idx and issued_doc_number_unique (unit first).
    issuer_unit = models.ForeignKey(
        "regions.OrgUnit",
        verbose_name=_("penerbit"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    issued_at = models.DateTimeField(_("diterbitkan"))
    # No index of its own (nor revoked_by): never searched, and users are deactivated, not deleted.
    issued_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    valid_until = models.DateField(_("berlaku sampai"), null=True, blank=True)
    pdf = models.ForeignKey("documents.Upload", on_delete=models.PROTECT, related_name="+")
    sha256 = models.CharField(_("SHA-256"), max_length=64)  # checked against the file, never searched
    template = models.CharField(max_length=120)
    # Signature (empty provider: not signed electronically).
    signature_provider = models.CharField(_("penyedia tanda tangan"), max_length=20, blank=True)
    signer_name = models.CharField(_("penanda tangan"), max_length=150, blank=True)
    signer_position = models.CharField(_("jabatan penanda tangan"), max_length=200, blank=True)
    certificate_subject = models.CharField(_("subjek sertifikat"), max_length=300, blank=True)
    certificate_serial = models.CharField(_("nomor seri sertifikat"), max_length=80, blank=True)
    signed_at = models.DateTimeField(_("ditandatangani"), null=True, blank=True)
    # Shown on the public verification page: already masked by the caller ("S***i").
    holder_label = models.CharField(_("pemegang (disamarkan)"), max_length=60, blank=True)
    # What the document was issued for: e.g. ("cases", "case", "<id>"), ("letters", "letter", "12").
    # Not indexed: the case or letter points at its document, nothing searches this way.
    source_app = models.CharField(max_length=40, blank=True)
    source_model = models.CharField(max_length=40, blank=True)
    source_id = models.CharField(max_length=40, blank=True)
    revoked_at = models.DateTimeField(_("dicabut"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    revocation_reason = models.TextField(_("alasan pencabutan"), blank=True)

    class Meta:
        verbose_name = _("dokumen terbit")
        verbose_name_plural = _("dokumen terbit")
        ordering = ["-issued_at", "-id"]
        indexes = [
            models.Index(fields=["issuer_unit", "-issued_at", "-id"], name="issued_doc_unit_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="issued_doc_code_unique"),
            models.UniqueConstraint(
                fields=["issuer_unit", "kind", "number"], name="issued_doc_number_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True) | ~models.Q(revocation_reason=""),
                name="issued_doc_revocation_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.number}"

    @property
    def is_signed(self) -> bool:
        return bool(self.signature_provider)

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def validity(self, today: dt.date | None = None) -> str:
        if self.revoked_at is not None:
            return DocumentValidity.REVOKED
        today = today or timezone.localdate()
        if self.valid_until is not None and self.valid_until < today:
            return DocumentValidity.EXPIRED
        return DocumentValidity.VALID


class DocumentSequence(models.Model):
    """A counter per (org unit, series, year); taken under ``select_for_update`` so numbers have
    neither duplicates nor gaps, guarded by the unique constraints here and on the users."""

    org_unit = models.ForeignKey("regions.OrgUnit", on_delete=models.PROTECT, related_name="+")
    series = models.CharField(max_length=40)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("urutan nomor dokumen")
        verbose_name_plural = _("urutan nomor dokumen")
        constraints = [
            models.UniqueConstraint(fields=["org_unit", "series", "year"], name="document_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.org_unit_id}/{self.series}/{self.year}: {self.last}"
