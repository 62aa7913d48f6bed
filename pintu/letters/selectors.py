"""Reads of the letters app: enabled types, the register, the requests inbox, a citizen's requests.
Lists are one query each, keyset-paginated on indexed columns."""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from pintu.accounts.access import Principal
from pintu.core.errors import NotFound, PermissionDenied
from pintu.letters import policies
from pintu.letters.constants import OPEN_REQUEST_STATUSES, RequestStatus
from pintu.letters.models import Letter, LetterRequest, LetterType, VillageLetterSettings, VillageLetterType
from pintu.regions.models import OrgUnit

PAGE_SIZE = 25


@dataclass
class EnabledType:
    letter_type: LetterType
    enabled: bool
    signer: str  # effective signer kind
    signer_override: str


def village_types(office: OrgUnit, *, only_enabled: bool = True, citizen: bool = False) -> list[EnabledType]:
    """The regency's active types with this village's choices (two queries)."""
    rows = {r.letter_type_id: r for r in VillageLetterType.objects.filter(office=office)}
    result = []
    qs = LetterType.objects.filter(is_active=True).order_by("position", "name")
    if citizen:
        qs = qs.filter(citizen_requestable=True)
    for letter_type in qs:
        row = rows.get(letter_type.pk)
        enabled = row.enabled if row else True
        if only_enabled and not enabled:
            continue
        override = row.signer if row else ""
        result.append(EnabledType(letter_type, enabled, override or letter_type.default_signer, override))
    return result


def settings_for(office: OrgUnit) -> VillageLetterSettings:
    return VillageLetterSettings.objects.filter(office=office).first() or VillageLetterSettings(office=office)


def staff_office(principal: Principal, office_id: int | str | None = None) -> OrgUnit:
    """The village office a staff member works in (the chosen one when they have several)."""
    offices = policies.staff_offices(principal)
    if not offices:
        raise PermissionDenied(code="letters.forbidden")
    try:
        chosen = int(office_id) if office_id else None
    except (TypeError, ValueError):
        chosen = None
    if chosen is not None and chosen not in offices:
        raise PermissionDenied(code="letters.forbidden")
    pk = chosen or min(offices)
    return OrgUnit.objects.select_related("village__district", "regency").get(pk=pk)


def staff_offices_list(principal: Principal) -> list[OrgUnit]:
    return list(OrgUnit.objects.filter(pk__in=policies.staff_offices(principal)).order_by("name"))


# --- keyset pages ---------------------------------------------------------------------------------


@dataclass
class Page:
    rows: list
    next_cursor: str


def _encode(at: dt.datetime, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{at.isoformat()}|{pk}".encode()).decode().rstrip("=")


def _decode(cursor: str | None):
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, pk = raw.split("|")
        return dt.datetime.fromisoformat(at), int(pk)
    except (ValueError, UnicodeDecodeError):
        return None


def letter_register(
    *,
    office: OrgUnit,
    letter_type_id: int | None = None,
    month: str | None = None,  # "2026-11"
    cursor: str | None = None,
    limit: int = PAGE_SIZE,
) -> Page:
    """Issued letters of an office, newest first; one query per page."""
    qs = Letter.objects.filter(office=office).select_related("letter_type")
    qs = qs.only(
        "pk",
        "number",
        "resident_name",
        "issued_at",
        "status",
        "valid_until",
        "signer_name",
        "letter_type__name",
        "letter_type__code",
    )
    if letter_type_id:
        qs = qs.filter(letter_type_id=letter_type_id)
    if month:
        try:
            year, mon = (int(p) for p in month.split("-"))
            start = dt.date(year, mon, 1)
            end = dt.date(year + (mon == 12), mon % 12 + 1, 1)
            qs = qs.filter(issued_at__date__gte=start, issued_at__date__lt=end)
        except ValueError:
            pass
    position = _decode(cursor)
    if position:
        at, pk = position
        qs = qs.filter(Q(issued_at__lt=at) | Q(issued_at=at, pk__lt=pk))
    rows = list(qs.order_by("-issued_at", "-pk")[: limit + 1])
    next_cursor = _encode(rows[limit - 1].issued_at, rows[limit - 1].pk) if len(rows) > limit else ""
    return Page(rows[:limit], next_cursor)


def request_inbox(
    *, office: OrgUnit, status: str | None = None, cursor: str | None = None, limit: int = PAGE_SIZE
) -> Page:
    """Open requests of an office, oldest first (first come, first served); one query."""
    statuses = [status] if status in OPEN_REQUEST_STATUSES else [s.value for s in OPEN_REQUEST_STATUSES]
    qs = (
        LetterRequest.objects.filter(office=office, status__in=statuses)
        .select_related("letter_type", "resident")
        .only(
            "pk",
            "status",
            "purpose",
            "created_at",
            "updated_at",
            "letter_type__name",
            "resident__full_name",
            "resident__nik",
        )
    )
    position = _decode(cursor)
    if position:
        at, pk = position
        qs = qs.filter(Q(created_at__gt=at) | Q(created_at=at, pk__gt=pk))
    rows = list(qs.order_by("created_at", "pk")[: limit + 1])
    next_cursor = _encode(rows[limit - 1].created_at, rows[limit - 1].pk) if len(rows) > limit else ""
    return Page(rows[:limit], next_cursor)


def inbox_counts(office: OrgUnit) -> dict:
    from django.db.models import Count

    counts = dict(
        LetterRequest.objects.filter(office=office, status__in=list(OPEN_REQUEST_STATUSES))
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {s.value: counts.get(s.value, 0) for s in OPEN_REQUEST_STATUSES}


def my_requests(user, *, limit: int = 50) -> list[LetterRequest]:
    return list(
        LetterRequest.objects.filter(requested_by=user)
        .select_related("letter_type", "letter")
        .order_by("-created_at", "-pk")[:limit]
    )


def request_for(principal: Principal, pk: int) -> LetterRequest:
    request = (
        LetterRequest.objects.select_related(
            "letter_type", "resident", "office", "letter__document", "requested_by"
        )
        .filter(pk=pk)
        .first()
    )
    if request is None or not policies.can_view_request(principal, request):
        raise NotFound(code="letters.not_found")
    return request


def letter_for(principal: Principal, pk: int, *, linked_resident_id: int | None = None) -> Letter:
    letter = (
        Letter.objects.select_related("letter_type", "office", "document__pdf", "issued_by", "resident")
        .filter(pk=pk)
        .first()
    )
    if letter is None or not policies.can_view_letter(
        principal, letter, linked_resident_id=linked_resident_id
    ):
        raise NotFound(code="letters.not_found")
    return letter


def request_events(request: LetterRequest) -> list:
    return list(request.events.select_related("actor").order_by("seq"))


REQUEST_STATUS_LABELS = {s.value: s.label for s in RequestStatus}
