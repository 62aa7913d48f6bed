"""Delivery of notifications; idempotent (a sent notification is never sent twice)."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from pintu.notifications.gateways import get_gateway
from pintu.notifications.models import Notification, NotificationChannel, NotificationStatus

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 6


@task(queue_name="notifications")
def deliver_notification(notification_id: int) -> str:
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if notification is None or notification.status != NotificationStatus.PENDING:
            return "skipped"
        notification.attempts += 1
        try:
            if notification.channel == NotificationChannel.EMAIL:
                send_mail(
                    notification.subject,
                    notification.body,
                    settings.DEFAULT_FROM_EMAIL,
                    [notification.recipient],
                    fail_silently=False,
                )
                notification.provider = "email"
            else:
                gateway = get_gateway()
                notification.provider_message_id = gateway.send(
                    recipient=notification.recipient, body=notification.body
                )
                notification.provider = gateway.name
        except Exception as exc:
            notification.last_error = f"{type(exc).__name__}: {exc}"[:1000]
            if notification.attempts >= MAX_ATTEMPTS:
                notification.status = NotificationStatus.FAILED
                logger.warning("notification %s failed for good: %s", notification.pk, exc)
            notification.save(update_fields=["attempts", "last_error", "status"])
            if notification.status == NotificationStatus.PENDING:
                delay = dt.timedelta(minutes=2**notification.attempts)
                deliver_notification.using(run_after=timezone.now() + delay).enqueue(notification.pk)
            return "retry"
        notification.status = NotificationStatus.SENT
        notification.sent_at = timezone.now()
        notification.last_error = ""
        notification.save(
            update_fields=["attempts", "status", "sent_at", "provider", "provider_message_id", "last_error"]
        )
        return "sent"


@task(queue_name="notifications")
def deliver_notifications(notification_ids: list[int]) -> dict:
    """Deliver the notifications of one event (one task row per event, not per channel); a
    failed one is retried on its own by ``deliver_notification``."""
    return {str(pk): deliver_notification.call(pk) for pk in notification_ids}
