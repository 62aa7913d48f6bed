"""The pages people use, through Django's test client (the browser tests drive the same pages)."""

import pytest
from django.urls import reverse

from pintu.cases.constants import CaseStatus
from pintu.cases.models import Case
from tests.factories import CaseFactory, make_nik, pdf_file


def test_public_pages(client, world):
    for url in (
        "/",
        "/layanan/",
        "/layanan/?q=AGENCY&instansi=DISPENDUKCAPIL",
        "/layanan/AGENCY-SVC/",
        "/lacak/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'lang="id"' in response.content.decode()
    assert client.get("/layanan/NOPE/").status_code == 404


def test_catalogue_htmx_returns_fragment(client, world):
    response = client.get("/layanan/?q=VILLAGE", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and "Layanan VILLAGE-SVC" in body and "Layanan AGENCY-SVC" not in body


def test_language_switch_to_english_and_back(client, world):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get("/layanan/")
    assert 'lang="en"' in response.content.decode()
    client.post(reverse("set_language"), {"language": "id", "next": "/"})
    assert 'lang="id"' in client.get("/layanan/").content.decode()


def test_browser_language_does_not_override_indonesian(client, world):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="id"' in response.content.decode()


def test_apply_requires_login(client, world):
    response = client.get(reverse("portal:apply", args=["AGENCY-SVC"]))
    assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_citizen_applies_through_the_portal(client, world):
    client.force_login(world.users["citizen"])
    url = reverse("portal:apply", args=["AGENCY-SVC"])
    form = client.get(url)
    key = form.context["forms"].applicant.initial["submission_key"]
    data = {
        "submission_key": key,
        "applicant_nik": "",
        "applicant_phone": "081234567890",
        "applicant_village": str(world.village.pk),
        "f-purpose": "Untuk sekolah",
        "doc_KTP": pdf_file(),
    }
    response = client.post(url, data)
    assert response.status_code == 302
    case = Case.objects.get()
    assert response.url == reverse("portal:my_case", args=[case.tracking_code])
    page = client.get(response.url)
    assert case.display_code in page.content.decode()
    # the browser retries the same form (double tap): no second case
    data["doc_KTP"] = pdf_file()
    assert client.post(url, data).status_code == 302 and Case.objects.count() == 1


def test_apply_errors_are_shown_with_the_form(client, world):
    client.force_login(world.users["citizen"])
    response = client.post(reverse("portal:apply", args=["AGENCY-SVC"]), {"f-purpose": ""})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Keperluan wajib diisi." in body and Case.objects.count() == 0


def test_tracking_page_shows_steps_but_no_personal_data(client, world):
    case = CaseFactory(world=world, channel="village", service="village", state="returned")
    body = client.get(reverse("portal:track_detail", args=[case.display_code])).content.decode()
    assert "Pemeriksaan di desa" in body and "Pemohon (memperbaiki berkas)" in body
    for secret in (
        case.applicant_name,
        case.applicant_nik,
        case.applicant_phone,
        "Foto KTP buram",
        "Keperluan uji",
    ):
        assert secret not in body
    assert client.get("/lacak/AAAA-BBBB-CCC/").status_code == 404


def test_citizen_answers_a_return(client, world):
    case = CaseFactory(world=world, state="returned")
    client.force_login(world.users["citizen"])
    page = client.get(reverse("portal:my_case", args=[case.tracking_code]))
    assert "Foto KTP buram" in page.content.decode()
    response = client.post(
        reverse("portal:my_case_resubmit", args=[case.tracking_code]),
        {"note": "Sudah saya unggah ulang", "request_key": "r1", "doc_KTP": pdf_file()},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS


def test_officer_queue_and_actions(client, world):
    case = CaseFactory(world=world, state="submitted")
    client.force_login(world.users["front_office"])
    queue = client.get(reverse("office:queue")).content.decode()
    assert case.display_code in queue and case.applicant_name in queue
    detail = client.get(reverse("office:case", args=[case.tracking_code])).content.decode()
    assert "Keperluan uji" in detail and "Tandai terverifikasi".lower() in detail.lower()
    client.post(reverse("office:case_action", args=[case.tracking_code, "verify"]), {"request_key": "a"})
    client.post(reverse("office:case_action", args=[case.tracking_code, "forward"]), {"request_key": "b"})
    case.refresh_from_db()
    assert case.current_step.position == 2
    # a return without a reason is refused with a message and changes nothing
    client.force_login(world.users["verifier"])
    response = client.post(
        reverse("office:case_action", args=[case.tracking_code, "return"]), {"note": ""}, follow=True
    )
    assert "alasan" in response.content.decode().lower()
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS


def test_issue_generates_output_then_citizen_downloads(client, world):
    case = CaseFactory(world=world, state="approved")
    client.force_login(world.users["front_office"])
    client.post(reverse("office:case_action", args=[case.tracking_code, "issue"]))
    case.refresh_from_db()
    assert case.status == CaseStatus.COMPLETED
    output = case.documents.get(kind="output")
    client.force_login(world.users["citizen"])
    download = client.get(reverse("portal:case_document", args=[case.tracking_code, output.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    client.force_login(world.users["other_citizen"])
    assert (
        client.get(reverse("portal:case_document", args=[case.tracking_code, output.pk])).status_code == 404
    )


def test_village_front_door_form(client, world):
    client.force_login(world.users["village_operator"])
    assert "Layanan VILLAGE-SVC" in client.get(reverse("office:new_case")).content.decode()
    url = reverse("office:new_case_form", args=["VILLAGE-SVC"])
    response = client.post(
        url,
        {
            "applicant_name": "Budi Santoso",
            "applicant_nik": make_nik(),
            "applicant_phone": "081333444555",
            "f-purpose": "Akta anak",
            "doc_KTP": pdf_file(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get()
    assert case.opened_by_unit == world.village_office and case.current_owner == world.village_office
    village = client.get(reverse("office:village") + "?tab=here").content.decode()
    assert case.display_code in village


@pytest.mark.parametrize("name", ["citizen", "other_citizen"])
def test_citizens_cannot_open_office_pages(client, world, name):
    client.force_login(world.users[name])
    assert client.get(reverse("office:queue")).status_code == 403


def test_tracking_page_is_rate_limited(client, world):
    case = CaseFactory(world=world, state="submitted")
    url = reverse("portal:track_detail", args=[case.tracking_code])
    statuses = [client.get(url).status_code for _ in range(61)]
    assert statuses[:60] == [200] * 60 and statuses[60] == 429
