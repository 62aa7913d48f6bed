"""Generated population files for the population benchmarks: Banyuwangi's ~1.7 M residents over
its 217 villages, as one OpenSID-format CSV per village (the files a village would import), and
the same rows in the resident table's own column layout (for the raw COPY baseline).

Realistic enough for the measures: village sizes log-normal around 7,800; families of 1–7 with
a head, a spouse and children; ages from a young-population pyramid; codes drawn from skewed
distributions (Islam ~95 %, farmers and labourers most common); valid NIKs (kecamatan + birth
date, +40 for women, a serial unique per prefix) and KK numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

from faker.providers.person.id_ID import Provider as Names

from pintu.population.importing import OPENSID_COLUMNS, RESIDENT_COPY_COLUMNS

HEADER = list(OPENSID_COLUMNS)
NULL = "\\N"  # the NULL marker of the baseline COPY files
# The import's own COPY columns without the id (the baseline's rows are numbered by the table).
TABLE_COLUMNS = [column for column in RESIDENT_COPY_COLUMNS if column != "id"]

HAMLETS = [
    "Krajan",
    "Sumberrejo",
    "Kebonrejo",
    "Sukorejo",
    "Karanganyar",
    "Wonosari",
    "Tegalsari",
    "Sidomulyo",
]
PLACES = ["BANYUWANGI"] * 12 + ["JEMBER", "SITUBONDO", "BONDOWOSO", "SURABAYA", "DENPASAR", "MALANG"]
RELIGION = ([1] * 95) + [2, 2, 3, 4, 4]
EDUCATION_ADULT = [1] * 8 + [2] * 12 + [3] * 30 + [4] * 20 + [5] * 22 + [6] * 2 + [7] * 2 + [8] * 4
OCCUPATION_ADULT = (
    [9] * 22
    + [19] * 14
    + [20] * 10
    + [2] * 18
    + [88] * 10
    + [8] * 6
    + [15] * 8
    + [11] * 3
    + [5] * 2
    + [65] * 2
    + [1] * 5
)
BLOOD = [13] * 60 + [1] * 10 + [2] * 10 + [3] * 4 + [4] * 16


def _age(rng: random.Random) -> int:
    # a young pyramid: many children, fewer old people
    return min(95, int(rng.expovariate(1 / 30)))


class Numbers:
    """NIK/KK serials unique per 12-digit prefix within one kecamatan."""

    def __init__(self):
        self.counters: dict[str, int] = {}

    def next(self, prefix: str) -> str:
        n = self.counters.get(prefix, 0) + 1
        self.counters[prefix] = n
        return f"{prefix}{n:04d}"


def nik(numbers: Numbers, district: str, birth: dt.date, female: bool) -> str:
    day = birth.day + (40 if female else 0)
    return numbers.next(f"{district}{day:02d}{birth.month:02d}{birth.year % 100:02d}")


def village_sizes(villages: list, total: int, rng: random.Random) -> list[int]:
    weights = [rng.lognormvariate(0, 0.45) for _ in villages]
    scale = total / sum(weights)
    sizes = [max(200, int(w * scale)) for w in weights]
    sizes[-1] += total - sum(sizes)
    return sizes


def write_village(
    path: Path, *, district: str, size: int, numbers: Numbers, rng: random.Random, today: dt.date
) -> int:
    """One village's OpenSID CSV with ``size`` residents; returns the rows written."""
    male_first, female_first, last = Names.first_names_male, Names.first_names_female, Names.last_names
    written = 0
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(HEADER)
        while written < size:
            issue = today - dt.timedelta(days=rng.randint(30, 365 * 15))
            kk = numbers.next(f"{district}{issue:%d%m%y}")
            hamlet = rng.choice(HAMLETS)
            rw, rt = f"{rng.randint(1, 8):03d}", f"{rng.randint(1, 6):03d}"
            address = f"Jl. {rng.choice(last)} No. {rng.randint(1, 120)}"
            members = min(size - written, rng.choice((1, 2, 2, 3, 3, 4, 4, 4, 5, 5, 6, 7)))
            family_name = rng.choice(last)
            head_age = rng.randint(22, 80)
            father_name = mother_name = ""
            for index in range(members):
                if index == 0:
                    female = rng.random() < 0.12
                    age, relation, marital = head_age, 1, 2 if rng.random() < 0.85 else 4
                elif index == 1 and members > 1:
                    female = True
                    age, relation, marital = max(18, head_age - rng.randint(0, 8)), 3, 2
                else:
                    female = rng.random() < 0.5
                    age, relation, marital = max(0, head_age - rng.randint(18, 40)), 4, 1
                birth = today - dt.timedelta(days=age * 365 + rng.randint(0, 364))
                first = rng.choice(female_first if female else male_first)
                name = f"{first} {family_name}" if rng.random() < 0.6 else first
                if index == 0:
                    father_name = name
                elif index == 1:
                    mother_name = name
                adult = age >= 18
                row = {
                    "alamat": address,
                    "dusun": hamlet,
                    "rw": rw,
                    "rt": rt,
                    "nama": name.upper(),
                    "no_kk": kk,
                    "nik": nik(numbers, district, birth, female),
                    "sex": 2 if female else 1,
                    "tempatlahir": rng.choice(PLACES),
                    "tanggallahir": birth.isoformat(),
                    "agama_id": rng.choice(RELIGION),
                    "pendidikan_kk_id": rng.choice(EDUCATION_ADULT) if adult else (1 if age < 7 else 2),
                    "pendidikan_sedang_id": ""
                    if adult
                    else (1 if age < 5 else 4 if age < 13 else 6 if age < 16 else 7),
                    "pekerjaan_id": rng.choice(OCCUPATION_ADULT) if adult else (1 if age < 6 else 3),
                    "status_kawin": marital if adult else 1,
                    "kk_level": relation,
                    "warganegara_id": 1,
                    "ayah_nik": "",
                    "nama_ayah": father_name.upper() if relation == 4 else "",
                    "ibu_nik": "",
                    "nama_ibu": mother_name.upper() if relation == 4 else "",
                    "golongan_darah_id": rng.choice(BLOOD),
                    "akta_lahir": "",
                    "tanggalperkawinan": "",
                    "cacat_id": 7,
                    "status_dasar": 1,
                    "telepon": "",
                }
                out.writerow([row[c] for c in HEADER])
                written += 1
    return written


def to_table_layout(source: Path, target: Path, *, village_id: int, now: str) -> None:
    """The same rows in the resident table's column order (no family/hamlet ids: a raw COPY
    knows nothing of them), for the COPY baseline."""
    with (
        source.open(newline="", encoding="utf-8") as fh,
        target.open("w", newline="", encoding="utf-8") as out,
    ):
        reader = csv.DictReader(fh)
        writer = csv.writer(out)
        for r in reader:
            writer.writerow(
                [
                    village_id,
                    NULL,
                    r["nik"],
                    "f",
                    r["nama"],
                    r["nama"].upper(),
                    r["sex"],
                    r["tempatlahir"],
                    r["tanggallahir"],
                    r["akta_lahir"],
                    r["agama_id"],
                    r["pendidikan_kk_id"],
                    r["pendidikan_sedang_id"] or NULL,
                    r["pekerjaan_id"],
                    r["status_kawin"],
                    r["golongan_darah_id"],
                    r["kk_level"],
                    r["warganegara_id"],
                    r["cacat_id"],
                    1,
                    r["ayah_nik"],
                    r["nama_ayah"],
                    r["ibu_nik"],
                    r["nama_ibu"],
                    r["tanggalperkawinan"] or NULL,
                    r["telepon"],
                    NULL,
                    r["rw"],
                    r["rt"],
                    r["alamat"],
                    r["status_dasar"],
                    NULL,
                    now,
                    now,
                ]
            )
