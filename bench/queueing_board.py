"""Display-board update latency: from a committed call to 20 open boards showing it.

    .venv/bin/python bench/queueing_board.py [--boards 20] [--calls 40] [--workers 2] [--poll-ms 400]

Set-up (untimed): database ``pintu_bench_board`` (dropped and recreated), one MPP site with 20
counters and officers (through the services), 400 waiting tickets; a real gunicorn with
``--workers`` sync workers (the default deployment) serves ``pintu.wsgi`` on 127.0.0.1:8765.

Subject: ``--boards`` threads each behave like the board's JavaScript: ``GET
/antrian/<site>/papan/status/?v=<version>``, a 204 while nothing changed, the state (JSON) when it
did; the next poll ``--poll-ms`` after the answer. Meanwhile this process calls
``ticket_call_next`` on a rotating counter about once a second (and finishes the counter's
previous ticket first), noting the time each call committed. Latency = the moment a board
received the state announcing that ticket − the commit. Figure: p95 over every (call, board).

Baseline (same run, same calls, same interval): ``--boards`` threads polling the board version
straight from PostgreSQL (``SELECT sum(board_version)`` on their own connection): the latency
of polling itself, without HTTP, Django or the state query.

Prints p95 (and p50, max) of both, the ratio and the goal (p95 ≤ 1 s). Writes
bench/results/queueing_board-latest.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DB = "pintu_bench_board"
SITE_CODE = "MPP-BOARD"
PORT = 8765
ENV = {
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}",
    "DJANGO_SETTINGS_MODULE": "pintu.settings",
    "PINTU_DEBUG": "0",
    "PINTU_SECRET_KEY": "bench-only-" + "k" * 60,
    "PINTU_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "PINTU_SECURE_SSL_REDIRECT": "0",
    "PINTU_SECURE_COOKIES": "0",
    "PINTU_LOG_LEVEL": "WARNING",
    "PINTU_STATIC_ROOT": str(RESULTS / "static"),
}


def configure() -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.update(ENV)
    import django

    django.setup()


def recreate_database() -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB}"')


def build_floor(counters: int, tickets: int):
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
        actor=None, kind=OrgUnitKind.MPP_SITE, code=SITE_CODE, name="MPP Board", regency=regency
    )
    site = qs.site_configure(
        actor=None, org_unit=unit, opening_hours={str(d): ["00:00", "23:59"] for d in range(7)}
    )
    category = qs.category_define(actor=None, site=site, prefix="A", name="Kategori A")
    pairs = []
    for n in range(1, counters + 1):
        counter = qs.counter_define(actor=None, site=site, number=n, categories=[category])
        officer = staff_user_create(actor=None, username=f"board.loket{n:02d}", full_name=f"Petugas {n}")
        role_assign(actor=None, user=officer, role=Role.COUNTER_OFFICER, org_unit=unit)
        qs.counter_open(actor=officer, counter=counter)
        pairs.append((officer, counter))
    kiosk = qs.kiosk_open(actor=pairs[0][0], site=site)
    for _ in range(tickets):
        qs.ticket_take(actor=None, site=site, category=category, kiosk=kiosk)
    return site, pairs


def start_server(workers: int) -> subprocess.Popen:
    env = {**os.environ, **ENV}
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "pintu.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    url = f"http://127.0.0.1:{PORT}/antrian/{SITE_CODE}/papan/status/"
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


class HttpBoard(threading.Thread):
    def __init__(self, poll_ms: int, stop: threading.Event):
        super().__init__(daemon=True)
        self.poll = poll_ms / 1000
        self.stop = stop
        self.version = ""
        self.seen: dict[int, float] = {}  # ticket id → when this board first showed its call
        self.rtts: list[float] = []

    def run(self):
        url = f"http://127.0.0.1:{PORT}/antrian/{SITE_CODE}/papan/status/?v="
        while not self.stop.is_set():
            started = time.time()
            try:
                with urllib.request.urlopen(url + self.version, timeout=5) as response:
                    body = response.read() if response.status == 200 else b""
            except OSError:
                body = b""
            received = time.time()
            self.rtts.append(received - started)
            if body:
                state = json.loads(body)
                self.version = str(state["version"])
                for a in state["announcements"]:
                    pk = int(a["key"].split("-")[0])
                    self.seen.setdefault(pk, received)
            time.sleep(self.poll)


class DbBoard(threading.Thread):
    """Baseline: poll the version straight from the database."""

    def __init__(self, poll_ms: int, stop: threading.Event, site_id: int, calls: list):
        super().__init__(daemon=True)
        self.poll, self.stop, self.site_id, self.calls = poll_ms / 1000, stop, site_id, calls
        self.seen: dict[int, float] = {}

    def run(self):
        import psycopg

        with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{DB}", autocommit=True) as conn:
            version = None
            while not self.stop.is_set():
                row = conn.execute(
                    "SELECT sum(board_version) FROM queueing_counter WHERE site_id = %s", (self.site_id,)
                ).fetchone()
                received = time.time()
                if row[0] != version:
                    version = row[0]
                    for pk, committed in list(self.calls):
                        if committed <= received:
                            self.seen.setdefault(pk, received)
                time.sleep(self.poll)


def drive_calls(pairs, n_calls: int, rng: random.Random) -> list[tuple[int, float]]:
    from pintu.queueing import services as qs
    from pintu.queueing.models import Ticket

    calls = []
    for i in range(n_calls):
        officer, counter = pairs[i % len(pairs)]
        active = Ticket.objects.filter(counter=counter, status__in=["called", "serving"]).first()
        if active is not None:
            qs.ticket_finish(actor=officer, ticket=active, outcome="completed")
            time.sleep(0.3)
        ticket = qs.ticket_call_next(actor=officer, counter=counter)
        calls.append((ticket.pk, time.time()))
        time.sleep(0.7 + rng.random() * 0.6)
    return calls


def latencies(boards, calls) -> list[float]:
    found = []
    for pk, committed in calls:
        for board in boards:
            if pk in board.seen:
                found.append(board.seen[pk] - committed)
            else:
                found.append(float("inf"))  # never shown: counts as a miss
    return found


def p95(values):
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boards", type=int, default=20)
    parser.add_argument("--calls", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--poll-ms", type=int, default=400)
    args = parser.parse_args()
    recreate_database()
    configure()
    print(f"set-up: {DB}, 20 counters, gunicorn with {args.workers} sync workers…", flush=True)
    site, pairs = build_floor(20, 2 * args.calls + 20)
    from django.db import connection

    connection.close()
    server = start_server(args.workers)
    rng = random.Random(7)
    try:
        stop = threading.Event()
        boards = [HttpBoard(args.poll_ms, stop) for _ in range(args.boards)]
        for b in boards:
            b.start()
            time.sleep(args.poll_ms / 1000 / args.boards)  # boards opened at different moments
        time.sleep(1.5)
        subject_calls = drive_calls(pairs, args.calls, rng)
        time.sleep(2.0)
        stop.set()
        for b in boards:
            b.join()
        subject = latencies(boards, subject_calls)
        rtts = [r for b in boards for r in b.rtts]

        stop = threading.Event()
        shared: list = []
        db_boards = [DbBoard(args.poll_ms, stop, site.pk, shared) for _ in range(args.boards)]
        for b in db_boards:
            b.start()
            time.sleep(args.poll_ms / 1000 / args.boards)
        time.sleep(1.0)
        from pintu.queueing import services as qs
        from pintu.queueing.models import Ticket

        baseline_calls = []
        for i in range(args.calls):
            officer, counter = pairs[i % len(pairs)]
            active = Ticket.objects.filter(counter=counter, status__in=["called", "serving"]).first()
            if active is not None:
                qs.ticket_finish(actor=officer, ticket=active, outcome="completed")
                time.sleep(0.3)
            ticket = qs.ticket_call_next(actor=officer, counter=counter)
            committed = time.time()
            shared.append((ticket.pk, committed))
            baseline_calls.append((ticket.pk, committed))
            time.sleep(0.7 + rng.random() * 0.6)
        time.sleep(2.0)
        stop.set()
        for b in db_boards:
            b.join()
        baseline = latencies(db_boards, baseline_calls)
    finally:
        server.terminate()
        server.wait(timeout=10)
    sp95, bp95 = p95(subject), p95(baseline)
    misses = sum(1 for v in subject if v == float("inf"))
    ok = sp95 <= 1.0 and misses == 0
    print(
        f"board update latency, {args.boards} boards, poll {args.poll_ms} ms, {args.workers} gunicorn sync workers: "
        f"p95 {sp95 * 1000:.0f} ms (p50 {statistics.median(subject) * 1000:.0f} ms, max {max(subject) * 1000:.0f} ms, "
        f"{misses} missed of {len(subject)}); baseline (polling the database directly) p95 {bp95 * 1000:.0f} ms; "
        f"ratio {sp95 / bp95:.2f}x; poll request p95 {p95(rtts) * 1000:.1f} ms over {len(rtts)} polls "
        f"(goal p95 <= 1000 ms) {'PASS' if ok else 'FAIL'}"
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "queueing_board-latest.json").write_text(
        json.dumps(
            {
                "args": vars(args),
                "subject_ms": [round(v * 1000, 1) for v in subject],
                "baseline_ms": [round(v * 1000, 1) for v in baseline],
                "poll_rtt_p95_ms": round(p95(rtts) * 1000, 2),
                "polls": len(rtts),
                "loadavg": os.getloadavg(),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
