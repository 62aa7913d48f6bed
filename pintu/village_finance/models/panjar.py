"""Panjar kegiatan: advances to activity implementers and their accounted items (SPJ)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pintu.village_finance.constants import Book, PanjarStatus
from pintu.village_finance.models._fields import Money
from pintu.village_finance.models.budgeting import BudgetLine, FiscalYear, PlanActivity


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
    # Ta_SPP.No_SPP (Jn_SPP "UM") of an imported panjar: a re-import skips it.
    siskeudes_ref = models.CharField(_("nomor Siskeudes"), max_length=80, blank=True, db_index=True)

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
