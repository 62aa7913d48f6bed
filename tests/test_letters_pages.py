"""The letter pages and API: counter issuance in one screen, the inbox, the register, settings,
citizen self-service; and the permission matrix (denied writes change nothing)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from pintu.audit.models import AuditEntry
from pintu.documents.models import IssuedDocument
from pintu.letters import services as ls
from pintu.letters.models import (
    Letter,
    LetterRequest,
    LetterRequestEvent,
    LetterSequence,
    VillageLetterSettings,
)
from tests.letters_fixtures import USAHA_FIELDS, lw  # noqa: F401


def _snapshot():
    return (
        Letter.objects.count(),
        LetterRequest.objects.count(),
        LetterRequestEvent.objects.count(),
        IssuedDocument.objects.count(),
        list(LetterSequence.objects.values_list("last_number", flat=True)),
        list(LetterRequest.objects.values_list("status", flat=True)),
        list(VillageLetterSettings.objects.values_list("number_format", "head_name")),
        list(Letter.objects.values_list("status", flat=True)),
    )


def _issue(lw):  # noqa: F811
    return ls.letter_issue(
        actor=lw.users["village_operator"],
        village_office=lw.world.village_office,
        letter_type=lw.usaha,
        resident=lw.resident,
        fields=USAHA_FIELDS,
        purpose="Pengajuan KUR",
    )


def _checked_request(lw):  # noqa: F811
    req = ls.letter_request_create(
        actor=lw.citizen, letter_type=lw.domisili, purpose="Melamar kerja", fields={}
    )
    return ls.letter_request_check(actor=lw.users["village_operator"], request=req)


# --- office pages ---------------------------------------------------------------------------------


def test_counter_issue_in_one_screen(client, lw):  # noqa: F811
    client.force_login(lw.users["village_operator"])
    page = client.get(reverse("letters:office_issue"))
    assert page.status_code == 200 and "Terbitkan surat" in page.content.decode()
    found = client.get(reverse("letters:office_resident_search"), {"q": "siti"}, HTTP_HX_REQUEST="true")
    assert lw.resident.full_name in found.content.decode()
    assert (
        lw.other_resident.full_name
        not in client.get(
            reverse("letters:office_resident_search"), {"q": "budi"}, HTTP_HX_REQUEST="true"
        ).content.decode()
    )
    form = client.get(reverse("letters:office_issue"), {"warga": lw.resident.pk, "jenis": lw.usaha.pk})
    body = form.content.decode()
    assert lw.resident.nik in body and "Nama usaha" in body
    response = client.post(
        reverse("letters:office_issue") + f"?jenis={lw.usaha.pk}&warga={lw.resident.pk}",
        {"letter_type": lw.usaha.pk, "resident": lw.resident.pk, "purpose": "Pengajuan KUR", **USAHA_FIELDS},
    )
    letter = Letter.objects.get()
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("letters:office_letter", args=[letter.pk])
    )
    detail = client.get(response["Location"]).content.decode()
    assert letter.number in detail and "SUGENG RIYADI" in detail
    pdf = client.get(reverse("letters:office_letter_pdf", args=[letter.pk]))
    assert pdf["Content-Type"] == "application/pdf" and b"".join(pdf.streaming_content)[:5] == b"%PDF-"


def test_counter_form_errors_are_shown_and_take_no_number(client, lw):  # noqa: F811
    client.force_login(lw.users["village_operator"])
    url = reverse("letters:office_issue") + f"?jenis={lw.usaha.pk}&warga={lw.resident.pk}"
    base = {"letter_type": lw.usaha.pk, "resident": lw.resident.pk, **USAHA_FIELDS}
    missing = client.post(url, {**base, "purpose": ""}).content.decode()
    assert "Keperluan wajib diisi" in missing
    wrong = client.post(url, {**base, "purpose": "KUR", "usaha_sejak": "lama"}).content.decode()
    assert "angka bulat" in wrong
    assert not Letter.objects.exists() and not LetterSequence.objects.filter(last_number__gt=0).exists()


def test_register_filters_and_paginates_in_fixed_queries(client, lw, django_assert_max_num_queries):  # noqa: F811
    for _ in range(3):
        _issue(lw)
    client.force_login(lw.users["village_head"])
    url = reverse("letters:office_register")
    assert client.get(url).status_code == 200
    from pintu.letters import selectors

    with django_assert_max_num_queries(1):
        page = selectors.letter_register(office=lw.world.village_office, limit=2)
        [row.letter_type.name for row in page.rows]
    assert len(page.rows) == 2 and page.next_cursor
    rest = selectors.letter_register(office=lw.world.village_office, limit=2, cursor=page.next_cursor)
    assert len(rest.rows) == 1 and not rest.next_cursor
    assert {r.pk for r in page.rows}.isdisjoint({r.pk for r in rest.rows})
    filtered = client.get(url, {"jenis": lw.domisili.pk}, HTTP_HX_REQUEST="true").content.decode()
    assert "Belum ada surat" in filtered


def test_inbox_check_then_head_approves(client, lw):  # noqa: F811
    req = ls.letter_request_create(
        actor=lw.citizen, letter_type=lw.domisili, purpose="Melamar kerja", fields={}
    )
    client.force_login(lw.users["village_operator"])
    assert "Melamar kerja" in client.get(reverse("letters:office_inbox")).content.decode()
    page = client.get(reverse("letters:office_request", args=[req.pk])).content.decode()
    assert "teruskan untuk tanda tangan" in page and "Setujui dan tandatangani" not in page
    client.post(reverse("letters:office_request_action", args=[req.pk, "check"]))
    client.force_login(lw.users["village_head"])
    client.post(reverse("letters:office_request_action", args=[req.pk, "approve"]))
    req.refresh_from_db()
    assert req.status == "issued" and req.letter.document.is_signed


def test_return_needs_a_note(client, lw):  # noqa: F811
    req = ls.letter_request_create(
        actor=lw.citizen, letter_type=lw.domisili, purpose="Melamar kerja", fields={}
    )
    client.force_login(lw.users["village_operator"])
    response = client.post(
        reverse("letters:office_request_action", args=[req.pk, "return"]), {"note": ""}, follow=True
    )
    assert "Tulis alasannya" in response.content.decode()
    req.refresh_from_db()
    assert req.status == "requested"


def test_settings_page_saves_format_and_types(client, lw):  # noqa: F811
    client.force_login(lw.users["village_head"])
    url = reverse("letters:office_settings")
    assert client.get(url).status_code == 200
    bad = client.post(
        url, {"number_format": "[kode]/[tahun]", "sequence_scope": "village", "head_name": "Sugeng"}
    )
    assert "tepat satu kali" in bad.content.decode()
    data = {
        "number_format": "[kode_surat]/[nomor:4]/[tahun]",
        "sequence_scope": "type",
        "head_name": "Sugeng Riyadi",
        "secretary_name": "Dewi Lestari",
        f"on_{lw.domisili.pk}": "on",
        f"signer_{lw.domisili.pk}": "secretary",
    }
    assert client.post(url, data).status_code == 302
    config = VillageLetterSettings.objects.get(office=lw.world.village_office)
    assert (config.number_format, config.sequence_scope) == ("[kode_surat]/[nomor:4]/[tahun]", "type")
    assert ls.type_enabled(lw.world.village_office, lw.domisili) and not ls.type_enabled(
        lw.world.village_office, lw.usaha
    )
    assert ls.effective_signer(lw.world.village_office, lw.domisili) == "secretary"
    client.force_login(lw.users["village_operator"])
    assert client.get(url).status_code == 403


# --- citizen pages --------------------------------------------------------------------------------


def test_unlinked_citizen_sees_how_to_link(client, lw):  # noqa: F811
    client.force_login(lw.users["other_citizen"])
    body = client.get(reverse("letters:my_letters")).content.decode()
    assert "Hubungkan akun dengan data kependudukan" in body
    assert reverse("population:my_data") in body
    assert client.get(reverse("letters:request_new", args=[lw.domisili.slug])).status_code == 302


def test_citizen_requests_follows_and_downloads(client, lw):  # noqa: F811
    client.force_login(lw.citizen)
    index = client.get(reverse("letters:my_letters")).content.decode()
    assert lw.domisili.name in index and "Keterangan Kematian" not in index  # not requestable online
    response = client.post(
        reverse("letters:request_new", args=[lw.domisili.slug]),
        {"purpose": "Melamar kerja", "tinggal_sejak": "2008"},
    )
    req = LetterRequest.objects.get()
    assert response["Location"] == reverse("letters:my_request", args=[req.pk])
    assert "Menunggu pemeriksaan" in client.get(response["Location"]).content.decode()
    ls.letter_request_check(actor=lw.users["village_operator"], request=req)
    ls.letter_request_approve(actor=lw.users["village_head"], request=req)
    detail = client.get(reverse("letters:my_request", args=[req.pk])).content.decode()
    assert "Unduh surat (PDF)" in detail
    pdf = client.get(reverse("letters:my_letter_pdf", args=[req.pk]))
    assert b"".join(pdf.streaming_content)[:5] == b"%PDF-"


def test_citizen_corrects_a_returned_request(client, lw):  # noqa: F811
    req = ls.letter_request_create(actor=lw.citizen, letter_type=lw.usaha, purpose="KUR", fields=USAHA_FIELDS)
    ls.letter_request_return(
        actor=lw.users["village_operator"], request=req, note="Alamat usaha kurang lengkap."
    )
    client.force_login(lw.citizen)
    page = client.get(reverse("letters:my_request", args=[req.pk])).content.decode()
    assert "Alamat usaha kurang lengkap." in page and "Kirim perbaikan" in page
    client.post(
        reverse("letters:my_request", args=[req.pk]),
        {"purpose": "KUR", **USAHA_FIELDS, "alamat_usaha": "Jl. Raya Jambu 12"},
    )
    req.refresh_from_db()
    assert req.status == "requested" and req.fields["alamat_usaha"] == "Jl. Raya Jambu 12"


# --- permission matrix ----------------------------------------------------------------------------

STAFF_PAGES = ["office_issue", "office_inbox", "office_register"]
# who: expected status of the office pages (Tamansari's letters)
OFFICE_PAGE_ACCESS = {
    "village_operator": 200,
    "village_head": 200,
    "village_secretary": 200,
    "village_treasurer": 403,
    "other_village_operator": 200,  # their own office's pages: never Tamansari's data (below)
    "district_officer": 403,
    "front_office": 403,
    "regency_admin": 403,
    "citizen": 403,
    "staff_without_role": 403,
}


@pytest.mark.parametrize("who, expected", sorted(OFFICE_PAGE_ACCESS.items()))
def test_office_pages_by_role(client, lw, who, expected):  # noqa: F811
    client.force_login(lw.users[who] if who != "citizen" else lw.citizen)
    for name in STAFF_PAGES:
        assert client.get(reverse(f"letters:{name}")).status_code == expected, name


def test_anonymous_is_sent_to_login(client, lw):  # noqa: F811
    for name in [*STAFF_PAGES, "my_letters"]:
        response = client.get(reverse(f"letters:{name}"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


# (who, what) → allowed. Everything is done on Tamansari's letter/request.
WRITE_MATRIX = [
    ("other_village_operator", "view_letter", False),
    ("other_village_head", "revoke", False),
    ("village_operator", "revoke", False),
    ("village_head", "revoke", True),
    ("other_village_head", "approve", False),
    ("village_operator", "approve", False),
    ("village_head", "approve", True),
    ("other_village_operator", "check", False),
    ("other_citizen", "withdraw", False),
    ("citizen", "withdraw", True),
    ("other_village_operator", "issue_in_tamansari", False),
    ("regency_admin", "issue_in_tamansari", False),
    ("other_village_head", "settings", False),
    ("citizen", "view_other_request", False),
]


@pytest.mark.parametrize("who, what, allowed", WRITE_MATRIX)
def test_write_matrix_pages(client, lw, who, what, allowed):  # noqa: F811
    letter = _issue(lw)
    req = _checked_request(lw)
    user = lw.citizen if who == "citizen" else lw.users[who]
    client.force_login(user)
    before = _snapshot()
    office = lw.world.village_office
    if what == "view_letter":
        response = client.get(reverse("letters:office_letter", args=[letter.pk]))
        assert response.status_code in (403, 404)
        response = client.get(reverse("letters:office_letter_pdf", args=[letter.pk]))
    elif what == "revoke":
        response = client.post(
            reverse("letters:office_letter_revoke", args=[letter.pk]), {"reason": "Salah data"}
        )
    elif what in ("approve", "check"):
        response = client.post(reverse("letters:office_request_action", args=[req.pk, what]))
    elif what == "withdraw":
        response = client.post(reverse("letters:my_request_withdraw", args=[req.pk]))
    elif what == "issue_in_tamansari":
        response = client.post(
            reverse("letters:office_issue") + f"?kantor={office.pk}",
            {
                "kantor": office.pk,
                "letter_type": lw.usaha.pk,
                "resident": lw.resident.pk,
                "purpose": "x",
                **USAHA_FIELDS,
            },
        )
    elif what == "settings":
        response = client.post(
            reverse("letters:office_settings") + f"?kantor={office.pk}",
            {
                "kantor": office.pk,
                "number_format": "[nomor]/[tahun]",
                "sequence_scope": "village",
                "head_name": "Orang Lain",
            },
        )
    elif what == "view_other_request":
        other = LetterRequest.objects.create(
            office=office,
            letter_type=lw.domisili,
            resident=lw.resident,
            requested_by=lw.users["other_citizen"],
            purpose="x",
            status="requested",
            created_at=req.created_at,
            updated_at=req.created_at,
        )
        before = _snapshot()
        response = client.get(reverse("letters:my_request", args=[other.pk]))
    after = _snapshot()
    if allowed:
        assert response.status_code in (200, 302)
        assert after != before
    else:
        assert response.status_code in (403, 404) or (response.status_code == 302 and after == before)
        assert after == before


API_MATRIX = [
    # (who, method, url name, args-kind, payload, allowed status)
    ("village_operator", "get", "api:letters-types", None, None, 200),
    ("citizen", "get", "api:letters-types", None, None, 200),
    ("other_village_operator", "get", "api:letters-detail", "letter", None, 404),
    ("citizen", "get", "api:letters-detail", "letter", None, 200),  # about her (linked resident)
    ("other_citizen", "get", "api:letters-pdf", "letter", None, 404),
    ("village_operator", "post", "api:letters-revoke", "letter", {"reason": "x"}, 403),
    ("other_village_head", "post", "api:letters-revoke", "letter", {"reason": "x"}, 404),
    ("village_operator", "post", "api:letters-request-approve", "request", {}, 403),
    ("other_village_operator", "post", "api:letters-request-check", "request", {}, 404),
    ("other_citizen", "post", "api:letters-request-withdraw", "request", {}, 404),
    ("regency_admin", "get", "api:letters", None, None, 403),
    ("other_citizen", "post", "api:letters-requests", None, {"letter_type": "S-41", "purpose": "x"}, 403),
]


@pytest.mark.parametrize("who, method, name, arg, payload, expected", API_MATRIX)
def test_api_matrix(lw, who, method, name, arg, payload, expected):  # noqa: F811
    letter = _issue(lw)
    req = _checked_request(lw)
    client = APIClient()
    client.force_authenticate(lw.citizen if who == "citizen" else lw.users[who])
    args = {"letter": [letter.pk], "request": [req.pk], None: []}[arg]
    before = _snapshot()
    response = getattr(client, method)(reverse(name, args=args), payload or {}, format="json")
    assert response.status_code == expected, response.content[:300]
    if method == "post":
        assert _snapshot() == before


def test_api_issue_request_and_approve(lw):  # noqa: F811
    staff, citizen = APIClient(), APIClient()
    staff.force_authenticate(lw.users["village_operator"])
    response = staff.post(
        reverse("api:letters"),
        {"letter_type": "500", "resident": lw.resident.pk, "purpose": "KUR", "fields": USAHA_FIELDS},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["number"].startswith("500/001/35.10.24.2008/")
    bad = staff.post(
        reverse("api:letters"),
        {"letter_type": "500", "resident": lw.resident.pk, "purpose": "", "fields": {}},
        format="json",
    )
    assert bad.status_code == 400 and "fields.nama_usaha" in bad.json()["error"]["fields"]
    citizen.force_authenticate(lw.citizen)
    created = citizen.post(
        reverse("api:letters-requests"), {"letter_type": "S-41", "purpose": "Melamar"}, format="json"
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    assert staff.post(reverse("api:letters-request-check", args=[pk]), {}, format="json").status_code == 200
    head = APIClient()
    head.force_authenticate(lw.users["village_head"])
    approved = head.post(reverse("api:letters-request-approve", args=[pk]), {}, format="json")
    assert approved.status_code == 200 and approved.json()["status"] == "issued"
    mine = citizen.get(reverse("api:letters-requests")).json()
    assert mine[0]["letter"]["verification_code"]
    register = staff.get(reverse("api:letters")).json()
    assert len(register["results"]) == 2
    assert AuditEntry.objects.filter(verb="letters.request_approve").count() == 1


def test_inbox_and_my_requests_are_one_query_each(lw, django_assert_num_queries):  # noqa: F811
    from pintu.letters import selectors

    for purpose in ("a", "b", "c"):
        ls.letter_request_create(actor=lw.citizen, letter_type=lw.domisili, purpose=purpose, fields={})
    with django_assert_num_queries(1):
        page = selectors.request_inbox(office=lw.world.village_office, limit=2)
        [(r.letter_type.name, r.resident.full_name) for r in page.rows]
    assert [r.purpose for r in page.rows] == ["a", "b"] and page.next_cursor
    rest = selectors.request_inbox(office=lw.world.village_office, limit=2, cursor=page.next_cursor)
    assert [r.purpose for r in rest.rows] == ["c"]
    with django_assert_num_queries(1):
        rows = selectors.my_requests(lw.citizen)
        [(r.letter_type.name, r.letter) for r in rows]
    assert len(rows) == 3
