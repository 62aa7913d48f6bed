"""Background work of the queue; idempotent (a reminder is sent once, never for a cancelled or
used booking)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from pintu.queueing.constants import BookingStatus


@task(queue_name="notifications")
def booking_remind(booking_id: int) -> str:
    from pintu.queueing import notify
    from pintu.queueing.models import Booking

    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("slot", "category", "site__org_unit", "citizen")
            .filter(pk=booking_id)
            .first()
        )
        if booking is None or booking.status != BookingStatus.BOOKED or booking.reminder_sent_at:
            return "skipped"
        notify.booking_reminder(booking)
        booking.reminder_sent_at = timezone.now()
        booking.save(update_fields=["reminder_sent_at"])
        return "sent"
