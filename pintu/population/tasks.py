"""Background tasks of the population app (idempotent)."""

from django_tasks import task


@task(queue_name="default")
def run_import(job_id: int) -> int:
    from pintu.population.jobs import import_job_run

    return import_job_run(job_id).processed_rows
