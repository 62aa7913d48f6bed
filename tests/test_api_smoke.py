from rest_framework.test import APIClient

from pintu.cases.models import Case
from tests.factories import pdf_file


def test_api_happy_path(world):
    client = APIClient()
    client.force_authenticate(world.users["citizen"])
    upload = client.post("/api/v1/documents/", {"file": pdf_file()}, format="multipart")
    assert upload.status_code == 201, upload.json()
    body = {
        "service": "AGENCY-SVC",
        "form_data": {"purpose": "Uji"},
        "documents": {"KTP": upload.json()["id"]},
    }
    created = client.post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert created.status_code == 201, created.json()
    again = client.post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert again.status_code == 200
    assert again.json()["code"] == created.json()["code"]
    assert Case.objects.count() == 1
    code = created.json()["code"]
    officer = APIClient()
    officer.force_authenticate(world.users["front_office"])
    verified = officer.post(f"/api/v1/cases/{code}/verify/", {"note": "ok"}, format="json")
    assert verified.status_code == 200, verified.json()
    assert verified.json()["status"] == "verified"
    denied = APIClient()
    denied.force_authenticate(world.users["other_front_office"])
    response = denied.post(f"/api/v1/cases/{code}/forward/", {}, format="json")
    assert response.status_code == 404, response.json()
    track = APIClient().get(f"/api/v1/track/{code}/")
    assert track.status_code == 200
    assert "Siti" not in track.content.decode()
    listing = officer.get("/api/v1/queue/")
    assert listing.status_code == 200 and listing.json()["count"] == 1
    assert client.get("/api/v1/cases/").json()["results"][0]["code"] == code


def test_tracking_lookup_matches_its_documented_contract(world):
    from pintu.cases.api import TrackingSerializer
    from tests.factories import CaseFactory

    case = CaseFactory(world=world, service="village", channel="village", state="returned")
    response = APIClient().get(f"/api/v1/track/{case.display_code}/")
    assert response.status_code == 200
    payload = response.json()
    serializer = TrackingSerializer(data=payload)
    assert serializer.is_valid(), serializer.errors
    assert [e["label"] for e in payload["events"]][:1] == ["Diajukan"]
    assert payload["holder"] == "Pemohon (memperbaiki berkas)"
    missing = APIClient().get("/api/v1/track/2222-2222-22A/")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "tracking.not_found"


def test_tracking_of_rows_loaded_without_public_history(world):
    """Cases written by a bulk load (no public_events) are still tracked, from their events."""
    from pintu.cases.selectors import case_tracking
    from tests.factories import CaseFactory

    case = CaseFactory(world=world, state="verified")
    expected = case_tracking(case.tracking_code)
    Case.objects.filter(pk=case.pk).update(public_events=[])
    fallback = case_tracking(case.tracking_code)
    assert [(e.label, e.unit) for e in fallback.events] == [(e.label, e.unit) for e in expected.events]
    assert fallback.steps == expected.steps
