"""The queue's write path: one function per verb, keyword-only, explicit ``actor``, audited in
the same transaction.

Call-next safety (two counters never get the same ticket, none is lost):

* PostgreSQL: the candidate is chosen with ``SELECT … FOR UPDATE SKIP LOCKED`` (a ticket another
  counter is taking right now is skipped, not waited for) and claimed with a conditional
  ``UPDATE … WHERE status = 'waiting'``; a zero row count means another counter won and the
  next candidate is tried.
* SQLite: transactions start with ``BEGIN IMMEDIATE`` (settings), so writers are serialised by
  the database's write lock; the same conditional UPDATE is the guard.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import secrets
from functools import lru_cache

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch
from django.utils import timezone

from pintu.accounts.access import principal_for
from pintu.accounts.constants import Role
from pintu.audit.services import audit_record
from pintu.core.calendar import WorkCalendar, national_holiday_names, regency_days_off
from pintu.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from pintu.queueing import policies, statements
from pintu.queueing.constants import (
    ACTIVE_STATUSES,
    BookingStatus,
    TicketAction,
    TicketOutcome,
    TicketSource,
    TicketStatus,
)
from pintu.queueing.models import (
    Booking,
    Counter,
    CounterCategory,
    Kiosk,
    QueueSite,
    SiteClosedDay,
    Ticket,
    TicketCategory,
    TicketEvent,
    TicketSequence,
    TimeSlot,
)
from pintu.queueing.statements import CALL_ATTEMPTS, counter_config, counter_positions
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


# --- configuration -----------------------------------------------------------------------------------


def _require_manager(actor, site_unit) -> None:
    if actor is None:  # set-up and demo scripts
        return
    principal = principal_for(actor)
    unit_id, regency_id = site_unit.pk, site_unit.regency_id
    allowed = principal.has_role(Role.SITE_MANAGER, unit_id) or (
        principal.is_regency_admin and regency_id in principal.regency_ids
    )
    policies.require(allowed, "Hanya pengelola lokasi atau admin kabupaten yang dapat mengatur antrian ini.")


@transaction.atomic
def site_configure(*, actor, org_unit, **values) -> QueueSite:
    """Create or update the queue settings of an MPP site or a village office."""
    if org_unit.kind not in SITE_KINDS:
        raise ValidationFailed(
            "Antrian hanya untuk Mal Pelayanan Publik atau kantor desa/kelurahan.", code="queue.site_kind"
        )
    _require_manager(actor, org_unit)
    allowed = {
        "opening_hours",
        "wait_target_minutes",
        "recall_limit",
        "late_window_minutes",
        "slot_minutes",
        "priority_groups",
        "is_active",
    }
    unknown = set(values) - allowed
    if unknown:
        raise ValidationFailed(f"Pengaturan tidak dikenal: {', '.join(sorted(unknown))}.")
    errors = {}
    for day, hours in (values.get("opening_hours") or {}).items():
        try:
            ok = day in {str(i) for i in range(7)} and len(hours) == 2
            ok = ok and dt.time.fromisoformat(hours[0]) < dt.time.fromisoformat(hours[1])
        except (TypeError, ValueError):
            ok = False
        if not ok:
            errors["opening_hours"] = [
                'Tulis jam buka per hari sebagai ["08:00", "15:00"] (buka sebelum tutup).'
            ]
    for group in values.get("priority_groups") or []:
        if not isinstance(group, dict) or not group.get("code") or not group.get("name"):
            errors["priority_groups"] = ["Setiap kelompok prioritas perlu kode dan nama."]
    if values.get("slot_minutes") is not None and not 5 <= int(values["slot_minutes"]) <= 240:
        errors["slot_minutes"] = ["Lama sesi antara 5 dan 240 menit."]
    if errors:
        raise ValidationFailed(fields=errors)
    site, created = QueueSite.objects.select_for_update().get_or_create(org_unit=org_unit)
    for key, value in values.items():
        setattr(site, key, value)
    site.save()
    audit_record(actor=actor, verb="queue.site_configure", obj=site, changes={"created": created, **values})
    return site


@transaction.atomic
def site_close_day(*, actor, site: QueueSite, date: dt.date, reason: str) -> SiteClosedDay:
    _require_manager(actor, site.org_unit)
    if not reason.strip():
        raise ValidationFailed(fields={"reason": ["Tulis alasan lokasi tutup."]})
    day, _ = SiteClosedDay.objects.update_or_create(site=site, date=date, defaults={"reason": reason.strip()})
    audit_record(actor=actor, verb="queue.site_close_day", obj=site, changes={"date": date, "reason": reason})
    return day


@transaction.atomic
def category_define(
    *,
    actor,
    site: QueueSite,
    prefix: str,
    name: str,
    agency=None,
    services=(),
    position: int = 0,
    is_active=True,
) -> TicketCategory:
    """Create or update the category with ``prefix`` (one or two capital letters) at ``site``."""
    _require_manager(actor, site.org_unit)
    prefix = (prefix or "").strip().upper()
    errors = {}
    if not (1 <= len(prefix) <= 2 and prefix.isalpha() and prefix.isascii()):
        errors["prefix"] = ["Awalan berupa satu atau dua huruf, misalnya A atau PB."]
    if len((name or "").strip()) < 2:
        errors["name"] = ["Tulis nama kategori, misalnya nama instansi."]
    if agency is not None and agency.kind != OrgUnitKind.AGENCY:
        errors["agency"] = ["Pilih instansi (OPD atau instansi vertikal)."]
    services = list(services)
    if agency is not None and any(s.agency_id != agency.pk for s in services):
        errors["services"] = ["Layanan kategori harus milik instansi yang sama."]
    if errors:
        raise ValidationFailed(fields=errors)
    category, _created = TicketCategory.objects.update_or_create(
        site=site,
        prefix=prefix,
        defaults={"name": name.strip(), "agency": agency, "position": position, "is_active": is_active},
    )
    category.services.set(services)
    audit_record(
        actor=actor,
        verb="queue.category_define",
        obj=category,
        changes={"prefix": prefix, "name": name, "agency": agency, "services": [s.code for s in services]},
    )
    return category


@transaction.atomic
def counter_define(
    *, actor, site: QueueSite, number: int, categories, name: str = "", is_active=True
) -> Counter:
    """Create or update counter ``number``; ``categories`` in order (the first is its main one)."""
    _require_manager(actor, site.org_unit)
    categories = list(categories)
    if not categories:
        raise ValidationFailed(
            fields={"categories": ["Pilih paling sedikit satu kategori yang dilayani loket."]}
        )
    if any(c.site_id != site.pk for c in categories):
        raise ValidationFailed(fields={"categories": ["Kategori harus milik lokasi yang sama."]})
    counter, _created = Counter.objects.update_or_create(
        site=site, number=number, defaults={"name": name.strip(), "is_active": is_active}
    )
    CounterCategory.objects.filter(counter=counter).delete()
    CounterCategory.objects.bulk_create(
        CounterCategory(counter=counter, category=c, position=i) for i, c in enumerate(categories)
    )
    for cache in (counter_positions, counter_config):  # this process at once, the others within 10 s
        cache.cache_clear()
        transaction.on_commit(cache.cache_clear)
    audit_record(
        actor=actor,
        verb="queue.counter_define",
        obj=counter,
        changes={"number": number, "categories": [c.prefix for c in categories]},
    )
    return counter


@transaction.atomic
def timeslots_generate(
    *, actor, site: QueueSite, date_from: dt.date, date_to: dt.date, quota: int, categories=None
) -> int:
    """Create the bookable slots of the site's open days in [date_from, date_to]; existing slots
    keep their bookings (their quota is updated, never below what is booked). Returns how many
    slots were created."""
    _require_manager(actor, site.org_unit)
    if quota < 1 or quota > 500:
        raise ValidationFailed(fields={"quota": ["Kuota per sesi antara 1 dan 500."]})
    if date_to < date_from or (date_to - date_from).days > 92:
        raise ValidationFailed(
            fields={"date_to": ["Rentang paling panjang 3 bulan, tanggal akhir setelah awal."]}
        )
    categories = list(categories or site.categories.filter(is_active=True))
    step = dt.timedelta(minutes=site.slot_minutes)
    created = 0
    day = date_from
    while day <= date_to:
        hours = site_hours_on(site, day)
        if hours:
            start = dt.datetime.combine(day, hours[0])
            close = dt.datetime.combine(day, hours[1])
            while start + step <= close:
                for category in categories:
                    slot, made = TimeSlot.objects.get_or_create(
                        category=category,
                        date=day,
                        start=start.time(),
                        defaults={"site": site, "end": (start + step).time(), "quota": quota},
                    )
                    if made:
                        created += 1
                    elif slot.quota != quota:
                        TimeSlot.objects.filter(pk=slot.pk).update(quota=max(quota, slot.booked_count))
                start += step
        day += dt.timedelta(days=1)
    audit_record(
        actor=actor,
        verb="queue.timeslots_generate",
        obj=site,
        changes={"from": date_from, "to": date_to, "quota": quota, "created": created},
    )
    return created


# --- kiosks and counters ---------------------------------------------------------------------------


@transaction.atomic
def kiosk_open(*, actor, site: QueueSite, name: str = "") -> Kiosk:
    """Turn a device into a public kiosk of ``site``: a staff member of the site opens it (the
    device then keeps the kiosk token in a cookie and the staff member logs out)."""
    principal = _principal(actor)
    policies.require(
        principal is not None and policies.can_work_at(principal, site),
        "Kios hanya dapat dibuka oleh petugas lokasi ini. Masuk dengan akun petugas loket.",
    )
    kiosk = Kiosk.objects.create(
        site=site, name=(name or "Kios").strip()[:80], token=secrets.token_urlsafe(32), opened_by=actor
    )
    audit_record(actor=actor, verb="queue.kiosk_open", obj=kiosk, changes={"site": site.code})
    return kiosk


@transaction.atomic
def kiosk_close(*, actor, kiosk: Kiosk) -> None:
    principal = _principal(actor)
    policies.require(
        principal is not None and policies.can_work_at(principal, kiosk.site), "Tidak berwenang."
    )
    Kiosk.objects.filter(pk=kiosk.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit_record(actor=actor, verb="queue.kiosk_close", obj=kiosk)


def kiosk_for_token(token: str | None) -> Kiosk | None:
    if not token:
        return None
    return Kiosk.objects.select_related("site__org_unit").filter(token=token, revoked_at__isnull=True).first()


def _lock_counter(counter: Counter | int) -> Counter:
    pk = counter.pk if isinstance(counter, Counter) else counter
    locked = (
        Counter.objects.select_for_update(of=("self",)).select_related("site__org_unit").filter(pk=pk).first()
    )
    if locked is None:
        raise NotFound("Loket tidak ditemukan.", code="queue.counter_not_found")
    return locked


def _require_counter_officer(actor, counter: Counter) -> None:
    principal = _principal(actor)
    if principal is None or not policies.can_work_at(principal, counter.site):
        raise PermissionDenied("Anda bukan petugas loket di lokasi ini.", code="queue.not_site_staff")
    if counter.current_officer_id != actor.pk:
        raise Conflict(
            f'Anda belum membuka {counter.label}. Pilih loket lalu tekan "Buka loket".',
            code="queue.counter_not_open",
        )


@transaction.atomic
def counter_open(*, actor, counter: Counter) -> Counter:
    """``actor`` sits at ``counter`` (and leaves any other counter it held)."""
    counter = _lock_counter(counter)
    principal = _principal(actor)
    if principal is None or not policies.can_work_at(principal, counter.site):
        raise PermissionDenied("Anda bukan petugas loket di lokasi ini.", code="queue.not_site_staff")
    if not counter.is_active:
        raise Conflict("Loket ini tidak aktif.", code="queue.counter_inactive")
    if counter.current_officer_id not in (None, actor.pk):
        raise Conflict(
            "Loket ini sedang dipakai petugas lain. Minta petugas itu menutup loket dulu.",
            code="queue.counter_taken",
        )
    previous = list(Counter.objects.filter(current_officer=actor).exclude(pk=counter.pk))
    for other in previous:
        if Ticket.objects.filter(counter=other, status__in=ACTIVE_STATUSES).exists():
            raise Conflict(
                f"Selesaikan atau tunda dulu tiket yang sedang Anda layani di {other.label}.",
                code="queue.counter_busy",
            )
    Counter.objects.filter(pk__in=[c.pk for c in previous]).update(
        current_officer=None, opened_at=None, board_version=F("board_version") + 1
    )
    now = timezone.now()
    Counter.objects.filter(pk=counter.pk).update(
        current_officer=actor, opened_at=now, board_version=F("board_version") + 1
    )
    counter.current_officer, counter.opened_at = actor, now
    audit_record(actor=actor, verb="queue.counter_open", obj=counter)
    return counter


@transaction.atomic
def counter_close(*, actor, counter: Counter) -> Counter:
    counter = _lock_counter(counter)
    principal = _principal(actor)
    allowed = principal is not None and (
        counter.current_officer_id == actor.pk or policies.can_manage(principal, counter.site)
    )
    policies.require(allowed, "Hanya petugas di loket ini atau pengelola lokasi yang dapat menutupnya.")
    if Ticket.objects.filter(counter=counter, status__in=ACTIVE_STATUSES).exists():
        raise Conflict("Selesaikan atau tunda dulu tiket yang sedang dilayani.", code="queue.counter_busy")
    Counter.objects.filter(pk=counter.pk).update(
        current_officer=None, opened_at=None, board_version=F("board_version") + 1
    )
    counter.current_officer = None
    audit_record(actor=actor, verb="queue.counter_close", obj=counter)
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


@transaction.atomic
def ticket_take(
    *, actor, site: QueueSite, category: TicketCategory, priority_group: str = "", kiosk=None
) -> Ticket:
    """A walk-in takes a number: at a kiosk of the site (``actor`` may be anonymous) or handed out
    by counter staff of the site (``actor`` is the officer, source ``counter``)."""
    if kiosk is not None:
        if kiosk.revoked_at is not None or kiosk.site_id != site.pk:
            raise PermissionDenied(
                "Kios ini tidak aktif. Minta petugas membuka kios lagi.", code="queue.kiosk_revoked"
            )
        source = TicketSource.KIOSK
    else:
        principal = _principal(actor)
        if principal is None or not policies.can_work_at(principal, site):
            raise PermissionDenied(
                "Nomor antrian diambil di kios lokasi layanan atau lewat petugas loket.",
                code="queue.take_forbidden",
            )
        source = TicketSource.COUNTER
    if category.site_id != site.pk or not category.is_active:
        raise ValidationFailed(fields={"category": ["Pilih layanan yang tersedia di lokasi ini."]})
    priority_group = _check_priority_group(site, priority_group)
    now = timezone.now()
    _require_open(site, now)
    ticket = _issue_ticket(
        site=site,
        category=category,
        source=source,
        priority_group=priority_group,
        actor=actor,
        kiosk=kiosk,
        now=now,
    )
    _record(ticket, action=TicketAction.TAKE, from_status="", actor=actor, data={"source": source}, at=now)
    return ticket


# --- bookings -----------------------------------------------------------------------------------------


def _slot_start(slot: TimeSlot) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(slot.date, slot.start))


@transaction.atomic
def booking_create(*, actor, slot: TimeSlot, priority_group: str = "") -> Booking:
    """A citizen books ``slot`` (one active booking per slot); reminded the day before."""
    principal = _principal(actor)
    if principal is None or not principal.is_citizen:
        raise PermissionDenied(
            "Masuk dengan akun warga untuk memesan antrian.", code="queue.booking_citizen_only"
        )
    slot = (
        TimeSlot.objects.select_for_update()
        .select_related("site__org_unit__regency", "category")
        .get(pk=slot.pk)
    )
    site = slot.site
    now = timezone.now()
    if _slot_start(slot) + dt.timedelta(minutes=site.late_window_minutes) < now:
        raise ValidationFailed(
            fields={"slot": ["Sesi ini sudah lewat. Pilih sesi lain."]}, code="queue.slot_past"
        )
    if site_hours_on(site, slot.date) is None or not slot.category.is_active:
        raise ValidationFailed(fields={"slot": ["Lokasi tutup pada tanggal ini. Pilih tanggal lain."]})
    priority_group = _check_priority_group(site, priority_group)
    if Booking.objects.filter(
        citizen=actor, slot__date=slot.date, category=slot.category, status=BookingStatus.BOOKED
    ).exists():
        raise Conflict(
            "Anda sudah memesan layanan ini pada tanggal tersebut.", code="queue.booking_duplicate"
        )
    updated = TimeSlot.objects.filter(pk=slot.pk, booked_count__lt=F("quota")).update(
        booked_count=F("booked_count") + 1
    )
    if not updated:
        raise Conflict("Kuota sesi ini sudah penuh. Pilih sesi lain.", code="queue.slot_full")
    start = _slot_start(slot)
    reminder_at = start - dt.timedelta(days=1)
    if reminder_at <= now:
        reminder_at = None
    for _attempt in range(5):
        try:
            with transaction.atomic():
                booking = Booking.objects.create(
                    site=site,
                    category=slot.category,
                    slot=slot,
                    citizen=actor,
                    code=_code(8),
                    priority_group=priority_group,
                    reminder_at=reminder_at,
                )
            break
        except IntegrityError:
            continue
    else:  # pragma: no cover
        raise RuntimeError("could not allocate a booking code")
    from pintu.queueing import notify

    notify.booking_confirmed(booking)
    audit_record(
        actor=actor,
        verb="queue.booking_create",
        obj=booking,
        changes={
            "slot": slot.pk,
            "date": slot.date,
            "start": slot.start.isoformat(),
            "category": slot.category.prefix,
        },
    )
    return booking


@transaction.atomic
def booking_cancel(*, actor, booking: Booking) -> Booking:
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    if actor is None or booking.citizen_id != actor.pk:
        raise PermissionDenied(
            "Hanya pemesan yang dapat membatalkan pesanan ini.", code="queue.booking_not_yours"
        )
    if booking.status != BookingStatus.BOOKED:
        raise Conflict("Pesanan ini sudah tidak dapat dibatalkan.", code="queue.booking_closed")
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = timezone.now()
    booking.save(update_fields=["status", "cancelled_at"])
    TimeSlot.objects.filter(pk=booking.slot_id, booked_count__gt=0).update(booked_count=F("booked_count") - 1)
    audit_record(actor=actor, verb="queue.booking_cancel", obj=booking)
    return booking


@transaction.atomic
def booking_check_in(*, actor, site: QueueSite, code: str, kiosk=None) -> Ticket:
    """The citizen shows the booking QR at the site (kiosk scanner or counter staff). In time
    (until the slot start + the late window) the ticket goes before walk-ins of its category
    from its slot start; later it becomes a walk-in ticket."""
    if kiosk is not None:
        if kiosk.revoked_at is not None or kiosk.site_id != site.pk:
            raise PermissionDenied("Kios ini tidak aktif.", code="queue.kiosk_revoked")
    else:
        principal = _principal(actor)
        if principal is None or not policies.can_work_at(principal, site):
            raise PermissionDenied(
                "Check-in dilakukan di kios atau oleh petugas lokasi.", code="queue.checkin_forbidden"
            )
    # The booking QR holds the booking's address (a full-size QR code; a bare 8-letter code
    # would become a Micro QR that phone cameras and many scanners cannot read): a scanner
    # types the URL, a person types the code.
    code = (code or "").strip().rstrip("/").rsplit("/", 1)[-1]
    code = code.upper().replace("-", "").replace(" ", "")
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("slot", "category")
        .filter(code=code, site=site)
        .first()
    )
    if booking is None:
        raise NotFound(
            "Kode pesan tidak ditemukan di lokasi ini. Periksa lagi kodenya.", code="queue.booking_not_found"
        )
    if booking.status != BookingStatus.BOOKED:
        raise Conflict("Pesanan ini sudah dipakai atau dibatalkan.", code="queue.booking_closed")
    now = timezone.now()
    if booking.slot.date != timezone.localdate(now):
        raise Conflict(
            f"Pesanan ini untuk tanggal {booking.slot.date:%d-%m-%Y}. Datang pada tanggal itu.",
            code="queue.booking_other_day",
        )
    _require_open(site, now)
    start = _slot_start(booking.slot)
    late = now > start + dt.timedelta(minutes=site.late_window_minutes)
    ticket = _issue_ticket(
        site=site,
        category=booking.category,
        source=TicketSource.BOOKING,
        priority_group=booking.priority_group,
        actor=actor,
        kiosk=kiosk,
        booked_from=None if late else start,
        now=now,
    )
    booking.status = BookingStatus.CHECKED_IN
    booking.ticket = ticket
    booking.save(update_fields=["status", "ticket"])
    _record(
        ticket,
        action=TicketAction.CHECK_IN,
        from_status="",
        actor=actor,
        data={"booking": booking.code, "late": late},
        at=now,
    )
    return ticket


# --- counter actions -----------------------------------------------------------------------------------


def _waiting_for(counter: Counter, now: dt.datetime):
    """Waiting tickets this counter may call, in call order: the counter's category position
    (main category first), priority group, booked-in-slot, arrival."""
    positions = counter_positions(counter.pk)
    category_rank = Case(
        When(target_counter_id=counter.pk, then=Value(0)),
        *[When(category_id=cid, then=Value(pos)) for cid, pos in positions.items()],
        default=Value(99),
        output_field=IntegerField(),
    )
    return (
        Ticket.objects.filter(
            site_id=counter.site_id, service_date=timezone.localdate(now), status=TicketStatus.WAITING
        )
        .filter(
            Q(category_id__in=list(positions), target_counter__isnull=True) | Q(target_counter_id=counter.pk)
        )
        .annotate(
            category_rank=category_rank,
            priority_rank=Case(
                When(priority_group="", then=Value(1)), default=Value(0), output_field=IntegerField()
            ),
            booked_rank=Case(
                When(booked_from__lte=now, then=Value(0)), default=Value(1), output_field=IntegerField()
            ),
        )
        .order_by("category_rank", "priority_rank", "booked_rank", "arrived_at", "id")
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


CLAIM_SQL = """
UPDATE queueing_ticket
   SET status = 'called', counter_id = %s, officer_id = %s, called_at = %s,
       first_called_at = COALESCE(first_called_at, %s), target_counter_id = NULL,
       wait_seconds = COALESCE(wait_seconds, GREATEST(0, EXTRACT(EPOCH FROM (%s - arrived_at)))::integer),
       event_count = event_count + 1, updated_at = %s
 WHERE id = ({candidate}) AND status = 'waiting'
RETURNING {columns}
"""


def _claim_postgres(waiting, *, counter, actor, now) -> Ticket | None:
    """One statement: choose the first waiting ticket nobody else holds (SKIP LOCKED) and claim
    it; the ``status = 'waiting'`` guard makes a lost race a zero-row update."""
    candidate = waiting.select_for_update(skip_locked=True, of=("self",)).values("pk")[:1]
    sql, params = candidate.query.get_compiler(using=Ticket.objects.db).as_sql()
    fields = list(Ticket._meta.concrete_fields)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            CLAIM_SQL.format(candidate=sql, columns=columns),
            [counter.pk, actor.pk, now, now, now, now, *params],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    # Plain column types only (integers, text, dates, timestamps): psycopg returns what the
    # model fields hold, so the row becomes the instance without another SELECT.
    values = list(row)
    return Ticket.from_db(Ticket.objects.db, [f.attname for f in fields], values)


def _claim_portable(waiting, *, counter, actor, now) -> Ticket | None:
    """SQLite (and any database without SKIP LOCKED): the transaction holds the write lock from
    BEGIN IMMEDIATE, so the first candidate cannot be taken by anyone else meanwhile; the
    conditional UPDATE is still the guard."""
    for _attempt in range(CALL_ATTEMPTS):
        pk = waiting.values_list("pk", flat=True).first()
        if pk is None:
            return None
        claimed = Ticket.objects.filter(pk=pk, status=TicketStatus.WAITING).update(
            status=TicketStatus.CALLED,
            counter=counter,
            officer=actor,
            called_at=now,
            first_called_at=Coalesce(F("first_called_at"), Value(now)),
            target_counter=None,
            event_count=F("event_count") + 1,
            updated_at=now,
        )
        if claimed:
            ticket = Ticket.objects.only("first_called_at", "arrived_at").get(pk=pk)
            wait = max(0, int((ticket.first_called_at - ticket.arrived_at).total_seconds()))
            Ticket.objects.filter(pk=pk, wait_seconds__isnull=True).update(wait_seconds=wait)
            return Ticket.objects.get(pk=pk)
    raise Conflict('Antrian sedang ramai. Tekan "Panggil berikutnya" lagi.', code="queue.call_retry")


def ticket_call_next(*, actor, counter: Counter) -> Ticket | None:
    """Call the next ticket for ``counter``; None when nobody waits for it.

    On PostgreSQL the whole call is one statement (``_call_next_postgres``: the claim, its
    history row, its audit row and the board version commit together, as one statement is one
    transaction); the ORM path is the reference (SQLite) and answers every refusal with its
    precise error."""
    if _is_postgres():
        with _own_transaction():
            outcome = statements.call_next(actor=actor, counter=counter)
        if outcome is not statements.FALLBACK:
            return outcome
    with transaction.atomic():
        return _call_next_orm(actor=actor, counter=counter)


def _own_transaction():
    """A single statement is its own transaction; inside a caller's transaction it gets a
    savepoint, so a refusal leaves the caller's transaction usable (as ``atomic`` would)."""
    return transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext()


def _call_next_orm(*, actor, counter: Counter) -> Ticket | None:
    pk = counter.pk if isinstance(counter, Counter) else counter
    counter = (
        Counter.objects.select_for_update(of=("self",))
        .select_related("site__org_unit")
        .annotate(busy=Exists(Ticket.objects.filter(counter_id=OuterRef("pk"), status__in=ACTIVE_STATUSES)))
        .filter(pk=pk)
        .first()
    )
    if counter is None:
        raise NotFound("Loket tidak ditemukan.", code="queue.counter_not_found")
    _require_counter_officer(actor, counter)
    if counter.busy:
        raise statements.counter_busy()
    now = timezone.now()
    waiting = _waiting_for(counter, now)
    claim = _claim_postgres if _is_postgres() else _claim_portable
    ticket = claim(waiting, counter=counter, actor=actor, now=now)
    if ticket is None:
        return None
    ticket._event_counted = True
    _bump_board(counter.pk)
    _record(
        ticket,
        action=TicketAction.CALL,
        from_status=TicketStatus.WAITING,
        actor=actor,
        counter=counter,
        data={"counter": counter.number},
        at=now,
    )
    ticket.counter = counter
    return ticket


def _save(ticket: Ticket, *fields) -> None:
    """Write the changed fields and count the event ``_record`` appends next (one UPDATE)."""
    ticket.event_count += 1
    ticket._event_counted = True
    ticket.save(update_fields=[*fields, "event_count", "updated_at"])


@transaction.atomic
def ticket_recall(*, actor, ticket: Ticket) -> Ticket:
    """Call the same number again; past the site's recall limit the ticket becomes a no-show."""
    ticket = _lock_ticket(ticket)
    _require_status(ticket, TicketStatus.CALLED)
    counter = _officer_at(actor, ticket)
    now = timezone.now()
    if ticket.recall_count >= ticket.site.recall_limit:
        ticket.status = TicketStatus.NO_SHOW
        _save(ticket, "status")
        _bump_board(counter.pk)
        _record(
            ticket,
            action=TicketAction.NO_SHOW,
            from_status=TicketStatus.CALLED,
            actor=actor,
            counter=counter,
            at=now,
        )
        return ticket
    ticket.recall_count += 1
    ticket.called_at = now
    _save(ticket, "recall_count", "called_at")
    _bump_board(counter.pk)
    _record(
        ticket,
        action=TicketAction.RECALL,
        from_status=TicketStatus.CALLED,
        actor=actor,
        counter=counter,
        data={"recall": ticket.recall_count},
        at=now,
    )
    return ticket


@transaction.atomic
def ticket_start_serving(*, actor, ticket: Ticket) -> Ticket:
    ticket = _lock_ticket(ticket)
    _require_status(ticket, TicketStatus.CALLED)
    counter = _officer_at(actor, ticket)
    now = timezone.now()
    ticket.status = TicketStatus.SERVING
    ticket.officer = actor
    if ticket.served_started_at is None:
        ticket.served_started_at = now
    _save(ticket, "status", "officer", "served_started_at")
    _bump_board(counter.pk)
    _record(
        ticket,
        action=TicketAction.START,
        from_status=TicketStatus.CALLED,
        actor=actor,
        counter=counter,
        at=now,
    )
    return ticket


@transaction.atomic
def ticket_park(*, actor, ticket: Ticket, note: str = "") -> Ticket:
    """Set a called/serving ticket aside (the citizen fetches a missing document) and free the
    counter; ``ticket_resume`` brings it back to a counter."""
    ticket = _lock_ticket(ticket)
    _require_status(ticket, TicketStatus.CALLED, TicketStatus.SERVING)
    counter = _officer_at(actor, ticket)
    from_status = ticket.status
    ticket.status = TicketStatus.PARKED
    _save(ticket, "status")
    _bump_board(counter.pk)
    _record(
        ticket,
        action=TicketAction.PARK,
        from_status=from_status,
        actor=actor,
        counter=counter,
        data={"note": note[:200]},
    )
    return ticket


@transaction.atomic
def ticket_resume(*, actor, ticket: Ticket, counter: Counter) -> Ticket:
    """Bring a parked ticket back: it is called again at ``counter`` (the actor's counter)."""
    counter = _lock_counter(counter)
    ticket = _lock_ticket(ticket)
    _require_status(ticket, TicketStatus.PARKED)
    _require_counter_officer(actor, counter)
    if ticket.site_id != counter.site_id:
        raise ValidationFailed("Tiket ini dari lokasi lain.", code="queue.other_site")
    if Ticket.objects.filter(counter=counter, status__in=ACTIVE_STATUSES).exists():
        raise Conflict("Selesaikan dulu tiket yang sedang di loket ini.", code="queue.counter_busy")
    now = timezone.now()
    ticket.status = TicketStatus.SERVING if ticket.served_started_at else TicketStatus.CALLED
    ticket.counter = counter
    ticket.officer = actor
    ticket.called_at = now
    _save(ticket, "status", "counter", "officer", "called_at")
    _bump_board(counter.pk)
    _record(
        ticket,
        action=TicketAction.RESUME,
        from_status=TicketStatus.PARKED,
        actor=actor,
        counter=counter,
        at=now,
    )
    return ticket


@transaction.atomic
def ticket_transfer(
    *,
    actor,
    ticket: Ticket,
    category: TicketCategory | None = None,
    counter: Counter | None = None,
    note: str = "",
) -> Ticket:
    """Send the ticket back into the queue of another category or to one counter; it keeps its
    printed number and its original arrival time (so its place in line)."""
    ticket = _lock_ticket(ticket)
    _require_status(ticket, TicketStatus.CALLED, TicketStatus.SERVING, TicketStatus.PARKED)
    principal = _principal(actor)
    if principal is None or not policies.can_work_at(principal, ticket.site):
        raise PermissionDenied("Anda bukan petugas loket di lokasi ini.", code="queue.not_site_staff")
    if ticket.status != TicketStatus.PARKED:
        _officer_at(actor, ticket)
    if (category is None) == (counter is None):
        raise ValidationFailed(fields={"target": ["Pilih kategori atau loket tujuan (salah satu)."]})
    if category is not None and (category.site_id != ticket.site_id or not category.is_active):
        raise ValidationFailed(fields={"category": ["Kategori tujuan tidak tersedia di lokasi ini."]})
    if counter is not None and (counter.site_id != ticket.site_id or not counter.is_active):
        raise ValidationFailed(fields={"counter": ["Loket tujuan tidak tersedia di lokasi ini."]})
    from_status, from_counter = ticket.status, ticket.counter_id
    ticket.status = TicketStatus.WAITING
    if category is not None:
        ticket.category = category
        ticket.target_counter = None
    else:
        ticket.target_counter = counter
    ticket.counter = None
    ticket.called_at = None
    ticket.recall_count = 0
    _save(ticket, "status", "category", "target_counter", "counter", "called_at", "recall_count")
    _bump_board(from_counter)
    _record(
        ticket,
        action=TicketAction.TRANSFER,
        from_status=from_status,
        actor=actor,
        data={
            "from_counter": from_counter,
            "category": category.prefix if category else None,
            "counter": counter.number if counter else None,
            "note": note[:200],
        },
    )
    return ticket


def ticket_finish(*, actor, ticket: Ticket, outcome: str, note: str = "") -> Ticket:
    """Finish serving with an outcome; the citizen is then invited to the satisfaction survey
    (in the same transaction).

    On PostgreSQL a ticket without a survey to send (no agency, no case) is finished by one
    statement; with a survey, that statement and the invitation share a transaction."""
    if _is_postgres():
        done = statements.FALLBACK
        if not connection.in_atomic_block:  # only tickets without a survey to send: one statement
            done = statements.finish(actor=actor, ticket=ticket, outcome=outcome, note=note, survey=False)
        if done is statements.FALLBACK:
            with transaction.atomic():
                done = statements.finish(actor=actor, ticket=ticket, outcome=outcome, note=note, survey=True)
                if done is statements.FALLBACK:
                    return _finish_orm(actor=actor, ticket=ticket, outcome=outcome, note=note)
                done.survey_link = _invite_to_survey(done, actor) if done.needs_survey else None
        else:
            done.survey_link = None
        return done
    with transaction.atomic():
        return _finish_orm(actor=actor, ticket=ticket, outcome=outcome, note=note)


def _finish_orm(*, actor, ticket: Ticket, outcome: str, note: str) -> Ticket:
    ticket = _lock_ticket(ticket)
    _require_status(ticket, TicketStatus.SERVING, TicketStatus.CALLED)
    counter = _officer_at(actor, ticket)
    if outcome not in TicketOutcome.values:
        raise ValidationFailed(fields={"outcome": ["Pilih hasil layanan."]})
    now = timezone.now()
    from_status = ticket.status
    if ticket.served_started_at is None:
        ticket.served_started_at = now
    ticket.status = TicketStatus.DONE
    ticket.outcome = outcome
    ticket.served_finished_at = now
    ticket.service_seconds = max(0, int((now - ticket.served_started_at).total_seconds()))
    _save(ticket, "status", "outcome", "served_started_at", "served_finished_at", "service_seconds")
    _bump_board(counter.pk)
    _record(
        ticket,
        action=TicketAction.FINISH,
        from_status=from_status,
        actor=actor,
        counter=counter,
        data={"outcome": outcome, "note": note[:200]},
        at=now,
    )
    ticket.survey_link = _invite_to_survey(ticket, actor)
    return ticket


def _invite_to_survey(ticket: Ticket, actor):
    """THE single call site of the SKM survey after a served ticket (``pintu.feedback``).

    Returns the one-time link (its token is shown once: the counter page and the kiosk show it
    as a QR right after finishing), or None when the ticket has no agency (a village office's
    own desk) or the feedback app's pages have not landed."""
    try:
        from pintu.feedback.services import survey_invitation_create
    except ImportError:  # pragma: no cover - the feedback app is optional
        return None
    agency = ticket.category.agency
    if ticket.case_id is not None:
        agency = ticket.case.agency
    if agency is None:
        return None
    service = ticket.case.service if ticket.case_id else None
    if service is None:
        services = list(ticket.category.services.all()[:2])
        service = services[0] if len(services) == 1 else None
    try:
        return survey_invitation_create(
            actor=actor, agency=agency, service=service, site=ticket.site.org_unit, case=None, ticket=ticket
        )
    except NoReverseMatch:  # pragma: no cover - survey pages not mounted yet
        return None


@transaction.atomic
def ticket_cancel(*, actor, ticket: Ticket, note: str = "") -> Ticket:
    """Staff of the site cancel a waiting or parked ticket (the citizen left)."""
    ticket = _lock_ticket(ticket)
    _require_status(ticket, TicketStatus.WAITING, TicketStatus.PARKED)
    principal = _principal(actor)
    if principal is None or not policies.can_work_at(principal, ticket.site):
        raise PermissionDenied("Anda bukan petugas loket di lokasi ini.", code="queue.not_site_staff")
    from_status = ticket.status
    ticket.status = TicketStatus.CANCELLED
    _save(ticket, "status")
    _record(
        ticket, action=TicketAction.CANCEL, from_status=from_status, actor=actor, data={"note": note[:200]}
    )
    return ticket


# --- cases ------------------------------------------------------------------------------------------------


def _require_serving(actor, ticket: Ticket) -> Counter:
    _require_status(ticket, TicketStatus.SERVING)
    return _officer_at(actor, ticket)


@transaction.atomic
def ticket_open_case(
    *,
    actor,
    ticket: Ticket,
    service,
    form_data: dict,
    documents=None,
    applicant=None,
    submission_key: str | None = None,
    note: str = "",
):
    """Open the citizen's case from the counter (``case_submit``, channel ``counter``) and link
    the ticket to it. Returns the case.

    The officer needs the right to submit on the citizen's behalf for the service's agency
    (today: ``agency_front_office`` of that agency; see the report for counter officers)."""
    from pintu.cases.services import case_submit

    ticket = _lock_ticket(ticket)
    counter = _require_serving(actor, ticket)
    # An agency's own front-office officer submits for its agency; any other counter officer
    # submits on behalf of the site (needs the cases change described in the queueing report).
    if isinstance(service, str):
        from pintu.catalog.models import Service

        service = Service.objects.filter(code=service.strip().upper()).first() or service
    agency_id = getattr(service, "agency_id", None)
    on_behalf = None
    if agency_id is None or not principal_for(actor).has_role(Role.AGENCY_FRONT_OFFICE, agency_id):
        on_behalf = ticket.site.org_unit_id
    case, _created = case_submit(
        actor=actor,
        on_behalf_unit_id=on_behalf,
        service=service,
        form_data=form_data,
        documents=documents,
        applicant=applicant,
        submission_key=submission_key or f"ticket-{ticket.pk}-{getattr(service, 'code', service)}",
        note=note or f"Antrian {ticket.display_number} ({ticket.site.org_unit.display_name})",
    )
    ticket.case = case
    _save(ticket, "case")
    _record(
        ticket,
        action=TicketAction.LINK_CASE,
        from_status=ticket.status,
        actor=actor,
        counter=counter,
        data={"case": case.tracking_code, "opened": True},
    )
    return case


@transaction.atomic
def ticket_link_case(*, actor, ticket: Ticket, tracking_code: str):
    """Continue an existing case: link the ticket being served to it by its tracking code."""
    from pintu.cases import tracking
    from pintu.cases.models import Case

    ticket = _lock_ticket(ticket)
    counter = _require_serving(actor, ticket)
    code = tracking.normalize(tracking_code or "")
    case = Case.objects.filter(tracking_code=code).first() if code else None
    if case is None:
        raise ValidationFailed(
            fields={"tracking_code": ["Kode lacak tidak ditemukan. Periksa kode pada bukti permohonan."]},
            code="queue.case_not_found",
        )
    ticket.case = case
    _save(ticket, "case")
    _record(
        ticket,
        action=TicketAction.LINK_CASE,
        from_status=ticket.status,
        actor=actor,
        counter=counter,
        data={"case": case.tracking_code, "opened": False},
    )
    return case


def base_url() -> str:
    return settings.PINTU_BASE_URL
