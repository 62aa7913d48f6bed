"""Plan (RKPDes) and budget versions (APBDes): fiscal year, plan activities, budgets, their history,
activities and lines."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pintu.village_finance.constants import BudgetAction, BudgetKind, BudgetStatus, LineKind, PayPosition
from pintu.village_finance.models._fields import Money
from pintu.village_finance.models.reference import Account, ActivityKind, FundSource


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
