"""Notifications: written in the transaction of the event (outbox), delivered by the worker,
idempotent, retried on gateway failure."""

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pintu.cases import services as cs
from pintu.core.tasks import run_pending_tasks
from pintu.notifications.gateways import GatewayError, get_gateway
from pintu.notifications.gateways.fake import FakeGateway
from pintu.notifications.models import Notification, NotificationStatus
from pintu.notifications.tasks import MAX_ATTEMPTS
from tests.factories import CaseFactory


def test_submission_notifies_by_mail_and_message(world):
    case = CaseFactory(world=world, state="submitted")
    assert Notification.objects.filter(case_event__case=case).count() == 2
    assert run_pending_tasks() == 1  # one task delivers both channels of the event
    assert len(mail.outbox) == 1 and case.display_code in mail.outbox[0].subject
    assert len(FakeGateway.outbox) == 1 and FakeGateway.outbox[0]["recipient"] == "6281234567890"
    assert "Siti" not in FakeGateway.outbox[0]["body"]  # no personal data in the text
    assert run_pending_tasks() == 0  # nothing left, nothing sent twice
    assert set(Notification.objects.values_list("status", flat=True)) == {NotificationStatus.SENT}


def test_only_hand_changes_returns_and_finishes_notify(world):
    case = CaseFactory(world=world, state="submitted")
    run_pending_tasks()
    FakeGateway.outbox.clear()
    front = world.users["front_office"]
    cs.case_verify(actor=front, case=case)  # same hands: nothing
    assert Notification.objects.count() == 2
    cs.case_return(actor=front, case=case, note="Foto KTP buram.")
    cs.case_resubmit(actor=world.users["citizen"], case=case, note="ok")
    run_pending_tasks()
    bodies = [m["body"] for m in FakeGateway.outbox]
    assert len(bodies) == 1 and "Foto KTP buram." in bodies[0]


def test_village_handover_message(world):
    CaseFactory(world=world, service="village", channel="village", state="issued")
    run_pending_tasks()
    last = FakeGateway.outbox[-1]["body"]
    assert "siap diambil" in last and world.village_office.name in last


def test_rollback_leaves_no_notification_and_no_task(world):
    case = CaseFactory(world=world, state="submitted")
    notifications, tasks = Notification.objects.count(), DBTaskResult.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        cs.case_return(actor=world.users["front_office"], case=case, note="x")
        raise RuntimeError("crash after the change, before commit")
    assert Notification.objects.count() == notifications and DBTaskResult.objects.count() == tasks


def test_gateway_failure_is_retried_then_recorded(world):
    FakeGateway.fail_next = MAX_ATTEMPTS
    CaseFactory(world=world, state="submitted")
    run_pending_tasks()
    message = Notification.objects.get(channel="message")
    assert message.status == NotificationStatus.PENDING and message.attempts == 1
    assert "simulated" in message.last_error
    # the retry is scheduled in the future; run the remaining attempts as if time passed
    for _ in range(MAX_ATTEMPTS):
        DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
        run_pending_tasks()
    message.refresh_from_db()
    assert message.status == NotificationStatus.FAILED and message.attempts == MAX_ATTEMPTS


def test_unknown_gateway_is_an_error(settings):
    settings.PINTU_MESSAGE_GATEWAY = "nope"
    with pytest.raises(GatewayError):
        get_gateway()


def test_issue_notifies_download(world):
    case = CaseFactory(world=world, state="approved")
    cs.case_issue(actor=world.users["front_office"], case=case)
    run_pending_tasks()
    assert "selesai" in mail.outbox[-1].subject


def test_finished_case_invites_to_the_satisfaction_survey(client, world):
    from pintu.feedback.models import SurveyInvitation

    case = CaseFactory(world=world, state="approved")
    cs.case_issue(actor=world.users["front_office"], case=case)
    run_pending_tasks()
    body = mail.outbox[-1].body
    assert "survei kepuasan" in body
    url = body[body.index("http") :].split()[-1]
    assert SurveyInvitation.objects.filter(case=case).count() == 1
    path = url.split("://", 1)[1].split("/", 1)[1]
    assert client.get(f"/{path}").status_code == 200
