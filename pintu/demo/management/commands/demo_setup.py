import logging
import time
from importlib import import_module

from django.core.management.base import BaseCommand

from pintu.core.tasks import run_pending_tasks
from pintu.demo import generate

# Each domain app seeds its own demo data: a module with ``seed_demo(*, stdout)`` (idempotent,
# through the app's services; the first line of its docstring is printed as progress).
DOMAIN_SEEDERS: list[str] = [
    "pintu.documents.demo",  # the demo signing key first: every later seeder issues signed PDFs
    "pintu.population.demo",  # residents, and links warga@pintu.demo to Tamansari's registry
    "pintu.letters.demo",  # needs the linked citizen
    "pintu.feedback.demo",
    "pintu.village_finance.demo",
    "pintu.queueing.demo",  # the MPP floor and a village-office queue (counter officers, site manager)
]


class Command(BaseCommand):
    help = (
        "Menyiapkan demo Kabupaten Banyuwangi: wilayah, unit kerja, katalog, akun demo dan contoh permohonan."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=200, help="How many sample cases to create.")

    def handle(self, *args, cases, **options):
        for name in ("django_tasks", "django_tasks_db", "pintu.messages"):
            logging.getLogger(name).setLevel(logging.WARNING)
        started = time.monotonic()
        self.stdout.write("Memuat wilayah, unit kerja dan katalog layanan…")
        generate.setup_reference_and_catalogue()
        self.stdout.write("Membuat akun demo…")
        generate.setup_accounts()
        if generate.demo_ready():
            self.stdout.write("Contoh permohonan sudah ada; dilewati.")
        else:
            self.stdout.write(f"Membuat {cases} contoh permohonan…")
            made = generate.generate_cases(cases, stdout=self.stdout)
            self.stdout.write(f"  {made} permohonan dibuat")
        for seeder in DOMAIN_SEEDERS:
            module = import_module(seeder)
            self.stdout.write(module.seed_demo.__doc__.strip().splitlines()[0])
            module.seed_demo(stdout=self.stdout)
        ran = run_pending_tasks()
        self.stdout.write(
            f"{ran} notifikasi terkirim ke log/berkas. Selesai dalam {time.monotonic() - started:.0f} detik."
        )
