"""Background tasks of village finance (idempotent)."""

from django_tasks import task


@task(queue_name="default")
def run_siskeudes_import(job_id: int) -> int:
    from pintu.village_finance.siskeudes_jobs import import_job_run

    return import_job_run(job_id).processed_rows
