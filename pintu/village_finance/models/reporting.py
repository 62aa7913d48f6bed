"""Report submissions to the camat (semester I, year-end)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pintu.village_finance.constants import ReportKind, ReportStatus
from pintu.village_finance.models.budgeting import FiscalYear


class ReportSubmission(models.Model):
    """The village sends its semester I or year-end report to the bupati through the camat
    (Permendagri 20/2018 art. 68-70). Attempts are rows: a returned submission stays, the
    village submits again as a new row; at most one attempt that is not returned per kind.
    """

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="report_submissions")
    kind = models.CharField(_("jenis laporan"), max_length=10, choices=ReportKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED
    )
    due_on = models.DateField(_("batas penyampaian"))
    submitted_on = models.DateField(_("tanggal dikirim"))
    is_late = models.BooleanField(_("terlambat"), default=False)
    submitted_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()
    # The report as sent: totals per akun (budget, realised), the period end and open panjar.
    snapshot = models.JSONField(default=dict)
    file_name = models.CharField(_("berkas laporan"), max_length=120, blank=True)
    received_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("catatan camat"), blank=True)

    class Meta:
        ordering = ["fiscal_year_id", "kind", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "kind"],
                condition=~Q(status="returned"),
                name="vf_report_one_active_per_kind",
            ),
        ]
        indexes = [models.Index(fields=["kind", "status"])]

    def __str__(self):
        return f"{self.fiscal_year_id} {self.kind} {self.status}"
