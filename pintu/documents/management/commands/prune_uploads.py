import datetime as dt

from django.core.management.base import BaseCommand

from pintu.documents.services import uploads_prune


class Command(BaseCommand):
    help = "Menghapus unggahan yang tidak pernah dilampirkan (lebih tua dari N hari)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=2)

    def handle(self, *args, days, **options):
        removed = uploads_prune(older_than=dt.timedelta(days=days))
        self.stdout.write(f"{removed} unggahan yatim dihapus")
