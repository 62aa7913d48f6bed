"""Village finance: reference lists, plan (RKPDes), budget versions (APBDes), payments and books.

Money is integer rupiah in ``DecimalField(decimal_places=0)``; volumes are decimals. Posted
journal lines are never updated or deleted: a correction is a reversing entry.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pintu.village_finance.constants import (
    Book,
    BudgetAction,
    BudgetKind,
    BudgetStatus,
    EntryKind,
    LineKind,
    PanjarStatus,
    PayPosition,
    ReportKind,
    ReportStatus,
    SppAction,
    SppStatus,
    TaxKind,
)


def Money(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, max_digits=16, decimal_places=0, default=0, **kwargs)


# --- reference -----------------------------------------------------------------------------------


class Account(models.Model):
    """A row of the APBDes chart of accounts (4 income, 5 spending, 6 financing, 7 non-budget)."""

    code = models.CharField(_("kode"), max_length=20, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    level = models.PositiveSmallIntegerField(_("tingkat"))  # 1 akun … 4 objek
    parent_code = models.CharField(max_length=20, blank=True)
    is_leaf = models.BooleanField(_("objek (boleh dianggarkan)"), default=False)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def root(self) -> str:
        return self.code.split(".", 1)[0]


class Bidang(models.Model):
    code = models.CharField(_("kode"), max_length=10, unique=True)  # "1"
    siskeudes_code = models.CharField(_("kode Siskeudes"), max_length=10, unique=True)  # "01"
    name = models.CharField(_("nama"), max_length=200)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.siskeudes_code} {self.name}"


class SubBidang(models.Model):
    bidang = models.ForeignKey(Bidang, on_delete=models.PROTECT, related_name="sub_bidang")
    code = models.CharField(_("kode"), max_length=10, unique=True)  # "1.1"
    siskeudes_code = models.CharField(_("kode Siskeudes"), max_length=10, unique=True)  # "01.01"
    name = models.CharField(_("nama"), max_length=250)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.siskeudes_code} {self.name}"


class ActivityKind(models.Model):
    """A kegiatan of the Lampiran (or a regional 90-99 addition)."""

    sub_bidang = models.ForeignKey(SubBidang, on_delete=models.PROTECT, related_name="kinds")
    code = models.CharField(_("kode"), max_length=16, unique=True)  # "1.1.01"
    siskeudes_code = models.CharField(_("kode Siskeudes"), max_length=16, unique=True)  # "01.01.01"
    name = models.CharField(_("nama"), max_length=300)
    short_name = models.CharField(_("nama singkat"), max_length=300, blank=True)

    class Meta:
        ordering = ["siskeudes_code"]

    def __str__(self):
        return f"{self.siskeudes_code} {self.short_name or self.name}"


class FundSource(models.Model):
    code = models.CharField(_("kode"), max_length=10, unique=True)
    name = models.CharField(_("nama"), max_length=120)
    is_dana_desa = models.BooleanField(_("Dana Desa"), default=False)
    sort = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["sort", "code"]

    def __str__(self):
        return self.code


# --- plan and budget -----------------------------------------------------------------------------


class FiscalYear(models.Model):
    """One village's finance for one year: its plan, its budget versions and its books."""

    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="fiscal_years")
    year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    # The version money is spent against (the adopted original, later the adopted amendment).
    effective_budget = models.ForeignKey(
        "Budget", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Realisation kept by the posting service with F() updates in the same transaction as the
    # journal lines (the regency dashboard reads these; tests check they equal the line sums).
    realised_income = Money(_("pendapatan terealisasi"))
    realised_spending = Money(_("belanja terealisasi"))
    realised_financing_in = Money(_("penerimaan pembiayaan terealisasi"))
    realised_financing_out = Money(_("pengeluaran pembiayaan terealisasi"))
    realised_dana_desa = Money(_("belanja Dana Desa terealisasi"))
    spp_counter = models.PositiveIntegerField(default=0)
    entry_counter = models.PositiveIntegerField(default=0)
    panjar_counter = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["village", "year"], name="vf_fiscal_year_unique")]
        indexes = [models.Index(fields=["year", "village"])]

    def __str__(self):
        return f"{self.village_id}/{self.year}"


class PlanActivity(models.Model):
    """A line of the RKPDes: what the village plans to do this year."""

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="plan_activities")
    kind = models.ForeignKey(ActivityKind, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("nama kegiatan"), max_length=300)
    location = models.CharField(_("lokasi"), max_length=200, blank=True)
    volume = models.CharField(_("volume"), max_length=60, blank=True)
    output = models.CharField(_("keluaran"), max_length=200, blank=True)
    indicative_amount = Money(_("pagu indikatif"))
    fund_source = models.ForeignKey(FundSource, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind__siskeudes_code", "pk"]

    def __str__(self):
        return self.name


class Budget(models.Model):
    """One version of a village's APBDes. Versions are never overwritten: an amendment is a new row."""

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="budgets")
    kind = models.CharField(_("jenis"), max_length=10, choices=BudgetKind.choices)
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=BudgetStatus.choices, db_index=True)
    agreed_on = models.DateField(_("tanggal kesepakatan BPD"), null=True, blank=True)
    agreement_number = models.CharField(_("nomor berita acara BPD"), max_length=80, blank=True)
    submitted_on = models.DateField(_("tanggal diajukan"), null=True, blank=True)
    submit_due = models.DateField(_("batas pengajuan"), null=True, blank=True)
    evaluation_started_on = models.DateField(null=True, blank=True)
    evaluation_due = models.DateField(_("batas evaluasi"), null=True, blank=True)
    correction_due = models.DateField(_("batas perbaikan"), null=True, blank=True)
    evaluated_on = models.DateField(null=True, blank=True)
    adopted_on = models.DateField(_("tanggal penetapan"), null=True, blank=True)
    perdes_number = models.CharField(_("nomor Perdes"), max_length=80, blank=True)
    event_count = models.PositiveIntegerField(default=0)
    # Totals kept by the services in the same transaction as the lines (lists never sum rows).
    income_total = Money(_("pendapatan"))
    spending_total = Money(_("belanja"))
    financing_in_total = Money(_("penerimaan pembiayaan"))
    financing_out_total = Money(_("pengeluaran pembiayaan"))
    dana_desa_total = Money(_("belanja dari Dana Desa"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "kind"], name="vf_budget_one_per_kind"),
        ]
        indexes = [models.Index(fields=["status", "evaluation_due"])]

    def __str__(self):
        return f"APBDes {self.fiscal_year_id} {self.kind}"

    @property
    def is_editable(self) -> bool:
        return self.status in (BudgetStatus.DRAFT, BudgetStatus.RETURNED)

    @property
    def surplus(self):
        return self.income_total - self.spending_total

    @property
    def net_financing(self):
        return self.financing_in_total - self.financing_out_total


class BudgetEvent(models.Model):
    """Append-only history of a budget version."""

    budget = models.ForeignKey(Budget, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    action = models.CharField(max_length=12, choices=BudgetAction.choices)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    actor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_unit = models.ForeignKey(
        "regions.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)
    is_late = models.BooleanField(default=False)
    at = models.DateTimeField()

    class Meta:
        ordering = ["budget_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["budget", "seq"], name="vf_budget_event_seq")]

    def __str__(self):
        return f"{self.budget_id}#{self.seq} {self.action}"


class Activity(models.Model):
    """A kegiatan in a budget version, drawn from one RKPDes line."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="activities")
    plan = models.ForeignKey(PlanActivity, on_delete=models.PROTECT, related_name="activities")
    kind = models.ForeignKey(ActivityKind, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("nama kegiatan"), max_length=300)
    location = models.CharField(_("lokasi"), max_length=200, blank=True)
    output = models.CharField(_("keluaran"), max_length=200, blank=True)
    total = Money(_("pagu"))

    class Meta:
        ordering = ["kind__siskeudes_code", "pk"]
        constraints = [models.UniqueConstraint(fields=["budget", "plan"], name="vf_activity_once_per_plan")]

    def __str__(self):
        return self.name


class BudgetLine(models.Model):
    """An income, spending (RAB) or financing line of a budget version.

    ``key`` is shared by the same line in every version (original → amendment) so realisation
    and comparisons follow a line across versions.
    """

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="lines")
    key = models.UUIDField(default=uuid.uuid4, db_index=True)
    kind = models.CharField(max_length=10, choices=LineKind.choices)
    activity = models.ForeignKey(
        Activity, null=True, blank=True, on_delete=models.CASCADE, related_name="lines"
    )
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    fund_source = models.ForeignKey(FundSource, on_delete=models.PROTECT, related_name="+")
    description = models.CharField(_("uraian"), max_length=300)
    volume = models.DecimalField(_("volume"), max_digits=12, decimal_places=2, default=1)
    unit = models.CharField(_("satuan"), max_length=30, default="paket")
    unit_price = Money(_("harga satuan"))
    amount = Money(_("jumlah"))
    pay_position = models.CharField(
        _("jabatan (penghasilan tetap)"), max_length=10, choices=PayPosition.choices, blank=True
    )
    tanah_bengkok = models.BooleanField(_("hasil tanah bengkok"), default=False)

    class Meta:
        ordering = ["kind", "account__code", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["budget", "key"], name="vf_line_key_once_per_version"),
            models.CheckConstraint(
                condition=Q(kind="spending", activity__isnull=False)
                | (~Q(kind="spending") & Q(activity__isnull=True)),
                name="vf_line_activity_iff_spending",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="vf_line_amount_non_negative"),
        ]

    def __str__(self):
        return f"{self.account_id} {self.description}"


# --- execution -----------------------------------------------------------------------------------


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


# --- Siskeudes import ----------------------------------------------------------------------------


class SiskeudesImportStatus(models.TextChoices):
    QUEUED = "queued", _("Menunggu giliran")
    RUNNING = "running", _("Sedang diimpor")
    DONE = "done", _("Selesai")
    FAILED = "failed", _("Gagal")


class SiskeudesImportJob(models.Model):
    """An uploaded Siskeudes .zip imported in the background; counts and bad rows kept for the report."""

    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to="village_finance/siskeudes/%Y/%m/")
    file_name = models.CharField(max_length=200)
    status = models.CharField(
        max_length=10, choices=SiskeudesImportStatus.choices, default=SiskeudesImportStatus.QUEUED
    )
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)  # table → {"imported", "skipped", "failed"}
    errors = models.JSONField(default=list, blank=True)  # [{table, row, column, message}]
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["village", "year"])]

    def __str__(self):
        return self.file_name

    @property
    def percent(self) -> int:
        if self.status == SiskeudesImportStatus.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(99, self.processed_rows * 100 // self.total_rows)

    @property
    def is_finished(self) -> bool:
        return self.status in (SiskeudesImportStatus.DONE, SiskeudesImportStatus.FAILED)

    @property
    def failed_count(self) -> int:
        return len(self.errors or [])


# --- panjar (advances to activity implementers) ---------------------------------------------------


class Panjar(models.Model):
    """A panjar kegiatan: money the treasurer advances to an activity's implementer (Kasi/Kaur
    pelaksana kegiatan, TPK), who accounts for it with spending against the activity's lines
    (SPJ) and returns the rest. Settled when ``accounted + returned == amount``.

    ``accounted`` and ``returned`` are kept by the panjar services with ``F()`` updates in the
    same transaction as the journal entries (the panjar book is the source of truth).
    """

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="panjars")
    number = models.CharField(_("nomor panjar"), max_length=40)
    # The RKPDes line is the same in every budget version (an amendment copies activities).
    plan = models.ForeignKey(PlanActivity, on_delete=models.PROTECT, related_name="panjars")
    activity_name = models.CharField(_("kegiatan"), max_length=300)
    recipient = models.CharField(_("penerima (pelaksana kegiatan)"), max_length=150)
    recipient_position = models.CharField(_("jabatan penerima"), max_length=100, blank=True)
    description = models.CharField(_("keperluan"), max_length=300)
    book = models.CharField(_("diberikan dari"), max_length=6, choices=Book.choices)
    amount = Money(_("jumlah panjar"))
    accounted = Money(_("dipertanggungjawabkan"))
    returned = Money(_("dikembalikan"))
    status = models.CharField(
        _("status"), max_length=10, choices=PanjarStatus.choices, default=PanjarStatus.OPEN
    )
    given_on = models.DateField(_("tanggal diberikan"))
    settled_on = models.DateField(_("tanggal selesai"), null=True, blank=True)
    given_entry = models.OneToOneField("JournalEntry", on_delete=models.PROTECT, related_name="panjar_given")
    # The return of the remainder (cleared again if that entry is reversed).
    closed_entry = models.OneToOneField(
        "JournalEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="panjar_closed"
    )
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-given_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "number"], name="vf_panjar_number_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="vf_panjar_amount_positive"),
            models.CheckConstraint(
                condition=Q(accounted__gte=0, returned__gte=0)
                & Q(accounted__lte=models.F("amount") - models.F("returned")),
                name="vf_panjar_within_amount",
            ),
        ]
        indexes = [models.Index(fields=["fiscal_year", "status", "given_on"])]

    def __str__(self):
        return self.number

    @property
    def outstanding(self):
        """Still in the implementer's hands: neither accounted for nor returned."""
        return self.amount - self.accounted - self.returned


class PanjarItem(models.Model):
    """One spending of a panjar accounted for (a row of the SPJ panjar), realised on a line."""

    panjar = models.ForeignKey(Panjar, on_delete=models.PROTECT, related_name="items")
    entry = models.ForeignKey("JournalEntry", on_delete=models.PROTECT, related_name="panjar_items")
    line_key = models.UUIDField()
    line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="+")
    description = models.CharField(_("uraian"), max_length=300)
    payee = models.CharField(_("penerima"), max_length=150)
    amount = Money(_("jumlah bruto"))
    tax_withheld = Money(_("potongan pajak"))

    class Meta:
        ordering = ["panjar_id", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="vf_panjar_item_amount_positive"),
        ]

    def __str__(self):
        return f"{self.panjar_id} {self.amount}"


# --- report submissions ----------------------------------------------------------------------------


class ReportSubmission(models.Model):
    """The village sends its semester I or year-end report to the bupati through the camat
    (Permendagri 20/2018 art. 68-70). Attempts are rows: a returned submission stays, the
    village submits again as a new row; at most one attempt that is not returned per kind.
    """

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="report_submissions")
    kind = models.CharField(_("jenis laporan"), max_length=10, choices=ReportKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED
    )
    due_on = models.DateField(_("batas penyampaian"))
    submitted_on = models.DateField(_("tanggal dikirim"))
    is_late = models.BooleanField(_("terlambat"), default=False)
    submitted_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()
    # The report as sent: totals per akun (budget, realised), the period end and open panjar.
    snapshot = models.JSONField(default=dict)
    file_name = models.CharField(_("berkas laporan"), max_length=120, blank=True)
    received_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("catatan camat"), blank=True)

    class Meta:
        ordering = ["fiscal_year_id", "kind", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "kind"],
                condition=~Q(status="returned"),
                name="vf_report_one_active_per_kind",
            ),
        ]
        indexes = [models.Index(fields=["kind", "status"])]

    def __str__(self):
        return f"{self.fiscal_year_id} {self.kind} {self.status}"
