"""Serve the demo: the web app and a background worker together, stopped together."""

import signal
import socket
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


def _die_with_parent():  # pragma: no cover - runs in the child process
    """Linux: the worker gets SIGTERM when the server process ends, however it ends."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class Command(BaseCommand):
    help = "Menjalankan server demo dan pekerja latar sekaligus."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args, addr, **options):
        host, _, port = addr.rpartition(":")
        with socket.socket() as probe:
            if probe.connect_ex((host or "127.0.0.1", int(port))) == 0:
                raise CommandError(
                    f"Port {port} sudah dipakai program lain. Hentikan program itu atau pakai port lain."
                )
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "worker"],
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
        try:
            call_command("runserver", addr, use_reloader=False)
        finally:
            worker.terminate()
            worker.wait(timeout=10)
