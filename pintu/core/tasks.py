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


def run_pending_tasks(*, max_tasks: int | None = None) -> int:
    """Run every ready task in this process and return how many ran (tests, demo set-up).

    Same claim-and-run steps as the worker, without its connection recycling, so it also works
    inside a test's transaction.
    """
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult
    from django_tasks_db.utils import exclusive_transaction

    runner = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="inline",
        excluded_queue_names=[],
    )
    ran = 0
    while max_tasks is None or ran < max_tasks:
        with exclusive_transaction(DBTaskResult.objects.db):
            task_result = DBTaskResult.objects.ready().filter(backend_name="default").get_locked()
            if task_result is None:
                break
            task_result.claim("inline")
        runner.run_task(task_result)
        ran += 1
    return ran
