"""Siskeudes-compatible export (column layout of siskeudes_export_tables.csv) and idempotent import."""

import csv
import io
import zipfile

from pintu.village_finance import services as vf
from pintu.village_finance.models import Activity, BudgetLine, PlanActivity
from pintu.village_finance.siskeudes import columns, export_zip, import_budget, kd_desa
from tests import village_finance_fixtures as _vff
from tests.village_finance_fixtures import adopt, fund

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
