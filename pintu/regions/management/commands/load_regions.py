from django.core.management.base import BaseCommand

from pintu.regions.services import regions_load_reference


class Command(BaseCommand):
    help = "Memuat kode wilayah Kemendagri (provinsi s.d. desa/kelurahan); aman dijalankan ulang."

    def handle(self, *args, **options):
        counts = regions_load_reference()
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()))
