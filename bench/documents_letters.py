"""Benchmark: letters rendered to signed, verifiable PDFs through Pintu's issuing service, against
the bare PDF engine compiling the same template with the same data, in the same run.

    .venv/bin/python bench/documents_letters.py                  # PostgreSQL (pintu_bench_docs)
    .venv/bin/python bench/documents_letters.py --sqlite         # SQLite file in bench/results/
    .venv/bin/python bench/documents_letters.py --rounds 7 --per-round 40 --workers 4

Recreates its database (migrate; a regency, a kecamatan, a village and its office; one village
head), then interleaves rounds (A B C A B C …) of

* baseline — ``typst.Compiler.compile`` of ``common/example.typ`` (a one-page letter with a
  table, a QR code and the verification footer) with complete data sets prepared beforehand
  (number, code, URL and QR SVG of each letter), the compiler reused as the service reuses it;
* one-shot — the same through ``typst.compile``, which reads fonts and template anew each time
  (for reference only);
* unsigned — ``documents.services.document_issue(sign=False)``: a new verification code, its
  QR code and URL, the same render, SHA-256, the PDF stored (file + Upload row), the
  IssuedDocument row and its audit entry, one transaction per letter;
* signed — the same with ``sign=True`` through the signer registry (``local``: PAdES with the
  demo EC P-256 key).

Two passes (see ``bench/issuing.py``): one process, where each letter waits for its own commit,
then ``--workers`` processes at once (default two per CPU, as server workers), every subject with
the same workers. Prints letters/s and the ratios: unsigned vs bare (goal ≥ 70 %, judged on the
throughput pass), and the cost of signing, signed time per letter vs unsigned (goal ≤ 25 % more).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.issuing import configure, engine_subjects, item_count, run_passes, village_offices  # noqa: E402

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
    parser.add_argument("--per-round", type=int, default=30, help="letters per worker per round")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    args = parser.parse_args()
    configure(
        sqlite=args.sqlite,
        db_name="pintu_bench_docs",
        media="media-documents",
        signer_file="documents-signer.p12",
    )

    from pintu.documents import issuing
    from pintu.documents.rendering import template_path
    from pintu.documents.services import document_issue
    from pintu.documents.signing import signer

    _village, office, head, _operator = village_offices(1)[0]
    signer()  # the key is created/loaded once, as in a running server
    most = max(args.workers, 1)

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

    path = str(template_path(TEMPLATE))
    inputs = [bare_data(i) for i in range(item_count(args.rounds, args.per_round, most))]

    def issue(sign):
        def run(worker, item):
            document_issue(
                actor=head,
                issuer_unit=office,
                kind="surat_domisili",
                title="Surat Keterangan Domisili",
                number=f"470/{item:06d}/35.10.24.2008/XI/2026",  # items are distinct across workers
                template=TEMPLATE,
                data=LETTER,
                holder_label="S***i A***h",
                sign=sign,
            )

        return run

    subjects = {**engine_subjects(path, inputs), "unsigned": issue(False), "signed": issue(True)}
    run_passes(
        subjects,
        workers=most,
        rounds=args.rounds,
        per_round=args.per_round,
        label="document_issue (unsigned)",
        name="documents_letters",
    )


if __name__ == "__main__":
    main()
