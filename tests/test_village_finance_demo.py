"""The village finance demo: built through the services, balanced, idempotent."""

import io

import pytest
from django.core.management import call_command

from pintu.village_finance.constants import BudgetStatus
from pintu.village_finance.demo import seed_demo
from pintu.village_finance.models import BudgetLine, FiscalYear, JournalEntry, PaymentRequest
from pintu.village_finance.rules import check_budget


@pytest.mark.django_db
def test_demo_is_adopted_balanced_and_idempotent(client):
    call_command("demo_setup", cases=0, stdout=io.StringIO())
    seed_demo(stdout=io.StringIO())
    fy = FiscalYear.objects.get(village__code="35.10.24.2008", year=2026)
    budget = fy.effective_budget
    assert budget.status == BudgetStatus.ADOPTED and budget.activities.count() >= 40
    totals, findings = check_budget(budget)
    assert not [f for f in findings if f.blocks]
    assert (
        950_000_000
        < totals.income
        - sum(
            ln.amount
            for ln in BudgetLine.objects.filter(budget=budget, kind="income").exclude(
                account__code="4.2.1.01"
            )
        )
        < 1_100_000_000
    )
    assert PaymentRequest.objects.filter(fiscal_year=fy, status="paid").count() >= 5
    counts = (JournalEntry.objects.count(), PaymentRequest.objects.count(), FiscalYear.objects.count())
    assert FiscalYear.objects.filter(year=2027).count() >= 5
    seed_demo(stdout=io.StringIO())
    assert (
        JournalEntry.objects.count(),
        PaymentRequest.objects.count(),
        FiscalYear.objects.count(),
    ) == counts
    for username in ("bendahara.tamansari", "sekdes.tamansari"):
        assert client.login(username=username, password="pintu-demo-2026")
