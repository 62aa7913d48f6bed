"""Close answered complaints the reporter did not reply to within 10 working days (idempotent:
run it daily from cron or the worker's scheduler)."""

from django.core.management.base import BaseCommand

from pintu.feedback.services import complaints_close_due


class Command(BaseCommand):
    help = "Tutup otomatis pengaduan yang sudah dijawab dan tidak ditanggapi pelapor dalam 10 hari kerja."

    def handle(self, *args, **options):
        closed = complaints_close_due()
        self.stdout.write(f"{closed} pengaduan ditutup otomatis.")
