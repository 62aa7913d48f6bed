"""Queue pages as people use them: booking from a phone, the counter's case form, the
manager's overview and statistics (server-side SVG), the board's poll contract."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from pintu.queueing import services as qs
from pintu.queueing.constants import BookingStatus, TicketOutcome
from pintu.queueing.models import Booking, TimeSlot
from tests.factories import make_nik, pdf_file
from tests.queueing_fixtures import build_floor, frozen_clock, open_counters

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    yield from frozen_clock()


@pytest.fixture
def floor(world, clock):
    return build_floor(world, clock)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_citizen_books_sees_qr_and_cancels(floor):
    qs.timeslots_generate(
        actor=None, site=floor.site, date_from=dt.date(2026, 12, 3), date_to=dt.date(2026, 12, 3), quota=2
    )
    client = login(floor.users["citizen"])
    page = client.get(
        reverse("queueing:booking_new", args=["MPP-UJI"]), {"kategori": floor.a.pk, "tanggal": "2026-12-03"}
    )
    assert page.status_code == 200 and b"07.00" in page.content and b"sisa 2" in page.content
    slot = TimeSlot.objects.get(category=floor.a, date=dt.date(2026, 12, 3), start=dt.time(9))
    response = client.post(reverse("queueing:booking_create", args=["MPP-UJI"]), {"slot": slot.pk})
    booking = Booking.objects.get()
    assert response["Location"] == reverse("queueing:my_booking", args=[booking.code])
    detail = client.get(response["Location"])
    assert booking.code.encode() in detail.content and b"<svg" in detail.content
    assert booking.code.encode() in client.get(reverse("queueing:my_bookings")).content
    client.post(reverse("queueing:my_booking_cancel", args=[booking.code]))
    booking.refresh_from_db()
    slot.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED and slot.booked_count == 0


def test_full_slot_is_refused_with_a_message(floor):
    slot = TimeSlot.objects.create(
        site=floor.site,
        category=floor.a,
        date=dt.date(2026, 12, 3),
        start=dt.time(9),
        end=dt.time(9, 30),
        quota=1,
    )
    qs.booking_create(actor=floor.world.users["other_citizen"], slot=slot)
    client = login(floor.users["citizen"])
    response = client.post(
        reverse("queueing:booking_create", args=["MPP-UJI"]), {"slot": slot.pk}, follow=True
    )
    assert "Kuota sesi ini sudah penuh" in response.content.decode()
    assert Booking.objects.count() == 1


def test_anonymous_booking_asks_to_log_in(floor):
    slot = TimeSlot.objects.create(
        site=floor.site,
        category=floor.a,
        date=dt.date(2026, 12, 3),
        start=dt.time(9),
        end=dt.time(9, 30),
        quota=1,
    )
    response = Client().post(reverse("queueing:booking_create", args=["MPP-UJI"]), {"slot": slot.pk})
    assert response.status_code == 302 and "/akun/masuk/" in response["Location"]
    assert not Booking.objects.exists()


def test_counter_opens_a_case_through_the_form(floor):
    kiosk = qs.kiosk_open(actor=floor.users["officer1"], site=floor.site)
    qs.ticket_take(actor=None, site=floor.site, category=floor.a, kiosk=kiosk)
    open_counters(floor, 1)
    officer = floor.users["officer1"]
    ticket = qs.ticket_call_next(actor=officer, counter=floor.counters[1])
    qs.ticket_start_serving(actor=officer, ticket=ticket)
    client = login(officer)
    panel = client.get(reverse("queueing:counter", args=[floor.counters[1].pk])).content.decode()
    service = floor.world.agency_service
    url = reverse("queueing:counter_open_case", args=[floor.counters[1].pk, ticket.pk, service.code])
    assert url in panel
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "applicant_name": "Budi Santoso",
            "applicant_nik": make_nik("35.10.24"),
            "f-purpose": "Pembaruan",
            "doc_KTP": pdf_file("ktp.pdf"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    ticket.refresh_from_db()
    assert ticket.case is not None and ticket.case.applicant_name == "Budi Santoso"


def test_overview_and_statistics_pages(floor):
    kiosk = qs.kiosk_open(actor=floor.users["officer1"], site=floor.site)
    for _ in range(3):
        qs.ticket_take(actor=None, site=floor.site, category=floor.a, kiosk=kiosk)
    open_counters(floor, 1)
    officer = floor.users["officer1"]
    floor.clock.advance(minutes=45)
    ticket = qs.ticket_call_next(actor=officer, counter=floor.counters[1])
    qs.ticket_finish(actor=officer, ticket=ticket, outcome=TicketOutcome.COMPLETED)
    client = login(floor.users["site_manager"])
    overview = client.get(reverse("queueing:overview", args=["MPP-UJI"])).content.decode()
    assert "Tunggu terlama" in overview and ">45<" in overview  # the two still waiting since 10.00
    stats = client.get(reverse("queueing:statistics", args=["MPP-UJI"]), {"per": "category"}).content.decode()
    assert stats.count("<svg") == 2 and "A · Kependudukan" in stats
    assert re.search(r"100[.,]0%", stats)  # one ticket called, after 45 minutes: above the 30-minute target
    for by in ("counter", "officer", "day", "hour"):
        assert client.get(reverse("queueing:statistics", args=["MPP-UJI"]), {"per": by}).status_code == 200


def test_board_status_answers_204_until_something_changes(floor):
    client = Client()
    url = reverse("queueing:board_status", args=["MPP-UJI"])
    state = client.get(url).json()
    assert client.get(url, {"v": state["version"]}).status_code == 204
    open_counters(floor, 1)
    changed = client.get(url, {"v": state["version"]})
    assert changed.status_code == 200 and changed.json()["version"] > state["version"]
