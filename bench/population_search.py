"""Benchmark: resident search at regency scale (run bench/population_import.py first).

    .venv/bin/python bench/population_search.py             # on pintu_bench_pop
    .venv/bin/python bench/population_search.py --rounds 400

p95 latency of ``pintu.population.selectors.resident_search`` (the one query pages and the API
use) for a village operator within the village and for the regency admin regency-wide, by NIK
(exact), by NIK prefix (12 digits) and by name prefix (3-5 letters of real names), against a
bare indexed ``SELECT … WHERE id = %s`` in the same run. Also the API endpoint
``GET /api/v1/population/residents/?q=`` end to end through the WSGI stack. Goal: p95 ≤ 30 ms.
Every query looks up a different value drawn from the data.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.run import configure  # noqa: E402


def _user(username: str, role: str, unit):
    from pintu.accounts.models import User
    from pintu.accounts.services import role_assign, staff_user_create

    user = User.objects.filter(username=username).first() or staff_user_create(
        actor=None, username=username, full_name=username, email=f"{username}@bench.local"
    )
    role_assign(actor=None, user=user, role=role, org_unit=unit)
    return user


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", default="pintu_bench_pop")
    parser.add_argument("--rounds", type=int, default=300)
    args = parser.parse_args(argv)
    configure(args.db)

    from django.db import connection

    from bench.harness import Figure, WsgiClient, environment, p95, write_results
    from pintu.accounts.access import forget_principal, principal_for
    from pintu.accounts.constants import Role
    from pintu.population.selectors import resident_search
    from pintu.regions.models import OrgUnit

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE population_resident")
        cursor.execute(
            "SELECT village_id, count(*) FROM population_resident GROUP BY village_id ORDER BY count(*) DESC LIMIT 1"
        )
        village_id, village_rows = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM population_resident")
        total = cursor.fetchone()[0]
    if not total:
        raise SystemExit("no residents: run bench/population_import.py first")
    office = OrgUnit.objects.get(kind="village_office", village_id=village_id)
    operator = _user("bench.operator", Role.VILLAGE_OPERATOR, office)
    admin = _user("bench.admin", Role.REGENCY_ADMIN, OrgUnit.objects.get(code="PEMKAB-35.10"))
    for user in (operator, admin):
        forget_principal(user)
    op, ad = principal_for(operator), principal_for(admin)

    rng = random.Random(7)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, nik, name_key FROM population_resident WHERE village_id = %s ORDER BY random() LIMIT %s",
            [village_id, args.rounds],
        )
        local = cursor.fetchall()
        cursor.execute(
            "SELECT id, nik, name_key FROM population_resident TABLESAMPLE SYSTEM (1) LIMIT %s", [args.rounds]
        )
        wide = cursor.fetchall()

    def prefix(name: str) -> str:
        return name[: rng.randint(3, 5)]

    def timed(fn, items) -> list[float]:
        out = []
        for item in items:
            started = time.perf_counter()
            fn(item)
            out.append((time.perf_counter() - started) * 1000)
        return out

    def bare(row):
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, nik, full_name FROM population_resident WHERE id = %s", [row[0]])
            cursor.fetchall()

    cases = {
        "village: NIK exact": lambda r: resident_search(principal=op, query=r[1], village=village_id),
        "village: NIK prefix (12)": lambda r: resident_search(
            principal=op, query=r[1][:12], village=village_id
        ),
        "village: name prefix": lambda r: resident_search(
            principal=op, query=prefix(r[2]), village=village_id
        ),
        "regency: NIK exact": lambda r: resident_search(principal=ad, query=r[1]),
        "regency: name prefix": lambda r: resident_search(principal=ad, query=prefix(r[2])),
    }
    results = {}
    baseline = []
    for _round in range(2):  # warm, then measure (interleaved with the baseline)
        baseline = []
        results = {}
        for name, fn in cases.items():
            rows = local if name.startswith("village") else wide
            baseline += timed(bare, rows[: len(rows) // 2])
            results[name] = timed(fn, rows)
    base_p95 = p95(baseline)
    figures = []
    for name, values in results.items():
        figure = Figure(
            name=f"resident search, {name}, {total:,} residents",
            subject=p95(values),
            baseline=base_p95,
            ratio=p95(values) / base_p95,
            goal="p95 <= 30 ms",
            passed=p95(values) <= 30,
            unit="ms",
            subject_label="p95",
            baseline_label="bare SELECT by id p95",
        )
        figures.append(figure)
        print(figure.line(), flush=True)

    client = WsgiClient()
    client.login(admin)
    api_times = timed(
        lambda r: client.get(f"/api/v1/population/residents/?q={prefix(r[2])}", accept="application/json"),
        wide,
    )
    api = Figure(
        name=f"API /api/v1/population/residents/?q=<name prefix> regency-wide, {total:,} residents",
        subject=p95(api_times),
        baseline=base_p95,
        ratio=p95(api_times) / base_p95,
        goal="p95 <= 30 ms",
        passed=p95(api_times) <= 30,
        unit="ms",
        subject_label="p95",
        baseline_label="bare SELECT by id p95",
    )
    figures.append(api)
    print(api.line(), flush=True)
    with connection.cursor() as cursor:
        plans = {}
        for label, (query, params) in {
            "name prefix in village": (
                "EXPLAIN ANALYZE SELECT id FROM population_resident WHERE NOT status = 9 AND name_key LIKE %s "
                "AND village_id = %s ORDER BY name_key, id LIMIT 20",
                [local[0][2][:4] + "%", village_id],
            ),
            "NIK exact": (
                "EXPLAIN ANALYZE SELECT id FROM population_resident WHERE NOT status = 9 AND nik = %s",
                [wide[0][1]],
            ),
        }.items():
            cursor.execute(query, params)
            plans[label] = [row[0] for row in cursor.fetchall()]
    path = write_results(
        "population_search",
        {
            "residents": total,
            "village_rows": village_rows,
            "figures": [f.__dict__ for f in figures],
            "plans": plans,
            "environment": environment(),
        },
    )
    print(f"results: {path}")
    return 0 if all(f.passed for f in figures) else 1


if __name__ == "__main__":
    raise SystemExit(main())
