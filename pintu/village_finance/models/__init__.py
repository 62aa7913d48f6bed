"""Village finance: reference lists, plan (RKPDes), budget versions (APBDes), payments and books,
panjar, report submissions and Siskeudes import jobs — one module per concept; every model is
imported here so ``from pintu.village_finance.models import X`` keeps working.

Money is integer rupiah in ``DecimalField(decimal_places=0)``; volumes are decimals. Posted
journal lines are never updated or deleted: a correction is a reversing entry.
"""

from pintu.village_finance.models._fields import Money
from pintu.village_finance.models.budgeting import (
    Activity,
    Budget,
    BudgetEvent,
    BudgetLine,
    FiscalYear,
    PlanActivity,
)
from pintu.village_finance.models.execution import (
    BookClosing,
    JournalEntry,
    JournalLine,
    PaymentEvent,
    PaymentRequest,
    PaymentTax,
)
from pintu.village_finance.models.imports import SiskeudesImportJob, SiskeudesImportStatus
from pintu.village_finance.models.panjar import Panjar, PanjarItem
from pintu.village_finance.models.reference import Account, ActivityKind, Bidang, FundSource, SubBidang
from pintu.village_finance.models.reporting import ReportSubmission

__all__ = [
    "Account",
    "Activity",
    "ActivityKind",
    "Bidang",
    "BookClosing",
    "Budget",
    "BudgetEvent",
    "BudgetLine",
    "FiscalYear",
    "FundSource",
    "JournalEntry",
    "JournalLine",
    "Money",
    "Panjar",
    "PanjarItem",
    "PaymentEvent",
    "PaymentRequest",
    "PaymentTax",
    "PlanActivity",
    "ReportSubmission",
    "SiskeudesImportJob",
    "SiskeudesImportStatus",
    "SubBidang",
]
