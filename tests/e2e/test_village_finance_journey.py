"""Village finance in the browser: the treasurer drafts an APBDes and submits it, the camat and
the regency evaluate it, the village adopts it, spends against it (SPP, a panjar accounted for
and returned), sends the semester I report that the camat receives, and the public page shows it.

Screenshots: tests/e2e/artifacts/village-finance-journey-<nn>-<step>.png.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

YEAR = 2026


def test_village_finance_journey(e2e):
    from pintu.village_finance.models import Budget, Panjar, PaymentRequest, ReportSubmission
    from pintu.village_finance.reference import reference_load
    from tests.village_finance_fixtures import add_finance_users

    reference_load()
    world = e2e.world
    add_finance_users(world)
    code = world.village.code
    problems = []

    # 1. The treasurer opens the year and drafts: an RKPDes line, into the APBDes, income and RAB.
    t = e2e.login(e2e.desktop(), "treasurer")
    t.goto(e2e.url(f"/kantor/keuangan/?tahun={YEAR}"))
    t.get_by_role("button", name=f"Mulai rancangan APBDes {YEAR}").click()
    expect(t.get_by_role("heading", name=f"APBDes Desa Tamansari {YEAR}")).to_be_visible()
    t.get_by_text("Tambah kegiatan RKPDes").click()
    t.get_by_label("Bidang/kegiatan").select_option("02.03.01")
    t.get_by_label("Nama kegiatan").fill("Rabat beton jalan Dusun Krajan")
    t.get_by_label("Lokasi").fill("Dusun Krajan")
    t.get_by_label("Pagu indikatif (Rp)").fill("100000000")
    t.get_by_label("Sumber dana", exact=True).first.select_option("DDS")
    t.get_by_role("button", name="Tambah ke RKPDes").click()
    t.get_by_role("button", name="Masukkan ke APBDes").click()
    t.get_by_text("Tambah pendapatan").click()
    form = t.locator("form", has=t.locator("input[name=kind][value=income]"))
    form.get_by_label("Rekening (objek)").select_option("4.2.1.01")
    form.get_by_label("Uraian").fill("Dana Desa")
    form.get_by_label("Volume").fill("1")
    form.get_by_label("Harga satuan (Rp)").fill("100000000")
    form.get_by_label("Sumber dana").select_option("DDS")
    form.get_by_role("button", name="Simpan baris").click()
    # unbalanced now: the rule panel says so
    expect(t.locator("#vf-rules")).to_contain_text("apbdes.balance")
    e2e.shot(t, "draft-unbalanced")
    t.get_by_text("Tambah rincian belanja (RAB)").click()
    form = t.locator("form", has=t.locator("input[name=kind][value=spending]"))
    form.get_by_label("Rekening (objek)").select_option("5.3.5.03")
    form.get_by_label("Uraian").fill("Beton K-225 200 m")
    form.get_by_label("Volume").fill("200")
    form.get_by_label("Satuan", exact=True).fill("m")
    form.get_by_label("Harga satuan (Rp)").fill("500000")
    form.get_by_label("Sumber dana").select_option("DDS")
    # the live check (HTMX) answers while typing, before anything is saved
    expect(form.locator(".vf-preview")).to_contain_text("Dengan baris ini semua aturan terpenuhi")
    e2e.shot(t, "live-check")
    form.get_by_role("button", name="Simpan baris").click()
    expect(t.locator("#vf-rules")).to_contain_text("Semua aturan terpenuhi")
    e2e.shot(t, "draft-balanced")
    problems += e2e.audit(t, "draft page")

    # 2. The kepala desa records the BPD agreement (on a phone); the treasurer submits.
    h = e2e.login(e2e.phone(), "village_head")
    h.goto(e2e.url(f"/kantor/keuangan/{code}/{YEAR}/"))
    h.get_by_label("Nomor berita acara kesepakatan BPD").fill("01/BA/BPD/2025")
    h.get_by_role("button", name="Disepakati bersama BPD").click()
    expect(h.locator("#h-status")).to_contain_text("Disepakati bersama BPD")
    e2e.shot(h, "agreed-on-phone")
    problems += e2e.audit(h, "draft page on a phone")
    t.goto(e2e.url(f"/kantor/keuangan/{code}/{YEAR}/"))
    t.get_by_role("button", name="Diajukan ke camat").click()
    expect(t.locator("#h-status")).to_contain_text("Diajukan ke camat")

    # 3. The camat sees the village in the area list, checks it in one click, forwards it.
    c = e2e.login(e2e.desktop(), "district_officer")
    c.goto(e2e.url(f"/kantor/keuangan/?tahun={YEAR}"))
    expect(c.get_by_role("cell", name="Tamansari")).to_be_visible()
    e2e.shot(c, "camat-area")
    c.get_by_role("row", name=re.compile("Tamansari")).get_by_role("link", name="Periksa").click()
    expect(c.get_by_text("Semua aturan terpenuhi")).to_be_visible()
    e2e.shot(c, "camat-compare")
    c.get_by_role("button", name="Diteruskan camat ke kabupaten").click()
    expect(c.get_by_text("Dievaluasi kabupaten").first).to_be_visible()

    # 4. The regency returns it once, the treasurer resubmits, the regency approves.
    r = e2e.login(e2e.desktop(), "regency_admin")
    budget = Budget.objects.get(fiscal_year__village=world.village, fiscal_year__year=YEAR)
    r.goto(e2e.url(f"/kantor/keuangan/anggaran/{budget.pk}/bandingkan/"))
    r.locator("form", has=r.get_by_role("button", name="Dikembalikan untuk perbaikan")).get_by_label(
        "Catatan"
    ).fill("Lengkapi lokasi rinci kegiatan.")
    r.get_by_role("button", name="Dikembalikan untuk perbaikan").click()
    expect(r.get_by_text("Dikembalikan untuk perbaikan").first).to_be_visible()
    t.goto(e2e.url(f"/kantor/keuangan/{code}/{YEAR}/"))
    expect(t.get_by_text("Lengkapi lokasi rinci kegiatan.")).to_be_visible()
    t.get_by_role("button", name="Perbaikan diajukan kembali").click()
    r.goto(e2e.url(f"/kantor/keuangan/anggaran/{budget.pk}/bandingkan/"))
    r.get_by_role("button", name="Hasil evaluasi: disetujui").click()
    expect(r.get_by_text("Selesai dievaluasi").first).to_be_visible()

    # 5. The kepala desa adopts it as Perdes.
    h.goto(e2e.url(f"/kantor/keuangan/{code}/{YEAR}/"))
    h.get_by_label("Nomor Peraturan Desa").fill("Perdes 5/2025")
    h.get_by_role("button", name="Ditetapkan sebagai Perdes").click()
    expect(h.locator("#h-status")).to_contain_text("Ditetapkan (Perdes)")
    e2e.shot(h, "adopted")

    # 6. Spending: income received, SPP created, verified by the sekdes, approved, paid.
    t.goto(e2e.url(f"/kantor/keuangan/{code}/{YEAR}/buku/bku/"))
    t.get_by_text("Terima pendapatan / pembiayaan (TBP)").click()
    t.get_by_label("Jumlah (Rp)").first.fill("60000000")
    t.get_by_label("Penyetor").fill("RKUD Banyuwangi")
    t.get_by_role("button", name="Catat penerimaan").click()
    expect(t.get_by_text("Tercatat di buku.")).to_be_visible()
    t.goto(e2e.url(f"/kantor/keuangan/{code}/{YEAR}/spp/"))
    t.get_by_label("Uraian").fill("Semen dan pasir tahap I")
    t.get_by_label("Penerima").fill("UD Sumber Makmur")
    t.get_by_label("Jumlah bruto (Rp)").fill("40000000")
    t.get_by_label("PPh 22 (Rp)").fill("600000")
    t.get_by_role("button", name="Ajukan SPP").click()
    expect(t.get_by_text("Diajukan bendahara")).to_be_visible()
    spp = PaymentRequest.objects.get()
    s = e2e.login(e2e.phone(), "secretary")
    s.goto(e2e.url(f"/kantor/keuangan/spp/{spp.pk}/"))
    s.get_by_role("button", name="Verifikasi (sekdes)").click()
    expect(s.get_by_text("Diverifikasi sekdes").first).to_be_visible()
    h.goto(e2e.url(f"/kantor/keuangan/spp/{spp.pk}/"))
    h.get_by_role("button", name="Setujui (kepala desa)").click()
    t.goto(e2e.url(f"/kantor/keuangan/spp/{spp.pk}/"))
    t.get_by_role("button", name="Bayar").click()
    expect(t.get_by_text("SPP dibayar; kuitansi dapat dicetak.")).to_be_visible()
    expect(t.get_by_text("Empat puluh juta rupiah")).to_be_visible()
    e2e.shot(t, "spp-paid")
    response = t.request.get(e2e.url(f"/kantor/keuangan/spp/{spp.pk}/kuitansi.pdf"))
    assert response.ok and response.body()[:4] == b"%PDF"
    # Spending can never exceed the line: a second SPP for the rest + 1 rupiah is refused.
    t.goto(e2e.url(f"/kantor/keuangan/{code}/{YEAR}/spp/"))
    t.get_by_label("Uraian").fill("Terlalu banyak")
    t.get_by_label("Penerima").fill("X")
    t.get_by_label("Jumlah bruto (Rp)").fill("60000001")
    t.get_by_role("button", name="Ajukan SPP").click()
    expect(t.get_by_text("melebihi sisa anggaran")).to_be_visible()
    t.goto(e2e.url(f"/kantor/keuangan/{code}/{YEAR}/laporan/"))
    expect(t.get_by_role("cell", name="Rabat beton jalan Dusun Krajan")).to_be_visible()
    e2e.shot(t, "realisation-report")

    # 7. Panjar, on the treasurer's phone: given from the bank to the activity's TPK, accounted
    #    for (SPJ with PPh 21 withheld), the rest returned; the panjar is settled.
    tp = e2e.login(e2e.phone(), "treasurer")
    tp.goto(e2e.url(f"/kantor/keuangan/{code}/{YEAR}/panjar/"))
    tp.get_by_text("Beri panjar").click()
    tp.get_by_label("Penerima (pelaksana kegiatan / TPK)").fill("Sutrisno")
    tp.get_by_label("Jabatan penerima").fill("Ketua TPK")
    tp.get_by_label("Keperluan").fill("Upah tukang rabat beton")
    tp.get_by_label("Jumlah (Rp)").fill("5000000")
    tp.get_by_label("Diambil dari").select_option("bank")
    tp.get_by_role("button", name="Berikan panjar").click()
    expect(tp.get_by_text(re.compile(r"Panjar .* diberikan\."))).to_be_visible()
    panjar = Panjar.objects.get()
    assert panjar.amount == 5_000_000 and panjar.book == "bank"
    form = tp.locator("form", has=tp.locator("input[name=action][value=account]"))
    form.locator("#desc-1").fill("Upah tukang 10 HOK")
    form.locator("#payee-1").fill("Pak Slamet")
    form.locator("#amount-1").fill("3000000")
    form.locator("#tax-pph21-1").fill("150000")
    form.get_by_role("button", name="Catat SPJ").click()
    expect(tp.get_by_text("Pertanggungjawaban panjar dicatat.")).to_be_visible()
    expect(tp.get_by_role("cell", name="Upah tukang 10 HOK")).to_be_visible()
    e2e.shot(tp, "panjar-accounted-on-phone")
    problems += e2e.audit(tp, "panjar page on a phone")
    tp.get_by_text("Kembalikan sisa dan selesaikan").click()
    tp.get_by_role("button", name="Kembalikan sisa").click()
    expect(tp.get_by_text("Sisa panjar dikembalikan; panjar selesai.")).to_be_visible()
    panjar.refresh_from_db()
    assert (panjar.status, panjar.accounted, panjar.returned) == ("settled", 3_000_000, 2_000_000)
    e2e.shot(tp, "panjar-settled-on-phone")
    tp.goto(e2e.url(f"/kantor/keuangan/{code}/{YEAR}/panjar/"))
    expect(tp.get_by_role("cell", name="Selesai")).to_be_visible()
    e2e.shot(tp, "panjar-list-on-phone")
    problems += e2e.audit(tp, "panjar list on a phone")

    # 8. Semester I ends 30 June: the treasurer sends the report to the camat (after 31 July it is
    #    accepted and flagged late), the camat receives it from the inbox.
    tp.goto(e2e.url(f"/kantor/keuangan/{code}/{YEAR}/laporan/?periode=s1"))
    row = tp.get_by_role("row", name=re.compile("semester I", re.IGNORECASE))
    row.get_by_role("button", name="Kirim ke camat").click()
    expect(tp.get_by_text(re.compile("Laporan dikirim ke camat"))).to_be_visible()
    expect(tp.get_by_text("Dikirim ke camat").first).to_be_visible()
    e2e.shot(tp, "report-submitted-on-phone")
    problems += e2e.audit(tp, "report page on a phone")
    c.goto(e2e.url(f"/kantor/keuangan/pelaporan/{YEAR}/"))
    pending = c.locator("li.card", has_text="Tamansari")
    expect(pending).to_be_visible()
    pending.get_by_role("button", name="Terima").click()
    expect(c.get_by_text("Laporan diterima.")).to_be_visible()
    expect(c.get_by_role("row", name=re.compile("Tamansari")).get_by_text("Diterima camat")).to_be_visible()
    e2e.shot(c, "camat-report-received")
    submission = ReportSubmission.objects.get()
    assert (submission.kind, submission.status) == ("semester1", "received")

    # 9. Published: anyone sees the APBDes and its realisation, without names.
    p = e2e.phone()
    p.goto(e2e.url(f"/apbdes/{code}/{YEAR}/"))
    expect(p.get_by_role("heading", name=f"APBDes Desa Tamansari {YEAR}")).to_be_visible()
    expect(p.locator("svg[role=img]").first).to_be_visible()
    expect(p.get_by_role("link", name="Tulis pengaduan")).to_be_visible()  # where to complain
    assert "UD Sumber Makmur" not in p.content()
    e2e.shot(p, "public-page")
    problems += e2e.audit(p, "public page")
    assert not problems, "\n".join(problems)
