"""``manage.py worker``: run background tasks (notifications, later imports and rendering).

A thin front to django-tasks-db's worker with Pintu's defaults: all queues, one-second poll.
Run one or more of these beside the app servers; they coordinate through row locks.
"""

from django.core.management.base import BaseCommand
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker


class Command(BaseCommand):
    help = "Menjalankan antrean tugas latar (notifikasi dan pekerjaan panjang)."

    def add_arguments(self, parser):
        parser.add_argument("--queues", default="*", help="Comma-separated queue names, * for all.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls.")
        parser.add_argument("--batch", action="store_true", help="Exit when no task is ready.")
        parser.add_argument("--max-tasks", type=int, default=None)

    def handle(self, *args, queues, interval, batch, max_tasks, **options):
        worker = Worker(
            queue_names=queues.split(","),
            interval=interval,
            batch=batch,
            backend_name="default",
            startup_delay=not batch,
            max_tasks=max_tasks,
            worker_id=get_random_string(16),
            excluded_queue_names=[],
        )
        worker.configure_signals()
        worker.run()
        self.stdout.write(f"worker selesai: {worker._run_tasks} tugas dijalankan")
