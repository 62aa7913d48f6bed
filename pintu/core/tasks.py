"""Background work on the database-backed queue (django-tasks), no broker needed.

``enqueue_on_commit`` is how domain services hand work to the queue. With the database
backend the task row is written inside the caller's transaction (a transactional outbox): it
becomes visible to workers exactly when the change commits and disappears with a rollback, so
a crash between commit and enqueue cannot lose a notification. With any other backend (for
example Redis) the enqueue is deferred with ``transaction.on_commit``.

Every task must be idempotent: it may run again after a worker crash.
"""

from __future__ import annotations

from django.db import transaction
from django_tasks_db.backend import DatabaseBackend


def enqueue_on_commit(task, *args, **kwargs) -> None:
    backend = task.get_backend()
    if isinstance(backend, DatabaseBackend):
        task.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(lambda: task.enqueue(*args, **kwargs))


def run_pending_tasks(*, max_tasks: int | None = None, queue_names: tuple[str, ...] = ("*",)) -> int:
    """Run every ready task in this process and return how many ran (tests, demo, cron)."""
    from django_tasks_db.management.commands.db_worker import Worker

    worker = Worker(
        queue_names=list(queue_names),
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id="inline",
        excluded_queue_names=[],
    )
    worker.run()
    return worker._run_tasks
