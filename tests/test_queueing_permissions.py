"""Permission matrix of the queue's pages and API: role × site, and a denied write changes nothing.

Roles on the floor (tests/queueing_fixtures.py): officer1 sits at counter 1 of MPP-UJI; officer2
is a counter officer of MPP-UJI not sitting at counter 1; site_manager manages MPP-UJI;
other_site_officer / other_site_manager belong to MPP-LAIN; regency_admin; front_office
(an agency officer without a site role); citizen; staff_without_role; anonymous.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from pintu.audit.models import AuditEntry
from pintu.queueing import services as qs
from pintu.queueing.models import Booking, Counter, Kiosk, Ticket, TicketEvent, TimeSlot
from tests.queueing_fixtures import build_floor, frozen_clock

pytestmark = pytest.mark.django_db

ROLES = (
    "officer1",
    "officer2",
    "site_manager",
    "other_site_officer",
    "other_site_manager",
    "regency_admin",
    "front_office",
    "citizen",
    "staff_without_role",
    "anonymous",
)


@pytest.fixture
def clock():
    yield from frozen_clock()


@pytest.fixture
def setup(world, clock):
    floor = build_floor(world, clock)
    kiosk = qs.kiosk_open(actor=floor.users["officer2"], site=floor.site)
    ticket = qs.ticket_take(actor=None, site=floor.site, category=floor.a, kiosk=kiosk)
    qs.counter_open(actor=floor.users["officer1"], counter=floor.counters[1])
    slot = TimeSlot.objects.create(
        site=floor.site,
        category=floor.a,
        date=dt.date(2026, 12, 4),
        start=dt.time(9),
        end=dt.time(9, 30),
        quota=5,
    )
    booking = qs.booking_create(actor=floor.users["citizen"], slot=slot)
    return floor, ticket, booking, slot


def snapshot():
    return (
        sorted(Ticket.objects.values_list("pk", "status", "counter_id", "category_id", "recall_count")),
        TicketEvent.objects.count(),
        AuditEntry.objects.count(),
        sorted(Booking.objects.values_list("code", "status")),
        sorted(Counter.objects.values_list("pk", "current_officer_id")),
        Kiosk.objects.count(),
        sorted(TimeSlot.objects.values_list("pk", "booked_count")),
    )


def _client(floor, role, api=False):
    client = APIClient() if api else Client()
    if role != "anonymous":
        client.force_login(floor.users[role])
    return client


# --- pages ----------------------------------------------------------------------------------------------

OK, DENIED, LOGIN, NOT_FOUND = 200, 403, 302, 404
SITE_STAFF = {"officer1", "officer2", "site_manager"}
MANAGERS = {"site_manager", "regency_admin"}


def _page_expect(page, role):
    if page in ("board", "sites", "ticket", "booking_new"):
        return OK
    if role == "anonymous":
        return LOGIN
    if page == "my_bookings":
        return OK
    if page == "counters":
        return (
            OK
            if role in SITE_STAFF | {"other_site_officer", "other_site_manager", "regency_admin"}
            else DENIED
        )
    if page == "counter":
        return OK if role in SITE_STAFF else DENIED
    if page in ("overview", "statistics"):
        return OK if role in MANAGERS else DENIED
    raise AssertionError(page)


PAGES = (
    "board",
    "sites",
    "ticket",
    "booking_new",
    "my_bookings",
    "counters",
    "counter",
    "overview",
    "statistics",
)


@pytest.mark.parametrize("role", ROLES)
def test_pages_matrix(setup, role):
    floor, ticket, _booking, _slot = setup
    client = _client(floor, role)
    urls = {
        "board": reverse("queueing:board", args=["MPP-UJI"]),
        "sites": reverse("queueing:sites"),
        "ticket": reverse("queueing:ticket", args=[ticket.public_code]),
        "booking_new": reverse("queueing:booking_new", args=["MPP-UJI"]),
        "my_bookings": reverse("queueing:my_bookings"),
        "counters": reverse("queueing:counters"),
        "counter": reverse("queueing:counter", args=[floor.counters[1].pk]),
        "overview": reverse("queueing:overview", args=["MPP-UJI"]),
        "statistics": reverse("queueing:statistics", args=["MPP-UJI"]),
    }
    got = {page: client.get(url).status_code for page, url in urls.items()}
    expected = {page: _page_expect(page, role) for page in PAGES}
    assert got == expected


def test_public_pages_show_no_personal_data(setup):
    floor, ticket, _booking, _slot = setup
    qs.ticket_call_next(actor=floor.users["officer1"], counter=floor.counters[1])
    client = Client()
    board = client.get(reverse("queueing:board", args=["MPP-UJI"])).content.decode()
    status = client.get(reverse("queueing:ticket", args=[ticket.public_code])).content.decode()
    state = client.get(reverse("queueing:board_status", args=["MPP-UJI"])).content.decode()
    for text in (board, status, state):
        assert "A001" in text
        for user in ("officer1", "citizen"):
            assert floor.users[user].full_name not in text


def test_my_booking_is_only_the_owners(setup):
    floor, _ticket, booking, _slot = setup
    url = reverse("queueing:my_booking", args=[booking.code])
    assert _client(floor, "citizen").get(url).status_code == 200
    other = Client()
    other.force_login(floor.world.users["other_citizen"])
    before = snapshot()
    assert other.get(url).status_code == 404
    assert other.post(reverse("queueing:my_booking_cancel", args=[booking.code])).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("role", [r for r in ROLES if r != "officer1"])
def test_counter_actions_by_others_change_nothing(setup, role):
    floor, ticket, _booking, _slot = setup
    client = _client(floor, role)
    before = snapshot()
    # The site manager may close a counter an officer left open (tested below); nothing else.
    actions = (
        ("call", "recall", "finish") if role == "site_manager" else ("call", "close", "recall", "finish")
    )
    for action in actions:
        response = client.post(
            reverse("queueing:counter_action", args=[floor.counters[1].pk, action]),
            {"ticket": ticket.pk, "outcome": "completed"},
        )
        assert response.status_code in (302, 403), (action, response.status_code)
    assert snapshot() == before


def test_site_manager_may_close_a_counter_left_open(setup):
    floor, _ticket, _booking, _slot = setup
    client = _client(floor, "site_manager")
    client.post(reverse("queueing:counter_action", args=[floor.counters[1].pk, "close"]))
    floor.counters[1].refresh_from_db()
    assert floor.counters[1].current_officer_id is None


def test_counter_page_flow_for_the_officer(setup):
    floor, ticket, _booking, _slot = setup
    client = _client(floor, "officer1")
    url = lambda action: reverse("queueing:counter_action", args=[floor.counters[1].pk, action])  # noqa: E731
    response = client.post(url("call"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and b"A001" in response.content
    client.post(url("start"), {"ticket": ticket.pk})
    response = client.post(url("finish"), {"ticket": ticket.pk, "outcome": "completed"})
    assert response.status_code == 200
    ticket.refresh_from_db()
    assert ticket.status == "done"


def test_kiosk_needs_an_opened_device(setup):
    floor, _ticket, _booking, _slot = setup
    anonymous = Client()
    take_url = reverse("queueing:kiosk_take", args=["MPP-UJI"])
    before = snapshot()
    anonymous.post(take_url, {"category": floor.a.pk})
    assert snapshot() == before
    assert b"Masuk sebagai petugas" in anonymous.get(reverse("queueing:kiosk", args=["MPP-UJI"])).content
    citizen = _client(floor, "citizen")
    assert citizen.post(reverse("queueing:kiosk_open", args=["MPP-UJI"])).status_code == 403
    assert snapshot() == before
    staff = _client(floor, "officer2")
    staff.post(reverse("queueing:kiosk_open", args=["MPP-UJI"]))
    device = Client()  # the staff member logged out: the device keeps only the kiosk cookie
    device.cookies["pintu_kiosk"] = staff.cookies["pintu_kiosk"].value
    response = device.post(take_url, {"category": floor.a.pk, "priority_group": "elderly"})
    assert response.status_code == 302 and "/kios/tiket/" in response["Location"]
    printed = device.get(response["Location"])
    assert b"A002" in printed.content and b"<svg" in printed.content
    assert Ticket.objects.filter(display_number="A002", priority_group="elderly").exists()


# --- API --------------------------------------------------------------------------------------------------


def _api_cases(floor, ticket, booking):
    c1 = floor.counters[1].pk
    return {
        # name: (method, url, body, roles allowed → expected status, status for the others)
        "sites": ("get", "/api/v1/queue/sites/", None, dict.fromkeys(ROLES, 200), 200),
        "board": ("get", "/api/v1/queue/sites/MPP-UJI/board/", None, dict.fromkeys(ROLES, 200), 200),
        "ticket": (
            "get",
            f"/api/v1/queue/tickets/{ticket.public_code}/",
            None,
            dict.fromkeys(ROLES, 200),
            200,
        ),
        "counter": ("get", f"/api/v1/queue/counters/{c1}/", None, dict.fromkeys(SITE_STAFF, 200), 403),
        "call_next": (
            "post",
            f"/api/v1/queue/counters/{c1}/call-next/",
            {},
            {"officer1": 200, "officer2": 409, "site_manager": 409},
            403,
        ),
        "take": (
            "post",
            "/api/v1/queue/sites/MPP-UJI/tickets/",
            {"category": "B"},
            dict.fromkeys(SITE_STAFF, 201),
            403,
        ),
        "overview": ("get", "/api/v1/queue/sites/MPP-UJI/overview/", None, dict.fromkeys(MANAGERS, 200), 403),
        "statistics": (
            "get",
            "/api/v1/queue/sites/MPP-UJI/statistics/",
            None,
            dict.fromkeys(MANAGERS, 200),
            403,
        ),
        "my_bookings": (
            "get",
            "/api/v1/queue/bookings/",
            None,
            {r: 200 for r in ROLES if r != "anonymous"},
            403,
        ),
        "cancel_booking": (
            "post",
            f"/api/v1/queue/bookings/{booking.code}/cancel/",
            {},
            {"citizen": 200},
            404,
        ),
    }


@pytest.mark.parametrize("role", ROLES)
def test_api_matrix_and_denied_changes_nothing(setup, role):
    floor, ticket, booking, _slot = setup
    client = _client(floor, role, api=True)
    for name, (method, url, body, allowed, other) in _api_cases(floor, ticket, booking).items():
        expected = allowed.get(role, other)
        if role == "anonymous" and expected in (403, 404) and name not in ("sites", "board", "ticket"):
            expected = 401
        before = snapshot()
        response = getattr(client, method)(url, body, format="json") if body is not None else client.get(url)
        assert response.status_code in (expected,) or (expected == 401 and response.status_code == 403), (
            name,
            role,
            response.status_code,
            getattr(response, "data", None),
        )
        if response.status_code >= 400 or method == "get":
            assert snapshot() == before, (name, role)


def test_api_counter_journey(setup):
    floor, ticket, _booking, _slot = setup
    client = _client(floor, "officer1", api=True)
    base = f"/api/v1/queue/counters/{floor.counters[1].pk}"
    state = client.post(f"{base}/call-next/", {}, format="json").data
    assert state["current"]["number"] == "A001" and state["current"]["status"] == "called"
    client.post(f"{base}/start/", {"ticket": ticket.pk}, format="json")
    response = client.post(f"{base}/transfer/", {"ticket": ticket.pk, "category": "B"}, format="json")
    assert response.status_code == 200 and response.data["current"] is None
    ticket.refresh_from_db()
    assert ticket.category_id == floor.b.pk and ticket.status == "waiting"
    board = client.get("/api/v1/queue/sites/MPP-UJI/board/").data
    again = client.get(f"/api/v1/queue/sites/MPP-UJI/board/?v={board['version']}")
    assert again.status_code == 204
    error = client.post(f"{base}/finish/", {"ticket": ticket.pk, "outcome": "completed"}, format="json")
    assert error.status_code == 409 and error.data["error"]["code"] == "queue.invalid_status"
