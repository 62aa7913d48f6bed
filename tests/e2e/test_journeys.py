"""End-to-end journeys in a real Chromium: citizens on a phone, officers on a desktop.

j1  A citizen browses the catalogue (search, agency filter), reads a Standar Pelayanan,
    registers through /akun/daftar/, applies with real files and gets a tracking code; anyone
    with the code follows it without personal data (journey 2); the page switches to English.
j3  Agency officers work the queue (tabs, filters): verify, forward, return for revision (the
    citizen answers with a note and a replacement document), approve, reject another case,
    issue the output; the citizen, logged in on her phone, downloads it.
j4  Smart Kampung: a village operator opens a case for a walk-in resident, verifies and
    forwards it, the camat approves, the agency issues, the operator hands it over; the public
    tracking page mid-way shows no personal data (journey 2).
j5  Phone-first and accessibility checks over the pages the journeys pass through.

Screenshots: tests/e2e/artifacts/<journey>-<nn>-<step>.png.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import dateformat, translation
from playwright.sync_api import expect

from pintu.demo.pdf import simple_pdf, simple_png

pytestmark = pytest.mark.e2e

CODE = r"[2-9AHKMRUWX]{4}-[2-9AHKMRUWX]{4}-[2-9AHKMRUWX]{3}"
AGENCY_STEP_NAMES = ["Penerimaan berkas", "Verifikasi data", "Persetujuan", "Penerbitan"]
VILLAGE_STEP_NAMES = [
    "Pemeriksaan di desa",
    "Rekomendasi camat",
    "Verifikasi data",
    "Persetujuan",
    "Penerbitan",
]


# --- helpers ------------------------------------------------------------------------------------


def pdf(tmp_path, name: str, *lines: str) -> str:
    path = tmp_path / name
    path.write_bytes(simple_pdf(list(lines) or ["Dokumen uji"]))
    return str(path)


def png(tmp_path, name: str) -> str:
    path = tmp_path / name
    path.write_bytes(simple_png())
    return str(path)


def case_of(code: str):
    from pintu.cases import tracking
    from pintu.cases.models import Case

    return Case.objects.select_related("current_owner", "current_step").get(
        tracking_code=tracking.normalize(code)
    )


def long_date(value, lang: str = "id") -> str:
    """A date as the pages print it ("l, d M Y"), in the given language."""
    with translation.override(lang):
        return dateformat.format(value, "l, d M Y")


def english_messages():
    """msgid -> msgstr of the compiled English catalogue the server uses (so copy edits of the
    translation do not break the test, but an untranslated page does)."""
    import polib
    from django.conf import settings

    path = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES" / "django.mo"
    if not path.exists():
        pytest.fail(f"English messages are not compiled ({path} missing): run `make messages`")
    catalog = {entry.msgid: entry.msgstr for entry in polib.mofile(str(path))}

    def english(msgid: str) -> str:
        text = catalog.get(msgid)
        assert text and text != msgid, f"no English translation for {msgid!r}"
        return text

    return english


def open_all_details(page):
    page.locator("details").evaluate_all("els => els.forEach(el => { el.open = true; })")


def section(page, heading: str):
    """The <section> whose heading is exactly ``heading``."""
    return page.locator("section").filter(has=page.get_by_role("heading", name=heading, exact=True))


def message(page):
    return page.locator("ul.messages")


def status_badge(page):
    return page.locator("main .badge[class*=' s-']").first


def act(page, button: str, *, note: str | None = None, note_label: str | None = None):
    """Press an action button on the officer's case page, with an optional note."""
    panel = page.locator("aside.actions-panel")
    if note is not None:
        panel.get_by_label(note_label).fill(note)
    panel.get_by_role("button", name=button).click()
    page.wait_for_load_state()


def open_from_queue(e2e, page, code: str, *, tab: str = "Unit saya"):
    page.goto(e2e.url("/kantor/antrean/"))
    page.get_by_role("navigation", name="Daftar").get_by_role("link", name=tab).click()
    row_link = page.locator("#queue").get_by_role("link", name=code, exact=True)
    expect(row_link).to_be_visible()
    row_link.click()
    expect(page.locator(".code-box")).to_have_text(code)


def assert_tracking_page(e2e, page, code: str, *, steps: list[str], holder: str, private: list[str]):
    """Journey 2: the public tracking page shows steps, holder and due date, and nothing personal."""
    page.goto(e2e.url(f"/lacak/{code}/"))
    expect(page.locator(".code-box")).to_have_text(code)
    expect(page.locator("aside ol.steps .step-name")).to_have_text(steps)
    facts = page.locator("dl.facts")
    expect(facts.locator("dt", has_text="Dipegang oleh").locator("+ dd")).to_have_text(holder)
    case = case_of(code)
    expect(facts.locator("dt", has_text="Target selesai").locator("+ dd")).to_have_text(
        long_date(case.due_date)
    )
    html = page.content()
    text = page.locator("body").inner_text()
    for value in private:
        assert value not in html, f"tracking page leaks {value!r}"
        assert value not in text, f"tracking page leaks {value!r}"
    return case


# --- journey 1 (+2 and the language switch): a new citizen on a phone --------------------------


def test_j1_citizen_registers_and_applies(e2e, tmp_path):
    page = e2e.phone()
    page.goto(e2e.url("/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Satu pintu")
    e2e.shot(page, "home")

    # catalogue: search box and agency filter (HTMX swaps #results)
    page.get_by_role("navigation", name="Menu utama").get_by_role("link", name="Layanan", exact=True).click()
    results = page.locator("#results")
    expect(page.get_by_role("heading", level=1)).to_have_text("Katalog layanan")
    expect(results).to_contain_text("3 layanan ditemukan")
    page.get_by_label("Cari", exact=True).fill("VILLAGE")
    expect(results).to_contain_text("1 layanan ditemukan")
    expect(results.locator("h3")).to_have_text(["Layanan VILLAGE-SVC"])
    expect(results).to_contain_text("Lewat kantor desa")
    e2e.shot(page, "catalogue-search")
    page.get_by_label("Cari", exact=True).fill("")
    expect(results).to_contain_text("3 layanan ditemukan")
    page.get_by_label("Instansi").select_option(label="Polresta")
    expect(results.locator("h3")).to_have_text(["Layanan OTHER-SVC"])
    page.get_by_label("Instansi").select_option(label="Dispendukcapil")
    expect(results.locator("h3")).to_have_text(["Layanan AGENCY-SVC", "Layanan VILLAGE-SVC"])
    expect(page).to_have_url(re.compile("instansi=DISPENDUKCAPIL"))  # hx-push-url: shareable list
    e2e.shot(page, "catalogue-agency-filter")

    # the service and its Standar Pelayanan
    results.get_by_role("link", name=re.compile("Layanan AGENCY-SVC")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Layanan AGENCY-SVC")
    expect(page.locator("ol.steps .step-name")).to_have_text(AGENCY_STEP_NAMES)
    components = page.locator("details.component")
    for i in range(components.count()):
        component = components.nth(i)
        if component.get_attribute("open") is None:
            component.locator("summary").click()
    expected = {
        "Persyaratan": "KTP-el",
        "Sistem, mekanisme dan prosedur": "Diverifikasi",
        "Jangka waktu pelayanan": "10 hari kerja sejak berkas lengkap diterima",
        "Biaya/tarif": "Rp0. Tidak dipungut biaya",
        "Produk pelayanan": "Dokumen",
        "Dasar hukum": "UU 25/2009",
        "Penanganan pengaduan, saran dan masukan": "SP4N-LAPOR!",
    }
    for label, value in expected.items():
        body = components.filter(has=page.locator("summary", has_text=label)).locator(".body")
        expect(body).to_be_visible()
        expect(body).to_contain_text(value)
    e2e.shot(page, "standar-pelayanan")

    # apply -> asked to log in -> register a new account instead
    page.get_by_role("link", name="Ajukan sekarang").click()
    expect(page).to_have_url(re.compile(r"/akun/masuk/\?next=/layanan/AGENCY-SVC/ajukan/"))
    e2e.shot(page, "login-asked")
    page.get_by_role("link", name="Daftar sebagai warga").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Daftar akun warga")
    page.get_by_label("Nama lengkap (sesuai KTP)").fill("Rina Wulandari")
    page.get_by_label(re.compile(r"^Surel\b")).fill("rina.wulandari@example.id")
    page.get_by_label("Nomor ponsel/WhatsApp").fill("0812 7777 8888")
    page.get_by_label("NIK").fill("3510245505950003")
    page.get_by_label("Desa/kelurahan domisili").select_option(label="Tamansari")
    page.get_by_label("Kata sandi").fill("Gandrung-Sewu-2026")
    e2e.shot(page, "register-filled")
    page.get_by_role("button", name="Buat akun").click()

    # back on the application form, logged in, NIK and village from the profile
    expect(page).to_have_url(re.compile(r"/layanan/AGENCY-SVC/ajukan/$"))
    expect(message(page)).to_contain_text("Akun Anda sudah dibuat")
    expect(page.get_by_label("NIK")).to_have_value("3510245505950003")
    expect(page.get_by_label("Desa/kelurahan domisili")).to_have_value(str(e2e.world.village.pk))
    page.get_by_label("Alamat (dusun, RT/RW)").fill("Dusun Krajan RT 01/RW 02")
    page.get_by_label("Keperluan").fill("Penerbitan dokumen kependudukan baru")
    page.get_by_label("Tanggal peristiwa").fill("2026-11-02")
    page.get_by_label("KTP-el").set_input_files(pdf(tmp_path, "ktp-rina.pdf", "KTP-el Rina Wulandari"))
    page.get_by_label("Pas foto").set_input_files(png(tmp_path, "pas-foto.png"))
    e2e.shot(page, "application-filled")
    page.get_by_role("button", name="Kirim permohonan").click()

    # the tracking code
    expect(page).to_have_url(re.compile(r"/saya/permohonan/[2-9AHKMRUWX]{11}/$"))
    expect(message(page)).to_contain_text(re.compile(f"Simpan kode lacak Anda: {CODE}"))
    code = page.locator(".code-box").inner_text().strip()
    assert re.fullmatch(CODE, code), code
    expect(status_badge(page)).to_have_text("Diproses")
    expect(page.locator("aside")).to_contain_text("KTP-el")
    expect(page.locator("aside")).to_contain_text("Pas foto")
    e2e.shot(page, "submitted-tracking-code")
    case = case_of(code)
    assert case.applicant_user.email == "rina.wulandari@example.id"
    assert case.form_data["purpose"] == "Penerbitan dokumen kependudukan baru"
    assert case.documents.filter(kind="requirement").count() == 2

    # journey 2: someone else, not logged in, types the code on the tracking page
    anonymous = e2e.phone()
    anonymous.goto(e2e.url("/lacak/"))
    anonymous.get_by_label("Kode lacak").fill(code.lower().replace("-", " "))
    anonymous.get_by_role("button", name="Lacak", exact=True).click()
    expect(anonymous).to_have_url(re.compile(f"/lacak/{case.tracking_code}/$"))
    assert_tracking_page(
        e2e,
        anonymous,
        code,
        steps=AGENCY_STEP_NAMES,
        holder="Dinas Kependudukan",
        private=[
            "3510245505950003",
            "Rina Wulandari",
            "Wulandari",
            "081277778888",
            "6281277778888",
            "Dusun Krajan",
            "rina.wulandari",
            "Penerbitan dokumen kependudukan baru",
        ],
    )
    expect(anonymous.locator("aside ol.steps li[aria-current=step]")).to_contain_text("Penerimaan berkas")
    e2e.shot(anonymous, "tracking-page")

    # the language switch: English, and the page keeps working
    english = english_messages()
    anonymous.get_by_label("Bahasa").select_option("en")
    anonymous.wait_for_load_state()
    expect(anonymous.locator("html")).to_have_attribute("lang", "en")
    expect(anonymous).to_have_url(re.compile(f"/lacak/{re.escape(code)}/$"))
    expect(anonymous.locator("#lang-select")).to_have_value("en")
    expect(anonymous.get_by_label(english("Bahasa"))).to_have_value("en")
    expect(anonymous.locator(".code-box")).to_have_text(code)
    expect(anonymous.locator("aside ol.steps .step-name")).to_have_text(AGENCY_STEP_NAMES)
    expect(anonymous.get_by_role("heading", name=english("Tahapan"), exact=True)).to_be_visible()
    expect(anonymous.get_by_role("heading", name=english("Riwayat"), exact=True)).to_be_visible()
    expect(anonymous.locator("dl.facts dt").nth(1)).to_have_text(english("Dipegang oleh"))
    # dates use Django's English locale ("Monday, 14 Dec 2026")
    expect(anonymous.locator("dl.facts")).to_contain_text(long_date(case.due_date, "en"))
    e2e.shot(anonymous, "english-tracking")
    anonymous.goto(e2e.url("/layanan/"))
    expect(anonymous.locator("html")).to_have_attribute("lang", "en")
    expect(anonymous.get_by_role("heading", level=1)).to_have_text(english("Katalog layanan"))
    expect(anonymous.locator("#results h3")).to_have_count(3)
    e2e.shot(anonymous, "english-catalogue")


# --- journey 3: agency officers on desktops, the citizen on a phone -----------------------------


def test_j3_agency_officers_process_cases(e2e, tmp_path):
    from tests.factories import CaseFactory

    # the citizen logs in on her phone and applies
    citizen = e2e.login(e2e.phone(), "citizen", expect_path="/saya/permohonan/")
    citizen.goto(e2e.url("/layanan/AGENCY-SVC/"))
    citizen.get_by_role("link", name="Ajukan sekarang").click()
    citizen.get_by_label("Keperluan").fill("Kartu Identitas Anak untuk Dewi")
    citizen.get_by_label("KTP-el").set_input_files(pdf(tmp_path, "ktp-siti.pdf", "KTP-el Siti Aminah"))
    citizen.get_by_role("button", name="Kirim permohonan").click()
    expect(message(citizen)).to_contain_text("Simpan kode lacak Anda")
    code = citizen.locator(".code-box").inner_text().strip()
    e2e.shot(citizen, "citizen-submitted")
    # a second application of hers, to be rejected
    other = CaseFactory(world=e2e.world)
    other_code = other.display_code

    # front office: the work queue with its tabs and filters
    front = e2e.login(e2e.desktop(), "front_office", expect_path="/kantor/antrean/")
    expect(front.get_by_role("heading", level=1)).to_have_text("Antrean kerja")
    tabs = front.get_by_role("navigation", name="Daftar")
    expect(tabs.get_by_role("link", name="Unit saya")).to_contain_text("2")
    queue = front.locator("#queue")
    expect(queue.get_by_role("link", name=code, exact=True)).to_be_visible()
    expect(queue.get_by_role("link", name=other_code, exact=True)).to_be_visible()
    expect(queue).to_contain_text("Siti Aminah")
    e2e.shot(front, "queue-unit")
    tabs.get_by_role("link", name="Milik saya").click()
    expect(queue).to_contain_text("Tidak ada permohonan di daftar ini.")
    tabs.get_by_role("link", name="Lewat batas").click()
    expect(queue).to_contain_text("Tidak ada permohonan di daftar ini.")
    tabs.get_by_role("link", name="Unit saya").click()
    front.locator("#layanan").select_option(label="Layanan AGENCY-SVC")
    expect(front).to_have_url(re.compile("layanan=AGENCY-SVC"))
    expect(queue.locator("tbody tr")).to_have_count(2)

    # the case: form data, documents, history; claim, verify, forward
    queue.get_by_role("link", name=code, exact=True).click()
    expect(front.locator(".code-box")).to_have_text(code)
    expect(section(front, "Isian permohonan")).to_contain_text("Kartu Identitas Anak untuk Dewi")
    expect(section(front, "Pemohon")).to_contain_text("Siti Aminah")
    documents = section(front, "Dokumen")
    expect(documents.get_by_role("link", name="KTP-el")).to_be_visible()
    expect(section(front, "Riwayat")).to_contain_text("Diajukan")
    e2e.shot(front, "case-detail")
    with front.expect_download() as download:
        documents.get_by_role("link", name="KTP-el").click()
    assert download.value.path().read_bytes().startswith(b"%PDF")
    act(front, "Ambil (tangani sendiri)")
    expect(message(front)).to_contain_text("Permohonan masuk ke daftar Anda.")
    act(
        front,
        "Berkas lengkap dan benar — tandai terverifikasi",
        note="KTP cocok dengan data",
        note_label="Catatan verifikasi (opsional)",
    )
    expect(status_badge(front)).to_have_text("Terverifikasi")
    front.goto(e2e.url("/kantor/antrean/?tab=mine"))
    expect(queue.get_by_role("link", name=code, exact=True)).to_be_visible()
    front.goto(e2e.url("/kantor/antrean/"))
    front.locator("#status").select_option(label="Terverifikasi")
    expect(queue.locator("tbody tr")).to_have_count(1)
    expect(queue.get_by_role("link", name=code, exact=True)).to_be_visible()
    e2e.shot(front, "queue-filter-verified")
    queue.get_by_role("link", name=code, exact=True).click()
    act(front, "Teruskan: Verifikasi data")
    expect(message(front)).to_contain_text("diteruskan")
    expect(front.locator("dl.facts").first).to_contain_text("Verifikasi data")
    e2e.shot(front, "forwarded")

    # the other case is rejected with a reason
    open_from_queue(e2e, front, other_code)
    front.locator("summary", has_text="Tolak permohonan").click()
    front.get_by_label("Alasan penolakan (dibaca pemohon)").fill(
        "Data ganda: permohonan yang sama sudah terdaftar."
    )
    front.once("dialog", lambda dialog: dialog.accept())
    act(front, "Tolak")
    expect(status_badge(front)).to_have_text("Ditolak")
    e2e.shot(front, "rejected")

    # the verifier returns the case for revision
    verifier = e2e.login(e2e.desktop(), "verifier")
    open_from_queue(e2e, verifier, code)
    expect(section(verifier, "Riwayat")).to_contain_text("KTP cocok dengan data")
    verifier.locator("summary", has_text="Kembalikan ke pemohon untuk perbaikan").click()
    verifier.get_by_label("Apa yang harus diperbaiki? (dibaca pemohon)").fill(
        "Foto KTP buram, unggah ulang yang jelas."
    )
    act(verifier, "Kembalikan")
    expect(status_badge(verifier)).to_have_text("Dikembalikan untuk perbaikan")
    e2e.shot(verifier, "returned")

    # the citizen sees the reason and answers with a note and a new document
    citizen.goto(e2e.url("/saya/permohonan/"))
    rows = citizen.locator("table.list tbody tr")
    expect(rows.filter(has_text=code)).to_contain_text("Dikembalikan untuk perbaikan")
    expect(rows.filter(has_text=code)).to_contain_text("Anda (perbaiki berkas)")
    expect(rows.filter(has_text=other_code)).to_contain_text("Ditolak")
    e2e.shot(citizen, "my-cases")
    citizen.get_by_role("link", name=code, exact=True).click()
    revision = citizen.locator("#revisi")
    expect(revision).to_contain_text("Foto KTP buram, unggah ulang yang jelas.")
    e2e.shot(citizen, "revision-requested")
    revision.get_by_label("Jelaskan perbaikan yang Anda lakukan").fill("Sudah saya foto ulang dengan terang.")
    revision.locator("summary", has_text="Unggah dokumen pengganti").click()
    revision.get_by_label("KTP-el").set_input_files(pdf(tmp_path, "ktp-siti-jelas.pdf", "KTP-el jelas"))
    revision.get_by_role("button", name="Kirim perbaikan").click()
    expect(message(citizen)).to_contain_text("Perbaikan terkirim")
    expect(status_badge(citizen)).to_have_text("Diproses")
    expect(citizen.locator("aside")).to_contain_text("(diganti)")
    e2e.shot(citizen, "revision-sent")
    # ... and finds the reason for the rejection of the other case
    citizen.goto(e2e.url(f"/saya/permohonan/{other.tracking_code}/"))
    expect(status_badge(citizen)).to_have_text("Ditolak")
    expect(citizen.locator("ul.timeline")).to_contain_text(
        "Data ganda: permohonan yang sama sudah terdaftar."
    )
    e2e.shot(citizen, "rejected-reason")

    # verifier: verify and forward; approver approves
    verifier.reload()
    expect(status_badge(verifier)).to_have_text("Diproses")
    expect(section(verifier, "Riwayat")).to_contain_text("Sudah saya foto ulang dengan terang.")
    act(verifier, "Berkas lengkap dan benar — tandai terverifikasi")
    act(verifier, "Teruskan: Persetujuan")
    expect(message(verifier)).to_contain_text("diteruskan")
    approver = e2e.login(e2e.desktop(), "approver")
    open_from_queue(e2e, approver, code)
    act(approver, "Setujui", note="Disetujui kepala dinas", note_label="Catatan persetujuan (opsional)")
    expect(message(approver)).to_contain_text("disetujui")
    e2e.shot(approver, "approved")

    # front office issues the output: generated, numbered and signed by Pintu
    open_from_queue(e2e, front, code)
    expect(front.locator("dl.facts").first).to_contain_text("Penerbitan")
    act(front, "Terbitkan dan tandatangani dokumen")
    expect(message(front)).to_contain_text("Dokumen hasil diterbitkan dan ditandatangani secara elektronik.")
    expect(status_badge(front)).to_have_text("Selesai")
    issued = case_of(code).documents.get(kind="output").issued
    expect(front.locator("main")).to_contain_text(issued.number)
    e2e.shot(front, "issued")

    # the citizen sees it finished, downloads the signed PDF and checks it on the public page
    citizen.goto(e2e.url(f"/saya/permohonan/{case_of(code).tracking_code}/"))
    expect(status_badge(citizen)).to_have_text("Selesai")
    output = section(citizen, "Dokumen hasil").get_by_role("link", name=re.compile("Unduh PDF"))
    expect(output).to_be_visible()
    expect(section(citizen, "Dokumen hasil")).to_contain_text("ditandatangani secara elektronik")
    e2e.shot(citizen, "finished")
    with citizen.expect_download() as download:
        output.click()
    assert download.value.suggested_filename == f"dokumen-{issued.code}.pdf"
    signed = download.value.path().read_bytes()
    assert signed.startswith(b"%PDF") and b"/ETSI.CAdES.detached" in signed
    assert case_of(code).status == "completed"
    section(citizen, "Dokumen hasil").get_by_role("link", name="halaman verifikasi").click()
    expect(citizen.locator("main")).to_contain_text("Dokumen asli dan berlaku")
    expect(citizen.locator("main")).to_contain_text(issued.number)
    expect(citizen.locator("main")).not_to_contain_text(case_of(code).applicant_name)
    citizen.get_by_label("Berkas PDF yang Anda terima").set_input_files(download.value.path())
    citizen.get_by_role("button", name="Cocokkan").click()
    expect(citizen.get_by_role("status").filter(has_text="Cocok.")).to_be_visible()
    e2e.shot(citizen, "verified")


# --- journey 4: Smart Kampung, the village office as the front door -----------------------------


def test_j4_village_front_door(e2e, tmp_path):
    operator = e2e.login(e2e.desktop(), "village_operator", expect_path="/kantor/antrean/")
    operator.get_by_role("navigation", name="Menu kantor").get_by_role("link", name="Permohonan baru").click()
    expect(operator.get_by_role("heading", level=1)).to_have_text("Permohonan baru untuk warga")
    operator.get_by_role("link", name=re.compile("Layanan VILLAGE-SVC")).click()
    expect(operator.get_by_role("heading", level=1)).to_have_text("Layanan VILLAGE-SVC")
    expect(operator.locator("main")).to_contain_text("Diajukan oleh Kantor Desa")
    operator.get_by_label("Nama lengkap pemohon").fill("Sumarni Hadi")
    operator.get_by_label("NIK pemohon").fill("3510241203900007")
    operator.get_by_label("Ponsel/WhatsApp pemohon").fill("0813 3344 5566")
    operator.get_by_label("Alamat (dusun, RT/RW)").fill("Dusun Sukorejo RT 03/RW 01")
    operator.get_by_label("Keperluan").fill("Surat keterangan pindah")
    operator.get_by_label("KTP-el").set_input_files(pdf(tmp_path, "ktp-sumarni.pdf", "KTP-el scan"))
    e2e.shot(operator, "walk-in-form")
    operator.get_by_role("button", name="Kirim permohonan").click()
    expect(message(operator)).to_contain_text(re.compile(f"Permohonan {CODE} terkirim"))
    code = operator.locator(".code-box").inner_text().strip()
    case = case_of(code)
    assert case.channel == "village"
    assert case.current_owner_id == e2e.world.village_office.pk
    expect(operator.locator("dl.facts").first).to_contain_text("Pemeriksaan di desa")
    e2e.shot(operator, "walk-in-submitted")

    # the first step belongs to the village: it is in the operator's queue
    operator.goto(e2e.url("/kantor/antrean/?tab=mine"))
    row = operator.locator("#queue tbody tr").filter(has_text=code)
    expect(row).to_contain_text("Pemeriksaan di desa")
    expect(row).to_contain_text("Sumarni Hadi")
    e2e.shot(operator, "village-queue")
    row.get_by_role("link", name=code).click()
    act(operator, "Berkas lengkap dan benar — tandai terverifikasi")
    act(operator, "Teruskan: Rekomendasi camat")
    expect(message(operator)).to_contain_text("diteruskan")

    # the camat approves
    camat = e2e.login(e2e.desktop(), "district_officer")
    open_from_queue(e2e, camat, code)
    expect(camat.locator("dl.facts").first).to_contain_text("Rekomendasi camat")
    act(camat, "Setujui")
    expect(message(camat)).to_contain_text("disetujui")
    e2e.shot(camat, "camat-approved")

    # journey 2 mid-way: the public page shows where it is, and nothing personal
    anonymous = e2e.phone()
    assert_tracking_page(
        e2e,
        anonymous,
        code,
        steps=VILLAGE_STEP_NAMES,
        holder="Dinas Kependudukan",
        private=[
            "3510241203900007",
            "Sumarni",
            "6281333445566",
            "0813 3344 5566",
            "Sukorejo",
            "Surat keterangan pindah",
        ],
    )
    expect(anonymous.locator("aside ol.steps li[aria-current=step]")).to_contain_text("Verifikasi data")
    expect(anonymous.locator("aside ol.steps li").first).to_contain_text("Kantor Desa Tamansari")
    e2e.shot(anonymous, "tracking-at-agency")

    # the agency processes it to issuance
    verifier = e2e.login(e2e.desktop(), "verifier")
    open_from_queue(e2e, verifier, code)
    act(verifier, "Berkas lengkap dan benar — tandai terverifikasi")
    act(verifier, "Teruskan: Persetujuan")
    approver = e2e.login(e2e.desktop(), "approver")
    open_from_queue(e2e, approver, code)
    act(approver, "Setujui")
    front = e2e.login(e2e.desktop(), "front_office")
    open_from_queue(e2e, front, code)
    act(front, "Terbitkan dan tandatangani dokumen")
    expect(status_badge(front)).to_have_text("Siap diserahkan")
    e2e.shot(front, "issued-ready-for-handover")

    # back at the village: "Siap diserahkan", hand-over recorded
    operator.goto(e2e.url("/kantor/desa/"))
    tabs = operator.locator("main nav.tabs").last
    expect(tabs.get_by_role("link", name="Siap diserahkan")).to_have_attribute("aria-current", "page")
    expect(tabs.get_by_role("link", name="Siap diserahkan")).to_contain_text("1")
    row = operator.locator("table.list tbody tr").filter(has_text=code)
    expect(row).to_contain_text("Siap diserahkan")
    expect(row).to_contain_text("Sumarni Hadi")
    e2e.shot(operator, "village-ready")
    row.get_by_role("link", name=code).click()
    act(
        operator,
        "Serahkan kepada pemohon",
        note="Diterima Sumarni Hadi sendiri",
        note_label="Diterima oleh (nama dan catatan)",
    )
    expect(message(operator)).to_contain_text("Penyerahan dokumen tercatat")
    expect(status_badge(operator)).to_have_text("Selesai")
    e2e.shot(operator, "handed-over")
    operator.goto(e2e.url("/kantor/desa/?tab=done"))
    expect(operator.locator("table.list")).to_contain_text(code)
    assert case_of(code).status == "completed"


# --- phone-first and accessibility checks over the pages the journeys pass through -------------


def test_j5_phone_layout_and_labels(e2e):
    """No sideways scrolling on a 390px phone, every form control labelled, every ARIA or label
    reference pointing at something. Runs over all pages first and reports every finding."""
    from tests.factories import CaseFactory

    world = e2e.world
    returned = CaseFactory(world=world, state="returned")
    rejected = CaseFactory(world=world, state="rejected")
    completed = CaseFactory(world=world, state="completed")
    village_case = CaseFactory(world=world, service="village", channel="village", state="issued")
    findings: list[str] = []

    def visit(page, path: str, step: str, *, prepare=None):
        page.goto(e2e.url(path))
        if prepare:
            prepare(page)
        findings.extend(e2e.audit(page, f"{step} ({path})"))
        e2e.shot(page, step)

    anonymous = e2e.phone()
    visit(anonymous, "/", "home")
    visit(anonymous, "/layanan/", "catalogue")
    visit(
        anonymous,
        "/layanan/AGENCY-SVC/",
        "service",
        prepare=open_all_details,
    )
    visit(anonymous, "/akun/masuk/", "login")
    visit(anonymous, "/akun/daftar/", "register")
    visit(anonymous, "/lacak/", "track-form")
    visit(anonymous, f"/lacak/{returned.tracking_code}/", "track-returned")
    visit(anonymous, f"/lacak/{village_case.tracking_code}/", "track-village-ready")

    citizen = e2e.login(e2e.phone(), "citizen")

    def submit_empty(page):
        page.get_by_role("button", name="Kirim permohonan").click()
        expect(page.locator(".errorlist").first).to_be_visible()

    visit(citizen, "/layanan/VILLAGE-SVC/ajukan/", "apply-errors", prepare=submit_empty)
    visit(citizen, "/saya/permohonan/", "my-cases")
    visit(
        citizen,
        f"/saya/permohonan/{returned.tracking_code}/",
        "my-case-returned",
        prepare=lambda p: p.locator("#revisi summary").click(),
    )
    visit(citizen, f"/saya/permohonan/{rejected.tracking_code}/", "my-case-rejected")
    visit(citizen, f"/saya/permohonan/{completed.tracking_code}/", "my-case-completed")

    operator_phone = e2e.login(e2e.phone(), "village_operator")
    visit(operator_phone, "/kantor/antrean/", "operator-queue-phone")
    visit(operator_phone, "/kantor/desa/", "operator-village-phone")
    visit(operator_phone, "/kantor/permohonan/baru/VILLAGE-SVC/", "operator-new-case-phone")
    officer = e2e.login(e2e.desktop(), "verifier")
    visit(officer, "/kantor/antrean/", "verifier-queue")
    resubmitted = CaseFactory(world=world, state="forwarded")
    visit(
        officer,
        f"/kantor/permohonan/{resubmitted.tracking_code}/",
        "verifier-case",
        prepare=open_all_details,
    )

    assert not findings, "layout/accessibility problems:\n- " + "\n- ".join(findings)
