"""The REST API contract: one error shape with stable codes, authentication (bearer token and
session), idempotent submission and actions, cursor pagination, upload validation, the public
catalogue and the served schema.

Every error is ``{"error": {"code": ..., "message": ..., "fields"?: {...}}}`` and nothing else;
clients switch on ``code``.
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import yaml
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from rest_framework.test import APIClient

from pintu.accounts.models import ApiToken
from pintu.accounts.services import api_token_create, api_token_revoke
from pintu.audit.models import AuditEntry
from pintu.cases import tracking
from pintu.cases.models import Case, CaseDocument, CaseEvent
from pintu.documents.models import IssuedDocument, Upload
from pintu.documents.services import upload_store
from pintu.notifications.models import Notification
from tests.factories import CaseFactory, make_nik, pdf_file, png_file

pytestmark = pytest.mark.django_db

# --- helpers ----------------------------------------------------------------------------------


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def assert_error(response, status: int, code: str, fields: set[str] | None = None) -> dict:
    """The one error shape; ``fields`` (when given) are exactly the field keys reported."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) <= {"code", "message", "fields"}, error
    assert error["code"] == code, error
    assert isinstance(error["message"], str) and error["message"].strip(), error
    if fields is not None:
        assert set(error.get("fields", {})) == fields, error
        for messages in error["fields"].values():
            assert messages and all(isinstance(m, str) and m for m in messages), error
    return error


def counts() -> dict:
    return {
        "cases": Case.objects.count(),
        "events": CaseEvent.objects.count(),
        "documents": CaseDocument.objects.count(),
        "uploads": Upload.objects.count(),
        "issued documents": IssuedDocument.objects.count(),
        "audit": AuditEntry.objects.count(),
        "notifications": Notification.objects.count(),
        "tasks": DBTaskResult.objects.count(),
    }


def upload_id(user, file=None) -> str:
    return str(upload_store(actor=user, upload_file=file or pdf_file("ktp.pdf")).pk)


def submission(user, **extra) -> dict:
    payload = {
        "service": "AGENCY-SVC",
        "form_data": {"purpose": "Keperluan uji"},
        "documents": {"KTP": upload_id(user)},
    }
    payload.update(extra)
    return payload


def post(client, url, data=None, *, key: str | None = None):
    """POST JSON, with an ``Idempotency-Key`` header when ``key`` is given."""
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(url, data or {}, format="json", **headers)


def action_url(case, action: str) -> str:
    return reverse(f"api:case-{action.replace('_', '-')}", args=[case.tracking_code])


def detail_url(case) -> str:
    return reverse("api:case-detail", args=[case.tracking_code])


def pdf_bytes(size: int) -> bytes:
    head = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    return head + b"0" * (size - len(head))


# --- 400 --------------------------------------------------------------------------------------


def test_400_reports_every_bad_field(world):
    response = api(world.users["citizen"]).post(
        reverse("api:cases"), {"documents": {"KTP": "not-a-uuid"}}, format="json"
    )
    assert_error(response, 400, "invalid", fields={"service", "documents.KTP"})


def test_400_form_data_is_validated_against_the_service(world):
    citizen = world.users["citizen"]
    payload = submission(citizen, form_data={"event_date": "bukan tanggal"})
    response = api(citizen).post(reverse("api:cases"), payload, format="json")
    assert_error(response, 400, "invalid", fields={"purpose", "event_date"})
    assert Case.objects.count() == 0


def test_400_missing_required_document(world):
    citizen = world.users["citizen"]
    payload = submission(citizen, documents={})
    response = api(citizen).post(reverse("api:cases"), payload, format="json")
    assert_error(response, 400, "case.documents_invalid", fields={"documents.KTP"})


def test_400_note_required_to_return(world):
    case = CaseFactory(world=world)
    response = api(world.users["front_office"]).post(action_url(case, "return"), {}, format="json")
    assert_error(response, 400, "case.note_required", fields={"note"})


def test_400_malformed_json(world):
    response = api(world.users["citizen"]).post(
        reverse("api:cases"), data="{not json", content_type="application/json"
    )
    assert_error(response, 400, "parse_error")


def test_415_unsupported_media_type(world):
    response = api(world.users["citizen"]).post(
        reverse("api:cases"), data="service=AGENCY-SVC", content_type="text/plain"
    )
    assert_error(response, 415, "unsupported_media_type")


# --- 401 / authentication -------------------------------------------------------------------------

AUTHENTICATED_ENDPOINTS = [
    ("get", "api:cases", False),
    ("post", "api:cases", False),
    ("get", "api:case-detail", True),
    ("post", "api:case-verify", True),
    ("get", "api:queue", False),
    ("get", "api:me", False),
    ("post", "api:uploads", False),
]


@pytest.mark.parametrize(("method", "name", "with_code"), AUTHENTICATED_ENDPOINTS)
def test_401_without_credentials(world, method, name, with_code):
    case = CaseFactory(world=world)
    url = reverse(name, args=[case.tracking_code] if with_code else [])
    before = counts()
    response = getattr(APIClient(), method)(url, {}, format="json")
    assert_error(response, 401, "auth.required")
    assert response["WWW-Authenticate"] == "Bearer"
    assert counts() == before


@pytest.mark.parametrize(("method", "name", "with_code"), AUTHENTICATED_ENDPOINTS)
def test_401_with_a_bad_bearer_token(world, method, name, with_code):
    case = CaseFactory(world=world)
    url = reverse(name, args=[case.tracking_code] if with_code else [])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer pintu_deadbeef_not-the-secret")
    response = getattr(client, method)(url, {}, format="json")
    assert_error(response, 401, "auth.failed")


def _bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_bearer_token_authenticates_reads_and_writes(world):
    citizen = world.users["citizen"]
    _token, raw = api_token_create(actor=None, user=citizen, name="Aplikasi desa")
    client = _bearer(raw)
    me = client.get(reverse("api:me"))
    assert me.status_code == 200
    assert me.json()["username"] == "citizen"
    # no CSRF token is needed with a bearer token
    created = client.post(reverse("api:cases"), submission(citizen), format="json")
    assert created.status_code == 201, created.content
    assert Case.objects.get().applicant_user == citizen


def test_bearer_token_carries_the_users_permissions(world):
    case = CaseFactory(world=world)
    _token, raw = api_token_create(actor=None, user=world.users["other_front_office"], name="Sistem lain")
    response = _bearer(raw).get(detail_url(case))
    assert_error(response, 404, "case.not_found")


def test_revoked_expired_and_tampered_tokens_are_refused(world):
    citizen = world.users["citizen"]
    revoked, revoked_raw = api_token_create(actor=None, user=citizen, name="dicabut")
    api_token_revoke(actor=None, token=revoked)
    expired, expired_raw = api_token_create(
        actor=None, user=citizen, name="kedaluwarsa", expires_at=timezone.now() + dt.timedelta(hours=1)
    )
    assert _bearer(expired_raw).get(reverse("api:me")).status_code == 200
    # two hours later (the clock is moved by rewriting the expiry into the past)
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - dt.timedelta(hours=1))
    _good, good_raw = api_token_create(actor=None, user=citizen, name="baik")
    prefix, _, secret = good_raw.rpartition("_")
    tampered = f"{prefix}_{secret[:-2]}xx"
    for raw in (revoked_raw, expired_raw, tampered, "pintu_" + secret, secret):
        response = _bearer(raw).get(reverse("api:me"))
        assert_error(response, 401, "auth.failed")
    assert _bearer(good_raw).get(reverse("api:me")).status_code == 200


def test_token_of_a_deactivated_user_is_refused(world):
    citizen = world.users["citizen"]
    _token, raw = api_token_create(actor=None, user=citizen, name="x")
    citizen.is_active = False
    citizen.save(update_fields=["is_active"])
    assert_error(_bearer(raw).get(reverse("api:me")), 401, "auth.failed")


def test_session_authentication_works_and_enforces_csrf(world):
    citizen = world.users["citizen"]
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(citizen)
    assert client.get(reverse("api:me")).json()["username"] == "citizen"
    payload = submission(citizen)
    before = counts()
    refused = client.post(reverse("api:cases"), payload, format="json")
    assert_error(refused, 403, "forbidden")
    assert counts() == before
    client.get(reverse("accounts:login"))  # sets the CSRF cookie
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    accepted = client.post(reverse("api:cases"), payload, format="json", HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 201, accepted.content


# --- 403 / 404 / 405 / 409 ----------------------------------------------------------------------


def test_403_acting_without_the_steps_role(world):
    case = CaseFactory(world=world)
    before = counts()
    response = api(world.users["verifier"]).post(action_url(case, "verify"), {}, format="json")
    assert_error(response, 403, "case.forbidden")
    assert counts() == before


def test_403_submitting_without_a_front_door(world):
    verifier = world.users["verifier"]
    response = api(verifier).post(reverse("api:cases"), submission(verifier), format="json")
    assert_error(response, 403, "case.submit_forbidden")


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("/api/v1/cases/2345678923X/", "case.not_found"),
        ("/api/v1/cases/2345678923X/verify/", "case.not_found"),
        ("/api/v1/cases/2345678923X/documents/1/", "case.not_found"),
        ("/api/v1/catalog/services/TIDAK-ADA/", "catalog.service_not_found"),
    ],
)
def test_404_unknown_objects(world, url, code):
    client = api(world.users["front_office"])
    response = client.post(url, {}, format="json") if url.endswith("verify/") else client.get(url)
    assert_error(response, 404, code)


@pytest.mark.parametrize("code", ["AAAA-AAAA-AAA", "salah", "valid-unknown"])
def test_404_unknown_tracking_code(world, code):
    if code == "valid-unknown":  # a well-formed code nobody holds (generated here: xdist needs stable ids)
        code = tracking.new_code()
    assert_error(APIClient().get(reverse("api:track", args=[code])), 404, "tracking.not_found")


def test_404_unknown_api_path_uses_the_error_shape(world):
    response = api(world.users["citizen"]).get("/api/v1/tidak-ada/")
    assert_error(response, 404, "not_found")


@pytest.mark.parametrize(
    ("method", "name"),
    [("get", "api:case-verify"), ("put", "api:case-detail"), ("delete", "api:case-detail")],
)
def test_405_method_not_allowed(world, method, name):
    case = CaseFactory(world=world)
    response = getattr(api(world.users["front_office"]), method)(reverse(name, args=[case.tracking_code]))
    assert_error(response, 405, "method_not_allowed")


def test_405_on_the_case_list(world):
    assert_error(api(world.users["citizen"]).delete(reverse("api:cases")), 405, "method_not_allowed")


@pytest.mark.parametrize(
    ("state", "actor", "action"),
    [
        ("submitted", "front_office", "forward"),  # forward before verify
        ("submitted", "front_office", "issue"),  # issue at a review step
        ("verified", "front_office", "verify"),  # verify twice
        ("withdrawn", "citizen", "withdraw"),  # a closed case
        ("submitted", "citizen", "resubmit"),  # nothing was returned
    ],
)
def test_409_invalid_transition_changes_nothing(world, state, actor, action):
    case = CaseFactory(world=world, state=state)
    user = world.users[actor]
    payload = {"note": "uji"}
    before = counts()
    status = Case.objects.values("status", "current_step_id", "event_count").get(pk=case.pk)
    response = api(user).post(action_url(case, action), payload, format="json")
    assert_error(response, 409, "case.invalid_transition")
    assert counts() == before
    assert Case.objects.values("status", "current_step_id", "event_count").get(pk=case.pk) == status


# --- 429 ----------------------------------------------------------------------------------------


def test_429_tracking_is_throttled_per_client(world):
    case = CaseFactory(world=world)
    rate = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["tracking"]
    allowed = int(rate.split("/")[0])
    client = APIClient(REMOTE_ADDR="10.0.0.7")
    url = reverse("api:track", args=[case.tracking_code])
    for _ in range(allowed):
        assert client.get(url).status_code == 200
    throttled = client.get(url)
    assert_error(throttled, 429, "throttled")
    assert int(throttled["Retry-After"]) > 0
    assert APIClient(REMOTE_ADDR="10.0.0.8").get(url).status_code == 200


# --- idempotency ----------------------------------------------------------------------------------


def test_submission_with_the_same_idempotency_key_creates_one_case(world):
    citizen = world.users["citizen"]
    client = api(citizen)
    payload = submission(citizen)
    first = post(client, reverse("api:cases"), payload, key="kirim-1")
    assert first.status_code == 201, first.content
    after_first = counts()
    again = post(client, reverse("api:cases"), payload, key="kirim-1")
    assert again.status_code == 200, again.content
    assert again.json()["code"] == first.json()["code"]
    assert again.json() == first.json()
    assert counts() == after_first
    assert Case.objects.count() == 1
    assert CaseEvent.objects.filter(action="submit").count() == 1
    assert CaseDocument.objects.count() == 1
    assert AuditEntry.objects.filter(verb="case.submit").count() == 1


def test_idempotency_keys_belong_to_their_sender(world):
    """The same key from another account, or another key from the same account, is a new case."""
    citizen, other = world.users["citizen"], world.users["other_citizen"]
    mine = post(api(citizen), reverse("api:cases"), submission(citizen), key="k")
    theirs = post(api(other), reverse("api:cases"), submission(other), key="k")
    fresh = post(api(citizen), reverse("api:cases"), submission(citizen), key="k2")
    assert (mine.status_code, theirs.status_code, fresh.status_code) == (201, 201, 201)
    assert len({mine.json()["code"], theirs.json()["code"], fresh.json()["code"]}) == 3


@pytest.mark.parametrize(
    ("state", "actor", "action", "note"),
    [
        ("submitted", "front_office", "verify", ""),
        ("submitted", "front_office", "return", "Foto KTP buram."),
        ("verified", "front_office", "forward", ""),
        ("submitted", "citizen", "withdraw", ""),
    ],
)
def test_an_action_retried_with_the_same_key_acts_once(world, state, actor, action, note):
    case = CaseFactory(world=world, state=state)
    client = api(world.users[actor])
    first = post(client, action_url(case, action), {"note": note}, key="aksi-1")
    assert first.status_code == 200, first.content
    after_first = counts()
    again = post(client, action_url(case, action), {"note": note}, key="aksi-1")
    assert again.status_code == 200, again.content
    assert again.json()["status"] == first.json()["status"]
    assert counts() == after_first
    assert case.events.filter(action=action).count() == 1


def test_a_key_reused_by_another_officer_on_the_same_case_is_not_a_server_error(world):
    """Keys are the sender's (the retry check looks at the actor): another officer who happens
    to send the same key acts normally."""
    case = CaseFactory(world=world)
    front, verifier = api(world.users["front_office"]), api(world.users["verifier"])
    assert post(front, action_url(case, "verify"), key="1").status_code == 200
    assert post(front, action_url(case, "forward"), key="2").status_code == 200
    verifier.raise_request_exception = False
    response = post(verifier, action_url(case, "verify"), key="1")
    assert response.status_code == 200, (response.status_code, response.content[:300])
    assert response.json()["status"] == "verified"


def test_a_key_reused_for_a_different_action_is_not_silently_ignored(world):
    """Sending a used key with another action must either do that action or say why not;
    answering 200 without acting would make the client believe it happened."""
    case = CaseFactory(world=world)
    client = api(world.users["front_office"])
    assert post(client, action_url(case, "claim"), key="x").status_code == 200
    response = post(client, action_url(case, "verify"), key="x")
    if response.status_code == 200:
        assert case.events.filter(action="verify").exists(), "200 answered but the case was not verified"
        assert response.json()["status"] == "verified"
    else:
        assert response.json()["error"]["code"]


# --- pagination -----------------------------------------------------------------------------------


def test_cursor_pagination_walks_every_case_once(world):
    cases = [CaseFactory(world=world) for _ in range(5)]
    client = api(world.users["citizen"])
    url = reverse("api:cases") + "?page_size=2"
    seen, pages = [], 0
    while url:
        response = client.get(url)
        assert response.status_code == 200
        body = response.json()
        assert len(body["results"]) <= 2
        if pages:
            assert body["previous"]
        seen += [row["code"] for row in body["results"]]
        url, pages = body["next"], pages + 1
        assert pages <= 5, "pagination does not end"
    assert pages == 3
    assert len(seen) == len(set(seen)) == 5
    expected = sorted(cases, key=lambda c: (c.submitted_at, c.pk), reverse=True)
    assert seen == [c.display_code for c in expected]
    assert api(world.users["other_citizen"]).get(reverse("api:cases")).json()["results"] == []


def test_case_list_filters(world):
    CaseFactory(world=world)
    withdrawn = CaseFactory(world=world, state="withdrawn")
    other = CaseFactory(world=world, service="other")
    client = api(world.users["citizen"])
    by_status = client.get(reverse("api:cases"), {"status": "withdrawn"}).json()["results"]
    assert [row["code"] for row in by_status] == [withdrawn.display_code]
    by_service = client.get(reverse("api:cases"), {"service": "OTHER-SVC"}).json()["results"]
    assert [row["code"] for row in by_service] == [other.display_code]


# --- uploads ------------------------------------------------------------------------------------


def _upload(client, content: bytes, name: str):
    return client.post(reverse("api:uploads"), {"file": ContentFile(content, name=name)}, format="multipart")


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        (b"ini bukan pdf, hanya teks biasa\n" * 20, "ktp.pdf", "upload.bad_type"),
        (b"MZ\x90\x00" + b"\x00" * 200, "foto.png", "upload.bad_type"),
        (pdf_bytes(400) + b"/JavaScript (app.alert(1))", "skrip.pdf", "upload.active_content"),
    ],
)
def test_upload_is_checked_by_content(world, content, name, code):
    before = counts()
    assert_error(_upload(api(world.users["citizen"]), content, name), 400, code)
    assert counts() == before


def test_upload_too_large(world):
    limit = settings.PINTU_UPLOAD_MAX_MB * 1024 * 1024
    before = counts()
    response = _upload(api(world.users["citizen"]), pdf_bytes(limit + 1), "besar.pdf")
    assert_error(response, 400, "upload.too_large")
    assert counts() == before


@pytest.mark.parametrize("data", [{}, {"file": ContentFile(b"", name="kosong.pdf")}])
def test_upload_without_a_file_or_with_an_empty_one(world, data):
    before = counts()
    response = api(world.users["citizen"]).post(reverse("api:uploads"), data, format="multipart")
    assert_error(response, 400, "invalid", fields={"file"})
    assert counts() == before


def test_upload_answers_what_was_stored(world):
    response = _upload(api(world.users["citizen"]), pdf_bytes(1000), "../../etc/ktp saya.pdf")
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "original_name", "file_format", "size", "sha256", "uploaded_at"}
    assert body["file_format"] == "pdf" and body["size"] == 1000
    assert "/" not in body["original_name"]


def _submit_with(world, documents: dict):
    citizen = world.users["citizen"]
    payload = submission(citizen)
    payload["documents"] = documents
    before = counts()
    response = api(citizen).post(reverse("api:cases"), payload, format="json")
    assert counts() == before
    return response


def test_another_users_upload_cannot_be_attached(world):
    foreign = upload_id(world.users["other_citizen"])
    assert_error(_submit_with(world, {"KTP": foreign}), 400, "invalid", fields={"documents.KTP"})


def test_an_unknown_upload_cannot_be_attached(world):
    response = _submit_with(world, {"KTP": str(uuid.uuid4())})
    assert_error(response, 400, "invalid", fields={"documents.KTP"})


def test_an_upload_cannot_be_attached_twice(world):
    citizen = world.users["citizen"]
    payload = submission(citizen)
    assert api(citizen).post(reverse("api:cases"), payload, format="json").status_code == 201
    response = _submit_with(world, payload["documents"])
    assert_error(response, 400, "case.documents_invalid", fields={"documents.KTP"})


def test_an_upload_of_the_wrong_type_for_the_document(world):
    citizen = world.users["citizen"]
    documents = {"KTP": upload_id(citizen), "FOTO": upload_id(citizen, pdf_file("foto.pdf"))}
    response = _submit_with(world, documents)
    assert_error(response, 400, "case.documents_invalid", fields={"documents.FOTO"})


def test_an_upload_too_large_for_the_document(world):
    citizen = world.users["citizen"]
    big = _upload(api(citizen), pdf_bytes(3 * 1024 * 1024), "ktp.pdf")  # KTP allows 2 MB
    assert big.status_code == 201
    response = _submit_with(world, {"KTP": big.json()["id"]})
    assert_error(response, 400, "case.documents_invalid", fields={"documents.KTP"})


def test_a_document_the_service_does_not_ask_for(world):
    citizen = world.users["citizen"]
    response = _submit_with(world, {"KTP": upload_id(citizen), "AKTA": upload_id(citizen)})
    assert_error(response, 400, "case.documents_invalid", fields={"documents.AKTA"})


def test_a_valid_submission_with_an_optional_photo(world):
    citizen = world.users["citizen"]
    payload = submission(citizen)
    payload["documents"]["FOTO"] = upload_id(citizen, png_file())
    client = api(citizen)
    response = client.post(reverse("api:cases"), payload, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "in_progress"
    body = client.get(reverse("api:case-detail", args=[response.json()["code"]])).json()
    assert body["code"] == response.json()["code"]
    assert {d["document_type"] for d in body["documents"]} == {"KTP", "FOTO"}
    assert body["applicant"]["nik"] == citizen.nik
    assert body["channel"] == "online"
    assert body["allowed_actions"] == ["withdraw"]


def test_staff_submission_needs_applicant_identity(world):
    operator = world.users["village_operator"]
    payload = submission(operator, applicant={"name": "", "nik": ""})
    response = api(operator).post(reverse("api:cases"), payload, format="json")
    assert_error(response, 400, "invalid", fields={"applicant.name", "applicant.nik"})
    payload = submission(operator, applicant={"name": "Budi Santoso", "nik": make_nik(), "village": "99.99"})
    response = api(operator).post(reverse("api:cases"), payload, format="json")
    assert_error(response, 400, "invalid", fields={"applicant.village"})


# --- catalogue ------------------------------------------------------------------------------------


def _codes(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["code"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"AGENCY-SVC", "VILLAGE-SVC", "OTHER-SVC"}),
        ({"q": "Polresta"}, {"OTHER-SVC"}),
        ({"q": "village-svc"}, {"VILLAGE-SVC"}),
        ({"q": "tidak-ada-layanan-ini"}, set()),
        ({"agency": "DISPENDUKCAPIL"}, {"AGENCY-SVC", "VILLAGE-SVC"}),
        ({"agency": "POLRESTA"}, {"OTHER-SVC"}),
        ({"village": "1"}, {"VILLAGE-SVC"}),
        ({"village": "true", "agency": "POLRESTA"}, set()),
        ({"category": "Kependudukan"}, {"AGENCY-SVC", "VILLAGE-SVC", "OTHER-SVC"}),
    ],
)
def test_catalogue_search_is_public_and_filtered(world, params, expected):
    assert _codes(APIClient().get(reverse("api:services"), params)) == expected


def test_catalogue_ignores_credentials(world):
    """Public endpoints do not fail because a client sends a stale token."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer pintu_00000000_kedaluwarsa")
    assert client.get(reverse("api:services")).status_code == 200
    assert client.get(reverse("api:agencies")).status_code == 200
    assert client.get(reverse("api:service-detail", args=["AGENCY-SVC"])).status_code == 200


def test_catalogue_agencies_and_service_detail(world):
    agencies = APIClient().get(reverse("api:agencies"))
    assert agencies.status_code == 200
    by_code = {row["code"]: row for row in agencies.json()}
    assert by_code["DISPENDUKCAPIL"]["service_count"] == 2
    assert by_code["POLRESTA"]["service_count"] == 1
    detail = APIClient().get(reverse("api:service-detail", args=["VILLAGE-SVC"]))
    assert detail.status_code == 200
    body = detail.json()
    assert body["starts_at_village"] is True
    assert [f["key"] for f in body["form_fields"]] == ["purpose", "event_date"]
    assert {d["code"]: d["required"] for d in body["documents"]} == {"KTP": True, "FOTO": False}
    assert [s["owner"] for s in body["steps"]][:2] == ["applicant_village", "applicant_district"]
    assert body["standard"]["time_limit_days"] == 10


# --- schema ---------------------------------------------------------------------------------------


def test_schema_is_served_and_describes_every_endpoint(world):
    response = APIClient().get(reverse("api:schema"))
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    expected = {
        "/api/v1/cases/",
        "/api/v1/cases/{code}/",
        "/api/v1/cases/{code}/documents/{document_id}/",
        "/api/v1/queue/",
        "/api/v1/documents/",
        "/api/v1/me/",
        "/api/v1/track/{code}/",
        "/api/v1/catalog/services/",
        "/api/v1/catalog/services/{code}/",
        "/api/v1/catalog/agencies/",
    }
    for action in ("claim", "verify", "forward", "approve", "return", "reject", "resubmit", "issue"):
        expected.add(f"/api/v1/cases/{{code}}/{action}/")
    expected |= {"/api/v1/cases/{code}/hand-over/", "/api/v1/cases/{code}/withdraw/"}
    assert expected <= paths, sorted(expected - paths)
    assert "bearerAuth" in schema["components"]["securitySchemes"]


def test_schema_as_json_and_docs_pages(world):
    as_json = APIClient().get(reverse("api:schema"), {"format": "json"})
    assert as_json.status_code == 200
    assert as_json.json()["info"]["title"] == "Pintu API"
    assert APIClient().get(reverse("api:docs")).status_code == 200
    assert APIClient().get(reverse("api:redoc")).status_code == 200
