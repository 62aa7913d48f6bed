"""The population registry in a real Chromium, on a phone.

The village operator registers a resident with a new KK, imports a small xlsx (two good rows,
one with a wrong NIK) and sees the progress, the result and the bad row's reason with a
downloadable report, then looks at the village statistics (SVG charts); the camat sees the
kecamatan statistics and a masked list.

Screenshots: tests/e2e/artifacts/population-journey-<nn>-<step>.png.
"""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS

pytestmark = pytest.mark.e2e


def _xlsx(path, rows):
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            sheet.write_string(r, c, str(value))
    book.close()
    return str(path)


def test_population_journey(e2e, tmp_path):
    from pintu.core.tasks import run_pending_tasks
    from pintu.population.models import ImportJob, Resident
    from tests.population_fixtures import kk_for, nik_for

    problems = []
    page = e2e.login(e2e.phone(), "village_operator")

    # 1. The (empty) register, then a new resident with a new KK.
    page.goto(e2e.url("/kantor/penduduk/"))
    expect(page.get_by_role("heading", name="Penduduk Desa Tamansari")).to_be_visible()
    problems += e2e.audit(page, "empty list")
    page.get_by_role("link", name="+ Daftarkan penduduk").click()
    nik = nik_for(dt.date(1988, 4, 21), female=True)
    page.get_by_label("NIK").fill(nik)
    page.get_by_label("Nama lengkap").fill("Wulan Sari")
    page.get_by_label("Jenis kelamin").select_option("2")
    page.get_by_label("Tempat lahir").fill("Banyuwangi")
    page.get_by_label("Tanggal lahir").fill("1988-04-21")
    page.get_by_label("Agama").select_option("1")
    page.get_by_label("Hubungan dalam keluarga").select_option("1")
    page.get_by_label("Nomor KK").fill(kk_for())
    page.get_by_label("Dusun").fill("Krajan")
    page.get_by_label("RW", exact=True).fill("1")
    page.get_by_label("RT", exact=True).fill("3")
    problems += e2e.audit(page, "register form")
    e2e.shot(page, "register-form")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_role("heading", name="Wulan Sari")).to_be_visible()
    expect(page.get_by_text("Banyuwangi, 21 April 1988")).to_be_visible()
    problems += e2e.audit(page, "resident detail")
    e2e.shot(page, "resident-detail")

    # 2. Import a small xlsx with one bad row.
    from pintu.population.importing import OPENSID_COLUMNS

    header = list(OPENSID_COLUMNS)
    kk = kk_for()

    def row(**values):
        base = dict.fromkeys(header, "") | {
            "no_kk": kk,
            "agama_id": "ISLAM",
            "dusun": "Sumberwatu",
            "rw": "2",
            "rt": "1",
        }
        base.update(values)
        return [base[c] for c in header]

    path = _xlsx(
        tmp_path / "penduduk.xlsx",
        [
            header,
            row(
                nama="HARTONO",
                nik=nik_for(dt.date(1975, 9, 1)),
                sex="L",
                tanggallahir="01-09-1975",
                kk_level="1",
            ),
            row(
                nama="SUMIYATI",
                nik=nik_for(dt.date(1979, 2, 14), female=True),
                sex="P",
                tanggallahir="14-02-1979",
                kk_level="3",
            ),
            row(
                nama="SALAH NIK",
                nik=nik_for(dt.date(2001, 1, 1)),
                sex="L",
                tanggallahir="02-01-2001",
                kk_level="4",
            ),
        ],
    )
    page.goto(e2e.url("/kantor/penduduk/desa/35.10.24.2008/impor/"))
    problems += e2e.audit(page, "import page")
    page.get_by_label("Berkas xlsx atau CSV").set_input_files(path)
    e2e.shot(page, "import-form")
    page.get_by_role("button", name="Mulai impor").click()
    expect(page.get_by_role("heading", name="Impor: penduduk.xlsx")).to_be_visible()
    e2e.shot(page, "import-queued")
    assert ImportJob.objects.count() == 1
    run_pending_tasks()  # the background worker's part
    expect(page.get_by_role("link", name="Unduh laporan (xlsx)")).to_be_visible(timeout=10_000)
    expect(page.get_by_text("Tanggal lahir di NIK")).to_be_visible()
    problems += e2e.audit(page, "import result")
    e2e.shot(page, "import-result")
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh laporan (xlsx)").click()
    report = ARTIFACTS / "population-journey-report.xlsx"
    download.value.save_as(report)
    assert report.stat().st_size > 1000
    assert Resident.objects.filter(village__code="35.10.24.2008").count() == 3

    # 3. The list with search, then statistics.
    page.goto(e2e.url("/kantor/penduduk/desa/35.10.24.2008/"))
    page.get_by_label("Cari NIK atau nama").fill("sum")
    expect(page.locator("#resident-rows").get_by_text("SUMIYATI")).to_be_visible()
    expect(page.locator("#resident-rows").get_by_text("HARTONO")).to_have_count(0)
    e2e.shot(page, "search")
    page.get_by_role("link", name="Statistik").first.click()
    expect(page.get_by_role("heading", name="Statistik penduduk Desa Tamansari")).to_be_visible()
    expect(page.locator("svg.chart").first).to_be_visible()
    problems += e2e.audit(page, "statistics")
    e2e.shot(page, "statistics")

    # 4. The camat: kecamatan statistics and a masked list.
    camat = e2e.login(e2e.phone(), "district_officer")
    camat.goto(e2e.url("/kantor/penduduk/"))
    expect(camat.get_by_role("heading", name="Statistik penduduk Kecamatan Licin")).to_be_visible()
    problems += e2e.audit(camat, "district statistics")
    e2e.shot(camat, "camat-statistics")
    camat.goto(e2e.url("/kantor/penduduk/desa/35.10.24.2008/"))
    expect(camat.get_by_text("Wulan Sari")).to_be_visible()
    expect(camat.get_by_text(nik)).to_have_count(0)
    e2e.shot(camat, "camat-masked-list")
    assert not problems, "\n".join(problems)
