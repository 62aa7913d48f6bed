"""Benchmark: village letters issued through ``letters.services.letter_issue`` (number taken
under a row lock, registry data, the real Surat Keterangan Domisili template, QR code, PAdES
signature, stored, audited — one transaction each) against the bare PDF engine compiling the
same template with the same data, in the same run.

    .venv/bin/python bench/letters_issue.py                 # PostgreSQL (pintu_bench_letters)
    .venv/bin/python bench/letters_issue.py --sqlite        # SQLite file in bench/results/
    .venv/bin/python bench/letters_issue.py --rounds 7 --per-round 30 --workers 4

Rounds are interleaved (A B C A B C …), see ``bench/issuing.py``:

* bare — ``typst.Compiler.compile`` of ``letters/domisili.typ`` with complete data sets prepared
  beforehand (resident data, number, verification code, URL and QR SVG of each letter);
* one-shot — the same through ``typst.compile``, which reads fonts and template anew each time
  (for reference: the service keeps a compiler per thread and is judged against ``bare``);
* unsigned — ``letter_issue(sign=False)`` (the signature switched off, bench and tests only), to
  see what the letter service itself costs;
* signed — ``letter_issue`` as the counter uses it (local signer, demo EC P-256 key).

Two passes: one process (each letter waits for its own commit), then ``--workers`` processes at
once (default: two per CPU, as server workers), each issuing in its own village (a village's
letters share one number sequence, taken under a row lock; different villages do not wait for
each other). Prints letters/s and the ratios: service vs bare engine (goal ≥ 70 %; judged on the
throughput pass) and the cost of signing (signed time per letter vs unsigned, goal ≤ 25 % more).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.issuing import configure, engine_subjects, item_count, run_passes, village_offices  # noqa: E402


def world(count: int):
    """``count`` villages, each with its letter settings and one resident: [(office, operator,
    resident)] and the letter type."""
    from pintu.letters import services as ls
    from pintu.letters.models import LetterType
    from pintu.population import services as ps
    from pintu.population.models import Resident

    offices = village_offices(count)
    ls.letter_types_seed()
    out = []
    for i, (village, office, head, operator) in enumerate(offices):
        ls.village_letter_settings_update(
            actor=head,
            office=office,
            number_format="[kode]/[nomor:5]/[kode_desa]/[bulan_romawi]/[tahun]",
            sequence_scope="village",
            head_name="Sugeng Riyadi",
        )
        family = ps.family_create(
            actor=None, village=village, kk_number=f"35102415032001{i:02d}", hamlet="Krajan", rw="2", rt="1"
        )
        resident = ps.resident_register(
            actor=None,
            village=village,
            family=family,
            data={
                "nik": f"35102452039001{i:02d}",
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
        # Loaded as the counter's page loads it (``population.selectors.resident_get_for``:
        # village chain, hamlet and family in one query) and passed to ``letter_issue``.
        resident = Resident.objects.select_related("village__district__regency", "hamlet", "family").get(
            pk=resident.pk
        )
        out.append((office, operator, resident))
    return out, LetterType.objects.get(slug="surat-keterangan-domisili")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead of PostgreSQL")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--per-round", type=int, default=25, help="letters per worker per round")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    args = parser.parse_args()
    configure(
        sqlite=args.sqlite,
        db_name="pintu_bench_letters",
        media="media-letters",
        signer_file="letters-signer.p12",
    )

    from django.utils import timezone

    from pintu.documents import issuing
    from pintu.documents.rendering import template_path
    from pintu.documents.signing import signer
    from pintu.letters import services as ls
    from pintu.letters.formatting import date_id

    desks, letter_type = world(max(args.workers, 1))
    signer()  # key created/loaded once, as in a running server
    office, operator, resident = desks[0]
    base = ls._letter_data(
        office=office,
        letter_type=letter_type,
        resident_data=ls._resident_data(resident),
        fields={"tinggal_sejak": 2008},
        purpose="Persyaratan melamar pekerjaan",
        config=ls._settings_for(office),
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

    path = str(template_path(ls.template_for(letter_type)))
    most = max(args.workers, 1)
    inputs = [bare_data(i) for i in range(item_count(args.rounds, args.per_round, most))]

    def issue(sign: bool):
        def run(worker, _item):
            office, operator, resident = desks[worker]
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

    subjects = {**engine_subjects(path, inputs), "unsigned": issue(False), "signed": issue(True)}
    run_passes(
        subjects,
        workers=most,
        rounds=args.rounds,
        per_round=args.per_round,
        label="letter_issue (signature off)",
        name="letters_issue",
    )


if __name__ == "__main__":
    main()
