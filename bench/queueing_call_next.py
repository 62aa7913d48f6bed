"""Call-next under many concurrent counters on PostgreSQL: throughput, duplicates, lost tickets.

    .venv/bin/python bench/queueing_call_next.py [--processes 2] [--counters 50] [--tickets 3000] [--rounds 3]

Set-up (untimed): database ``pintu_bench_queue`` is dropped and recreated, migrated, and gets one
MPP site with 5 categories, ``--counters`` counters (each serving two categories) and as many
counter officers, all through the services; each counter is opened by its officer.

Each round loads ``--tickets`` waiting tickets for today (bulk insert: set-up, not the measured
path), then ``--processes`` OS processes start ``counters / processes`` threads each; every
thread has its own database connection and is one counter; the clock starts when every process
has imported Django and released them together. Two measured variants, interleaved (A B A B …):

* subject  — the product path: ``ticket_call_next`` (on PostgreSQL one statement: counter lock
             and officer check, SKIP LOCKED pick, conditional UPDATE, history row, audit row,
             board version) then ``ticket_finish`` (one statement too) so the counter is free
             again; a counter stops when call-next answers None. Figure: calls per second.
* baseline — the bare pop of the same rows in autocommit:
             ``UPDATE … SET status='called' WHERE id = (SELECT … FOR UPDATE SKIP LOCKED LIMIT 1)
             RETURNING id`` then ``UPDATE … SET status='done'``: the least a correct queue
             can do with two statements per ticket.

After every round: duplicates = tickets returned to more than one counter; lost = tickets that
were claimed in the database but returned to nobody, plus tickets still waiting after every
counter saw an empty queue. Prints calls/s of both, the ratio, and the counts (goal ≥ 300 calls/s,
0 duplicates, 0 lost). Writes bench/results/queueing_call_next-latest.json.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import statistics
import sys
import threading
import time
from collections import Counter as Tally
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DB = "pintu_bench_queue"
SITE_CODE = "MPP-BENCH"


def configure() -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "pintu.settings"
    os.environ.setdefault("PINTU_DEBUG", "0")
    os.environ.setdefault("PINTU_SECRET_KEY", "bench-only-" + "k" * 60)
    os.environ.setdefault("PINTU_LOG_LEVEL", "WARNING")
    os.environ.setdefault("PINTU_SECURE_SSL_REDIRECT", "0")
    import django

    django.setup()


def recreate_database() -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB}"')


def build_floor(counters: int) -> None:
    """Regency, MPP site, categories, counters and officers, through the services."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0, skip_checks=True)
    from pintu.accounts.constants import Role
    from pintu.accounts.services import role_assign, staff_user_create
    from pintu.queueing import services as qs
    from pintu.regions.constants import OrgUnitKind
    from pintu.regions.models import Province, Regency
    from pintu.regions.services import org_unit_create

    province = Province.objects.create(code="35", name="Jawa Timur")
    regency = Regency.objects.create(
        code="35.10", province=province, name="Kabupaten Banyuwangi", kind="kabupaten"
    )
    unit = org_unit_create(
        actor=None, kind=OrgUnitKind.MPP_SITE, code=SITE_CODE, name="MPP Bench", regency=regency
    )
    site = qs.site_configure(
        actor=None, org_unit=unit, opening_hours={str(d): ["00:00", "23:59"] for d in range(7)}
    )
    categories = [qs.category_define(actor=None, site=site, prefix=p, name=f"Kategori {p}") for p in "ABCDE"]
    for n in range(1, counters + 1):
        counter = qs.counter_define(
            actor=None, site=site, number=n, categories=[categories[n % 5], categories[(n + 1) % 5]]
        )
        officer = staff_user_create(actor=None, username=f"bench.loket{n:02d}", full_name=f"Petugas {n}")
        role_assign(actor=None, user=officer, role=Role.COUNTER_OFFICER, org_unit=unit)
        qs.counter_open(actor=officer, counter=counter)


def load_tickets(n: int, round_no: int) -> None:
    """Fresh waiting tickets for today (bulk insert; the queue's own take path is not measured)."""
    import datetime as dt

    from django.db import connection
    from django.utils import timezone

    from pintu.queueing.models import QueueSite, Ticket, TicketCategory

    site = QueueSite.objects.get(org_unit__code=SITE_CODE)
    categories = list(TicketCategory.objects.filter(site=site).order_by("prefix"))
    with connection.cursor() as cursor:
        # TRUNCATE, not DELETE: every round (of either variant) starts from a fresh table, not
        # from one bloated by the dead rows of the rounds before (nothing else holds tickets here).
        cursor.execute("TRUNCATE queueing_ticket, queueing_ticketevent, audit_auditentry CASCADE")
    now = timezone.now()
    today = timezone.localdate(now)
    rows = []
    for i in range(n):
        category = categories[i % len(categories)]
        rows.append(
            Ticket(
                site=site,
                category=category,
                number_category=category,
                service_date=today,
                sequence=i + 1,
                display_number=f"{category.prefix}{i + 1:04d}",
                public_code=f"R{round_no}T{i:07d}",
                priority_group="elderly" if i % 17 == 0 else "",
                source="kiosk",
                arrived_at=now - dt.timedelta(seconds=n - i),
            )
        )
    Ticket.objects.bulk_create(rows, batch_size=1000)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE queueing_ticket, queueing_counter")


# --- workers -------------------------------------------------------------------------------------


def _subject_counter(counter_id: int, out: list, errors: list) -> None:
    from django.db import connection

    from pintu.accounts.models import User
    from pintu.queueing import services as qs
    from pintu.queueing.models import Counter

    try:
        counter = Counter.objects.select_related("site__org_unit", "current_officer").get(pk=counter_id)
        officer = User.objects.get(pk=counter.current_officer_id)
        while (ticket := qs.ticket_call_next(actor=officer, counter=counter)) is not None:
            out.append(ticket.pk)
            qs.ticket_finish(actor=officer, ticket=ticket, outcome="completed")
    except Exception as exc:  # reported, counted as a failure of the run
        errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        connection.close()


POP_SQL = """
UPDATE queueing_ticket SET status = 'called', counter_id = %(counter)s, called_at = now()
WHERE id = (
    SELECT id FROM queueing_ticket
    WHERE site_id = %(site)s AND service_date = %(day)s AND status = 'waiting'
      AND category_id = ANY(%(categories)s)
    ORDER BY arrived_at, id LIMIT 1 FOR UPDATE SKIP LOCKED
) RETURNING id
"""


def _baseline_counter(params: dict, out: list, errors: list) -> None:
    """Own psycopg connection per counter (no Django connection: 50 + 50 would pass
    max_connections)."""
    import psycopg

    try:
        with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{DB}", autocommit=True) as conn:
            while True:
                row = conn.execute(POP_SQL, params).fetchone()
                if row is None:
                    break
                out.append(row[0])
                conn.execute("UPDATE queueing_ticket SET status = 'done' WHERE id = %s", (row[0],))
    except Exception as exc:
        errors.append(f"{type(exc).__name__}: {exc}")


def baseline_params(counter_ids: list[int]) -> dict[int, dict]:
    from django.utils import timezone

    from pintu.queueing.models import Counter, CounterCategory

    sites = dict(Counter.objects.filter(pk__in=counter_ids).values_list("pk", "site_id"))
    categories: dict[int, list[int]] = {}
    for counter_id, category_id in CounterCategory.objects.filter(counter_id__in=counter_ids).values_list(
        "counter_id", "category_id"
    ):
        categories.setdefault(counter_id, []).append(category_id)
    day = timezone.localdate()
    return {
        cid: {"counter": cid, "site": sites[cid], "day": day, "categories": categories[cid]}
        for cid in counter_ids
    }


def process_main(kind: str, counter_ids: list[int], ready, go, results, params: dict) -> None:
    configure()
    from django.db import connection

    connection.close()
    out: list[int] = []
    errors: list[str] = []
    if kind == "subject":
        from pintu.queueing import services  # noqa: F401  (imported before the clock starts)

        threads = [threading.Thread(target=_subject_counter, args=(cid, out, errors)) for cid in counter_ids]
    else:
        threads = [
            threading.Thread(target=_baseline_counter, args=(params[cid], out, errors)) for cid in counter_ids
        ]
    ready.put(os.getpid())
    go.wait()  # every process has imported Django and is ready: all start together
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    results.put({"pids": out, "errors": errors, "end": time.time()})


def run_round(kind: str, counter_ids: list[int], processes: int, tickets: int) -> dict:
    from django.db import connection

    from pintu.queueing.models import Ticket

    ctx = mp.get_context("spawn")
    results, ready, go = ctx.Queue(), ctx.Queue(), ctx.Event()
    chunks = [counter_ids[i::processes] for i in range(processes)]
    params = baseline_params(counter_ids)
    connection.close()
    procs = [
        ctx.Process(target=process_main, args=(kind, chunk, ready, go, results, params)) for chunk in chunks
    ]
    for p in procs:
        p.start()
    for _ in procs:  # the clock starts when the last process is ready (imports are not measured)
        ready.get()
    start_at = time.time()
    go.set()
    answers = [results.get() for _ in procs]
    for p in procs:
        p.join()
    elapsed = max(a["end"] for a in answers) - start_at
    called = [pk for a in answers for pk in a["pids"]]
    errors = [e for a in answers for e in a["errors"]]
    connection.close()
    tally = Tally(called)
    duplicates = sum(n - 1 for n in tally.values() if n > 1)
    claimed = set(Ticket.objects.exclude(status="waiting").values_list("pk", flat=True))
    still_waiting = Ticket.objects.filter(status="waiting").count()
    lost = len(claimed - set(called)) + still_waiting
    return {
        "kind": kind,
        "calls": len(called),
        "seconds": round(elapsed, 3),
        "per_second": round(len(called) / elapsed, 1) if elapsed > 0 else 0.0,
        "duplicates": duplicates,
        "lost": lost,
        "errors": errors[:5],
        "error_count": len(errors),
        "expected": tickets,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--counters", type=int, default=50)
    parser.add_argument("--tickets", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    recreate_database()
    configure()
    print(f"set-up: {DB}, {args.counters} counters in {args.processes} processes…", flush=True)
    build_floor(args.counters)
    from pintu.queueing.models import Counter

    counter_ids = list(Counter.objects.order_by("number").values_list("pk", flat=True))
    rounds = []
    for round_no in range(args.rounds):
        for kind in ("subject", "baseline"):
            load_tickets(args.tickets, round_no * 2 + (kind == "baseline"))
            result = run_round(kind, counter_ids, args.processes, args.tickets)
            rounds.append(result)
            print(
                f"  round {round_no + 1} {kind:8s} {result['calls']:5d} calls in {result['seconds']:6.2f}s = "
                f"{result['per_second']:7.1f}/s  duplicates {result['duplicates']} lost {result['lost']} "
                f"errors {result['error_count']}",
                flush=True,
            )
    subject = statistics.median(r["per_second"] for r in rounds if r["kind"] == "subject")
    baseline = statistics.median(r["per_second"] for r in rounds if r["kind"] == "baseline")
    duplicates = sum(r["duplicates"] for r in rounds if r["kind"] == "subject")
    lost = sum(r["lost"] for r in rounds if r["kind"] == "subject")
    errors = sum(r["error_count"] for r in rounds if r["kind"] == "subject")
    ok = subject >= 300 and duplicates == 0 and lost == 0 and errors == 0
    print(
        f"call-next, {args.counters} counters × {args.processes} processes: subject {subject:.0f} calls/s, "
        f"baseline {baseline:.0f}/s (bare SKIP LOCKED pop), ratio {100 * subject / baseline:.0f}%; "
        f"duplicates {duplicates}, lost {lost}, errors {errors} "
        f"(goal >= 300 calls/s, 0, 0) {'PASS' if ok else 'FAIL'}"
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()
    (RESULTS / "queueing_call_next-latest.json").write_text(
        json.dumps(
            {"args": vars(args), "rounds": rounds, "subject": subject, "baseline": baseline, "loadavg": load},
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
