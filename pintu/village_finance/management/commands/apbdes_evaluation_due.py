import datetime as dt

from django.core.management.base import BaseCommand

from pintu.village_finance.services import apbdes_evaluation_due


class Command(BaseCommand):
    help = (
        "APBDes yang evaluasinya lewat 20 hari kerja dianggap disetujui (diam berarti setuju). "
        "Aman dijalankan berulang, misalnya tiap malam."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Tanggal acuan (YYYY-MM-DD), bawaan hari ini.")

    def handle(self, *args, **options):
        today = dt.date.fromisoformat(options["today"]) if options.get("today") else None
        count = apbdes_evaluation_due(today=today)
        self.stdout.write(f"{count} APBDes dianggap disetujui karena batas evaluasi terlampaui.")
