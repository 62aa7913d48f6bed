"""Bookings: a citizen books a time slot, cancels it, or checks in at the site (the booking becomes
a ticket that goes before walk-ins of its category from its slot start)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from pintu.audit.services import audit_record
from pintu.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from pintu.queueing import policies
from pintu.queueing.constants import (
    BookingStatus,
    TicketAction,
    TicketSource,
)
from pintu.queueing.models import (
    Booking,
    QueueSite,
    Ticket,
    TimeSlot,
)
from pintu.queueing.services._common import (
    _check_priority_group,
    _code,
    _issue_ticket,
    _principal,
    _record,
    _require_open,
    site_hours_on,
)


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
