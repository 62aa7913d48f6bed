"""Execution: SPP (payment requests) with taxes and history, journal entries and lines (the books),
month closings."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pintu.village_finance.constants import Book, EntryKind, LineKind, SppAction, SppStatus, TaxKind
from pintu.village_finance.models._fields import Money
from pintu.village_finance.models.budgeting import BudgetLine, FiscalYear
from pintu.village_finance.models.reference import FundSource


class PaymentRequest(models.Model):
    """SPP: the treasurer asks to pay from an activity's budget line."""

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="payment_requests")
    number = models.CharField(_("nomor SPP"), max_length=40)
    line_key = models.UUIDField(db_index=True)
    line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="+")
    description = models.CharField(_("uraian"), max_length=300)
    payee = models.CharField(_("penerima"), max_length=150)
    amount = Money(_("jumlah bruto"))
    status = models.CharField(max_length=10, choices=SppStatus.choices, default=SppStatus.DRAFT)
    requested_on = models.DateField(_("tanggal SPP"))
    paid_entry = models.OneToOneField(
        "JournalEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="payment_request"
    )
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Siskeudes import: No_SPP of an imported SPP (natural key: a re-import skips it).
    siskeudes_ref = models.CharField(_("nomor Siskeudes"), max_length=80, blank=True, db_index=True)

    class Meta:
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "number"], name="vf_spp_number_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="vf_spp_amount_positive"),
        ]

    def __str__(self):
        return self.number


class PaymentTax(models.Model):
    request = models.ForeignKey(PaymentRequest, on_delete=models.CASCADE, related_name="taxes")
    kind = models.CharField(max_length=6, choices=TaxKind.choices)
    amount = Money(_("jumlah"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["request", "kind"], name="vf_tax_once_per_kind")]

    def __str__(self):
        return f"{self.kind} {self.amount}"


class PaymentEvent(models.Model):
    request = models.ForeignKey(PaymentRequest, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=10, choices=SppAction.choices)
    to_status = models.CharField(max_length=10)
    actor = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["request_id", "pk"]

    def __str__(self):
        return f"{self.request_id} {self.action}"


class JournalEntry(models.Model):
    """A posted transaction (bukti): its lines say which books it touches and what it realises."""

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="entries")
    number = models.CharField(_("nomor bukti"), max_length=40)
    date = models.DateField(_("tanggal"))
    kind = models.CharField(max_length=14, choices=EntryKind.choices)
    description = models.CharField(_("uraian"), max_length=300)
    counterparty = models.CharField(_("pihak"), max_length=150, blank=True)
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    posted_at = models.DateTimeField()
    # Siskeudes import: "<table>:<No_Bukti>" of an imported entry (natural key: a re-import skips it).
    siskeudes_ref = models.CharField(_("nomor Siskeudes"), max_length=80, blank=True, db_index=True)

    class Meta:
        ordering = ["fiscal_year_id", "date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "number"], name="vf_entry_number_unique")
        ]

    def __str__(self):
        return self.number


class JournalLine(models.Model):
    """One movement in one book. ``realised`` is what it adds to the budget's realisation (signed).

    Cash/bank/panjar lines: ``debit`` = money in, ``credit`` = money out. Tax book: ``debit`` =
    withheld (held for the state), ``credit`` = remitted.
    """

    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="lines")
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="+")
    book = models.CharField(max_length=6, choices=Book.choices)
    date = models.DateField()
    debit = Money(_("debet"))
    credit = Money(_("kredit"))
    line_key = models.UUIDField(null=True, blank=True)
    line_kind = models.CharField(max_length=10, choices=LineKind.choices, blank=True)
    account_code = models.CharField(max_length=20, blank=True)
    fund_source = models.ForeignKey(
        FundSource, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    tax_kind = models.CharField(max_length=6, choices=TaxKind.choices, blank=True)
    realised = Money(_("realisasi"))

    class Meta:
        ordering = ["entry_id", "pk"]
        indexes = [
            models.Index(fields=["fiscal_year", "line_key"]),
            models.Index(fields=["fiscal_year", "book", "date"]),
        ]

    def __str__(self):
        return f"{self.entry_id} {self.book} {self.debit}/{self.credit}"


class BookClosing(models.Model):
    """Buku kas umum closed for a month: no entry may be dated in it afterwards."""

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="closings")
    month = models.PositiveSmallIntegerField()
    closed_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField()
    cash_balance = Money(_("saldo kas"))
    bank_balance = Money(_("saldo bank"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["fiscal_year", "month"], name="vf_closing_once")]

    def __str__(self):
        return f"{self.fiscal_year_id}/{self.month}"
