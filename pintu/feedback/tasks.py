"""Background tasks of the feedback app (idempotent)."""

from django_tasks import task


@task(queue_name="default")
def close_due_complaints() -> int:
    """The daily automatic close, for a scheduler that enqueues tasks."""
    from pintu.feedback.services import complaints_close_due

    return complaints_close_due()
