"""Helpers the queue verbs share: codes, the site calendar, row locks and status checks, the
ticket's history row (with its audit entry), the display board's version, issuing a number."""

from __future__ import annotations

import datetime as dt
import secrets
from functools import lru_cache

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from pintu.accounts.access import principal_for
from pintu.audit.services import audit_record
from pintu.core.calendar import WorkCalendar, national_holiday_names, regency_days_off
from pintu.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from pintu.queueing import policies
from pintu.queueing.models import (
    Counter,
    QueueSite,
    SiteClosedDay,
    Ticket,
    TicketCategory,
    TicketEvent,
    TicketSequence,
)
from pintu.regions.constants import OrgUnitKind

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by people
SITE_KINDS = (OrgUnitKind.MPP_SITE, OrgUnitKind.VILLAGE_OFFICE)


def _code(length: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def _principal(actor):
    return principal_for(actor) if actor is not None else None


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


# --- calendar ---------------------------------------------------------------------------------------


@lru_cache(maxsize=16)
def _national_days(year: int) -> frozenset[dt.date]:
    return frozenset(national_holiday_names(year))


def site_hours_on(site: QueueSite, day: dt.date) -> tuple[dt.time, dt.time] | None:
    """(opening, closing) of ``site`` on ``day``, or None when it is closed that day: a weekday
    without opening hours, a national holiday or cuti bersama, a regency day off, or one of the
    site's own closed days. Saturdays count when the site opens on Saturdays."""
    hours = (site.opening_hours or {}).get(str(day.weekday()))
    if not hours:
        return None
    regency_code = site.org_unit.regency.code
    if day.weekday() < 5:
        if not WorkCalendar(regency_code).is_working_day(day):
            return None
    elif day in _national_days(day.year) or day in regency_days_off(regency_code, day.year):
        return None
    if SiteClosedDay.objects.filter(site=site, date=day).exists():
        return None
    return dt.time.fromisoformat(hours[0]), dt.time.fromisoformat(hours[1])


# --- history and board --------------------------------------------------------------------------------


def _record(ticket: Ticket, *, action: str, from_status: str, actor, counter=None, data=None, at=None):
    """Append the history row (and the audit entry). ``_save`` already counted the event when
    it wrote the ticket row; otherwise the counter is advanced here."""
    if getattr(ticket, "_event_counted", False):
        ticket._event_counted = False
    else:
        ticket.event_count += 1
        Ticket.objects.filter(pk=ticket.pk).update(event_count=F("event_count") + 1)
    TicketEvent.objects.create(
        ticket=ticket,
        seq=ticket.event_count,
        action=action,
        from_status=from_status,
        to_status=ticket.status,
        counter=counter,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        data=data or {},
        at=at or timezone.now(),
    )
    audit_record(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        verb=f"ticket.{action}",
        obj=ticket,
        changes={"status": [from_status, ticket.status], "number": ticket.display_number, **(data or {})},
    )


def _bump_board(*counter_ids) -> None:
    ids = [c for c in counter_ids if c]
    if ids:
        Counter.objects.filter(pk__in=ids).update(board_version=F("board_version") + 1)


def _save(ticket: Ticket, *fields) -> None:
    """Write the changed fields and count the event ``_record`` appends next (one UPDATE)."""
    ticket.event_count += 1
    ticket._event_counted = True
    ticket.save(update_fields=[*fields, "event_count", "updated_at"])


# --- locks and who may act ------------------------------------------------------------------------


def _lock_counter(counter: Counter | int) -> Counter:
    pk = counter.pk if isinstance(counter, Counter) else counter
    locked = (
        Counter.objects.select_for_update(of=("self",)).select_related("site__org_unit").filter(pk=pk).first()
    )
    if locked is None:
        raise NotFound("Loket tidak ditemukan.", code="queue.counter_not_found")
    return locked


def _require_site_staff(actor, site: QueueSite) -> None:
    principal = _principal(actor)
    if principal is None or not policies.can_work_at(principal, site):
        raise PermissionDenied("Anda bukan petugas loket di lokasi ini.", code="queue.not_site_staff")


def _require_counter_officer(actor, counter: Counter) -> None:
    _require_site_staff(actor, counter.site)
    if counter.current_officer_id != actor.pk:
        raise Conflict(
            f'Anda belum membuka {counter.label}. Pilih loket lalu tekan "Buka loket".',
            code="queue.counter_not_open",
        )


def _lock_ticket(ticket: Ticket | int) -> Ticket:
    pk = ticket.pk if isinstance(ticket, Ticket) else ticket
    locked = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related(
            "site__org_unit", "category__agency", "counter__site__org_unit", "case__agency", "case__service"
        )
        .filter(pk=pk)
        .first()
    )
    if locked is None:
        raise NotFound("Tiket tidak ditemukan.", code="queue.ticket_not_found")
    return locked


def _require_status(ticket: Ticket, *statuses) -> None:
    if ticket.status not in statuses:
        raise Conflict(
            f'Tiket {ticket.display_number} berstatus "{ticket.get_status_display()}": tindakan ini tidak dapat '
            "dilakukan. Muat ulang halaman loket.",
            code="queue.invalid_status",
        )


def _officer_at(actor, ticket: Ticket) -> Counter:
    """The counter ``actor`` is sitting at, which must hold ``ticket``."""
    counter = ticket.counter
    if counter is None:
        raise Conflict("Tiket ini tidak sedang di loket mana pun.", code="queue.ticket_not_at_counter")
    _require_counter_officer(actor, counter)
    return counter


# --- taking a number ------------------------------------------------------------------------------------


def _check_priority_group(site: QueueSite, priority_group: str) -> str:
    priority_group = (priority_group or "").strip()
    if priority_group and priority_group not in site.priority_group_names():
        raise ValidationFailed(fields={"priority_group": ["Kelompok prioritas tidak dikenal di lokasi ini."]})
    return priority_group


def _next_sequence(category: TicketCategory, day: dt.date) -> int:
    row, _ = TicketSequence.objects.get_or_create(
        category=category, service_date=day, defaults={"site_id": category.site_id}
    )
    row = TicketSequence.objects.select_for_update().get(pk=row.pk)
    row.last_value += 1
    TicketSequence.objects.filter(pk=row.pk).update(last_value=row.last_value)
    return row.last_value


def _issue_ticket(
    *, site, category, source, priority_group, actor, kiosk=None, booked_from=None, now=None
) -> Ticket:
    now = now or timezone.now()
    today = timezone.localdate(now)
    sequence = _next_sequence(category, today)
    ticket = Ticket(
        site=site,
        category=category,
        number_category=category,
        service_date=today,
        sequence=sequence,
        display_number=f"{category.prefix}{sequence:03d}",
        priority_group=priority_group,
        source=source,
        arrived_at=now,
        booked_from=booked_from,
        kiosk=kiosk,
    )
    for _attempt in range(5):
        ticket.public_code = _code(10)
        try:
            with transaction.atomic():
                ticket.save(force_insert=True)
            break
        except IntegrityError:
            ticket.pk = None
            if Ticket.objects.filter(
                site=site, number_category=category, service_date=today, sequence=sequence
            ).exists():  # pragma: no cover - the locked sequence row makes this unreachable
                raise
    return ticket


def _require_open(site: QueueSite, now: dt.datetime) -> None:
    if not site.is_active:
        raise Conflict("Antrian di lokasi ini sedang tidak aktif.", code="queue.site_inactive")
    local = timezone.localtime(now)
    hours = site_hours_on(site, local.date())
    if hours is None:
        raise Conflict(
            "Lokasi layanan tutup hari ini. Pesan antrian untuk hari buka berikutnya.", code="queue.closed"
        )
    if not hours[0] <= local.time().replace(tzinfo=None) < hours[1]:
        raise Conflict(
            f"Pengambilan nomor dibuka pukul {hours[0]:%H.%M}–{hours[1]:%H.%M}.", code="queue.outside_hours"
        )
