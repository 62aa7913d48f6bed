"""The queue's verbs: numbering, call order, recall/park/transfer/finish, bookings, calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from pintu.audit.models import AuditEntry
from pintu.core.errors import Conflict, PermissionDenied, ValidationFailed
from pintu.notifications.models import Notification
from pintu.queueing import selectors
from pintu.queueing import services as qs
from pintu.queueing.constants import BookingStatus, TicketOutcome, TicketSource, TicketStatus
from pintu.queueing.models import Ticket, TicketEvent, TimeSlot
from pintu.queueing.spoken import announcement, digits_words
from tests.queueing_fixtures import START, WIB, build_floor, frozen_clock, open_counters

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    yield from frozen_clock()


@pytest.fixture
def floor(world, clock):
    return build_floor(world, clock)


def kiosk(floor):
    return qs.kiosk_open(actor=floor.users["officer1"], site=floor.site, name="Kios 1")


def take(floor, category="a", priority="", k=None, minutes=1):
    floor.clock.advance(minutes=minutes)
    return qs.ticket_take(
        actor=None,
        site=floor.site,
        category=getattr(floor, category),
        priority_group=priority,
        kiosk=k or kiosk(floor),
    )


# --- numbering -------------------------------------------------------------------------------------------


def test_numbers_per_category_and_reset_next_day(floor):
    k = kiosk(floor)
    numbers = [take(floor, c, k=k).display_number for c in ("a", "a", "b", "a", "b")]
    assert numbers == ["A001", "A002", "B001", "A003", "B002"]
    floor.clock.set(START + dt.timedelta(days=1))  # Thursday
    assert take(floor, "a", k=k).display_number == "A001"
    assert take(floor, "b", k=k).display_number == "B001"
    assert Ticket.objects.filter(display_number="A001").count() == 2


def test_take_records_history_and_audit(floor):
    ticket = take(floor)
    assert ticket.source == TicketSource.KIOSK and ticket.status == TicketStatus.WAITING
    assert list(ticket.events.values_list("action", flat=True)) == ["take"]
    assert AuditEntry.objects.filter(verb="ticket.take", object_id=str(ticket.pk)).exists()


@pytest.mark.parametrize(
    ("moment", "code"),
    [
        (dt.datetime(2026, 12, 2, 6, 30, tzinfo=WIB), "queue.outside_hours"),  # before opening
        (dt.datetime(2026, 12, 2, 16, 0, tzinfo=WIB), "queue.outside_hours"),  # at closing time
        (dt.datetime(2026, 12, 6, 10, 0, tzinfo=WIB), "queue.closed"),  # Sunday: no hours
        (dt.datetime(2026, 12, 25, 10, 0, tzinfo=WIB), "queue.closed"),  # Christmas (national)
        (dt.datetime(2026, 12, 12, 10, 0, tzinfo=WIB), "queue.closed"),  # Saturday, regency day off
        (dt.datetime(2026, 12, 18, 10, 0, tzinfo=WIB), "queue.closed"),  # Friday, regency day off
    ],
)
def test_closed_times_refuse_tickets(floor, moment, code):
    from pintu.core.services import day_off_add

    day_off_add(actor=None, date=dt.date(2026, 12, 12), name="Pemilihan kepala desa serentak")
    day_off_add(actor=None, date=dt.date(2026, 12, 18), name="Hari Jadi Banyuwangi")
    k = kiosk(floor)
    floor.clock.set(moment)
    with pytest.raises(Conflict) as exc:
        qs.ticket_take(actor=None, site=floor.site, category=floor.a, kiosk=k)
    assert exc.value.code == code
    assert not Ticket.objects.exists()


def test_site_closed_day_and_saturday_opening(floor):
    k = kiosk(floor)
    floor.clock.set(dt.datetime(2026, 12, 5, 9, 0, tzinfo=WIB))  # Saturday: open at this site
    assert take(floor, k=k, minutes=0).display_number == "A001"
    qs.site_close_day(
        actor=floor.users["site_manager"], site=floor.site, date=dt.date(2026, 12, 7), reason="Renovasi"
    )
    floor.clock.set(dt.datetime(2026, 12, 7, 9, 0, tzinfo=WIB))
    with pytest.raises(Conflict):
        take(floor, k=k, minutes=0)


def test_revoked_kiosk_and_strangers_cannot_take(floor):
    k = kiosk(floor)
    qs.kiosk_close(actor=floor.users["officer1"], kiosk=k)
    k.refresh_from_db()
    with pytest.raises(PermissionDenied):
        qs.ticket_take(actor=None, site=floor.site, category=floor.a, kiosk=k)
    with pytest.raises(PermissionDenied):
        qs.ticket_take(actor=floor.users["citizen"], site=floor.site, category=floor.a)
    with pytest.raises(PermissionDenied):  # a kiosk of another site
        qs.ticket_take(actor=None, site=floor.other_site, category=floor.a, kiosk=kiosk(floor))
    assert not Ticket.objects.exists()


# --- call order (table-driven) ----------------------------------------------------------------------------

# Each row: the tickets taken in order (category, priority group, minutes later), the counter
# that calls, and the numbers it gets in order.
ORDER_CASES = [
    ("arrival", [("a", "", 1), ("a", "", 1), ("a", "", 1)], 1, ["A001", "A002", "A003"]),
    ("priority first", [("a", "", 1), ("a", "elderly", 1), ("a", "", 1)], 1, ["A002", "A001", "A003"]),
    ("priority groups by arrival", [("a", "pregnant", 1), ("a", "elderly", 1)], 1, ["A001", "A002"]),
    ("main category first", [("b", "", 1), ("a", "", 1)], 2, ["A001", "B001"]),
    ("helps other category when main is empty", [("b", "", 1), ("b", "", 1)], 2, ["B001", "B002"]),
    ("priority does not jump categories", [("a", "", 1), ("b", "elderly", 1)], 2, ["A001", "B001"]),
    ("other counter's category untouched", [("b", "", 1), ("a", "", 1)], 1, ["A001"]),
]


@pytest.mark.parametrize(
    ("name", "taken", "counter", "expected"), ORDER_CASES, ids=[c[0] for c in ORDER_CASES]
)
def test_call_order(floor, name, taken, counter, expected):
    k = kiosk(floor)
    for category, priority, minutes in taken:
        take(floor, category, priority, k=k, minutes=minutes)
    open_counters(floor, counter)
    officer = floor.users[f"officer{counter}"]
    called = []
    while (ticket := qs.ticket_call_next(actor=officer, counter=floor.counters[counter])) is not None:
        called.append(ticket.display_number)
        qs.ticket_finish(actor=officer, ticket=ticket, outcome=TicketOutcome.COMPLETED)
    assert called == expected


def _book(floor, start_hour=10, start_minute=30):
    slot = TimeSlot.objects.create(
        site=floor.site,
        category=floor.a,
        date=floor.clock.moment.date(),
        start=dt.time(start_hour, start_minute),
        end=dt.time(start_hour, start_minute + 29),
        quota=5,
    )
    return qs.booking_create(actor=floor.world.users["citizen"], slot=slot)


@pytest.mark.parametrize(
    ("check_in_at", "call_at", "expected"),
    [
        # checked in before its slot, called before the slot starts: walk-ins who came earlier first
        ((10, 20), (10, 25), ["A001", "A002", "A003"]),
        # checked in before its slot, called within the slot: the booking goes first
        ((10, 20), (10, 35), ["A003", "A001", "A002"]),
        # checked in 10 minutes late (window 15): still goes first
        ((10, 40), (10, 45), ["A003", "A001", "A002"]),
        # checked in 20 minutes late: a walk-in, after those who came earlier
        ((10, 50), (10, 55), ["A001", "A002", "A003"]),
    ],
)
def test_booking_goes_first_within_its_slot(floor, check_in_at, call_at, expected):
    booking = _book(floor)
    k = kiosk(floor)
    take(floor, k=k, minutes=1)  # A001 at 10.01
    take(floor, k=k, minutes=1)  # A002 at 10.02
    floor.clock.set(START.replace(hour=check_in_at[0], minute=check_in_at[1]))
    scanned = f"http://127.0.0.1:8000/saya/antrian/{booking.code}/"  # what a QR scanner types
    booked = qs.booking_check_in(actor=None, site=floor.site, code=scanned, kiosk=k)
    assert booked.display_number == "A003" and booked.source == TicketSource.BOOKING
    floor.clock.set(START.replace(hour=call_at[0], minute=call_at[1]))
    open_counters(floor, 1)
    officer = floor.users["officer1"]
    called = []
    while (ticket := qs.ticket_call_next(actor=officer, counter=floor.counters[1])) is not None:
        called.append(ticket.display_number)
        qs.ticket_finish(actor=officer, ticket=ticket, outcome=TicketOutcome.COMPLETED)
    assert called == expected
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CHECKED_IN and booking.ticket_id == booked.pk


def test_transfer_keeps_arrival_and_place_in_line(floor):
    k = kiosk(floor)
    first = take(floor, "a", k=k)  # A001 10.01
    take(floor, "b", k=k)  # B001 10.02
    take(floor, "b", k=k)  # B002 10.03
    open_counters(floor, 1, 3)
    called = qs.ticket_call_next(actor=floor.users["officer1"], counter=floor.counters[1])
    assert called.pk == first.pk
    moved = qs.ticket_transfer(actor=floor.users["officer1"], ticket=called, category=floor.b)
    assert moved.arrived_at == first.arrived_at and moved.display_number == "A001"
    assert moved.status == TicketStatus.WAITING and moved.counter_id is None
    nxt = qs.ticket_call_next(actor=floor.users["officer3"], counter=floor.counters[3])
    assert nxt.display_number == "A001"  # arrived before B001


def test_transfer_to_counter_only_that_counter_calls_it(floor):
    k = kiosk(floor)
    take(floor, "a", k=k)
    open_counters(floor, 1, 2, 3)
    ticket = qs.ticket_call_next(actor=floor.users["officer1"], counter=floor.counters[1])
    qs.ticket_transfer(actor=floor.users["officer1"], ticket=ticket, counter=floor.counters[3])
    assert qs.ticket_call_next(actor=floor.users["officer2"], counter=floor.counters[2]) is None
    assert qs.ticket_call_next(actor=floor.users["officer3"], counter=floor.counters[3]).pk == ticket.pk


def test_recall_limit_makes_no_show(floor):
    take(floor)
    open_counters(floor, 1)
    officer = floor.users["officer1"]
    ticket = qs.ticket_call_next(actor=officer, counter=floor.counters[1])
    assert qs.ticket_recall(actor=officer, ticket=ticket).recall_count == 1
    assert qs.ticket_recall(actor=officer, ticket=ticket).recall_count == 2
    ticket = qs.ticket_recall(actor=officer, ticket=ticket)  # limit 2 reached
    assert ticket.status == TicketStatus.NO_SHOW
    assert list(ticket.events.values_list("action", flat=True)) == [
        "take",
        "call",
        "recall",
        "recall",
        "no_show",
    ]
    assert qs.ticket_call_next(actor=officer, counter=floor.counters[1]) is None  # counter is free again


def test_park_resume_and_finish_with_times(floor):
    take(floor)
    open_counters(floor, 1, 2)
    officer = floor.users["officer1"]
    floor.clock.advance(minutes=9)
    ticket = qs.ticket_call_next(actor=officer, counter=floor.counters[1])
    assert ticket.wait_seconds == 9 * 60
    qs.ticket_start_serving(actor=officer, ticket=ticket)
    floor.clock.advance(minutes=4)
    qs.ticket_park(actor=officer, ticket=ticket, note="Fotokopi KK")
    other = floor.users["officer2"]
    ticket = qs.ticket_resume(actor=other, ticket=ticket, counter=floor.counters[2])
    assert ticket.status == TicketStatus.SERVING and ticket.counter_id == floor.counters[2].pk
    floor.clock.advance(minutes=2)
    ticket = qs.ticket_finish(actor=other, ticket=ticket, outcome=TicketOutcome.INFORMATION)
    assert (
        ticket.status == TicketStatus.DONE
        and ticket.service_seconds == 6 * 60
        and ticket.wait_seconds == 9 * 60
    )
    assert ticket.event_count == TicketEvent.objects.filter(ticket=ticket).count() == 6


@pytest.mark.parametrize(
    ("verb", "status_needed"),
    [("ticket_recall", "called"), ("ticket_start_serving", "called"), ("ticket_park", "called")],
)
def test_actions_by_someone_not_at_the_counter_change_nothing(floor, verb, status_needed):
    take(floor)
    open_counters(floor, 1, 2)
    ticket = qs.ticket_call_next(actor=floor.users["officer1"], counter=floor.counters[1])
    before = (ticket.status, ticket.recall_count, ticket.event_count)
    for intruder, error in (
        (floor.users["officer2"], Conflict),  # same site, sits at another counter
        (floor.users["other_site_officer"], PermissionDenied),
        (floor.users["citizen"], PermissionDenied),
    ):
        with pytest.raises(error):
            getattr(qs, verb)(actor=intruder, ticket=ticket)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.recall_count, ticket.event_count) == before == (status_needed, 0, 2)


def test_counter_must_be_open_and_not_busy(floor):
    take(floor)
    take(floor)
    officer = floor.users["officer1"]
    with pytest.raises(Conflict):
        qs.ticket_call_next(actor=officer, counter=floor.counters[1])
    open_counters(floor, 1)
    qs.ticket_call_next(actor=officer, counter=floor.counters[1])
    with pytest.raises(Conflict):
        qs.ticket_call_next(actor=officer, counter=floor.counters[1])
    with pytest.raises(Conflict):  # counter 1 is taken by officer1
        qs.counter_open(actor=floor.users["officer2"], counter=floor.counters[1])
    with pytest.raises(PermissionDenied):
        qs.counter_open(actor=floor.users["other_site_officer"], counter=floor.counters[2])


# --- cases ---------------------------------------------------------------------------------------------


def test_serving_opens_a_case_and_links_it(floor, docs):
    from pintu.cases.constants import Channel
    from pintu.cases.services import ApplicantData
    from tests.factories import make_nik

    take(floor)
    open_counters(floor, 1)
    officer = floor.users["officer1"]
    ticket = qs.ticket_call_next(actor=officer, counter=floor.counters[1])
    qs.ticket_start_serving(actor=officer, ticket=ticket)
    case = qs.ticket_open_case(
        actor=officer,
        ticket=ticket,
        service=floor.world.agency_service,
        form_data={"purpose": "Pembaruan"},
        documents=docs(),
        applicant=ApplicantData(name="Budi Santoso", nik=make_nik("35.10.24")),
    )
    ticket.refresh_from_db()
    assert ticket.case_id == case.pk and case.channel == Channel.COUNTER
    ticket = qs.ticket_finish(actor=officer, ticket=ticket, outcome=TicketOutcome.CASE_OPENED)
    assert ticket.case_id == case.pk


def test_mpp_counter_officer_opens_the_case_for_the_site(floor, docs):
    from pintu.cases.constants import Channel
    from pintu.cases.services import ApplicantData
    from tests.factories import make_nik

    take(floor)
    open_counters(floor, 2)
    officer = floor.users["officer2"]  # counter officer only, no agency role
    ticket = qs.ticket_call_next(actor=officer, counter=floor.counters[2])
    qs.ticket_start_serving(actor=officer, ticket=ticket)
    case = qs.ticket_open_case(
        actor=officer,
        ticket=ticket,
        service=floor.world.agency_service,
        form_data={"purpose": "x"},
        documents=docs(),
        applicant=ApplicantData(name="Budi Santoso", nik=make_nik("35.10.24")),
    )
    ticket.refresh_from_db()
    assert ticket.case_id == case.pk and case.channel == Channel.COUNTER


def test_a_village_counter_officer_cannot_open_agency_cases_and_nothing_changes(world, docs):
    from pintu.accounts.constants import Role
    from pintu.accounts.services import role_assign
    from pintu.cases.models import Case
    from pintu.cases.services import ApplicantData, case_submit
    from tests.factories import UserFactory, make_nik

    officer = UserFactory(staff=True)
    role_assign(actor=None, user=officer, role=Role.COUNTER_OFFICER, org_unit=world.village_office)
    with pytest.raises(PermissionDenied):
        case_submit(
            actor=officer,
            service=world.agency_service,
            form_data={"purpose": "x"},
            documents=docs(),
            applicant=ApplicantData(name="Budi Santoso", nik=make_nik("35.10.24")),
            on_behalf_unit_id=world.village_office.pk,
        )
    assert not Case.objects.exists()


def test_continue_case_by_tracking_code(floor):
    from tests.factories import CaseFactory

    case = CaseFactory(world=floor.world, state="submitted")
    take(floor)
    open_counters(floor, 2)
    officer = floor.users["officer2"]
    ticket = qs.ticket_call_next(actor=officer, counter=floor.counters[2])
    qs.ticket_start_serving(actor=officer, ticket=ticket)
    with pytest.raises(ValidationFailed):
        qs.ticket_link_case(actor=officer, ticket=ticket, tracking_code="XXXX-XXXX")
    linked = qs.ticket_link_case(actor=officer, ticket=ticket, tracking_code=case.display_code)
    ticket.refresh_from_db()
    assert linked.pk == case.pk == ticket.case_id


# --- bookings ---------------------------------------------------------------------------------------------


def test_slots_follow_opening_hours_and_calendar(floor):
    created = qs.timeslots_generate(
        actor=floor.users["site_manager"],
        site=floor.site,
        date_from=dt.date(2026, 12, 2),
        date_to=dt.date(2026, 12, 8),
        quota=4,
    )
    days = sorted(set(TimeSlot.objects.values_list("date", flat=True)))
    # Wed 2, Thu 3, Fri 4, Sat 5, Mon 7, Tue 8 (Sunday closed); 07.00–16.00 = 18 half hours × 2 categories
    assert days == [dt.date(2026, 12, d) for d in (2, 3, 4, 5, 7, 8)]
    assert created == 6 * 18 * 2
    again = qs.timeslots_generate(
        actor=None, site=floor.site, date_from=dt.date(2026, 12, 2), date_to=dt.date(2026, 12, 8), quota=4
    )
    assert again == 0
    with pytest.raises(PermissionDenied):
        qs.timeslots_generate(
            actor=floor.users["officer1"],
            site=floor.site,
            date_from=dt.date(2026, 12, 9),
            date_to=dt.date(2026, 12, 9),
            quota=4,
        )


def test_booking_quota_cancel_and_notifications(floor):
    slot = TimeSlot.objects.create(
        site=floor.site,
        category=floor.a,
        date=dt.date(2026, 12, 4),
        start=dt.time(9),
        end=dt.time(9, 30),
        quota=1,
    )
    citizen = floor.world.users["citizen"]
    booking = qs.booking_create(actor=citizen, slot=slot)
    slot.refresh_from_db()
    assert slot.booked_count == 1 and booking.status == BookingStatus.BOOKED
    assert Notification.objects.filter(subject__contains=booking.code).count() == 2  # e-mail + message
    assert booking.reminder_at is not None
    with pytest.raises(Conflict):
        qs.booking_create(actor=floor.world.users["other_citizen"], slot=slot)
    with pytest.raises(PermissionDenied):
        qs.booking_cancel(actor=floor.world.users["other_citizen"], booking=booking)
    with pytest.raises(PermissionDenied):
        qs.booking_create(actor=floor.users["officer1"], slot=slot)
    qs.booking_cancel(actor=citizen, booking=booking)
    slot.refresh_from_db()
    assert slot.booked_count == 0
    assert (
        qs.booking_create(actor=floor.world.users["other_citizen"], slot=slot).status == BookingStatus.BOOKED
    )


def test_reminder_task_skips_cancelled_bookings(floor):
    from pintu.queueing.tasks import booking_remind

    slot = TimeSlot.objects.create(
        site=floor.site,
        category=floor.a,
        date=dt.date(2026, 12, 4),
        start=dt.time(9),
        end=dt.time(9, 30),
        quota=3,
    )
    kept = qs.booking_create(actor=floor.world.users["citizen"], slot=slot)
    dropped = qs.booking_create(actor=floor.world.users["other_citizen"], slot=slot)
    qs.booking_cancel(actor=floor.world.users["other_citizen"], booking=dropped)
    assert booking_remind.call(kept.pk) == "sent"
    assert booking_remind.call(kept.pk) == "skipped"  # idempotent
    assert booking_remind.call(dropped.pk) == "skipped"
    assert Notification.objects.filter(subject__startswith="Pengingat").count() == 2


def test_check_in_on_another_day_is_refused(floor):
    slot = TimeSlot.objects.create(
        site=floor.site,
        category=floor.a,
        date=dt.date(2026, 12, 3),
        start=dt.time(9),
        end=dt.time(9, 30),
        quota=3,
    )
    booking = qs.booking_create(actor=floor.world.users["citizen"], slot=slot)
    with pytest.raises(Conflict):
        qs.booking_check_in(actor=None, site=floor.site, code=booking.code, kiosk=kiosk(floor))
    assert not Ticket.objects.exists()


# --- reads ------------------------------------------------------------------------------------------------


def test_board_state_shows_numbers_and_announces_calls(floor):
    take(floor)
    open_counters(floor, 1)
    v0 = selectors.board_version(floor.site.pk)
    ticket = qs.ticket_call_next(actor=floor.users["officer1"], counter=floor.counters[1])
    state = selectors.board_state(floor.site)
    assert state["version"] > v0
    assert {"number": 1, "label": "Loket 1", "open": True, "ticket": "A001", "status": "called"} in state[
        "counters"
    ]
    assert [a["text"] for a in state["announcements"]] == [
        "Nomor antrian A nol nol satu, silakan ke loket satu"
    ]
    assert floor.users["officer1"].full_name not in str(state)
    qs.ticket_recall(actor=floor.users["officer1"], ticket=ticket)
    assert selectors.board_state(floor.site)["announcements"][0]["key"] != state["announcements"][0]["key"]


def test_ticket_status_position_and_estimate(floor):
    k = kiosk(floor)
    tickets = [take(floor, k=k) for _ in range(4)]
    open_counters(floor, 1)
    view = selectors.ticket_status(tickets[3].public_code)
    assert view.ahead == 3 and view.estimated_minutes == 20  # 4 × 5 min default, one counter
    priority = take(floor, priority="elderly", k=k)
    assert selectors.ticket_status(priority.public_code).ahead == 0
    assert selectors.ticket_status(tickets[0].public_code).ahead == 1


def test_statistics_per_category_and_counter(floor):
    k = kiosk(floor)
    for _ in range(3):
        take(floor, "a", k=k)
    take(floor, "b", k=k)
    open_counters(floor, 1, 3)
    officer = floor.users["officer1"]
    floor.clock.advance(minutes=40)  # beyond the 30-minute target
    t = qs.ticket_call_next(actor=officer, counter=floor.counters[1])
    qs.ticket_start_serving(actor=officer, ticket=t)
    floor.clock.advance(minutes=10)
    qs.ticket_finish(actor=officer, ticket=t, outcome=TicketOutcome.COMPLETED)
    t = qs.ticket_call_next(actor=officer, counter=floor.counters[1])
    for _ in range(3):
        t = qs.ticket_recall(actor=officer, ticket=t)
    assert t.status == TicketStatus.NO_SHOW
    rows = {
        r["label"]: r
        for r in selectors.site_statistics(
            floor.site, date_from=START.date(), date_to=START.date(), by="category"
        )
    }
    a = rows["A · Kependudukan"]
    assert (a["tickets"], a["served"], a["no_show"], a["no_show_rate"]) == (3, 1, 1, 50.0)
    assert a["avg_service_minutes"] == 10.0 and a["above_target_share"] == 100.0
    assert rows["B · Kepolisian"]["tickets"] == 1
    by_counter = selectors.site_statistics(
        floor.site, date_from=START.date(), date_to=START.date(), by="counter"
    )
    assert {r["label"]: r["tickets"] for r in by_counter} == {"1": 2, "—": 2}
    by_hour = selectors.site_statistics(floor.site, date_from=START.date(), date_to=START.date(), by="hour")
    assert [r["label"] for r in by_hour] == ["10.00"]


@pytest.mark.parametrize(
    ("number", "counter", "spoken"),
    [
        ("A012", 3, "Nomor antrian A nol dua belas, silakan ke loket tiga"),
        ("B105", 12, "Nomor antrian Be seratus lima, silakan ke loket dua belas"),
        ("PB020", 21, "Nomor antrian Pe Be nol dua puluh, silakan ke loket dua puluh satu"),
        ("C001", 1, "Nomor antrian Ce nol nol satu, silakan ke loket satu"),
    ],
)
def test_spoken_announcements(number, counter, spoken):
    assert announcement(number, counter) == spoken


def test_digits_words_all_zero():
    assert digits_words("000") == "nol nol nol"


# --- call-next and finish: the single-statement path (PostgreSQL) and the ORM path (SQLite) -------------


def _board(floor, number):
    from pintu.queueing.models import Counter

    return Counter.objects.get(pk=floor.counters[number].pk).board_version


@pytest.mark.parametrize("start_first", [False, True], ids=["from-called", "from-serving"])
def test_call_and_finish_write_history_audit_and_board(floor, start_first):
    ticket = take(floor)
    take(floor, category="b")
    open_counters(floor, 2)
    officer = floor.users["officer2"]
    board = _board(floor, 2)
    floor.clock.advance(minutes=3)
    called = qs.ticket_call_next(actor=officer, counter=floor.counters[2])
    assert (called.pk, called.status, called.counter_id, called.officer_id) == (
        ticket.pk,
        TicketStatus.CALLED,
        floor.counters[2].pk,
        officer.pk,
    )
    assert called.wait_seconds == 4 * 60 and called.event_count == 2  # B was taken a minute later
    assert _board(floor, 2) == board + 1
    if start_first:
        called = qs.ticket_start_serving(actor=officer, ticket=called)
    floor.clock.advance(minutes=5)
    done = qs.ticket_finish(actor=officer, ticket=called, outcome=TicketOutcome.COMPLETED, note="Lengkap")
    assert (done.status, done.outcome) == (TicketStatus.DONE, TicketOutcome.COMPLETED)
    assert done.service_seconds == (5 * 60 if start_first else 0)
    assert _board(floor, 2) == board + (3 if start_first else 2)
    stored = Ticket.objects.get(pk=ticket.pk)
    events = list(
        stored.events.values_list("seq", "action", "from_status", "to_status", "counter_id", "data")
    )
    expected = [
        (1, "take", "", "waiting", None, {"source": "kiosk"}),
        (2, "call", "waiting", "called", floor.counters[2].pk, {"counter": 2}),
    ]
    if start_first:
        expected.append((3, "start", "called", "serving", floor.counters[2].pk, {}))
    expected.append(
        (
            len(expected) + 1,
            "finish",
            "serving" if start_first else "called",
            "done",
            floor.counters[2].pk,
            {"outcome": "completed", "note": "Lengkap"},
        )
    )
    assert events == expected
    assert stored.event_count == len(expected)
    audits = {
        a.verb: a for a in AuditEntry.objects.filter(object_type="queueing.ticket", object_id=str(ticket.pk))
    }
    call, finish = audits["ticket.call"], audits["ticket.finish"]
    assert (call.actor_id, call.actor_label, call.object_label) == (officer.pk, "officer2", "A001")
    assert call.changes == {"status": ["waiting", "called"], "number": "A001", "counter": 2}
    assert finish.changes == {
        "status": ["serving" if start_first else "called", "done"],
        "number": "A001",
        "outcome": "completed",
        "note": "Lengkap",
    }
    assert call.at == floor.clock() - dt.timedelta(minutes=5)


def test_targeted_ticket_and_main_category_share_first_place_by_arrival(floor):
    """A ticket sent to a counter ranks with the counter's main category (by arrival), before
    the categories it only helps with; other counters never call it."""
    k = kiosk(floor)
    first_b = take(floor, category="b", k=k)  # arrives first, will be sent to counter 2
    a1 = take(floor, k=k)
    take(floor, category="b", k=k)
    open_counters(floor, 2, 3)
    got = qs.ticket_call_next(actor=floor.users["officer3"], counter=floor.counters[3])
    assert got.pk == first_b.pk
    qs.ticket_transfer(actor=floor.users["officer3"], ticket=got, counter=floor.counters[2])
    officer = floor.users["officer2"]
    order = []
    while (ticket := qs.ticket_call_next(actor=officer, counter=floor.counters[2])) is not None:
        order.append(ticket.display_number)
        qs.ticket_finish(actor=officer, ticket=ticket, outcome=TicketOutcome.COMPLETED)
    assert order == ["B001", a1.display_number, "B002"]


def test_refused_calls_and_finishes_change_nothing(floor):
    ticket = take(floor)
    open_counters(floor, 1, 2)
    officer1, officer2 = floor.users["officer1"], floor.users["officer2"]
    with pytest.raises(Conflict):  # officer2 sits at counter 2, not 1
        qs.ticket_call_next(actor=officer2, counter=floor.counters[1])
    with pytest.raises(PermissionDenied):
        qs.ticket_call_next(actor=floor.users["other_site_officer"], counter=floor.counters[1])
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.WAITING
    called = qs.ticket_call_next(actor=officer1, counter=floor.counters[1])
    counts = (TicketEvent.objects.count(), AuditEntry.objects.count(), _board(floor, 1))
    for intruder, error in (
        (officer2, Conflict),
        (floor.users["other_site_officer"], PermissionDenied),
        (floor.users["citizen"], PermissionDenied),
    ):
        with pytest.raises(error):
            qs.ticket_finish(actor=intruder, ticket=called, outcome=TicketOutcome.COMPLETED)
    with pytest.raises(ValidationFailed):
        qs.ticket_finish(actor=officer1, ticket=called, outcome="nonsense")
    assert (TicketEvent.objects.count(), AuditEntry.objects.count(), _board(floor, 1)) == counts
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.CALLED
    qs.ticket_finish(actor=officer1, ticket=called, outcome=TicketOutcome.COMPLETED)
    with pytest.raises(Conflict):  # finished already
        qs.ticket_finish(actor=officer1, ticket=called, outcome=TicketOutcome.COMPLETED)


def test_revoked_role_stops_the_officer_at_an_open_counter(floor):
    """The counter still names the officer, but the role is gone: refused, nothing written."""
    from pintu.accounts.models import RoleAssignment

    ticket = take(floor)
    open_counters(floor, 1)
    officer = floor.users["officer1"]
    called = qs.ticket_call_next(actor=officer, counter=floor.counters[1])
    RoleAssignment.objects.filter(user=officer, role="counter_officer").update(revoked_at=floor.clock())
    officer = type(officer).objects.get(pk=officer.pk)  # a fresh request: principal recomputed
    with pytest.raises(PermissionDenied):
        qs.ticket_finish(actor=officer, ticket=called, outcome=TicketOutcome.COMPLETED)
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.CALLED
    assert not TicketEvent.objects.filter(ticket=ticket, action="finish").exists()
    assert not AuditEntry.objects.filter(verb="ticket.finish").exists()


def test_postgres_uses_the_single_statement_path(floor, monkeypatch):
    """On PostgreSQL a call and a finish never take the ORM path (one statement each)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    take(floor)
    open_counters(floor, 1)
    officer = floor.users["officer1"]

    def refuse(**kwargs):
        raise AssertionError("ORM path taken")

    from pintu.queueing.services import calling, tickets

    monkeypatch.setattr(calling, "_call_next_orm", refuse)  # patched where they are looked up
    monkeypatch.setattr(tickets, "_lock_ticket", refuse)
    from django.test.utils import CaptureQueriesContext

    ticket = qs.ticket_call_next(actor=officer, counter=floor.counters[1])
    done = qs.ticket_finish(actor=officer, ticket=ticket, outcome=TicketOutcome.COMPLETED)
    assert done.status == TicketStatus.DONE
    take(floor)
    with CaptureQueriesContext(connection) as queries:
        ticket = qs.ticket_call_next(actor=officer, counter=floor.counters[1])
        qs.ticket_finish(actor=officer, ticket=ticket, outcome=TicketOutcome.COMPLETED)
        assert qs.ticket_call_next(actor=officer, counter=floor.counters[1]) is None
    statements = [q["sql"].split("FROM")[0].split("(")[0].split()[:2] for q in queries.captured_queries]
    ours = [s for s in statements if s[0] == "WITH"]
    assert ours == [["WITH", "ctr"], ["WITH", "old"], ["WITH", "ctr"]], statements
