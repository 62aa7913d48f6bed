"""INSERT of new model instances with the statement built once per model: for hot paths where
``Model.save()`` / ``bulk_create`` spend more CPU composing the SQL than the database spends
running it (issuing a document: four rows per letter, ~0.7 ms of ORM work each).

The values go through the same field methods Django's insert compiler uses (``pre_save`` with
``add=True`` — ``auto_now_add``, file names — then ``get_db_prep_save``), so what is stored is
what ``save()`` would store. Not for models with signals, multi-table inheritance or database
defaults; Pintu's hot-path models have none (``tests/test_core_rows.py`` compares the rows with
``save()``'s)."""

from __future__ import annotations

from django.db import connection, models

_INSERTS: dict[tuple, tuple[str, list, bool]] = {}


def _statement(model: type[models.Model], count: int, returning: bool) -> tuple[str, list, bool]:
    key = (model, connection.vendor, count, returning)
    cached = _INSERTS.get(key)
    if cached is None:
        meta = model._meta
        fields = [f for f in meta.local_concrete_fields if f is not meta.auto_field]
        qn = connection.ops.quote_name
        one = "(" + ", ".join(["%s"] * len(fields)) + ")"
        sql = (
            f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "  # noqa: S608
            f"VALUES {', '.join([one] * count)}"
        )
        use_returning = returning and meta.auto_field is not None
        if use_returning and connection.features.can_return_columns_from_insert:
            sql += f" RETURNING {qn(meta.auto_field.column)}"
        cached = _INSERTS[key] = (sql, fields, use_returning)
    return cached


def _values(obj: models.Model, fields: list) -> list:
    return [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields]


def _stored(obj: models.Model) -> None:
    obj._state.adding = False
    obj._state.db = connection.alias


def insert(obj: models.Model) -> models.Model:
    """Write ``obj`` (a new instance) in one INSERT; its id is set from the database."""
    sql, fields, returning = _statement(type(obj), 1, True)
    with connection.cursor() as cursor:
        cursor.execute(sql, _values(obj, fields))
        if returning:
            if connection.features.can_return_columns_from_insert:
                new_id = cursor.fetchone()[0]
            else:
                new_id = cursor.lastrowid
            setattr(obj, obj._meta.auto_field.attname, new_id)
    _stored(obj)
    return obj


def insert_many(objs: list[models.Model]) -> None:
    """Write new instances of one model in one INSERT (their ids are not read back)."""
    if not objs:
        return
    model = type(objs[0])
    sql, fields, _returning = _statement(model, len(objs), False)
    params = []
    for obj in objs:
        params.extend(_values(obj, fields))
        _stored(obj)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


_UPDATES: dict[tuple, tuple[str, list]] = {}


def update(obj: models.Model, *names: str) -> None:
    """``UPDATE … SET <names> WHERE pk = obj.pk`` with the values on ``obj`` (no ``auto_now``
    handling: name such fields yourself)."""
    model = type(obj)
    key = (model, connection.vendor, names)
    cached = _UPDATES.get(key)
    if cached is None:
        meta = model._meta
        fields = [meta.get_field(name) for name in names]
        qn = connection.ops.quote_name
        sql = (
            f"UPDATE {qn(meta.db_table)} SET {', '.join(f'{qn(f.column)} = %s' for f in fields)} "  # noqa: S608
            f"WHERE {qn(meta.pk.column)} = %s"
        )
        cached = _UPDATES[key] = (sql, fields)
    sql, fields = cached
    params = [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields]
    params.append(obj._meta.pk.get_db_prep_save(obj.pk, connection))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
