"""Village finance API: contract and permissions."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from pintu.village_finance import services as vf
from pintu.village_finance.constants import Book
from pintu.village_finance.models import Budget, JournalEntry, PaymentEvent, PaymentRequest
from tests import village_finance_fixtures as _vff
from tests.village_finance_fixtures import YEAR, adopt, fund

fin = _vff.fin
finance_world = _vff.finance_world


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_year_and_checks(fin):
    c = api(fin.users["treasurer"])
    data = c.get(f"/api/v1/village-finance/{fin.world.village.code}/{YEAR}/").json()
    assert data["village"] == fin.world.village.code and data["budgets"][0]["status"] == "draft"
    checks = c.get(f"/api/v1/village-finance/budgets/{fin.budget.pk}/checks/").json()
    assert checks["findings"] == [] and checks["budget"]["spending_total"] == "1550000000"


def test_cycle_through_the_api(fin):
    u = fin.users
    b = fin.budget.pk
    assert api(u["treasurer"]).post(f"/api/v1/village-finance/budgets/{b}/agree/", {}).status_code == 403
    assert (
        api(u["village_head"])
        .post(f"/api/v1/village-finance/budgets/{b}/agree/", {"agreement_number": "BA/1"})
        .json()["status"]
        == "agreed"
    )
    assert (
        api(u["treasurer"]).post(f"/api/v1/village-finance/budgets/{b}/submit/", {}).json()["status"]
        == "submitted"
    )
    r = api(u["other_district_officer"]).post(f"/api/v1/village-finance/budgets/{b}/forward/", {})
    assert r.status_code == 404 and Budget.objects.get(pk=b).status == "submitted"
    assert (
        api(u["district_officer"]).post(f"/api/v1/village-finance/budgets/{b}/forward/", {}).json()["status"]
        == "in_evaluation"
    )
    r = api(u["regency_admin"]).post(f"/api/v1/village-finance/budgets/{b}/return/", {"note": ""})
    assert r.status_code == 400 and Budget.objects.get(pk=b).status == "in_evaluation"
    assert (
        api(u["regency_admin"]).post(f"/api/v1/village-finance/budgets/{b}/approve/", {}).json()["status"]
        == "evaluated"
    )
    r = api(u["village_head"]).post(
        f"/api/v1/village-finance/budgets/{b}/adopt/", {"perdes_number": "1/2025"}
    )
    assert r.json()["status"] == "adopted"
    assert (
        api(u["village_head"])
        .post(f"/api/v1/village-finance/budgets/{b}/adopt/", {"perdes_number": "1"})
        .status_code
        == 409
    )


def test_realisation_and_regency(fin):
    adopt(fin)
    fund(fin, 250_000_000)
    rows = (
        api(fin.users["district_officer"])
        .get(f"/api/v1/village-finance/{fin.world.village.code}/{YEAR}/realisation/")
        .json()
    )
    income = next(r for r in rows["accounts"] if r["code"] == "4")
    assert income["realised"] == "250000000" and income["percent"] == "16.67"
    assert (
        api(fin.users["other_treasurer"])
        .get(f"/api/v1/village-finance/{fin.world.village.code}/{YEAR}/realisation/")
        .status_code
        == 404
    )
    reg = api(fin.users["regency_admin"]).get(f"/api/v1/village-finance/regency/{YEAR}/").json()
    village = reg["villages"][0]
    assert village["code"] == fin.world.village.code and village["dd_budget"] == "716000000"
    assert village["budget"] == "1550000000" and village["realised"] == "0"
    assert village["income_realised"] == "250000000"
    assert (
        api(fin.users["district_officer"]).get(f"/api/v1/village-finance/regency/{YEAR}/").status_code == 403
    )


# --- plan, activities, lines, SPP, books ----------------------------------------------------------


V = "/api/v1/village-finance/"


def _url(fin, tail=""):
    return f"{V}{fin.world.village.code}/{YEAR}/{tail}"


def _spp(fin, amount=10_000_000, **kwargs):
    return vf.spp_create(
        actor=fin.users["treasurer"],
        fiscal_year=fin.fiscal_year,
        line=fin.lines["jalan"],
        amount=amount,
        description="Semen 100 sak",
        payee="TB Sumber Rejeki",
        requested_on=dt.date(YEAR, 3, 2),
        **kwargs,
    )


@pytest.fixture
def running(fin):
    """An adopted year with money in, three SPP (one paid with taxes), a transfer."""
    adopt(fin)
    fund(fin, 500_000_000)
    u = fin.users
    paid = _spp(fin, 20_000_000, taxes={"ppn": 2_000_000})
    vf.spp_verify(actor=u["secretary"], spp=paid)
    vf.spp_approve(actor=u["village_head"], spp=paid)
    vf.spp_pay(actor=u["treasurer"], spp=paid, book=Book.BANK, paid_on=dt.date(YEAR, 3, 4))
    _spp(fin, 1_000_000)
    _spp(fin, 2_000_000)
    vf.book_transfer(
        actor=u["treasurer"],
        fiscal_year=fin.fiscal_year,
        from_book=Book.BANK,
        to_book=Book.CASH,
        amount=5_000_000,
        moved_on=dt.date(YEAR, 4, 1),
    )
    fin.paid = PaymentRequest.objects.get(pk=paid.pk)
    return fin


def test_plan_activities_and_lines(running, django_assert_max_num_queries):
    fin = running
    c = api(fin.users["district_officer"])
    with django_assert_max_num_queries(8):
        plans = c.get(_url(fin, "plan-activities/")).json()
    assert {p["kind"] for p in plans["results"]} >= {"02.03.01", "01.01.01"}
    road = next(p for p in plans["results"] if p["kind"] == "02.03.01")
    assert road["location"] == "Dusun Krajan" and road["indicative_amount"] == "800000000"
    with django_assert_max_num_queries(8):
        acts = c.get(f"{V}budgets/{fin.budget.pk}/activities/").json()
    assert len(acts["results"]) == 5 and sum(int(a["total"]) for a in acts["results"]) == 1_550_000_000
    with django_assert_max_num_queries(8):
        lines = c.get(f"{V}budgets/{fin.budget.pk}/lines/", {"kind": "spending", "page_size": 3}).json()
    assert len(lines["results"]) == 3 and lines["next"]
    page2 = c.get(lines["next"]).json()
    assert not {r["id"] for r in page2["results"]} & {r["id"] for r in lines["results"]}
    jalan = c.get(f"{V}budgets/{fin.budget.pk}/lines/", {"activity": fin.activities["jalan"].pk}).json()
    assert [r["key"] for r in jalan["results"]] == [str(fin.lines["jalan"].key)]
    assert c.get(f"{V}budgets/{fin.budget.pk}/lines/", {"kind": "x"}).status_code == 400


def test_spp_list_detail_and_books(running, django_assert_max_num_queries):
    fin = running
    c = api(fin.users["treasurer"])
    with django_assert_max_num_queries(8):
        listed = c.get(_url(fin, "spp/")).json()
    assert [r["status"] for r in listed["results"]] == ["draft", "draft", "paid"]
    assert c.get(_url(fin, "spp/"), {"status": "paid"}).json()["results"][0]["id"] == fin.paid.pk
    with django_assert_max_num_queries(10):
        detail = c.get(f"{V}spp/{fin.paid.pk}/").json()
    assert detail["taxes"] == [{"kind": "ppn", "amount": "2000000"}]
    assert [e["action"] for e in detail["events"]] == ["create", "verify", "approve", "pay"]
    assert detail["paid_entry"] == fin.paid.paid_entry.number
    with django_assert_max_num_queries(9):
        bku = c.get(_url(fin, "books/bku/entries/")).json()
    kinds = [e["kind"] for e in bku["results"]]
    assert kinds == ["income", "payment", "transfer"]
    payment = bku["results"][1]
    assert {(ln["book"], ln["debit"], ln["credit"]) for ln in payment["lines"]} == {
        ("bank", "0", "20000000"),
        ("bank", "2000000", "0"),
        ("tax", "2000000", "0"),
    }
    tax = c.get(_url(fin, "books/tax/entries/")).json()
    assert [e["kind"] for e in tax["results"]] == ["payment"]
    march = c.get(_url(fin, "books/bank/entries/"), {"month": 3}).json()
    assert [e["kind"] for e in march["results"]] == ["payment"]
    assert c.get(_url(fin, "books/bank/entries/"), {"month": 13}).status_code == 400
    assert c.get(_url(fin, "books/safe/entries/")).status_code == 404
    one = c.get(_url(fin, "books/bku/entries/"), {"page_size": 1}).json()
    assert len(one["results"]) == 1 and one["next"]


def test_list_queries_do_not_grow_with_rows(running, django_assert_max_num_queries):
    fin = running
    for _ in range(12):
        _spp(fin, 100_000)
    c = api(fin.users["treasurer"])
    with django_assert_max_num_queries(8):
        assert len(c.get(_url(fin, "spp/")).json()["results"]) == 15
    with django_assert_max_num_queries(9):
        c.get(_url(fin, "books/bku/entries/"))


@pytest.mark.parametrize(
    "path",
    [
        "plan-activities/",
        "spp/",
        "books/bku/entries/",
    ],
)
def test_year_reads_are_scoped(running, path):
    fin = running
    u = fin.users
    assert api(u["other_treasurer"]).get(_url(fin, path)).status_code == 404
    assert api(u["other_district_officer"]).get(_url(fin, path)).status_code == 404
    for ok in ("treasurer", "secretary", "village_head", "district_officer", "regency_admin"):
        assert api(u[ok]).get(_url(fin, path)).status_code == 200, ok
    assert APIClient().get(_url(fin, path)).status_code == 401


def test_budget_and_spp_reads_are_scoped(running):
    fin = running
    u = fin.users
    for path in (
        f"{V}budgets/{fin.budget.pk}/activities/",
        f"{V}budgets/{fin.budget.pk}/lines/",
        f"{V}spp/{fin.paid.pk}/",
    ):
        assert api(u["other_treasurer"]).get(path).status_code == 404, path
        assert api(u["other_district_officer"]).get(path).status_code == 404, path
        assert api(u["regency_admin"]).get(path).status_code == 200, path


def test_spp_cycle_through_the_api(running):
    fin = running
    u = fin.users
    created = api(u["treasurer"]).post(
        _url(fin, "spp/"),
        {
            "line_key": str(fin.lines["jalan"].key),
            "amount": "5000000",
            "description": "Pasir 10 m3",
            "payee": "UD Makmur",
            "taxes": {"pph22": "75000"},
            "requested_on": f"{YEAR}-05-02",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    spp = created.json()
    assert spp["status"] == "draft" and spp["taxes"] == [{"kind": "pph22", "amount": "75000"}]
    verified = api(u["secretary"]).post(f"{V}spp/{spp['id']}/verify/", {}, format="json")
    assert verified.json()["status"] == "verified"
    approved = api(u["village_head"]).post(f"{V}spp/{spp['id']}/approve/", {"note": "ok"}, format="json")
    assert approved.json()["status"] == "approved"
    assert [e["action"] for e in approved.json()["events"]] == ["create", "verify", "approve"]
    draft = PaymentRequest.objects.filter(status="draft").first()
    rejected = api(u["secretary"]).post(f"{V}spp/{draft.pk}/reject/", {"note": "Nota kurang"}, format="json")
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["events"][-1]["note"] == "Nota kurang"


def _state():
    return (
        list(PaymentRequest.objects.order_by("pk").values_list("pk", "status")),
        PaymentEvent.objects.count(),
        JournalEntry.objects.count(),
    )


@pytest.mark.parametrize(
    ("who", "action", "note", "status"),
    [
        ("treasurer", "verify", "", 403),
        ("village_head", "verify", "", 403),
        ("other_secretary", "verify", "", 404),
        ("district_officer", "verify", "", 403),
        ("regency_admin", "approve", "", 403),
        ("secretary", "approve", "", 403),
        ("village_head", "approve", "", 409),  # still draft: must be verified first
        ("secretary", "reject", "", 400),  # a reason is required
        ("treasurer", "reject", "x", 403),
        ("other_head", "reject", "x", 404),
        (None, "verify", "", 401),
    ],
)
def test_spp_denied_matrix_changes_nothing(running, who, action, note, status):
    fin = running
    draft = PaymentRequest.objects.filter(status="draft").first()
    before = _state()
    client = api(fin.users[who]) if who else APIClient()
    response = client.post(f"{V}spp/{draft.pk}/{action}/", {"note": note}, format="json")
    assert response.status_code == status, response.content
    assert "error" in response.json()
    assert _state() == before


@pytest.mark.parametrize(
    ("who", "payload", "status"),
    [
        ("secretary", {}, 403),
        ("other_treasurer", {}, 404),
        ("regency_admin", {}, 403),
        ("treasurer", {"amount": "999999999999"}, 400),  # more than the line has left
        ("treasurer", {"line_key": "00000000-0000-0000-0000-000000000000"}, 404),
        ("treasurer", {"line_key": "dd"}, 400),
        ("treasurer", {"payee": ""}, 400),
    ],
)
def test_spp_create_denied_changes_nothing(running, who, payload, status):
    fin = running
    body = {
        "line_key": str(fin.lines["jalan"].key),
        "amount": "1000000",
        "description": "Kerikil",
        "payee": "UD Makmur",
        **payload,
    }
    if payload.get("line_key") == "dd":
        body["line_key"] = str(fin.lines["dd"].key)  # an income line
    before = _state()
    response = api(fin.users[who]).post(_url(fin, "spp/"), body, format="json")
    assert response.status_code == status, response.content
    assert _state() == before
