"""Applications (permohonan) and their append-only history."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from pintu.cases.constants import (
    ACTIONABLE_STATUSES,
    APPLICANT_FACING_ACTIONS,
    OPEN_STATUSES,
    CaseAction,
    CaseDocumentKind,
    CaseStatus,
    Channel,
)


class Case(models.Model):
    tracking_code = models.CharField(_("kode lacak"), max_length=16, unique=True)
    service = models.ForeignKey("catalog.Service", on_delete=models.PROTECT, related_name="cases")
    service_version = models.ForeignKey(
        "catalog.ServiceVersion", on_delete=models.PROTECT, related_name="cases"
    )
    agency = models.ForeignKey("regions.OrgUnit", on_delete=models.PROTECT, related_name="agency_cases")
    status = models.CharField(_("status"), max_length=20, choices=CaseStatus.choices)
    channel = models.CharField(_("saluran"), max_length=10, choices=Channel.choices)
    # Where the case is now: the step, the unit whose queue holds it, the officer who took it.
    current_step = models.ForeignKey(
        "catalog.WorkflowStep", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    current_owner = models.ForeignKey(
        "regions.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="owned_cases"
    )
    current_assignee = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="assigned_cases"
    )
    opened_by_unit = models.ForeignKey(
        "regions.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="opened_cases"
    )
    submitted_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="submitted_cases"
    )
    submission_key = models.CharField(max_length=64, null=True, blank=True)
    # The applicant as submitted (a snapshot: later profile changes do not rewrite a case).
    applicant_user = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="applications"
    )
    applicant_name = models.CharField(_("nama pemohon"), max_length=150)
    applicant_nik = models.CharField(_("NIK pemohon"), max_length=16, blank=True)
    applicant_phone = models.CharField(_("ponsel pemohon"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("surel pemohon"), blank=True)
    applicant_address = models.CharField(_("alamat pemohon"), max_length=255, blank=True)
    applicant_village = models.ForeignKey(
        "regions.Village", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    form_data = models.JSONField(_("isian formulir"), default=dict)
    # Clock (working days): the service's limit and the current step's limit.
    submitted_at = models.DateTimeField(_("diajukan"))
    due_date = models.DateField(_("batas waktu layanan"))
    step_started_at = models.DateTimeField(null=True, blank=True)
    step_due_date = models.DateField(_("batas waktu langkah"), null=True, blank=True)
    paused_on = models.DateField(null=True, blank=True)
    paused_working_days = models.PositiveIntegerField(default=0)
    return_reason = models.TextField(_("alasan pengembalian"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    event_count = models.PositiveIntegerField(default=0)
    # The public history, denormalised for the tracking page: [[at, action, actor unit id,
    # step position, owner unit id], ...] without private actions. Appended with each event.
    public_events = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("permohonan")
        verbose_name_plural = _("permohonan")
        constraints = [
            models.UniqueConstraint(
                fields=["submitted_by", "submission_key"],
                condition=models.Q(submission_key__isnull=False),
                name="case_submission_key_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=CaseStatus.values), name="case_status_valid"
            ),
        ]
        indexes = [
            models.Index(
                fields=["current_owner", "step_due_date", "id"],
                condition=models.Q(status__in=ACTIONABLE_STATUSES),
                name="case_queue_unit_idx",
            ),
            models.Index(
                fields=["current_assignee", "step_due_date", "id"],
                condition=models.Q(status__in=ACTIONABLE_STATUSES),
                name="case_queue_assignee_idx",
            ),
            models.Index(
                fields=["current_owner", "status", "id"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="case_open_owner_status_idx",
            ),
            models.Index(fields=["applicant_user", "-submitted_at"], name="case_applicant_idx"),
            models.Index(fields=["opened_by_unit", "-submitted_at"], name="case_opened_by_idx"),
            models.Index(fields=["agency", "-submitted_at"], name="case_agency_idx"),
        ]

    def __str__(self) -> str:
        return self.display_code

    @property
    def display_code(self) -> str:
        from pintu.cases.tracking import format_code

        return format_code(self.tracking_code)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class CaseEvent(models.Model):
    """One transition. Rows are only ever inserted; the case row holds the current pointer."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    action = models.CharField(max_length=20, choices=CaseAction.choices)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    from_step = models.ForeignKey(
        "catalog.WorkflowStep", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_step = models.ForeignKey(
        "catalog.WorkflowStep", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_owner = models.ForeignKey(
        "regions.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_owner = models.ForeignKey(
        "regions.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_unit = models.ForeignKey(
        "regions.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    request_key = models.CharField(max_length=64, null=True, blank=True)
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("riwayat permohonan")
        verbose_name_plural = _("riwayat permohonan")
        ordering = ["case", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["case", "seq"], name="case_event_seq_unique"),
            models.UniqueConstraint(
                fields=["case", "actor", "request_key"],
                condition=models.Q(request_key__isnull=False),
                name="case_event_request_key_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.seq} {self.action}"

    @property
    def note_for_applicant(self) -> str:
        """The note if it is addressed to the applicant (returns, rejections, their own notes)."""
        return self.note if self.action in APPLICANT_FACING_ACTIONS else ""


class CaseParty(models.Model):
    """An org unit that has a part in a case (opened it, owns its service, held a step).
    Staff of a party unit may see the case; nobody else may."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    org_unit = models.ForeignKey("regions.OrgUnit", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org_unit", "case"], name="case_party_unique")]

    def __str__(self) -> str:
        return f"{self.case_id}@{self.org_unit_id}"


class CaseDocument(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=12, choices=CaseDocumentKind.choices)
    document_type = models.ForeignKey("catalog.DocumentType", null=True, blank=True, on_delete=models.PROTECT)
    upload = models.ForeignKey("documents.Upload", on_delete=models.PROTECT, related_name="+")
    # The generated, signed output (OUTPUT documents); its PDF is ``upload``.
    issued = models.ForeignKey(
        "documents.IssuedDocument", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_current = models.BooleanField(default=True)
    added_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dokumen permohonan")
        verbose_name_plural = _("dokumen permohonan")
        ordering = ["case", "kind", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.get_kind_display()} {self.document_type_id or ''}"


# Re-export for typing convenience in other modules.
__all__ = ["Case", "CaseAction", "CaseDocument", "CaseEvent", "CaseParty", "CaseStatus", "Channel"]
