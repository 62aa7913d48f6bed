"""Issuing documents: rendering, QR and verification URL, storage, signing, revocation, and the
generated output of a case's issuance step."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
from pathlib import Path

import pytest
from django.urls import reverse

from pintu.audit.models import AuditEntry
from pintu.core.errors import DomainError, PermissionDenied, ValidationFailed
from pintu.documents import issuing
from pintu.documents import services as ds
from pintu.documents.models import DocumentSequence, IssuedDocument
from pintu.documents.rendering import render_pdf
from tests.documents_fixtures import (
    LETTER_DATA,
    fake_signer,
    issue,
    link_uris,
    local_signer,
    pdf_bytes,
    pdf_info,
)
from tests.factories import CaseFactory, officer_for

__all__ = ["fake_signer", "local_signer"]  # fixtures


def test_render_example_and_output_templates():
    for template in ("common/example.typ", "cases/output.typ"):
        pdf = render_pdf(template=template, data={**LETTER_DATA, "title": "Uji", "number": "9/UJI/2026"})
        assert pdf.startswith(b"%PDF-")
        assert "Nomor 9/UJI/2026" in pdf_info(pdf)["/Title"]


def test_render_refuses_templates_outside_the_template_root():
    for template in ("../settings.py", "/etc/passwd", "common/missing.typ", "common/letter"):
        with pytest.raises(ValidationFailed) as raised:
            render_pdf(template=template, data={})
        assert raised.value.code == "document.template_missing"


def test_issue_stores_a_pdf_with_number_qr_and_verification_url(world, monkeypatch):
    seen = {}
    original = issuing.render_pdf

    def spy(*, template, data):
        seen.update(data)
        return original(template=template, data=data)

    monkeypatch.setattr(issuing, "render_pdf", spy)
    document = issue(world, number="470/007/TMS/XI/2026")
    url = f"http://127.0.0.1:8000/verifikasi/{document.code}/"
    data = pdf_bytes(document)
    assert data.startswith(b"%PDF-")
    assert "Nomor 470/007/TMS/XI/2026" in pdf_info(data)["/Title"]
    assert f"verifikasi:{document.code}" in pdf_info(data)["/Keywords"]
    assert url in link_uris(data)
    assert seen["qr_svg"] == issuing.verification_qr_svg(url, document.code) and seen["verify_url"] == url
    assert document.sha256 == hashlib.sha256(data).hexdigest() == document.pdf.sha256
    assert len(document.code) == 10 and set(document.code) <= set(issuing.CODE_ALPHABET)
    assert not document.is_signed and document.signed_at is None
    assert AuditEntry.objects.filter(verb="document.issue", object_id=str(document.pk)).exists()


def test_pdfs_go_to_the_month_directory_made_again_if_it_was_removed(world):
    first = issue(world, number="470/011/TMS/XI/2026")
    path = Path(first.pdf.file.path)
    assert first.pdf.file.name == f"uploads/{dt.datetime.now():%Y/%m}/{path.name}" and path.suffix == ".pdf"
    shutil.rmtree(path.parent)  # e.g. cleaned up by hand while the server runs
    second = issue(world, number="470/012/TMS/XI/2026")
    assert Path(second.pdf.file.path).parent == path.parent and pdf_bytes(second).startswith(b"%PDF-")


def test_fast_qr_is_the_matrix_segno_makes():
    import random

    import segno

    from pintu.documents import qrfast

    prefix, suffix = "https://pintu.banyuwangikab.go.id/verifikasi/", "/"
    rng = random.Random(7)
    for _ in range(25):
        code = "".join(rng.choice(issuing.CODE_ALPHABET) for _ in range(issuing.CODE_LENGTH))
        reference = segno.make(
            (prefix + code + suffix).encode(), error="m", mask=0, boost_error=False, mode="byte", micro=False
        )
        size, bits = qrfast.qr_matrix_bits(prefix, code, suffix)
        rows = ["".join(str(m & 1) for m in row) for row in reference.matrix]
        assert size == len(reference.matrix) and qrfast.matrix_rows(size, bits) == rows
    picture = qrfast.svg(prefix, "7KQ2M9XH4C", suffix)
    assert picture.startswith("<svg") and picture.count("<path") == 1
    # The path draws exactly the dark modules: one rectangle per horizontal run, quiet zone 4.
    size, bits = qrfast.qr_matrix_bits(prefix, "7KQ2M9XH4C", suffix)
    drawn = [["0"] * size for _ in range(size)]
    for x, y, n in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\3z", picture):
        for column in range(int(x) - 4, int(x) - 4 + int(n)):
            assert drawn[int(y) - 4][column] == "0"
            drawn[int(y) - 4][column] = "1"
    assert ["".join(row) for row in drawn] == qrfast.matrix_rows(size, bits)


def test_codes_are_unique_and_unguessable_in_shape(world):
    codes = {issue(world, number=f"470/{n:03d}/TMS/XI/2026").code for n in range(5)}
    assert len(codes) == 5


def test_number_is_unique_per_unit_and_kind(world):
    issue(world, number="470/001/TMS/XI/2026")
    with pytest.raises(ValidationFailed) as raised:
        issue(world, number="470/001/TMS/XI/2026")
    assert raised.value.code == "document.number_taken"
    assert IssuedDocument.objects.count() == 1
    issue(world, number="470/001/TMS/XI/2026", kind="surat_usaha")  # another series may repeat it
    issue(world, number="470/001/TMS/XI/2026", issuer_unit=world.other_village_office)


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("Siti Aminah", "S***i A***h"),
        ("Budi", "B***i"),
        ("A", "A***"),
        ("", ""),
        ("Ni Luh Putu Ayu", "N***i L***h P***u"),
    ],
)
def test_mask_name(name, masked):
    assert ds.mask_name(name) == masked


@pytest.mark.parametrize(
    ("day", "text"),
    [(dt.date(2026, 1, 1), "1 Januari 2026"), (dt.date(2026, 8, 17), "17 Agustus 2026"), (None, "")],
)
def test_date_id(day, text):
    assert ds.date_id(day) == text


def test_signed_issue_records_the_signature(world, local_signer):
    document = issue(world, sign=True)
    assert document.signature_provider == "local"
    assert "Penanda Tangan Demo Pintu" in document.certificate_subject
    assert document.certificate_serial and document.signed_at is not None
    assert document.signer_name == "Sugeng Riyadi" and document.signer_position == "Kepala Desa Tamansari"
    data = pdf_bytes(document)
    assert b"/ByteRange" in data and document.sha256 == hashlib.sha256(data).hexdigest()


def test_signing_failure_stores_nothing(world, fake_signer):
    fake_signer.fail_next = 1
    with pytest.raises(DomainError) as raised:
        issue(world, sign=True)
    assert raised.value.code == "signer.failed"
    assert not IssuedDocument.objects.exists()


# --- validity and revocation --------------------------------------------------------------------


def test_validity(world):
    document = issue(world, valid_until=dt.date(2026, 12, 31))
    assert document.validity(dt.date(2026, 12, 31)) == "valid"
    assert document.validity(dt.date(2027, 1, 1)) == "expired"


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("village_head", True),
        ("regency_admin", True),
        ("village_operator", False),
        ("other_village_operator", False),
        ("approver", False),  # an agency's official, not this village's
        ("district_officer", False),
        ("citizen", False),
        ("staff_without_role", False),
    ],
)
def test_who_may_revoke(world, role, allowed):
    document = issue(world)
    audits = AuditEntry.objects.count()
    if allowed:
        ds.document_revoke(actor=world.users[role], document=document, reason="Salah ketik nama.")
        document.refresh_from_db()
        assert document.validity() == "revoked" and document.revocation_reason == "Salah ketik nama."
        assert document.revoked_by == world.users[role]
    else:
        with pytest.raises(PermissionDenied):
            ds.document_revoke(actor=world.users[role], document=document, reason="Salah ketik nama.")
        document.refresh_from_db()
        assert document.revoked_at is None and AuditEntry.objects.count() == audits


def test_revocation_needs_a_reason_and_is_idempotent(world):
    document = issue(world)
    head = world.users["village_head"]
    with pytest.raises(ValidationFailed) as raised:
        ds.document_revoke(actor=head, document=document, reason="   ")
    assert "reason" in raised.value.fields
    document.refresh_from_db()
    assert document.revoked_at is None
    ds.document_revoke(actor=head, document=document, reason="Diterbitkan ganda.")
    first = IssuedDocument.objects.get(pk=document.pk).revoked_at
    ds.document_revoke(actor=head, document=document, reason="Alasan lain.")
    document.refresh_from_db()
    assert document.revoked_at == first and document.revocation_reason == "Diterbitkan ganda."
    assert AuditEntry.objects.filter(verb="document.revoke").count() == 1


# --- numbering ------------------------------------------------------------------------------------


def test_sequence_counts_per_unit_series_and_year(world):
    from django.db import transaction

    with transaction.atomic():
        numbers = [
            ds.document_number_next(org_unit=world.agency, series="case_output", year=2026) for _ in range(3)
        ]
        other_year = ds.document_number_next(org_unit=world.agency, series="case_output", year=2027)
        other_unit = ds.document_number_next(org_unit=world.other_agency, series="case_output", year=2026)
        other_series = ds.document_number_next(org_unit=world.agency, series="letters", year=2026)
    assert numbers == [1, 2, 3] and other_year == other_unit == other_series == 1
    assert DocumentSequence.objects.get(org_unit=world.agency, series="case_output", year=2026).last == 3


@pytest.mark.django_db(transaction=True)
def test_sequence_refuses_to_run_outside_a_transaction():
    with pytest.raises(RuntimeError):
        ds.document_number_next(org_unit=1, series="x", year=2026)
    assert not DocumentSequence.objects.exists()


# --- case outputs -----------------------------------------------------------------------------------


def test_case_issue_generates_a_signed_numbered_output(world, local_signer, client):
    case = CaseFactory(world=world, state="approved")
    from pintu.cases import services as cs

    cs.case_issue(actor=officer_for(world, case), case=case, note="Silakan diunduh.")
    case.refresh_from_db()
    assert case.status == "completed"
    output = case.documents.get(kind="output")
    document = output.issued
    assert output.upload_id == document.pdf_id
    assert document.is_signed and document.signature_provider == "local"
    assert document.issuer_unit == world.agency and document.kind == "case_output"
    assert document.source_app == "cases" and document.source_id == str(case.pk)
    assert document.title == "Dokumen"  # the service version's product
    assert document.holder_label == "S***i A***h"  # the applicant, masked
    year = document.issued_at.year
    assert document.number.startswith("00001/") and document.number.endswith(f"/{year}")
    event = case.events.order_by("-seq").first()
    assert event.data["verification_code"] == document.code and event.data["number"] == document.number
    # the citizen downloads the signed PDF from her case page
    client.force_login(world.users["citizen"])
    page = client.get(reverse("portal:my_case", args=[case.tracking_code])).content.decode()
    assert reverse("documents:verify", args=[document.code]) in page and document.number in page
    response = client.get(reverse("portal:case_document", args=[case.tracking_code, output.pk]))
    body = b"".join(response.streaming_content)
    assert response.status_code == 200 and hashlib.sha256(body).hexdigest() == document.sha256


def test_case_outputs_are_numbered_in_sequence_per_agency(world, fake_signer):
    from pintu.cases import services as cs

    numbers = []
    for _ in range(3):
        case = CaseFactory(world=world, state="approved")
        cs.case_issue(actor=officer_for(world, case), case=case)
        numbers.append(case.documents.get(kind="output").issued.number.split("/")[0])
    assert numbers == ["00001", "00002", "00003"]
    assert DocumentSequence.objects.get(org_unit=world.agency, series="case_output").last == 3


def test_village_case_output_is_handed_over_and_downloadable_by_the_village(world, fake_signer, client):
    case = CaseFactory(world=world, service="village", channel="village", state="issued")
    assert case.status == "ready_for_handover"
    output = case.documents.get(kind="output")
    client.force_login(world.users["village_operator"])
    response = client.get(reverse("portal:case_document", args=[case.tracking_code, output.pk]))
    assert response.status_code == 200
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == output.issued.sha256
