"""The rows of one change written in one statement: for hot paths where ``Model.save()`` spends
more CPU composing SQL, and each statement more in round trips, than the database spends
storing the rows (issuing a village letter writes five rows: the PDF's upload, the document,
the letter and two audit entries).

A change whose rows point at each other needs their ids before it writes: ``allocate_ids``
takes them from the tables' own counters (or ``nextval_sql`` adds them to a statement the
caller runs anyway), the rows are built complete in Python, and ``insert_all`` writes them —
on PostgreSQL in ONE statement (data-modifying CTEs: one round trip, and the foreign keys
checked at its end), on SQLite one INSERT per table (in-process: no round trips to save).

The INSERT of each model is built once; the values go through the same field methods Django's
insert compiler uses (``pre_save`` with ``add=True`` — ``auto_now_add``, file names — then
``get_db_prep_save``; a value of a type its field stores unchanged is taken as it is, see
``_stored_as_is``), so what is stored is what ``save()`` would store. Not for models with
signals, multi-table inheritance or database defaults; Pintu's hot-path models have none
(``tests/test_core_rows.py`` compares the rows with ``save()``'s)."""

from __future__ import annotations

import datetime as dt
import time
import uuid

import psycopg
from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models.fields import AutoFieldMixin
from psycopg.postgres import types
from psycopg.pq import Format

_INSERTS: dict[tuple, tuple[str, list, list]] = {}
_NUMBERED: dict[str, str] = {}


def _numbered(sql: str) -> str:
    """``… %s … %s`` → ``… $1 … $2``: PostgreSQL's own placeholders, worked out once per
    statement (the statements here are built from quoted identifiers and ``%s`` only)."""
    numbered = _NUMBERED.get(sql)
    if numbered is None:
        parts = sql.split("%s")
        if any("%" in part for part in parts):
            raise ValueError("hot-path statements take %s placeholders only")
        numbered = parts[0] + "".join(f"${i}{part}" for i, part in enumerate(parts[1:], 1))
        _NUMBERED[sql] = numbered
    return numbered


def execute(sql: str, params: list | dict):
    """Run one statement of a hot path and return its cursor (Django's wrapper: its query log
    and error mapping; close it, or use it in ``with``).

    PostgreSQL: a prepared statement with the values bound by the server, instead of Django's
    client-side binding (which splits the statement and quotes every value into its text on
    every call — psycopg caches that work only up to 50 values; a letter's five rows have 73 —
    and leaves the server to parse and plan the text anew each time; planning was a quarter
    of the server's CPU for a letter). ``%s`` placeholders (a list) become PostgreSQL's own
    ``$n`` once per statement; ``%(name)s`` (a dict) are psycopg's to convert. Prepared once
    per connection: behind a transaction-pooling PgBouncer it must be 1.21 or newer
    (``max_prepared_statements``). Other databases: Django's cursor."""
    db = connections[DEFAULT_DB_ALIAS]
    if db.vendor != "postgresql":
        cursor = db.cursor()
        cursor.execute(sql, params)
        return cursor
    db.close_if_health_check_failed()
    db.ensure_connection()
    db.validate_thread_sharing()
    with db.wrap_database_errors:
        if isinstance(params, dict):
            raw, statement = _PreparedNamed(db.connection), sql
        else:
            raw, statement = _Prepared(db.connection), _numbered(sql)
    loader = db.connection.adapters.get_loader(types["timestamptz"].oid, Format.TEXT)
    if db.timezone != loader.timezone:  # as Django's own cursors do
        from django.db.backends.postgresql.psycopg_any import register_tzloader

        register_tzloader(db.timezone, raw)
    cursor = db.make_cursor(raw)
    if not db.queries_logged:
        cursor.execute(statement, params)
        return cursor
    # Django's debug cursor reads the SQL back from psycopg, which keeps none for a prepared
    # statement: the query log gets the statement as written.
    started = time.monotonic()
    try:
        cursor.execute(statement, params)
    finally:
        db.queries_log.append({"sql": sql, "time": f"{time.monotonic() - started:.3f}"})
    return cursor


def _prepared(base):
    class Prepared(base):
        """A psycopg cursor whose statements are always prepared (Django's wrapper calls
        ``execute(sql, params)`` without psycopg's ``prepare`` argument)."""

        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(query, params, prepare=True, binary=binary)

    return Prepared


_Prepared, _PreparedNamed = _prepared(psycopg.RawCursor), _prepared(psycopg.Cursor)


def _statement(model: type[models.Model], count: int, with_key: bool) -> tuple[str, list, list]:
    """(INSERT of ``count`` rows, the fields in column order, their ``_plan``)."""
    key = (model, connection.vendor, count, with_key)
    cached = _INSERTS.get(key)
    if cached is None:
        meta = model._meta
        fields = [f for f in meta.local_concrete_fields if with_key or f is not meta.auto_field]
        qn = connection.ops.quote_name
        one = "(" + ", ".join(["%s"] * len(fields)) + ")"
        sql = (
            f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "  # noqa: S608
            f"VALUES {', '.join([one] * count)}"
        )
        cached = _INSERTS[key] = (sql, fields, _plan(fields, connection))
    return cached


def _stored_as_is(field: models.Field, db) -> tuple[type, ...]:
    """The exact value types ``field`` stores unchanged on ``db``: for them
    ``get_db_prep_save(pre_save(obj, True), db)`` returns the attribute itself. Worked out from
    the methods the field's class really has — a class that overrides any of them gets (), and
    its values always go through Django's methods."""
    if isinstance(field, models.ForeignKey):
        cls = type(field)
        if (
            cls.get_db_prep_save is not models.ForeignKey.get_db_prep_save
            or cls.pre_save is not models.Field.pre_save
        ):
            return ()
        # A foreign key turns None and '' into NULL, then defers to its target's methods.
        return tuple(t for t in _stored_as_is(field.target_field, db) if t is not str)
    cls = type(field)
    if cls.get_db_prep_save is not models.Field.get_db_prep_save:
        return ()
    if cls.pre_save is not models.Field.pre_save and not (
        # A date's pre_save computes a value only for auto_now / auto_now_add.
        cls in (models.DateField, models.DateTimeField) and not (field.auto_now or field.auto_now_add)
    ):
        return ()  # auto_now(_add), file names: computed by pre_save
    prep, db_prep = cls.get_prep_value, cls.get_db_prep_value
    postgresql = db.vendor == "postgresql"
    if db_prep is AutoFieldMixin.get_db_prep_value:  # ids: validate_autopk_value is a no-op here
        if type(db.ops).validate_autopk_value is not BaseDatabaseOperations.validate_autopk_value:
            return ()
        db_prep = models.Field.get_db_prep_value
    if db_prep is models.Field.get_db_prep_value:
        if prep in (models.CharField.get_prep_value, models.TextField.get_prep_value):
            return (str,)
        if prep is models.IntegerField.get_prep_value:
            return (int,)
        if prep is models.BooleanField.get_prep_value:
            return (bool,)
        return ()
    if not postgresql:  # SQLite stores dates, times and UUIDs as text
        return ()
    if cls is models.DateField:  # psycopg adapts a date as is
        return (dt.date,)
    if cls is models.DateTimeField:  # an aware one (``_values`` checks)
        return (dt.datetime,)
    if db_prep is models.UUIDField.get_db_prep_value:  # the native uuid type
        return (uuid.UUID,)
    return ()


def _plan(fields: list, db) -> list:
    return [(f.attname, _stored_as_is(f, db), f) for f in fields]


def _values(obj: models.Model, plan: list, db) -> list:
    """The row's values as ``save()`` stores them: through each field's ``pre_save`` and
    ``get_db_prep_save``, except for a value of a type its field stores unchanged (``_plan``) —
    most of a row's values (ids, strings, numbers, flags, aware datetimes), whose methods cost
    more than the rest of the insert."""
    state = obj.__dict__
    out = []
    for attname, as_is, field in plan:
        value = state.get(attname, field)
        kind = type(value)
        if value is None and as_is:
            out.append(None)
        elif kind in as_is and (kind is not dt.datetime or value.tzinfo is not None):
            out.append(value)
        else:
            out.append(field.get_db_prep_save(field.pre_save(obj, True), db))
    return out


_SEQUENCES: dict[tuple, str] = {}


def _sequence_name(model: type[models.Model]) -> str:
    key = (connection.alias, model)
    name = _SEQUENCES.get(key)
    if name is None:
        meta = model._meta
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [meta.db_table, meta.auto_field.column])
            name = _SEQUENCES[key] = cursor.fetchone()[0]
    return name


def nextval_sql(*model_classes: type[models.Model]) -> str:
    """PostgreSQL: ``nextval('<sequence>'), …`` of each model's id, to add to the select list of a
    statement the caller runs anyway (no round trip of its own). '' on other databases: call
    ``allocate_ids`` there."""
    if connection.vendor != "postgresql":
        return ""
    # The sequence names come from the catalogue (pg_get_serial_sequence), quoted as literals.
    return ", ".join(f"nextval({_quote_literal(_sequence_name(m))})" for m in model_classes)


def _quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def allocate_ids(*model_classes: type[models.Model]) -> list[int]:
    """One new id for each model (auto-increment key), taken now, for rows this transaction
    writes with ``insert_all``. PostgreSQL: ``nextval`` of the id sequences (one statement).
    SQLite: see ``_sqlite_take``. An id taken and rolled back is a gap in the ids, never a
    reuse."""
    _check_transaction()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {nextval_sql(*model_classes)}")
            return list(cursor.fetchone())
    return [_sqlite_take(model, 1)[0] for model in model_classes]


def allocate_id_block(model: type[models.Model], count: int) -> list[int]:
    """``count`` new ids of one model, for a bulk load that must know its rows' ids before it
    writes them (the population import: a family's head in the same COPY)."""
    if count <= 0:
        return []
    _check_transaction()
    if connection.vendor != "postgresql":
        return _sqlite_take(model, count)
    with connection.cursor() as cursor:
        # The sequence as a constant: pg_get_serial_sequence inside the query would be
        # evaluated again for every id (five times slower).
        cursor.execute(
            "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [_sequence_name(model), count]
        )
        return [row[0] for row in cursor.fetchall()]


def _check_transaction() -> None:
    if not connection.in_atomic_block:
        raise RuntimeError("ids are allocated inside the transaction that writes the rows")


def _sqlite_take(model: type[models.Model], count: int) -> list[int]:
    """SQLite: ``count`` ids from ``sqlite_sequence``, the counter SQLite's AUTOINCREMENT keys
    draw from — safe because the transaction already holds SQLite's one write lock (BEGIN
    IMMEDIATE) until it ends, and an explicit id never sets that counter back."""
    if connection.vendor != "sqlite":  # pragma: no cover - Pintu runs on PostgreSQL or SQLite
        raise NotImplementedError(connection.vendor)
    qn = connection.ops.quote_name
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE sqlite_sequence SET seq = seq + %s WHERE name = %s RETURNING seq", [count, table]
        )
        row = cursor.fetchone()
        if row is None:  # the table never had a row: start after whatever is there
            cursor.execute(
                "INSERT INTO sqlite_sequence (name, seq) "  # noqa: S608 - quoted model identifiers
                f"SELECT %s, COALESCE(MAX({qn(model._meta.pk.column)}), 0) + %s FROM {qn(table)} RETURNING seq",
                [table, count],
            )
            row = cursor.fetchone()
    last = row[0]
    return list(range(last - count + 1, last + 1))


def insert_all(objs: list[models.Model]) -> None:
    """Write new instances of any models in one statement on PostgreSQL (one INSERT per group
    elsewhere); consecutive instances of one model share a multi-row VALUES. A row that another
    row points at needs its id set beforehand (``allocate_ids``, a UUID default); a row nobody
    points at (an audit entry) may leave its auto id to the database, which is not read back."""
    groups: list[list[models.Model]] = []
    for obj in objs:
        if groups and type(groups[-1][0]) is type(obj) and (groups[-1][0].pk is None) == (obj.pk is None):
            groups[-1].append(obj)
        else:
            groups.append([obj])
    db = connections[DEFAULT_DB_ALIAS]  # the connection itself: the field methods below ask it often
    statements = []
    for group in groups:
        model = type(group[0])
        with_key = model._meta.auto_field is None or group[0].pk is not None
        sql, _fields, plan = _statement(model, len(group), with_key)
        params = []
        for obj in group:
            params.extend(_values(obj, plan, db))
        statements.append((sql, params))
    if db.vendor == "postgresql":
        if len(statements) == 1:
            sql, params = statements[0]
        else:
            *first, last = statements
            sql = "WITH " + ", ".join(f"w{i} AS ({s})" for i, (s, _p) in enumerate(first)) + " " + last[0]
            params = [value for _s, p in statements for value in p]
        execute(sql, params).close()
    else:
        with db.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = db.alias


def violation(exc: Exception) -> tuple[str, tuple[str, ...]]:
    """(table, columns) of the unique constraint an ``IntegrityError`` reports — ('', ()) when the
    driver does not say. One statement may write several tables, so the caller asks which."""
    cause = exc.__cause__
    diag = getattr(cause, "diag", None)
    if diag is not None:  # psycopg: 'Key (office_id, number)=(3, 470/001/…) already exists.'
        detail = diag.message_detail or ""
        columns = detail[5 : detail.index(")=")] if detail.startswith("Key (") and ")=" in detail else ""
        return diag.table_name or "", tuple(c.strip() for c in columns.split(",") if c.strip())
    message = str(cause or exc)  # SQLite: 'UNIQUE constraint failed: t.office_id, t.number'
    if "constraint failed: " not in message:
        return "", ()
    names = [part.strip() for part in message.split("constraint failed: ", 1)[1].split(",")]
    table = names[0].split(".", 1)[0] if "." in names[0] else ""
    return table, tuple(name.split(".", 1)[1] for name in names if "." in name)
