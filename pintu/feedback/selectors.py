"""Reads: the IKM report (SQL aggregates, one query per table) and complaint lists, details and
public tracking."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils import timezone

from pintu.accounts.access import Principal
from pintu.core.errors import NotFound, PermissionDenied
from pintu.feedback import codes
from pintu.feedback.constants import (
    AGENCY_PENDING_STATUSES,
    OPEN_COMPLAINT_STATUSES,
    PROFILE_FIELDS,
    ComplaintAction,
    ComplaintStatus,
)
from pintu.feedback.models import Complaint, ComplaintEvent, SurveyPeriod, SurveyResponse
from pintu.feedback.policies import (
    can_view_complaint,
    handled_complaints_filter,
    report_scope,
    visible_complaints_filter,
)
from pintu.feedback.rules import ELEMENT_CODES, IkmResult, ikm_compute, krejcie_morgan, rule_version

# --- IKM ----------------------------------------------------------------------------------------


def _element_aggregates() -> dict:
    aggregates = {"respondents": Count("id")}
    for code in ELEMENT_CODES:
        aggregates[f"{code}_sum"] = Sum(code)
        aggregates[f"{code}_n"] = Count(code)
    return aggregates


def _totals(row: dict) -> dict[str, tuple[int, int]]:
    return {code: (row[f"{code}_sum"] or 0, row[f"{code}_n"] or 0) for code in ELEMENT_CODES}


@dataclass(frozen=True)
class Filters:
    period_id: int | None = None
    agency_id: int | None = None
    service_id: int | None = None
    site_id: int | None = None


@dataclass(frozen=True)
class GroupRow:
    key: int | None
    label: str
    result: IkmResult


@dataclass(frozen=True)
class IkmReport:
    period: SurveyPeriod
    filters: Filters
    result: IkmResult
    minimum_sample: int | None
    by_agency: list[GroupRow]
    by_service: list[GroupRow]
    profile: dict[str, list[tuple[str, str, int]]]  # field -> [(value, label, count)]
    trend: list[tuple[SurveyPeriod, IkmResult]]

    @property
    def sample_enough(self) -> bool | None:
        if self.minimum_sample is None:
            return None
        return self.result.respondents >= self.minimum_sample


def _scoped(principal: Principal, filters: Filters, *, with_period: bool = True):
    scope = report_scope(principal)
    if scope is None:
        raise PermissionDenied("Laporan IKM hanya untuk instansi, pengelola lokasi dan admin kabupaten.")
    queryset = SurveyResponse.objects.filter(scope)
    if with_period and filters.period_id:
        queryset = queryset.filter(period_id=filters.period_id)
    if filters.agency_id:
        queryset = queryset.filter(agency_id=filters.agency_id)
    if filters.service_id:
        queryset = queryset.filter(service_id=filters.service_id)
    if filters.site_id:
        queryset = queryset.filter(site_id=filters.site_id)
    return queryset


TREND_PERIODS = 6  # the report's trend shows this period and the five before it


def current_period() -> SurveyPeriod | None:
    today = timezone.localdate()
    return (
        SurveyPeriod.objects.filter(starts_on__lte=today, ends_on__gte=today).first()
        or SurveyPeriod.objects.order_by("-starts_on").first()
    )


def ikm_report(principal: Principal, filters: Filters) -> IkmReport:
    """The standard tables for one period in three scans: per agency (with the profile counts;
    the overall index and the profile tables are its sums), per service, and the earlier periods
    of the trend — plus two reads of period rows."""
    period = (
        SurveyPeriod.objects.filter(pk=filters.period_id).first() if filters.period_id else current_period()
    )
    if period is None:
        raise NotFound("Belum ada periode survei.", code="survey.no_period")
    filters = Filters(period.pk, filters.agency_id, filters.service_id, filters.site_id)
    rule = rule_version(period.rule_version)
    queryset = _scoped(principal, filters)
    # One grouped scan gives the per-agency table; the overall index and the four profile tables
    # are sums of its rows (conditional counts), so they cost no further scan.
    profile_counts = {
        f"p_{name}_{value or 'blank'}": Count("id", filter=Q(**{name: value}))
        for name, choices in PROFILE_FIELDS.items()
        for value in [*choices.values, ""]
    }
    agency_rows = list(
        queryset.values("agency_id", "agency__name", "agency__short_name")
        .annotate(**_element_aggregates(), **profile_counts)
        .order_by("agency__name")
    )
    summed_keys = ["respondents", *[f"{c}_{k}" for c in ELEMENT_CODES for k in ("sum", "n")], *profile_counts]
    overall = {key: sum(row[key] or 0 for row in agency_rows) for key in summed_keys}
    result = ikm_compute(rule, _totals(overall), overall["respondents"])
    by_agency = [
        GroupRow(
            row["agency_id"],
            row["agency__short_name"] or row["agency__name"],
            ikm_compute(rule, _totals(row), row["respondents"]),
        )
        for row in agency_rows
    ]
    by_service = [
        GroupRow(
            row["service_id"],
            row["service__name"] or "—",
            ikm_compute(rule, _totals(row), row["respondents"]),
        )
        for row in queryset.values("service_id", "service__name")
        .annotate(**_element_aggregates())
        .order_by("service__name")
    ]
    profile = {
        name: [
            *[(value, str(label), overall[f"p_{name}_{value}"]) for value, label in choices.choices],
            ("", "Tidak diisi", overall[f"p_{name}_blank"]),
        ]
        for name, choices in PROFILE_FIELDS.items()
    }
    earlier = list(
        SurveyPeriod.objects.filter(starts_on__lt=period.starts_on).order_by("-starts_on")[
            : TREND_PERIODS - 1
        ]
    )
    trend_rows = (
        {
            row["period_id"]: row
            for row in _scoped(principal, filters, with_period=False)
            .filter(period_id__in=[p.pk for p in earlier])
            .values("period_id")
            .annotate(**_element_aggregates())
            .order_by()
        }
        if earlier
        else {}
    )
    trend = [
        (
            p,
            ikm_compute(
                rule_version(p.rule_version), _totals(trend_rows[p.pk]), trend_rows[p.pk]["respondents"]
            ),
        )
        for p in reversed(earlier)
        if p.pk in trend_rows
    ]
    if result.respondents:
        trend.append((period, result))
    minimum = krejcie_morgan(period.population) if period.population else None
    return IkmReport(period, filters, result, minimum, by_agency, by_service, profile, trend)


def published_summary() -> list[tuple[SurveyPeriod, str, IkmResult]]:
    """Public: IKM and grade per agency for published periods (no comments, no profiles)."""
    rows = []
    for period in SurveyPeriod.objects.filter(is_published=True).order_by("-starts_on")[:2]:
        rule = rule_version(period.rule_version)
        for row in (
            SurveyResponse.objects.filter(period=period)
            .values("agency__name")
            .annotate(**_element_aggregates())
            .order_by("agency__name")
        ):
            rows.append((period, row["agency__name"], ikm_compute(rule, _totals(row), row["respondents"])))
    return rows


# --- complaints ---------------------------------------------------------------------------------

QUEUE_TABS = ("open", "overdue", "triage", "answered", "closed")
PAGE_SIZE = 50


def complaint_queue(
    principal: Principal,
    *,
    tab: str = "open",
    agency_id: int | None = None,
    limit: int = PAGE_SIZE,
    after_id: int | None = None,
):
    """One query: the complaints this principal handles, oldest deadline first."""
    queryset = (
        Complaint.objects.filter(handled_complaints_filter(principal))
        .select_related("agency", "service")
        .only(
            "id",
            "tracking_code",
            "status",
            "channel",
            "subject",
            "submitted_at",
            "due_date",
            "is_anonymous",
            "agency__name",
            "agency__short_name",
            "service__name",
            "reopen_count",
        )
    )
    today = timezone.localdate()
    if tab == "overdue":
        queryset = queryset.filter(status__in=AGENCY_PENDING_STATUSES, due_date__lt=today)
    elif tab == "triage":
        queryset = queryset.filter(agency__isnull=True, status=ComplaintStatus.SUBMITTED)
    elif tab == "answered":
        queryset = queryset.filter(status=ComplaintStatus.ANSWERED)
    elif tab == "closed":
        queryset = queryset.filter(status__in=[ComplaintStatus.CLOSED, ComplaintStatus.REJECTED])
    else:
        queryset = queryset.filter(status__in=AGENCY_PENDING_STATUSES)
    if agency_id:
        queryset = queryset.filter(agency_id=agency_id)
    if tab == "closed":
        queryset = queryset.order_by("-id")
        if after_id:
            queryset = queryset.filter(id__lt=after_id)
    else:
        queryset = queryset.order_by("due_date", "id")
    return list(queryset[:limit])


def complaint_counts(principal: Principal) -> dict[str, int]:
    """Open / overdue / triage counts in one query."""
    today = timezone.localdate()
    return Complaint.objects.filter(handled_complaints_filter(principal)).aggregate(
        open=Count("id", filter=Q(status__in=AGENCY_PENDING_STATUSES)),
        overdue=Count("id", filter=Q(status__in=AGENCY_PENDING_STATUSES, due_date__lt=today)),
        triage=Count("id", filter=Q(status=ComplaintStatus.SUBMITTED, agency__isnull=True)),
        answered=Count("id", filter=Q(status=ComplaintStatus.ANSWERED)),
    )


def complaint_get_for(principal: Principal, code: str) -> Complaint:
    complaint = (
        Complaint.objects.select_related("agency", "service", "site", "regency", "reporter_user")
        .filter(tracking_code=codes.normalize(code))
        .first()
    )
    if complaint is None or not can_view_complaint(principal, complaint):
        # Not yours and not existing look the same.
        raise NotFound("Pengaduan tidak ditemukan.", code="complaint.not_found")
    return complaint


def complaint_events(complaint: Complaint) -> list[ComplaintEvent]:
    return list(complaint.events.select_related("to_agency", "actor_unit").order_by("seq"))


@dataclass(frozen=True)
class TrackedEvent:
    at: dt.datetime
    action: str
    label: str
    unit: str
    note: str


@dataclass(frozen=True)
class TrackedComplaint:
    code: str
    raw_code: str
    status: str
    status_label: str
    agency_name: str
    submitted_at: dt.datetime
    due_date: dt.date | None
    answer: str
    can_rate: bool
    reporter_has_account: bool
    events: list[TrackedEvent]


PUBLIC_NOTE_ACTIONS = frozenset({ComplaintAction.ANSWER, ComplaintAction.REJECT, ComplaintAction.TRANSFER})


def complaint_tracking(code: str) -> TrackedComplaint | None:
    """The public view by code: status, agency, dates and the agency's answer (the reporter
    needs it to rate). Never the reporter, the subject, the description or attachments."""
    code = codes.normalize(code)
    if not codes.is_well_formed(code):
        return None
    complaint = Complaint.objects.select_related("agency").filter(tracking_code=code).first()
    if complaint is None:
        return None
    labels = dict(ComplaintAction.choices)
    events = [
        TrackedEvent(
            at=e.at,
            action=e.action,
            label=str(labels.get(e.action, e.action)),
            unit=e.to_agency.display_name if e.to_agency_id else "",
            note=e.note if e.action in PUBLIC_NOTE_ACTIONS else "",
        )
        for e in complaint.events.select_related("to_agency").order_by("seq")
    ]
    return TrackedComplaint(
        code=complaint.display_code,
        raw_code=complaint.tracking_code,
        status=complaint.status,
        status_label=str(complaint.get_status_display()),
        agency_name=complaint.agency.display_name
        if complaint.agency_id
        else "Admin kabupaten (penentuan instansi)",
        submitted_at=complaint.submitted_at,
        due_date=complaint.due_date,
        answer=complaint.answer
        if complaint.status in (ComplaintStatus.ANSWERED, ComplaintStatus.CLOSED)
        else "",
        can_rate=complaint.status == ComplaintStatus.ANSWERED,
        reporter_has_account=complaint.reporter_user_id is not None,
        events=events,
    )


def open_statuses() -> tuple:
    return OPEN_COMPLAINT_STATUSES


def my_complaints(principal: Principal, limit: int = 50):
    if not principal.is_authenticated:
        return []
    return list(
        Complaint.objects.filter(visible_complaints_filter(principal), reporter_user_id=principal.user_id)
        .select_related("agency")
        .order_by("-submitted_at")[:limit]
    )
