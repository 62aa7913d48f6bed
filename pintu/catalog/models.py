"""The service catalogue: agencies' services and their versioned Standar Pelayanan.

A ``ServiceVersion`` carries everything a case depends on (standard, form, documents,
workflow). A draft is edited through ``catalog.services`` and validated on publish; a published
version is immutable and cases keep the version they started on.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from pintu.catalog.constants import FieldKind, StepKind, StepOwner, VersionStatus


class DocumentType(models.Model):
    code = models.CharField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=150)
    formats = models.JSONField(_("format yang diterima"), default=list)
    max_mb = models.PositiveSmallIntegerField(_("ukuran maksimum (MB)"), default=5)

    class Meta:
        verbose_name = _("jenis dokumen")
        verbose_name_plural = _("jenis dokumen")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    code = models.CharField(_("kode"), max_length=60, unique=True)
    agency = models.ForeignKey(
        "regions.OrgUnit", verbose_name=_("instansi"), on_delete=models.PROTECT, related_name="services"
    )
    name = models.CharField(_("nama layanan"), max_length=200)
    category = models.CharField(_("kategori"), max_length=60, db_index=True)
    summary = models.TextField(_("ringkasan"), blank=True)
    keywords = models.CharField(_("kata kunci"), max_length=300, blank=True)
    starts_at_village = models.BooleanField(_("diajukan lewat desa"), default=False)
    is_active = models.BooleanField(_("aktif"), default=True)
    published_version = models.ForeignKey(
        "ServiceVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("layanan")
        verbose_name_plural = _("layanan")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_available(self) -> bool:
        return self.is_active and self.published_version_id is not None


class ServiceVersion(models.Model):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("nomor versi"))
    status = models.CharField(
        _("status"), max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    # Standar Pelayanan (PermenPANRB 15/2014)
    requirements = models.TextField(_("persyaratan"), blank=True)
    procedure = models.TextField(_("sistem, mekanisme dan prosedur"), blank=True)
    time_limit_days = models.PositiveSmallIntegerField(_("jangka waktu (hari kerja)"), default=1)
    fee = models.DecimalField(_("biaya (Rp)"), max_digits=14, decimal_places=0, default=0)
    fee_note = models.CharField(_("keterangan biaya"), max_length=300, blank=True)
    product = models.CharField(_("produk pelayanan"), max_length=300, blank=True)
    legal_basis = models.TextField(_("dasar hukum"), blank=True)
    complaints_channel = models.TextField(_("penanganan pengaduan"), blank=True)
    facilities = models.TextField(_("sarana dan prasarana"), blank=True)
    officer_competence = models.TextField(_("kompetensi pelaksana"), blank=True)
    internal_supervision = models.TextField(_("pengawasan internal"), blank=True)
    staffing = models.TextField(_("jumlah pelaksana"), blank=True)
    service_guarantee = models.TextField(_("jaminan pelayanan"), blank=True)
    security_guarantee = models.TextField(_("jaminan keamanan dan keselamatan"), blank=True)
    performance_evaluation = models.TextField(_("evaluasi kinerja pelaksana"), blank=True)
    change_note = models.CharField(_("catatan perubahan"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    created_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("dibuat oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("diterbitkan"), null=True, blank=True)
    published_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("diterbitkan oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("versi layanan")
        verbose_name_plural = _("versi layanan")
        ordering = ["service", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["service", "number"], name="service_version_number_unique"),
            models.UniqueConstraint(
                fields=["service"], condition=models.Q(status="draft"), name="service_one_draft"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} v{self.number} ({self.get_status_display()})"

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT


class FormField(models.Model):
    version = models.ForeignKey(ServiceVersion, on_delete=models.CASCADE, related_name="form_fields")
    position = models.PositiveSmallIntegerField(_("urutan"), default=0)
    key = models.SlugField(_("kunci"), max_length=60)
    label = models.CharField(_("label"), max_length=200)
    kind = models.CharField(_("jenis isian"), max_length=12, choices=FieldKind.choices)
    required = models.BooleanField(_("wajib"), default=True)
    help_text = models.CharField(_("petunjuk"), max_length=300, blank=True)
    choices = models.JSONField(_("pilihan"), default=list, blank=True)
    max_length = models.PositiveSmallIntegerField(_("panjang maksimum"), null=True, blank=True)

    class Meta:
        verbose_name = _("isian formulir")
        verbose_name_plural = _("isian formulir")
        ordering = ["version", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="form_field_key_unique")]

    def __str__(self) -> str:
        return self.label


class DocumentRequirement(models.Model):
    version = models.ForeignKey(
        ServiceVersion, on_delete=models.CASCADE, related_name="document_requirements"
    )
    position = models.PositiveSmallIntegerField(_("urutan"), default=0)
    document_type = models.ForeignKey(DocumentType, verbose_name=_("jenis dokumen"), on_delete=models.PROTECT)
    required = models.BooleanField(_("wajib"), default=True)
    note = models.CharField(_("catatan"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("dokumen persyaratan")
        verbose_name_plural = _("dokumen persyaratan")
        ordering = ["version", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "document_type"], name="doc_requirement_unique"),
        ]

    def __str__(self) -> str:
        return str(self.document_type)


class WorkflowStep(models.Model):
    version = models.ForeignKey(ServiceVersion, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("urutan"))
    name = models.CharField(_("nama langkah"), max_length=200)
    owner = models.CharField(_("pemilik langkah"), max_length=20, choices=StepOwner.choices)
    role = models.CharField(_("peran pelaksana"), max_length=30)
    kind = models.CharField(_("jenis langkah"), max_length=10, choices=StepKind.choices)
    sla_days = models.PositiveSmallIntegerField(_("batas waktu (hari kerja)"), default=1)

    class Meta:
        verbose_name = _("langkah alur")
        verbose_name_plural = _("langkah alur")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="workflow_step_position_unique")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"
