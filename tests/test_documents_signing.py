"""The signer registry: local PAdES (validated independently with pyHanko), the fake, and the
BSrE adapter against a fake HTTP transport (no network)."""

from __future__ import annotations

import base64
import io
import json
from unittest import mock

import pytest
from django.core.management import call_command
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from pintu.documents.rendering import render_pdf
from pintu.documents.signing import SigningFailed, reset, signer
from pintu.documents.signing.bsre import BsreSigner
from pintu.documents.signing.keys import ensure_demo_key, load_certificate, make_pkcs12
from tests.documents_fixtures import LETTER_DATA, fake_signer, local_signer

__all__ = ["fake_signer", "local_signer"]


@pytest.fixture(scope="module")
def letter_pdf() -> bytes:
    return render_pdf(template="common/example.typ", data={**LETTER_DATA, "title": "Uji", "number": "1/UJI"})


def _status(pdf: bytes, trust_root):
    reader = PdfFileReader(io.BytesIO(pdf))
    assert len(reader.embedded_signatures) == 1
    assert reader.embedded_signatures[0].sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    return validate_pdf_signature(reader.embedded_signatures[0], ValidationContext(trust_roots=[trust_root]))


def test_local_signature_validates_and_tampering_breaks_it(local_signer, letter_pdf, db):
    provider = signer()
    signed = provider.sign(letter_pdf, signer_name="Sugeng Riyadi", reason="Uji", location="Tamansari")
    status = _status(signed, provider.certificate())
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert status.signing_cert.subject.native["common_name"] == "Penanda Tangan Demo Pintu"
    # change one byte of the signed range (the original document's content)
    tampered = bytearray(signed)
    position = signed.index(b"/Title")
    tampered[position + 8] ^= 0x01
    status = _status(bytes(tampered), provider.certificate())
    assert not status.intact and not status.bottom_line


def test_pyhanko_only_when_the_fast_path_is_switched_off(local_signer, letter_pdf, settings, db):
    settings.PINTU_SIGNER_FAST_PADES = False
    provider = signer()
    with mock.patch("pintu.documents.signing.local.sign_fast") as fast:
        signed = provider.sign(letter_pdf, signer_name="Sugeng Riyadi", reason="Uji", location="Tamansari")
    fast.assert_not_called()
    status = _status(signed, provider.certificate())
    assert status.intact and status.valid and status.trusted and status.bottom_line
    attrs = {
        attr["type"].native
        for attr in PdfFileReader(io.BytesIO(signed)).embedded_signatures[0].signer_info["signed_attrs"]
    }
    assert "signing_certificate_v2" in attrs


def test_fast_pades_path_is_complete_and_other_pdfs_fall_back_to_pyhanko(local_signer, letter_pdf, db):
    from pintu.documents.signing.pades import sign_fast

    provider = signer()
    fast = sign_fast(letter_pdf, provider._template, name="Sugeng Riyadi", reason="Uji", location="Tamansari")
    assert fast is not None  # our own Typst PDFs take the fast path
    reader = PdfFileReader(io.BytesIO(fast))
    embedded = reader.embedded_signatures[0]
    attrs = {attr["type"].native for attr in embedded.signer_info["signed_attrs"]}
    assert attrs == {"content_type", "message_digest", "signing_certificate_v2"}  # PAdES baseline B
    assert embedded.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert str(embedded.sig_object["/Name"]) == "Sugeng Riyadi"
    status = validate_pdf_signature(embedded, ValidationContext(trust_roots=[provider.certificate()]))
    assert status.bottom_line and status.coverage.name == "ENTIRE_FILE"
    # an already signed PDF (an incremental update exists) goes through pyHanko; both signatures stay intact
    assert sign_fast(fast, provider._template, name="B", reason="r", location="l") is None
    twice = provider.sign(fast, signer_name="Camat Licin", reason="Mengetahui", location="Licin")
    reader = PdfFileReader(io.BytesIO(twice))
    assert len(reader.embedded_signatures) == 2
    for embedded in reader.embedded_signatures:
        status = validate_pdf_signature(embedded, ValidationContext(trust_roots=[provider.certificate()]))
        assert status.intact and status.valid and status.trusted


def test_a_certificate_that_is_not_trusted_does_not_validate(local_signer, letter_pdf, tmp_path, db):
    signed = signer().sign(letter_pdf, signer_name="X", reason="Uji", location="Tamansari")
    stranger, _ = ensure_demo_key(tmp_path / "other.p12")
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives.serialization import Encoding

    other = load_certificate(stranger, "pintu-demo-signer").public_bytes(Encoding.DER)
    status = _status(signed, asn1_x509.Certificate.load(other))
    assert status.intact and not status.trusted and not status.bottom_line


def test_configured_pkcs12_is_used(settings, tmp_path, letter_pdf, db):
    path = tmp_path / "dinas.p12"
    path.write_bytes(make_pkcs12(common_name="Kepala Dinas Uji", passphrase=b"rahasia"))
    settings.PINTU_SIGNER, settings.PINTU_SIGNER_PKCS12 = "local", str(path)
    settings.PINTU_SIGNER_PKCS12_PASSPHRASE = "rahasia"
    reset()
    try:
        assert "Kepala Dinas Uji" in signer().describe().certificate_subject
        settings.PINTU_SIGNER_PKCS12 = str(tmp_path / "missing.p12")
        with pytest.raises(SigningFailed) as raised:
            signer()
        assert raised.value.code == "signer.key_missing"
    finally:
        reset()


def test_demo_key_command_is_idempotent(settings, tmp_path):
    settings.PINTU_SIGNER_PKCS12 = ""
    settings.PINTU_SIGNER_DEMO_PKCS12 = str(tmp_path / "demo" / "signer.p12")
    out = io.StringIO()
    call_command("signer_demo_key", stdout=out)
    first = (tmp_path / "demo" / "signer.p12").read_bytes()
    call_command("signer_demo_key", stdout=out)
    assert (tmp_path / "demo" / "signer.p12").read_bytes() == first
    assert "created" in out.getvalue() and "already present" in out.getvalue()
    cert = load_certificate(tmp_path / "demo" / "signer.p12", settings.PINTU_SIGNER_PKCS12_PASSPHRASE)
    assert cert.public_key().curve.name == "secp256r1"


def test_registry_names_and_unknown_provider(settings, fake_signer):
    assert signer().name == "fake"
    settings.PINTU_SIGNER = "nonexistent"
    with pytest.raises(SigningFailed) as raised:
        signer()
    assert raised.value.code == "signer.unknown"


def test_fake_signer_records_calls(fake_signer):
    out = signer().sign(b"%PDF-1.7 x", signer_name="A", reason="R", location="L")
    assert out.startswith(b"%PDF-1.7 x") and fake_signer.calls == [
        {"signer_name": "A", "reason": "R", "location": "L"}
    ]


# --- BSrE -------------------------------------------------------------------------------------------


class FakeBsre:
    """Answers like the eSign Client Service; records what it was sent."""

    def __init__(self, status=200, body=None, raises=None):
        self.status, self.body, self.raises, self.requests = status, body, raises, []

    def __call__(self, method, url, headers, body, timeout):
        self.requests.append(
            {"method": method, "url": url, "headers": headers, "json": json.loads(body), "timeout": timeout}
        )
        if self.raises:
            raise self.raises
        payload = self.body
        if payload is None:
            sent = base64.b64decode(json.loads(body)["file"][0])
            payload = {"time": 850, "file": [base64.b64encode(sent + b"%BSrE-signed").decode()]}
        return self.status, {"Content-Type": "application/json"}, json.dumps(payload).encode()


@pytest.fixture
def bsre_settings(settings):
    settings.PINTU_BSRE_URL = "http://esign.banyuwangikab.go.id/"
    settings.PINTU_BSRE_USERNAME, settings.PINTU_BSRE_PASSWORD = "pintu", "kunci-klien"
    settings.PINTU_BSRE_NIK, settings.PINTU_BSRE_PASSPHRASE = "", ""
    settings.PINTU_BSRE_TIMEOUT = 12
    return settings


def test_bsre_request_follows_the_v2_contract(bsre_settings):
    transport = FakeBsre()
    signed = BsreSigner(transport=transport).sign(
        b"%PDF-1.7 surat",
        signer_name="Sugeng",
        reason="Surat Nomor 1",
        location="Tamansari",
        credentials={"nik": "3510240101800001", "passphrase": "rahasia"},
    )
    assert signed == b"%PDF-1.7 surat%BSrE-signed"
    (request,) = transport.requests
    assert (
        request["method"] == "POST" and request["url"] == "http://esign.banyuwangikab.go.id/api/v2/sign/pdf"
    )
    assert request["headers"]["Authorization"] == "Basic " + base64.b64encode(b"pintu:kunci-klien").decode()
    assert request["timeout"] == 12
    body = request["json"]
    assert body["nik"] == "3510240101800001" and body["passphrase"] == "rahasia"
    assert body["signatureProperties"] == [
        {"tampilan": "INVISIBLE", "reason": "Surat Nomor 1", "location": "Tamansari"}
    ]
    assert base64.b64decode(body["file"][0]) == b"%PDF-1.7 surat"


def test_bsre_uses_the_institutional_signer_from_settings(bsre_settings):
    bsre_settings.PINTU_BSRE_NIK, bsre_settings.PINTU_BSRE_PASSPHRASE = "3510240101800002", "dinas"
    transport = FakeBsre()
    BsreSigner(transport=transport).sign(b"%PDF x", signer_name="", reason="r", location="l")
    assert transport.requests[0]["json"]["nik"] == "3510240101800002"


@pytest.mark.parametrize(
    ("status", "body", "raises", "code", "fragment"),
    [
        (
            200,
            {"status_code": 2031, "error": "Passphrase anda salah"},
            None,
            "signer.wrong_passphrase",
            "Passphrase",
        ),
        (
            200,
            {"status_code": 2011, "status": "NOT_REGISTERED"},
            None,
            "signer.not_registered",
            "belum terdaftar",
        ),
        (200, {"status_code": 2021, "status": "NO_CERTIFICATE"}, None, "signer.no_certificate", "sertifikat"),
        (
            401,
            {"status": 401, "error": "Unauthorized"},
            None,
            "signer.client_unauthorized",
            "PINTU_BSRE_USERNAME",
        ),
        (
            500,
            {"status": 500, "error": "Internal Server Error"},
            None,
            "signer.provider_error",
            "Internal Server Error",
        ),
        (200, {"time": 3, "file": []}, None, "signer.provider_error", "gagal"),
        (200, {"time": 3, "file": ["bukan-base64!!"]}, None, "signer.bad_response", "tidak berisi PDF"),
        (
            200,
            {"time": 3, "file": [base64.b64encode(b"<html>").decode()]},
            None,
            "signer.bad_response",
            "PDF",
        ),
        (None, None, TimeoutError("timed out"), "signer.timeout", "tidak diketahui"),
        (None, None, OSError("connection refused"), "signer.unreachable", "tidak dapat dihubungi"),
    ],
)
def test_bsre_errors_are_mapped_to_actionable_messages(bsre_settings, status, body, raises, code, fragment):
    transport = FakeBsre(status=status, body=body, raises=raises)
    with pytest.raises(SigningFailed) as raised:
        BsreSigner(transport=transport).sign(
            b"%PDF x",
            signer_name="",
            reason="r",
            location="l",
            credentials={"nik": "1" * 16, "passphrase": "p"},
        )
    assert raised.value.code == code and fragment in str(raised.value.message)
    refused = code in ("signer.wrong_passphrase", "signer.not_registered", "signer.no_certificate")
    assert raised.value.status == (400 if refused else 502)  # the user can fix it, or the service failed
    assert "passphrase" not in str(raised.value.message).lower() or refused
    assert str(raised.value.message) != "p" and "kunci-klien" not in str(raised.value.message)
    assert len(transport.requests) == 1  # never retried automatically


def test_bsre_needs_configuration_and_credentials(bsre_settings):
    transport = FakeBsre()
    with pytest.raises(SigningFailed) as raised:
        BsreSigner(transport=transport).sign(b"%PDF x", signer_name="", reason="r", location="l")
    assert raised.value.code == "signer.credentials_required"
    bsre_settings.PINTU_BSRE_URL = ""
    with pytest.raises(SigningFailed) as raised:
        BsreSigner(transport=transport).sign(
            b"%PDF x",
            signer_name="",
            reason="r",
            location="l",
            credentials={"nik": "1" * 16, "passphrase": "p"},
        )
    assert raised.value.code == "signer.not_configured" and transport.requests == []
