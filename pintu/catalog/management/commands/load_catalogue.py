from django.core.management.base import BaseCommand, CommandError

from pintu.catalog.importer import load_catalogue_file
from pintu.core.errors import ValidationFailed


class Command(BaseCommand):
    help = "Memuat berkas katalog (YAML): instansi, jenis dokumen dan layanan; aman dijalankan ulang."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        try:
            report = load_catalogue_file(path)
        except ValidationFailed as exc:
            raise CommandError("\n".join([str(exc.message), *exc.fields.get("file", [])])) from exc
        self.stdout.write(
            f"instansi: {report.agencies}, jenis dokumen: {report.document_types}, "
            f"layanan terbit: {len(report.services_published)}, tidak berubah: {len(report.services_unchanged)}"
        )
