"""Which case events reach the citizen, and with what words."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from pintu.cases.constants import CaseAction, CaseStatus
from pintu.core.tasks import enqueue_on_commit
from pintu.notifications.models import Notification, NotificationChannel


def _track_url(case) -> str:
    return settings.PINTU_BASE_URL + reverse("portal:track_detail", args=[case.tracking_code])


def compose_case_message(event) -> tuple[str, str] | None:
    """(subject, body) for an event the applicant should hear about, else None."""
    case = event.case
    code = case.display_code
    service = case.service.name
    url = _track_url(case)
    owner = case.current_owner.display_name if case.current_owner_id else ""
    if event.action == CaseAction.SUBMIT:
        due = case.due_date.strftime("%d-%m-%Y")
        return (
            f"Permohonan {service} diterima ({code})",
            f"Permohonan {service} Anda diterima dengan kode lacak {code}. Sekarang di {owner}; "
            f"target selesai {due}. Pantau di {url}",
        )
    if event.action in (CaseAction.FORWARD, CaseAction.APPROVE) and event.to_owner_id != event.from_owner_id:
        step = case.current_step.name if case.current_step_id else ""
        return (
            f"Permohonan {code} berpindah ke {owner}",
            f"Permohonan {service} ({code}) kini ditangani {owner}: {step}. Pantau di {url}",
        )
    if event.action == CaseAction.RETURN:
        return (
            f"Permohonan {code} perlu perbaikan",
            f"Permohonan {service} ({code}) dikembalikan untuk perbaikan: {event.note} "
            f"Waktu layanan berhenti sampai Anda mengirim perbaikan. Buka {url}",
        )
    if event.action == CaseAction.ISSUE and case.status == CaseStatus.READY_FOR_HANDOVER:
        return (
            f"Dokumen {code} siap diambil",
            f"Dokumen {service} ({code}) sudah terbit dan siap diambil di {case.current_owner.name}. "
            "Bawa KTP-el asli.",
        )
    if event.action == CaseAction.ISSUE:
        return (
            f"Permohonan {code} selesai",
            f"Permohonan {service} ({code}) selesai. Dokumen hasil dapat diunduh setelah masuk ke akun Anda: {url}",
        )
    if event.action == CaseAction.HAND_OVER:
        return (f"Permohonan {code} selesai", f"Dokumen {service} ({code}) telah diserahkan. Terima kasih.")
    if event.action == CaseAction.REJECT:
        return (
            f"Permohonan {code} ditolak",
            f"Permohonan {service} ({code}) tidak dapat dikabulkan: {event.note} "
            "Anda dapat mengajukan pengaduan lewat SP4N-LAPOR! (lapor.go.id).",
        )
    return None


def _completes(event) -> bool:
    return event.action == CaseAction.HAND_OVER or (
        event.action == CaseAction.ISSUE and event.case.status == CaseStatus.COMPLETED
    )


def _survey_invitation(event) -> str:
    """The satisfaction survey (SKM) invitation for a finished case: a one-time link, sent only
    in this message (only its hash is stored)."""
    from pintu.feedback.services import survey_invitation_create

    link = survey_invitation_create(actor=event.actor, agency=None, case=event.case)
    if link is None:  # already answered
        return ""
    return f" Bagaimana layanan kami? Isi survei kepuasan (1 menit): {link.url}"


def notifications_for_case_event(event) -> list[Notification]:
    """Create the outbox rows for an event (inside its transaction) and enqueue delivery."""
    message = compose_case_message(event)
    if message is None:
        return []
    subject, body = message
    case = event.case
    if (case.applicant_email or case.applicant_phone) and _completes(event):
        body += _survey_invitation(event)
    created = []
    if case.applicant_email:
        created.append(
            Notification(
                case_event=event,
                channel=NotificationChannel.EMAIL,
                recipient=case.applicant_email,
                subject=subject,
                body=body,
            )
        )
    if case.applicant_phone:
        created.append(
            Notification(
                case_event=event,
                channel=NotificationChannel.MESSAGE,
                recipient=case.applicant_phone,
                subject=subject,
                body=body[:640],
            )
        )
    from pintu.notifications.tasks import deliver_notifications

    Notification.objects.bulk_create(created)
    if created:
        enqueue_on_commit(deliver_notifications, [n.pk for n in created])
    return created
