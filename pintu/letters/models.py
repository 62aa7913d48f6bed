"""Village letters: the regency's letter types, each village's settings, number sequences,
issued letters, and citizens' requests with their append-only history."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from pintu.letters.constants import (
    DEFAULT_NUMBER_FORMAT,
    OPEN_REQUEST_STATUSES,
    LetterStatus,
    RequestAction,
    RequestStatus,
    SequenceScope,
    SignerKind,
)


class LetterType(models.Model):
    """A kind of village letter, managed by the regency (the list) and enabled per village."""

    code = models.CharField(_("kode surat"), max_length=12, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("nama"), max_length=120)
    classification_code = models.CharField(_("kode klasifikasi"), max_length=12)
    template = models.CharField(_("templat"), max_length=40, default="umum")
    fields_schema = models.JSONField(_("isian tambahan"), default=list, blank=True)
    requirements = models.TextField(_("persyaratan"), blank=True)
    validity_days = models.PositiveIntegerField(_("masa berlaku (hari)"), default=30)
    default_signer = models.CharField(
        _("penanda tangan"), max_length=10, choices=SignerKind.choices, default=SignerKind.HEAD
    )
    citizen_requestable = models.BooleanField(_("dapat diminta warga secara daring"), default=True)
    dukcapil_forms = models.CharField(_("formulir Dukcapil terkait"), max_length=80, blank=True)
    source = models.CharField(_("sumber"), max_length=10, default="opensid")
    is_active = models.BooleanField(_("aktif"), default=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("jenis surat")
        verbose_name_plural = _("jenis surat")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def title(self) -> str:
        """The printed title: "Surat Keterangan Domisili", "Surat Pengantar SKCK"."""
        return self.name if self.name.lower().startswith("surat") else f"Surat {self.name}"


class VillageLetterSettings(models.Model):
    """A village office's letter settings (kept by the kepala desa)."""

    office = models.OneToOneField(
        "regions.OrgUnit",
        on_delete=models.PROTECT,
        related_name="letter_settings",
        verbose_name=_("kantor desa"),
    )
    number_format = models.CharField(_("format nomor"), max_length=80, default=DEFAULT_NUMBER_FORMAT)
    sequence_scope = models.CharField(
        _("urutan nomor"), max_length=10, choices=SequenceScope.choices, default=SequenceScope.VILLAGE
    )
    head_name = models.CharField(_("nama kepala desa"), max_length=150, blank=True)
    head_nip = models.CharField(_("NIP/NIPD kepala desa"), max_length=30, blank=True)
    secretary_name = models.CharField(_("nama sekretaris desa"), max_length=150, blank=True)
    secretary_nip = models.CharField(_("NIP/NIPD sekretaris desa"), max_length=30, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("pengaturan surat desa")
        verbose_name_plural = _("pengaturan surat desa")

    def __str__(self) -> str:
        return str(self.office)


class VillageLetterType(models.Model):
    """A letter type enabled at one village office, with its own signer if it differs."""

    office = models.ForeignKey("regions.OrgUnit", on_delete=models.PROTECT, related_name="+")
    letter_type = models.ForeignKey(LetterType, on_delete=models.PROTECT, related_name="+")
    enabled = models.BooleanField(_("dipakai"), default=True)
    signer = models.CharField(_("penanda tangan"), max_length=10, choices=SignerKind.choices, blank=True)

    class Meta:
        verbose_name = _("jenis surat desa")
        verbose_name_plural = _("jenis surat desa")
        constraints = [
            models.UniqueConstraint(fields=["office", "letter_type"], name="letters_village_type_unique")
        ]

    def __str__(self) -> str:
        return f"{self.office_id}: {self.letter_type_id}"


class LetterSequence(models.Model):
    """The last number taken in a (village office, year, scope). Locked while a letter is issued."""

    office = models.ForeignKey("regions.OrgUnit", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    scope_key = models.CharField(max_length=20)  # "*" (one sequence for the village) or a type code
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office", "year", "scope_key"], name="letters_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.office_id}/{self.year}/{self.scope_key}: {self.last_number}"


class Letter(models.Model):
    # No index of their own for office (the constraints and register indexes start with it),
    # resident (letters_resident_idx) and village (never searched): every index is paid by
    # each letter issued.
    office = models.ForeignKey("regions.OrgUnit", on_delete=models.PROTECT, related_name="+", db_index=False)
    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+", db_index=False)
    letter_type = models.ForeignKey(LetterType, on_delete=models.PROTECT, related_name="letters")
    resident = models.ForeignKey(
        "population.Resident", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    resident_name = models.CharField(_("nama warga"), max_length=150)  # snapshot, for the register
    number = models.CharField(_("nomor surat"), max_length=120)
    year = models.PositiveSmallIntegerField(_("tahun"))
    scope_key = models.CharField(max_length=20)
    sequence = models.PositiveIntegerField(_("nomor urut"))
    purpose = models.CharField(_("keperluan"), max_length=255, blank=True)
    fields = models.JSONField(_("isian"), default=dict, blank=True)
    document = models.OneToOneField(
        "documents.IssuedDocument", on_delete=models.PROTECT, related_name="letter", null=True, blank=True
    )
    valid_until = models.DateField(_("berlaku sampai"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=LetterStatus.choices, default=LetterStatus.ISSUED
    )
    signer_kind = models.CharField(max_length=10, choices=SignerKind.choices)
    signer_name = models.CharField(_("penanda tangan"), max_length=150)
    issued_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+", db_index=False)
    issued_at = models.DateTimeField(_("diterbitkan"))
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("surat desa")
        verbose_name_plural = _("surat desa")
        constraints = [
            models.UniqueConstraint(
                fields=["office", "year", "scope_key", "sequence"], name="letters_letter_sequence_unique"
            ),
            models.UniqueConstraint(fields=["office", "number"], name="letters_letter_number_unique"),
            models.CheckConstraint(
                condition=models.Q(status__in=LetterStatus.values), name="letters_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["office", "-issued_at", "-id"], name="letters_register_idx"),
            models.Index(
                fields=["office", "letter_type", "-issued_at", "-id"], name="letters_register_type_idx"
            ),
            models.Index(fields=["resident", "-issued_at"], name="letters_resident_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.letter_type.name} {self.number}"


class LetterRequest(models.Model):
    """A citizen's online request for a letter; moves through ``workflow.TRANSITIONS``."""

    office = models.ForeignKey("regions.OrgUnit", on_delete=models.PROTECT, related_name="+")
    letter_type = models.ForeignKey(LetterType, on_delete=models.PROTECT, related_name="+")
    resident = models.ForeignKey("population.Resident", on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="letter_requests"
    )
    purpose = models.CharField(_("keperluan"), max_length=255)
    fields = models.JSONField(_("isian"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=RequestStatus.choices)
    note = models.TextField(_("catatan untuk pemohon"), blank=True)
    letter = models.OneToOneField(
        Letter, null=True, blank=True, on_delete=models.PROTECT, related_name="request"
    )
    event_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("diajukan"))
    updated_at = models.DateTimeField(_("diperbarui"))

    class Meta:
        verbose_name = _("permintaan surat")
        verbose_name_plural = _("permintaan surat")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=RequestStatus.values), name="letters_request_status_valid"
            ),
        ]
        indexes = [
            models.Index(
                fields=["office", "status", "created_at", "id"],
                condition=models.Q(status__in=sorted(s.value for s in OPEN_REQUEST_STATUSES)),
                name="letters_inbox_idx",
            ),
            models.Index(fields=["requested_by", "-created_at"], name="letters_my_requests_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.letter_type.name} #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REQUEST_STATUSES


class LetterRequestEvent(models.Model):
    """One transition of a request. Rows are only ever inserted."""

    request = models.ForeignKey(LetterRequest, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    action = models.CharField(max_length=10, choices=RequestAction.choices)
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    actor = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["request", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["request", "seq"], name="letters_request_event_seq_unique")
        ]

    def __str__(self) -> str:
        return f"{self.request_id}#{self.seq} {self.action}"
