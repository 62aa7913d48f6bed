"""Calling the next ticket to a counter: the call order, and the claim that is safe under
concurrency (two counters never get the same ticket, none is lost):

* PostgreSQL: the candidate is chosen with ``SELECT … FOR UPDATE SKIP LOCKED`` (a ticket another
  counter is taking right now is skipped, not waited for) and claimed with a conditional
  ``UPDATE … WHERE status = 'waiting'``; a zero row count means another counter won and the
  next candidate is tried.
* SQLite: transactions start with ``BEGIN IMMEDIATE`` (settings), so writers are serialised by
  the database's write lock; the same conditional UPDATE is the guard.
"""

from __future__ import annotations

import contextlib
import datetime as dt

from django.db import connection, transaction
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from pintu.core.errors import Conflict, NotFound
from pintu.queueing import statements
from pintu.queueing.constants import (
    ACTIVE_STATUSES,
    TicketAction,
    TicketStatus,
)
from pintu.queueing.models import (
    Counter,
    Ticket,
)
from pintu.queueing.services._common import (
    _bump_board,
    _is_postgres,
    _record,
    _require_counter_officer,
)
from pintu.queueing.statements import CALL_ATTEMPTS, counter_positions


def _waiting_for(counter: Counter, now: dt.datetime):
    """Waiting tickets this counter may call, in call order: the counter's category position
    (main category first), priority group, booked-in-slot, arrival."""
    positions = counter_positions(counter.pk)
    category_rank = Case(
        When(target_counter_id=counter.pk, then=Value(0)),
        *[When(category_id=cid, then=Value(pos)) for cid, pos in positions.items()],
        default=Value(99),
        output_field=IntegerField(),
    )
    return (
        Ticket.objects.filter(
            site_id=counter.site_id, service_date=timezone.localdate(now), status=TicketStatus.WAITING
        )
        .filter(
            Q(category_id__in=list(positions), target_counter__isnull=True) | Q(target_counter_id=counter.pk)
        )
        .annotate(
            category_rank=category_rank,
            priority_rank=Case(
                When(priority_group="", then=Value(1)), default=Value(0), output_field=IntegerField()
            ),
            booked_rank=Case(
                When(booked_from__lte=now, then=Value(0)), default=Value(1), output_field=IntegerField()
            ),
        )
        .order_by("category_rank", "priority_rank", "booked_rank", "arrived_at", "id")
    )


CLAIM_SQL = """
UPDATE queueing_ticket
   SET status = 'called', counter_id = %s, officer_id = %s, called_at = %s,
       first_called_at = COALESCE(first_called_at, %s), target_counter_id = NULL,
       wait_seconds = COALESCE(wait_seconds, GREATEST(0, EXTRACT(EPOCH FROM (%s - arrived_at)))::integer),
       event_count = event_count + 1, updated_at = %s
 WHERE id = ({candidate}) AND status = 'waiting'
RETURNING {columns}
"""


def _claim_postgres(waiting, *, counter, actor, now) -> Ticket | None:
    """One statement: choose the first waiting ticket nobody else holds (SKIP LOCKED) and claim
    it; the ``status = 'waiting'`` guard makes a lost race a zero-row update."""
    candidate = waiting.select_for_update(skip_locked=True, of=("self",)).values("pk")[:1]
    sql, params = candidate.query.get_compiler(using=Ticket.objects.db).as_sql()
    fields = list(Ticket._meta.concrete_fields)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            CLAIM_SQL.format(candidate=sql, columns=columns),
            [counter.pk, actor.pk, now, now, now, now, *params],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    # Plain column types only (integers, text, dates, timestamps): psycopg returns what the
    # model fields hold, so the row becomes the instance without another SELECT.
    values = list(row)
    return Ticket.from_db(Ticket.objects.db, [f.attname for f in fields], values)


def _claim_portable(waiting, *, counter, actor, now) -> Ticket | None:
    """SQLite (and any database without SKIP LOCKED): the transaction holds the write lock from
    BEGIN IMMEDIATE, so the first candidate cannot be taken by anyone else meanwhile; the
    conditional UPDATE is still the guard."""
    for _attempt in range(CALL_ATTEMPTS):
        pk = waiting.values_list("pk", flat=True).first()
        if pk is None:
            return None
        claimed = Ticket.objects.filter(pk=pk, status=TicketStatus.WAITING).update(
            status=TicketStatus.CALLED,
            counter=counter,
            officer=actor,
            called_at=now,
            first_called_at=Coalesce(F("first_called_at"), Value(now)),
            target_counter=None,
            event_count=F("event_count") + 1,
            updated_at=now,
        )
        if claimed:
            ticket = Ticket.objects.only("first_called_at", "arrived_at").get(pk=pk)
            wait = max(0, int((ticket.first_called_at - ticket.arrived_at).total_seconds()))
            Ticket.objects.filter(pk=pk, wait_seconds__isnull=True).update(wait_seconds=wait)
            return Ticket.objects.get(pk=pk)
    raise Conflict('Antrian sedang ramai. Tekan "Panggil berikutnya" lagi.', code="queue.call_retry")


def ticket_call_next(*, actor, counter: Counter) -> Ticket | None:
    """Call the next ticket for ``counter``; None when nobody waits for it.

    On PostgreSQL the whole call is one statement (``_call_next_postgres``: the claim, its
    history row, its audit row and the board version commit together, as one statement is one
    transaction); the ORM path is the reference (SQLite) and answers every refusal with its
    precise error."""
    if _is_postgres():
        with _own_transaction():
            outcome = statements.call_next(actor=actor, counter=counter)
        if outcome is not statements.FALLBACK:
            return outcome
    with transaction.atomic():
        return _call_next_orm(actor=actor, counter=counter)


def _own_transaction():
    """A single statement is its own transaction; inside a caller's transaction it gets a
    savepoint, so a refusal leaves the caller's transaction usable (as ``atomic`` would)."""
    return transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext()


def _call_next_orm(*, actor, counter: Counter) -> Ticket | None:
    pk = counter.pk if isinstance(counter, Counter) else counter
    counter = (
        Counter.objects.select_for_update(of=("self",))
        .select_related("site__org_unit")
        .annotate(busy=Exists(Ticket.objects.filter(counter_id=OuterRef("pk"), status__in=ACTIVE_STATUSES)))
        .filter(pk=pk)
        .first()
    )
    if counter is None:
        raise NotFound("Loket tidak ditemukan.", code="queue.counter_not_found")
    _require_counter_officer(actor, counter)
    if counter.busy:
        raise statements.counter_busy()
    now = timezone.now()
    waiting = _waiting_for(counter, now)
    claim = _claim_postgres if _is_postgres() else _claim_portable
    ticket = claim(waiting, counter=counter, actor=actor, now=now)
    if ticket is None:
        return None
    ticket._event_counted = True
    _bump_board(counter.pk)
    _record(
        ticket,
        action=TicketAction.CALL,
        from_status=TicketStatus.WAITING,
        actor=actor,
        counter=counter,
        data={"counter": counter.number},
        at=now,
    )
    ticket.counter = counter
    return ticket
