"""Public verification (page and API) and the issuing unit's pages, with their permission
matrix: who may see the register, a document, its PDF, and who may revoke — a refused
revocation changes nothing."""

from __future__ import annotations

import hashlib

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse
from rest_framework.test import APIClient

from pintu.audit.models import AuditEntry
from pintu.cases import services as cs
from pintu.documents.models import IssuedDocument
from tests.documents_fixtures import fake_signer, issue, pdf_bytes
from tests.factories import CaseFactory, officer_for, pdf_file, png_file
from tests.permission_matrix import ANONYMOUS, client_for, describe

__all__ = ["fake_signer"]

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_output(world, fake_signer):
    """A citizen's case issued by the agency: (case, issued document)."""
    case = CaseFactory(world=world, state="approved")
    cs.case_issue(actor=officer_for(world, case), case=case)
    return case, case.documents.get(kind="output").issued


def test_verification_page_shows_the_record_and_nothing_personal(world, case_output, client):
    case, document = case_output
    citizen = world.users["citizen"]
    response = client.get(reverse("documents:verify", args=[document.code]))
    page = response.content.decode()
    assert response.status_code == 200
    for shown in (
        document.number,
        document.title,
        world.agency.name,
        document.sha256,
        "S***i A***h",
        "Dokumen asli dan berlaku",
    ):
        assert shown in page
    for secret in (citizen.full_name, "Siti", "Aminah", citizen.nik, case.applicant_nik, case.display_code):
        assert secret and secret not in page, secret
    assert response["X-Robots-Tag"] == "noindex"


def test_verification_code_form_and_unknown_codes(world, case_output, client):
    _, document = case_output
    response = client.get(reverse("documents:verify_form"), {"code": f" {document.code.lower()} "})
    assert response.status_code == 302 and response["Location"] == reverse(
        "documents:verify", args=[document.code]
    )
    response = client.get(reverse("documents:verify", args=["ZZZZZZZZZZ"]))
    assert response.status_code == 404 and "tidak ditemukan" in response.content.decode()


def test_revoked_and_expired_documents_say_so(world, client):
    import datetime as dt

    expired = issue(world, number="1/A", valid_until=dt.date(2020, 1, 1))
    assert (
        "Masa berlaku dokumen ini sudah habis"
        in client.get(reverse("documents:verify", args=[expired.code])).content.decode()
    )
    revoked = issue(world, number="2/A")
    from pintu.documents.services import document_revoke

    document_revoke(actor=world.users["village_head"], document=revoked, reason="Salah ketik alamat.")
    page = client.get(reverse("documents:verify", args=[revoked.code])).content.decode()
    assert "DOKUMEN INI TELAH DICABUT" in page and "Salah ketik alamat." in page


@pytest.mark.parametrize(
    ("make_file", "status", "text"),
    [
        ("same", 200, "Cocok."),
        ("other_pdf", 200, "Tidak cocok."),
        ("png", 400, "Jenis berkas tidak diterima"),
    ],
)
def test_hash_check(world, client, make_file, status, text):
    document = issue(world)
    files = {
        "same": lambda: ContentFile(pdf_bytes(document), name="surat.pdf"),
        "other_pdf": lambda: pdf_file("surat.pdf", text="dipalsukan"),
        "png": lambda: png_file("surat.pdf"),
    }
    uploads_before = IssuedDocument.objects.count()
    response = client.post(reverse("documents:verify", args=[document.code]), {"file": files[make_file]()})
    assert response.status_code == status
    assert text in response.content.decode()
    assert IssuedDocument.objects.count() == uploads_before


def test_hash_check_size_limit(world, client):
    document = issue(world)
    big = ContentFile(
        b"%PDF-1.7\n" + b"0" * (settings.PINTU_UPLOAD_MAX_MB * 1024 * 1024 + 1), name="besar.pdf"
    )
    response = client.post(reverse("documents:verify", args=[document.code]), {"file": big})
    assert response.status_code == 400 and "terlalu besar" in response.content.decode()


# --- API ------------------------------------------------------------------------------------------


def test_verification_api(world, case_output):
    case, document = case_output
    response = APIClient().get(reverse("api:documents-verify", args=[document.code]))
    assert response.status_code == 200
    body = response.json()
    assert body["number"] == document.number and body["validity"] == "valid" and body["signed"] is True
    assert body["holder_label"] == "S***i A***h" and body["sha256"] == document.sha256
    assert body["verify_url"] == reverse("documents:verify", args=[document.code])
    text = response.content.decode()
    assert "Aminah" not in text and world.users["citizen"].nik not in text and case.tracking_code not in text
    missing = APIClient().get(reverse("api:documents-verify", args=["ZZZZZZZZZZ"]))
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "document.not_found"


def test_verification_api_is_throttled(world, settings):
    document = issue(world)
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "verification": "3/min",
        },
    }
    client = APIClient(REMOTE_ADDR="10.9.9.9")
    codes = [client.get(reverse("api:documents-verify", args=[document.code])).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


# --- staff pages: permission matrix -----------------------------------------------------------------

ROLES = [
    ANONYMOUS,
    "citizen",
    "staff_without_role",
    "village_operator",
    "village_head",
    "other_village_operator",
    "district_officer",
    "front_office",
    "approver",
    "regency_admin",
]
# A village letter issued by the Tamansari office. What each role gets from each page:
#   register (list), detail, download, revoke (POST with a reason), api revoke.
MATRIX = {
    ANONYMOUS: ("→login", "→login", "→login", "→login", 401),
    "citizen": (403, 403, 403, 403, 404),
    "staff_without_role": (403, 403, 403, 403, 404),
    "village_operator": (200, 200, 200, 403, 403),
    "village_head": (200, 200, 200, "→detail", 200),
    "other_village_operator": (200, 404, 404, 404, 404),
    "district_officer": (200, 404, 404, 404, 404),
    "front_office": (200, 404, 404, 404, 404),
    "approver": (200, 404, 404, 404, 404),
    "regency_admin": (200, 200, 200, "→detail", 200),
}


def _state(document):
    row = IssuedDocument.objects.values("revoked_at", "revoked_by_id", "revocation_reason").get(
        pk=document.pk
    )
    return row, AuditEntry.objects.filter(verb="document.revoke").count()


def _describe(response, document):
    if response.status_code in (301, 302) and response["Location"] == reverse(
        "documents:detail", args=[document.code]
    ):
        return "→detail"
    return describe(response)


@pytest.mark.parametrize("role", ROLES)
def test_staff_pages_matrix(world, role):
    document = issue(world)
    other = issue(world, number="9/LAIN", issuer_unit=world.other_village_office)
    expected = MATRIX[role]
    client = client_for(world, role)
    register = client.get(reverse("documents:register"))
    got = [describe(register)]
    if register.status_code == 200:
        page = register.content.decode()
        listed = {d.number for d in (document, other) if d.number in page}
        sees_own = role in ("village_operator", "village_head", "regency_admin")
        assert (document.number in listed) == sees_own
        assert (other.number in listed) == (role in ("other_village_operator", "regency_admin"))
    got.append(describe(client.get(reverse("documents:detail", args=[document.code]))))
    download = client.get(reverse("documents:download", args=[document.code]))
    got.append(describe(download))
    if download.status_code == 200:
        assert hashlib.sha256(b"".join(download.streaming_content)).hexdigest() == document.sha256
    before = _state(document)
    revoke = client.post(reverse("documents:revoke", args=[document.code]), {"reason": "Uji pencabutan."})
    got.append(_describe(revoke, document))
    if got[-1] != "→detail":
        assert _state(document) == before, "a refused revocation changed the document"
    else:
        assert _state(document)[0]["revocation_reason"] == "Uji pencabutan."
    fresh = issue(world, number="10/BARU")
    before = _state(fresh)
    api = client.post(
        reverse("api:documents-revoke", args=[fresh.code]), {"reason": "Uji API."}, format="json"
    )
    got.append(api.status_code)
    if api.status_code != 200:
        assert _state(fresh) == before, "a refused API revocation changed the document"
    else:
        assert api.json()["validity"] == "revoked"
    assert tuple(got) == expected


def test_revoke_page_needs_a_reason(world, client):
    document = issue(world)
    client.force_login(world.users["village_head"])
    response = client.post(reverse("documents:revoke", args=[document.code]), {"reason": ""})
    assert response.status_code == 302
    assert _state(document)[0]["revoked_at"] is None


def test_case_page_links_the_output_to_its_verification(world, case_output, client):
    case, document = case_output
    client.force_login(world.users["front_office"])
    page = client.get(reverse("office:case", args=[case.tracking_code])).content.decode()
    assert reverse("documents:verify", args=[document.code]) in page and document.number in page
    # the agency's register lists it, and the front office may open it but not revoke it
    assert document.number in client.get(reverse("documents:register")).content.decode()
    detail = client.get(reverse("documents:detail", args=[document.code])).content.decode()
    assert reverse("documents:revoke", args=[document.code]) not in detail
    client.force_login(world.users["approver"])
    detail = client.get(reverse("documents:detail", args=[document.code])).content.decode()
    assert reverse("documents:revoke", args=[document.code]) in detail


# --- BSrE at the counter: the official's passphrase goes with the issue action, never stored ------


@pytest.mark.parametrize("answer", ["signed", "wrong_passphrase"])
def test_office_issue_with_bsre_passphrase(world, settings, monkeypatch, client, answer):
    import base64
    import json as _json

    from pintu.documents.signing import bsre, reset

    sent = []

    def transport(method, url, headers, body, timeout):
        payload = _json.loads(body)
        sent.append(payload)
        if answer == "wrong_passphrase":
            return 200, {}, _json.dumps({"status_code": 2031, "error": "Passphrase anda salah"}).encode()
        signed = base64.b64decode(payload["file"][0]) + b"%BSrE"
        return 200, {}, _json.dumps({"time": 1, "file": [base64.b64encode(signed).decode()]}).encode()

    settings.PINTU_SIGNER, settings.PINTU_BSRE_URL = "bsre", "http://esign.internal"
    monkeypatch.setattr(bsre, "urllib_transport", transport)
    reset()
    try:
        case = CaseFactory(world=world, state="approved")
        officer = officer_for(world, case)
        officer.nik = "3510240101850001"
        officer.save(update_fields=["nik"])
        client.force_login(officer)
        page = client.get(reverse("office:case", args=[case.tracking_code])).content.decode()
        assert 'name="signer_passphrase"' in page
        before = IssuedDocument.objects.count()
        response = client.post(
            reverse("office:case_action", args=[case.tracking_code, "issue"]),
            {"signer_passphrase": "rahasia-tte", "request_key": "k1"},
            follow=True,
        )
        assert [(p["nik"], p["passphrase"]) for p in sent] == [("3510240101850001", "rahasia-tte")]
        case.refresh_from_db()
        if answer == "signed":
            assert case.status == "completed"
            document = case.documents.get(kind="output").issued
            assert document.signature_provider == "bsre" and pdf_bytes(document).endswith(b"%BSrE")
        else:
            assert "Passphrase tanda tangan elektronik salah" in response.content.decode()
            assert case.status == "in_progress" and IssuedDocument.objects.count() == before
        assert "rahasia-tte" not in str(list(AuditEntry.objects.values_list("changes", flat=True)))
    finally:
        reset()
