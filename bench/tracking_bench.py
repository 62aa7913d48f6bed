"""Public tracking lookup throughput vs a bare Django view doing one indexed SELECT.

Subjects: the tracking page ``/lacak/<code>/`` (HTML) and the API ``/api/v1/track/<code>/``
(JSON). Baseline: ``/bench/select/<code>/`` (one SELECT by ``tracking_code``, tiny response).
All three go through the same WSGI handler and middleware. Every request looks up a different,
randomly chosen existing code (none is looked up twice, so no round profits from another's
cache). Rounds are interleaved page, baseline, API, baseline, …; the figures are medians.
"""

from __future__ import annotations

import random

from bench.harness import Figure, WsgiClient, explain, latencies, median, timed_round

GOAL = 0.70


def sample_codes(count: int, seed: int = 7) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM cases_case")
        low, high = cursor.fetchone()
        ids = random.Random(seed).sample(range(low, high + 1), min(count * 2, high - low + 1))
        cursor.execute("SELECT tracking_code FROM cases_case WHERE id = ANY(%s)", [ids])
        codes = [row[0] for row in cursor.fetchall()]
    random.Random(seed).shuffle(codes)
    if len(codes) < count:
        raise SystemExit(f"need {count} cases, the database holds {len(codes)}")
    return codes[:count]


def run(*, rounds: int, per_round: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = WsgiClient()
    failures = []

    def fetch(path: str, accept: str) -> None:
        status, _ = client.get(path, accept=accept)
        if status != 200:
            failures.append((path, status))

    kinds = {
        "page": lambda code: fetch(f"/lacak/{code}/", "text/html,application/xhtml+xml"),
        "api": lambda code: fetch(f"/api/v1/track/{code}/", "application/json"),
        "select": lambda code: fetch(f"/bench/select/{code}/", "text/html,application/xhtml+xml"),
    }
    schedule = ["page", "select", "api", "select"]
    warmup = 100
    codes = sample_codes(warmup * len(kinds) + rounds * len(schedule) * per_round + 3 + 5 * 6 * 40)
    queries = {}
    for kind, call in kinds.items():
        code = codes.pop()
        with CaptureQueriesContext(connection) as captured:
            call(code)
        queries[kind] = [q["sql"] for q in captured.captured_queries]
        for _ in range(warmup):
            call(codes.pop())
    if failures:
        raise SystemExit(f"tracking requests failed: {failures[:5]}")

    samples: dict[str, list[float]] = {kind: [] for kind in kinds}
    for _ in range(rounds):
        for kind in schedule:
            batch = [codes.pop() for _ in range(per_round)]
            samples[kind].append(timed_round(kinds[kind], batch))
    if failures:
        raise SystemExit(f"tracking requests failed: {failures[:5]}")

    breakdown = _breakdown(client, codes, fetch)
    plans = explain(queries["page"])

    baseline = median(samples["select"])
    figures = []
    for kind, label in (
        ("page", "tracking page /lacak/<code>/"),
        ("api", "tracking API /api/v1/track/<code>/"),
    ):
        subject = median(samples[kind])
        ratio = subject / baseline
        figures.append(
            Figure(
                name=label,
                subject=subject,
                baseline=baseline,
                ratio=ratio,
                goal=f">= {GOAL:.0%} of the bare SELECT view",
                passed=ratio >= GOAL,
            )
        )
    return {
        "figures": figures,
        "rounds": samples,
        "queries_per_request": {kind: len(sqls) for kind, sqls in queries.items()},
        "queries": queries,
        "breakdown_ms": breakdown,
        "plans": plans,
        "settings": {"rounds": rounds, "per_round": per_round, "schedule": schedule},
    }


def _breakdown(client, codes: list[str], fetch, rounds: int = 5, per_round: int = 40) -> dict[str, float]:
    """Median milliseconds of the parts of a lookup, measured interleaved: where the time goes."""
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from pintu.cases.api import TrackingSerializer
    from pintu.cases.selectors import case_tracking

    factory = RequestFactory()
    prepared: dict = {}

    def render(tracked) -> None:
        request = factory.get("/lacak/")
        request.user = AnonymousUser()
        render_to_string("portal/track_detail.html", {"t": tracked}, request=request)

    parts = {
        "bare SELECT view (request)": lambda code: fetch(f"/bench/select/{code}/", "text/html"),
        "case_tracking() selector": case_tracking,
        "render track_detail.html": lambda code: render(prepared[code]),
        "TrackingSerializer(...).data": lambda code: TrackingSerializer(prepared[code]).data,
        "tracking page (request)": lambda code: fetch(f"/lacak/{code}/", "text/html"),
        "tracking API (request)": lambda code: fetch(f"/api/v1/track/{code}/", "application/json"),
    }
    samples: dict[str, list[float]] = {name: [] for name in parts}
    for _ in range(rounds):
        for name, call in parts.items():
            batch = [codes.pop() for _ in range(per_round)]
            prepared.clear()
            prepared.update((code, case_tracking(code)) for code in batch)
            samples[name] += latencies(call, batch)
    return {name: round(median(values), 3) for name, values in samples.items()}
