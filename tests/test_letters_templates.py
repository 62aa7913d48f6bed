"""Every letter template renders through the real issuing path (registry data, sample extra
fields, QR, signature), and the signed PDF validates with pyHanko."""

from __future__ import annotations

import io

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature

from pintu.letters import services as ls
from pintu.letters.definitions import MAIN
from pintu.letters.models import LetterType
from pintu.letters.samples import SAMPLE_FIELDS
from tests.letters_fixtures import lw  # noqa: F401


def _trusting_the_signer():
    """A validation context whose only trust root is the (self-signed) demo signing certificate."""
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives.serialization import Encoding
    from django.conf import settings
    from pyhanko_certvalidator import ValidationContext

    from pintu.documents.signing.keys import demo_key_path, load_certificate

    cert = load_certificate(demo_key_path(), settings.PINTU_SIGNER_PKCS12_PASSPHRASE)
    root = asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))
    return ValidationContext(trust_roots=[root], allow_fetching=False)


@pytest.mark.parametrize("slug", sorted(MAIN))
def test_each_main_template_issues_a_signed_letter(lw, slug):  # noqa: F811
    letter_type = LetterType.objects.get(slug=slug)
    fields = {spec["key"]: SAMPLE_FIELDS[spec["key"]] for spec in letter_type.fields_schema}
    letter = ls.letter_issue(
        actor=lw.users["village_operator"],
        village_office=lw.world.village_office,
        letter_type=letter_type,
        resident=lw.resident,
        fields=fields,
        purpose="Persyaratan administrasi",
    )
    with letter.document.pdf.file.open("rb") as handle:
        data = handle.read()
    reader = PdfFileReader(io.BytesIO(data))
    assert len(reader.embedded_signatures) == 1
    status = validate_pdf_signature(reader.embedded_signatures[0], _trusting_the_signer())
    assert status.intact and status.valid and status.trusted
    info = {key: str(value) for key, value in dict(reader.trailer["/Info"]).items()}
    assert info["/Title"].startswith(letter_type.title)


def test_every_seeded_type_renders_with_the_generic_template(lw):  # noqa: F811
    """Types without their own template use umum.typ with the statement field."""
    others = LetterType.objects.exclude(slug__in=list(MAIN)).order_by("position")[:3]
    assert others
    for letter_type in others:
        letter = ls.letter_issue(
            actor=lw.users["village_head"],
            village_office=lw.world.village_office,
            letter_type=letter_type,
            resident=lw.resident,
            fields={"keterangan": "benar memiliki usaha warung di rumahnya"},
            purpose="Keperluan administrasi",
        )
        assert letter.document.template == "letters/umum.typ"
