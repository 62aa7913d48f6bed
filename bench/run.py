"""Pintu benchmarks. One command per benchmark; every figure is a ratio against a baseline
measured in the same run (see bench/README.md).

    python bench/run.py data        # (re)create <db> with N cases and <db>_10k with 10,000
    python bench/run.py tracking    # tracking page and API vs a bare indexed SELECT view
    python bench/run.py queue       # officer work queue p95 at N cases vs 10,000
    python bench/run.py submission  # POST /api/v1/cases/ vs a bare one-row insert view
    python bench/run.py all         # data (unless already there), then the three benchmarks
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS = BENCH_DIR / "results"
SMALL_CASES = 10_000
DB_PREFIX = "pintu_bench"  # `data` drops and recreates databases; only ones named like this


def configure(db: str) -> None:
    """Environment for the production settings module, then Django."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{db}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.setdefault("PINTU_DEBUG", "0")  # production behaviour (no query log, cached templates)
    os.environ.setdefault("PINTU_SECRET_KEY", "bench-only-" + "k" * 60)
    os.environ.setdefault("PINTU_STATIC_ROOT", str(RESULTS / "static"))
    os.environ.setdefault("PINTU_MEDIA_ROOT", str(RESULTS / "media"))
    os.environ.setdefault("PINTU_LOG_LEVEL", "WARNING")
    # The DRF throttles stay in the request path, with limits the benchmark client never reaches.
    os.environ.setdefault("PINTU_TRACKING_RATE", "1000000/m")
    os.environ.setdefault("PINTU_SUBMISSION_RATE", "1000000/m")
    import django

    django.setup()


def ensure_static() -> None:
    """The manifest static storage of the production settings needs collectstatic once."""
    from django.conf import settings
    from django.core.management import call_command

    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        print("collectstatic (once, into bench/results/static)…", flush=True)
        call_command("collectstatic", interactive=False, verbosity=0)


def ensure_bench_table() -> None:
    from django.db import connection

    from bench.urls import BENCH_TABLE_SQL

    with connection.cursor() as cursor:
        cursor.execute(BENCH_TABLE_SQL)


def _admin_connection():
    import psycopg

    return psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True)


def data_meta(db: str) -> dict | None:
    """What `data` recorded in ``db`` (None when the database or the record is missing)."""
    import psycopg

    try:
        with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{db}") as conn:
            row = conn.execute(
                "SELECT value FROM bench_meta WHERE key = 'data'"
                " AND EXISTS (SELECT 1 FROM pg_tables WHERE tablename = 'bench_meta')"
            ).fetchone()
    except psycopg.Error:
        return None
    return row[0] if row else None


# --- commands ---------------------------------------------------------------------------------------


def data_one(db: str, cases: int) -> None:
    """Recreate one database: migrate, demo setup without cases, then ``cases`` generated cases."""
    if not db.startswith(DB_PREFIX):
        raise SystemExit(f"refusing to recreate {db!r}: `data` only manages databases named {DB_PREFIX}*")
    started = time.monotonic()
    print(f"== {db}: {cases:,} cases", flush=True)
    with _admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{db}"')
    configure(db)
    from django.core.management import call_command

    from bench import datagen

    call_command("migrate", interactive=False, verbosity=0)
    datagen.log("migrated")
    call_command("demo_setup", cases=0)
    ensure_bench_table()
    ensure_static()
    summary = datagen.generate(cases)
    print(datagen.describe(summary), flush=True)
    print(f"== {db} ready in {time.monotonic() - started:.0f} s", flush=True)


def cmd_data(args) -> dict:
    results = {}
    for db, cases in ((small_db(args.db), SMALL_CASES), (args.db, args.cases)):
        done = subprocess.run(
            [sys.executable, __file__, "_data-one", "--db", db, "--cases", str(cases)], cwd=ROOT
        )
        if done.returncode:
            raise SystemExit(f"data generation for {db} failed (exit status {done.returncode})")
        results[db] = data_meta(db)
    return {"databases": results}


def small_db(db: str) -> str:
    return f"{db}_10k"


def plan_summary(plans: list[dict]) -> str:
    from bench.harness import plan_summary as summary

    return summary(plans)


def _report(name: str, db: str, result: dict) -> dict:
    from bench.harness import environment, write_results

    print(f"-- {name} (database {db}, queries per request: {result.get('queries_per_request')})")
    for figure in result["figures"]:
        print(figure.line(), flush=True)
    payload = {
        "benchmark": name,
        "loadavg_before": result.pop("loadavg_before", None),
        "data": data_meta(db),
        "environment": environment(),
        **result,
        "figures": [{**figure.__dict__, "line": figure.line()} for figure in result["figures"]],
    }
    path = write_results(name, payload)
    print(f"   results: {path.relative_to(ROOT)}")
    return payload


def _check_data(db: str) -> None:
    if data_meta(db) is None:
        raise SystemExit(
            f"database {db} has no generated data: run `python bench/run.py data --db {db}` first"
        )


def cmd_tracking(args) -> dict:
    from bench import tracking_bench

    _check_data(args.db)
    ensure_static()
    ensure_bench_table()
    load = os.getloadavg()
    result = tracking_bench.run(rounds=args.rounds or 10, per_round=args.per_round or 300)
    payload = _report("tracking", args.db, {**result, "loadavg_before": load})
    print(
        "   where the time goes (median ms per call): "
        + ", ".join(f"{k} {v:.2f}" for k, v in result["breakdown_ms"].items())
    )
    print("   case queries of one page:")
    print(plan_summary(result["plans"]))
    return payload


def cmd_queue(args) -> dict:
    from bench import queue_bench

    _check_data(args.db)
    _check_data(small_db(args.db))
    ensure_static()
    load = os.getloadavg()
    result = queue_bench.run(
        script=__file__,
        db=args.db,
        small_db=small_db(args.db),
        rounds=args.rounds or 15,
        per_round=args.per_round or 20,
    )
    payload = _report("queue", args.db, {**result, "loadavg_before": load})
    print("   medians: " + ", ".join(f"{k} {v:.1f} ms" for k, v in result["medians_ms"].items()))
    big_plans = result["detail"]["big_page"]["plans"]
    main = next((p for p in big_plans if "ORDER BY" in p["sql"]), None)
    if main:
        cases = result["info"]["big"]["cases"]
        print(f"   EXPLAIN (ANALYZE, BUFFERS) of the queue's main query at {cases:,} cases:")
        print("   " + main["sql"])
        print("\n".join("      " + line for line in main["plan"].splitlines()))
    for side in ("big", "small"):
        print(f"   case queries of one page at {result['info'][side]['cases']:,} cases:")
        print(plan_summary(result["detail"][f"{side}_page"]["plans"]))
    return payload


def cmd_submission(args) -> dict:
    from bench import submission_bench

    _check_data(args.db)
    ensure_static()
    ensure_bench_table()
    load = os.getloadavg()
    result = submission_bench.run(rounds=args.rounds or 10, per_round=args.per_round or 50)
    payload = _report("submission", args.db, {**result, "loadavg_before": load})
    print(
        "   where the time goes (median ms per call): "
        + ", ".join(f"{k} {v:.2f}" for k, v in result["breakdown_ms"].items())
    )
    return payload


def cmd_all(args) -> dict:
    meta, small_meta = data_meta(args.db), data_meta(small_db(args.db))
    if args.fresh or not meta or meta.get("cases") != args.cases or not small_meta:
        cmd_data(args)
    else:
        print(f"data: {args.db} already holds {meta['cases']:,} generated cases (use --fresh to regenerate)")
    summary = {}
    for name, command in (("tracking", cmd_tracking), ("queue", cmd_queue), ("submission", cmd_submission)):
        summary[name] = [f["line"] for f in command(args)["figures"]]
    from bench.harness import write_results

    path = write_results("all", summary)
    print("\n".join(line for lines in summary.values() for line in lines))
    print(f"   summary: {path.relative_to(ROOT)}")
    return summary


COMMANDS = {
    "data": cmd_data,
    "tracking": cmd_tracking,
    "queue": cmd_queue,
    "submission": cmd_submission,
    "all": cmd_all,
}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=[*COMMANDS, "_data-one", "_queue-worker"])
    parser.add_argument("--cases", type=int, default=1_000_000, help="cases in the main database (data)")
    parser.add_argument("--db", default=DB_PREFIX, help="main database; the 10k one is <db>_10k")
    parser.add_argument("--rounds", type=int, help="interleaved rounds (default per benchmark)")
    parser.add_argument("--per-round", type=int, help="requests per round (default per benchmark)")
    parser.add_argument("--fresh", action="store_true", help="all: regenerate the data even if present")
    args = parser.parse_args(argv)
    if args.command == "_data-one":
        data_one(args.db, args.cases)
        return 0
    configure(args.db)
    if args.command == "_queue-worker":
        from bench import queue_bench

        queue_bench.worker_main()
        return 0
    result = COMMANDS[args.command](args)
    if args.command == "data":
        print(json.dumps(result, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
