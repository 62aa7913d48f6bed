"""Benchmark: village letters issued through ``letters.services.letter_issue`` (number taken
under a row lock, registry data, the real Surat Keterangan Domisili template, QR code, PAdES
signature, stored, audited — one transaction each) against the bare PDF engine compiling the
same template with the same data, in the same run.

    .venv/bin/python bench/letters_issue.py                 # PostgreSQL (pintu_bench_letters)
    .venv/bin/python bench/letters_issue.py --sqlite        # SQLite file in bench/results/
    .venv/bin/python bench/letters_issue.py --rounds 7 --per-round 30

Rounds are interleaved (A B C A B C …):

* bare — ``typst.Compiler.compile`` of ``letters/domisili.typ`` with complete data sets prepared
  beforehand (resident data, number, verification code, URL and QR SVG of each letter);
* unsigned — ``letter_issue(sign=False)`` (the signature switched off, bench and tests only), to
  see what the letter service itself costs;
* signed — ``letter_issue`` as the counter uses it (local signer, demo EC P-256 key).

Prints letters/s and the ratios: unsigned service vs bare engine (goal ≥ 70 %), and the cost of
signing (signed time per letter vs unsigned, goal ≤ 25 % more).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "bench" / "results"
DB_NAME = "pintu_bench_letters"


def configure(*, sqlite: bool) -> None:
    if sqlite:
        path = RESULTS / "letters_bench.sqlite3"
        RESULTS.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    else:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "pintu.settings"
    os.environ.setdefault("PINTU_DEBUG", "0")
    os.environ.setdefault("PINTU_SECRET_KEY", "bench-only-" + "k" * 60)
    os.environ.setdefault("PINTU_MEDIA_ROOT", str(RESULTS / "media-letters"))
    os.environ.setdefault("PINTU_LOG_LEVEL", "WARNING")
    os.environ["PINTU_SIGNER"] = "local"
    os.environ.setdefault("PINTU_SIGNER_DEMO_PKCS12", str(RESULTS / "letters-signer.p12"))
    import django

    django.setup()


def world():
    from django.core.management import call_command

    from pintu.accounts.constants import AccountType, Role
    from pintu.accounts.models import User
    from pintu.accounts.services import role_assign
    from pintu.letters import services as ls
    from pintu.letters.models import LetterType
    from pintu.population import services as ps
    from pintu.population.models import Resident
    from pintu.regions.models import District, OrgUnit, Province, Regency, Village
    from pintu.regions.services import org_units_ensure_for_regency

    call_command("migrate", interactive=False, verbosity=0)
    province = Province.objects.create(code="35", name="Jawa Timur")
    regency = Regency.objects.create(
        code="35.10", province=province, name="Kabupaten Banyuwangi", kind="kabupaten"
    )
    licin = District.objects.create(code="35.10.24", regency=regency, name="Licin")
    village = Village.objects.create(code="35.10.24.2008", district=licin, name="Tamansari", kind="desa")
    org_units_ensure_for_regency(regency_code="35.10")
    office = OrgUnit.objects.get(code="DESA-35.10.24.2008")
    head = User.objects.create(
        username="kades-bench", full_name="Sugeng Riyadi", account_type=AccountType.STAFF
    )
    operator = User.objects.create(
        username="operator-bench", full_name="Rudi", account_type=AccountType.STAFF
    )
    role_assign(actor=None, user=head, role=Role.VILLAGE_HEAD, org_unit=office)
    role_assign(actor=None, user=operator, role=Role.VILLAGE_OPERATOR, org_unit=office)
    ls.letter_types_seed()
    ls.village_letter_settings_update(
        actor=head,
        office=office,
        number_format="[kode]/[nomor:5]/[kode_desa]/[bulan_romawi]/[tahun]",
        sequence_scope="village",
        head_name="Sugeng Riyadi",
    )
    family = ps.family_create(
        actor=None, village=village, kk_number="3510241503200102", hamlet="Krajan", rw="2", rt="1"
    )
    resident = ps.resident_register(
        actor=None,
        village=village,
        family=family,
        data={
            "nik": "3510245203900103",
            "full_name": "Siti Aminah",
            "sex": 2,
            "birth_place": "Banyuwangi",
            "birth_date": dt.date(1990, 3, 12),
            "religion": 1,
            "education": 5,
            "occupation": 9,
            "marital_status": 1,
            "family_relation": 1,
        },
    )
    # Loaded as the counter's page loads it (``population.selectors.resident_get_for``: village
    # chain, hamlet and family in one query) and passed to ``letter_issue``.
    resident = Resident.objects.select_related("village__district__regency", "hamlet", "family").get(
        pk=resident.pk
    )
    return office, operator, resident, LetterType.objects.get(slug="surat-keterangan-domisili")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead of PostgreSQL")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--per-round", type=int, default=25)
    args = parser.parse_args()
    configure(sqlite=args.sqlite)

    from django.db import connection
    from django.utils import timezone

    from pintu.documents import issuing
    from pintu.documents.rendering import _compiler, template_path
    from pintu.documents.signing import signer
    from pintu.letters import services as ls
    from pintu.letters.formatting import date_id

    office, operator, resident, letter_type = world()
    signer()  # key created/loaded once, as in a running server
    config = ls._settings_for(office)
    base = ls._letter_data(
        office=office,
        letter_type=letter_type,
        resident_data=ls._resident_data(resident),
        fields={"tinggal_sejak": 2008},
        purpose="Persyaratan melamar pekerjaan",
        config=config,
        signer_kind="head",
        actor=operator,
        on=timezone.localdate(),
    )

    def bare_data(i: int) -> str:
        code = issuing.new_verification_code()
        url = issuing.verification_url(code)
        return json.dumps(
            {
                **base,
                "title": letter_type.title,
                "number": f"470/{i:05d}/35.10.24.2008/XI/2026",
                "signed": False,  # as the unsigned subject renders it
                "verify_url": url,
                "verify_code": code,
                "qr_svg": issuing.verification_qr_svg(url, code),  # the QR code the service draws
                "valid_until_text": date_id(timezone.localdate()),
            },
            ensure_ascii=False,
            default=str,
        )

    compiler, path = _compiler(), str(template_path(ls.template_for(letter_type)))
    inputs = [bare_data(900_000 + i) for i in range(args.per_round * (args.rounds + 1))]

    def bare(i):
        compiler.compile(input=path, format="pdf", sys_inputs={"data": inputs[i]})

    def issue(sign: bool):
        def run(_):
            ls.letter_issue(
                actor=operator,
                village_office=office,
                letter_type=letter_type,
                resident=resident,
                fields={"tinggal_sejak": "2008"},
                purpose="Persyaratan melamar pekerjaan",
                sign=sign,
            )

        return run

    subjects = {"bare": bare, "unsigned": issue(False), "signed": issue(True)}
    for call in subjects.values():  # warm-up: fonts, templates, QR shape, connection
        for i in range(5):
            call(i)
    rates = {name: [] for name in subjects}
    for round_no in range(1, args.rounds + 1):
        items = range(round_no * args.per_round, (round_no + 1) * args.per_round)
        for name, call in subjects.items():
            started = time.perf_counter()
            for item in items:
                call(item)
            rates[name].append(len(items) / (time.perf_counter() - started))
    med = {name: statistics.median(values) for name, values in rates.items()}
    ratio = med["unsigned"] / med["bare"]
    signing_cost = med["unsigned"] / med["signed"] - 1
    vendor = connection.vendor
    print(
        f"database: {vendor}; {args.rounds} rounds × {args.per_round} letters; load {os.getloadavg()[0]:.2f}"
    )
    print(
        f"letters through letter_issue (signature off): {med['unsigned']:,.1f}/s, bare typst compile of the same "
        f"template {med['bare']:,.1f}/s, ratio {ratio:.0%} (goal >= 70%) {'PASS' if ratio >= 0.70 else 'FAIL'}"
    )
    print(
        f"letters through letter_issue (signed, local key): {med['signed']:,.1f}/s vs {med['unsigned']:,.1f}/s: "
        f"signing costs {signing_cost:+.0%} time per letter (goal <= +25%) {'PASS' if signing_cost <= 0.25 else 'FAIL'}"
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"letters_issue-{vendor}-latest.json"
    out.write_text(
        json.dumps({"rates": rates, "median": med, "ratio": ratio, "signing_cost": signing_cost}, indent=2)
    )
    print(f"details: {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
