"""Fixtures of the documents tests: signers with an isolated key, a minimal issued document."""

from __future__ import annotations

import io

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from pintu.documents import services as ds
from pintu.documents.signing import reset


@pytest.fixture
def local_signer(settings, tmp_path):
    settings.PINTU_SIGNER = "local"
    settings.PINTU_SIGNER_PKCS12 = ""
    settings.PINTU_SIGNER_DEMO_PKCS12 = str(tmp_path / "keys" / "signer.p12")
    reset()
    yield
    reset()


@pytest.fixture
def fake_signer(settings):
    from pintu.documents.signing.fake import FakeSigner

    settings.PINTU_SIGNER = "fake"
    reset()
    FakeSigner.calls.clear()
    FakeSigner.fail_next = 0
    yield FakeSigner
    FakeSigner.fail_next = 0
    reset()


LETTER_DATA = {
    "kop": {
        "regency": "PEMERINTAH KABUPATEN BANYUWANGI",
        "unit_lines": ["KECAMATAN LICIN", "DESA TAMANSARI"],
        "address": "Jl. Raya Tamansari 1",
    },
    "place": "Tamansari",
    "signer": {"position": "Kepala Desa Tamansari", "name": "Sugeng Riyadi", "nip": ""},
    "fields": {"nama": "Siti Aminah", "alamat": "Dusun Krajan RT 001 RW 002"},
}


def issue(world, *, actor=None, number="470/001/TMS/XI/2026", sign=False, **extra):
    return ds.document_issue(
        actor=actor or world.users["village_head"],
        issuer_unit=extra.pop("issuer_unit", world.village_office),
        kind=extra.pop("kind", "surat_domisili"),
        title=extra.pop("title", "Surat Keterangan Domisili"),
        number=number,
        template=extra.pop("template", "common/example.typ"),
        data=extra.pop("data", LETTER_DATA),
        holder_label=extra.pop("holder_label", ds.mask_name("Siti Aminah")),
        sign=sign,
        **extra,
    )


def pdf_bytes(document) -> bytes:
    with document.pdf.file.open("rb") as handle:
        return handle.read()


def pdf_info(data: bytes) -> dict:
    reader = PdfFileReader(io.BytesIO(data))
    return {key: str(value) for key, value in dict(reader.trailer["/Info"]).items()}


def link_uris(data: bytes) -> list[str]:
    reader = PdfFileReader(io.BytesIO(data))
    uris = []
    for page in reader.root["/Pages"]["/Kids"]:
        for annot in page.get_object().get("/Annots", []):
            action = annot.get_object().get("/A")
            if action is not None and "/URI" in action:
                uris.append(str(action["/URI"]))
    return uris
