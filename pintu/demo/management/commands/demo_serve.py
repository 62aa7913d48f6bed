"""Serve the demo: the web app and a background worker together, stopped together."""

import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Menjalankan server demo dan pekerja latar sekaligus."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args, addr, **options):
        worker = subprocess.Popen([sys.executable, "manage.py", "worker"])
        try:
            call_command("runserver", addr, use_reloader=False)
        finally:
            worker.terminate()
            worker.wait(timeout=10)
