"""MPP visit end to end: a kiosk ticket, the citizen's live status on a phone, the counter calls
it, the TV board shows (and would announce) it, the officer serves it into a case, finishes, and
the citizen answers the satisfaction survey (when the feedback app's survey pages exist).

Screenshots: tests/e2e/artifacts/queueing-journey-*.png (phone width for the citizen, wide for
the board and the counter).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.urls import NoReverseMatch, reverse
from playwright.sync_api import expect

from pintu.demo.pdf import simple_pdf
from pintu.queueing.models import Ticket
from tests.queueing_fixtures import build_floor, frozen_clock

pytestmark = pytest.mark.e2e
WIDE = {"viewport": {"width": 1600, "height": 900}}


@pytest.fixture
def clock():
    yield from frozen_clock()


def _survey_pages_exist() -> bool:
    try:
        reverse("feedback:survey", args=["x"])
    except NoReverseMatch:
        return False
    return True


def test_queueing_journey(e2e, clock, tmp_path):
    floor = build_floor(e2e.world, clock)
    site = floor.site.org_unit.code

    # A counter officer turns a tablet into the kiosk, then leaves it to the public.
    staff = e2e.login(e2e.desktop(), "officer2")
    staff.goto(e2e.url(f"/antrian/{site}/kios/"))
    staff.get_by_role("button", name="Aktifkan kios").click()
    token = next(c for c in staff.context.cookies() if c["name"] == "pintu_kiosk")
    kiosk = e2e.desktop()
    kiosk.context.add_cookies([token])
    kiosk.goto(e2e.url(f"/antrian/{site}/kios/"))
    expect(kiosk.get_by_role("heading", name="Ambil nomor antrian")).to_be_visible()
    e2e.shot(kiosk, "kiosk")
    kiosk.get_by_role("button", name=re.compile("Kependudukan")).click()
    expect(kiosk.locator("#q-ticket-number")).to_have_text("A001")
    e2e.shot(kiosk, "kiosk-ticket")
    public_code = kiosk.locator(".q-ticket .mono").inner_text().strip()

    # The citizen follows the ticket on her phone (the QR's address).
    citizen = e2e.phone()
    citizen.goto(e2e.url(f"/antrian/tiket/{public_code}/"))
    expect(citizen.locator("#q-status")).to_contain_text("Menunggu")
    expect(citizen.locator("#q-status")).to_contain_text("Di depan Anda")
    e2e.problems += e2e.audit(citizen, "ticket status")
    e2e.shot(citizen, "citizen-waiting")

    # The TV board, wide.
    board = e2e._page(WIDE)
    board.goto(e2e.url(f"/antrian/{site}/papan/"))
    expect(board.locator("#q-now-number")).to_have_text("—")

    # The counter officer opens counter 1 and calls the next number.
    officer = e2e.login(e2e.desktop(), "officer1")
    officer.goto(e2e.url(reverse("queueing:counter", args=[floor.counters[1].pk])))
    officer.get_by_role("button", name="Buka loket").click()
    officer.get_by_role("button", name=re.compile("Panggil berikutnya")).click()
    expect(officer.locator(".q-current-number")).to_contain_text("A001")
    e2e.problems += e2e.audit(officer, "counter")
    e2e.shot(officer, "counter-called")

    # The board shows it within a second or two (it polls every 400 ms).
    expect(board.locator("#q-now-number")).to_have_text("A001", timeout=3000)
    expect(board.locator("#q-now-counter")).to_have_text("Loket 1")
    expect(board.locator("#q-live")).to_have_text("Nomor antrian A nol nol satu, silakan ke loket satu")
    e2e.shot(board, "board-called")
    citizen.reload()
    expect(citizen.locator("#q-status")).to_contain_text("Silakan ke loket 1")
    e2e.shot(citizen, "citizen-called")

    # Serve it into a case of the counter's agency (officer1 is also Dispendukcapil front office).
    officer.keyboard.press("m")  # keyboard shortcut: start serving
    expect(officer.locator(".q-current-number")).to_contain_text("Dilayani")
    officer.get_by_role("link", name=floor.world.agency_service.name).click()
    officer.get_by_label("Nama lengkap pemohon").fill("Sri Wahyuni")
    officer.get_by_label("NIK pemohon").fill("3510244107850002")
    officer.get_by_label("Keperluan").fill("Pembaruan data kependudukan")
    ktp = tmp_path / "ktp.pdf"
    ktp.write_bytes(simple_pdf("KTP-el Sri Wahyuni"))
    officer.get_by_label("KTP-el").set_input_files(str(ktp))
    e2e.shot(officer, "counter-case-form")
    officer.get_by_role("button", name="Kirim permohonan").click()
    expect(officer.locator(".messages")).to_contain_text("dibuat")
    ticket = Ticket.objects.get(public_code=public_code)
    assert ticket.case is not None and ticket.case.channel == "counter"

    officer.get_by_label("Hasil layanan").select_option("case_opened")
    officer.get_by_role("button", name=re.compile("^Selesai")).click()
    expect(officer.locator(".messages")).to_contain_text("A001 selesai dilayani")
    e2e.shot(officer, "counter-finished")
    citizen.reload()
    expect(citizen.locator("#q-status")).to_contain_text("Layanan selesai")

    # The satisfaction survey (SKM): the counter shows its QR/link.
    if not _survey_pages_exist():
        pytest.skip("survey pages (feedback:survey) not mounted yet: the journey stops at the survey link")
    link = officer.locator("#q-survey-link")
    expect(link).to_be_visible()
    # The link is absolute (PINTU_BASE_URL); the test server listens elsewhere.
    citizen.goto(e2e.url(urlsplit(link.get_attribute("href")).path))
    e2e.shot(citizen, "survey")
    for group in citizen.locator("fieldset").all():
        options = group.locator("input[type=radio]")
        if options.count():
            options.nth(options.count() - 1).check(force=True)
    citizen.get_by_role("button", name=re.compile("Kirim")).click()
    expect(citizen.locator("main")).to_contain_text("Terima kasih")
    e2e.problems += e2e.audit(citizen, "survey")
    e2e.shot(citizen, "survey-sent")


def test_queueing_booking_journey(e2e, clock):
    """A citizen books a slot on her phone, gets the QR, checks in at the kiosk with the code."""
    floor = build_floor(e2e.world, clock)
    from pintu.queueing import services as qs

    today = clock.moment.date()
    qs.timeslots_generate(actor=None, site=floor.site, date_from=today, date_to=today, quota=3)
    site = floor.site.org_unit.code

    citizen = e2e.login(e2e.phone(), "citizen")
    citizen.goto(e2e.url("/antrian/"))
    citizen.locator("section", has_text="MPP Uji").get_by_role("link", name="Pesan antrian").click()
    citizen.get_by_label("Layanan", exact=True).select_option(label="A · Kependudukan")
    citizen.get_by_label("Tanggal", exact=True).select_option(today.isoformat())
    citizen.get_by_role("button", name="Lihat sesi").click()
    e2e.problems += e2e.audit(citizen, "booking slots")
    e2e.shot(citizen, "booking-slots")
    citizen.locator("label.q-slot", has_text="10.30–").click()
    citizen.get_by_role("button", name="Pesan", exact=True).click()
    expect(citizen.locator(".code-box")).to_be_visible()
    code = citizen.locator(".code-box").inner_text().strip()
    e2e.problems += e2e.audit(citizen, "booking QR")
    e2e.shot(citizen, "booking-qr")

    staff = e2e.login(e2e.desktop(), "officer2")
    staff.goto(e2e.url(f"/antrian/{site}/kios/"))
    staff.get_by_role("button", name="Aktifkan kios").click()
    kiosk = e2e.desktop()
    kiosk.context.add_cookies([c for c in staff.context.cookies() if c["name"] == "pintu_kiosk"])
    kiosk.goto(e2e.url(f"/antrian/{site}/kios/"))
    kiosk.get_by_label("Pindai kode QR atau ketik kode pesan").fill(code.lower())
    kiosk.get_by_role("button", name="Hadir").click()
    expect(kiosk.locator("#q-ticket-number")).to_have_text("A001")
    e2e.shot(kiosk, "booking-checked-in")
    citizen.reload()
    expect(citizen.locator("main")).to_contain_text("Sudah hadir")
    e2e.shot(citizen, "booking-used")
