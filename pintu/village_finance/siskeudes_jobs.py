"""Siskeudes import jobs: upload (type- and size-checked) → background task → progress → report."""

from __future__ import annotations

import os
import zipfile

import filetype
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from pintu.accounts.access import principal_for
from pintu.accounts.constants import Role
from pintu.audit.services import audit_record
from pintu.core.errors import DomainError, PermissionDenied, ValidationFailed
from pintu.core.tasks import enqueue_on_commit
from pintu.regions.constants import OrgUnitKind
from pintu.regions.models import OrgUnit, Village
from pintu.village_finance import siskeudes_import, siskeudes_rows
from pintu.village_finance.models import SiskeudesImportJob, SiskeudesImportStatus

MAX_IMPORT_MB = 50
ZIP_MIMES = frozenset({"application/zip", "application/x-zip-compressed"})


def importable_villages(principal):
    """Villages this principal may import into: own village (treasurer), the regency (admin)."""
    if not principal.is_authenticated:
        return Village.objects.none()
    units = OrgUnit.objects.filter(pk__in=principal.unit_ids, is_active=True)
    village_ids = [
        u.village_id
        for u in units
        if u.kind == OrgUnitKind.VILLAGE_OFFICE and principal.has_role(Role.VILLAGE_TREASURER, u.pk)
    ]
    regency_ids = [
        u.regency_id
        for u in units
        if u.kind == OrgUnitKind.REGENCY_GOVERNMENT and principal.has_role(Role.REGENCY_ADMIN, u.pk)
    ]
    return (
        Village.objects.filter(Q(pk__in=village_ids) | Q(district__regency_id__in=regency_ids))
        .select_related("district")
        .order_by("district__name", "name")
    )


def inspect_zip(upload) -> str:
    """Name, size and content of the uploaded file (sniffed, never trusted from the client)."""
    name = os.path.basename(getattr(upload, "name", "") or "")[:200]
    size = getattr(upload, "size", 0) or 0
    if not size:
        raise ValidationFailed(
            _("Berkas kosong."), code="upload.empty", fields={"file": [_("Pilih berkas .zip.")]}
        )
    if size > MAX_IMPORT_MB * 1024 * 1024:
        raise ValidationFailed(
            _("Berkas lebih dari %(mb)s MB. Ekspor satu desa dan satu tahun saja.") % {"mb": MAX_IMPORT_MB},
            code="upload.too_large",
            fields={"file": [_("Berkas terlalu besar.")]},
        )
    upload.seek(0)
    kind = filetype.guess(upload.read(8192))
    upload.seek(0)
    if (
        not name.lower().endswith(".zip")
        or kind is None
        or kind.mime not in ZIP_MIMES
        or not zipfile.is_zipfile(upload)
    ):
        upload.seek(0)
        raise ValidationFailed(
            _(
                "Jenis berkas tidak diterima. Unggah arsip .zip hasil ekspor Siskeudes (isi berkas diperiksa)."
            ),
            code="upload.bad_type",
            fields={"file": [_("Pilih berkas .zip.")]},
        )
    upload.seek(0)
    return name or "siskeudes.zip"


def can_see_job(principal, job: SiskeudesImportJob) -> bool:
    return importable_villages(principal).filter(pk=job.village_id).exists()


@transaction.atomic
def import_job_create(*, actor, village, year: int, upload) -> SiskeudesImportJob:
    """Store the upload and queue its import (the background worker runs ``import_job_run``)."""
    if not siskeudes_rows.may_import(principal_for(actor), village):
        raise PermissionDenied(
            _("Hanya bendahara desa ini atau admin kabupaten yang dapat mengimpor data Siskeudes.")
        )
    if not 2000 <= int(year) <= 2100:
        raise ValidationFailed(fields={"year": [_("Tahun anggaran tidak wajar.")]})
    name = inspect_zip(upload)
    job = SiskeudesImportJob.objects.create(
        village=village, year=int(year), created_by=actor, file=upload, file_name=name
    )
    audit_record(
        actor=actor,
        verb="village_finance.siskeudes_import_queued",
        obj=job,
        changes={"file": name, "year": year},
    )
    from pintu.village_finance.tasks import run_siskeudes_import

    enqueue_on_commit(run_siskeudes_import, job.pk)
    return job


def import_job_run(job_id: int) -> SiskeudesImportJob:
    """Run a queued import. Idempotent: a finished job is left alone; a job that crashed half-way
    re-imports the file, which the natural keys make harmless."""
    job = SiskeudesImportJob.objects.select_related("village", "created_by").get(pk=job_id)
    if job.is_finished:
        return job
    SiskeudesImportJob.objects.filter(pk=job.pk).update(status=SiskeudesImportStatus.RUNNING)

    def progress(report: siskeudes_rows.ImportReport) -> None:
        SiskeudesImportJob.objects.filter(pk=job.pk).update(
            total_rows=report.total, processed_rows=report.processed, counts=report.counts
        )

    try:
        with job.file.open("rb") as fh:
            data = fh.read()
        report = siskeudes_import.import_year(
            actor=job.created_by, village=job.village, year=job.year, data=data, progress=progress
        )
    except DomainError as error:
        detail = " ".join(str(m) for msgs in error.fields.values() for m in msgs)
        return _finish(job, SiskeudesImportStatus.FAILED, message=f"{error.message} {detail}".strip())
    except Exception as exc:  # a broken file: the job says so instead of hanging
        return _finish(
            job, SiskeudesImportStatus.FAILED, message=_("Berkas tidak dapat dibaca: %(e)s") % {"e": exc}
        )
    return _finish(job, SiskeudesImportStatus.DONE, report=report)


def _finish(job, status, *, message: str = "", report=None) -> SiskeudesImportJob:
    with transaction.atomic():
        job.status, job.message, job.finished_at = status, message[:2000], timezone.now()
        if report is not None:
            data = report.as_dict()
            job.total_rows, job.processed_rows = report.total, report.processed
            job.counts, job.errors = data["counts"], data["errors"]
        job.save()
        audit_record(
            actor=job.created_by,
            verb="village_finance.siskeudes_import_done",
            obj=job,
            changes={"status": status, "failed": len(job.errors or [])},
        )
    return job


def import_job_report(*, actor, job: SiskeudesImportJob) -> bytes:
    if not can_see_job(principal_for(actor), job):
        raise PermissionDenied()
    return siskeudes_rows.error_report_csv(job.errors or [])
