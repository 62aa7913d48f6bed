"""Village finance API: contract and permissions."""

from rest_framework.test import APIClient

from pintu.village_finance.models import Budget
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
