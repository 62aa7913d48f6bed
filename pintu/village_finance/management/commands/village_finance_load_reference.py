from django.core.management.base import BaseCommand

from pintu.village_finance.reference import reference_load


class Command(BaseCommand):
    help = "Memuat rekening APBDes, bidang/kegiatan dan sumber dana ke basis data (aman diulang)."

    def handle(self, *args, **options):
        counts = reference_load()
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()))
