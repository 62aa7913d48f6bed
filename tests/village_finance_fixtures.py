"""Fixtures for the village finance tests: the reference lists, a treasurer and sekdes per
village, and a small balanced APBDes built through the services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from pintu.accounts.constants import Role
from pintu.accounts.services import role_assign
from pintu.village_finance import services as vf
from pintu.village_finance.constants import Book, LineKind
from pintu.village_finance.reference import reference_load
from tests.factories import UserFactory

YEAR = 2026


@dataclass
class Finance:
    world: object
    users: dict
    fiscal_year: object = None
    budget: object = None
    activities: dict = None
    lines: dict = None


def add_finance_users(world) -> dict:
    users = dict(world.users)
    for name, role, unit in (
        ("treasurer", Role.VILLAGE_TREASURER, world.village_office),
        ("secretary", Role.VILLAGE_SECRETARY, world.village_office),
        ("other_treasurer", Role.VILLAGE_TREASURER, world.other_village_office),
        ("other_secretary", Role.VILLAGE_SECRETARY, world.other_village_office),
        ("other_head", Role.VILLAGE_HEAD, world.other_village_office),
    ):
        user = UserFactory(username=name, staff=True)
        role_assign(actor=None, user=user, role=role, org_unit=unit)
        users[name] = user
    return users


def build_budget(world, users, *, village=None, year=YEAR, treasurer="treasurer") -> Finance:
    """A balanced APBDes: income 1,500,000,000; spending 1,550,000,000; SiLPA 100,000,000;
    capital participation 50,000,000. Pay (5.1.1/5.1.2/5.1.4) = 400,080,000 (25.81 %)."""
    t = users[treasurer]
    village = village or world.village
    fy = vf.fiscal_year_open(actor=t, village=village, year=year)
    budget = fy.budgets.get(kind="original")
    plans = {
        "siltap": vf.plan_activity_add(
            actor=t, fiscal_year=fy, kind_code="01.01.01", name="Siltap kepala desa", fund_source="ADD"
        ),
        "perangkat": vf.plan_activity_add(
            actor=t, fiscal_year=fy, kind_code="01.01.02", name="Siltap perangkat", fund_source="ADD"
        ),
        "bpd": vf.plan_activity_add(
            actor=t, fiscal_year=fy, kind_code="01.01.05", name="Tunjangan BPD", fund_source="ADD"
        ),
        "jalan": vf.plan_activity_add(
            actor=t,
            fiscal_year=fy,
            kind_code="02.03.01",
            name="Rabat beton jalan dusun Krajan",
            fund_source="DDS",
            indicative_amount=800_000_000,
            location="Dusun Krajan",
        ),
        "blt": vf.plan_activity_add(
            actor=t, fiscal_year=fy, kind_code="05.03.01", name="BLT Dana Desa", fund_source="DDS"
        ),
    }
    acts = {k: vf.activity_add(actor=t, budget=budget, plan=p) for k, p in plans.items()}
    L = {}

    def add(name, kind, account, source, desc, volume, unit, price, activity=None, **extra):
        L[name] = vf.budget_line_add(
            actor=t,
            budget=budget,
            kind=kind,
            activity=acts.get(activity),
            account=account,
            fund_source=source,
            description=desc,
            volume=volume,
            unit=unit,
            unit_price=price,
            **extra,
        )

    add("dd", LineKind.INCOME, "4.2.1.01", "DDS", "Dana Desa", 1, "tahun", 1_000_000_000)
    add("add", LineKind.INCOME, "4.2.3.01", "ADD", "Alokasi Dana Desa", 1, "tahun", 450_000_000)
    add("pad", LineKind.INCOME, "4.1.2.01", "PAD", "Sewa tanah kas desa", 1, "tahun", 50_000_000)
    add("silpa", LineKind.FINANCING, "6.1.1.01", "SILPA", "SiLPA 2025", 1, "tahun", 100_000_000)
    add("modal", LineKind.FINANCING, "6.2.2.01", "DDS", "Penyertaan modal BUMDes", 1, "paket", 50_000_000)
    add(
        "kades",
        LineKind.SPENDING,
        "5.1.1.01",
        "ADD",
        "Siltap kepala desa",
        12,
        "OB",
        3_000_000,
        "siltap",
        pay_position="head",
    )
    add(
        "sekdes",
        LineKind.SPENDING,
        "5.1.2.01",
        "ADD",
        "Siltap sekretaris desa",
        12,
        "OB",
        2_500_000,
        "perangkat",
        pay_position="secretary",
    )
    add(
        "perangkat",
        LineKind.SPENDING,
        "5.1.2.01",
        "ADD",
        "Siltap perangkat desa",
        96,
        "OB",
        2_100_000,
        "perangkat",
        pay_position="staff",
    )
    add(
        "tunjangan",
        LineKind.SPENDING,
        "5.1.2.02",
        "ADD",
        "Tunjangan perangkat",
        120,
        "OB",
        500_000,
        "perangkat",
    )
    add("bpd", LineKind.SPENDING, "5.1.4.01", "ADD", "Tunjangan BPD", 84, "OB", 800_000, "bpd")
    add("jalan", LineKind.SPENDING, "5.3.5.03", "DDS", "Rabat beton 400 m", 400, "m", 1_250_000, "jalan")
    add(
        "blt", LineKind.SPENDING, "5.4.1.01", "DDS", "BLT 60 KPM × 12 bulan", 720, "KPM-bulan", 300_000, "blt"
    )
    # make it balance: 1,500,000,000 + 50,000,000 net financing
    current = sum(line.amount for name, line in L.items() if line.kind == LineKind.SPENDING)
    add(
        "atk",
        LineKind.SPENDING,
        "5.2.1.01",
        "PAD",
        "ATK kantor",
        1,
        "paket",
        Decimal(1_550_000_000) - current,
        "perangkat",
    )
    budget.refresh_from_db()
    return Finance(world=world, users=users, fiscal_year=fy, budget=budget, activities=acts, lines=L)


def adopt(fin: Finance, *, on=dt.date(2025, 11, 20)) -> Finance:
    u = fin.users
    b = vf.budget_agree(actor=u["village_head"], budget=fin.budget, agreement_number="BA/01/2025", on=on)
    b = vf.budget_submit(actor=u["treasurer"], budget=b, on=on + dt.timedelta(days=1))
    b = vf.budget_forward(actor=u["district_officer"], budget=b, on=on + dt.timedelta(days=3))
    b = vf.budget_approve(actor=u["regency_admin"], budget=b, on=on + dt.timedelta(days=10))
    b = vf.budget_adopt(
        actor=u["village_head"], budget=b, perdes_number="Perdes 1/2025", on=on + dt.timedelta(days=14)
    )
    fin.budget = b
    fin.fiscal_year.refresh_from_db()
    return fin


def fund(fin: Finance, amount=500_000_000, on=dt.date(2026, 2, 2)):
    return vf.income_receive(
        actor=fin.users["treasurer"],
        fiscal_year=fin.fiscal_year,
        line=fin.lines["dd"],
        amount=amount,
        received_on=on,
        book=Book.BANK,
    )


@pytest.fixture
def finance_world(world):
    reference_load()
    world.users = add_finance_users(world)
    return world


@pytest.fixture
def fin(finance_world):
    return build_budget(finance_world, finance_world.users)
