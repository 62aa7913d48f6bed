"""Precomputed population statistics: how the event services keep them current (F() increments,
safe under concurrency) and how they are rebuilt after a bulk import."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.db.models.functions import ExtractYear, TruncMonth

from pintu.population.constants import DIMENSION_FIELDS, Dimension, EventKind, ResidentStatus, Sex
from pintu.population.models import PopulationCount, PopulationEvent, PopulationMonthly, Resident

# A resident's footprint in the counts: (village_id, sex, ((dimension, bucket), ...)), or None
# when the resident is not counted (not alive).
Footprint = tuple | None


def footprint(resident: Resident) -> Footprint:
    if resident.status != ResidentStatus.ALIVE:
        return None
    keys = [(Dimension.BIRTH_YEAR.value, resident.birth_date.year)]
    keys += [(dim.value, int(getattr(resident, field))) for dim, (field, _) in DIMENSION_FIELDS.items()]
    return (resident.village_id, int(resident.sex), tuple(keys))


def apply_change(before: Footprint, after: Footprint) -> None:
    """Move one resident's contribution from ``before`` to ``after`` (either may be None)."""
    if before == after:
        return
    delta: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for print_, sign in ((before, -1), (after, 1)):
        if print_ is None:
            continue
        village_id, sex, keys = print_
        for dimension, bucket in keys:
            delta[(village_id, dimension, bucket)][0 if sex == Sex.MALE else 1] += sign
    add_counts({key: d for key, d in delta.items() if d[0] or d[1]})


def add_counts(changes: dict[tuple, list[int] | tuple[int, int]]) -> None:
    """Add (male, female) to each (village_id, dimension, bucket) in one upsert statement
    (INSERT … ON CONFLICT DO UPDATE SET male = male + excluded.male): atomic per row, so
    concurrent events never lose a count, on PostgreSQL and SQLite alike."""
    if not changes:
        return
    table = connection.ops.quote_name(PopulationCount._meta.db_table)
    items = sorted(changes.items())
    for start in range(0, len(items), 500):
        chunk = items[start : start + 500]
        values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(chunk))
        params = []
        for (village_id, dimension, bucket), (male, female) in chunk:
            params += [village_id, str(dimension), int(bucket), int(male), int(female)]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (village_id, dimension, bucket, male, female) VALUES {values} "  # noqa: S608
                "ON CONFLICT (village_id, dimension, bucket) DO UPDATE "
                f"SET male = {table}.male + excluded.male, female = {table}.female + excluded.female",
                params,
            )


def footprint_of_values(village_id: int, values: dict) -> Footprint:
    """Like ``footprint`` for a dict of field values (the import)."""
    if values["status"] != ResidentStatus.ALIVE:
        return None
    keys = [(Dimension.BIRTH_YEAR.value, values["birth_date"].year)]
    keys += [(dim.value, int(values[field])) for dim, (field, _) in DIMENSION_FIELDS.items()]
    return (village_id, int(values["sex"]), tuple(keys))


def accumulate_rows(delta: dict, village_id: int, rows: list[dict]) -> None:
    """+1 for each row (dicts of field values) that is counted: one Counter key per row, then
    expanded per dimension (the import's fast path)."""
    from collections import Counter

    alive = int(ResidentStatus.ALIVE)
    male = int(Sex.MALE)
    fields = [field for _dim, (field, _list) in DIMENSION_FIELDS.items()]
    dims = [dim.value for dim in DIMENSION_FIELDS]
    counter = Counter(
        (row["sex"], row["birth_date"].year, *[row[f] for f in fields])
        for row in rows
        if row["status"] == alive
    )
    year_dim = Dimension.BIRTH_YEAR.value
    for key, n in counter.items():
        index = 0 if key[0] == male else 1
        for dimension, bucket in ((year_dim, key[1]), *zip(dims, key[2:], strict=True)):
            entry = delta.get((village_id, dimension, int(bucket)))
            if entry is None:
                entry = delta[(village_id, dimension, int(bucket))] = [0, 0]
            entry[index] += n


def accumulate(delta: dict, print_: Footprint, sign: int) -> None:
    if print_ is None:
        return
    village_id, sex, keys = print_
    index = 0 if sex == Sex.MALE else 1
    for dimension, bucket in keys:
        entry = delta.get((village_id, dimension, bucket))
        if entry is None:
            entry = delta[(village_id, dimension, bucket)] = [0, 0]
        entry[index] += sign


MONTHLY_FIELD = {
    EventKind.BIRTH: "births",
    EventKind.DEATH: "deaths",
    EventKind.MOVE_IN: "moved_in",
    EventKind.MOVE_OUT: "moved_out",
}


def bump_monthly(village_id: int, kind: str, day: dt.date, delta: int = 1) -> None:
    field = MONTHLY_FIELD.get(kind)
    if field is None:
        return
    month = day.replace(day=1)
    PopulationMonthly.objects.bulk_create(
        [PopulationMonthly(village_id=village_id, month=month)], ignore_conflicts=True
    )
    PopulationMonthly.objects.filter(village_id=village_id, month=month).update(**{field: F(field) + delta})


@transaction.atomic
def rebuild(village_ids: list[int] | None = None) -> int:
    """Recompute counts (and monthly changes from the event log) for the villages, or all.

    Returns the number of count rows written."""
    residents = Resident.objects.filter(status=ResidentStatus.ALIVE)
    counts = PopulationCount.objects.all()
    monthly = PopulationMonthly.objects.all()
    events = PopulationEvent.objects.filter(kind__in=list(MONTHLY_FIELD))
    if village_ids is not None:
        residents = residents.filter(village_id__in=village_ids)
        counts = counts.filter(village_id__in=village_ids)
        monthly = monthly.filter(village_id__in=village_ids)
        events = events.filter(village_id__in=village_ids)
    counts.delete()
    monthly.delete()
    sexed = {"male": Count("pk", filter=Q(sex=Sex.MALE)), "female": Count("pk", filter=Q(sex=Sex.FEMALE))}
    rows = []
    groups = [(Dimension.BIRTH_YEAR, ExtractYear("birth_date"))] + [
        (dim, F(field)) for dim, (field, _) in DIMENSION_FIELDS.items()
    ]
    for dimension, expression in groups:
        for row in (
            residents.annotate(bucket=expression).values("village_id", "bucket").annotate(**sexed).order_by()
        ):
            rows.append(
                PopulationCount(
                    village_id=row["village_id"],
                    dimension=dimension.value,
                    bucket=row["bucket"],
                    male=row["male"],
                    female=row["female"],
                )
            )
    PopulationCount.objects.bulk_create(rows, batch_size=2000)
    per_month: dict[tuple, PopulationMonthly] = {}
    for row in (
        events.annotate(month=TruncMonth("event_date"))
        .values("village_id", "month", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        key = (row["village_id"], row["month"])
        item = per_month.setdefault(key, PopulationMonthly(village_id=key[0], month=key[1]))
        field = MONTHLY_FIELD[row["kind"]]
        setattr(item, field, getattr(item, field) + row["n"])
    PopulationMonthly.objects.bulk_create(per_month.values(), batch_size=2000)
    return len(rows)
