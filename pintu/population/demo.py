"""Demo population: residents for Tamansari and the other demo villages, a year of events, and the demo citizen linked to her record."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone
from faker import Faker

from pintu.population import services
from pintu.population.constants import LinkStatus, MoveScope, ResidentStatus
from pintu.population.importing import OPENSID_COLUMNS, import_rows
from pintu.population.models import Family, Resident, ResidentLink
from pintu.regions.models import Village

DEMO_VILLAGE = "35.10.24.2008"
OTHER_VILLAGES = [
    "35.10.15.2006",
    "35.10.09.2001",
    "35.10.05.2001",
    "35.10.13.2001",
    "35.10.02.2001",
    "35.10.11.2001",
]
TAMANSARI_HAMLETS = ["Krajan", "Sumberwatu", "Kebon Sari", "Gunung Sari"]
OTHER_HAMLETS = ["Krajan", "Kidul", "Lor", "Wetan"]
CITIZEN_EMAIL = "warga@pintu.demo"
CITIZEN_NIK = "3510245203900001"  # the demo citizen's NIK (pintu/demo/generate.py)

RELIGION = [1] * 94 + [2, 2, 3, 4, 4, 5]
EDUCATION = [1] * 6 + [2] * 12 + [3] * 30 + [4] * 20 + [5] * 22 + [6] * 2 + [7] * 3 + [8] * 5
OCCUPATION = (
    [9] * 24
    + [20] * 12
    + [19] * 10
    + [2] * 18
    + [88] * 10
    + [8] * 6
    + [15] * 8
    + [5] * 2
    + [65] * 2
    + [10] * 3
    + [1] * 5
)
BLOOD = [13] * 55 + [1] * 10 + [2] * 11 + [3] * 4 + [4] * 20


class _Numbers:
    def __init__(self, rng: random.Random):
        self.used: set[str] = set()
        self.rng = rng

    def take(self, prefix: str) -> str:
        while True:
            value = f"{prefix}{self.rng.randint(1, 9999):04d}"
            if value not in self.used and not value.endswith("0000"):
                self.used.add(value)
                return value


def _rows(
    village: Village,
    families: int,
    hamlets: list[str],
    rng: random.Random,
    fake: Faker,
    numbers: _Numbers,
    today,
):
    district = village.district.code.replace(".", "")
    rows = [list(OPENSID_COLUMNS)]
    for _ in range(families):
        issued = today - dt.timedelta(days=rng.randint(60, 365 * 12))
        kk = numbers.take(f"{district}{issued:%d%m%y}")
        hamlet, rw, rt = rng.choice(hamlets), f"{rng.randint(1, 4):03d}", f"{rng.randint(1, 5):03d}"
        surname = fake.last_name()
        head_age = rng.randint(24, 78)
        size = rng.choice((1, 2, 2, 3, 3, 4, 4, 4, 5, 5, 6))
        father = mother = ""
        for index in range(size):
            if index == 0:
                female, age, relation, marital = (
                    rng.random() < 0.1,
                    head_age,
                    1,
                    2 if rng.random() < 0.85 else 4,
                )
            elif index == 1:
                female, age, relation, marital = True, max(19, head_age - rng.randint(0, 7)), 3, 2
            else:
                female, age, relation, marital = (
                    rng.random() < 0.5,
                    max(0, head_age - rng.randint(20, 38)),
                    4,
                    1,
                )
            birth = today - dt.timedelta(days=age * 365 + rng.randint(0, 360))
            first = fake.first_name_female() if female else fake.first_name_male()
            name = f"{first} {surname}".upper() if rng.random() < 0.6 else first.upper()
            if index == 0:
                father = name
            elif index == 1:
                mother = name
            adult = age >= 17
            nik = numbers.take(f"{district}{birth.day + (40 if female else 0):02d}{birth:%m%y}")
            values = {
                "alamat": "",
                "dusun": hamlet,
                "rw": rw,
                "rt": rt,
                "nama": name,
                "no_kk": kk,
                "nik": nik,
                "sex": 2 if female else 1,
                "tempatlahir": "BANYUWANGI"
                if rng.random() < 0.85
                else rng.choice(["JEMBER", "SITUBONDO", "DENPASAR"]),
                "tanggallahir": birth.isoformat(),
                "agama_id": rng.choice(RELIGION),
                "pendidikan_kk_id": rng.choice(EDUCATION) if adult else (1 if age < 7 else 2),
                "pendidikan_sedang_id": ""
                if adult
                else (1 if age < 5 else 4 if age < 13 else 6 if age < 16 else 7),
                "pekerjaan_id": rng.choice(OCCUPATION) if adult else (1 if age < 6 else 3),
                "status_kawin": marital if adult else 1,
                "kk_level": relation,
                "warganegara_id": 1,
                "nama_ayah": father if relation == 4 else "",
                "nama_ibu": mother if relation == 4 else "",
                "golongan_darah_id": rng.choice(BLOOD),
                "cacat_id": 7,
                "status_dasar": 1,
            }
            rows.append([values.get(column, "") for column in OPENSID_COLUMNS])
    return rows


def _events(village: Village, rng: random.Random, fake: Faker, today) -> None:
    """A year of births, deaths and moves, so the monthly chart has something to show."""
    families = list(Family.objects.filter(village=village, status="active").select_related("head")[:80])
    alive = list(
        Resident.objects.filter(
            village=village, status=ResidentStatus.ALIVE, birth_date__lt=today.replace(year=today.year - 60)
        )[:40]
    )
    movers = list(
        Resident.objects.filter(
            village=village,
            status=ResidentStatus.ALIVE,
            family_relation=4,
            birth_date__lt=today.replace(year=today.year - 19),
        )[:30]
    )
    for month_back in range(12):
        day = today.replace(day=15) - dt.timedelta(days=30 * month_back)
        if day > today:
            day = today
        for _ in range(rng.randint(0, 3)):
            family = rng.choice(families)
            mothers = list(Resident.objects.filter(family=family, sex=2, status=ResidentStatus.ALIVE))
            services.resident_register_birth(
                actor=None,
                family=family,
                data={
                    "full_name": fake.first_name().upper(),
                    "sex": rng.choice((1, 2)),
                    "birth_date": day,
                    "birth_place": "BANYUWANGI",
                },
                mother=mothers[0] if mothers else None,
                father=family.head if family.head and family.head.sex == 1 else None,
            )
        if alive and rng.random() < 0.7:
            services.resident_register_death(actor=None, resident=alive.pop(), date=day, place="Rumah")
        if movers and rng.random() < 0.6:
            services.resident_move_out(
                actor=None,
                resident=movers.pop(),
                date=day,
                scope=MoveScope.REGENCY,
                destination=rng.choice(["Surabaya", "Denpasar", "Malang"]),
            )


def _citizen(village: Village, stdout) -> None:
    from pintu.accounts.models import User

    citizen = User.objects.filter(email__iexact=CITIZEN_EMAIL).first()
    if citizen is None:
        stdout.write("  (akun warga demo belum ada: tautan dilewati)\n")
        return
    resident = Resident.objects.filter(nik=CITIZEN_NIK).exclude(status=ResidentStatus.INVALID).first()
    if resident is None:
        family = services.family_create(
            actor=None,
            village=village,
            kk_number="3510241003150007",
            hamlet="Krajan",
            rw="001",
            rt="002",
            address="",
        )
        husband = services.resident_register(
            actor=None,
            village=village,
            family=family,
            data={
                "nik": "3510240708870003", "full_name": "Agus Salim", "sex": 1, "birth_place": "Banyuwangi",
                "birth_date": dt.date(1987, 8, 7), "religion": 1, "education": 5, "occupation": 9, "marital_status": 2,
                "family_relation": 1,
            },
        )  # fmt: skip
        resident = services.resident_register(
            actor=None,
            village=village,
            family=family,
            data={
                "nik": CITIZEN_NIK, "full_name": citizen.full_name or "Siti Aminah", "sex": 2, "birth_place": "Banyuwangi",
                "birth_date": dt.date(1990, 3, 12), "religion": 1, "education": 7, "occupation": 88, "marital_status": 2,
                "family_relation": 3, "mother_name": "Sumarni", "father_name": "Hasan",
            },
        )  # fmt: skip
        services.resident_register(
            actor=None,
            village=village,
            family=family,
            data={
                "nik": "3510241505160002", "full_name": "Rizky Salim", "sex": 1, "birth_place": "Banyuwangi",
                "birth_date": dt.date(2016, 5, 15), "religion": 1, "education": 2, "occupation": 3, "marital_status": 1,
                "family_relation": 4, "father_name": husband.full_name, "mother_name": citizen.full_name or "Siti Aminah",
            },
        )  # fmt: skip
    if not ResidentLink.objects.filter(user=citizen, status=LinkStatus.VERIFIED).exists():
        link = services.resident_link_request(
            actor=citizen,
            nik=resident.nik,
            kk_number=resident.family.kk_number,
            birth_date=resident.birth_date,
        )
        operator = User.objects.filter(username="operator.tamansari").first()
        services.resident_link_verify(actor=operator, link=link)


def seed_demo(*, stdout) -> None:
    """Penduduk demo: Tamansari (±300 KK) dan desa demo lain, peristiwa setahun, warga demo tertaut."""
    rng = random.Random(3510)
    fake = Faker("id_ID")
    fake.seed_instance(3510)
    today = timezone.localdate()
    numbers = _Numbers(rng)
    numbers.used.update({CITIZEN_NIK, "3510240708870003", "3510241505160002", "3510241003150007"})
    plan = [(DEMO_VILLAGE, 300, TAMANSARI_HAMLETS)] + [(code, 60, OTHER_HAMLETS) for code in OTHER_VILLAGES]
    villages = {
        v.code: v for v in Village.objects.filter(code__in=[p[0] for p in plan]).select_related("district")
    }
    for code, families, hamlets in plan:
        village = villages.get(code)
        if village is None or Resident.objects.filter(village=village).exists():
            continue
        result = import_rows(
            village=village, rows=_rows(village, families, hamlets, rng, fake, numbers, today)
        )
        _events(village, rng, fake, today)
        stdout.write(f"  {village}: {result.created} penduduk ({result.failed} ditolak)\n")
    if DEMO_VILLAGE in villages:
        _citizen(villages[DEMO_VILLAGE], stdout)
