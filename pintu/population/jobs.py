"""Import jobs (upload → background task → progress → report) and logged exports."""

from __future__ import annotations

import csv
import io
import os
import tempfile

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pintu.accounts.access import principal_for
from pintu.audit.services import audit_record
from pintu.core.errors import PermissionDenied, ValidationFailed
from pintu.core.tasks import enqueue_on_commit
from pintu.population import codes, policies
from pintu.population.constants import ImportStatus, ResidentStatus
from pintu.population.importing import (
    OPENSID_COLUMNS,
    ImportResult,
    RowError,
    error_report,
    import_rows,
    read_rows,
)
from pintu.population.models import ExportLog, ImportJob, ImportRowError, Resident

MAX_IMPORT_MB = 50
IMPORT_EXTENSIONS = (".xlsx", ".xls", ".ods", ".csv")


@transaction.atomic
def import_job_create(*, actor, village, upload) -> ImportJob:
    """Store the uploaded file and queue its import (runs in the background worker)."""
    if not policies.can_edit(principal_for(actor), village.pk):
        raise PermissionDenied(_("Hanya perangkat desa ini yang dapat mengimpor data penduduknya."))
    name = os.path.basename(getattr(upload, "name", "") or "")
    if not name.lower().endswith(IMPORT_EXTENSIONS):
        raise ValidationFailed(
            _("Berkas harus xlsx atau CSV (ekspor OpenSID atau templat Pintu)."),
            fields={"file": [_("Pilih berkas xlsx atau CSV.")]},
        )
    if upload.size > MAX_IMPORT_MB * 1024 * 1024:
        raise ValidationFailed(
            _("Berkas lebih dari %(mb)s MB. Pecah menjadi beberapa berkas.") % {"mb": MAX_IMPORT_MB},
            fields={"file": [_("Berkas terlalu besar.")]},
        )
    job = ImportJob.objects.create(village=village, created_by=actor, file=upload, file_name=name[:200])
    audit_record(actor=actor, verb="population.import_queued", obj=job, changes={"file": name})
    from pintu.population.tasks import run_import

    enqueue_on_commit(run_import, job.pk)
    return job


def import_job_run(job_id: int) -> ImportJob:
    """Run a queued import (idempotent: a finished job is left alone; a re-run of a job that
    crashed half-way re-imports the file, which the NIK upsert makes harmless)."""
    job = ImportJob.objects.select_related("village", "created_by").get(pk=job_id)
    if job.is_finished:
        return job
    ImportRowError.objects.filter(job=job).delete()
    job.status = ImportStatus.RUNNING
    job.save(update_fields=["status"])
    suffix = os.path.splitext(job.file_name)[1] or ".csv"
    with tempfile.NamedTemporaryFile(suffix=suffix) as tmp:
        with job.file.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                tmp.write(chunk)
        tmp.flush()
        try:
            total = max(0, sum(1 for _row in read_rows(tmp.name, job.file_name)) - 1)
            ImportJob.objects.filter(pk=job.pk).update(total_rows=total)

            def progress(result: ImportResult) -> None:
                ImportJob.objects.filter(pk=job.pk).update(
                    processed_rows=result.total,
                    created_count=result.created,
                    updated_count=result.updated,
                    unchanged_count=result.unchanged,
                    failed_count=result.failed,
                )

            result = import_rows(
                village=job.village,
                rows=read_rows(tmp.name, job.file_name),
                actor=job.created_by,
                batch_size=2000,
                progress=progress,
            )
        except Exception as exc:  # a broken file: the job says so instead of hanging
            job.status, job.message, job.finished_at = (
                ImportStatus.FAILED,
                _("Berkas tidak dapat dibaca: %(e)s") % {"e": exc},
                timezone.now(),
            )
            job.save(update_fields=["status", "message", "finished_at"])
            return job
    with transaction.atomic():
        ImportRowError.objects.bulk_create(
            [
                ImportRowError(
                    job=job, row_number=e.row_number, nik=e.nik, full_name=e.full_name, message=e.message
                )
                for e in result.errors
            ],
            batch_size=1000,
        )
        job.total_rows = max(job.total_rows, result.total)
        job.processed_rows = result.total
        job.created_count, job.updated_count = result.created, result.updated
        job.unchanged_count, job.failed_count = result.unchanged, result.failed
        job.status, job.finished_at = ImportStatus.DONE, timezone.now()
        job.save()
        audit_record(
            actor=job.created_by,
            verb="population.import_done",
            obj=job,
            changes={
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "failed": result.failed,
            },
        )
    return job


def import_job_report(*, actor, job: ImportJob, fmt: str) -> tuple[bytes, str]:
    if not policies.can_edit(principal_for(actor), job.village_id):
        raise PermissionDenied
    errors = [RowError(e.row_number, e.nik, e.full_name, e.message) for e in job.errors.all()]
    return error_report(errors, fmt=fmt)


# --- export ----------------------------------------------------------------------------------------

EXPORT_COLUMNS = list(OPENSID_COLUMNS)  # OpenSID's names and order: the file imports back anywhere
_FIELD_OF = {**OPENSID_COLUMNS}


def _export_value(row: dict, column: str):
    name = _FIELD_OF[column]
    if name == "hamlet":
        return row["hamlet__name"] or ""
    if name == "kk_number":
        return row["family__kk_number"] or ""
    value = row.get(name)
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


@transaction.atomic
def residents_export(
    *, actor, village, fmt: str, status: int | None = ResidentStatus.ALIVE
) -> tuple[bytes, str, int]:
    """All residents of a village (codes as numbers, OpenSID columns), as xlsx or CSV; logged."""
    if not policies.can_edit(principal_for(actor), village.pk):
        raise PermissionDenied(_("Hanya perangkat desa ini yang dapat mengekspor data penduduknya."))
    fields = [f for f in _FIELD_OF.values() if f not in ("hamlet", "kk_number")]
    qs = Resident.objects.filter(village=village)
    if status:
        qs = qs.filter(status=status)
    rows = qs.order_by("family__kk_number", "family_relation", "birth_date").values(
        *fields, "hamlet__name", "family__kk_number"
    )
    count = 0
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(EXPORT_COLUMNS)
        for row in rows.iterator(chunk_size=2000):
            writer.writerow([_export_value(row, c) for c in EXPORT_COLUMNS])
            count += 1
        content, content_type = buffer.getvalue().encode("utf-8-sig"), "text/csv; charset=utf-8"
    else:
        import xlsxwriter

        with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
            workbook = xlsxwriter.Workbook(tmp.name, {"constant_memory": True})
            sheet = workbook.add_worksheet("penduduk")
            text = workbook.add_format({"num_format": "@"})
            sheet.write_row(0, 0, EXPORT_COLUMNS)
            for count, row in enumerate(rows.iterator(chunk_size=2000), start=1):
                for col, column in enumerate(EXPORT_COLUMNS):
                    value = _export_value(row, column)
                    if isinstance(value, str):
                        sheet.write_string(count, col, value, text)
                    else:
                        sheet.write_number(count, col, value)
            workbook.close()
            with open(tmp.name, "rb") as fh:
                content = fh.read()
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    log = ExportLog.objects.create(
        actor=actor, village=village, format=fmt, filters={"status": status}, row_count=count
    )
    audit_record(
        actor=actor,
        verb="population.export",
        obj=log,
        changes={"format": fmt, "rows": count, "status": status},
    )
    return content, content_type, count


def import_template() -> bytes:
    """An empty xlsx with the OpenSID columns and one example row, plus a sheet of codes."""
    import xlsxwriter

    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = workbook.add_worksheet("penduduk")
    bold = workbook.add_format({"bold": True})
    text = workbook.add_format({"num_format": "@"})
    sheet.write_row(0, 0, EXPORT_COLUMNS, bold)
    example = {
        "alamat": "Jl. Raya Tamansari",
        "dusun": "Krajan",
        "rw": "002",
        "rt": "001",
        "nama": "SLAMET RIYADI",
        "no_kk": "3510241503200001",
        "nik": "3510241705800001",
        "sex": 1,
        "tempatlahir": "BANYUWANGI",
        "tanggallahir": "1980-05-17",
        "agama_id": 1,
        "pendidikan_kk_id": 5,
        "pekerjaan_id": 9,
        "status_kawin": 2,
        "kk_level": 1,
        "warganegara_id": 1,
        "golongan_darah_id": 13,
        "cacat_id": 7,
        "status_dasar": 1,
    }
    for col, column in enumerate(EXPORT_COLUMNS):
        value = example.get(column, "")
        sheet.write_string(1, col, str(value), text) if isinstance(value, str) else sheet.write_number(
            1, col, value
        )
    sheet.set_column(0, len(EXPORT_COLUMNS) - 1, 16)
    codes_sheet = workbook.add_worksheet("kode")
    for col, list_name in enumerate(
        (
            "jenis_kelamin",
            "agama",
            "pendidikan_kk",
            "pendidikan_sedang",
            "pekerjaan",
            "status_perkawinan",
            "hubungan_keluarga",
            "warganegara",
            "golongan_darah",
            "cacat",
            "status_dasar",
        )
    ):
        codes_sheet.write(0, col, list_name, bold)
        for row, (code, label) in enumerate(codes.CODES[list_name].items(), start=1):
            codes_sheet.write(row, col, f"{code} = {label}")
    workbook.close()
    return output.getvalue()
