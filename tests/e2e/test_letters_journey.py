"""Village letters in a real Chromium.

A linked resident requests a Surat Keterangan Domisili on her phone; the operator checks it;
the kepala desa approves and signs; the resident downloads the signed PDF. Then the operator
issues a Surat Keterangan Usaha at the counter in one screen and downloads it.

Screenshots: tests/e2e/artifacts/letters-journey-<nn>-<step>.png (the PDFs are saved beside them).
"""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS

pytestmark = pytest.mark.e2e


def _signed_pdf(path) -> bytes:
    from pyhanko.pdf_utils.reader import PdfFileReader

    data = path.read_bytes()
    assert data[:5] == b"%PDF-"
    assert len(PdfFileReader(io.BytesIO(data)).embedded_signatures) == 1
    return data


def test_letters_journey(e2e):
    from pintu.letters.models import Letter, LetterRequest
    from tests.letters_fixtures import build_letter_world

    lw = build_letter_world(e2e.world)
    problems = []

    # 1. The resident asks for a letter on her phone.
    citizen = e2e.login(e2e.phone(), "citizen")
    citizen.goto(e2e.url("/surat/"))
    expect(citizen.get_by_role("heading", name="Surat desa")).to_be_visible()
    problems += e2e.audit(citizen, "citizen letters")
    e2e.shot(citizen, "citizen-letters")
    citizen.get_by_role("link", name="Keterangan Domisili", exact=True).click()
    citizen.get_by_label("Keperluan").fill("Persyaratan melamar pekerjaan")
    citizen.get_by_label("Tinggal di alamat ini sejak (tahun)").fill("2008")
    problems += e2e.audit(citizen, "request form")
    e2e.shot(citizen, "citizen-request-form")
    citizen.get_by_role("button", name="Kirim permintaan").click()
    expect(citizen.get_by_text("Menunggu pemeriksaan operator desa.")).to_be_visible()
    e2e.shot(citizen, "citizen-requested")
    request = LetterRequest.objects.get()

    # 2. The operator checks it.
    operator = e2e.login(e2e.desktop(), "village_operator")
    operator.goto(e2e.url("/kantor/surat/permintaan/"))
    e2e.shot(operator, "operator-inbox")
    operator.get_by_role("link", name="Keterangan Domisili", exact=True).click()
    expect(operator.get_by_text(lw.resident.nik)).to_be_visible()
    operator.get_by_role("button", name="Data sesuai — teruskan untuk tanda tangan").click()
    expect(operator.get_by_text("menunggu tanda tangan").first).to_be_visible()
    e2e.shot(operator, "operator-checked")

    # 3. The kepala desa approves and signs.
    head = e2e.login(e2e.desktop(), "village_head")
    head.goto(e2e.url(f"/kantor/surat/permintaan/{request.pk}/"))
    head.get_by_role("button", name="Setujui dan tandatangani").click()
    expect(head.get_by_text("Surat terbit dengan nomor")).to_be_visible()
    e2e.shot(head, "head-approved")

    # 4. The resident downloads the signed PDF.
    citizen.reload()
    expect(citizen.get_by_role("link", name="Unduh surat (PDF)")).to_be_visible()
    e2e.shot(citizen, "citizen-issued")
    with citizen.expect_download() as download:
        citizen.get_by_role("link", name="Unduh surat (PDF)").click()
    path = ARTIFACTS / "letters-journey-domisili.pdf"
    download.value.save_as(str(path))
    _signed_pdf(path)

    # 5. At the counter, in one screen: search the resident, choose the type, fill, issue.
    operator.goto(e2e.url("/kantor/surat/"))
    operator.get_by_label("Cari NIK atau nama (minimal 3 karakter)").fill("Siti")
    operator.get_by_role("button", name=lw.resident.full_name).click()
    expect(operator.locator("#chosen-resident")).to_contain_text(lw.resident.nik)
    operator.get_by_label("Jenis surat", exact=True).select_option(label="Keterangan Usaha (500)")
    operator.get_by_label("Keperluan").fill("Pengajuan Kredit Usaha Rakyat")
    operator.get_by_label("Nama usaha").fill("Warung Kopi Ijen")
    operator.get_by_label("Jenis/bidang usaha").fill("Warung kopi")
    operator.get_by_label("Alamat tempat usaha").fill("Dusun Krajan RT 001 RW 002")
    operator.get_by_label("Usaha berjalan sejak (tahun)").fill("2019")
    problems += e2e.audit(operator, "counter")
    e2e.shot(operator, "counter-form")
    operator.get_by_role("button", name="Terbitkan dan tandatangani").click()
    expect(operator.get_by_text("terbit dan sudah ditandatangani")).to_be_visible()
    e2e.shot(operator, "counter-issued")
    with operator.expect_download() as download:
        operator.get_by_role("link", name="Unduh PDF bertanda tangan").click()
    path = ARTIFACTS / "letters-journey-usaha.pdf"
    download.value.save_as(str(path))
    _signed_pdf(path)

    # The register shows both, numbered 1 and 2 of this year.
    operator.goto(e2e.url("/kantor/surat/register/"))
    e2e.shot(operator, "register")
    assert sorted(Letter.objects.values_list("sequence", flat=True)) == [1, 2]
    assert not problems, "\n".join(problems)
