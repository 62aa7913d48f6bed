"""Recompute the population statistics (after a bulk import or a data repair)."""

from django.core.management.base import BaseCommand

from pintu.population import stats
from pintu.regions.models import Village


class Command(BaseCommand):
    help = "Hitung ulang statistik penduduk (semua desa, atau --village KODE)."

    def add_arguments(self, parser):
        parser.add_argument("--village", action="append", default=[], help="kode desa, mis. 35.10.24.2008")

    def handle(self, *args, **options):
        ids = None
        if options["village"]:
            ids = list(Village.objects.filter(code__in=options["village"]).values_list("pk", flat=True))
        rows = stats.rebuild(ids)
        self.stdout.write(f"{rows} baris statistik ditulis.")
