"""Benchmark: letters rendered to signed, verifiable PDFs through Pintu's issuing service, against
the bare PDF engine compiling the same template with the same data, in the same run.

    .venv/bin/python bench/documents_letters.py                  # PostgreSQL (pintu_bench_docs)
    .venv/bin/python bench/documents_letters.py --sqlite         # SQLite file in bench/results/
    .venv/bin/python bench/documents_letters.py --rounds 7 --per-round 40

Recreates its database (migrate; a regency, a kecamatan, a village and its office; one village
head), then interleaves rounds (A B C A B C …) of

* baseline — ``typst.Compiler.compile`` of ``common/example.typ`` (a one-page letter with a
  table, a QR code and the verification footer) with complete data sets prepared beforehand
  (number, code, URL and QR SVG of each letter), the compiler reused as the service reuses it;
* unsigned — ``documents.services.document_issue(sign=False)``: a new verification code, its
  QR code and URL, the same render, SHA-256, the PDF stored (file + Upload row), the
  IssuedDocument row and its audit entry, one transaction per letter;
* signed — the same with ``sign=True`` through the signer registry (``local``: PAdES with the
  demo EC P-256 key).

Prints letters/s and the ratios: unsigned vs bare (goal ≥ 70 %), and the cost of signing, signed
time per letter vs unsigned (goal ≤ 25 % more).
"""

from __future__ import annotations

import argparse
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
DB_NAME = "pintu_bench_docs"


def configure(*, sqlite: bool) -> None:
    if sqlite:
        path = RESULTS / "documents_bench.sqlite3"
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
    os.environ.setdefault("PINTU_MEDIA_ROOT", str(RESULTS / "media-documents"))
    os.environ.setdefault("PINTU_LOG_LEVEL", "WARNING")
    os.environ["PINTU_SIGNER"] = "local"
    os.environ.setdefault("PINTU_SIGNER_DEMO_PKCS12", str(RESULTS / "documents-signer.p12"))
    import django

    django.setup()


def world():
    from django.core.management import call_command

    from pintu.accounts.constants import AccountType, Role
    from pintu.accounts.models import User
    from pintu.accounts.services import role_assign
    from pintu.regions.models import District, OrgUnit, Province, Regency, Village
    from pintu.regions.services import org_units_ensure_for_regency

    call_command("migrate", interactive=False, verbosity=0)
    province = Province.objects.create(code="35", name="Jawa Timur")
    regency = Regency.objects.create(
        code="35.10", province=province, name="Kabupaten Banyuwangi", kind="kabupaten"
    )
    licin = District.objects.create(code="35.10.24", regency=regency, name="Licin")
    Village.objects.create(code="35.10.24.2008", district=licin, name="Tamansari", kind="desa")
    org_units_ensure_for_regency(regency_code="35.10")
    office = OrgUnit.objects.get(code="DESA-35.10.24.2008")
    head = User.objects.create(
        username="kades-bench", full_name="Sugeng Riyadi", account_type=AccountType.STAFF
    )
    role_assign(actor=None, user=head, role=Role.VILLAGE_HEAD, org_unit=office)
    return office, head


LETTER = {
    "kop": {
        "regency": "PEMERINTAH KABUPATEN BANYUWANGI",
        "unit_lines": ["KECAMATAN LICIN", "DESA TAMANSARI"],
        "address": "Jl. Raya Tamansari No. 1, Licin, Banyuwangi 68454",
    },
    "place": "Tamansari",
    "date_text": "28 November 2026",
    "signer": {"position": "Kepala Desa Tamansari", "name": "Sugeng Riyadi", "nip": ""},
    "fields": {"nama": "Siti Aminah", "alamat": "Dusun Krajan RT 001 RW 002"},
}
TEMPLATE = "common/example.typ"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead of PostgreSQL")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--per-round", type=int, default=30)
    args = parser.parse_args()
    configure(sqlite=args.sqlite)

    from django.db import connection

    from pintu.documents import issuing
    from pintu.documents.rendering import _compiler, template_path
    from pintu.documents.services import document_issue
    from pintu.documents.signing import signer

    office, head = world()
    signer()  # the key is created/loaded once, as in a running server
    serial = iter(range(1, 10**9))

    # The bare engine's input: the same template and, letter by letter, complete data sets as the
    # service builds them (each letter has its own number, code and QR code — identical inputs
    # would only measure Typst's memoisation cache). Prepared outside the timed loop.
    def bare_data(i: int) -> str:
        code = issuing.new_verification_code()
        url = issuing.verification_url(code)
        return json.dumps(
            {
                **LETTER,
                "title": "Surat Keterangan Domisili",
                "number": f"470/{i:05d}/35.10.24.2008/XI/2026",
                "signed": False,
                "verify_url": url,
                "verify_code": code,
                "qr_svg": issuing.verification_qr_svg(url, code),
                "valid_until_text": "",
            },
            ensure_ascii=False,
        )

    compiler, path = _compiler(), str(template_path(TEMPLATE))
    inputs = [bare_data(900_000 + i) for i in range(args.per_round * (args.rounds + 1))]

    def bare(i):
        compiler.compile(input=path, format="pdf", sys_inputs={"data": inputs[i]})

    def issue(sign):
        def run(_):
            document_issue(
                actor=head,
                issuer_unit=office,
                kind="surat_domisili",
                title="Surat Keterangan Domisili",
                number=f"470/{next(serial):05d}/35.10.24.2008/XI/2026",
                template=TEMPLATE,
                data=LETTER,
                holder_label="S***i A***h",
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
    signing_cost = med["unsigned"] / med["signed"] - 1  # extra time per letter, relative
    vendor = connection.vendor
    print(
        f"database: {vendor}; {args.rounds} rounds × {args.per_round} letters; load {os.getloadavg()[0]:.2f}"
    )
    print(
        f"letters through document_issue (unsigned): {med['unsigned']:,.0f}/s, bare typst compile "
        f"{med['bare']:,.0f}/s, ratio {ratio:.0%} (goal >= 70%) {'PASS' if ratio >= 0.70 else 'FAIL'}"
    )
    print(
        f"signed letters (PAdES, local key): {med['signed']:,.0f}/s vs unsigned {med['unsigned']:,.0f}/s: "
        f"signing costs {signing_cost:+.0%} time per letter (goal <= +25%) "
        f"{'PASS' if signing_cost <= 0.25 else 'FAIL'}"
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"documents_letters-{vendor}-latest.json"
    out.write_text(
        json.dumps({"rates": rates, "median": med, "ratio": ratio, "signing_cost": signing_cost}, indent=2)
    )
    print(f"details: {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
