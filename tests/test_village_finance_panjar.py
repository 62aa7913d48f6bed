"""Panjar kegiatan: give to an implementer, account for it (SPJ), return the rest; books, guards,
month closing, reversal, permissions and the treasurer's page."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from pintu.audit.models import AuditEntry
from pintu.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from pintu.village_finance import services as vf
from pintu.village_finance.constants import Book, EntryKind, PanjarStatus
from pintu.village_finance.models import JournalEntry, JournalLine, Panjar, PanjarItem
from pintu.village_finance.selectors import realisation_by_key
from tests import village_finance_fixtures as _vff
from tests.village_finance_fixtures import YEAR, adopt, fund

fin = _vff.fin
finance_world = _vff.finance_world

D = Decimal
RECIPIENT = "Sutrisno (Kasi Kesejahteraan, TPK)"


def _balance(fin, book):
    return vf._book_balance(fin.fiscal_year.pk, book)


def _state(fin):
    """Everything a denied or refused action must leave unchanged."""
    fy = fin.fiscal_year
    fy.refresh_from_db()
    return (
        JournalEntry.objects.filter(fiscal_year=fy).count(),
        JournalLine.objects.filter(fiscal_year=fy).count(),
        list(Panjar.objects.filter(fiscal_year=fy).values_list("status", "accounted", "returned")),
        PanjarItem.objects.count(),
        fy.realised_spending,
    )


def _ready(fin, funded=100_000_000):
    """Adopted, funded in the bank and 20,000,000 drawn to cash."""
    adopt(fin)
    fund(fin, funded)
    vf.book_transfer(
        actor=fin.users["treasurer"],
        fiscal_year=fin.fiscal_year,
        from_book=Book.BANK,
        to_book=Book.CASH,
        amount=20_000_000,
        moved_on=dt.date(2026, 2, 3),
    )
    return fin


def _give(fin, amount=15_000_000, on=dt.date(2026, 3, 2), activity="jalan", **kw):
    return vf.panjar_give(
        actor=kw.pop("actor", fin.users["treasurer"]),
        fiscal_year=fin.fiscal_year,
        activity=fin.activities[activity],
        recipient=RECIPIENT,
        recipient_position="Kasi Kesejahteraan",
        amount=amount,
        book=Book.CASH,
        given_on=on,
        **kw,
    )


def _item(fin, amount, line="jalan", payee="Toko Bangunan Makmur", **taxes):
    return {
        "line": fin.lines[line],
        "amount": amount,
        "description": "Semen 100 sak",
        "payee": payee,
        "taxes": taxes,
    }


def test_give_account_and_close_with_worked_numbers(fin):
    fin = _ready(fin)
    t = fin.users["treasurer"]
    assert _balance(fin, Book.CASH) == D(20_000_000)

    panjar = _give(fin)
    assert panjar.number.startswith("0001/PJR/") and panjar.status == PanjarStatus.OPEN
    assert _balance(fin, Book.CASH) == D(5_000_000)
    assert _balance(fin, Book.PANJAR) == D(15_000_000)
    fin.fiscal_year.refresh_from_db()
    assert fin.fiscal_year.realised_spending == 0  # giving realises nothing

    # SPJ: cement 8,000,000 gross (PPN 800,000 + PPh 22 120,000 withheld) and wages 4,500,000.
    entry = vf.panjar_account(
        actor=t,
        panjar=panjar,
        items=[
            _item(fin, 8_000_000, ppn=800_000, pph22=120_000),
            _item(fin, "4.500.000", payee="Kelompok kerja Dusun Krajan"),
        ],
        accounted_on=dt.date(2026, 3, 10),
    )
    assert entry.kind == EntryKind.PANJAR_SPEND
    panjar.refresh_from_db()
    assert panjar.accounted == D(12_500_000) and panjar.outstanding == D(2_500_000)
    assert panjar.status == PanjarStatus.OPEN
    assert realisation_by_key(fin.fiscal_year)[fin.lines["jalan"].key] == D(12_500_000)
    fin.fiscal_year.refresh_from_db()
    assert fin.fiscal_year.realised_spending == fin.fiscal_year.realised_dana_desa == D(12_500_000)
    assert _balance(fin, Book.PANJAR) == D(2_500_000)
    assert _balance(fin, Book.TAX) == D(920_000)
    assert _balance(fin, Book.CASH) == D(5_920_000)  # the withheld tax is handed to the treasurer
    assert [i.tax_withheld for i in panjar.items.order_by("pk")] == [D(920_000), D(0)]

    closed = vf.panjar_close(actor=t, panjar=panjar, closed_on=dt.date(2026, 3, 12))
    assert closed.status == PanjarStatus.SETTLED and closed.settled_on == dt.date(2026, 3, 12)
    assert closed.returned == D(2_500_000) and closed.outstanding == 0
    assert _balance(fin, Book.PANJAR) == 0
    # 20,000,000 − 15,000,000 + 920,000 + 2,500,000; vendors got 12,500,000 − 920,000 net.
    assert _balance(fin, Book.CASH) == D(8_420_000)
    with pytest.raises(InvalidTransition):
        vf.panjar_close(actor=t, panjar=closed, closed_on=dt.date(2026, 3, 13))
    verbs = set(
        AuditEntry.objects.filter(verb__startswith="village_finance.panjar").values_list("verb", flat=True)
    )
    assert verbs == {
        "village_finance.panjar_give",
        "village_finance.panjar_account",
        "village_finance.panjar_close",
    }
    # the panjar book shows given, accounted and returned
    book = list(
        JournalLine.objects.filter(fiscal_year=fin.fiscal_year, book=Book.PANJAR)
        .order_by("pk")
        .values_list("debit", "credit")
    )
    assert book == [(15_000_000, 0), (0, 8_000_000), (0, 4_500_000), (0, 2_500_000)]


def test_fully_accounted_panjar_settles_without_a_return(fin):
    fin = _ready(fin)
    panjar = _give(fin, 5_000_000)
    vf.panjar_account(
        actor=fin.users["treasurer"],
        panjar=panjar,
        items=[_item(fin, 5_000_000)],
        accounted_on=dt.date(2026, 3, 3),
    )
    panjar.refresh_from_db()
    assert panjar.status == PanjarStatus.SETTLED and panjar.returned == 0
    assert panjar.settled_on == dt.date(2026, 3, 3)


def test_accounted_spending_cannot_exceed_the_panjar(fin):
    fin = _ready(fin)
    panjar = _give(fin, 5_000_000)
    before = _state(fin)
    with pytest.raises(ValidationFailed) as exc:
        vf.panjar_account(
            actor=fin.users["treasurer"],
            panjar=panjar,
            items=[_item(fin, 3_000_000), _item(fin, 2_000_001)],
            accounted_on=dt.date(2026, 3, 4),
        )
    assert exc.value.code == "panjar.exceeds_advance"
    assert _state(fin) == before


def test_accounted_spending_cannot_exceed_the_line(fin):
    """The panjar still holds money, but the line is almost spent by an SPP paid meanwhile."""
    fin = _ready(fin, funded=600_000_000)
    u = fin.users
    panjar = _give(fin, 10_000_000)
    line = fin.lines["jalan"]  # 500,000,000
    spp = vf.spp_create(
        actor=u["treasurer"],
        fiscal_year=fin.fiscal_year,
        line=line,
        amount=495_000_000,
        description="Pekerjaan rabat beton",
        payee="CV Karya",
        requested_on=dt.date(2026, 3, 5),
    )
    vf.spp_verify(actor=u["secretary"], spp=spp)
    vf.spp_approve(actor=u["village_head"], spp=spp)
    vf.spp_pay(actor=u["treasurer"], spp=spp, book=Book.BANK, paid_on=dt.date(2026, 3, 5))
    before = _state(fin)
    with pytest.raises(Conflict) as exc:
        vf.panjar_account(
            actor=u["treasurer"],
            panjar=panjar,
            items=[_item(fin, 6_000_000)],
            accounted_on=dt.date(2026, 3, 6),
        )
    assert exc.value.code == "spp.exceeds_budget"
    assert _state(fin) == before
    # two items on the same line are checked together
    with pytest.raises(Conflict):
        vf.panjar_account(
            actor=u["treasurer"],
            panjar=panjar,
            items=[_item(fin, 3_000_000), _item(fin, 2_000_001)],
            accounted_on=dt.date(2026, 3, 6),
        )
    assert _state(fin) == before
    vf.panjar_account(
        actor=u["treasurer"], panjar=panjar, items=[_item(fin, 5_000_000)], accounted_on=dt.date(2026, 3, 6)
    )
    assert realisation_by_key(fin.fiscal_year)[line.key] == D(500_000_000)


def test_items_must_be_lines_of_the_panjar_activity(fin):
    fin = _ready(fin)
    panjar = _give(fin, 5_000_000)
    before = _state(fin)
    with pytest.raises(ValidationFailed) as exc:
        vf.panjar_account(
            actor=fin.users["treasurer"],
            panjar=panjar,
            items=[_item(fin, 1_000_000, line="blt")],
            accounted_on=dt.date(2026, 3, 4),
        )
    assert "items.1" in exc.value.fields
    with pytest.raises(ValidationFailed):  # taxes above the gross
        vf.panjar_account(
            actor=fin.users["treasurer"],
            panjar=panjar,
            items=[_item(fin, 1_000_000, ppn=1_000_001)],
            accounted_on=dt.date(2026, 3, 4),
        )
    with pytest.raises(ValidationFailed):  # before the panjar was given
        vf.panjar_account(
            actor=fin.users["treasurer"],
            panjar=panjar,
            items=[_item(fin, 1_000_000)],
            accounted_on=dt.date(2026, 3, 1),
        )
    assert _state(fin) == before


def test_give_is_checked_against_activity_budget_and_cash(fin):
    fin = _ready(fin)
    before = _state(fin)
    with pytest.raises(ValidationFailed) as exc:  # more than the cash holds
        _give(fin, 20_000_001)
    assert exc.value.code == "book.insufficient"
    with pytest.raises(ValidationFailed) as exc:  # BLT activity is 216,000,000
        _give(fin, 216_000_001, activity="blt")
    assert exc.value.code == "panjar.exceeds_budget"
    with pytest.raises(ValidationFailed):
        _give(fin, 0)
    with pytest.raises(ValidationFailed) as exc:  # the old transfer path no longer gives panjar
        vf.book_transfer(
            actor=fin.users["treasurer"],
            fiscal_year=fin.fiscal_year,
            from_book=Book.CASH,
            to_book=Book.PANJAR,
            amount=1_000_000,
            moved_on=dt.date(2026, 3, 2),
        )
    assert _state(fin) == before


def test_panjar_before_adoption_is_refused(fin):
    before = _state(fin)
    with pytest.raises(ValidationFailed):
        _give(fin, 1_000_000)
    assert _state(fin) == before


@pytest.mark.parametrize(
    "who", ["secretary", "village_head", "other_treasurer", "district_officer", "regency_admin"]
)
def test_only_the_village_treasurer_handles_panjar(fin, who):
    fin = _ready(fin)
    panjar = _give(fin, 5_000_000)
    before = _state(fin)
    actor = fin.users[who]
    with pytest.raises(PermissionDenied):
        _give(fin, 1_000_000, actor=actor)
    with pytest.raises(PermissionDenied):
        vf.panjar_account(
            actor=actor, panjar=panjar, items=[_item(fin, 1_000_000)], accounted_on=dt.date(2026, 3, 4)
        )
    with pytest.raises(PermissionDenied):
        vf.panjar_close(actor=actor, panjar=panjar, closed_on=dt.date(2026, 3, 4))
    assert _state(fin) == before


def test_month_close_refuses_an_open_panjar_from_an_earlier_month(fin):
    fin = _ready(fin)
    t, fy = fin.users["treasurer"], fin.fiscal_year
    panjar = _give(fin, 5_000_000, on=dt.date(2026, 3, 20))
    vf.month_close(actor=t, fiscal_year=fy, month=3)  # given this month: may still be open
    with pytest.raises(ValidationFailed) as exc:
        vf.month_close(actor=t, fiscal_year=fy, month=4)
    assert exc.value.code == "panjar.open" and panjar.number in str(exc.value.message)
    assert not fy.closings.filter(month=4).exists()
    with pytest.raises(ValidationFailed):  # March is closed: the SPJ is dated in April
        vf.panjar_account(
            actor=t, panjar=panjar, items=[_item(fin, 1_000_000)], accounted_on=dt.date(2026, 3, 25)
        )
    vf.panjar_account(actor=t, panjar=panjar, items=[_item(fin, 1_000_000)], accounted_on=dt.date(2026, 4, 2))
    vf.panjar_close(actor=t, panjar=panjar, closed_on=dt.date(2026, 4, 2))
    assert vf.month_close(actor=t, fiscal_year=fy, month=4).month == 4


def test_year_end_close_refuses_any_open_panjar(fin):
    fin = _ready(fin)
    t, fy = fin.users["treasurer"], fin.fiscal_year
    panjar = _give(fin, 5_000_000, on=dt.date(2026, 12, 10))
    with pytest.raises(ValidationFailed) as exc:
        vf.month_close(actor=t, fiscal_year=fy, month=12)
    assert exc.value.code == "panjar.open"
    vf.panjar_close(actor=t, panjar=panjar, closed_on=dt.date(2026, 12, 30))
    assert vf.month_close(actor=t, fiscal_year=fy, month=12).cash_balance == D(20_000_000)


def test_reversing_an_spj_reopens_the_panjar_and_restores_the_line(fin):
    fin = _ready(fin)
    t = fin.users["treasurer"]
    panjar = _give(fin, 5_000_000)
    entry = vf.panjar_account(
        actor=t, panjar=panjar, items=[_item(fin, 5_000_000, pph22=75_000)], accounted_on=dt.date(2026, 3, 3)
    )
    panjar.refresh_from_db()
    assert panjar.status == PanjarStatus.SETTLED
    with pytest.raises(Conflict):  # the give cannot be undone while spending hangs on it
        vf.entry_reverse(actor=t, entry=panjar.given_entry, reason="salah", reversed_on=dt.date(2026, 3, 4))
    vf.entry_reverse(actor=t, entry=entry, reason="nota ganda", reversed_on=dt.date(2026, 3, 4))
    panjar.refresh_from_db()
    assert panjar.status == PanjarStatus.OPEN and panjar.accounted == 0 and panjar.settled_on is None
    assert realisation_by_key(fin.fiscal_year)[fin.lines["jalan"].key] == 0
    assert _balance(fin, Book.PANJAR) == D(5_000_000) and _balance(fin, Book.TAX) == 0
    closed = vf.panjar_close(actor=t, panjar=panjar, closed_on=dt.date(2026, 3, 5))
    vf.entry_reverse(
        actor=t, entry=closed.closed_entry, reason="belum kembali", reversed_on=dt.date(2026, 3, 6)
    )
    panjar.refresh_from_db()
    assert panjar.status == PanjarStatus.OPEN and panjar.returned == 0 and panjar.closed_entry_id is None
    vf.panjar_close(actor=t, panjar=panjar, closed_on=dt.date(2026, 3, 7))
    panjar.refresh_from_db()
    vf.entry_reverse(actor=t, entry=panjar.closed_entry, reason="x", reversed_on=dt.date(2026, 3, 8))
    vf.entry_reverse(actor=t, entry=panjar.given_entry, reason="batal", reversed_on=dt.date(2026, 3, 8))
    panjar.refresh_from_db()
    assert panjar.status == PanjarStatus.CANCELLED
    assert _balance(fin, Book.PANJAR) == 0 and _balance(fin, Book.CASH) == D(20_000_000)


# --- the treasurer's page -------------------------------------------------------------------------


def _url(fin, *rest):
    return reverse("village_finance:panjar_list", args=[fin.world.village.code, YEAR])


def test_panjar_page_give_account_and_close(client, fin):
    fin = _ready(fin)
    client.force_login(fin.users["treasurer"])
    url = _url(fin)
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(
        url,
        {
            "activity": fin.activities["jalan"].pk,
            "recipient": RECIPIENT,
            "recipient_position": "Kasi Kesejahteraan",
            "amount": "15.000.000",
            "book": "cash",
            "given_on": "2026-03-02",
        },
    )
    panjar = Panjar.objects.get(fiscal_year=fin.fiscal_year)
    assert response.status_code == 302 and panjar.amount == D(15_000_000)
    detail = reverse("village_finance:panjar", args=[panjar.pk])
    assert RECIPIENT in client.get(url).content.decode()
    line = fin.lines["jalan"]
    response = client.post(
        detail,
        {
            "action": "account",
            "date": "2026-03-10",
            "line_1": line.pk,
            "description_1": "Semen 100 sak",
            "payee_1": "Toko Bangunan Makmur",
            "amount_1": "8000000",
            "tax_ppn_1": "800000",
            "tax_pph22_1": "120000",
            "line_2": line.pk,
            "description_2": "Upah tukang",
            "payee_2": "Kelompok kerja",
            "amount_2": "4500000",
            "line_3": "",
            "amount_3": "",
        },
    )
    assert response.status_code == 302
    panjar.refresh_from_db()
    assert panjar.accounted == D(12_500_000) and panjar.items.count() == 2
    page = client.get(detail).content.decode()
    assert "Toko Bangunan Makmur" in page and "Rp2.500.000" in page
    response = client.post(detail, {"action": "close", "date": "2026-03-12"})
    panjar.refresh_from_db()
    assert panjar.status == PanjarStatus.SETTLED and panjar.returned == D(2_500_000)
    book = client.get(reverse("village_finance:book", args=[fin.world.village.code, YEAR, "panjar"]))
    assert book.status_code == 200 and panjar.number in book.content.decode()


@pytest.mark.parametrize("who", ["secretary", "village_head", "district_officer", "regency_admin"])
def test_panjar_page_writes_are_denied_to_others(client, fin, who):
    fin = _ready(fin)
    panjar = _give(fin, 5_000_000)
    before = _state(fin)
    client.force_login(fin.users[who])
    client.post(
        _url(fin),
        {"activity": fin.activities["jalan"].pk, "recipient": "X", "amount": "1000000", "book": "cash"},
    )
    detail = reverse("village_finance:panjar", args=[panjar.pk])
    client.post(
        detail,
        {"action": "account", "line_1": fin.lines["jalan"].pk, "payee_1": "X", "amount_1": "1000000"},
    )
    client.post(detail, {"action": "close"})
    assert _state(fin) == before
    # they may read it (oversight and the village's own staff), but see no write forms
    page = client.get(detail)
    assert page.status_code == 200 and 'name="action" value="close"' not in page.content.decode()


@pytest.mark.parametrize("who", ["other_treasurer", "other_district_officer", "staff_without_role"])
def test_panjar_of_another_village_does_not_exist_for_them(client, fin, who):
    fin = _ready(fin)
    panjar = _give(fin, 5_000_000)
    before = _state(fin)
    client.force_login(fin.users[who])
    detail = reverse("village_finance:panjar", args=[panjar.pk])
    assert client.get(detail).status_code in (403, 404)
    assert client.post(detail, {"action": "close"}).status_code in (403, 404)
    assert client.get(_url(fin)).status_code in (403, 404)
    assert _state(fin) == before


def test_lpj_lists_open_panjar(client, fin):
    import io
    import zipfile

    from python_calamine import CalamineWorkbook

    fin = _ready(fin)
    settled = _give(fin, 2_000_000, on=dt.date(2026, 3, 1))
    vf.panjar_close(actor=fin.users["treasurer"], panjar=settled, closed_on=dt.date(2026, 3, 2))
    open_one = _give(fin, 5_000_000, on=dt.date(2026, 12, 20))
    client.force_login(fin.users["treasurer"])
    code = fin.world.village.code
    report = client.get(reverse("village_finance:report", args=[code, YEAR])).content.decode()
    assert open_one.number in report and settled.number not in report
    lpj = client.get(reverse("village_finance:report", args=[code, YEAR]) + "?format=lpj")
    archive = zipfile.ZipFile(io.BytesIO(lpj.content))
    books = next(n for n in archive.namelist() if n.startswith("buku-kas"))
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(archive.read(books))).get_sheet_by_name("Rekap panjar")
    rows = sheet.to_python()
    assert rows[1][0] == open_one.number and rows[1][7] == 5_000_000
    assert rows[1][8] == "BELUM DIPERTANGGUNGJAWABKAN"
    assert rows[2][0] == settled.number and rows[2][6] == 2_000_000 and rows[2][8] == "Selesai"


# --- concurrency ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_spj_never_exceed_the_line():
    """Three panjar on the same road line, accounted at once: the line lock lets only what fits."""
    import threading

    from django.db import connection

    from pintu.village_finance.reference import reference_load
    from tests.conftest import build_world
    from tests.village_finance_fixtures import add_finance_users, build_budget

    world = build_world()
    reference_load()
    world.users = add_finance_users(world)
    fin = adopt(build_budget(world, world.users))
    fund(fin, 1_000_000_000)
    u = fin.users
    t = u["treasurer"]
    panjars = [
        vf.panjar_give(
            actor=t,
            fiscal_year=fin.fiscal_year,
            activity=fin.activities["jalan"],
            recipient=f"TPK {i}",
            amount=150_000_000,
            book=Book.BANK,
            given_on=dt.date(2026, 3, 2),
        )
        for i in range(3)
    ]
    spp = vf.spp_create(
        actor=t,
        fiscal_year=fin.fiscal_year,
        line=fin.lines["jalan"],
        amount=100_000_000,
        description="x",
        payee="y",
    )
    vf.spp_approve(actor=u["village_head"], spp=vf.spp_verify(actor=u["secretary"], spp=spp))
    vf.spp_pay(actor=t, spp=spp, paid_on=dt.date(2026, 3, 2))  # 400,000,000 left on the line
    errors, results = [], []

    def run(i):
        try:
            results.append(
                vf.panjar_account(
                    actor=t,
                    panjar=panjars[i],
                    items=[_item(fin, 150_000_000)],
                    accounted_on=dt.date(2026, 3, 3),
                )
            )
        except Exception as exc:  # collected for the assertion
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(3)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(results) == 2 and len(errors) == 1, errors
    assert isinstance(errors[0], Conflict)
    assert realisation_by_key(fin.fiscal_year)[fin.lines["jalan"].key] == D(400_000_000)
    settled = Panjar.objects.filter(status=PanjarStatus.SETTLED).count()
    assert settled == 2 and Panjar.objects.filter(status=PanjarStatus.OPEN, accounted=0).count() == 1
