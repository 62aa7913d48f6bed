"""Load the default village letter types (idempotent; existing types are left as configured)."""

from django.core.management.base import BaseCommand

from pintu.letters.models import LetterType
from pintu.letters.services import letter_types_seed


class Command(BaseCommand):
    help = "Memuat jenis surat desa bawaan (OpenSID + Pintu). Aman dijalankan berulang."

    def handle(self, *args, **options):
        created = letter_types_seed()
        self.stdout.write(f"{created} jenis surat baru; {LetterType.objects.count()} seluruhnya.")
