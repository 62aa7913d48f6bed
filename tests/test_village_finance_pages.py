"""Office and public pages of village finance, and their permission matrix."""

import datetime as dt

import pytest
from django.urls import reverse

from pintu.village_finance.constants import BudgetStatus
from pintu.village_finance.models import Budget, BudgetLine, PaymentRequest
from tests import village_finance_fixtures as _vff
from tests.village_finance_fixtures import YEAR, adopt, fund

fin = _vff.fin
finance_world = _vff.finance_world


def login(client, user):
    client.force_login(user)
    return client


def test_treasurer_pages_render(client, fin):
    adopt(fin)
    fund(fin)
    login(client, fin.users["treasurer"])
    code = fin.world.village.code
    for url in (
        reverse("village_finance:home") + f"?tahun={YEAR}",
        reverse("village_finance:year", args=[code, YEAR]),
        reverse("village_finance:spp_list", args=[code, YEAR]),
        reverse("village_finance:book", args=[code, YEAR, "bku"]),
        reverse("village_finance:book", args=[code, YEAR, "pajak"]),
        reverse("village_finance:report", args=[code, YEAR]),
        reverse("village_finance:report", args=[code, YEAR]) + "?periode=s1",
        reverse("village_finance:compare", args=[fin.budget.pk]),
        reverse("village_finance:rules", args=[fin.budget.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(reverse("village_finance:year", args=[code, YEAR])).content.decode()
    assert "Rabat beton 400 m" in page and "Rp500.000.000" in page


def test_downloads(client, fin):
    adopt(fin)
    fund(fin)
    login(client, fin.users["treasurer"])
    code = fin.world.village.code
    url = reverse("village_finance:report", args=[code, YEAR])
    pdf = client.get(url + "?format=pdf")
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"
    xlsx = client.get(url + "?format=xlsx&periode=s1")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    import io

    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_filelike(io.BytesIO(xlsx.content)).get_sheet_by_name("Rekening").to_python()
    codes = {row[0]: row for row in sheet[4:]}
    assert codes["4"][2] == 1_500_000_000 and codes["4"][3] == 500_000_000
    lpj = client.get(url + "?format=lpj")
    import zipfile

    names = zipfile.ZipFile(io.BytesIO(lpj.content)).namelist()
    assert any(n.startswith("buku-kas") for n in names) and any(n.endswith(".pdf") for n in names)
    zipped = client.get(reverse("village_finance:siskeudes_export", args=[code, YEAR]))
    assert zipped.status_code == 200 and zipped.content[:2] == b"PK"


def test_spp_in_the_browser_flow_and_kuitansi(client, fin):
    adopt(fin)
    fund(fin)
    code = fin.world.village.code
    login(client, fin.users["treasurer"])
    line = fin.fiscal_year.effective_budget.lines.get(key=fin.lines["jalan"].key)
    response = client.post(
        reverse("village_finance:spp_list", args=[code, YEAR]),
        {
            "line": line.pk,
            "description": "Semen 100 sak",
            "payee": "TB Maju",
            "amount": "7500000",
            "tax_pph22": "112500",
        },
    )
    spp = PaymentRequest.objects.get()
    assert response.status_code == 302 and spp.amount == 7_500_000
    for who, action in (("secretary", "verify"), ("village_head", "approve"), ("treasurer", "pay")):
        login(client, fin.users[who])
        client.post(reverse("village_finance:spp", args=[spp.pk]), {"action": action, "book": "bank"})
    spp.refresh_from_db()
    assert spp.status == "paid"
    pdf = client.get(reverse("village_finance:kuitansi", args=[spp.pk]))
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"
    detail = client.get(reverse("village_finance:spp", args=[spp.pk])).content.decode()
    assert "Tujuh juta lima ratus ribu rupiah" in detail


def test_public_page_shows_no_names(client, fin):
    adopt(fin)
    fund(fin)
    url = reverse("village_finance:public", args=[fin.world.village.code, YEAR])
    page = client.get(url).content.decode()
    assert "<svg" in page and "Rabat beton jalan dusun Krajan" in page and "lapor.go.id" in page
    for user in fin.users.values():
        if user.full_name:
            assert user.full_name not in page
    assert (
        client.get(reverse("village_finance:public", args=[fin.world.other_village.code, YEAR])).status_code
        == 404
    )


def test_draft_is_not_public(client, fin):
    assert (
        client.get(reverse("village_finance:public", args=[fin.world.village.code, YEAR])).status_code == 404
    )


def test_regency_dashboard(client, fin):
    adopt(fin)
    fund(fin)
    login(client, fin.users["regency_admin"])
    page = client.get(reverse("village_finance:regency", args=[YEAR]))
    assert page.status_code == 200 and "Licin" in page.content.decode()
    login(client, fin.users["district_officer"])
    assert client.get(reverse("village_finance:regency", args=[YEAR])).status_code == 403


# --- permission matrix ---------------------------------------------------------------------------

READERS = {"treasurer", "secretary", "village_head", "village_operator", "district_officer", "regency_admin"}
ALL = READERS | {
    "other_treasurer",
    "other_secretary",
    "other_head",
    "other_district_officer",
    "front_office",
    "citizen",
}


@pytest.mark.parametrize("who", sorted(ALL))
def test_year_page_visible_only_to_own_area(client, fin, who):
    login(client, fin.users[who])
    response = client.get(reverse("village_finance:year", args=[fin.world.village.code, YEAR]))
    assert response.status_code == (200 if who in READERS else 404 if who != "citizen" else 403)


WRITES = [
    ("agree", {"agreement_number": "BA"}, {"village_head"}),
    ("submit", {}, set()),  # not agreed yet: nobody may
]


@pytest.mark.parametrize("who", sorted(ALL))
def test_denied_line_write_changes_nothing(client, fin, who):
    login(client, fin.users[who])
    before = BudgetLine.objects.count()
    client.post(
        reverse("village_finance:line_add", args=[fin.budget.pk]),
        {
            "kind": "income",
            "account": "4.1.4.01",
            "fund_source": "PAD",
            "description": "Pungutan",
            "volume": "1",
            "unit": "tahun",
            "unit_price": "1000",
        },
    )
    expected = before + (1 if who == "treasurer" else 0)
    assert BudgetLine.objects.count() == expected


@pytest.mark.parametrize("who", sorted(ALL))
def test_denied_agreement_changes_nothing(client, fin, who):
    login(client, fin.users[who])
    client.post(
        reverse("village_finance:budget_action", args=[fin.budget.pk, "agree"]), {"agreement_number": "BA/1"}
    )
    status = Budget.objects.get(pk=fin.budget.pk).status
    assert status == (BudgetStatus.AGREED if who == "village_head" else BudgetStatus.DRAFT)


@pytest.mark.parametrize("who", sorted(ALL))
def test_only_own_camat_forwards(client, fin, who):
    b = fin.budget
    from pintu.village_finance import services as vf

    b = vf.budget_agree(actor=fin.users["village_head"], budget=b, on=dt.date(2025, 11, 3))
    vf.budget_submit(actor=fin.users["treasurer"], budget=b, on=dt.date(2025, 11, 3))
    login(client, fin.users[who])
    client.post(reverse("village_finance:budget_action", args=[b.pk, "forward"]), {"note": ""})
    status = Budget.objects.get(pk=b.pk).status
    assert status == (BudgetStatus.IN_EVALUATION if who == "district_officer" else BudgetStatus.SUBMITTED)


def test_live_preview_checks_rules_without_saving(client, fin):
    login(client, fin.users["treasurer"])
    url = reverse("village_finance:rules_preview", args=[fin.budget.pk])
    before = BudgetLine.objects.count()
    form = {
        "kind": "spending",
        "account": "5.1.1.01",
        "volume": "12",
        "unit": "OB",
        "unit_price": "2000000",
        "pay_position": "head",
    }
    page = client.post(url, form).content.decode()
    assert "apbdes.fixed_pay_minimum" in page and "apbdes.balance" in page  # 24,000,000 more spending
    page = client.post(url, {**form, "account": "5.1.1"}).content.decode()
    assert "apbdes.leaf_account" in page
    assert BudgetLine.objects.count() == before
    login(client, fin.users["other_treasurer"])
    assert client.post(url, form).status_code == 404


# --- editing a line of a draft -------------------------------------------------------------------


def _edit_form(line, **changes):
    form = {
        "account": line.account.code,
        "fund_source": line.fund_source.code,
        "description": line.description,
        "volume": str(line.volume),
        "unit": line.unit,
        "unit_price": str(int(line.unit_price)),
        "pay_position": line.pay_position,
    }
    form.update(changes)
    return form


def test_treasurer_edits_a_draft_line(client, fin):
    login(client, fin.users["treasurer"])
    line = fin.lines["kades"]  # 12 OB × 3,000,000
    url = reverse("village_finance:line_edit", args=[line.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Siltap kepala desa" in page.content.decode()
    response = client.post(url, _edit_form(line, unit_price="3.100.000", fund_source="DDS", volume="12"))
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.amount == 37_200_000 and line.fund_source.code == "DDS"
    budget = Budget.objects.get(pk=fin.budget.pk)
    assert budget.spending_total == 1_551_200_000
    assert budget.dana_desa_total == 500_000_000 + 216_000_000 + 37_200_000
    year_page = client.get(
        reverse("village_finance:year", args=[fin.world.village.code, YEAR])
    ).content.decode()
    assert url in year_page


def test_edit_preview_replaces_the_line_instead_of_adding_it(client, fin):
    login(client, fin.users["treasurer"])
    line = fin.lines["kades"]
    url = reverse("village_finance:rules_preview", args=[fin.budget.pk])
    same = {**_edit_form(line), "kind": "spending", "pay_position": "head"}
    assert "apbdes.balance" not in client.post(url, {**same, "line_id": line.pk}).content.decode()
    assert "apbdes.balance" in client.post(url, same).content.decode()  # as a new line: unbalanced
    assert (
        "apbdes.balance"
        in client.post(url, {**same, "line_id": line.pk, "unit_price": "3100000"}).content.decode()
    )
    line.refresh_from_db()
    assert line.amount == 36_000_000


@pytest.mark.parametrize("who", sorted(ALL))
def test_denied_line_edit_changes_nothing(client, fin, who):
    login(client, fin.users[who])
    line = fin.lines["kades"]
    url = reverse("village_finance:line_edit", args=[line.pk])
    client.post(url, _edit_form(line, unit_price="9000000"))
    line.refresh_from_db()
    assert line.amount == (108_000_000 if who == "treasurer" else 36_000_000)
    status = client.get(url).status_code
    if who == "treasurer":
        assert status == 200
    else:
        assert status == (403 if who in READERS or who == "citizen" else 404)


def test_adopted_line_cannot_be_edited(client, fin):
    adopt(fin)
    login(client, fin.users["treasurer"])
    line = fin.lines["kades"]
    url = reverse("village_finance:line_edit", args=[line.pk])
    client.post(url, _edit_form(line, unit_price="9000000"))
    line.refresh_from_db()
    assert line.amount == 36_000_000
    assert client.get(url).status_code == 403
