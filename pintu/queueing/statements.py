"""PostgreSQL: call-next and finish as one data-modifying statement each (ADR 6, addendum).

Each statement locks, checks, writes the ticket, appends the history row, writes the audit row
and bumps the counter's board version (one round trip, one plan, prepared per connection).
Whatever a statement cannot decide leaves it without effect (``FALLBACK``) and
``pintu.queueing.services`` runs the ORM path, which raises the precise error. Also the cached
counter configuration both paths read."""

from __future__ import annotations

from django.db import IntegrityError
from django.utils import timezone

from pintu.accounts.access import principal_for
from pintu.core.errors import Conflict
from pintu.core.rows import execute
from pintu.core.ttlcache import ttl_cache
from pintu.queueing import policies
from pintu.queueing.constants import TicketOutcome
from pintu.queueing.models import Counter, CounterCategory, Ticket

CALL_ATTEMPTS = 8


@ttl_cache(10)
def counter_positions(counter_id: int) -> dict[int, int]:
    """{category id: position} a counter serves (read on every call; a change reaches every
    process within 10 s, the process that made it at once)."""
    return dict(CounterCategory.objects.filter(counter_id=counter_id).values_list("category_id", "position"))


def counter_busy() -> Conflict:
    return Conflict(
        "Masih ada tiket yang dipanggil/dilayani di loket ini. Selesaikan, tunda atau tandai tidak hadir dulu.",
        code="queue.counter_busy",
    )


# --- PostgreSQL: call-next and finish in one statement each ---------------------------------------------
#
# Each statement locks, checks, writes the ticket, appends the history row, writes the audit row
# and bumps the counter's board version (data-modifying CTEs: one round trip, one plan, prepared
# per connection). Whatever the statement cannot decide (counter not found or not the actor's,
# ticket not at the actor's counter, wrong status) leaves it without effect and the ORM path
# runs instead and raises the precise error. Permission (the actor's role at the site) is
# checked in Python from the cached counter configuration before the statement.

FALLBACK = object()
_TICKET_FIELDS = tuple(Ticket._meta.concrete_fields)
_TICKET_ATTNAMES = [f.attname for f in _TICKET_FIELDS]
_TICKET_COLUMNS = ", ".join(f"t.{f.column}" for f in _TICKET_FIELDS)

CALL_NEXT_SQL = """
WITH ctr AS (
    SELECT id FROM queueing_counter
     WHERE id = %(counter)s AND current_officer_id = %(actor)s
       FOR UPDATE
), busy AS (
    SELECT EXISTS (
        SELECT 1 FROM queueing_ticket
         WHERE counter_id = %(counter)s AND status IN ('called', 'serving')
    ) AS b
), pick AS (
    SELECT t.id FROM queueing_ticket t
     WHERE EXISTS (SELECT 1 FROM ctr) AND NOT (SELECT b FROM busy)
       AND t.status = 'waiting' AND t.site_id = %(site)s AND t.service_date = %(day)s
       AND (t.category_id = ANY (%(categories)s::bigint[]) OR t.target_counter_id = %(counter)s)
       AND (t.target_counter_id IS NULL OR t.target_counter_id = %(counter)s)
     ORDER BY
       CASE WHEN t.target_counter_id = %(counter)s THEN 0
            ELSE COALESCE((%(positions)s::integer[])[
                array_position(%(categories)s::bigint[], t.category_id)], 99) END,
       CASE WHEN t.priority_group = '' THEN 1 ELSE 0 END,
       CASE WHEN t.booked_from <= %(now)s THEN 0 ELSE 1 END,
       t.arrived_at, t.id
     LIMIT 1
       FOR UPDATE OF t SKIP LOCKED
), upd AS (
    UPDATE queueing_ticket t
       SET status = 'called', counter_id = %(counter)s, officer_id = %(actor)s, called_at = %(now)s,
           first_called_at = COALESCE(t.first_called_at, %(now)s), target_counter_id = NULL,
           wait_seconds = COALESCE(t.wait_seconds, GREATEST(0, floor(EXTRACT(EPOCH FROM
               (COALESCE(t.first_called_at, %(now)s) - t.arrived_at))))::integer),
           event_count = t.event_count + 1, updated_at = %(now)s
      FROM pick
     WHERE t.id = pick.id AND t.status = 'waiting'
 RETURNING {columns}
), event AS (
    INSERT INTO queueing_ticketevent
           (ticket_id, seq, action, from_status, to_status, counter_id, actor_id, data, at)
    SELECT id, event_count, 'call', 'waiting', 'called', %(counter)s, %(actor)s,
           jsonb_build_object('counter', %(number)s::integer), %(now)s
      FROM upd
), audit AS (
    INSERT INTO audit_auditentry
           (at, actor_id, actor_label, verb, object_type, object_id, object_label, changes)
    SELECT %(now)s, %(actor)s, %(actor_label)s, 'ticket.call', 'queueing.ticket', id::text,
           display_number,
           jsonb_build_object('status', jsonb_build_array('waiting', 'called'),
                              'number', display_number, 'counter', %(number)s::integer)
      FROM upd
), board AS (
    UPDATE queueing_counter SET board_version = board_version + 1
     WHERE id = %(counter)s AND EXISTS (SELECT 1 FROM upd)
)
SELECT EXISTS (SELECT 1 FROM ctr), (SELECT b FROM busy), (SELECT id FROM pick), upd.*
  FROM (SELECT 1) AS one LEFT JOIN upd ON true
"""

FINISH_SQL = """
WITH old AS (
    SELECT t.id, t.status FROM queueing_ticket t
      JOIN queueing_counter c ON c.id = t.counter_id
      JOIN queueing_queuesite q ON q.id = c.site_id
      JOIN queueing_ticketcategory cat ON cat.id = t.category_id
     WHERE t.id = %(ticket)s AND t.status IN ('called', 'serving')
       AND c.current_officer_id = %(actor)s AND q.org_unit_id = ANY (%(units)s::bigint[])
       AND (%(survey)s OR (cat.agency_id IS NULL AND t.case_id IS NULL))
       FOR UPDATE OF t
), upd AS (
    UPDATE queueing_ticket t
       SET status = 'done', outcome = %(outcome)s,
           served_started_at = COALESCE(t.served_started_at, %(now)s), served_finished_at = %(now)s,
           service_seconds = GREATEST(0, floor(EXTRACT(EPOCH FROM
               (%(now)s - COALESCE(t.served_started_at, %(now)s)))))::integer,
           event_count = t.event_count + 1, updated_at = %(now)s
      FROM old
     WHERE t.id = old.id AND t.status IN ('called', 'serving')
 RETURNING old.status AS from_status, {columns}
), event AS (
    INSERT INTO queueing_ticketevent
           (ticket_id, seq, action, from_status, to_status, counter_id, actor_id, data, at)
    SELECT id, event_count, 'finish', from_status, 'done', counter_id, %(actor)s,
           jsonb_build_object('outcome', %(outcome)s::text, 'note', %(note)s::text), %(now)s
      FROM upd
), audit AS (
    INSERT INTO audit_auditentry
           (at, actor_id, actor_label, verb, object_type, object_id, object_label, changes)
    SELECT %(now)s, %(actor)s, %(actor_label)s, 'ticket.finish', 'queueing.ticket', id::text,
           display_number,
           jsonb_build_object('status', jsonb_build_array(from_status, 'done'),
                              'number', display_number, 'outcome', %(outcome)s::text,
                              'note', %(note)s::text)
      FROM upd
), board AS (
    UPDATE queueing_counter c SET board_version = c.board_version + 1
      FROM upd WHERE c.id = upd.counter_id
)
SELECT c.site_id, q.org_unit_id, cat.agency_id, upd.*
  FROM upd
  JOIN queueing_counter c ON c.id = upd.counter_id
  JOIN queueing_queuesite q ON q.id = c.site_id
  JOIN queueing_ticketcategory cat ON cat.id = upd.category_id
"""
CALL_NEXT_SQL = CALL_NEXT_SQL.replace("{columns}", _TICKET_COLUMNS)
FINISH_SQL = FINISH_SQL.replace("{columns}", _TICKET_COLUMNS)


@ttl_cache(10)
def counter_config(counter_id: int) -> tuple | None:
    """(site id, site org unit id, number, category ids, positions) of a counter, or None.
    Site and number never change; the categories follow ``counter_positions`` (10 s)."""
    row = Counter.objects.filter(pk=counter_id).values_list("site_id", "site__org_unit_id", "number").first()
    if row is None:
        return None
    positions = sorted(counter_positions(counter_id).items(), key=lambda item: (item[1], item[0]))
    return (*row, [cid for cid, _ in positions], [pos for _, pos in positions])


def _may_work_at_unit(actor, unit_id: int) -> bool:
    principal = principal_for(actor)
    return principal is not None and any(principal.has_role(role, unit_id) for role in policies.COUNTER_ROLES)


def execute_prepared(sql: str, params: dict):
    """Run ``sql`` prepared, values bound by the server (``pintu.core.rows.execute``): one row
    back."""
    with execute(sql, params) as cursor:
        return cursor.fetchone()


def call_next(*, actor, counter) -> Ticket | object | None:
    pk = counter.pk if isinstance(counter, Counter) else counter
    config = counter_config(pk)
    if config is None or not getattr(actor, "is_authenticated", False):
        return FALLBACK
    site_id, unit_id, number, categories, positions = config
    if not _may_work_at_unit(actor, unit_id):
        return FALLBACK
    now = timezone.now()
    params = {
        "counter": pk,
        "actor": actor.pk,
        "actor_label": actor.get_username(),
        "site": site_id,
        "day": timezone.localdate(now),
        "categories": categories,
        "positions": positions,
        "now": now,
        "number": number,
    }
    for _attempt in range(CALL_ATTEMPTS):
        try:
            row = execute_prepared(CALL_NEXT_SQL, params)
        except IntegrityError as exc:
            # Only the one-active-ticket-per-counter index can refuse: a second call at the same
            # counter that waited for the first one's lock (a double click).
            raise counter_busy() from exc
        is_officer, busy, picked, *ticket_row = row
        if not is_officer:
            return FALLBACK
        if busy:
            raise counter_busy()
        if picked is None:
            return None
        if ticket_row[0] is not None:
            ticket = Ticket.from_db(Ticket.objects.db, _TICKET_ATTNAMES, ticket_row)
            if isinstance(counter, Counter):
                ticket.counter = counter
            return ticket
    raise Conflict('Antrian sedang ramai. Tekan "Panggil berikutnya" lagi.', code="queue.call_retry")


def finish(*, actor, ticket, outcome: str, note: str, survey: bool) -> Ticket | object:
    """One statement (the caller sends the survey when ``needs_survey``); ``survey=False`` (autocommit) only finishes tickets without a survey to
    send, the others come back with ``survey=True`` inside a transaction."""
    if not getattr(actor, "is_authenticated", False) or outcome not in TicketOutcome.values:
        return FALLBACK
    units = principal_for(actor).units_with(*policies.COUNTER_ROLES)
    if not units:
        return FALLBACK
    pk = ticket.pk if isinstance(ticket, Ticket) else ticket
    params = {
        "ticket": pk,
        "actor": actor.pk,
        "actor_label": actor.get_username(),
        "units": sorted(units),
        "survey": survey,
        "outcome": outcome,
        "note": note[:200],
        "now": timezone.now(),
    }
    row = execute_prepared(FINISH_SQL, params)
    if row is None:
        return FALLBACK  # nothing written: the ORM path explains why (or sends the survey)
    _site_id, _unit_id, agency_id, _from_status, *ticket_row = row
    done = Ticket.from_db(Ticket.objects.db, _TICKET_ATTNAMES, ticket_row)
    done.needs_survey = not (agency_id is None and done.case_id is None)  # a village desk: none
    return done
