"""Report submissions: the village sends its semester I realisation report and its year-end
report (laporan pertanggungjawaban realisasi APBDes) to the bupati through the camat
(Permendagri 20/2018 art. 68-70); the camat receives it or returns it with a note.

Due dates come from :func:`constants.report_due` (end of July of the year; end of January of the
next year). A submission after its due date is accepted and flagged ``is_late``.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pintu.accounts.access import principal_for
from pintu.accounts.constants import Role
from pintu.audit.services import audit_record
from pintu.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from pintu.village_finance import policies
from pintu.village_finance.constants import (
    PanjarStatus,
    ReportKind,
    ReportStatus,
    report_due,
    report_period_end,
)
from pintu.village_finance.models import FiscalYear, Panjar, ReportSubmission
from pintu.village_finance.services._common import _lock_year, _today
from pintu.village_finance.workflow import Scope

SUBMITTERS = (Role.VILLAGE_TREASURER, Role.VILLAGE_HEAD)
RECEIVERS = (Role.DISTRICT_OFFICER,)


def report_snapshot(fiscal_year: FiscalYear, kind: str) -> dict:
    """The totals of the report as sent (budget and realisation per akun, open panjar)."""
    from pintu.village_finance.selectors import realisation_report

    until = report_period_end(kind, fiscal_year.year)
    report = realisation_report(fiscal_year, until=until)
    totals = {
        root: {"budget": str(row.budget), "realised": str(row.realised)}
        for root, row in (report.get("totals") or {}).items()
    }
    open_panjar = list(
        Panjar.objects.filter(fiscal_year=fiscal_year, status=PanjarStatus.OPEN, given_on__lte=until)
        .order_by("given_on", "pk")
        .values_list("number", "recipient", "amount", "accounted", "returned")
    )
    return {
        "until": until.isoformat(),
        "totals": totals,
        "open_panjar": [
            {"number": n, "recipient": r, "outstanding": str(a - acc - ret)}
            for n, r, a, acc, ret in open_panjar
        ],
    }


@transaction.atomic
def report_submit(
    *, actor, fiscal_year: FiscalYear, kind: str, on: dt.date | None = None
) -> ReportSubmission:
    """The treasurer or kepala desa sends the report of a period that has ended to the camat."""
    fiscal_year = _lock_year(fiscal_year)
    policies.require_village_role(principal_for(actor), fiscal_year.village, SUBMITTERS)
    if kind not in ReportKind.values:
        raise ValidationFailed(fields={"kind": [_("Jenis laporan tidak dikenal.")]})
    today = on or _today()
    period_end = report_period_end(kind, fiscal_year.year)
    if fiscal_year.effective_budget_id is None:
        raise InvalidTransition(
            _("APBDes tahun ini belum ditetapkan; belum ada realisasi yang dilaporkan."),
            code="report.no_budget",
        )
    if today <= period_end:
        raise ValidationFailed(
            _("Laporan ini baru dapat dikirim setelah periodenya berakhir (%(date)s).")
            % {"date": period_end.strftime("%d-%m-%Y")},
            code="report.too_early",
        )
    active = (
        ReportSubmission.objects.filter(fiscal_year=fiscal_year, kind=kind)
        .exclude(status=ReportStatus.RETURNED)
        .first()
    )
    if active is not None:
        raise Conflict(
            _("%(kind)s sudah dikirim pada %(date)s.")
            % {"kind": ReportKind(kind).label, "date": active.submitted_on.strftime("%d-%m-%Y")},
            code="report.already_submitted",
        )
    due = report_due(kind, fiscal_year.year)
    village = fiscal_year.village
    try:
        with transaction.atomic():
            submission = ReportSubmission.objects.create(
                fiscal_year=fiscal_year,
                kind=kind,
                due_on=due,
                submitted_on=today,
                is_late=today > due,
                submitted_by=actor,
                submitted_at=timezone.now(),
                snapshot=report_snapshot(fiscal_year, kind),
                file_name=(
                    f"realisasi-{village.code}-{fiscal_year.year}"
                    f"{'-s1' if kind == ReportKind.SEMESTER else ''}.pdf"
                ),
            )
    except IntegrityError:
        raise Conflict(_("Laporan ini sudah dikirim."), code="report.already_submitted") from None
    audit_record(
        actor=actor,
        verb="village_finance.report_submit",
        obj=submission,
        changes={"kind": kind, "due": due.isoformat(), "late": submission.is_late},
    )
    return submission


def _camat_step(actor, submission: ReportSubmission) -> ReportSubmission:
    submission = (
        ReportSubmission.objects.select_for_update()
        .select_related("fiscal_year__village__district")
        .get(pk=submission.pk)
    )
    village = submission.fiscal_year.village
    if policies.acting_unit(principal_for(actor), village, Scope.DISTRICT, RECEIVERS) is None:
        raise PermissionDenied()
    if submission.status != ReportStatus.SUBMITTED:
        raise InvalidTransition(
            _("Laporan berstatus %(s)s tidak dapat diproses lagi.")
            % {"s": submission.get_status_display().lower()},
            code="report.invalid_transition",
        )
    return submission


@transaction.atomic
def report_receive(*, actor, submission: ReportSubmission, note: str = "") -> ReportSubmission:
    """The camat acknowledges receipt (the report goes on to the bupati)."""
    submission = _camat_step(actor, submission)
    submission.status = ReportStatus.RECEIVED
    submission.received_by = actor
    submission.received_at = timezone.now()
    submission.note = (note or "").strip()
    submission.save(update_fields=["status", "received_by", "received_at", "note"])
    audit_record(
        actor=actor,
        verb="village_finance.report_receive",
        obj=submission,
        changes={"status": [ReportStatus.SUBMITTED, ReportStatus.RECEIVED]},
    )
    return submission


@transaction.atomic
def report_return(*, actor, submission: ReportSubmission, note: str) -> ReportSubmission:
    """The camat returns the report with what to fix; the village submits again."""
    if not (note or "").strip():
        raise ValidationFailed(fields={"note": [_("Tuliskan apa yang harus diperbaiki desa.")]})
    submission = _camat_step(actor, submission)
    submission.status = ReportStatus.RETURNED
    submission.received_by = actor
    submission.received_at = timezone.now()
    submission.note = note.strip()
    submission.save(update_fields=["status", "received_by", "received_at", "note"])
    audit_record(
        actor=actor,
        verb="village_finance.report_return",
        obj=submission,
        changes={"status": [ReportStatus.SUBMITTED, ReportStatus.RETURNED], "note": submission.note},
    )
    return submission
