"""Helpers the feedback verbs share: the clock, and for complaints the working-day calendar,
the reporter's notifications, history rows and the answer clocks."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from pintu.core.calendar import WorkCalendar
from pintu.core.tasks import enqueue_on_commit
from pintu.feedback.constants import (
    ANSWER_WORKING_DAYS,
    AUTO_CLOSE_WORKING_DAYS,
    VERIFY_WORKING_DAYS,
    ComplaintAction,
)
from pintu.feedback.models import (
    Complaint,
    ComplaintEvent,
)
from pintu.feedback.workflow import Clock


def _now() -> dt.datetime:
    return timezone.now()


def _today() -> dt.date:
    return timezone.localdate()


# --- complaints: helpers -------------------------------------------------------------------------


def _calendar(regency_code: str | None = None) -> WorkCalendar:
    return WorkCalendar(regency_code)


def _notify(complaint: Complaint, subject: str, body: str) -> None:
    """Outbox rows for the reporter (email and/or SMS/WhatsApp), delivered after commit."""
    from pintu.notifications.models import Notification, NotificationChannel
    from pintu.notifications.tasks import deliver_notifications

    rows = []
    if complaint.reporter_email:
        rows.append(
            Notification(
                channel=NotificationChannel.EMAIL,
                recipient=complaint.reporter_email,
                subject=subject,
                body=body,
            )
        )
    if complaint.reporter_phone:
        rows.append(
            Notification(
                channel=NotificationChannel.MESSAGE,
                recipient=complaint.reporter_phone,
                subject=subject,
                body=body[:640],
            )
        )
    if rows:
        Notification.objects.bulk_create(rows)
        enqueue_on_commit(deliver_notifications, [n.pk for n in rows])


def _track_url(complaint: Complaint) -> str:
    return settings.PINTU_BASE_URL + reverse(
        "feedback:complaint_track_detail", args=[complaint.tracking_code]
    )


def compose_complaint_message(complaint: Complaint, action: str, note: str = "") -> tuple[str, str] | None:
    code, url = complaint.display_code, _track_url(complaint)
    if action == ComplaintAction.SUBMIT:
        return (
            f"Pengaduan {code} diterima",
            f"Pengaduan Anda diterima dengan kode {code}. Diverifikasi paling lambat "
            f"{complaint.verify_due:%d-%m-%Y}. Pantau di {url}",
        )
    if action == ComplaintAction.VERIFY:
        return (
            f"Pengaduan {code} diverifikasi",
            f"Pengaduan {code} sudah diverifikasi dan sedang ditindaklanjuti. Jawaban paling lambat "
            f"{complaint.answer_due:%d-%m-%Y}. Pantau di {url}",
        )
    if action == ComplaintAction.ANSWER:
        return (
            f"Pengaduan {code} sudah dijawab",
            f"Pengaduan {code} sudah dijawab. Baca jawabannya dan beri penilaian di {url} "
            f"(tanpa tanggapan, pengaduan ditutup setelah {complaint.close_due:%d-%m-%Y}).",
        )
    if action == ComplaintAction.REJECT:
        return (
            f"Pengaduan {code} tidak dapat diproses",
            f"Pengaduan {code} tidak dapat diproses: {note} Rincian di {url}",
        )
    return None


def _insert_event(
    complaint,
    *,
    action,
    from_status,
    from_agency_id,
    actor,
    actor_unit_id,
    note="",
    data=None,
    request_key=None,
    at,
) -> ComplaintEvent:
    complaint.event_count += 1
    return ComplaintEvent.objects.create(
        complaint=complaint,
        seq=complaint.event_count,
        action=action,
        from_status=from_status,
        to_status=complaint.status,
        from_agency_id=from_agency_id,
        to_agency_id=complaint.agency_id,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_unit_id=actor_unit_id,
        note=note,
        data=data or {},
        request_key=request_key or None,
        at=at,
    )


def _start_clock(complaint: Complaint, clock: str, today: dt.date) -> None:
    calendar = _calendar(complaint.regency.code)
    if clock == Clock.VERIFY:
        complaint.verify_due = calendar.add_working_days(today, VERIFY_WORKING_DAYS)
        complaint.due_date = complaint.verify_due
    elif clock == Clock.ANSWER:
        complaint.answer_due = calendar.add_working_days(today, ANSWER_WORKING_DAYS)
        complaint.due_date = complaint.answer_due
    elif clock == Clock.CLOSE:
        complaint.answered_on = today
        complaint.close_due = calendar.add_working_days(today, AUTO_CLOSE_WORKING_DAYS)
        complaint.due_date = complaint.close_due
    else:
        complaint.due_date = None
