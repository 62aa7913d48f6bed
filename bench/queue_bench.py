"""Officer work-queue latency at 1 M cases vs at 10 k cases.

Two worker processes, one per database (``--db`` and ``<db>_10k``), each logged in as the
verifier of the busiest agency (the agency with the most cases waiting for an officer in the
large database; the same agency in both). The parent asks them for rounds of requests in turn,
alternating which goes first, so both databases see the same machine. Subjects: the page
``/kantor/antrean/?tab=unit`` (full HTML page, 50 rows) and ``/api/v1/queue/?tab=unit``. The
figure is the p95 over all requests of all rounds.

The worker also reports the number of queries per page (``CaptureQueriesContext``) and
``EXPLAIN (ANALYZE, BUFFERS)`` of the queries of one page.
"""

from __future__ import annotations

import json
import subprocess
import sys

from bench.harness import Figure, median, p95

RATIO_GOAL = 1.5
P95_GOAL_MS = 50.0
TARGETS = {
    "page": ("/kantor/antrean/?tab=unit", "text/html,application/xhtml+xml"),
    "api": ("/api/v1/queue/?tab=unit", "application/json"),
}


# --- worker (one per database) ------------------------------------------------------------------


def worker_main() -> None:
    """Serve commands (JSON lines on stdin), answer on stdout."""
    from django.db import connection

    from bench.harness import WsgiClient, latencies

    state = {"client": None}

    def info(_command):
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT o.code, count(*) FROM cases_case c JOIN regions_orgunit o ON o.id = c.current_owner_id
                WHERE o.kind = 'agency' AND c.status IN ('in_progress', 'verified', 'ready_for_handover')
                GROUP BY o.code ORDER BY count(*) DESC LIMIT 1
                """
            )
            busiest = cursor.fetchone()
            cursor.execute("SELECT count(*) FROM cases_case")
            cases = cursor.fetchone()[0]
        return {"busiest_agency": busiest[0], "busiest_queue": busiest[1], "cases": cases}

    def login(command):
        from pintu.accounts.models import RoleAssignment

        assignment = (
            RoleAssignment.objects.select_related("user", "org_unit")
            .filter(role="agency_verifier", org_unit__code=command["agency"], revoked_at__isnull=True)
            .order_by("id")
            .first()
        )
        client = WsgiClient()
        client.login(assignment.user)
        state["client"] = client
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM cases_case WHERE current_owner_id = %s "
                "AND status IN ('in_progress', 'verified', 'ready_for_handover')",
                [assignment.org_unit_id],
            )
            queue = cursor.fetchone()[0]
        checks = {}
        for name, (path, accept) in TARGETS.items():
            status, body = client.get(path, accept=accept)
            if name == "api":
                rows = len(json.loads(body)["results"]) if status == 200 else 0
            else:
                rows = body.count(b'<a class="mono" href="/kantor/')
            checks[name] = {"status": status, "rows": rows}
        return {
            "user": assignment.user.username,
            "unit": assignment.org_unit.code,
            "queue": queue,
            "checks": checks,
        }

    def measure(command):
        path, accept = TARGETS[command["target"]]
        client = state["client"]
        statuses = []

        def call(_):
            status, _body = client.get(path, accept=accept)
            statuses.append(status)

        values = latencies(call, range(command["n"]))
        bad = [s for s in statuses if s != 200]
        return {"ms": values, "errors": len(bad)}

    def explain(command):
        from django.test.utils import CaptureQueriesContext

        from bench.harness import explain as explain_sqls

        path, accept = TARGETS[command["target"]]
        with CaptureQueriesContext(connection) as captured:
            state["client"].get(path, accept=accept)
        queries = [{"sql": q["sql"], "ms": float(q["time"]) * 1000} for q in captured.captured_queries]
        plans = explain_sqls([q["sql"] for q in queries]) if command.get("analyze") else []
        return {"queries": queries, "plans": plans}

    handlers = {"info": info, "login": login, "measure": measure, "explain": explain}
    for line in sys.stdin:
        command = json.loads(line)
        if command["op"] == "quit":
            break
        answer = handlers[command["op"]](command)
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


# --- parent ---------------------------------------------------------------------------------------


class Worker:
    def __init__(self, script: str, db: str):
        self.db = db
        self.process = subprocess.Popen(
            [sys.executable, script, "_queue-worker", "--db", db],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def ask(self, **command) -> dict:
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit(f"queue worker for {self.db} died")
        return json.loads(line)

    def close(self) -> None:
        try:
            self.process.stdin.write(json.dumps({"op": "quit"}) + "\n")
            self.process.stdin.close()
        finally:
            self.process.wait(timeout=60)


def run(*, script: str, db: str, small_db: str, rounds: int, per_round: int) -> dict:
    big, small = Worker(script, db), Worker(script, small_db)
    try:
        big_info, small_info = big.ask(op="info"), small.ask(op="info")
        agency = big_info["busiest_agency"]
        logins = {"big": big.ask(op="login", agency=agency), "small": small.ask(op="login", agency=agency)}
        for side, answer in logins.items():
            for target, check in answer["checks"].items():
                if check["status"] != 200 or check["rows"] != 50:
                    raise SystemExit(
                        f"queue {target} on the {side} database: {check} (expected 200 with 50 rows)"
                    )
        for worker in (big, small):  # warm-up
            for target in TARGETS:
                worker.ask(op="measure", target=target, n=30)
        samples = {(side, target): [] for side in ("big", "small") for target in TARGETS}
        errors = 0
        for index in range(rounds):
            order = [("big", big), ("small", small)] if index % 2 == 0 else [("small", small), ("big", big)]
            for target in TARGETS:
                for side, worker in order:
                    answer = worker.ask(op="measure", target=target, n=per_round)
                    samples[(side, target)] += answer["ms"]
                    errors += answer["errors"]
        if errors:
            raise SystemExit(f"{errors} queue requests failed")
        detail = {
            "big_page": big.ask(op="explain", target="page", analyze=True),
            "big_api": big.ask(op="explain", target="api", analyze=False),
            "small_page": small.ask(op="explain", target="page", analyze=True),
        }
    finally:
        big.close()
        small.close()

    figures = []
    for target, label in (
        ("page", "officer queue page /kantor/antrean/"),
        ("api", "officer queue API /api/v1/queue/"),
    ):
        subject, baseline = p95(samples[("big", target)]), p95(samples[("small", target)])
        ratio = subject / baseline
        figures.append(
            Figure(
                name=f"{label} p95",
                subject=subject,
                baseline=baseline,
                ratio=ratio,
                goal=f"<= {RATIO_GOAL}x and <= {P95_GOAL_MS:.0f} ms",
                passed=ratio <= RATIO_GOAL and subject <= P95_GOAL_MS,
                note=", ".join(
                    reason
                    for reason, failed in (
                        (f"ratio above {RATIO_GOAL}x", ratio > RATIO_GOAL),
                        (f"p95 above {P95_GOAL_MS:.0f} ms", subject > P95_GOAL_MS),
                    )
                    if failed
                ),
                unit="ms",
                subject_label=f"{big_info['cases']:,} cases",
                baseline_label=f"{small_info['cases']:,} cases",
            )
        )
    return {
        "figures": figures,
        "agency": agency,
        "logins": logins,
        "info": {"big": big_info, "small": small_info},
        "medians_ms": {
            f"{target} at {(big_info if side == 'big' else small_info)['cases']:,} cases": median(values)
            for (side, target), values in samples.items()
        },
        "samples_ms": {f"{side}:{target}": values for (side, target), values in samples.items()},
        "queries_per_request": {
            f"page at {big_info['cases']:,}": len(detail["big_page"]["queries"]),
            f"api at {big_info['cases']:,}": len(detail["big_api"]["queries"]),
            f"page at {small_info['cases']:,}": len(detail["small_page"]["queries"]),
        },
        "detail": detail,
        "settings": {"rounds": rounds, "per_round": per_round},
    }
