"""Satisfaction surveys (SKM) and complaints (pengaduan)."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from pintu.feedback.constants import (
    AGENCY_PENDING_STATUSES,
    OPEN_COMPLAINT_STATUSES,
    AgeGroup,
    ComplaintAction,
    ComplaintChannel,
    ComplaintStatus,
    Education,
    Occupation,
    Sex,
    SourceKind,
    SurveyChannel,
)
from pintu.feedback.rules import CURRENT_RULE_VERSION, ELEMENT_CODES, RULE_VERSIONS

# --- surveys --------------------------------------------------------------------------------------


class SurveyPeriod(models.Model):
    """A survey period (semester, year…). Each response falls in the period of its date; the
    period keeps the rule version it is graded by and the population of service users (for the
    minimum sample)."""

    code = models.CharField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=120)
    starts_on = models.DateField(_("mulai"))
    ends_on = models.DateField(_("selesai"))
    rule_version = models.CharField(
        _("versi aturan"),
        max_length=40,
        default=CURRENT_RULE_VERSION,
        choices=[(code, rule.title) for code, rule in RULE_VERSIONS.items()],
    )
    population = models.PositiveIntegerField(_("populasi pengguna layanan"), null=True, blank=True)
    is_published = models.BooleanField(_("ringkasan dipublikasikan"), default=False)

    class Meta:
        verbose_name = _("periode survei")
        verbose_name_plural = _("periode survei")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="survey_period_dates"
            )
        ]

    def __str__(self) -> str:
        return self.name


class SurveyInvitation(models.Model):
    """A one-time survey link. Only a hash of the token is stored."""

    token_hash = models.CharField(max_length=64, unique=True)
    agency = models.ForeignKey("regions.OrgUnit", on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey(
        "catalog.Service", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    site = models.ForeignKey(
        "regions.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    source_kind = models.CharField(max_length=10, choices=SourceKind.choices, blank=True)
    source_id = models.CharField(max_length=40, blank=True)
    channel = models.CharField(max_length=10, choices=SurveyChannel.choices)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("undangan survei")
        verbose_name_plural = _("undangan survei")
        constraints = [
            models.UniqueConstraint(
                fields=["source_kind", "source_id"],
                condition=~models.Q(source_kind=""),
                name="survey_invitation_one_per_source",
            )
        ]

    def __str__(self) -> str:
        return f"{self.pk} {self.agency_id}"


class SurveyResponse(models.Model):
    """One respondent's answers. Scores are columns (u1..u9) so the index is one SQL aggregate."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    period = models.ForeignKey(SurveyPeriod, on_delete=models.PROTECT, related_name="responses")
    invitation = models.OneToOneField(
        SurveyInvitation, null=True, blank=True, on_delete=models.PROTECT, related_name="response"
    )
    agency = models.ForeignKey("regions.OrgUnit", on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey(
        "catalog.Service", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    site = models.ForeignKey(
        "regions.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(max_length=10, choices=SurveyChannel.choices)
    # Kiosk submissions: the form's one-time key per rendered questionnaire (a retried POST
    # finds the first response instead of counting twice).
    kiosk_unit = models.ForeignKey(
        "regions.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submission_key = models.CharField(max_length=64, null=True, blank=True)
    u1 = models.PositiveSmallIntegerField(null=True, blank=True)
    u2 = models.PositiveSmallIntegerField(null=True, blank=True)
    u3 = models.PositiveSmallIntegerField(null=True, blank=True)
    u4 = models.PositiveSmallIntegerField(null=True, blank=True)
    u5 = models.PositiveSmallIntegerField(null=True, blank=True)
    u6 = models.PositiveSmallIntegerField(null=True, blank=True)
    u7 = models.PositiveSmallIntegerField(null=True, blank=True)
    u8 = models.PositiveSmallIntegerField(null=True, blank=True)
    u9 = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(_("saran/masukan"), blank=True)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices, blank=True)
    age_group = models.CharField(_("usia"), max_length=6, choices=AgeGroup.choices, blank=True)
    education = models.CharField(_("pendidikan"), max_length=8, choices=Education.choices, blank=True)
    occupation = models.CharField(_("pekerjaan"), max_length=10, choices=Occupation.choices, blank=True)
    submitted_at = models.DateTimeField()

    class Meta:
        verbose_name = _("jawaban survei")
        verbose_name_plural = _("jawaban survei")
        constraints = [
            *[
                models.CheckConstraint(
                    condition=models.Q(**{f"{code}__isnull": True}) | models.Q(**{f"{code}__range": (1, 4)}),
                    name=f"survey_response_{code}_1_4",
                )
                for code in ELEMENT_CODES
            ],
            models.UniqueConstraint(
                fields=["kiosk_unit", "submission_key"],
                condition=models.Q(submission_key__isnull=False),
                name="survey_response_kiosk_key_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["period", "agency"], name="survey_resp_period_agency_idx"),
            models.Index(fields=["period", "site"], name="survey_resp_period_site_idx"),
            models.Index(fields=["period", "service"], name="survey_resp_period_svc_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.public_id}"

    def scores(self) -> dict[str, int | None]:
        return {code: getattr(self, code) for code in ELEMENT_CODES}

    @property
    def lowest_score(self) -> int | None:
        values = [v for v in self.scores().values() if v]
        return min(values) if values else None


# --- complaints -----------------------------------------------------------------------------------


class Complaint(models.Model):
    tracking_code = models.CharField(_("kode lacak"), max_length=16, unique=True)
    status = models.CharField(_("status"), max_length=12, choices=ComplaintStatus.choices)
    channel = models.CharField(_("saluran"), max_length=10, choices=ComplaintChannel.choices)
    # Null agency: unknown, waiting in the regency admin's triage queue.
    agency = models.ForeignKey(
        "regions.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="complaints"
    )
    service = models.ForeignKey(
        "catalog.Service", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    site = models.ForeignKey(
        "regions.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    regency = models.ForeignKey("regions.Regency", on_delete=models.PROTECT, related_name="+")
    survey_response = models.OneToOneField(
        SurveyResponse, null=True, blank=True, on_delete=models.PROTECT, related_name="complaint"
    )
    subject = models.CharField(_("judul"), max_length=200)
    description = models.TextField(_("isi pengaduan"))
    incident_date = models.DateField(_("tanggal kejadian"), null=True, blank=True)
    # The reporter. With is_anonymous nobody but the reporter sees these fields.
    is_anonymous = models.BooleanField(_("rahasiakan identitas"), default=False)
    reporter_user = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="complaints"
    )
    reporter_name = models.CharField(_("nama pelapor"), max_length=150, blank=True)
    reporter_phone = models.CharField(_("ponsel pelapor"), max_length=20, blank=True)
    reporter_email = models.EmailField(_("surel pelapor"), blank=True)
    submitted_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submission_key = models.CharField(max_length=64, null=True, blank=True)
    submitted_at = models.DateTimeField()
    # Clocks (working days): the one running now.
    verify_due = models.DateField(_("batas verifikasi"))
    verified_on = models.DateField(null=True, blank=True)
    answer_due = models.DateField(_("batas jawaban"), null=True, blank=True)
    answered_on = models.DateField(null=True, blank=True)
    close_due = models.DateField(_("ditutup otomatis setelah"), null=True, blank=True)
    due_date = models.DateField(_("batas waktu tahap ini"), null=True, blank=True)
    answer = models.TextField(_("jawaban"), blank=True)
    reject_reason = models.CharField(max_length=20, blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    closed_at = models.DateTimeField(null=True, blank=True)
    event_count = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("pengaduan")
        verbose_name_plural = _("pengaduan")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ComplaintStatus.values), name="complaint_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__range=(1, 5)),
                name="complaint_rating_1_5",
            ),
            models.UniqueConstraint(
                fields=["submitted_by", "submission_key"],
                condition=models.Q(submission_key__isnull=False),
                name="complaint_submission_key_unique",
            ),
        ]
        indexes = [
            models.Index(
                fields=["agency", "due_date", "id"],
                condition=models.Q(status__in=AGENCY_PENDING_STATUSES),
                name="complaint_agency_queue_idx",
            ),
            models.Index(
                fields=["due_date", "id"],
                condition=models.Q(status__in=OPEN_COMPLAINT_STATUSES),
                name="complaint_open_due_idx",
            ),
            models.Index(fields=["agency", "-submitted_at"], name="complaint_agency_idx"),
            models.Index(fields=["reporter_user", "-submitted_at"], name="complaint_reporter_idx"),
        ]

    def __str__(self) -> str:
        return self.display_code

    @property
    def display_code(self) -> str:
        from pintu.feedback.codes import format_code

        return format_code(self.tracking_code)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_COMPLAINT_STATUSES


class ComplaintEvent(models.Model):
    """One transition; rows are only inserted."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    action = models.CharField(max_length=20, choices=ComplaintAction.choices)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    from_agency = models.ForeignKey(
        "regions.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_agency = models.ForeignKey(
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
        verbose_name = _("riwayat pengaduan")
        verbose_name_plural = _("riwayat pengaduan")
        ordering = ["complaint", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["complaint", "seq"], name="complaint_event_seq_unique"),
            models.UniqueConstraint(
                fields=["complaint", "request_key"],
                condition=models.Q(request_key__isnull=False),
                name="complaint_event_request_key_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id}#{self.seq} {self.action}"


class ComplaintAttachment(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="attachments")
    upload = models.OneToOneField("documents.Upload", on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lampiran pengaduan")
        verbose_name_plural = _("lampiran pengaduan")

    def __str__(self) -> str:
        return f"{self.complaint_id}: {self.upload_id}"


__all__ = [
    "Complaint",
    "ComplaintAction",
    "ComplaintAttachment",
    "ComplaintEvent",
    "ComplaintStatus",
    "SurveyInvitation",
    "SurveyPeriod",
    "SurveyResponse",
]
