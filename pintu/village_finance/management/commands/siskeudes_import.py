from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pintu.accounts.models import User
from pintu.core.errors import DomainError
from pintu.regions.models import Village
from pintu.village_finance.models import FiscalYear
from pintu.village_finance.siskeudes import import_budget


class Command(BaseCommand):
    help = (
        "Mengimpor RAB dari berkas ekspor Siskeudes (.zip berisi Ta_Kegiatan.csv, Ta_RABRinci.csv) ke rancangan "
        "APBDes sebuah desa. Aman diulang: baris yang sudah ada dilewati."
    )

    def add_arguments(self, parser):
        parser.add_argument("zip_path")
        parser.add_argument("--village", required=True, help="Kode desa, mis. 35.10.24.2008")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--as-user", required=True, help="Nama pengguna bendahara desa yang mengimpor")

    def handle(self, *args, **options):
        try:
            user = User.objects.get(username=options["as_user"])
            village = Village.objects.get(code=options["village"])
            fiscal_year = FiscalYear.objects.get(village=village, year=options["year"])
            counts = import_budget(
                actor=user, fiscal_year=fiscal_year, data=Path(options["zip_path"]).read_bytes()
            )
        except (User.DoesNotExist, Village.DoesNotExist, FiscalYear.DoesNotExist) as exc:
            raise CommandError(str(exc)) from exc
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()))
