"""Siskeudes-compatible export (column layout of siskeudes_export_tables.csv) and idempotent import."""

import csv
import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum
from django.urls import reverse

from pintu.audit.models import AuditEntry
from pintu.core.errors import PermissionDenied, ValidationFailed
from pintu.core.tasks import run_pending_tasks
from pintu.village_finance import selectors
from pintu.village_finance import services as vf
from pintu.village_finance.constants import Book
from pintu.village_finance.models import (
    Activity,
    BudgetLine,
    FiscalYear,
    JournalEntry,
    JournalLine,
    Panjar,
    PanjarItem,
    PaymentEvent,
    PaymentRequest,
    PlanActivity,
    SiskeudesImportJob,
)
from pintu.village_finance.siskeudes import columns, export_zip, import_budget, kd_desa
from pintu.village_finance.siskeudes_import import import_year
from tests import village_finance_fixtures as _vff
from tests.village_finance_fixtures import YEAR, adopt, fund

fin = _vff.fin
finance_world = _vff.finance_world


def _tables(data: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            name.removesuffix(".csv"): list(csv.DictReader(io.StringIO(archive.read(name).decode())))
            for name in archive.namelist()
        }


def test_export_uses_the_siskeudes_columns(fin):
    adopt(fin)
    fund(fin)
    tables = _tables(export_zip(fin.fiscal_year))
    layout = columns()
    for name in ("Ta_Kegiatan", "Ta_RAB", "Ta_RABRinci", "Ta_SPP", "Ta_TBPRinci", "Ref_Sumber"):
        with zipfile.ZipFile(io.BytesIO(export_zip(fin.fiscal_year))) as archive:
            header = archive.read(f"{name}.csv").decode().splitlines()[0].split(",")
        assert header == layout[name], name
    assert kd_desa("35.10.24.2008") == "24.2008."
    keg = {r["ID_Keg"]: r for r in tables["Ta_Kegiatan"]}
    assert keg["02.03.01"]["Kd_Keg"] == "24.2008.02.03.01." and keg["02.03.01"]["Pagu"] == "500000000"
    total = sum(int(r["Anggaran"]) for r in tables["Ta_RABRinci"] if r["Kd_Rincian"].startswith("5"))
    assert total == 1_550_000_000
    assert tables["Ta_TBPRinci"][0]["nilai"] == "500000000"


def test_import_round_trip_is_idempotent(fin):
    adopt(fin)
    data = export_zip(fin.fiscal_year)
    t = fin.users["treasurer"]
    target = vf.fiscal_year_open(actor=t, village=fin.world.village, year=2027)
    counts = import_budget(actor=t, fiscal_year=target, data=data)
    draft = target.budgets.get()
    assert counts["lines"] == BudgetLine.objects.filter(budget=fin.budget).count()
    draft.refresh_from_db()
    assert (draft.income_total, draft.spending_total) == (fin.budget.income_total, fin.budget.spending_total)
    assert Activity.objects.filter(budget=draft).count() == Activity.objects.filter(budget=fin.budget).count()
    before = (PlanActivity.objects.count(), BudgetLine.objects.filter(budget=draft).count())
    again = import_budget(actor=t, fiscal_year=target, data=data)
    assert (
        again["lines"] == 0
        and (PlanActivity.objects.count(), BudgetLine.objects.filter(budget=draft).count()) == before
    )


# --- import of the whole year (budget + execution) ------------------------------------------------


def _books(fy) -> dict:
    out = {}
    for book in Book.values:
        for month in range(1, 13):
            row = JournalLine.objects.filter(fiscal_year=fy, book=book, date__month=month).aggregate(
                d=Sum("debit"), c=Sum("credit")
            )
            if row["d"] or row["c"]:
                out[(book, month)] = (row["d"], row["c"])
    return out


def _report(fy) -> dict:
    fy = FiscalYear.objects.select_related("effective_budget").get(pk=fy.pk)
    report = selectors.realisation_report(fy)
    return {
        "accounts": [(r.code, r.budget, r.realised) for r in report["accounts"]],
        "bidang": [(r.code, r.name, r.budget, r.realised) for r in report["bidang"]],
        "counters": [
            getattr(fy, f)
            for f in (
                "realised_income",
                "realised_spending",
                "realised_financing_in",
                "realised_financing_out",
                "realised_dana_desa",
            )
        ],
        "entries": sorted(JournalEntry.objects.filter(fiscal_year=fy).values_list("kind", "date")),
        "spp": sorted(PaymentRequest.objects.filter(fiscal_year=fy).values_list("status", "amount")),
        "panjar": _panjar_states(fy),
    }


def _panjar_states(fy) -> list:
    return sorted(
        (
            p.status,
            p.book,
            p.recipient,
            p.amount,
            p.accounted,
            p.returned,
            p.given_on,
            p.settled_on,
            p.plan.kind.siskeudes_code,
            sorted((i.line.account.code, i.amount, i.tax_withheld, i.payee) for i in p.items.all()),
        )
        for p in Panjar.objects.filter(fiscal_year=fy)
        .select_related("plan__kind")
        .prefetch_related("items__line__account")
    )


def _run_books(fin):
    """A year of execution: receipts, transfers, paid and unpaid SPP with taxes, a remittance,
    a financing payment and a corrected payment."""
    u = fin.users
    fy, L = fin.fiscal_year, fin.lines
    fund(fin, 600_000_000, on=dt.date(YEAR, 2, 2))
    vf.income_receive(
        actor=u["treasurer"],
        fiscal_year=fy,
        line=L["pad"],
        amount=20_000_000,
        received_on=dt.date(YEAR, 2, 3),
        book=Book.CASH,
        description="Sewa tanah kas desa",
        counterparty="Pak Darto",
    )
    vf.income_receive(
        actor=u["treasurer"],
        fiscal_year=fy,
        line=L["silpa"],
        amount=100_000_000,
        received_on=dt.date(YEAR, 2, 3),
    )
    vf.book_transfer(
        actor=u["treasurer"],
        fiscal_year=fy,
        from_book=Book.BANK,
        to_book=Book.CASH,
        amount=30_000_000,
        moved_on=dt.date(YEAR, 2, 4),
    )

    def spp(line, amount, on, taxes=None, pay=True, book=Book.BANK):
        s = vf.spp_create(
            actor=u["treasurer"],
            fiscal_year=fy,
            line=line,
            amount=amount,
            description=f"Bayar {line.description}",
            payee="CV Maju",
            taxes=taxes,
            requested_on=on,
        )
        s = vf.spp_verify(actor=u["secretary"], spp=s)
        s = vf.spp_approve(actor=u["village_head"], spp=s)
        if pay:
            return vf.spp_pay(actor=u["treasurer"], spp=s, book=book, paid_on=on + dt.timedelta(days=1))
        return s

    spp(L["jalan"], 200_000_000, dt.date(YEAR, 3, 2), taxes={"ppn": 20_000_000, "pph22": 3_000_000})
    spp(L["kades"], 3_000_000, dt.date(YEAR, 3, 5), book=Book.CASH)
    wrong = spp(L["atk"], 1_500_000, dt.date(YEAR, 3, 6))
    spp(L["blt"], 18_000_000, dt.date(YEAR, 4, 1), pay=False)
    vf.tax_remit(
        actor=u["treasurer"],
        fiscal_year=fy,
        kind="ppn",
        amount=20_000_000,
        paid_on=dt.date(YEAR, 3, 10),
        ntpn="123",
    )
    vf.financing_pay(
        actor=u["treasurer"], fiscal_year=fy, line=L["modal"], amount=50_000_000, paid_on=dt.date(YEAR, 4, 2)
    )
    vf.entry_reverse(
        actor=u["treasurer"], entry=wrong, reason="Salah rekening", reversed_on=dt.date(YEAR, 4, 5)
    )
    # a settled panjar: given in cash, accounted with taxes in two SPJ, the rest returned
    settled = vf.panjar_give(
        actor=u["treasurer"],
        fiscal_year=fy,
        activity=fin.activities["jalan"],
        recipient="Sutrisno (TPK)",
        amount=12_000_000,
        given_on=dt.date(YEAR, 4, 10),
    )
    vf.panjar_account(
        actor=u["treasurer"],
        panjar=settled,
        items=[
            {
                "line": L["jalan"],
                "amount": 6_000_000,
                "payee": "Toko Bangunan Makmur",
                "description": "Semen 100 sak",
                "taxes": {"ppn": 545_454, "pph22": 81_818},
            },
            {"line": L["jalan"], "amount": 1_500_000, "payee": "Pak Slamet", "description": "Upah tukang"},
        ],
        accounted_on=dt.date(YEAR, 4, 15),
    )
    vf.panjar_account(
        actor=u["treasurer"],
        panjar=settled,
        items=[{"line": L["jalan"], "amount": 2_000_000, "payee": "CV Pasir", "taxes": {"pph23": 40_000}}],
        accounted_on=dt.date(YEAR, 4, 20),
    )
    vf.panjar_close(actor=u["treasurer"], panjar=settled, closed_on=dt.date(YEAR, 4, 22))
    # an open panjar, partly accounted for on two lines of one activity
    open_ = vf.panjar_give(
        actor=u["treasurer"],
        fiscal_year=fy,
        activity=fin.activities["perangkat"],
        recipient="Bu Sari (Kaur Umum)",
        amount=5_000_000,
        book=Book.BANK,
        given_on=dt.date(YEAR, 5, 4),
    )
    vf.panjar_account(
        actor=u["treasurer"],
        panjar=open_,
        items=[
            {"line": L["atk"], "amount": 1_200_000, "payee": "Toko ATK", "taxes": {"pph22": 18_000}},
            {"line": L["tunjangan"], "amount": 500_000, "payee": "Pak Kaur", "taxes": {"pph21": 25_000}},
        ],
        accounted_on=dt.date(YEAR, 5, 6),
    )


def _retarget(data: bytes, old: str, new: str) -> bytes:
    """The same Siskeudes data under another desa code (a regency moving a village's books)."""
    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            dst.writestr(name, src.read(name).decode().replace(old, new))
    return out.getvalue()


@pytest.fixture
def books_export(fin):
    adopt(fin)
    _run_books(fin)
    data = export_zip(fin.fiscal_year)
    other = fin.world.other_village
    return fin, _retarget(data, kd_desa(fin.world.village.code), kd_desa(other.code))


@pytest.mark.parametrize("who", ["other_treasurer", "regency_admin"])
def test_full_round_trip_reproduces_books_and_report(books_export, who):
    fin, data = books_export
    other = fin.world.other_village
    tables = _tables(data)
    for name in (
        "Ta_SPPBukti",
        "Ta_Pencairan",
        "Ta_TBP",
        "Ta_Pajak",
        "Ta_Mutasi",
        "Ta_JurnalUmum",
        "Ta_AnggaranLog",
        "Ta_SPJ",
        "Ta_SPJRinci",
        "Ta_SPJBukti",
        "Ta_SPJPot",
        "Ta_SPJSisa",
    ):
        assert tables[name], name
        assert list(tables[name][0]) == columns()[name], name
    report = import_year(actor=fin.users[who], village=other, year=YEAR, data=data)
    assert report.errors == []
    target = FiscalYear.objects.get(village=other, year=YEAR)
    assert (
        target.effective_budget.status == "adopted"
        and target.effective_budget.perdes_number == "Perdes 1/2025"
    )
    assert _report(target) == _report(fin.fiscal_year)
    assert _books(target) == _books(fin.fiscal_year)
    assert report.counts["Ta_SPP"]["imported"] == 6 and report.counts["Ta_TBP"]["imported"] == 3
    assert report.counts["Ta_SPJ"]["imported"] == 3 and report.counts["Ta_SPJSisa"]["imported"] == 1
    # the panjar came back as panjar: one settled, one open, with the Siskeudes numbers kept
    states = _panjar_states(target)
    assert [s[0] for s in states] == ["open", "settled"] and states == _panjar_states(fin.fiscal_year)
    assert all(Panjar.objects.filter(fiscal_year=target).values_list("siskeudes_ref", flat=True))
    assert sorted(
        JournalLine.objects.filter(fiscal_year=target, book=Book.TAX).values_list("tax_kind", "debit")
    ) == sorted(
        JournalLine.objects.filter(fiscal_year=fin.fiscal_year, book=Book.TAX).values_list(
            "tax_kind", "debit"
        )
    )
    assert report.counts["Ta_JurnalUmum"]["imported"] == 2
    # imported SPP are historical: approved or paid with their history, taxes kept
    road = PaymentRequest.objects.get(fiscal_year=target, amount=200_000_000)
    assert road.status == "paid" and road.paid_entry.siskeudes_ref
    assert sorted(road.taxes.values_list("kind", "amount")) == [("pph22", 3_000_000), ("ppn", 20_000_000)]
    assert list(PaymentEvent.objects.filter(request=road).values_list("action", flat=True)) == [
        "create",
        "verify",
        "approve",
        "pay",
    ]
    # again: nothing duplicated
    snapshot = (
        _report(target),
        _books(target),
        JournalEntry.objects.count(),
        PaymentRequest.objects.count(),
        Panjar.objects.count(),
        PanjarItem.objects.count(),
    )
    again = import_year(actor=fin.users[who], village=other, year=YEAR, data=data)
    assert again.errors == [] and all(c["imported"] == 0 for c in again.counts.values())
    assert (
        _report(target),
        _books(target),
        JournalEntry.objects.count(),
        PaymentRequest.objects.count(),
        Panjar.objects.count(),
        PanjarItem.objects.count(),
    ) == snapshot


def _rewrite(data: bytes, table: str, row: int, column: str, value: str) -> bytes:
    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            content = src.read(name).decode()
            if name == f"{table}.csv":
                rows = list(csv.DictReader(io.StringIO(content)))
                rows[row - 2][column] = value
                buf = io.StringIO()
                writer = csv.DictWriter(buf, fieldnames=list(rows[0]))
                writer.writeheader()
                writer.writerows(rows)
                content = buf.getvalue()
            dst.writestr(name, content)
    return out.getvalue()


def test_bad_rows_are_reported_and_good_rows_kept(books_export):
    fin, data = books_export
    other = fin.world.other_village
    data = _rewrite(data, "Ta_Mutasi", 2, "Kd_Mutasi", "9")
    data = _rewrite(data, "Ta_SPPPot", 2, "Kd_Rincian", "7.1.1.99")
    data = _rewrite(data, "Ta_TBP", 3, "Tgl_Bukti", "2019-01-01")
    report = import_year(actor=fin.users["other_treasurer"], village=other, year=YEAR, data=data)
    found = {(e.table, e.row, e.column) for e in report.errors}
    assert ("Ta_Mutasi", 2, "Kd_Mutasi") in found
    assert ("Ta_SPPPot", 2, "Kd_Rincian") in found
    assert ("Ta_TBP", 3, "Tgl_Bukti") in found
    assert all(e.message for e in report.errors)
    target = FiscalYear.objects.get(village=other, year=YEAR)
    # the failed SPP left nothing behind (no request, no entry, no tax); the others are in
    assert PaymentRequest.objects.filter(fiscal_year=target).count() == 3
    assert report.counts["Ta_SPP"]["failed"] == 2 and report.counts["Ta_SPP"]["imported"] == 4
    # the cash panjar failed (the failed Mutasi did not bring cash), so its SPJ and return did too,
    # each naming the panjar; the bank panjar is in
    assert ("Ta_SPP", 6, "No_SPP") in found and report.counts["Ta_SPJSisa"]["failed"] == 1
    assert Panjar.objects.filter(fiscal_year=target).count() == 1
    before = JournalEntry.objects.filter(fiscal_year=target).count()
    # fixing the file and importing again adds exactly the missing rows
    fixed = import_year(actor=fin.users["other_treasurer"], village=other, year=YEAR, data=books_export[1])
    assert fixed.errors == []
    assert fixed.counts["Ta_SPP"]["imported"] == 2 and fixed.counts["Ta_Mutasi"]["imported"] == 1
    assert fixed.counts["Ta_SPJ"]["imported"] == 2 and fixed.counts["Ta_SPJSisa"]["imported"] == 1
    assert _panjar_states(target) == _panjar_states(fin.fiscal_year)
    assert JournalEntry.objects.filter(fiscal_year=target).count() > before
    assert _books(target) == _books(fin.fiscal_year)


def test_import_denied_and_wrong_files_change_nothing(books_export):
    fin, data = books_export
    other = fin.world.other_village
    audits = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        import_year(actor=fin.users["treasurer"], village=other, year=YEAR, data=data)
    with pytest.raises(PermissionDenied):
        import_year(actor=fin.users["district_officer"], village=other, year=YEAR, data=data)
    with pytest.raises(ValidationFailed):
        import_year(actor=fin.users["other_treasurer"], village=other, year=YEAR, data=b"not a zip")
    with pytest.raises(ValidationFailed) as info:
        import_year(
            actor=fin.users["other_treasurer"], village=other, year=YEAR, data=export_zip(fin.fiscal_year)
        )
    assert "Kd_Desa" in str(info.value.message)
    assert not FiscalYear.objects.filter(village=other).exists()
    assert AuditEntry.objects.count() == audits


# --- upload page and background job -------------------------------------------------------------


def test_upload_page_runs_the_import_in_the_background(client, books_export):
    fin, data = books_export
    other = fin.world.other_village
    bad = _rewrite(data, "Ta_Mutasi", 2, "Kd_Mutasi", "9")
    client.force_login(fin.users["other_treasurer"])
    page = client.get(reverse("village_finance:siskeudes_import"))
    assert page.status_code == 200 and other.code in page.content.decode()
    assert fin.world.village.code not in page.content.decode()  # not the treasurer's village
    response = client.post(
        reverse("village_finance:siskeudes_import"),
        {"village": other.code, "year": YEAR, "file": SimpleUploadedFile("desa.zip", bad, "application/zip")},
    )
    job = SiskeudesImportJob.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{job.pk}/")
    assert job.status == "queued"
    run_pending_tasks()
    job.refresh_from_db()
    assert job.status == "done" and job.percent == 100
    assert job.counts["Ta_SPP"]["imported"] == 6 and job.counts["Ta_Mutasi"]["failed"] == 1
    assert job.errors == [
        {"table": "Ta_Mutasi", "row": 2, "column": "Kd_Mutasi", "message": job.errors[0]["message"]}
    ]
    partial = client.get(
        reverse("village_finance:siskeudes_import_job", args=[job.pk]), HTTP_HX_REQUEST="true"
    )
    assert "hx-get" not in partial.content.decode() and "Kd_Mutasi" in partial.content.decode()
    report = client.get(reverse("village_finance:siskeudes_import_report", args=[job.pk]))
    lines = report.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Tabel,Baris,Kolom,Alasan" and lines[1].startswith("Ta_Mutasi,2,Kd_Mutasi,")
    # another village's treasurer cannot see the job or its report
    client.force_login(fin.users["treasurer"])
    assert client.get(reverse("village_finance:siskeudes_import_job", args=[job.pk])).status_code == 404
    assert client.get(reverse("village_finance:siskeudes_import_report", args=[job.pk])).status_code == 404


def test_upload_is_type_checked_and_denied_outside_scope(client, books_export):
    fin, data = books_export
    other = fin.world.other_village
    client.force_login(fin.users["other_treasurer"])
    url = reverse("village_finance:siskeudes_import")
    fake = client.post(
        url,
        {
            "village": other.code,
            "year": YEAR,
            "file": SimpleUploadedFile("desa.zip", b"%PDF-1.4 x", "application/zip"),
        },
    )
    assert fake.status_code == 200 and "zip" in fake.content.decode()
    # a village outside the user's scope is not even a choice
    outside = client.post(
        url,
        {
            "village": fin.world.village.code,
            "year": YEAR,
            "file": SimpleUploadedFile("d.zip", data, "application/zip"),
        },
    )
    assert outside.status_code == 200
    client.force_login(fin.users["secretary"])
    assert client.get(url).status_code == 404
    assert SiskeudesImportJob.objects.count() == 0
    # the regency admin may import for any village of the regency
    client.force_login(fin.users["regency_admin"])
    ok = client.post(
        url,
        {"village": other.code, "year": YEAR, "file": SimpleUploadedFile("d.zip", data, "application/zip")},
    )
    assert ok.status_code == 302 and SiskeudesImportJob.objects.get().village == other


def test_nav_link_and_command(client, books_export, tmp_path):
    from django.core.management import call_command

    fin, data = books_export
    client.force_login(fin.users["other_treasurer"])
    assert "Impor Siskeudes" in client.get(reverse("village_finance:home")).content.decode()
    client.force_login(fin.users["secretary"])
    assert "Impor Siskeudes" not in client.get(reverse("village_finance:home")).content.decode()
    path = tmp_path / "desa.zip"
    path.write_bytes(data)
    out = io.StringIO()
    args = [
        str(path),
        "--village",
        fin.world.other_village.code,
        "--year",
        str(YEAR),
        "--as-user",
        "other_treasurer",
    ]
    call_command("siskeudes_import", *args, stdout=out)
    assert "Ta_SPP: 6 diimpor, 0 dilewati, 0 gagal" in out.getvalue()
    out = io.StringIO()
    call_command("siskeudes_import", *args, stdout=out)
    assert "Ta_SPP: 0 diimpor, 6 dilewati, 0 gagal" in out.getvalue()
