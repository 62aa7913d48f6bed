"""Benchmark of the feedback read paths at regency scale, on PostgreSQL.

    .venv/bin/python bench/feedback_ikm.py [--responses 200000] [--complaints 50000] [--rounds 5] [--reuse] [--reuse]

Creates (drops first) the database ``pintu_bench_feedback``, migrates it, fills it with survey
responses across 12 agencies and 2 periods and with complaints (bulk inserts: this is load for
reads, not demo data), then prints each figure as a ratio against a baseline measured in the
same run:

* IKM report (``selectors.ikm_report``: overall, per agency, per service, 4 profile tables and
  the trend — three grouped SQL scans) vs the naive way (load every response of the period
  and sum in Python) — goal: the report is faster than the naive single table;
* IKM report vs one bare aggregate query (the floor) — what the per-service and trend scans cost;
* complaint queue of one agency (one query) vs a bare ``SELECT id … LIMIT 50`` on the table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB = "pintu_bench_feedback"


def configure() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "pintu.settings"
    os.environ.setdefault("PINTU_DEBUG", "0")
    os.environ.setdefault("PINTU_SECRET_KEY", "bench-only-" + "k" * 60)
    os.environ.setdefault("PINTU_LOG_LEVEL", "WARNING")
    import django

    django.setup()


def recreate_database() -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB}"')
        conn.execute(f'CREATE DATABASE "{DB}"')


def fill(responses: int, complaints: int) -> dict:
    from django.core.management import call_command
    from django.utils import timezone

    from pintu.feedback.models import Complaint, SurveyPeriod, SurveyResponse
    from pintu.regions.models import OrgUnit, Province, Regency

    call_command("migrate", verbosity=0)
    province = Province.objects.create(code="35", name="Jawa Timur")
    regency = Regency.objects.create(
        code="35.10", province=province, name="Kabupaten Banyuwangi", kind="kabupaten"
    )
    government = OrgUnit.objects.create(
        kind="regency_government", code="PEMKAB-35.10", name="Pemkab", regency=regency
    )
    agencies = [
        OrgUnit.objects.create(kind="agency", code=f"AG{i:02d}", name=f"Instansi {i:02d}", regency=regency)
        for i in range(12)
    ]
    site = OrgUnit.objects.create(kind="mpp_site", code="MPP", name="MPP", regency=regency)
    periods = [
        SurveyPeriod.objects.create(
            code=str(y), name=f"SKM {y}", starts_on=dt.date(y, 1, 1), ends_on=dt.date(y, 12, 31)
        )
        for y in (2025, 2026)
    ]
    rng = random.Random(7)
    now = timezone.now()
    batch = []
    for n in range(responses):
        batch.append(
            SurveyResponse(
                period=periods[n % 2],
                agency=agencies[n % 12],
                site=site if n % 3 else None,
                channel="link",
                submitted_at=now,
                sex=rng.choice("LP"),
                education=rng.choice(["sd", "smp", "sma", "s1", ""]),
                **{f"u{i}": rng.randint(2, 4) for i in range(1, 10)},
            )
        )
        if len(batch) == 10_000:
            SurveyResponse.objects.bulk_create(batch)
            batch = []
    SurveyResponse.objects.bulk_create(batch)
    batch = []
    today = timezone.localdate()
    for n in range(complaints):
        status = rng.choice(["submitted", "verified", "answered", "closed", "closed", "closed"])
        batch.append(
            Complaint(
                tracking_code=f"PB{n:010d}",
                status=status,
                channel="portal",
                agency=agencies[n % 12],
                regency=regency,
                subject="Keluhan",
                description="Isi keluhan " * 5,
                submitted_at=now,
                verify_due=today,
                due_date=today + dt.timedelta(days=rng.randint(-10, 10)) if status != "closed" else None,
            )
        )
        if len(batch) == 10_000:
            Complaint.objects.bulk_create(batch)
            batch = []
    Complaint.objects.bulk_create(batch)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"agency": agencies[0], "period": periods[1], "government": government}


def timed(calls, rounds: int) -> list[float]:
    """Median seconds of each call, the calls interleaved round by round (same machine state)."""
    samples = [[] for _ in calls]
    for _ in range(rounds):
        for i, call in enumerate(calls):
            started = time.perf_counter()
            call()
            samples[i].append(time.perf_counter() - started)
    return [statistics.median(s) for s in samples]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", type=int, default=200_000)
    parser.add_argument("--complaints", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--reuse", action="store_true", help="keep the data of an earlier run")
    args = parser.parse_args()
    configure()
    if args.reuse:
        from pintu.feedback.models import Complaint, SurveyPeriod, SurveyResponse
        from pintu.regions.models import OrgUnit

        fixtures = {
            "agency": OrgUnit.objects.get(code="AG00"),
            "period": SurveyPeriod.objects.get(code="2026"),
            "government": OrgUnit.objects.get(code="PEMKAB-35.10"),
        }
        args.responses, args.complaints = SurveyResponse.objects.count(), Complaint.objects.count()
    else:
        recreate_database()
        from django.db import connections

        connections.close_all()
        started = time.perf_counter()
        fixtures = fill(args.responses, args.complaints)
        print(
            f"data: {args.responses} responses, {args.complaints} complaints in {time.perf_counter() - started:.0f} s"
        )

    from django.db.models import Count, Sum

    from pintu.accounts.access import Principal
    from pintu.feedback.models import Complaint, SurveyResponse
    from pintu.feedback.rules import ELEMENT_CODES, PERMENPANRB_14_2017, ikm_compute
    from pintu.feedback.selectors import Filters, complaint_queue, ikm_report

    regency_admin = Principal(
        user_id=1,
        account_type="staff",
        grants=frozenset({("regency_admin", fixtures["government"].pk)}),
        regency_ids=frozenset({fixtures["government"].regency_id}),
    )
    officer = Principal(
        user_id=2,
        account_type="staff",
        grants=frozenset({("agency_verifier", fixtures["agency"].pk)}),
        regency_ids=frozenset(),
    )
    period_id = fixtures["period"].pk

    def report():
        ikm_report(regency_admin, Filters(period_id=period_id))

    def naive():
        totals = {c: [0, 0] for c in ELEMENT_CODES}
        rows = 0
        for row in SurveyResponse.objects.filter(period_id=period_id).values_list(*ELEMENT_CODES):
            rows += 1
            for code, value in zip(ELEMENT_CODES, row, strict=True):
                if value is not None:
                    totals[code][0] += value
                    totals[code][1] += 1
        ikm_compute(PERMENPANRB_14_2017, {c: tuple(v) for c, v in totals.items()}, rows)

    def bare_aggregate():
        aggregates = {f"{c}_s": Sum(c) for c in ELEMENT_CODES} | {"n": Count("id")}
        SurveyResponse.objects.filter(period_id=period_id).aggregate(**aggregates)

    def queue():
        complaint_queue(officer, tab="open")

    def bare_queue():
        list(Complaint.objects.filter(agency_id=fixtures["agency"].pk).values_list("id", flat=True)[:50])

    for call in (report, naive, bare_aggregate, queue, bare_queue):
        call()  # warm up
    r, n, b = timed([report, naive, bare_aggregate], args.rounds)
    q, bq = timed([queue, bare_queue], args.rounds * 4)
    per_period = args.responses // 2
    print(
        f"IKM report ({per_period} responses in the period, 9 tables in 3 scans): {r * 1000:.0f} ms; naive per-row Python "
        f"(1 table): {n * 1000:.0f} ms; ratio {r / n:.0%} of the naive time (goal < 100%) "
        f"{'PASS' if r < n else 'FAIL'}"
    )
    print(
        f"IKM report vs one bare aggregate query: {r * 1000:.0f} ms vs {b * 1000:.0f} ms, ratio {r / b:.1f}x "
        "(per agency, per service and trend scans)"
    )
    print(
        f"complaint queue of one agency ({args.complaints} complaints): {q * 1000:.1f} ms vs bare SELECT id "
        f"LIMIT 50 {bq * 1000:.1f} ms, ratio {q / bq:.1f}x"
    )


if __name__ == "__main__":
    main()
