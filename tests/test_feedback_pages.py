"""Pages and API of the feedback app: the survey by link and kiosk, complaint intake, tracking
and office actions, the IKM report and its downloads — with the role × unit matrix and checks
that a refused write changed nothing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from pintu.accounts.constants import Role
from pintu.accounts.services import role_assign
from pintu.audit.models import AuditEntry
from pintu.feedback import services as fs
from pintu.feedback.models import Complaint, ComplaintEvent, SurveyResponse
from pintu.regions.models import OrgUnit
from tests.factories import UserFactory
from tests.feedback_fixtures import complaint_in, on, respond

ANON = "anonymous"
GOOD_POST = {f"u{i}": "4" for i in range(1, 10)} | {"comment": ""}


def client_for(world, who) -> Client:
    client = Client()
    if who != ANON:
        client.force_login(world.users[who])
    return client


def api_for(world, who) -> APIClient:
    client = APIClient()
    if who != ANON:
        client.force_authenticate(world.users[who])
    return client


@pytest.fixture
def site(world):
    unit = OrgUnit.objects.create(kind="mpp_site", code="MPP-UJI", name="MPP Uji", regency=world.regency)
    for name, role in (("counter", Role.COUNTER_OFFICER), ("site_manager", Role.SITE_MANAGER)):
        user = UserFactory(username=name, staff=True)
        role_assign(actor=None, user=user, role=role, org_unit=unit)
        world.users[name] = user
    return unit


# --- survey pages -----------------------------------------------------------------------------------


def test_survey_link_page_submit_and_retry(world):
    link = fs.survey_invitation_create(actor=None, agency=world.agency, channel="link")
    client = Client()
    page = client.get(reverse("feedback:survey", args=[link.token]))
    assert page.status_code == 200 and "Bagaimana pemahaman Saudara tentang kemudahan prosedur" in page.text
    first = client.post(reverse("feedback:survey", args=[link.token]), GOOD_POST)
    assert first.status_code == 302 and "/survei/terima-kasih/" in first["Location"]
    again = client.post(reverse("feedback:survey", args=[link.token]), GOOD_POST)
    assert again.status_code == 302
    assert SurveyResponse.objects.count() == 1
    used = client.get(reverse("feedback:survey", args=[link.token]))
    assert "sudah diisi" in used.text and 'type="radio"' not in used.text


def test_unknown_survey_link_is_404(world):
    assert Client().get(reverse("feedback:survey", args=["x" * 43])).status_code == 404


def test_low_score_offers_a_complaint_once(world):
    response = respond(world, (1, 2, 2, 4, 2, 2, 1, 1, 2), comment="Lama sekali")
    url = reverse("feedback:survey_done", args=[response.public_id])
    page = Client().get(url)
    assert "Kirim sebagai pengaduan" in page.text
    posted = Client().post(
        url, {"subject": "Antrean lama", "description": "Menunggu tiga jam tanpa kejelasan petugas."}
    )
    assert posted.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.channel == "survey" and complaint.is_anonymous and complaint.agency == world.agency
    assert "Kirim sebagai pengaduan" not in Client().get(url).text


def test_good_scores_do_not_push_a_complaint(world):
    response = respond(world, (4, 4, 4, 4, 4, 4, 4, 4, 4))
    assert (
        "Kirim sebagai pengaduan"
        not in Client().get(reverse("feedback:survey_done", args=[response.public_id])).text
    )


KIOSK = {
    "counter": 200,
    "site_manager": 200,
    "front_office": 403,
    "regency_admin": 403,
    "citizen": 403,
    "village_operator": 403,
    ANON: 302,
}


def open_kiosk(client, site):
    return client.post(reverse("feedback:kiosk", args=[site.pk]), {"open": "1"})


@pytest.mark.parametrize(("who", "expected"), KIOSK.items())
def test_kiosk_page_matrix(world, site, who, expected):
    client = client_for(world, who)
    url = reverse("feedback:kiosk", args=[site.pk])
    page = client.get(url)
    assert page.status_code == expected
    # answers without an opened kiosk are never stored
    client.post(url, GOOD_POST | {"agency": world.agency.pk, "submission_key": "abc"})
    assert not SurveyResponse.objects.exists()
    opened = open_kiosk(client, site)
    if expected != 200:
        assert opened.status_code == expected and "pintu_kiosk" not in opened.cookies
        return
    assert "Buka mode kiosk" in page.text
    assert opened.status_code == 302 and opened.cookies["pintu_kiosk"]["httponly"]
    # the staff session is closed on the tablet: office pages ask for a login again
    assert client.get(reverse("feedback:office_ikm")).status_code == 302
    form = client.get(url)
    assert form.status_code == 200 and "Kirim penilaian" in form.text
    done = client.post(url, GOOD_POST | {"agency": world.agency.pk, "submission_key": "abc"})
    assert done.status_code == 200 and "Responden berikutnya" in done.text
    response = SurveyResponse.objects.get()
    assert response.site == site and response.channel == "kiosk"


def test_kiosk_resets_and_double_post_counts_once(world, site):
    client = client_for(world, "counter")
    open_kiosk(client, site)
    url = reverse("feedback:kiosk", args=[site.pk])
    data = GOOD_POST | {"agency": world.agency.pk, "submission_key": "k-1"}
    done = client.post(url, data)
    assert "Responden berikutnya" in done.text and 'http-equiv="refresh"' in done.text
    client.post(url, data)
    assert SurveyResponse.objects.count() == 1
    fresh = client.get(url)
    assert 'value="k-1"' not in fresh.text


def test_kiosk_cookie_is_bound_to_unit_signature_and_opener_role(world, site):
    from pintu.accounts.models import RoleAssignment
    from pintu.accounts.services import role_revoke

    client = client_for(world, "counter")
    open_kiosk(client, site)
    other = OrgUnit.objects.create(kind="mpp_site", code="MPP-LAIN", name="MPP Lain", regency=world.regency)
    assert client.get(reverse("feedback:kiosk", args=[other.pk])).status_code == 302  # login again
    forged = Client()
    forged.cookies["pintu_kiosk"] = client.cookies["pintu_kiosk"].value[:-2] + "xx"
    assert forged.get(reverse("feedback:kiosk", args=[site.pk])).status_code == 302
    role_revoke(actor=None, assignment=RoleAssignment.objects.get(user=world.users["counter"]))
    client.post(
        reverse("feedback:kiosk", args=[site.pk]),
        GOOD_POST | {"agency": world.agency.pk, "submission_key": "z"},
    )
    assert not SurveyResponse.objects.exists()


# --- complaint pages -------------------------------------------------------------------------------


def test_portal_complaint_anonymous_and_tracking_shows_no_personal_data(world):
    client = Client()
    assert client.get(reverse("feedback:complaint_new")).status_code == 200
    posted = client.post(
        reverse("feedback:complaint_new"),
        {
            "subject": "Pungutan liar di loket",
            "description": "Saya diminta membayar Rp50.000 untuk KTP-el oleh petugas di loket 3.",
            "agency": world.agency.pk,
            "reporter_name": "Budi Santoso",
            "reporter_phone": "081298765432",
            "is_anonymous": "on",
            "submission_key": "s1",
        },
    )
    assert posted.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.is_anonymous and complaint.reporter_name == "Budi Santoso"
    track = client.get(reverse("feedback:complaint_track_detail", args=[complaint.tracking_code]))
    assert track.status_code == 200
    for secret in ("Budi", "081298765432", "6281298765432", "Rp50.000", "Pungutan"):
        assert secret not in track.text
    office = client_for(world, "verifier").get(
        reverse("feedback:office_complaint", args=[complaint.tracking_code])
    )
    assert office.status_code == 200 and "Budi" not in office.text and "6281298765432" not in office.text
    assert "Dirahasiakan" in office.text and "Rp50.000" in office.text


def test_tracking_form(world):
    complaint = complaint_in(world, "submitted")
    found = Client().get(reverse("feedback:complaint_track"), {"code": complaint.display_code})
    assert found.status_code == 302
    missing = Client().get(reverse("feedback:complaint_track"), {"code": "P-2222-2222-222"})
    assert "tidak ditemukan" in missing.text


OFFICE_LIST = {
    "front_office": 200,
    "verifier": 200,
    "other_verifier": 200,
    "regency_admin": 200,
    "village_operator": 403,
    "district_officer": 403,
    "staff_without_role": 403,
    "citizen": 403,
    ANON: 302,
}


@pytest.mark.parametrize(("who", "expected"), OFFICE_LIST.items())
def test_office_list_matrix(world, who, expected):
    complaint = complaint_in(world, "submitted")
    response = client_for(world, who).get(reverse("feedback:office_complaints"))
    assert response.status_code == expected
    if expected == 200:
        assert (complaint.display_code in response.text) == (
            who in ("front_office", "verifier", "regency_admin")
        )


OFFICE_DETAIL = {
    "verifier": 200,
    "regency_admin": 200,
    "other_verifier": 404,
    "other_front_office": 404,
    "village_operator": 404,
    "citizen": 403,
    ANON: 302,
}


@pytest.mark.parametrize(("who", "expected"), OFFICE_DETAIL.items())
def test_office_detail_and_action_matrix(world, who, expected):
    complaint = complaint_in(world, "submitted")
    client = client_for(world, who)
    assert (
        client.get(reverse("feedback:office_complaint", args=[complaint.tracking_code])).status_code
        == expected
    )
    before = (ComplaintEvent.objects.count(), AuditEntry.objects.count())
    response = client.post(
        reverse("feedback:office_complaint_action", args=[complaint.tracking_code, "verify"])
    )
    complaint.refresh_from_db()
    if who == "verifier":
        assert response.status_code == 302 and complaint.status == "verified"
    else:
        assert response.status_code in (302, 403, 404) and complaint.status == "submitted"
        assert (ComplaintEvent.objects.count(), AuditEntry.objects.count()) == before


def test_triage_route_by_regency_admin(world):
    complaint = complaint_in(world, "triage")
    admin = client_for(world, "regency_admin")
    assert complaint.display_code in admin.get(reverse("feedback:office_complaints") + "?tab=triage").text
    admin.post(
        reverse("feedback:office_complaint_action", args=[complaint.tracking_code, "route"]),
        {"agency": world.other_agency.pk, "note": "Urusan kepolisian"},
    )
    complaint.refresh_from_db()
    assert complaint.agency == world.other_agency and complaint.status == "submitted"


def test_overdue_tab(world):
    with on(dt.date(2026, 3, 2)):
        late = complaint_in(world, "submitted")
    fresh = complaint_in(world, "submitted")
    with on(dt.date(2026, 3, 9)):
        page = client_for(world, "verifier").get(reverse("feedback:office_complaints") + "?tab=overdue")
    assert late.display_code in page.text and fresh.display_code not in page.text


def test_reporter_rates_on_the_tracking_page(world):
    complaint = complaint_in(world, "answered")
    client = client_for(world, "citizen")
    url = reverse("feedback:complaint_track_detail", args=[complaint.tracking_code])
    assert "Loket tambahan sudah dibuka." in client.get(url).text
    client.post(url, {"rating": "5"})
    complaint.refresh_from_db()
    assert complaint.status == "closed" and complaint.rating == 5


def test_someone_else_cannot_rate_on_the_tracking_page(world):
    complaint = complaint_in(world, "answered")
    client_for(world, "other_citizen").post(
        reverse("feedback:complaint_track_detail", args=[complaint.tracking_code]),
        {"rating": "1", "note": "x"},
    )
    complaint.refresh_from_db()
    assert complaint.status == "answered"


def test_counter_intake_page(world):
    client = client_for(world, "village_operator")
    response = client.post(
        reverse("feedback:office_complaint_new"),
        {
            "subject": "Jalan desa",
            "description": "Pelayanan surat pengantar lambat sekali minggu ini.",
            "reporter_name": "Pak Slamet",
            "agency": world.agency.pk,
            "submission_key": "c1",
        },
    )
    assert response.status_code == 302
    assert Complaint.objects.get().channel == "counter"
    assert client_for(world, "verifier").get(reverse("feedback:office_complaint_new")).status_code == 403


# --- IKM report ---------------------------------------------------------------------------------------

IKM = {
    "verifier": 200,
    "front_office": 200,
    "site_manager": 200,
    "regency_admin": 200,
    "village_operator": 403,
    "district_officer": 403,
    "citizen": 403,
    ANON: 302,
}


@pytest.mark.parametrize(("who", "expected"), IKM.items())
def test_ikm_report_matrix(world, site, who, expected):
    with on(dt.date(2026, 4, 6)):
        respond(world, (4, 3, 3, 4, 3, 4, 4, 3, 3), site=site)
        respond(world, (1, 1, 1, 1, 1, 1, 1, 1, 1), agency=world.other_agency)
    client = client_for(world, who)
    response = client.get(reverse("feedback:office_ikm"))
    assert response.status_code == expected
    if expected == 200:
        assert "<svg" in response.text
        assert ("Polresta" in response.text.split("Per instansi")[1]) == (who == "regency_admin")
        pdf = client.get(reverse("feedback:office_ikm_pdf"))
        assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
        xlsx = client.get(reverse("feedback:office_ikm_xlsx"))
        assert xlsx.content.startswith(b"PK")
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_filelike(io.BytesIO(xlsx.content))
        rows = book.get_sheet_by_name("NRR per unsur").to_python()
        assert rows[2][:2] == ["No", "Unsur pelayanan"] and rows[3][0] == "U1"


def test_ikm_for_agency_officer_counts_only_its_agency(world):
    with on(dt.date(2026, 4, 6)):
        respond(world, (4, 4, 4, 4, 4, 4, 4, 4, 4))
        respond(world, (1, 1, 1, 1, 1, 1, 1, 1, 1), agency=world.other_agency)
    page = client_for(world, "verifier").get(reverse("feedback:office_ikm"))
    assert '<div class="value" data-testid="ikm-value">100,00</div>' in page.text


def test_public_summary_only_when_published(world):
    period = fs.survey_period_create(
        actor=None, code="2026", name="SKM 2026", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31)
    )
    with on(dt.date(2026, 4, 6)):
        respond(world, (4, 4, 4, 4, 4, 4, 4, 4, 4), comment="Rahasia komentar")
    assert "Dinas Kependudukan" not in Client().get(reverse("feedback:ikm_public")).text
    fs.survey_period_create(
        actor=None,
        code="2026",
        name="SKM 2026",
        starts_on=period.starts_on,
        ends_on=period.ends_on,
        is_published=True,
    )
    page = Client().get(reverse("feedback:ikm_public")).text
    assert "Dinas Kependudukan" in page and "100,00" in page and "Rahasia" not in page


# --- API ---------------------------------------------------------------------------------------------


def test_api_survey_submit_idempotent(world):
    link = fs.survey_invitation_create(actor=None, agency=world.agency, channel="link")
    url = reverse("api:feedback-survey-submit", args=[link.token])
    body = {"answers": {"u1": 4, "u2": 3}, "profile": {"sex": "P"}}
    first = APIClient().post(url, body, format="json")
    assert first.status_code == 201, first.content
    assert APIClient().post(url, body, format="json").status_code == 200
    conflict = APIClient().post(url, {"answers": {"u1": 1}}, format="json")
    assert conflict.status_code == 409 and conflict.json()["error"]["code"] == "survey.used"
    bad = APIClient().post(url, {"answers": {"u1": 7}}, format="json")
    assert bad.status_code == 400
    assert SurveyResponse.objects.count() == 1


def test_api_complaint_create_track_and_act(world):
    created = APIClient().post(
        reverse("api:feedback-complaints"),
        {
            "subject": "Loket tutup",
            "description": "Loket tutup jam 11 padahal jadwal sampai jam 15.",
            "agency": world.agency.code,
            "is_anonymous": True,
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    code = created.json()["code"]
    raw = code.replace("-", "")
    tracked = APIClient().get(reverse("api:feedback-complaint-track", args=[raw]))
    assert tracked.status_code == 200 and set(tracked.json()) == {
        "code",
        "status",
        "status_label",
        "agency_name",
        "submitted_at",
        "due_date",
        "answer",
        "can_rate",
        "events",
    }
    # another agency: not found, nothing changed
    other = api_for(world, "other_verifier")
    assert other.get(reverse("api:feedback-complaint-detail", args=[raw])).status_code == 404
    refused = other.post(reverse("api:feedback-complaint-action", args=[raw, "verify"]), {}, format="json")
    assert refused.status_code == 404
    assert Complaint.objects.get().status == "submitted"
    mine = api_for(world, "verifier")
    detail = mine.get(reverse("api:feedback-complaint-detail", args=[raw])).json()
    assert detail["reporter"] is None and "verify" in detail["allowed_actions"]
    verified = mine.post(
        reverse("api:feedback-complaint-action", args=[raw, "verify"]),
        {},
        format="json",
        HTTP_IDEMPOTENCY_KEY="v1",
    )
    assert verified.status_code == 200 and verified.json()["status"] == "verified"
    again = mine.post(
        reverse("api:feedback-complaint-action", args=[raw, "verify"]),
        {},
        format="json",
        HTTP_IDEMPOTENCY_KEY="v1",
    )
    assert again.status_code == 200
    assert ComplaintEvent.objects.filter(action="verify").count() == 1


@pytest.mark.parametrize(
    ("who", "expected"),
    [("verifier", 200), ("regency_admin", 200), ("citizen", 403), ("village_operator", 403), (ANON, 401)],
)
def test_api_ikm_matrix(world, who, expected):
    with on(dt.date(2026, 4, 6)):
        respond(world, (4, 3, 3, 4, 3, 4, 4, 3, 3))
    response = api_for(world, who).get(reverse("api:feedback-ikm"))
    assert response.status_code == expected
    if expected == 200:
        body = response.json()
        assert body["rule_version"] == "permenpanrb-14-2017" and body["overall"]["respondents"] == 1
        assert body["overall"]["index"] == "3.4444" and body["overall"]["grade"] == "B"


def test_anonymous_api_complaint_refused_when_disabled(world, settings):
    settings.PINTU_COMPLAINTS_ANONYMOUS = False
    response = APIClient().post(
        reverse("api:feedback-complaints"),
        {
            "subject": "Loket tutup",
            "description": "Loket tutup jam 11 padahal jadwal sampai jam 15.",
            "is_anonymous": True,
        },
        format="json",
    )
    assert response.status_code == 403 and not Complaint.objects.exists()
    assert AnonymousUser  # imported for the fixtures' symmetry


def test_citizen_sees_own_complaints_on_the_form_page(world):
    mine = complaint_in(world, "submitted")
    page = client_for(world, "citizen").get(reverse("feedback:complaint_new")).text
    assert "Pengaduan saya" in page and mine.tracking_code in page
    assert (
        mine.tracking_code
        not in client_for(world, "other_citizen").get(reverse("feedback:complaint_new")).text
    )
