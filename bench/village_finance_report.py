"""Regency-wide village finance realisation report at 217 and 8,000 villages.

    .venv/bin/python bench/village_finance_report.py            # builds pintu_bench_vf once, then times
    .venv/bin/python bench/village_finance_report.py --fresh    # rebuild the data
    .venv/bin/python bench/village_finance_report.py --villages 217 --big 8000 --activities 150 --lines 1500

Data (PostgreSQL, database ``pintu_bench_vf``, generated with ``INSERT … SELECT generate_series``):
regency 35.10 with 217 villages (25 kecamatan) and a second regency 99.01 with ``--big`` villages
(400 kecamatan), each village with an adopted APBDes 2026 of ``--activities`` RKPDes lines and
activities, ``--lines`` RAB/income/financing lines (about 9 per activity, 10 income, 2
financing) and a year of transactions: ``--lines`` journal lines in 300 entries (income receipts,
payments with realisation 0–100 % of their line, tax lines). Budget totals are set the way the
services keep them.

Subject: ``pintu.village_finance.selectors.regency_realisation`` — the data of the regency
dashboard and of ``GET /api/v1/village-finance/regency/<year>/`` (absorption by village and
kecamatan, Dana Desa use). It reads the budget totals and the realisation the services keep per
budget and per fiscal year (F() updates in the posting transaction). Baselines, as bare SQL on a
cursor over the same rows: (1) aggregating the journal lines of the regency (what the report would
cost without kept totals), (2) reading the same kept totals (the floor). For 217 villages, also
summing the RAB lines themselves. Rounds are interleaved; figures are medians; each printed as a
ratio to the baselines.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS = BENCH_DIR / "results"
YEAR = 2026


def configure(db: str) -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{db}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "pintu.settings"
    os.environ.setdefault("PINTU_DEBUG", "0")
    os.environ.setdefault("PINTU_SECRET_KEY", "bench-only-" + "k" * 60)
    os.environ.setdefault("PINTU_LOG_LEVEL", "WARNING")
    import django

    django.setup()


def recreate(db: str) -> None:
    import psycopg

    assert db.startswith("pintu_bench"), "only pintu_bench* databases are dropped"
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db}"')
        conn.execute(f'CREATE DATABASE "{db}"')


def exists(db: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{db}") as conn:
            return bool(conn.execute("SELECT 1 FROM pg_tables WHERE tablename = 'vf_bench_meta'").fetchone())
    except psycopg.OperationalError:
        return False


def sql(statement: str, params=None) -> None:
    from django.db import connection

    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])
    print(f"  {time.monotonic() - started:6.1f}s  {statement.strip().splitlines()[0][:90]}", flush=True)


def generate(args) -> None:
    from django.core.management import call_command

    from pintu.village_finance.reference import reference_load

    print("migrate + reference data…", flush=True)
    call_command("migrate", "village_finance", verbosity=0)
    reference_load()
    sql("INSERT INTO regions_province (code, name) VALUES ('35', 'Jawa Timur'), ('99', 'Provinsi Uji')")
    sql(
        "INSERT INTO regions_regency (code, province_id, name, kind) SELECT '35.10', id, 'Kabupaten Banyuwangi', "
        "'kabupaten' FROM regions_province WHERE code = '35' UNION ALL SELECT '99.01', id, 'Kabupaten Uji', "
        "'kabupaten' FROM regions_province WHERE code = '99'"
    )
    sql(
        """INSERT INTO regions_district (code, regency_id, name)
        SELECT '35.10.' || lpad(g::text, 2, '0'), r.id, 'Kecamatan ' || g FROM regions_regency r, generate_series(1, 25) g
        WHERE r.code = '35.10'
        UNION ALL
        SELECT '99.' || lpad(g::text, 5, '0'), r.id, 'Kecamatan Uji ' || g FROM regions_regency r, generate_series(1, 400) g
        WHERE r.code = '99.01'"""
    )
    sql(
        """INSERT INTO regions_village (code, district_id, name, kind)
        SELECT d.code || '.' || (2000 + g), d.id, 'Desa ' || d.code || '-' || g, 'desa'
        FROM (SELECT id, code, row_number() OVER (ORDER BY code) - 1 AS n FROM regions_district WHERE code LIKE '35.10.%%') d,
             generate_series(1, 9) g
        WHERE d.n * 9 + g <= %s
        UNION ALL
        SELECT d.code || '.' || (2000 + g), d.id, 'Desa ' || d.code || '-' || g, 'desa'
        FROM (SELECT id, code, row_number() OVER (ORDER BY code) - 1 AS n FROM regions_district WHERE code LIKE '99.%%') d,
             generate_series(1, 20) g
        WHERE d.n * 20 + g <= %s""",
        [args.villages, args.big],
    )
    sql(
        """INSERT INTO village_finance_fiscalyear (village_id, year, spp_counter, entry_counter, created_at)
        SELECT id, %s, 0, 300, now() FROM regions_village""",
        [YEAR],
    )
    sql(
        """INSERT INTO village_finance_budget (fiscal_year_id, kind, status, agreement_number, perdes_number,
            event_count, income_total, spending_total, financing_in_total, financing_out_total, dana_desa_total,
            agreed_on, adopted_on, created_at, updated_at)
        SELECT id, 'original', 'adopted', 'BA', 'Perdes', 0, 0, 0, 0, 0, 0, %s, %s, now(), now()
        FROM village_finance_fiscalyear""",
        ["2025-11-20", "2025-12-20"],
    )
    sql(
        "UPDATE village_finance_fiscalyear fy SET effective_budget_id = b.id FROM village_finance_budget b "
        "WHERE b.fiscal_year_id = fy.id"
    )
    sql(
        """CREATE TEMP TABLE vf_kinds AS SELECT row_number() OVER (ORDER BY id) AS n, id FROM village_finance_activitykind;
        CREATE TEMP TABLE vf_spend AS SELECT row_number() OVER (ORDER BY id) AS n, id FROM village_finance_account
            WHERE is_leaf AND code LIKE '5.%%';
        CREATE TEMP TABLE vf_income AS SELECT row_number() OVER (ORDER BY id) AS n, id FROM village_finance_account
            WHERE is_leaf AND code LIKE '4.%%';
        CREATE TEMP TABLE vf_sources AS SELECT row_number() OVER (ORDER BY id) AS n, id, is_dana_desa FROM village_finance_fundsource
            WHERE code IN ('DDS', 'ADD', 'PAD', 'BKK', 'PBH');"""
    )
    # Bulk load: foreign-key triggers off for this session, secondary indexes of the bulk tables
    # dropped and recreated afterwards with the same definitions (read from the catalog).
    sql("SET session_replication_role = replica")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexname, i.indexdef, c.conname FROM pg_indexes i "
            "LEFT JOIN pg_constraint c ON c.conname = i.indexname "
            "WHERE i.tablename = ANY(%s) AND i.indexname NOT LIKE '%%_pkey'",
            [list(BULK_TABLES)],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid::regclass::text = ANY(%s) AND contype = 'u'",
            [list(BULK_TABLES)],
        )
        uniques = cursor.fetchall()
        for table, name, _definition in uniques:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition, constraint in indexes:
            if not constraint:
                cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
    sql(
        """INSERT INTO village_finance_planactivity (fiscal_year_id, kind_id, name, location, volume, output,
            indicative_amount, fund_source_id, created_at)
        SELECT fy.id, k.id, 'Kegiatan ' || g, 'Dusun ' || (g %% 5), '', '', 0, s.id, now()
        FROM village_finance_fiscalyear fy CROSS JOIN generate_series(1, %s) g
        JOIN vf_kinds k ON k.n = 1 + (g * 7) %% (SELECT count(*) FROM vf_kinds)
        JOIN vf_sources s ON s.n = 1 + g %% 5""",
        [args.activities],
    )
    sql(
        """INSERT INTO village_finance_activity (budget_id, plan_id, kind_id, name, location, output, total)
        SELECT b.id, p.id, p.kind_id, p.name, p.location, '', 0
        FROM village_finance_planactivity p JOIN village_finance_budget b ON b.fiscal_year_id = p.fiscal_year_id"""
    )
    per_activity = max(1, (args.lines - 12) // args.activities)
    sql(
        """INSERT INTO village_finance_budgetline (budget_id, key, kind, activity_id, account_id, fund_source_id,
            description, volume, unit, unit_price, amount, pay_position, tanah_bengkok)
        SELECT a.budget_id, gen_random_uuid(), 'spending', a.id, acc.id, s.id, 'Rincian ' || g, 10, 'unit',
            price, price * 10, '', false
        FROM village_finance_activity a CROSS JOIN generate_series(1, %s) g
        CROSS JOIN LATERAL (SELECT 100000 + ((a.id * 31 + g * 17) %% 900) * 1000 AS price) p
        JOIN vf_spend acc ON acc.n = 1 + (a.id + g) %% (SELECT count(*) FROM vf_spend)
        JOIN vf_sources s ON s.n = 1 + (a.id + g) %% 5""",
        [per_activity],
    )
    sql(
        """INSERT INTO village_finance_budgetline (budget_id, key, kind, activity_id, account_id, fund_source_id,
            description, volume, unit, unit_price, amount, pay_position, tanah_bengkok)
        SELECT b.id, gen_random_uuid(), 'income', NULL, acc.id, s.id, 'Pendapatan ' || g, 1, 'tahun', 0, 0, '', false
        FROM village_finance_budget b CROSS JOIN generate_series(1, 10) g
        JOIN vf_income acc ON acc.n = g JOIN vf_sources s ON s.n = 1 + g %% 5"""
    )
    sql(
        """UPDATE village_finance_budget b SET spending_total = t.total, dana_desa_total = t.dd,
            income_total = t.total - 50000000, financing_in_total = 50000000
        FROM (SELECT bl.budget_id, sum(bl.amount) AS total,
                     coalesce(sum(bl.amount) FILTER (WHERE s.is_dana_desa), 0) AS dd
              FROM village_finance_budgetline bl JOIN vf_sources s ON s.id = bl.fund_source_id
              WHERE bl.kind = 'spending' GROUP BY bl.budget_id) t
        WHERE t.budget_id = b.id"""
    )
    sql(
        """UPDATE village_finance_budgetline bl SET unit_price = (b.income_total / 10), amount = (b.income_total / 10)
        FROM village_finance_budget b WHERE b.id = bl.budget_id AND bl.kind = 'income'"""
    )
    sql(
        """INSERT INTO village_finance_journalentry (fiscal_year_id, number, date, kind, description, counterparty,
            created_by_id, posted_at)
        SELECT fy.id, g::text, make_date(%s, 1 + g %% 12, 1 + g %% 28), CASE WHEN g <= 20 THEN 'income' ELSE 'payment' END,
            'Transaksi ' || g, '', NULL, now()
        FROM village_finance_fiscalyear fy CROSS JOIN generate_series(1, 300) g""",
        [YEAR],
    )
    lines_per_entry = max(1, args.lines // 280)
    sql(
        """INSERT INTO village_finance_journalline (entry_id, fiscal_year_id, book, date, debit, credit, line_key,
            line_kind, account_code, fund_source_id, tax_kind, realised)
        SELECT e.id, e.fiscal_year_id, 'bank', e.date, 0, r.spent, bl.key, 'spending', '', bl.fund_source_id, '', r.spent
        FROM (SELECT bl.*, b.fiscal_year_id, row_number() OVER (PARTITION BY bl.budget_id ORDER BY bl.id) AS n
              FROM village_finance_budgetline bl JOIN village_finance_budget b ON b.id = bl.budget_id
              WHERE bl.kind = 'spending') bl
        CROSS JOIN LATERAL (SELECT (bl.amount * ((bl.id * 13) %% 101) / 100)::numeric(16,0) AS spent) r
        JOIN village_finance_journalentry e ON e.fiscal_year_id = bl.fiscal_year_id
             AND e.number = (21 + (bl.n - 1) / %s)::text
        WHERE bl.n <= %s""",
        [lines_per_entry, 280 * lines_per_entry],
    )
    sql(
        """INSERT INTO village_finance_journalline (entry_id, fiscal_year_id, book, date, debit, credit, line_key,
            line_kind, account_code, fund_source_id, tax_kind, realised)
        SELECT e.id, e.fiscal_year_id, 'bank', e.date, bl.amount * 0.8, 0, bl.key, 'income', '', bl.fund_source_id, '',
            bl.amount * 0.8
        FROM village_finance_budgetline bl JOIN village_finance_budget b ON b.id = bl.budget_id
        JOIN village_finance_journalentry e ON e.fiscal_year_id = b.fiscal_year_id
             AND e.number = (1 + (bl.id %% 10))::text
        WHERE bl.kind = 'income'"""
    )
    with connection.cursor() as cursor:
        started = time.monotonic()
        for table, name, definition in uniques:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        for _name, definition, constraint in indexes:
            if not constraint:
                cursor.execute(definition)
        print(f"  {time.monotonic() - started:6.1f}s  indexes and unique constraints recreated", flush=True)
    sql("SET session_replication_role = DEFAULT")
    keep_totals()
    sql("VACUUM ANALYZE")
    sql("CREATE TABLE vf_bench_meta (key text PRIMARY KEY, value text)")
    sql("INSERT INTO vf_bench_meta VALUES ('args', %s)", [json.dumps(vars(args))])


def keep_totals() -> None:
    """The per-year realisation the posting service keeps (F() updates), set from the lines."""
    from django.db import connection

    with connection.cursor() as cursor:
        for column in REALISED_COLUMNS:  # a data set generated before these columns existed
            cursor.execute(
                f"ALTER TABLE village_finance_fiscalyear ADD COLUMN IF NOT EXISTS {column} numeric(16,0) NOT NULL DEFAULT 0"
            )
    sql(
        """UPDATE village_finance_fiscalyear fy SET realised_income = t.income, realised_spending = t.spending,
            realised_dana_desa = t.dd, realised_financing_in = t.fin_in, realised_financing_out = t.fin_out
        FROM (SELECT jl.fiscal_year_id,
                coalesce(sum(jl.realised) FILTER (WHERE jl.line_kind = 'income'), 0) AS income,
                coalesce(sum(jl.realised) FILTER (WHERE jl.line_kind = 'spending'), 0) AS spending,
                coalesce(sum(jl.realised) FILTER (WHERE jl.line_kind = 'spending' AND fs.is_dana_desa), 0) AS dd,
                coalesce(sum(jl.realised) FILTER (WHERE jl.account_code LIKE '6.1%%'), 0) AS fin_in,
                coalesce(sum(jl.realised) FILTER (WHERE jl.account_code LIKE '6.2%%'), 0) AS fin_out
              FROM village_finance_journalline jl LEFT JOIN village_finance_fundsource fs ON fs.id = jl.fund_source_id
              GROUP BY jl.fiscal_year_id) t
        WHERE t.fiscal_year_id = fy.id"""
    )
    sql("ANALYZE village_finance_fiscalyear")


REALISED_COLUMNS = (
    "realised_income",
    "realised_spending",
    "realised_financing_in",
    "realised_financing_out",
    "realised_dana_desa",
)
BULK_TABLES = (
    "village_finance_planactivity",
    "village_finance_activity",
    "village_finance_budgetline",
    "village_finance_journalentry",
    "village_finance_journalline",
)
BASELINE_SQL = [
    """SELECT fy.id, v.code, v.name, d.code, d.name, b.spending_total, b.income_total, b.dana_desa_total
    FROM village_finance_fiscalyear fy JOIN regions_village v ON v.id = fy.village_id
    JOIN regions_district d ON d.id = v.district_id
    LEFT JOIN village_finance_budget b ON b.id = fy.effective_budget_id
    WHERE fy.year = %(year)s AND d.regency_id = %(regency)s ORDER BY v.code""",
    """SELECT jl.fiscal_year_id,
        sum(jl.realised) FILTER (WHERE jl.line_kind = 'spending'),
        sum(jl.realised) FILTER (WHERE jl.line_kind = 'income'),
        sum(jl.realised) FILTER (WHERE jl.line_kind = 'spending' AND fs.is_dana_desa)
    FROM village_finance_journalline jl
    JOIN village_finance_fiscalyear fy ON fy.id = jl.fiscal_year_id
    JOIN regions_village v ON v.id = fy.village_id JOIN regions_district d ON d.id = v.district_id
    LEFT JOIN village_finance_fundsource fs ON fs.id = jl.fund_source_id
    WHERE fy.year = %(year)s AND d.regency_id = %(regency)s GROUP BY jl.fiscal_year_id""",
]
KEPT_SQL = """SELECT fy.id, v.code, v.name, d.code, d.name, b.spending_total, b.income_total, b.dana_desa_total,
        fy.realised_spending, fy.realised_income, fy.realised_dana_desa
    FROM village_finance_fiscalyear fy JOIN regions_village v ON v.id = fy.village_id
    JOIN regions_district d ON d.id = v.district_id
    LEFT JOIN village_finance_budget b ON b.id = fy.effective_budget_id
    WHERE fy.year = %(year)s AND d.regency_id = %(regency)s ORDER BY v.code"""
NAIVE_SQL = """SELECT b.fiscal_year_id, sum(bl.amount), sum(bl.amount) FILTER (WHERE fs.is_dana_desa)
    FROM village_finance_budgetline bl JOIN village_finance_budget b ON b.id = bl.budget_id
    JOIN village_finance_fiscalyear fy ON fy.id = b.fiscal_year_id AND fy.effective_budget_id = b.id
    JOIN regions_village v ON v.id = fy.village_id JOIN regions_district d ON d.id = v.district_id
    JOIN village_finance_fundsource fs ON fs.id = bl.fund_source_id
    WHERE fy.year = %(year)s AND d.regency_id = %(regency)s AND bl.kind = 'spending' GROUP BY b.fiscal_year_id"""


def time_one(fn) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def measure(regency_code: str, goal_ms: float, rounds: int, *, naive: bool) -> dict:
    from django.db import connection

    from pintu.regions.models import Regency, Village
    from pintu.village_finance.selectors import regency_realisation

    regency = Regency.objects.get(code=regency_code)
    params = {"year": YEAR, "regency": regency.pk}

    def subject():
        data = regency_realisation(regency.pk, YEAR)
        assert data["villages"]

    def bare_lines():
        with connection.cursor() as cursor:
            for statement in BASELINE_SQL:
                cursor.execute(statement, params)
                cursor.fetchall()

    def bare_kept():
        with connection.cursor() as cursor:
            cursor.execute(KEPT_SQL, params)
            cursor.fetchall()

    def rab_lines():
        with connection.cursor() as cursor:
            cursor.execute(NAIVE_SQL, params)
            cursor.fetchall()

    kinds = [("subject", subject), ("bare_lines", bare_lines), ("bare_kept", bare_kept)]
    if naive:
        kinds.append(("rab_lines", rab_lines))
    for _name, fn in kinds:  # warm caches once
        fn()
    times = {name: [] for name, _ in kinds}
    for _ in range(rounds):
        for name, fn in kinds:
            times[name].append(time_one(fn))
    med = {k: statistics.median(v) for k, v in times.items()}
    villages = Village.objects.filter(district__regency=regency).count()
    rows = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM village_finance_budgetline bl JOIN village_finance_budget b ON b.id = bl.budget_id "
            "JOIN village_finance_fiscalyear fy ON fy.id = b.fiscal_year_id JOIN regions_village v ON v.id = fy.village_id "
            "JOIN regions_district d ON d.id = v.district_id WHERE d.regency_id = %s",
            [regency.pk],
        )
        rows["budget_lines"] = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM village_finance_journalline jl JOIN village_finance_fiscalyear fy ON fy.id = jl.fiscal_year_id "
            "JOIN regions_village v ON v.id = fy.village_id JOIN regions_district d ON d.id = v.district_id "
            "WHERE d.regency_id = %s",
            [regency.pk],
        )
        rows["journal_lines"] = cursor.fetchone()[0]
    verdict = "PASS" if med["subject"] < goal_ms else "FAIL"
    line = (
        f"regency realisation report, {villages:,} villages ({rows['budget_lines']:,} RAB lines, "
        f"{rows['journal_lines']:,} journal lines): subject {med['subject']:.0f} ms (goal < {goal_ms:.0f} ms) {verdict}; "
        f"bare SQL aggregating the journal lines {med['bare_lines']:.0f} ms, ratio {med['subject'] / med['bare_lines']:.3f}x; "
        f"bare SQL reading the kept totals {med['bare_kept']:.0f} ms, ratio {med['subject'] / med['bare_kept']:.2f}x"
    )
    if naive:
        line += f"; bare SQL summing the RAB lines {med['rab_lines']:.0f} ms"
    print(line, flush=True)
    return {
        "regency": regency_code,
        "villages": villages,
        "rows": rows,
        "medians_ms": med,
        "rounds": times,
        "verdict": verdict,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="pintu_bench_vf")
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--villages", type=int, default=217)
    parser.add_argument("--big", type=int, default=8000)
    parser.add_argument("--activities", type=int, default=150)
    parser.add_argument("--lines", type=int, default=1500)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument(
        "--naive", action="store_true", help="also time summing the RAB lines (slow at 8,000)"
    )
    args = parser.parse_args()
    if args.fresh or not exists(args.db):
        recreate(args.db)
        configure(args.db)
        started = time.monotonic()
        generate(args)
        print(f"data generated in {time.monotonic() - started:.0f}s", flush=True)
    else:
        configure(args.db)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM information_schema.columns WHERE table_name = 'village_finance_fiscalyear' "
                "AND column_name = 'realised_dana_desa'"
            )
            if cursor.fetchone() is None:
                keep_totals()
    results = [
        measure("35.10", 500, args.rounds, naive=True),
        measure("99.01", 5000, max(3, args.rounds // 2), naive=args.naive),
    ]
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / "village_finance_report-latest.json"
    path.write_text(json.dumps(results, indent=2, default=str))
    print(f"details: {path}")


if __name__ == "__main__":
    main()
