"""Concurrency on the real database (SQLite file with WAL, or PostgreSQL): counters calling at
once never get the same ticket and lose none; numbers taken at once never repeat."""

from __future__ import annotations

import threading
from collections import Counter as Tally

import pytest
from django.db import connection

from pintu.accounts.constants import Role
from pintu.accounts.services import role_assign
from pintu.audit.models import AuditEntry
from pintu.core.errors import Conflict
from pintu.queueing import services as qs
from pintu.queueing.constants import TicketOutcome, TicketStatus
from pintu.queueing.models import Counter, Ticket, TicketEvent
from tests.factories import UserFactory
from tests.queueing_fixtures import build_floor, frozen_clock

COUNTERS = 6
TICKETS = 36


@pytest.fixture
def clock():
    yield from frozen_clock()


def _threads(target, n):
    errors, results = [], []
    lock = threading.Lock()
    start = threading.Barrier(n)

    def run(i):
        try:
            start.wait()
            value = target(i)
            with lock:
                results.append(value)
        except Exception as exc:  # collected for the assertion
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_counters_calling_at_once_get_distinct_tickets_and_lose_none(clock):
    from tests.conftest import build_world

    floor = build_floor(build_world(), clock)
    kiosk = qs.kiosk_open(actor=floor.users["officer1"], site=floor.site)
    taken = [
        qs.ticket_take(actor=None, site=floor.site, category=floor.a if i % 3 else floor.b, kiosk=kiosk).pk
        for i in range(TICKETS)
    ]
    officers = []
    for n in range(COUNTERS):
        counter = qs.counter_define(actor=None, site=floor.site, number=10 + n, categories=[floor.a, floor.b])
        officer = UserFactory(username=f"racer{n}", staff=True)
        role_assign(actor=None, user=officer, role=Role.COUNTER_OFFICER, org_unit=floor.site.org_unit)
        qs.counter_open(actor=officer, counter=counter)
        officers.append((officer, counter))

    def serve_all(i):
        officer, counter = officers[i]
        got = []
        while (ticket := qs.ticket_call_next(actor=officer, counter=counter)) is not None:
            got.append(ticket.pk)
            qs.ticket_finish(actor=officer, ticket=ticket, outcome=TicketOutcome.COMPLETED)
        return got

    results, errors = _threads(serve_all, COUNTERS)
    assert not errors, errors
    called = [pk for got in results for pk in got]
    duplicates = [pk for pk, n in Tally(called).items() if n > 1]
    assert duplicates == []
    assert sorted(called) == sorted(taken)  # none lost
    assert Ticket.objects.filter(status=TicketStatus.DONE).count() == TICKETS
    assert TicketEvent.objects.filter(action="call").count() == TICKETS
    # Every call and finish has its history row, its audit row and its board version bump.
    assert TicketEvent.objects.filter(action="finish").count() == TICKETS
    for verb in ("ticket.call", "ticket.finish"):
        assert AuditEntry.objects.filter(verb=verb).count() == TICKETS
    assert sorted(Ticket.objects.values_list("event_count", flat=True)) == [3] * TICKETS
    assert (
        sum(
            Counter.objects.filter(pk__in=[c.pk for _, c in officers]).values_list("board_version", flat=True)
        )
        == 2 * TICKETS + COUNTERS
    )  # + one bump each when opened


@pytest.mark.django_db(transaction=True)
def test_numbers_taken_at_once_never_repeat(clock):
    from tests.conftest import build_world

    floor = build_floor(build_world(), clock)
    kiosk = qs.kiosk_open(actor=floor.users["officer1"], site=floor.site)

    def take_five(i):
        return [
            qs.ticket_take(actor=None, site=floor.site, category=floor.a, kiosk=kiosk).sequence
            for _ in range(5)
        ]

    results, errors = _threads(take_five, 8)
    assert not errors, errors
    numbers = sorted(n for got in results for n in got)
    assert numbers == list(range(1, 41))


@pytest.mark.django_db(transaction=True)
def test_one_officer_double_click_calls_once(clock):
    from tests.conftest import build_world

    floor = build_floor(build_world(), clock)
    kiosk = qs.kiosk_open(actor=floor.users["officer1"], site=floor.site)
    for _ in range(3):
        qs.ticket_take(actor=None, site=floor.site, category=floor.a, kiosk=kiosk)
    qs.counter_open(actor=floor.users["officer1"], counter=floor.counters[1])
    results, errors = _threads(
        lambda i: qs.ticket_call_next(actor=floor.users["officer1"], counter=floor.counters[1]).pk, 4
    )
    assert len(results) == 1 and len(errors) == 3, (results, errors)
    assert all(isinstance(e, Conflict) for e in errors), errors  # "counter busy", not a crash
    assert Ticket.objects.filter(status=TicketStatus.CALLED).count() == 1
