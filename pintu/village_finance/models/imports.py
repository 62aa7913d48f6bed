"""Siskeudes import jobs (the upload page runs them in the background)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SiskeudesImportStatus(models.TextChoices):
    QUEUED = "queued", _("Menunggu giliran")
    RUNNING = "running", _("Sedang diimpor")
    DONE = "done", _("Selesai")
    FAILED = "failed", _("Gagal")


class SiskeudesImportJob(models.Model):
    """An uploaded Siskeudes .zip imported in the background; counts and bad rows kept for the report."""

    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to="village_finance/siskeudes/%Y/%m/")
    file_name = models.CharField(max_length=200)
    status = models.CharField(
        max_length=10, choices=SiskeudesImportStatus.choices, default=SiskeudesImportStatus.QUEUED
    )
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)  # table → {"imported", "skipped", "failed"}
    errors = models.JSONField(default=list, blank=True)  # [{table, row, column, message}]
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["village", "year"])]

    def __str__(self):
        return self.file_name

    @property
    def percent(self) -> int:
        if self.status == SiskeudesImportStatus.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(99, self.processed_rows * 100 // self.total_rows)

    @property
    def is_finished(self) -> bool:
        return self.status in (SiskeudesImportStatus.DONE, SiskeudesImportStatus.FAILED)

    @property
    def failed_count(self) -> int:
        return len(self.errors or [])
