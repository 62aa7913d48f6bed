"""Village finance services: reference data, budget cycle and clocks, payments and books."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection

from pintu.audit.models import AuditEntry
from pintu.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from pintu.village_finance import services as vf
from pintu.village_finance.constants import Book, BudgetStatus, LineKind, SppStatus
from pintu.village_finance.models import (
    Account,
    ActivityKind,
    Bidang,
    BudgetEvent,
    FundSource,
    JournalEntry,
    JournalLine,
    PaymentRequest,
    SubBidang,
)
from pintu.village_finance.reference import reference_load
from pintu.village_finance.selectors import realisation_by_key
from tests import village_finance_fixtures as _vff
from tests.village_finance_fixtures import (
    YEAR,
    add_finance_users,
    adopt,
    build_budget,
    fund,
)

fin = _vff.fin
finance_world = _vff.finance_world


def test_reference_load_is_idempotent(finance_world):
    first = reference_load()
    assert first["accounts"] == 0  # already loaded by the fixture
    assert Bidang.objects.count() == 5 and SubBidang.objects.count() == 27
    assert ActivityKind.objects.filter(code__regex=r"^\d\.\d+\.(\d\d|90-99)$").count() >= 175
    assert Account.objects.get(code="5.1.1.01").is_leaf and not Account.objects.get(code="5.1.1").is_leaf
    assert ActivityKind.objects.get(siskeudes_code="05.01.01").sub_bidang.code == "5.1"
    assert FundSource.objects.get(code="DDS").is_dana_desa
    FundSource.objects.filter(code="PBH").update(name="Bagi hasil (diubah kabupaten)")
    reference_load()
    assert FundSource.objects.get(code="PBH").name == "Bagi hasil (diubah kabupaten)"


def test_budget_is_built_balanced_and_traceable(fin):
    b = fin.budget
    assert b.income_total == Decimal(1_500_000_000)
    assert b.spending_total == Decimal(1_550_000_000)
    assert b.net_financing == Decimal(50_000_000)
    assert b.dana_desa_total == Decimal(500_000_000 + 216_000_000)  # road + BLT; 6.2.2 is financing
    assert fin.lines["perangkat"].amount == Decimal(96 * 2_100_000)
    for activity in b.activities.all():
        assert (
            activity.plan.fiscal_year_id == fin.fiscal_year.pk and activity.kind_id == activity.plan.kind_id
        )
    assert b.activities.get(plan__name="Rabat beton jalan dusun Krajan").total == Decimal(500_000_000)
    _, findings = vf.budget_findings(b)
    assert [f.code for f in findings if f.blocks] == []


def test_full_cycle_with_clocks_and_history(fin):
    fin = adopt(fin, on=dt.date(2025, 11, 20))
    b = fin.budget
    assert b.status == BudgetStatus.ADOPTED and fin.fiscal_year.effective_budget_id == b.pk
    events = list(BudgetEvent.objects.filter(budget=b).values_list("action", "to_status", "is_late"))
    assert events == [
        ("create", "draft", False),
        ("agree", "agreed", False),
        ("submit", "submitted", False),
        ("forward", "in_evaluation", False),
        ("approve", "evaluated", False),
        ("adopt", "adopted", False),
    ]
    assert b.submit_due == dt.date(2025, 11, 23)
    assert AuditEntry.objects.filter(verb="village_finance.budget_adopt", object_id=str(b.pk)).exists()


def test_late_submission_and_late_adoption_are_flagged(fin):
    u = fin.users
    b = vf.budget_agree(actor=u["village_head"], budget=fin.budget, on=dt.date(2025, 12, 1))
    b = vf.budget_submit(actor=u["treasurer"], budget=b, on=dt.date(2025, 12, 5))  # 4 days later
    b = vf.budget_forward(actor=u["district_officer"], budget=b, on=dt.date(2025, 12, 8))
    b = vf.budget_approve(actor=u["regency_admin"], budget=b, on=dt.date(2025, 12, 30))
    b = vf.budget_adopt(actor=u["village_head"], budget=b, perdes_number="1/2026", on=dt.date(2026, 1, 5))
    late = dict(BudgetEvent.objects.filter(budget=b).values_list("action", "is_late"))
    assert late["submit"] is True and late["adopt"] is True and late["agree"] is False


@pytest.mark.parametrize(
    "forwarded, due",
    [
        # 22 weekdays after 1 Dec 2025, minus 25 Dec (Christmas) and 26 Dec (cuti bersama) = 20
        (dt.date(2025, 12, 1), dt.date(2025, 12, 31)),
        (dt.date(2025, 11, 3), dt.date(2025, 12, 1)),
    ],
)
def test_evaluation_clock_counts_working_days(fin, forwarded, due):
    u = fin.users
    b = vf.budget_agree(actor=u["village_head"], budget=fin.budget, on=forwarded)
    b = vf.budget_submit(actor=u["treasurer"], budget=b, on=forwarded)
    b = vf.budget_forward(actor=u["district_officer"], budget=b, on=forwarded)
    from pintu.core.calendar import WorkCalendar

    assert b.evaluation_due == WorkCalendar("35.10").add_working_days(forwarded, 20) == due


def test_silence_approves_idempotently(fin):
    u = fin.users
    b = vf.budget_agree(actor=u["village_head"], budget=fin.budget, on=dt.date(2025, 11, 3))
    b = vf.budget_submit(actor=u["treasurer"], budget=b, on=dt.date(2025, 11, 3))
    b = vf.budget_forward(actor=u["district_officer"], budget=b, on=dt.date(2025, 11, 3))
    assert vf.apbdes_evaluation_due(today=b.evaluation_due) == 0  # due day itself: still open
    assert vf.apbdes_evaluation_due(today=b.evaluation_due + dt.timedelta(days=1)) == 1
    assert vf.apbdes_evaluation_due(today=b.evaluation_due + dt.timedelta(days=2)) == 0
    b.refresh_from_db()
    assert b.status == BudgetStatus.EVALUATED
    last = BudgetEvent.objects.filter(budget=b).last()
    assert last.action == "lapse" and last.actor_id is None


def test_return_and_resubmit_restart_the_clock(fin):
    u = fin.users
    b = vf.budget_agree(actor=u["village_head"], budget=fin.budget, on=dt.date(2025, 11, 3))
    b = vf.budget_submit(actor=u["treasurer"], budget=b, on=dt.date(2025, 11, 4))
    b = vf.budget_forward(actor=u["district_officer"], budget=b, on=dt.date(2025, 11, 5))
    with pytest.raises(ValidationFailed):
        vf.budget_return(actor=u["regency_admin"], budget=b, note=" ")
    b = vf.budget_return(actor=u["regency_admin"], budget=b, note="Kurangi ATK", on=dt.date(2025, 11, 10))
    assert b.status == BudgetStatus.RETURNED and b.evaluation_due is None and b.correction_due is not None
    vf.budget_line_update(
        actor=u["treasurer"], line=fin.lines["atk"], unit_price=fin.lines["atk"].amount - 1_000_000
    )
    with pytest.raises(ValidationFailed) as err:  # now unbalanced: resubmission refused
        vf.budget_resubmit(actor=u["treasurer"], budget=b)
    assert err.value.code == "apbdes.rules"
    vf.budget_line_update(actor=u["treasurer"], line=fin.lines["jalan"], volume=400.8)
    b = vf.budget_resubmit(actor=u["treasurer"], budget=b, on=dt.date(2025, 11, 20))
    assert b.status == BudgetStatus.IN_EVALUATION and b.evaluation_due > dt.date(2025, 11, 20)


@pytest.mark.parametrize(
    "who, action",
    [
        ("treasurer", "agree"),  # only the kepala desa records BPD agreement
        ("other_head", "agree"),  # another village's head
        ("district_officer", "agree"),
    ],
)
def test_wrong_actor_cannot_move_budget(fin, who, action):
    with pytest.raises(PermissionDenied):
        vf.BUDGET_VERBS[action](actor=fin.users[who], budget=fin.budget)
    fin.budget.refresh_from_db()
    assert fin.budget.status == BudgetStatus.DRAFT and fin.budget.event_count == 1


def test_camat_of_other_kecamatan_and_early_actions_are_refused(fin):
    u = fin.users
    b = vf.budget_agree(actor=u["village_head"], budget=fin.budget)
    with pytest.raises(InvalidTransition):
        vf.budget_forward(actor=u["district_officer"], budget=b)  # not submitted yet
    b = vf.budget_submit(actor=u["treasurer"], budget=b)
    with pytest.raises(PermissionDenied):
        vf.budget_forward(actor=u["other_district_officer"], budget=b)
    with pytest.raises(InvalidTransition):
        vf.budget_line_add(
            actor=u["treasurer"],
            budget=b,
            kind="income",
            account="4.1.1.01",
            fund_source="PAD",
            description="x",
            unit_price=1,
        )


def test_unbalanced_draft_cannot_be_agreed(fin):
    vf.budget_line_remove(actor=fin.users["treasurer"], line=fin.lines["blt"])
    with pytest.raises(ValidationFailed) as err:
        vf.budget_agree(actor=fin.users["village_head"], budget=fin.budget)
    assert "apbdes.balance" in err.value.fields["rules"][0]
    fin.budget.refresh_from_db()
    assert fin.budget.status == BudgetStatus.DRAFT


def test_one_amendment_a_year_keeps_both_versions(fin):
    fin = adopt(fin)
    t = fin.users["treasurer"]
    amendment = vf.amendment_start(actor=t, fiscal_year=fin.fiscal_year)
    with pytest.raises(Conflict):
        vf.amendment_start(actor=t, fiscal_year=fin.fiscal_year)
    assert amendment.lines.count() == fin.budget.lines.count()
    assert set(amendment.lines.values_list("key", flat=True)) == set(
        fin.budget.lines.values_list("key", flat=True)
    )
    line = amendment.lines.get(key=fin.lines["jalan"].key)
    vf.budget_line_update(actor=t, line=line, volume=380)
    atk = amendment.lines.get(key=fin.lines["atk"].key)
    vf.budget_line_update(actor=t, line=atk, unit_price=atk.amount + 25_000_000)
    u = fin.users
    a = vf.budget_agree(actor=u["village_head"], budget=amendment, on=dt.date(2026, 7, 1))
    a = vf.budget_submit(actor=u["treasurer"], budget=a, on=dt.date(2026, 7, 2))
    a = vf.budget_forward(actor=u["district_officer"], budget=a, on=dt.date(2026, 7, 3))
    a = vf.budget_approve(actor=u["regency_admin"], budget=a, on=dt.date(2026, 7, 10))
    a = vf.budget_adopt(actor=u["village_head"], budget=a, perdes_number="2/2026", on=dt.date(2026, 7, 15))
    fin.fiscal_year.refresh_from_db()
    assert fin.fiscal_year.effective_budget_id == a.pk
    fin.budget.refresh_from_db()
    assert fin.budget.status == BudgetStatus.ADOPTED and fin.budget.lines.get(key=line.key).amount == Decimal(
        500_000_000
    )


def assert_kept_totals_match_lines(fiscal_year):
    """The realisation kept on the fiscal year equals the sums over its journal lines."""
    from django.db.models import Q, Sum

    fiscal_year.refresh_from_db()
    sums = JournalLine.objects.filter(fiscal_year=fiscal_year).aggregate(
        income=Sum("realised", filter=Q(line_kind="income")),
        spending=Sum("realised", filter=Q(line_kind="spending")),
        dd=Sum("realised", filter=Q(line_kind="spending", fund_source__is_dana_desa=True)),
        fin_in=Sum("realised", filter=Q(account_code__startswith="6.1")),
        fin_out=Sum("realised", filter=Q(account_code__startswith="6.2")),
    )
    assert fiscal_year.realised_income == (sums["income"] or 0)
    assert fiscal_year.realised_spending == (sums["spending"] or 0)
    assert fiscal_year.realised_dana_desa == (sums["dd"] or 0)
    assert fiscal_year.realised_financing_in == (sums["fin_in"] or 0)
    assert fiscal_year.realised_financing_out == (sums["fin_out"] or 0)


def _pay(fin, line="jalan", amount=100_000_000, taxes=None, on=dt.date(2026, 3, 2)):
    u = fin.users
    spp = vf.spp_create(
        actor=u["treasurer"],
        fiscal_year=fin.fiscal_year,
        line=fin.lines[line],
        amount=amount,
        description="Pembelian semen",
        payee="TB Sumber Rejeki",
        taxes=taxes or {},
        requested_on=on,
    )
    spp = vf.spp_verify(actor=u["secretary"], spp=spp)
    spp = vf.spp_approve(actor=u["village_head"], spp=spp)
    return spp, vf.spp_pay(actor=u["treasurer"], spp=spp, paid_on=on)


def test_spp_flow_taxes_and_books(fin):
    fin = adopt(fin)
    fund(fin)
    spp, entry = _pay(fin, taxes={"ppn": 10_000_000, "pph22": 1_500_000})
    spp.refresh_from_db()
    assert spp.status == SppStatus.PAID and spp.events.count() == 4
    assert realisation_by_key(fin.fiscal_year)[fin.lines["jalan"].key] == Decimal(100_000_000)
    lines = list(entry.lines.values_list("book", "debit", "credit", "realised"))
    assert ("bank", 0, 100_000_000, 100_000_000) in lines
    assert ("tax", 10_000_000, 0, 0) in lines and ("tax", 1_500_000, 0, 0) in lines
    # bank: 500,000,000 in − 100,000,000 gross + 11,500,000 withheld
    assert vf._book_balance(fin.fiscal_year.pk, Book.BANK) == Decimal(411_500_000)
    with pytest.raises(ValidationFailed):
        vf.tax_remit(
            actor=fin.users["treasurer"],
            fiscal_year=fin.fiscal_year,
            kind="ppn",
            amount=10_000_001,
            paid_on=dt.date(2026, 3, 5),
        )
    vf.tax_remit(
        actor=fin.users["treasurer"],
        fiscal_year=fin.fiscal_year,
        kind="ppn",
        amount=10_000_000,
        paid_on=dt.date(2026, 3, 5),
        ntpn="123",
    )
    assert vf._book_balance(fin.fiscal_year.pk, Book.TAX) == Decimal(1_500_000)
    assert vf._book_balance(fin.fiscal_year.pk, Book.BANK) == Decimal(401_500_000)
    t = fin.users["treasurer"]
    fy = fin.fiscal_year
    vf.income_receive(
        actor=t, fiscal_year=fy, line=fin.lines["silpa"], amount=100_000_000, received_on=dt.date(2026, 3, 6)
    )
    vf.financing_pay(
        actor=t, fiscal_year=fy, line=fin.lines["modal"], amount=50_000_000, paid_on=dt.date(2026, 3, 6)
    )
    with pytest.raises(Conflict):
        vf.financing_pay(
            actor=t, fiscal_year=fy, line=fin.lines["modal"], amount=1, paid_on=dt.date(2026, 3, 6)
        )
    assert_kept_totals_match_lines(fy)
    assert fy.realised_spending == fy.realised_dana_desa == Decimal(100_000_000)
    assert fy.realised_financing_in == Decimal(100_000_000) and fy.realised_financing_out == Decimal(
        50_000_000
    )


def test_spp_roles_are_separated(fin):
    fin = adopt(fin)
    u = fin.users
    spp = vf.spp_create(
        actor=u["treasurer"],
        fiscal_year=fin.fiscal_year,
        line=fin.lines["jalan"],
        amount=1000,
        description="x",
        payee="y",
    )
    with pytest.raises(PermissionDenied):
        vf.spp_verify(actor=u["treasurer"], spp=spp)
    with pytest.raises(InvalidTransition):
        vf.spp_approve(actor=u["village_head"], spp=spp)  # not verified yet
    with pytest.raises(PermissionDenied):
        vf.spp_create(
            actor=u["other_treasurer"],
            fiscal_year=fin.fiscal_year,
            line=fin.lines["jalan"],
            amount=1000,
            description="x",
            payee="y",
        )
    with pytest.raises(PermissionDenied):
        vf.spp_verify(actor=u["other_secretary"], spp=spp)
    spp.refresh_from_db()
    assert spp.status == SppStatus.DRAFT and spp.events.count() == 1


def test_spending_never_exceeds_the_line(fin):
    fin = adopt(fin)
    fund(fin, 600_000_000)
    with pytest.raises(ValidationFailed) as err:
        vf.spp_create(
            actor=fin.users["treasurer"],
            fiscal_year=fin.fiscal_year,
            line=fin.lines["jalan"],
            amount=500_000_001,
            description="x",
            payee="y",
        )
    assert err.value.code == "spp.exceeds_budget"
    _pay(fin, amount=400_000_000)
    with pytest.raises(ValidationFailed):
        vf.spp_create(
            actor=fin.users["treasurer"],
            fiscal_year=fin.fiscal_year,
            line=fin.lines["jalan"],
            amount=100_000_001,
            description="x",
            payee="y",
        )
    _pay(fin, amount=100_000_000)
    assert realisation_by_key(fin.fiscal_year)[fin.lines["jalan"].key] == Decimal(500_000_000)


def test_spp_before_adoption_is_refused(fin):
    with pytest.raises(InvalidTransition):
        vf.spp_create(
            actor=fin.users["treasurer"],
            fiscal_year=fin.fiscal_year,
            line=fin.lines["jalan"],
            amount=1,
            description="x",
            payee="y",
        )


def test_reversal_is_a_new_entry_and_restores_the_budget(fin):
    fin = adopt(fin)
    fund(fin)
    _spp, entry = _pay(fin, amount=50_000_000)
    before = list(entry.lines.values_list("pk", "debit", "credit", "realised"))
    correction = vf.entry_reverse(
        actor=fin.users["treasurer"], entry=entry, reason="salah rekening", reversed_on=dt.date(2026, 3, 3)
    )
    assert list(entry.lines.values_list("pk", "debit", "credit", "realised")) == before  # untouched
    assert correction.reverses_id == entry.pk
    assert realisation_by_key(fin.fiscal_year).get(fin.lines["jalan"].key, 0) == 0
    assert_kept_totals_match_lines(fin.fiscal_year)
    assert fin.fiscal_year.realised_spending == 0 and fin.fiscal_year.realised_income == Decimal(500_000_000)
    with pytest.raises(Conflict):
        vf.entry_reverse(actor=fin.users["treasurer"], entry=entry, reason="lagi")


def test_closed_month_refuses_entries(fin):
    fin = adopt(fin)
    fund(fin, on=dt.date(2026, 1, 15))
    closing = vf.month_close(actor=fin.users["treasurer"], fiscal_year=fin.fiscal_year, month=1)
    assert closing.bank_balance == Decimal(500_000_000)
    with pytest.raises(ValidationFailed):
        fund(fin, on=dt.date(2026, 1, 20))
    fund(fin, on=dt.date(2026, 2, 1))
    assert JournalEntry.objects.filter(fiscal_year=fin.fiscal_year).count() == 2


def test_transfers_and_panjar_move_money_not_realisation(fin):
    fin = adopt(fin)
    fund(fin, 100_000_000)
    t = fin.users["treasurer"]
    vf.book_transfer(
        actor=t,
        fiscal_year=fin.fiscal_year,
        from_book="bank",
        to_book="cash",
        amount=10_000_000,
        moved_on=dt.date(2026, 2, 3),
    )
    vf.panjar_give(
        actor=t,
        fiscal_year=fin.fiscal_year,
        activity=fin.activities["jalan"],
        recipient="Pelaksana kegiatan",
        amount=4_000_000,
        book="cash",
        given_on=dt.date(2026, 2, 3),
    )
    with pytest.raises(ValidationFailed):
        vf.book_transfer(
            actor=t,
            fiscal_year=fin.fiscal_year,
            from_book="cash",
            to_book="bank",
            amount=6_000_001,
            moved_on=dt.date(2026, 2, 3),
        )
    assert vf._book_balance(fin.fiscal_year.pk, Book.CASH) == Decimal(6_000_000)
    assert vf._book_balance(fin.fiscal_year.pk, Book.PANJAR) == Decimal(4_000_000)
    assert (
        JournalLine.objects.filter(fiscal_year=fin.fiscal_year, book__in=["cash", "panjar"])
        .exclude(realised=0)
        .count()
        == 0
    )


# --- concurrency ---------------------------------------------------------------------------------


def _threads(target, n):
    errors, results = [], []

    def run(i):
        try:
            results.append(target(i))
        except Exception as exc:  # collected for the assertion
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_concurrent_payments_never_exceed_the_line():
    from tests.conftest import build_world

    world = build_world()
    reference_load()
    world.users = add_finance_users(world)
    fin = adopt(build_budget(world, world.users))
    fund(fin, 1_000_000_000)
    u = fin.users
    spps = [  # five SPPs of 100,000,000 (passes the soft check) then raised to 150,000,000 each
        vf.spp_create(
            actor=u["treasurer"],
            fiscal_year=fin.fiscal_year,
            line=fin.lines["jalan"],
            amount=100_000_000,
            description="x",
            payee="y",
        )
        for _ in range(5)
    ]
    PaymentRequest.objects.filter(pk__in=[s.pk for s in spps]).update(amount=150_000_000)
    for spp in spps:
        vf.spp_approve(actor=u["village_head"], spp=vf.spp_verify(actor=u["secretary"], spp=spp))
    results, errors = _threads(
        lambda i: vf.spp_pay(actor=u["treasurer"], spp=spps[i], paid_on=dt.date(2026, 3, 2)), 5
    )
    assert len(results) == 3 and len(errors) == 2, errors
    assert all(isinstance(e, Conflict) for e in errors)
    assert realisation_by_key(fin.fiscal_year)[fin.lines["jalan"].key] == Decimal(450_000_000)
    assert_kept_totals_match_lines(fin.fiscal_year)


def test_year_and_village_not_visible_to_others(fin):
    from pintu.accounts.access import principal_for
    from pintu.village_finance import selectors

    with pytest.raises(NotFound):
        selectors.fiscal_year_for(principal_for(fin.users["other_treasurer"]), fin.world.village.code, YEAR)
    assert selectors.fiscal_year_for(
        principal_for(fin.users["district_officer"]), fin.world.village.code, YEAR
    )
    with pytest.raises(NotFound):
        selectors.fiscal_year_for(
            principal_for(fin.users["other_district_officer"]), fin.world.village.code, YEAR
        )
    assert selectors.fiscal_year_for(principal_for(fin.users["regency_admin"]), fin.world.village.code, YEAR)
    assert LineKind.SPENDING
