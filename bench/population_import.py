"""Benchmark: import 1.7 M residents through Pintu's import path vs a raw COPY of the same rows.

    .venv/bin/python bench/population_import.py              # 1,700,000 rows, ~3-5 min in all
    .venv/bin/python bench/population_import.py --rows 200000

Recreates the PostgreSQL database ``pintu_bench_pop`` (migrate, Banyuwangi's regions and org
units), writes one OpenSID-format CSV per village (217 villages, bench/results/population/),
then in the same run:

* baseline — ``COPY population_resident FROM STDIN`` of every village's rows, already in the
  table's own column layout, into the empty table with its indexes and constraints;
* subject — after ``TRUNCATE``, ``pintu.population.importing.import_rows`` for every village
  file: read the CSV, map OpenSID's columns, validate every row (NIK against the kecamatan codes,
  birth date and sex; KK number; every code), create hamlets and family cards, write, and
  rebuild the village's statistics. Each village file is one import job, as a village operator's
  upload is; ``--workers`` processes (default: one per CPU, as that many task-queue workers)
  take the jobs in turn, largest first. ``--workers 1`` imports them one after the other.

Prints rows/s of each and the ratio (goal ≥ 50 %), and the subject's wall time (goal < 60 s).
Leaves the imported database for ``bench/population_search.py``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.run import RESULTS, _admin_connection, configure  # noqa: E402

DATA_DIR = RESULTS / "population"


def prepare(db: str) -> None:
    if not db.startswith("pintu_bench"):
        raise SystemExit("refusing: the benchmark database name must start with pintu_bench")
    with _admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{db}"')
    configure(db)
    from django.core.management import call_command

    from pintu.regions.services import org_units_ensure_for_regency, regions_load_reference

    call_command("migrate", interactive=False, verbosity=0)
    regions_load_reference()
    org_units_ensure_for_regency(regency_code="35.10")


def generate(rows: int, seed: int = 1771) -> list[tuple]:
    """[(village, path, table_path, rows)] for the 217 villages of Banyuwangi."""
    from django.utils import timezone

    from bench.population_data import Numbers, to_table_layout, village_sizes, write_village
    from pintu.regions.models import Village

    DATA_DIR.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    villages = list(
        Village.objects.filter(district__regency__code="35.10").select_related("district").order_by("code")
    )
    sizes = village_sizes(villages, rows, rng)
    today = dt.date(2026, 11, 1)
    now = timezone.now().isoformat()
    out = []
    numbers_by_district: dict[str, object] = {}
    for village, size in zip(villages, sizes, strict=True):
        district = village.district.code.replace(".", "")
        numbers = numbers_by_district.setdefault(district, Numbers())
        path = DATA_DIR / f"{village.code}.csv"
        table_path = DATA_DIR / f"{village.code}.table.csv"
        written = write_village(path, district=district, size=size, numbers=numbers, rng=rng, today=today)
        to_table_layout(path, table_path, village_id=village.pk, now=now)
        out.append((village, path, table_path, written))
    return out


def truncate() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE population_resident, population_family, population_hamlet, population_populationcount,"
            " population_populationmonthly, population_populationevent RESTART IDENTITY CASCADE"
        )


def baseline(files) -> float:
    from django.db import connection, transaction

    from bench.population_data import TABLE_COLUMNS

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor
        for _village, _path, table_path, _rows in files:
            with (
                raw.copy(
                    f"COPY population_resident ({', '.join(TABLE_COLUMNS)}) FROM STDIN (FORMAT csv, NULL '\\N')"
                ) as copy,
                table_path.open("rb") as fh,
            ):
                while chunk := fh.read(1 << 20):
                    copy.write(chunk)
    return time.perf_counter() - started


def _import_files(files) -> dict:
    from pintu.population.importing import import_rows, read_rows

    totals = {"total": 0, "created": 0, "updated": 0, "unchanged": 0, "failed": 0}
    for village, path, _table, _rows in files:
        result = import_rows(village=village, rows=read_rows(str(path), path.name), batch_size=5000)
        for key in totals:
            totals[key] += getattr(result, key) if key != "failed" else result.failed
    return totals


def _worker(queue, results) -> None:
    from django.db import connections

    connections.close_all()  # never the parent's socket
    while (item := queue.get()) is not None:
        results.put(_import_files([item]))
    connections.close_all()


def subject(files, workers: int = 1) -> tuple[float, dict]:
    """Import every village file; with ``workers`` > 1 as that many task-queue workers would:
    processes taking the next village job from a shared queue (largest villages first)."""
    if workers <= 1:
        return _timed(files)
    import multiprocessing

    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    queue, results = context.Queue(), context.Queue()
    for item in sorted(files, key=lambda f: -f[3]):
        queue.put(item)
    for _ in range(workers):
        queue.put(None)
    started = time.perf_counter()
    processes = [context.Process(target=_worker, args=(queue, results)) for _ in range(workers)]
    for process in processes:
        process.start()
    totals = {"total": 0, "created": 0, "updated": 0, "unchanged": 0, "failed": 0}
    for _ in files:
        for key, value in results.get().items():
            totals[key] += value
    for process in processes:
        process.join()
    return time.perf_counter() - started, totals


def _timed(files) -> tuple[float, dict]:
    started = time.perf_counter()
    totals = _import_files(files)
    return time.perf_counter() - started, totals


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_700_000)
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="import processes (task-queue workers) taking village files in turn; 1 = one after the other",
    )
    parser.add_argument("--db", default="pintu_bench_pop")
    parser.add_argument(
        "--rerun", type=int, default=10, help="villages imported a second time (all unchanged)"
    )
    args = parser.parse_args(argv)

    print(f"== preparing {args.db}", flush=True)
    prepare(args.db)
    t0 = time.perf_counter()
    files = generate(args.rows)
    rows = sum(f[3] for f in files)
    print(
        f"generated {rows:,} residents in {len(files)} villages ({time.perf_counter() - t0:.0f} s)",
        flush=True,
    )

    from django.db import connection

    from bench.harness import Figure, environment, write_results

    truncate()
    base_s = baseline(files)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM population_resident")
        copied = cursor.fetchone()[0]
    print(f"baseline raw COPY: {copied:,} rows in {base_s:.1f} s", flush=True)
    truncate()
    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")
    subj_s, totals = subject(files, args.workers)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), count(family_id) FROM population_resident")
        imported, with_family = cursor.fetchone()
        cursor.execute("SELECT count(*), count(head_id) FROM population_family")
        families, with_head = cursor.fetchone()
        cursor.execute(
            "SELECT coalesce(sum(male + female), 0) FROM population_populationcount WHERE dimension = 'birth_year'"
        )
        counted = cursor.fetchone()[0]
    print(
        f"subject import_rows: {imported:,} residents ({with_family:,} in a family), {families:,} families "
        f"({with_head:,} with a head), statistics count {counted:,}; {totals} in {subj_s:.1f} s",
        flush=True,
    )
    rerun_files = files[: args.rerun]
    t1 = time.perf_counter()
    _rerun_s, rerun_totals = subject(rerun_files)
    rerun_s = time.perf_counter() - t1
    print(f"re-run of {len(rerun_files)} villages: {rerun_totals} in {rerun_s:.1f} s", flush=True)

    base_rate = copied / base_s
    subj_rate = imported / subj_s
    ratio = subj_rate / base_rate
    figure = Figure(
        name="population import (validated, 217 village files)",
        subject=subj_rate,
        baseline=base_rate,
        ratio=ratio,
        goal=">= 50% of raw COPY, and < 60 s",
        passed=ratio >= 0.5 and subj_s < 60,
        note=f"import {subj_s:.1f} s with {args.workers} worker(s), COPY {base_s:.1f} s",
    )
    print(figure.line(), flush=True)
    ok = (
        imported == rows
        and totals["failed"] == 0
        and rerun_totals["unchanged"] == sum(f[3] for f in rerun_files)
    )
    print("checks:", "OK" if ok else "MISMATCH", flush=True)
    path = write_results(
        "population_import",
        {
            "rows": rows,
            "villages": len(files),
            "baseline_seconds": base_s,
            "subject_seconds": subj_s,
            "baseline_rate": base_rate,
            "subject_rate": subj_rate,
            "ratio": ratio,
            "totals": totals,
            "rerun": {"villages": len(rerun_files), "seconds": rerun_s, "totals": rerun_totals},
            "families": families,
            "families_with_head": with_head,
            "environment": environment(),
        },
    )
    print(f"results: {path}")
    return 0 if figure.passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
