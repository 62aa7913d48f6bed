from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pintu.accounts.models import User
from pintu.core.errors import DomainError
from pintu.regions.models import Village
from pintu.village_finance.models import FiscalYear
from pintu.village_finance.siskeudes import import_budget
from pintu.village_finance.siskeudes_import import import_year


class Command(BaseCommand):
    help = (
        "Mengimpor satu tahun data Siskeudes (.zip berisi Ta_*.csv) ke sebuah desa: kegiatan dan RAB, "
        "penetapan APBDes, SPP beserta bukti dan potongan pajak, TBP, setoran pajak, mutasi kas/bank. "
        "Aman diulang: yang sudah ada dilewati. Baris yang gagal dicetak dengan alasannya."
    )

    def add_arguments(self, parser):
        parser.add_argument("zip_path")
        parser.add_argument("--village", required=True, help="Kode desa, mis. 35.10.24.2008")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument(
            "--as-user",
            required=True,
            help="Nama pengguna bendahara desa atau admin kabupaten yang mengimpor",
        )
        parser.add_argument(
            "--budget-only",
            action="store_true",
            help="Hanya kegiatan dan RAB ke rancangan APBDes yang terbuka",
        )

    def handle(self, *args, **options):
        data = Path(options["zip_path"]).read_bytes()
        try:
            user = User.objects.get(username=options["as_user"])
            village = Village.objects.get(code=options["village"])
            if options["budget_only"]:
                fiscal_year = FiscalYear.objects.get(village=village, year=options["year"])
                counts = import_budget(actor=user, fiscal_year=fiscal_year, data=data)
                self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()))
                return
            report = import_year(actor=user, village=village, year=options["year"], data=data)
        except (User.DoesNotExist, Village.DoesNotExist, FiscalYear.DoesNotExist) as exc:
            raise CommandError(str(exc)) from exc
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        for table, c in sorted(report.counts.items()):
            self.stdout.write(
                f"{table}: {c['imported']} diimpor, {c['skipped']} dilewati, {c['failed']} gagal"
            )
        for e in report.errors:
            self.stderr.write(f"{e.table} baris {e.row} kolom {e.column}: {e.message}")
