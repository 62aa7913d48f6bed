"""Messages to citizens about their bookings: a confirmation now and a reminder the day before,
through the notification outbox (rows written in the booking's transaction, delivery enqueued)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from pintu.core.tasks import enqueue_on_commit
from pintu.notifications.models import Notification, NotificationChannel


def _booking_url(booking) -> str:
    return settings.PINTU_BASE_URL + reverse("queueing:my_booking", args=[booking.code])


def _messages_for(booking, subject: str, body: str) -> list[Notification]:
    citizen = booking.citizen
    rows = []
    if citizen.email:
        rows.append(
            Notification(
                channel=NotificationChannel.EMAIL, recipient=citizen.email, subject=subject, body=body
            )
        )
    if getattr(citizen, "phone", ""):
        rows.append(
            Notification(
                channel=NotificationChannel.MESSAGE, recipient=citizen.phone, subject=subject, body=body[:640]
            )
        )
    return rows


def _send(rows: list[Notification]) -> list[Notification]:
    from pintu.notifications.tasks import deliver_notifications

    Notification.objects.bulk_create(rows)
    if rows:
        enqueue_on_commit(deliver_notifications, [n.pk for n in rows])
    return rows


def _describe(booking) -> str:
    slot = booking.slot
    return (
        f"{booking.category.name} di {booking.site.org_unit.name}, {slot.date:%d-%m-%Y} pukul "
        f"{slot.start:%H.%M}–{slot.end:%H.%M}"
    )


def booking_confirmed(booking) -> list[Notification]:
    """Inside the booking's transaction: the confirmation, and the reminder task for later."""
    subject = f"Antrian terpesan: {booking.code}"
    body = (
        f"Pesanan antrian Anda: {_describe(booking)}. Kode {booking.code}. Tunjukkan kode QR di kios "
        f"lokasi paling lambat {booking.site.late_window_minutes} menit setelah sesi dimulai. {_booking_url(booking)}"
    )
    rows = _send(_messages_for(booking, subject, body))
    if booking.reminder_at:
        from pintu.queueing.tasks import booking_remind

        enqueue_on_commit(booking_remind.using(run_after=booking.reminder_at), booking.pk)
    return rows


def booking_reminder(booking) -> list[Notification]:
    subject = f"Pengingat antrian besok: {booking.code}"
    body = f"Pengingat: besok {_describe(booking)}. Kode {booking.code}. Batalkan bila tidak jadi datang: {_booking_url(booking)}"
    return _send(_messages_for(booking, subject, body))
