"""Reads of cases: queues, details and the public tracking view. Lists are one query (plus a
capped count), keyset-paginated on indexed columns."""

from __future__ import annotations

import base64
import datetime as dt
import functools
import json
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Prefetch, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from pintu.accounts.access import Principal
from pintu.cases import tracking
from pintu.cases.constants import (
    ACTIONABLE_STATUSES,
    CLOSED_STATUSES,
    OPEN_STATUSES,
    PRIVATE_ACTIONS,
    CaseAction,
    CaseDocumentKind,
    CaseStatus,
)
from pintu.cases.models import Case, CaseDocument, CaseEvent
from pintu.cases.policies import can_view_case, visible_cases
from pintu.catalog.constants import StepOwner
from pintu.catalog.selectors import published_version, service_labels
from pintu.core.errors import NotFound, PermissionDenied
from pintu.regions.selectors import unit_name

PAGE_SIZE = 50
COUNT_CAP = 1000

QUEUE_FIELDS = (
    "id",
    "tracking_code",
    "status",
    "channel",
    "submitted_at",
    "due_date",
    "step_due_date",
    "paused_on",
    "applicant_name",
    "service__name",
    "service__code",
    "current_step__name",
    "current_step__kind",
    "current_owner__name",
    "current_owner__short_name",
    "current_assignee__full_name",
    "current_assignee__username",
    "current_owner__code",
    "agency__code",
    "agency__short_name",
    "agency__name",
)


# --- keyset pagination ------------------------------------------------------------------------


def encode_cursor(values: list) -> str:
    raw = json.dumps([v.isoformat() if isinstance(v, dt.date) else v for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> list | None:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(values, list) or len(values) != 2:
            return None
        return values
    except (ValueError, TypeError):
        return None


@dataclass
class Page:
    rows: list
    next_cursor: str | None
    total: int
    total_capped: bool
    extra: dict = field(default_factory=dict)


def _due_keyset(queryset, cursor: str | None, order_field: str = "step_due_date"):
    values = decode_cursor(cursor)
    if values:
        due, pk = values
        try:
            due = dt.date.fromisoformat(due)
            pk = int(pk)
        except (TypeError, ValueError):
            return queryset
        queryset = queryset.filter(Q(**{f"{order_field}__gt": due}) | Q(**{order_field: due, "id__gt": pk}))
    return queryset


def _page(
    queryset, cursor: str | None, *, order_field: str, size: int = PAGE_SIZE, count_queryset=None
) -> Page:
    ordered = queryset.order_by(order_field, "id")
    rows = list(_due_keyset(ordered, cursor, order_field)[: size + 1])
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1]
        next_cursor = encode_cursor([getattr(last, order_field), last.id])
    counted = (count_queryset if count_queryset is not None else queryset).order_by()[: COUNT_CAP + 1].count()
    return Page(
        rows=rows, next_cursor=next_cursor, total=min(counted, COUNT_CAP), total_capped=counted > COUNT_CAP
    )


# --- officer work queue -------------------------------------------------------------------------

QUEUE_TABS = ("unit", "mine", "overdue", "returned")


def work_queue(
    principal: Principal,
    *,
    tab: str = "unit",
    unit_id: int | None = None,
    service_id: int | None = None,
    status: str | None = None,
    cursor: str | None = None,
    today: dt.date | None = None,
) -> Page:
    """The cases waiting for this officer's unit(s): one query for the rows, one capped count."""
    units = principal.unit_ids if unit_id is None else principal.unit_ids & {unit_id}
    if not principal.is_authenticated or not units:
        return Page(rows=[], next_cursor=None, total=0, total_capped=False)
    today = today or timezone.localdate()
    base = Case.objects.select_related(
        "service", "current_step", "current_owner", "current_assignee", "agency"
    )
    if tab == "mine":
        queryset = base.filter(current_assignee_id=principal.user_id, status__in=ACTIONABLE_STATUSES)
    elif tab == "returned":
        queryset = base.filter(current_owner_id__in=units, status=CaseStatus.RETURNED)
    else:
        queryset = base.filter(current_owner_id__in=units, status__in=ACTIONABLE_STATUSES)
        if tab == "overdue":
            queryset = queryset.filter(step_due_date__lt=today)
    if service_id:
        queryset = queryset.filter(service_id=service_id)
    if status and status in ACTIONABLE_STATUSES and tab != "returned":
        queryset = queryset.filter(status=status)
    queryset = queryset.only(*QUEUE_FIELDS, "current_owner_id", "current_assignee_id", "current_step_id")
    order_field = "due_date" if tab == "returned" else "step_due_date"
    return _page(queryset, cursor, order_field=order_field)


def queue_counts(principal: Principal, *, today: dt.date | None = None) -> dict[str, int]:
    """Badge counts for the queue tabs (capped)."""
    units = principal.unit_ids
    if not units:
        return dict.fromkeys(QUEUE_TABS, 0)
    today = today or timezone.localdate()
    unit_open = Case.objects.filter(current_owner_id__in=units, status__in=ACTIONABLE_STATUSES)

    def capped(qs):
        return qs.order_by()[: COUNT_CAP + 1].count()

    return {
        "unit": capped(unit_open),
        "mine": capped(
            Case.objects.filter(current_assignee_id=principal.user_id, status__in=ACTIONABLE_STATUSES)
        ),
        "overdue": capped(unit_open.filter(step_due_date__lt=today)),
        "returned": capped(Case.objects.filter(current_owner_id__in=units, status=CaseStatus.RETURNED)),
    }


# --- village front door ---------------------------------------------------------------------------

VILLAGE_TABS = ("handover", "at_agency", "here", "done")


def village_cases(
    principal: Principal, *, unit_id: int, tab: str = "at_agency", cursor: str | None = None
) -> Page:
    """Cases a village office opened for its residents, by where they are now."""
    if unit_id not in principal.unit_ids:
        raise PermissionDenied()
    base = Case.objects.filter(opened_by_unit_id=unit_id).select_related(
        "service", "current_step", "current_owner", "agency"
    )
    if tab == "handover":
        queryset = base.filter(status=CaseStatus.READY_FOR_HANDOVER, current_owner_id=unit_id)
        return _page(queryset, cursor, order_field="step_due_date")
    if tab == "here":
        queryset = base.filter(status__in=OPEN_STATUSES, current_owner_id=unit_id).exclude(
            status=CaseStatus.READY_FOR_HANDOVER
        )
        return _page(queryset, cursor, order_field="due_date")
    if tab == "done":
        queryset = base.filter(status__in=CLOSED_STATUSES)
        return _page(queryset, cursor, order_field="due_date")
    queryset = base.filter(status__in=OPEN_STATUSES).exclude(current_owner_id=unit_id)
    return _page(queryset, cursor, order_field="due_date")


def village_case_counts(principal: Principal, *, unit_id: int) -> dict[str, int]:
    if unit_id not in principal.unit_ids:
        return {}
    base = Case.objects.filter(opened_by_unit_id=unit_id)
    return {
        "handover": base.filter(status=CaseStatus.READY_FOR_HANDOVER, current_owner_id=unit_id).count(),
        "at_agency": base.filter(status__in=OPEN_STATUSES).exclude(current_owner_id=unit_id).count(),
        "here": base.filter(status__in=OPEN_STATUSES, current_owner_id=unit_id)
        .exclude(status=CaseStatus.READY_FOR_HANDOVER)
        .count(),
    }


# --- applicant ------------------------------------------------------------------------------------


def cases_of_applicant(user, *, cursor: str | None = None) -> Page:
    queryset = Case.objects.filter(applicant_user_id=user.pk).select_related(
        "service", "current_step", "current_owner", "agency"
    )
    return _page_recent(queryset, cursor)


def _page_recent(queryset, cursor: str | None, size: int = 20) -> Page:
    values = decode_cursor(cursor)
    ordered = queryset.order_by("-submitted_at", "-id")
    if values:
        try:
            at = dt.datetime.fromisoformat(values[0])
            pk = int(values[1])
            ordered = ordered.filter(Q(submitted_at__lt=at) | Q(submitted_at=at, id__lt=pk))
        except (TypeError, ValueError):
            pass
    rows = list(ordered[: size + 1])
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        next_cursor = encode_cursor([rows[-1].submitted_at.isoformat(), rows[-1].id])
    return Page(rows=rows, next_cursor=next_cursor, total=len(rows), total_capped=False)


# --- detail ---------------------------------------------------------------------------------------


def case_get_for(principal: Principal, code: str) -> Case:
    """A case the principal may see, with what its detail page needs; NotFound otherwise (the
    same answer whether it does not exist or is not theirs, so codes cannot be probed)."""
    normalized = tracking.normalize(code)
    case = (
        Case.objects.select_related(
            "service",
            "service_version",
            "agency__regency",
            "current_step",
            "current_owner",
            "current_assignee",
            "opened_by_unit",
            "applicant_village__district",
            "submitted_by",
        )
        .prefetch_related(
            Prefetch(
                "events",
                queryset=CaseEvent.objects.select_related(
                    "actor", "actor_unit", "to_owner", "from_step", "to_step"
                ).order_by("seq"),
            ),
            Prefetch(
                "documents",
                queryset=CaseDocument.objects.select_related("upload", "document_type", "issued").order_by(
                    "kind", "-id"
                ),
            ),
        )
        .filter(tracking_code=normalized)
        .first()
    )
    if case is None or not can_view_case(principal, case):
        raise NotFound("Permohonan tidak ditemukan.", code="case.not_found")
    return case


def case_list_for(principal: Principal, *, status: str | None = None, service_code: str | None = None):
    """Cases visible to the principal (API list); ordered newest first, paginated by the caller."""
    queryset = visible_cases(principal).select_related("service", "current_step", "current_owner", "agency")
    if status:
        queryset = queryset.filter(status=status)
    if service_code:
        queryset = queryset.filter(service__code=service_code)
    return queryset


def case_document_for(principal: Principal, code: str, document_id: int) -> CaseDocument:
    case = case_get_for(principal, code)
    document = next((d for d in case.documents.all() if d.pk == int(document_id)), None)
    if document is None:
        raise NotFound("Dokumen tidak ditemukan.", code="document.not_found")
    return document


# --- public tracking --------------------------------------------------------------------------------


@dataclass
class TrackedStep:
    position: int
    name: str
    unit: str
    state: str  # done | current | upcoming


@dataclass
class TrackedEvent:
    at_iso: str  # as stored (ISO 8601, UTC); ``at`` parses it for pages that format dates
    label: str
    unit: str
    note: str

    @property
    def at(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.at_iso)


@dataclass
class Tracking:
    code: str
    service_name: str
    agency_name: str
    status: str
    status_label: str
    submitted_at: dt.datetime
    due_date: dt.date
    step_due_date: dt.date | None
    holder: str
    is_open: bool
    steps: list[TrackedStep]
    events: list[TrackedEvent]


PUBLIC_NOTES = {
    CaseAction.RETURN: _(
        "Berkas perlu diperbaiki oleh pemohon. Alasan lengkap dapat dibaca pemohon di akunnya."
    ),
    CaseAction.REJECT: _("Permohonan tidak dapat dikabulkan. Alasan dikirim kepada pemohon."),
}


TRACKING_COLUMNS = (
    "tracking_code",
    "status",
    "submitted_at",
    "due_date",
    "step_due_date",
    "service_id",
    "service_version_id",
    "current_owner_id",
    "current_step_id",
    "public_events",
    "event_count",
    "id",
)
APPLICANT_ACTIONS = frozenset({CaseAction.SUBMIT, CaseAction.RESUBMIT, CaseAction.WITHDRAW})


def case_tracking(code: str) -> Tracking | None:
    """What anyone holding the tracking code may see: the service, each step with the unit (never
    a person), the holder now and the due dates. No NIK, name, address or form data.

    One indexed query on the case row (its public history is denormalised in ``public_events``);
    service, unit and step names come from per-process caches of reference data.
    """
    normalized = tracking.normalize(code)
    if not tracking.is_well_formed(normalized):
        return None
    row = _tracking_row(normalized)
    if row is None:
        return None
    entries = row["public_events"]
    if row["event_count"] and not entries:  # rows written outside the services (bulk loads)
        entries = _public_entries_from_events(row["id"])
    labels = _tracking_labels(translation.get_language() or "id")
    version = published_version(row["service_version_id"])
    steps = list(version.steps.all())
    current_position = next((s.position for s in steps if s.pk == row["current_step_id"]), None)
    status = row["status"]
    service_name, agency_name = service_labels(row["service_id"])
    unit_of_step = {position: owner for _, _, _, position, owner in entries if position and owner}
    finished = status in (CaseStatus.COMPLETED, CaseStatus.READY_FOR_HANDOVER)
    tracked_steps = []
    for step in steps:
        if finished:
            state = "done"
        elif current_position is None:
            state = "upcoming"
        elif step.position < current_position:
            state = "done"
        else:
            state = "current" if step.position == current_position else "upcoming"
        owner = unit_of_step.get(step.position)
        if owner:
            unit = unit_name(owner)
        else:
            unit = agency_name if step.owner == StepOwner.SERVICE_AGENCY else labels["owner"][step.owner]
        tracked_steps.append(TrackedStep(step.position, step.name, unit, state))
    if status == CaseStatus.RETURNED:
        holder = labels["revising"]
    elif row["current_owner_id"]:
        holder = unit_name(row["current_owner_id"])
    else:
        holder = "—"
    events = []
    for at, action, actor_unit, _position, _owner in entries:
        if actor_unit:
            unit = unit_name(actor_unit)
        else:
            unit = labels["applicant"] if action in APPLICANT_ACTIONS else ""
        events.append(
            TrackedEvent(
                at_iso=at,
                label=labels["action"][action],
                unit=unit,
                note=labels["note"].get(action, ""),
            )
        )
    return Tracking(
        code=tracking.format_code(row["tracking_code"]),
        service_name=service_name,
        agency_name=agency_name,
        status=status,
        status_label=labels["status"][status],
        submitted_at=row["submitted_at"],
        due_date=row["due_date"],
        step_due_date=row["step_due_date"],
        holder=holder,
        is_open=status not in CLOSED_STATUSES,
        steps=tracked_steps,
        events=events,
    )


@functools.lru_cache(maxsize=8)
def _tracking_labels(language: str) -> dict:
    """Translated labels for one language, computed once per process."""
    with translation.override(language):
        return {
            "action": {value: str(label) for value, label in CaseAction.choices},
            "status": {value: str(label) for value, label in CaseStatus.choices},
            "owner": {value: str(label) for value, label in StepOwner.choices},
            "note": {action: str(note) for action, note in PUBLIC_NOTES.items()},
            "applicant": str(_("Pemohon")),
            "revising": str(_("Pemohon (memperbaiki berkas)")),
        }


@functools.cache
def _tracking_sql() -> str:
    columns = ", ".join(
        connection.ops.quote_name(Case._meta.get_field(name).column) for name in TRACKING_COLUMNS
    )
    return f"SELECT {columns} FROM {Case._meta.db_table} WHERE tracking_code = %s"  # noqa: S608


def _tracking_row(code: str) -> dict | None:
    """The one indexed read of the tracking lookup. Plain SQL: this is the hottest public path
    and the ORM's query building cost more than the query itself (bench/tracking_bench.py)."""
    with connection.cursor() as cursor:
        cursor.execute(_tracking_sql(), [code])
        values = cursor.fetchone()
    if values is None:
        return None
    row = dict(zip(TRACKING_COLUMNS, values, strict=True))
    events = row["public_events"]
    if isinstance(events, str):  # SQLite returns JSON as text
        row["public_events"] = json.loads(events)
    for name in ("submitted_at",):
        value = row[name]
        if isinstance(value, str):
            row[name] = dt.datetime.fromisoformat(value)
    for name in ("due_date", "step_due_date"):
        value = row[name]
        if isinstance(value, str):
            row[name] = dt.date.fromisoformat(value)
    if row["submitted_at"] is not None and timezone.is_naive(row["submitted_at"]):
        row["submitted_at"] = timezone.make_aware(row["submitted_at"], dt.UTC)
    return row


def _public_entries_from_events(case_id: int) -> list:
    rows = (
        CaseEvent.objects.filter(case_id=case_id)
        .exclude(action__in=PRIVATE_ACTIONS)
        .order_by("seq")
        .values_list("at", "action", "actor_unit_id", "to_step__position", "to_owner_id")
    )
    return [[at.isoformat(), action, unit, position, owner] for at, action, unit, position, owner in rows]


def output_documents(case: Case) -> list[CaseDocument]:
    return [d for d in case.documents.all() if d.kind == CaseDocumentKind.OUTPUT]
