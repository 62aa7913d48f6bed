"""Village finance verbs: the only write path. Keyword-only arguments, an explicit ``actor``,
one transaction each, audit inside it.

One module per concept; this package re-exports every verb and the helpers other modules and
tests use, so ``from pintu.village_finance import services`` keeps working:

- ``_common``   — input parsing, row locks, budget totals, budget history rows
- ``_posting``  — entry numbers, open months, the effective line, realisation, ``_post``
- ``planning``  — fiscal year, RKPDes lines, APBDes activities, budget lines
- ``cycle``     — rule findings, transitions (agree … adopt), evaluation clock, amendment
- ``payments``  — SPP create / verify / approve / reject / pay
- ``books``     — income, financing, tax remittance, transfers, reversal, month closing
- ``panjar``    — advances to activity implementers: give, account (SPJ), close
- ``reporting`` — semester I and year-end report submissions to the camat
"""

from pintu.village_finance.services._common import (
    ZERO,
    InvalidBudgetTransition,
    _calendar,
    _decimal,
    _event,
    _fund_source,
    _lock_budget,
    _lock_year,
    _money,
    _recompute_totals,
    _require_editable,
    _today,
)
from pintu.village_finance.services._posting import (
    REALISED_FIELDS,
    _book_balance,
    _bookkeeper,
    _check_open_month,
    _effective_line,
    _keep_realisation,
    _lock_spending_line,
    _mirror_lines,
    _next_number,
    _post,
    _spending_journal_lines,
    _tax_rows,
    line_realised,
)
from pintu.village_finance.services.books import (
    TRANSFER_KINDS,
    book_transfer,
    entry_reverse,
    financing_pay,
    income_receive,
    month_close,
    tax_remit,
)
from pintu.village_finance.services.cycle import (
    BUDGET_VERBS,
    _transition,
    amendment_start,
    apbdes_evaluation_due,
    budget_adopt,
    budget_agree,
    budget_approve,
    budget_findings,
    budget_forward,
    budget_resubmit,
    budget_return,
    budget_submit,
)
from pintu.village_finance.services.panjar import (
    activity_available,
    open_panjar,
    panjar_account,
    panjar_close,
    panjar_give,
    panjar_on_reverse,
)
from pintu.village_finance.services.payments import (
    _spp_event,
    _spp_step,
    spp_approve,
    spp_create,
    spp_pay,
    spp_reject,
    spp_verify,
)
from pintu.village_finance.services.planning import (
    LINE_FIELDS,
    _line_values,
    activity_add,
    budget_line_add,
    budget_line_remove,
    budget_line_update,
    fiscal_year_open,
    plan_activity_add,
)
from pintu.village_finance.services.reporting import (
    report_receive,
    report_return,
    report_snapshot,
    report_submit,
)

__all__ = [
    "BUDGET_VERBS",
    "LINE_FIELDS",
    "REALISED_FIELDS",
    "TRANSFER_KINDS",
    "ZERO",
    "InvalidBudgetTransition",
    "_book_balance",
    "_bookkeeper",
    "_calendar",
    "_check_open_month",
    "_decimal",
    "_effective_line",
    "_event",
    "_fund_source",
    "_keep_realisation",
    "_line_values",
    "_lock_budget",
    "_lock_spending_line",
    "_lock_year",
    "_mirror_lines",
    "_money",
    "_next_number",
    "_post",
    "_recompute_totals",
    "_require_editable",
    "_spending_journal_lines",
    "_spp_event",
    "_spp_step",
    "_tax_rows",
    "_today",
    "_transition",
    "activity_add",
    "activity_available",
    "amendment_start",
    "apbdes_evaluation_due",
    "book_transfer",
    "budget_adopt",
    "budget_agree",
    "budget_approve",
    "budget_findings",
    "budget_forward",
    "budget_line_add",
    "budget_line_remove",
    "budget_line_update",
    "budget_resubmit",
    "budget_return",
    "budget_submit",
    "entry_reverse",
    "financing_pay",
    "fiscal_year_open",
    "income_receive",
    "line_realised",
    "month_close",
    "open_panjar",
    "panjar_account",
    "panjar_close",
    "panjar_give",
    "panjar_on_reverse",
    "plan_activity_add",
    "report_receive",
    "report_return",
    "report_snapshot",
    "report_submit",
    "spp_approve",
    "spp_create",
    "spp_pay",
    "spp_reject",
    "spp_verify",
    "tax_remit",
]
