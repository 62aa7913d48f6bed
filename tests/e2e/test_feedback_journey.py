"""End-to-end: a citizen answers a satisfaction survey from a one-time link on her phone, turns
her low scores into a complaint, tracks it by code; an agency officer verifies and answers it;
she rates the answer. Also the portal complaint form with an attachment, the kiosk tablet and
the IKM report.

Screenshots: tests/e2e/artifacts/feedback-journey-<nn>-<step>.png.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from pintu.demo.pdf import simple_png

pytestmark = pytest.mark.e2e

CODE = r"P-[2-9AHKMRUWX]{4}-[2-9AHKMRUWX]{4}-[2-9AHKMRUWX]{3}"


def test_feedback_journey(e2e, tmp_path):
    from pintu.feedback import services as fs
    from pintu.feedback.models import Complaint, SurveyResponse

    world = e2e.world
    problems = []
    link = fs.survey_invitation_create(
        actor=None, agency=world.agency, service=world.agency_service, channel="link"
    )
    path = link.url.split("://", 1)[1].split("/", 1)[1]

    # 1. The survey on a phone, from the one-time link.
    phone = e2e.phone()
    phone.goto(e2e.url("/" + path))
    expect(phone.get_by_role("heading", name="Survei kepuasan masyarakat")).to_be_visible()
    problems += e2e.audit(phone, "survey")
    scores = [2, 3, 1, 4, 3, 3, 2, 2, 3]
    for i, score in enumerate(scores, start=1):
        phone.locator(f"#q-u{i} label").nth(score - 1).click()
    phone.get_by_label("Saran dan masukan (boleh dikosongkan)").fill(
        "Antrean lama dan petugas sering tidak ada di loket."
    )
    phone.get_by_text("Data responden (boleh dikosongkan)").click()
    phone.get_by_label("Jenis kelamin").select_option("P")
    phone.get_by_label("Pendidikan terakhir").select_option("sma")
    e2e.shot(phone, "survey answered")
    phone.get_by_role("button", name="Kirim penilaian").click()
    expect(phone.get_by_role("heading", name="Terima kasih atas penilaian Anda")).to_be_visible()
    response = SurveyResponse.objects.get()
    assert [response.scores()[f"u{i}"] for i in range(1, 10)] == scores and response.sex == "P"

    # 2. The low scores offer a complaint, made without an account.
    expect(phone.get_by_role("heading", name="Ingin menyampaikan pengaduan?")).to_be_visible()
    problems += e2e.audit(phone, "survey thanks")
    phone.get_by_label("Judul pengaduan").fill("Loket Dispendukcapil sering kosong")
    e2e.shot(phone, "survey thanks offers complaint")
    phone.get_by_role("button", name="Kirim sebagai pengaduan").click()
    expect(phone.get_by_role("heading", name="Pengaduan terkirim")).to_be_visible()
    code = phone.get_by_test_id("complaint-code").inner_text()
    assert re.fullmatch(CODE, code), code
    e2e.shot(phone, "complaint code")

    # 3. The link cannot be used twice.
    again = e2e.phone()
    again.goto(e2e.url("/" + path))
    expect(again.get_by_text("Survei ini sudah diisi")).to_be_visible()

    # 4. Tracking by code: no personal data, no description.
    tracker = e2e.phone()
    tracker.goto(e2e.url("/pengaduan/lacak/"))
    tracker.get_by_label("Kode pengaduan").fill(code)
    tracker.get_by_role("button", name="Lacak").click()
    expect(tracker.get_by_test_id("complaint-status")).to_have_text("Diterima, menunggu verifikasi")
    assert "Antrean lama" not in tracker.content()
    problems += e2e.audit(tracker, "tracking")
    e2e.shot(tracker, "tracking submitted")

    # 5. The agency officer verifies and answers on a desktop.
    office = e2e.login(e2e.desktop(), "verifier")
    office.goto(e2e.url("/kantor/pengaduan/"))
    office.get_by_role("link", name=code).click()
    expect(office.get_by_test_id("reporter")).to_contain_text("Dirahasiakan")
    office.get_by_role("button", name="Verifikasi pengaduan").click()
    expect(office.get_by_test_id("office-complaint-status")).to_have_text(
        "Terverifikasi, sedang ditindaklanjuti"
    )
    office.get_by_label("Jawaban untuk pelapor").fill(
        "Terima kasih. Mulai Senin loket Dispendukcapil dijaga dua petugas bergantian, termasuk jam istirahat."
    )
    office.get_by_role("button", name="Kirim jawaban").click()
    expect(office.get_by_test_id("office-complaint-status")).to_have_text("Sudah dijawab")
    e2e.shot(office, "officer answered")

    # 6. The reporter reads the answer and rates it.
    tracker.reload()
    expect(tracker.get_by_test_id("complaint-answer")).to_contain_text("dua petugas")
    tracker.locator("label", has_text="5 — Sangat puas").click()
    e2e.shot(tracker, "rating the answer")
    tracker.get_by_role("button", name="Kirim penilaian").click()
    expect(tracker.get_by_test_id("complaint-status")).to_have_text("Selesai")
    e2e.shot(tracker, "tracking closed")
    assert Complaint.objects.get().rating == 5

    # 7. A logged-in citizen files a complaint on the portal with a photo.
    citizen = e2e.login(e2e.phone(), "citizen")
    citizen.goto(e2e.url("/pengaduan/"))
    problems += e2e.audit(citizen, "complaint form")
    citizen.get_by_label("Judul pengaduan").fill("Toilet MPP rusak")
    citizen.get_by_label("Isi pengaduan").fill(
        "Toilet di lantai dua MPP tidak bisa disiram sejak kemarin pagi."
    )
    citizen.get_by_label("Instansi yang diadukan").select_option(label="Dispendukcapil")
    photo = tmp_path / "toilet.png"
    photo.write_bytes(simple_png())
    citizen.get_by_label(re.compile("Lampiran")).set_input_files(str(photo))
    e2e.shot(citizen, "portal complaint form")
    citizen.get_by_role("button", name="Kirim pengaduan").click()
    expect(citizen.get_by_role("heading", name="Pengaduan terkirim")).to_be_visible()
    assert Complaint.objects.filter(reporter_user=world.users["citizen"]).get().attachments.count() == 1

    # 8. The IKM report for the agency.
    office.goto(e2e.url("/kantor/ikm/"))
    expect(office.get_by_role("heading", name="Indeks Kepuasan Masyarakat")).to_be_visible()
    expect(office.locator("svg.chart").first).to_be_visible()
    e2e.shot(office, "ikm report")
    report_phone = e2e.login(e2e.phone(), "front_office")
    report_phone.goto(e2e.url("/kantor/ikm/"))
    problems += e2e.audit(report_phone, "ikm report phone")
    e2e.shot(report_phone, "ikm report phone")
    assert not problems, "\n".join(problems)


def test_feedback_kiosk(e2e):
    from pintu.accounts.constants import Role
    from pintu.accounts.services import role_assign
    from pintu.feedback.models import SurveyResponse
    from pintu.regions.models import OrgUnit
    from tests.factories import UserFactory

    world = e2e.world
    site = OrgUnit.objects.create(kind="mpp_site", code="MPP-E2E", name="MPP Uji", regency=world.regency)
    user = UserFactory(username="loket.e2e", staff=True)
    role_assign(actor=None, user=user, role=Role.COUNTER_OFFICER, org_unit=site)
    tablet = e2e.login(e2e.phone(), "loket.e2e")
    tablet.goto(e2e.url(f"/survei/kiosk/{site.pk}/"))
    tablet.get_by_role("button", name="Buka mode kiosk").click()
    expect(tablet.get_by_role("link", name="Masuk")).to_be_visible()  # the staff session is closed
    problems = e2e.audit(tablet, "kiosk")
    tablet.get_by_label("Instansi yang melayani Anda").select_option(label="Dispendukcapil")
    for i in range(1, 10):
        tablet.locator(f"#q-u{i} label").nth(3).click()
    e2e.shot(tablet, "kiosk answered")
    tablet.get_by_role("button", name="Kirim penilaian").click()
    expect(tablet.get_by_role("heading", name="Terima kasih!")).to_be_visible()
    e2e.shot(tablet, "kiosk thanks")
    tablet.get_by_role("link", name="Responden berikutnya").click()
    expect(tablet.locator("#q-u1 input:checked")).to_have_count(0)
    assert SurveyResponse.objects.filter(channel="kiosk", site=site).count() == 1
    assert not problems, "\n".join(problems)
