"""A regency-scale data set, generated with PostgreSQL bulk paths.

Reference data, the catalogue and the demo accounts come from ``demo_setup --cases 0`` (through
the services); staff for every village and kecamatan office are added through the services too.
Citizens, cases, their history and their parties are then generated in SQL:

* Python computes what must follow the product's rules and COPYs it into temporary tables:
  tracking codes (``pintu.cases.tracking``: ten symbols and the check symbol), the working-day
  calendar (``pintu.core.calendar.WorkCalendar``), and for every published service version the
  event paths its workflow allows (``pintu.cases.workflow``: verify then forward on a review
  step, approve on an approval step, issue, hand-over at the village office).
* ``INSERT ... SELECT generate_series`` draws each case (service, channel, village, submission
  time over two years, open or closed, where it stopped) and expands its path into
  ``cases_caseevent`` rows; ``cases_caseparty`` is derived from the owners in the history. The
  case row's pointers (status, current step/owner/assignee, step clock, event count) are the
  state after its last event, so pages and history agree.

Secondary indexes and constraints of the three bulk tables are dropped during the load and
recreated afterwards (the same definitions, read from the catalog); the tables are then vacuumed
and analysed.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import time

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from bench.workflow_paths import workflow_paths

SEED = 35
DAYS = 730  # submissions spread over two years, growing from 0.6x to 1.4x the mean rate
FORM_SAMPLES = 8
BULK_TABLES = ("cases_case", "cases_caseevent", "cases_caseparty")

# Relative demand per service (a regency's yearly mix: civil registration dominates).
SERVICE_WEIGHTS = {
    "DUKCAPIL-KTP-EL": 14,
    "DUKCAPIL-KK-PERUBAHAN": 12,
    "DUKCAPIL-AKTA-LAHIR": 10,
    "DUKCAPIL-KIA": 6,
    "DUKCAPIL-PINDAH": 5,
    "DUKCAPIL-AKTA-MATI": 3,
    "DUKCAPIL-AKTA-KAWIN": 2,
    "POLRI-SKCK": 8,
    "DISNAKER-AK1": 5,
    "DINSOS-USULAN-DTSEN": 5,
    "DPMPTSP-NIB-UMK": 4,
    "DINSOS-REKOM-SKTM": 4,
    "KEMENAG-NIKAH": 3,
    "BPJSKES-PBPU": 3,
    "IMIGRASI-PASPOR": 3,
    "BAPENDA-PBB-MUTASI": 2,
    "BPJSTK-KLAIM-JHT": 2,
    "BPJSTK-BPU": 1.5,
    "PUDAM-SAMBUNGAN-BARU": 1.5,
    "DPMPTSP-PBG": 0.8,
    "DPMPTSP-SIP-NAKES": 0.7,
    "DINKES-SLHS": 0.5,
    "KEMENAG-DUPLIKAT-NIKAH": 0.5,
}
DEFAULT_SERVICE_WEIGHT = 1.0


def log(message: str) -> None:
    print(f"  [{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- helpers ------------------------------------------------------------------------------------


def tracking_codes(count: int, seed: int) -> list[str]:
    """``count`` distinct valid tracking codes (ten symbols of the alphabet and the check symbol)."""
    from pintu.cases import tracking

    rng = random.Random(seed)
    alphabet = tracking.ALPHABET
    check = tracking._check_symbol  # the product's own check symbol
    seen: set[str] = set()
    codes = []
    while len(codes) < count:
        payload = "".join(rng.choices(alphabet, k=tracking.RANDOM_LENGTH))
        if payload in seen:
            continue
        seen.add(payload)
        codes.append(payload + check(payload))
    for code in rng.sample(codes, min(2000, count)):
        if not tracking.is_well_formed(code):
            raise AssertionError(f"generated an invalid tracking code {code}")
    return codes


def _copy(cursor, table: str, columns: str, rows) -> None:
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(_copy_value(v) for v in row))
        buffer.write("\n")
    buffer.seek(0)
    with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        while chunk := buffer.read(1 << 20):
            copy.write(chunk)


def _copy_value(value) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def _thresholds(weights: list[float]) -> list[float]:
    """Lower bounds for ``width_bucket``: bucket i (1-based) is drawn with probability weights[i-1]."""
    total = sum(weights)
    bounds, acc = [], 0.0
    for weight in weights:
        bounds.append(acc / total)
        acc += weight
    return bounds


def _detach(cursor, table: str) -> tuple[list, list]:
    """Drop the secondary indexes, unique and foreign-key constraints of ``table``; return their DDL."""
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY contype DESC, conname",
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT c.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
        "JOIN pg_class c ON c.oid = x.indexrelid "
        "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid "
        "AND k.conrelid = x.indrelid) ORDER BY c.relname",
        [table],
    )
    indexes = cursor.fetchall()
    for name, _, _ in constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    return constraints, indexes


def _attach(cursor, table: str, constraints: list, indexes: list) -> None:
    for _, ddl in indexes:
        cursor.execute(ddl)
    for name, ddl, _ in constraints:  # unique before foreign keys (ordered by contype desc)
        cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {ddl}')


# --- accounts -----------------------------------------------------------------------------------


def ensure_office_staff() -> int:
    """An operator and a head for every village office, an officer for every kecamatan office
    (through the account services), so every case has a real officer for each of its steps."""
    from pintu.accounts.constants import Role
    from pintu.accounts.models import RoleAssignment, User
    from pintu.accounts.services import role_assign, staff_user_create
    from pintu.demo.generate import DEMO_PASSWORD
    from pintu.regions.constants import OrgUnitKind
    from pintu.regions.models import OrgUnit

    password_hash = make_password(DEMO_PASSWORD)
    held = set(RoleAssignment.objects.filter(revoked_at__isnull=True).values_list("role", "org_unit_id"))
    wanted = []
    for unit in OrgUnit.objects.filter(kind=OrgUnitKind.VILLAGE_OFFICE).select_related("village"):
        wanted.append((Role.VILLAGE_OPERATOR, unit, f"operator.{unit.village.code}"))
        wanted.append((Role.VILLAGE_HEAD, unit, f"kades.{unit.village.code}"))
    for unit in OrgUnit.objects.filter(kind=OrgUnitKind.DISTRICT_OFFICE).select_related("district"):
        wanted.append((Role.DISTRICT_OFFICER, unit, f"camat.{unit.district.code}"))
    made = 0
    with transaction.atomic():
        for role, unit, username in wanted:
            if (role, unit.pk) in held:
                continue
            user = staff_user_create(
                actor=None, username=username, full_name=f"Petugas {unit.short_name or unit.name}"[:150]
            )
            User.objects.filter(pk=user.pk).update(password=password_hash)
            role_assign(actor=None, user=user, role=role, org_unit=unit)
            made += 1
    return made


def _person_names(seed: int) -> tuple[list[str], list[str]]:
    from faker import Faker

    fake = Faker("id_ID")
    fake.seed_instance(seed)
    first = sorted({fake.first_name() for _ in range(3000)})
    last = sorted({fake.last_name() for _ in range(3000)})
    return first, last


# --- the generator ------------------------------------------------------------------------------


def generate(count: int, *, seed: int = SEED) -> dict:
    from faker import Faker

    from pintu.accounts.models import RoleAssignment
    from pintu.catalog.models import Service, WorkflowStep
    from pintu.catalog.selectors import version_with_details
    from pintu.core.calendar import WorkCalendar
    from pintu.demo.generate import _form_value
    from pintu.regions.constants import OrgUnitKind
    from pintu.regions.models import OrgUnit
    from pintu.regions.selectors import villages_of_regency

    started = time.monotonic()
    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate(now)

    made = ensure_office_staff()
    log(f"staff for village and kecamatan offices: {made} accounts created through the services")

    services = list(Service.objects.filter(published_version__isnull=False).select_related("agency"))
    services.sort(key=lambda s: s.pk)
    version_ids = [s.published_version_id for s in services]
    versions: dict[int, list] = {v: [] for v in version_ids}
    for step in WorkflowStep.objects.filter(version_id__in=version_ids).order_by("version_id", "position"):
        versions[step.version_id].append(step)
    paths, endings = workflow_paths(versions)  # from the product's transition table

    grants: dict[tuple[str, int], int] = {}
    for role, unit_id, user_id in (
        RoleAssignment.objects.filter(revoked_at__isnull=True)
        .order_by("id")
        .values_list("role", "org_unit_id", "user_id")
    ):
        grants.setdefault((role, unit_id), user_id)
    village_offices = {u.village_id: u.pk for u in OrgUnit.objects.filter(kind=OrgUnitKind.VILLAGE_OFFICE)}
    district_offices = {u.district_id: u.pk for u in OrgUnit.objects.filter(kind=OrgUnitKind.DISTRICT_OFFICE)}
    village_rows = []
    for village in villages_of_regency().order_by("code"):
        office, district_office = village_offices[village.pk], district_offices[village.district_id]
        village_rows.append(
            (
                len(village_rows) + 1,
                village.pk,
                village.district.code.replace(".", ""),
                office,
                district_office,
                grants[("village_operator", office)],
                grants[("village_head", office)],
                grants[("district_officer", district_office)],
            )
        )
    # Villages differ in size: log-normal weights (a few large kelurahan, many small desa).
    village_weights = [rng.lognormvariate(0, 0.6) for _ in village_rows]
    agency_rows = [
        (
            agency_id,
            grants[("agency_front_office", agency_id)],
            grants[("agency_verifier", agency_id)],
            grants[("agency_approver", agency_id)],
        )
        for agency_id in sorted({s.agency_id for s in services})
    ]
    service_rows = [
        (
            i + 1,
            s.pk,
            s.published_version_id,
            s.agency_id,
            s.starts_at_village,
            s.published_version.time_limit_days,
        )
        for i, s in enumerate(services)
    ]
    service_weights = [SERVICE_WEIGHTS.get(s.code, DEFAULT_SERVICE_WEIGHT) for s in services]

    fake_rng = random.Random(seed)
    fake = Faker("id_ID")
    fake.seed_instance(seed)
    form_rows = []
    for s in services:
        version = version_with_details(s.published_version_id)
        for j in range(FORM_SAMPLES):
            district = village_rows[fake_rng.randrange(len(village_rows))][2]
            district_code = f"{district[0:2]}.{district[2:4]}.{district[4:6]}"
            data = {f.key: _form_value(f, fake_rng, fake, district_code) for f in version.form_fields.all()}
            form_rows.append((s.published_version_id, j, json.dumps(data, ensure_ascii=False)))

    calendar = WorkCalendar()
    first_day = today - dt.timedelta(days=DAYS + 40)
    cal_rows, wd_rows, working = [], [], 0
    day = first_day
    while day <= today + dt.timedelta(days=400):
        if calendar.is_working_day(day):
            working += 1
            wd_rows.append((working, day))
        cal_rows.append((day, working))
        day += dt.timedelta(days=1)

    first_names, last_names = _person_names(seed)
    codes = tracking_codes(count, seed)
    log(f"prepared in Python: {len(codes):,} tracking codes, {len(paths)} path rows, {len(endings)} endings")

    with connection.cursor() as cursor:
        for statement in (
            "SET work_mem = '512MB'",
            "SET maintenance_work_mem = '1GB'",
            "SET max_parallel_maintenance_workers = 2",
            "SET max_parallel_workers_per_gather = 0",  # one deterministic stream of random()
            "SET synchronous_commit = off",
            "SET jit = off",
        ):
            cursor.execute(statement)
        _load_lookups(
            cursor, village_rows, agency_rows, service_rows, paths, endings, form_rows, cal_rows, wd_rows
        )
        _copy(cursor, "b_code", "n, code", enumerate(codes, start=1))
        cursor.execute("ANALYZE b_code")
        citizens = max(50, count // 25)
        _insert_citizens(cursor, citizens, first_names, last_names, seed)
        log(f"{citizens:,} citizen accounts (bulk)")

        detached = {table: _detach(cursor, table) for table in BULK_TABLES}
        log("secondary indexes and constraints of the case tables dropped for the load")
        _plan(
            cursor,
            count=count,
            now=now,
            first_day=first_day,
            seed=seed,
            service_thresholds=_thresholds(service_weights),
            village_thresholds=_thresholds(village_weights),
        )
        log("case plan drawn")
        _insert_cases(cursor)
        log(f"{count:,} cases inserted")
        _insert_events(cursor)
        cursor.execute("SELECT count(*) FROM cases_caseevent")
        events = cursor.fetchone()[0]
        log(f"{events:,} case events inserted")
        _fill_public_events(cursor)
        log("public histories (cases_case.public_events) filled from the events")
        _insert_parties(cursor)
        cursor.execute("SELECT count(*) FROM cases_caseparty")
        parties = cursor.fetchone()[0]
        log(f"{parties:,} case parties inserted")
        for table in BULK_TABLES:
            _attach(cursor, table, *detached[table])
            log(f"indexes and constraints of {table} rebuilt")
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('cases_case', 'id'), (SELECT max(id) FROM cases_case))"
        )
        summary = _summary(cursor, count, events, parties)
    connection.close()
    with connection.cursor() as cursor:  # VACUUM cannot run inside the session's settings block
        for table in ("accounts_user", *BULK_TABLES):
            cursor.execute(f"VACUUM (ANALYZE) {table}")
        cursor.execute("ANALYZE")
        cursor.execute("CHECKPOINT")
    log("VACUUM ANALYZE, ANALYZE, CHECKPOINT done")
    summary["seconds"] = round(time.monotonic() - started, 1)
    summary["generated_at"] = now.isoformat()
    summary["seed"] = seed
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value jsonb NOT NULL)")
        cursor.execute(
            "INSERT INTO bench_meta VALUES ('data', %s) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [json.dumps(summary)],
        )
    return summary


def _load_lookups(
    cursor, village_rows, agency_rows, service_rows, paths, endings, form_rows, cal_rows, wd_rows
):
    cursor.execute(
        """
        CREATE TEMP TABLE b_vil (i int PRIMARY KEY, village_id bigint, district_digits text, vo_id bigint,
            do_id bigint, u_vop bigint, u_vhead bigint, u_dist bigint);
        CREATE TEMP TABLE b_ag (agency_id bigint PRIMARY KEY, u_afo bigint, u_aver bigint, u_aapp bigint);
        CREATE TEMP TABLE b_svc (i int PRIMARY KEY, service_id bigint, version_id bigint, agency_id bigint,
            starts_village bool, time_limit int);
        CREATE TEMP TABLE b_path (version_id bigint, village bool, variant text, k int, action text,
            from_status text, to_status text, from_step bigint, to_step bigint,
            from_owner text, to_owner text,
            actor_role text, actor_owner text, note text);
        CREATE TEMP TABLE b_end (id serial PRIMARY KEY, version_id bigint, village bool, is_open bool,
            p float8, variant text, nev int, status text, step_id bigint, owner_kind text, assignee_role text,
            k_arr int, k_due int, due_days int, paused bool, retfix bool, note text);
        CREATE TEMP TABLE b_form (version_id bigint, j int, form jsonb, PRIMARY KEY (version_id, j));
        CREATE TEMP TABLE b_cal (d date PRIMARY KEY, wd int);
        CREATE TEMP TABLE b_wd (wd int PRIMARY KEY, d date);
        CREATE TEMP TABLE b_code (n int PRIMARY KEY, code text);
        """
    )
    _copy(
        cursor, "b_vil", "i, village_id, district_digits, vo_id, do_id, u_vop, u_vhead, u_dist", village_rows
    )
    _copy(cursor, "b_ag", "agency_id, u_afo, u_aver, u_aapp", agency_rows)
    _copy(cursor, "b_svc", "i, service_id, version_id, agency_id, starts_village, time_limit", service_rows)
    _copy(
        cursor,
        "b_path",
        "version_id, village, variant, k, action, from_status, to_status, from_step, to_step, from_owner, "
        "to_owner, actor_role, actor_owner, note",
        paths,
    )
    _copy(
        cursor,
        "b_end",
        "version_id, village, is_open, p, variant, nev, status, step_id, owner_kind, assignee_role, "
        "k_arr, k_due, "
        "due_days, paused, retfix, note",
        endings,
    )
    _copy(cursor, "b_form", "version_id, j, form", form_rows)
    _copy(cursor, "b_cal", "d, wd", cal_rows)
    _copy(cursor, "b_wd", "wd, d", wd_rows)
    # One row per (version, channel group, open/closed): the endings as width_bucket thresholds.
    cursor.execute(
        """
        CREATE TEMP TABLE b_grp AS
        SELECT version_id, village, is_open,
               array_agg(lo ORDER BY id) AS thr, array_agg(id ORDER BY id) AS ids
        FROM (SELECT id, version_id, village, is_open,
                     coalesce(sum(p) OVER (PARTITION BY version_id, village, is_open ORDER BY id
                                           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS lo
              FROM b_end) e
        GROUP BY version_id, village, is_open;
        ANALYZE b_vil; ANALYZE b_ag; ANALYZE b_svc; ANALYZE b_path; ANALYZE b_end; ANALYZE b_form;
        ANALYZE b_cal; ANALYZE b_wd; ANALYZE b_grp;
        """
    )


def _insert_citizens(cursor, citizens: int, first_names, last_names, seed: int) -> None:
    cursor.execute(
        "CREATE TEMP TABLE b_first (i int PRIMARY KEY, name text); "
        "CREATE TEMP TABLE b_last (i int PRIMARY KEY, name text)"
    )
    _copy(cursor, "b_first", "i, name", enumerate(first_names))
    _copy(cursor, "b_last", "i, name", enumerate(last_names))
    cursor.execute("SELECT setseed(%s)", [(seed % 1000) / 1000])
    cursor.execute(
        """
        INSERT INTO accounts_user (password, last_login, is_superuser, username, first_name, last_name, email,
            is_staff, is_active, date_joined, account_type, full_name, phone, nik, village_id, address,
            language)
        SELECT '!', NULL, false, e, '', '', e, false, true, now() - (random() * interval '900 days'),
               'citizen', f.name || ' ' || l.name,
               '628' || (11 + c %% 48) || lpad((c * 7919 %% 100000000)::text, 8, '0'),
               v.district_digits
                   || lpad((1 + c %% 28 + CASE WHEN c %% 2 = 0 THEN 40 ELSE 0 END)::text, 2, '0')
                   || lpad((1 + c %% 12)::text, 2, '0') || lpad((50 + c %% 50)::text, 2, '0')
                   || lpad((1 + c %% 9999)::text, 4, '0'),
               v.village_id, 'Dusun ' || d.name || ' RT 00' || (1 + c %% 9) || ' RW 00' || (1 + c %% 6), 'id'
        FROM (SELECT c, 'warga' || c || '@bench.pintu.demo' AS e FROM generate_series(1, %(n)s) c) s
        JOIN b_vil v ON v.i = 1 + (c * 53) %% (SELECT count(*) FROM b_vil)
        JOIN b_first f ON f.i = (c * 31) %% %(nf)s
        JOIN b_last l ON l.i = (c * 17) %% %(nl)s
        JOIN b_last d ON d.i = (c * 13) %% %(nl)s
        ORDER BY c
        """,
        {"n": citizens, "nf": len(first_names), "nl": len(last_names)},
    )
    cursor.execute(
        """
        CREATE TEMP TABLE b_cit AS
        SELECT row_number() OVER (ORDER BY id) AS c, id AS user_id, full_name, email, phone, nik
        FROM accounts_user WHERE username LIKE 'warga%@bench.pintu.demo';
        ALTER TABLE b_cit ADD PRIMARY KEY (c);
        ANALYZE b_cit;
        """
    )


def _plan(cursor, *, count, now, first_day, seed, service_thresholds, village_thresholds):
    """One row per case with every draw and derived value; the inserts below only read it."""
    cursor.execute("SELECT setseed(%s)", [((seed * 7) % 1000) / 1000])
    cursor.execute(
        """
        CREATE TEMP TABLE b_draw AS
        SELECT n::bigint AS n, random() AS r_svc, random() AS r_chan, random() AS r_vil, random() AS r_open,
               random() AS r_end, random() AS r_dur, random() AS r_t, random() AS r_h, random() AS r_x
        FROM generate_series(1, %(n)s) n
        """,
        {"n": count},
    )
    cursor.execute("SELECT count(*) FROM b_cit")
    citizens = cursor.fetchone()[0]
    cursor.execute(
        """
        CREATE TEMP TABLE b_base AS
        SELECT d.*, s.service_id, s.version_id, s.agency_id, s.starts_village, s.time_limit,
               v.village_id, v.district_digits, v.vo_id, v.do_id, v.u_vop, v.u_vhead, v.u_dist,
               a.u_afo, a.u_aver, a.u_aapp,
               CASE WHEN s.starts_village THEN (CASE WHEN d.r_chan < 0.80 THEN 'village' ELSE 'online' END)
                    ELSE (CASE WHEN d.r_chan < 0.30 THEN 'online' WHEN d.r_chan < 0.42 THEN 'village'
                               WHEN d.r_chan < 0.97 THEN 'counter' ELSE 'api' END) END AS channel,
               -- position in the two years, density growing linearly from 0.6x to 1.4x
               (-0.6 + sqrt(0.36 + 1.6 * ((d.n - 1 + d.r_t) / %(n)s::float8))) / 0.8 AS tfrac,
               1 + (d.n * 7919) %% %(citizens)s AS cit
        FROM b_draw d
        JOIN b_svc s ON s.i = width_bucket(d.r_svc, %(svc_thr)s::float8[])
        JOIN b_vil v ON v.i = width_bucket(d.r_vil, %(vil_thr)s::float8[])
        JOIN b_ag a ON a.agency_id = s.agency_id
        """,
        {"n": count, "citizens": citizens, "svc_thr": service_thresholds, "vil_thr": village_thresholds},
    )
    cursor.execute(
        """
        CREATE TEMP TABLE b_sub AS
        SELECT b.*,
               CASE WHEN b.at <= %(now)s::timestamptz - interval '2 minutes' THEN b.at
                    ELSE b.at - interval '1 day' END AS sub_at  -- later today: the day before
        FROM (SELECT b.*,
                     ((CASE WHEN b.channel = 'online' THEN b.day ELSE w.d END)::timestamp
                      + CASE WHEN b.channel = 'online' THEN interval '6 hours' + b.r_h * interval '17 hours'
                             ELSE interval '8 hours' + b.r_h * interval '7 hours' END)
                     AT TIME ZONE 'Asia/Jakarta' AS at
              FROM (SELECT *, %(first_day)s::date + 41 + floor(tfrac * %(days)s)::int AS day FROM b_base) b
              JOIN b_cal c ON c.d = b.day
              JOIN b_wd w ON w.wd = c.wd) b
        """,
        {"now": now, "first_day": first_day, "days": DAYS},
    )
    cursor.execute(
        """
        CREATE TEMP TABLE b_plan AS
        WITH aged AS (
            SELECT s.*, extract(epoch FROM (%(now)s::timestamptz - s.sub_at)) / 86400.0 AS age,
                   s.channel = 'village' AS is_village
            FROM b_sub s
        ), opened AS (
            SELECT a.*,
                   (a.age < 0.1 OR a.r_open < CASE WHEN a.age < 2 THEN 0.95 WHEN a.age < 7 THEN 0.85
                        WHEN a.age < 30 THEN 0.45 WHEN a.age < 90 THEN 0.12 ELSE 0.015 END) AS is_open
            FROM aged a
        ), ended AS (
            SELECT o.*, e.variant, e.nev, e.status, e.step_id, e.owner_kind, e.assignee_role,
                   e.k_arr, e.k_due,
                   e.due_days, e.paused, e.retfix, e.note AS end_note
            FROM opened o
            JOIN b_grp g ON g.version_id = o.version_id AND g.village = o.is_village AND g.is_open = o.is_open
            JOIN b_end e ON e.id = g.ids[width_bucket(o.r_end, g.thr)]
        )
        SELECT x.n, c.code, x.service_id, x.version_id, x.agency_id, x.channel, x.is_village, x.is_open,
               x.village_id, x.vo_id, x.do_id, x.u_vop, x.u_vhead, x.u_dist, x.u_afo, x.u_aver, x.u_aapp,
               x.variant, x.nev, x.status, x.step_id, x.owner_kind, x.assignee_role, x.k_arr, x.k_due,
               x.due_days,
               x.paused, x.retfix, x.end_note, x.sub_at, x.time_limit,
               CASE x.channel WHEN 'village' THEN x.vo_id WHEN 'online' THEN NULL ELSE x.agency_id END
                   AS opened_id,
               CASE x.channel WHEN 'village' THEN x.u_vop WHEN 'online' THEN t.user_id ELSE x.u_afo END
                   AS submitted_by,
               CASE WHEN x.channel = 'online' THEN t.user_id END AS applicant_user,
               CASE WHEN x.channel = 'online' THEN t.full_name ELSE f.name || ' ' || l.name END
                   AS applicant_name,
               CASE WHEN x.channel = 'online' THEN t.nik
                    ELSE x.district_digits
                         || lpad((1 + x.n %% 28 + CASE WHEN x.r_x < 0.52 THEN 40 ELSE 0 END)::text, 2, '0')
                         || lpad((1 + (x.n / 28) %% 12)::text, 2, '0')
                         || lpad(((x.n / 7) %% 100)::text, 2, '0')
                         || lpad((1 + (x.n * 37) %% 9999)::text, 4, '0') END AS applicant_nik,
               CASE WHEN x.channel = 'online' THEN t.phone
                    ELSE '628' || (11 + x.n %% 48) || lpad(((x.n * 104729) %% 100000000)::text, 8, '0')
                    END AS applicant_phone,
               CASE WHEN x.channel = 'online' THEN t.email ELSE '' END AS applicant_email,
               'Dusun ' || d.name || ' RT 00' || (1 + x.n %% 9)
                   || ' RW 00' || (1 + x.n %% 6) AS applicant_address,
               -- open: the last event is recent (exponential, mean two days), or the submission itself
               CASE WHEN x.is_open AND x.nev = 1 THEN x.sub_at
                    WHEN x.is_open
                    THEN greatest(x.sub_at + (%(now)s::timestamptz - x.sub_at) * 0.1,
                                  %(now)s::timestamptz - interval '1 minute'
                                  - interval '1 day' * (-2.0 * ln(1.0 - x.r_dur)))
                    ELSE least(x.sub_at + interval '1 day' * (x.time_limit * 1.4 + 0.5) * (0.2 + x.r_dur),
                               greatest(%(now)s::timestamptz - interval '1 minute',
                                        x.sub_at + interval '1 minute'))
                    END AS end_at
        FROM ended x
        JOIN b_code c ON c.n = x.n
        LEFT JOIN b_cit t ON t.c = x.cit
        JOIN b_first f ON f.i = (x.n * 131) %% (SELECT count(*) FROM b_first)
        JOIN b_last l ON l.i = (x.n * 71) %% (SELECT count(*) FROM b_last)
        JOIN b_last d ON d.i = (x.n * 13) %% (SELECT count(*) FROM b_last)
        """,
        {"now": now},
    )
    # Clock columns: the working-day arithmetic of pintu.core.calendar, by table lookup.
    cursor.execute(
        """
        ALTER TABLE b_plan ADD PRIMARY KEY (n);
        CREATE TEMP TABLE b_clock AS
        SELECT p.n,
               p.sub_at + (p.end_at - p.sub_at) * ((p.k_arr - 1)::float8 / greatest(p.nev - 1, 1))
                   AS step_started_at,
               ((p.sub_at + (p.end_at - p.sub_at) * ((p.k_due - 1)::float8 / greatest(p.nev - 1, 1)))
                   AT TIME ZONE 'Asia/Jakarta')::date AS due_base,
               (p.sub_at AT TIME ZONE 'Asia/Jakarta')::date AS sub_day
        FROM b_plan p;
        ALTER TABLE b_clock ADD PRIMARY KEY (n);
        ANALYZE b_plan; ANALYZE b_clock;
        """
    )


def _owner(kind_column: str, p: str = "p") -> str:
    return (
        f"CASE {kind_column} WHEN 'agency' THEN {p}.agency_id WHEN 'village' THEN {p}.vo_id "
        f"WHEN 'district' THEN {p}.do_id WHEN 'opened' THEN {p}.opened_id END"
    )


def _user(role_column: str, p: str = "p") -> str:
    return (
        f"CASE {role_column} WHEN 'applicant' THEN {p}.submitted_by WHEN 'village_operator' THEN {p}.u_vop "
        f"WHEN 'village_head' THEN {p}.u_vhead WHEN 'district_officer' THEN {p}.u_dist "
        f"WHEN 'agency_front_office' THEN {p}.u_afo WHEN 'agency_verifier' THEN {p}.u_aver "
        f"WHEN 'agency_approver' THEN {p}.u_aapp END"
    )


def _insert_cases(cursor) -> None:
    cursor.execute(
        f"""
        INSERT INTO cases_case (id, tracking_code, service_id, service_version_id, agency_id, status, channel,
            current_step_id, current_owner_id, current_assignee_id, opened_by_unit_id, submitted_by_id,
            submission_key, applicant_user_id, applicant_name, applicant_nik, applicant_phone,
            applicant_email,
            applicant_address, applicant_village_id, form_data, submitted_at, due_date, step_started_at,
            step_due_date, paused_on, paused_working_days, return_reason, closed_at, event_count, updated_at,
            public_events)
        SELECT p.n, p.code, p.service_id, p.version_id, p.agency_id, p.status, p.channel,
               p.step_id, {_owner("p.owner_kind")}, {_user("p.assignee_role")}, p.opened_id, p.submitted_by,
               NULL, p.applicant_user, p.applicant_name, p.applicant_nik, p.applicant_phone,
               p.applicant_email,
               p.applicant_address, p.village_id, f.form, p.sub_at, wdue.d, k.step_started_at,
               sdue.d, CASE WHEN p.paused THEN (p.end_at AT TIME ZONE 'Asia/Jakarta')::date END,
               CASE WHEN p.retfix THEN 1 ELSE 0 END, CASE WHEN p.paused THEN p.end_note ELSE '' END,
               CASE WHEN p.is_open THEN NULL ELSE p.end_at END, p.nev, p.end_at, '[]'::jsonb
        FROM b_plan p
        JOIN b_clock k ON k.n = p.n
        JOIN b_form f ON f.version_id = p.version_id AND f.j = p.n % {FORM_SAMPLES}
        JOIN b_cal csub ON csub.d = k.sub_day
        JOIN b_wd wdue ON wdue.wd = csub.wd + p.time_limit + CASE WHEN p.retfix THEN 1 ELSE 0 END
        LEFT JOIN b_cal cstep ON cstep.d = k.due_base AND p.due_days IS NOT NULL
        LEFT JOIN b_wd sdue ON sdue.wd = cstep.wd + p.due_days
        ORDER BY p.n
        """
    )


def _insert_events(cursor) -> None:
    # Physically ordered by time, as a live system writes them (a case's rows are spread out).
    cursor.execute(
        f"""
        INSERT INTO cases_caseevent (case_id, seq, action, from_status, to_status, from_step_id, to_step_id,
            from_owner_id, to_owner_id, actor_id, actor_unit_id, note, data, request_key, at)
        SELECT p.n, t.k, t.action, t.from_status, t.to_status, t.from_step, t.to_step,
               {_owner("t.from_owner")}, {_owner("t.to_owner")}, {_user("t.actor_role")},
               CASE WHEN t.actor_role = 'applicant' THEN p.opened_id ELSE {_owner("t.actor_owner")} END,
               t.note,
               CASE WHEN t.action = 'submit' THEN jsonb_build_object('channel', p.channel)
                    ELSE '{{}}'::jsonb END,
               NULL,
               p.sub_at + (p.end_at - p.sub_at) * ((t.k - 1)::float8 / greatest(p.nev - 1, 1)) AS at
        FROM b_plan p
        JOIN b_path t ON t.version_id = p.version_id AND t.village = p.is_village AND t.variant = p.variant
                     AND t.k <= p.nev
        ORDER BY at, p.n, t.k
        """
    )


def _fill_public_events(cursor) -> None:
    """The denormalised public history the services append with every event (see
    pintu.cases.services._public_entry): [at, action, actor unit, step position, owner]."""
    cursor.execute(
        """
        UPDATE cases_case c SET public_events = h.entries
        FROM (
            SELECT e.case_id,
                   jsonb_agg(jsonb_build_array(e.at, e.action, e.actor_unit_id, s.position, e.to_owner_id)
                             ORDER BY e.seq) AS entries
            FROM cases_caseevent e
            LEFT JOIN catalog_workflowstep s ON s.id = e.to_step_id
            WHERE e.action <> 'claim'
            GROUP BY e.case_id
        ) h
        WHERE h.case_id = c.id
        """
    )


def _insert_parties(cursor) -> None:
    cursor.execute(
        """
        INSERT INTO cases_caseparty (case_id, org_unit_id)
        SELECT DISTINCT case_id, unit FROM (
            SELECT n AS case_id, agency_id AS unit FROM b_plan
            UNION ALL SELECT n, opened_id FROM b_plan WHERE opened_id IS NOT NULL
            UNION ALL SELECT case_id, to_owner_id FROM cases_caseevent WHERE to_owner_id IS NOT NULL
        ) x
        ORDER BY case_id, unit
        """
    )


def _summary(cursor, count: int, events: int, parties: int) -> dict:
    cursor.execute(
        "SELECT status, count(*) FROM cases_case GROUP BY status ORDER BY count(*) DESC",
    )
    statuses = dict(cursor.fetchall())
    cursor.execute("SELECT channel, count(*) FROM cases_case GROUP BY channel ORDER BY count(*) DESC")
    channels = dict(cursor.fetchall())
    cursor.execute(
        """
        SELECT o.code, count(*) FROM cases_case c JOIN regions_orgunit o ON o.id = c.current_owner_id
        WHERE c.status IN ('in_progress', 'verified', 'ready_for_handover')
        GROUP BY o.code ORDER BY count(*) DESC LIMIT 5
        """
    )
    queues = dict(cursor.fetchall())
    cursor.execute(
        "SELECT count(DISTINCT opened_by_unit_id) FROM cases_case WHERE channel = 'village'",
    )
    village_offices = cursor.fetchone()[0]
    cursor.execute("SELECT min(event_count), max(event_count), avg(event_count)::float8 FROM cases_case")
    low, high, mean = cursor.fetchone()
    cursor.execute(
        """
        SELECT count(*) FROM cases_case c
        LEFT JOIN cases_caseevent e ON e.case_id = c.id AND e.seq = c.event_count
        WHERE e.id IS NULL OR e.to_status <> c.status OR e.to_step_id IS DISTINCT FROM c.current_step_id
           OR e.to_owner_id IS DISTINCT FROM c.current_owner_id
        """
    )
    inconsistent = cursor.fetchone()[0]
    if inconsistent:
        raise AssertionError(f"{inconsistent} cases disagree with their last event")
    open_count = sum(
        v for k, v in statuses.items() if k in ("in_progress", "verified", "returned", "ready_for_handover")
    )
    return {
        "cases": count,
        "events": events,
        "parties": parties,
        "events_per_case": {"min": low, "max": high, "mean": round(mean, 2)},
        "open_share": round(open_count / count, 4),
        "statuses": statuses,
        "channels": channels,
        "village_offices_with_cases": village_offices,
        "largest_actionable_queues": queues,
    }


def describe(summary: dict) -> str:
    lines = [
        f"cases {summary['cases']:,}, events {summary['events']:,} "
        f"({summary['events_per_case']['mean']} per case, {summary['events_per_case']['min']}–"
        f"{summary['events_per_case']['max']}), parties {summary['parties']:,}",
        f"open share {summary['open_share']:.1%}; statuses {summary['statuses']}",
        f"channels {summary['channels']}; village offices with cases {summary['village_offices_with_cases']}",
        f"largest actionable queues {summary['largest_actionable_queues']}",
    ]
    if "seconds" in summary:
        lines.append(f"generated in {summary['seconds']} s")
    return "\n".join(lines)
