"""Complaints: intake and routing, the workflow table (who may do what from which status), the
SP4N-LAPOR clocks in working days across holidays, the automatic close, the reporter's rating,
anonymity, notifications, and that a refused action changes nothing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from pintu.accounts.access import principal_for
from pintu.audit.models import AuditEntry
from pintu.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from pintu.feedback import codes
from pintu.feedback import services as fs
from pintu.feedback.models import Complaint, ComplaintAttachment, ComplaintEvent
from pintu.feedback.policies import allowed_actions, can_see_reporter, can_view_complaint
from pintu.feedback.workflow import TRANSITIONS
from pintu.notifications.models import Notification
from tests.factories import pdf_file
from tests.feedback_fixtures import answers, complaint_in, on, respond


def _submit(world, actor=None, **kwargs):
    defaults = {
        "actor": actor or world.users["citizen"],
        "channel": "portal",
        "subject": "Petugas tidak ramah",
        "description": "Petugas loket membentak saya ketika saya bertanya tentang persyaratan.",
    }
    return fs.complaint_submit(**(defaults | kwargs))


# --- intake and routing ---------------------------------------------------------------------------


def test_code_has_its_own_prefix_and_check_symbol(world):
    complaint, created = _submit(world, agency=world.agency)
    assert created and complaint.tracking_code.startswith("P") and len(complaint.tracking_code) == 12
    assert codes.is_well_formed(complaint.display_code)
    assert complaint.display_code.startswith("P-")
    from pintu.cases import tracking

    assert not tracking.is_well_formed(complaint.tracking_code)  # never mistaken for a case code
    broken = complaint.tracking_code[:-1] + ("2" if complaint.tracking_code[-1] != "2" else "3")
    assert not codes.is_well_formed(broken)


@pytest.mark.parametrize(
    ("route", "expected"),
    [("service", "agency"), ("agency", "agency"), ("other_agency", "other_agency"), ("none", None)],
)
def test_routing(world, route, expected):
    kwargs = {
        "service": {"service": world.agency_service},
        "agency": {"agency": world.agency},
        "other_agency": {"agency": world.other_agency},
        "none": {},
    }[route]
    complaint, _ = _submit(world, **kwargs)
    assert complaint.agency == (getattr(world, expected) if expected else None)
    assert complaint.status == "submitted"


def test_submission_is_idempotent_per_key(world):
    first, created = _submit(world, agency=world.agency, submission_key="abc")
    again, created_again = _submit(world, agency=world.agency, submission_key="abc")
    assert created and not created_again and first.pk == again.pk
    assert Complaint.objects.count() == 1


def test_attachments_are_stored_through_uploads(world):
    complaint, _ = _submit(world, agency=world.agency, attachments=[pdf_file("bukti.pdf")])
    assert ComplaintAttachment.objects.filter(complaint=complaint).count() == 1


def test_bad_attachment_refused_and_nothing_written(world):
    from django.core.files.base import ContentFile

    with pytest.raises(ValidationFailed) as exc:
        _submit(world, agency=world.agency, attachments=[ContentFile(b"MZ\x90\x00 not a pdf", name="x.pdf")])
    assert "attachments" in exc.value.fields
    assert not Complaint.objects.exists()


def test_anonymous_portal_reporter_needs_name_or_anonymity(world, settings):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(ValidationFailed):
        _submit(world, actor=AnonymousUser(), agency=world.agency)
    complaint, _ = _submit(
        world, actor=AnonymousUser(), agency=world.agency, is_anonymous=True, reporter_phone="081234567890"
    )
    assert complaint.reporter_user is None and complaint.reporter_phone == "6281234567890"
    settings.PINTU_COMPLAINTS_ANONYMOUS = False
    with pytest.raises(PermissionDenied):
        _submit(world, actor=AnonymousUser(), agency=world.agency, is_anonymous=True)


def test_counter_intake_only_by_counter_staff(world):
    with pytest.raises(PermissionDenied):
        _submit(world, actor=world.users["verifier"], channel="counter", counter_unit=world.village_office)
    complaint, _ = _submit(
        world,
        actor=world.users["village_operator"],
        channel="counter",
        counter_unit=world.village_office,
        reporter_name="Pak Slamet",
        agency=world.agency,
    )
    assert complaint.reporter_user is None and complaint.reporter_name == "Pak Slamet"
    assert complaint.events.get().actor_unit == world.village_office


def test_complaint_from_a_survey_once(world):
    response = respond(
        world, (1, 2, 2, 4, 2, 2, 1, 1, 2), service=world.agency_service, comment="Lama sekali"
    )
    from django.contrib.auth.models import AnonymousUser

    complaint, _ = _submit(
        world, actor=AnonymousUser(), channel="survey", survey_response=response, is_anonymous=True
    )
    assert complaint.agency == world.agency and complaint.service == world.agency_service
    with pytest.raises(Conflict):
        _submit(world, actor=AnonymousUser(), channel="survey", survey_response=response, is_anonymous=True)


# --- the workflow table ---------------------------------------------------------------------------

# (state, action, who) -> allowed.  Everyone not listed for an action is refused.
WORKFLOW = [
    ("submitted", "verify", {"front_office", "verifier", "approver"}),
    ("submitted", "reject", {"front_office", "verifier", "approver", "regency_admin"}),
    ("submitted", "transfer", {"front_office", "verifier", "approver", "regency_admin"}),
    ("submitted", "answer", set()),
    ("submitted", "route", set()),
    ("triage", "route", {"regency_admin"}),
    ("triage", "verify", set()),
    ("verified", "answer", {"front_office", "verifier", "approver"}),
    ("verified", "verify", set()),
    ("verified", "transfer", {"front_office", "verifier", "approver", "regency_admin"}),
    ("answered", "answer", set()),
    ("answered", "reject", set()),
    ("closed", "answer", set()),
    ("rejected", "verify", set()),
]
STAFF = [
    "front_office",
    "verifier",
    "approver",
    "other_front_office",
    "other_verifier",
    "regency_admin",
    "village_operator",
    "district_officer",
    "staff_without_role",
    "citizen",
    "other_citizen",
]


def _do(world, complaint, action, who):
    actor = world.users[who]
    kwargs = {"actor": actor, "complaint": complaint}
    if action in ("route", "transfer"):
        kwargs["agency"] = world.other_agency if complaint.agency_id == world.agency.pk else world.agency
        kwargs["note"] = "Bukan kewenangan kami."
    elif action == "reject":
        kwargs |= {"reason": "duplicate", "note": "Sudah dilaporkan."}
    elif action == "answer":
        kwargs["note"] = "Sudah ditindaklanjuti."
    return fs.COMPLAINT_VERBS[action](**kwargs)


@pytest.mark.parametrize(("state", "action", "allowed"), WORKFLOW)
@pytest.mark.parametrize("who", STAFF)
def test_workflow_matrix(world, state, action, allowed, who):
    complaint = complaint_in(world, state)
    before = (
        complaint.status,
        complaint.agency_id,
        complaint.event_count,
        AuditEntry.objects.count(),
        Notification.objects.count(),
    )
    listed = action in allowed_actions(principal_for(world.users[who]), complaint)
    if who in allowed:
        after = _do(world, complaint, action, who)
        assert listed
        assert after.event_count == before[2] + 1
        assert ComplaintEvent.objects.filter(
            complaint=complaint, seq=after.event_count, action=action
        ).exists()
    else:
        assert not listed
        with pytest.raises((PermissionDenied, InvalidTransition)):
            _do(world, complaint, action, who)
        complaint.refresh_from_db()
        assert (
            complaint.status,
            complaint.agency_id,
            complaint.event_count,
            AuditEntry.objects.count(),
            Notification.objects.count(),
        ) == before


def test_every_transition_is_exercised_by_the_matrix():
    covered = {action for _, action, _ in WORKFLOW} | {"rate_satisfied", "rate_unsatisfied", "auto_close"}
    assert covered == set(TRANSITIONS)


def test_history_is_append_only_and_tells_the_story(world):
    complaint = complaint_in(world, "reopened")
    actions = list(complaint.events.order_by("seq").values_list("action", "from_status", "to_status"))
    assert actions == [
        ("submit", "", "submitted"),
        ("verify", "submitted", "verified"),
        ("answer", "verified", "answered"),
        ("rate_unsatisfied", "answered", "verified"),
    ]
    assert complaint.reopen_count == 1 and complaint.rating == 1


def test_transfer_moves_visibility(world):
    complaint = complaint_in(world, "verified")
    fs.complaint_transfer(
        actor=world.users["verifier"],
        complaint=complaint,
        agency=world.other_agency,
        note="Kewenangan Polresta.",
    )
    complaint.refresh_from_db()
    assert complaint.status == "submitted" and complaint.agency == world.other_agency
    assert not can_view_complaint(principal_for(world.users["verifier"]), complaint)
    assert can_view_complaint(principal_for(world.users["other_verifier"]), complaint)


def test_repeated_request_key_acts_once(world):
    complaint = complaint_in(world, "submitted")
    fs.complaint_verify(actor=world.users["verifier"], complaint=complaint, request_key="k")
    again = fs.complaint_verify(actor=world.users["verifier"], complaint=complaint, request_key="k")
    assert again.event_count == 2 and again.status == "verified"


# --- the reporter's rating --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rating", "status"), [(5, "closed"), (4, "closed"), (3, "closed"), (2, "verified"), (1, "verified")]
)
def test_rating_closes_or_reopens(world, rating, status):
    complaint = complaint_in(world, "answered")
    with on(dt.date(2026, 5, 12)):
        after = fs.complaint_rate(
            actor=world.users["citizen"], complaint=complaint, rating=rating, note="Belum beres"
        )
    assert after.status == status and after.rating == rating
    if status == "verified":
        # back to the agency with a new answer clock: 5 working days from Tue 12 May 2026,
        # skipping Ascension Day (14) and its cuti bersama (15) -> Thu 21 May
        assert after.answer_due == dt.date(2026, 5, 21) and after.due_date == after.answer_due


def test_only_the_reporter_rates(world):
    complaint = complaint_in(world, "answered")
    for who in ("other_citizen", "verifier", "regency_admin"):
        with pytest.raises(PermissionDenied):
            fs.complaint_rate(actor=world.users[who], complaint=complaint, rating=5, holds_code=True)
    complaint.refresh_from_db()
    assert complaint.status == "answered"


def test_reporter_without_account_rates_with_the_code(world):
    from django.contrib.auth.models import AnonymousUser

    complaint = complaint_in(world, "answered", reporter=AnonymousUser(), anonymous=True)
    with pytest.raises(PermissionDenied):
        fs.complaint_rate(actor=AnonymousUser(), complaint=complaint, rating=5, holds_code=False)
    assert (
        fs.complaint_rate(actor=AnonymousUser(), complaint=complaint, rating=5, holds_code=True).status
        == "closed"
    )


def test_unhappy_rating_needs_a_note(world):
    complaint = complaint_in(world, "answered")
    with pytest.raises(ValidationFailed):
        fs.complaint_rate(actor=world.users["citizen"], complaint=complaint, rating=1)


# --- anonymity -----------------------------------------------------------------------------------------


def test_anonymous_reporter_hidden_from_the_agency(world):
    complaint = complaint_in(world, "submitted", anonymous=True)
    assert complaint.reporter_user == world.users["citizen"]
    for who in ("verifier", "front_office", "regency_admin"):
        principal = principal_for(world.users[who])
        assert can_view_complaint(principal, complaint) and not can_see_reporter(principal, complaint)
    assert can_see_reporter(principal_for(world.users["citizen"]), complaint)
    named = complaint_in(world, "submitted")
    assert can_see_reporter(principal_for(world.users["verifier"]), named)
    assert not can_view_complaint(principal_for(world.users["other_verifier"]), named)


# --- clocks --------------------------------------------------------------------------------------------

# (clock, start day, expected due) in working days with Indonesian holidays and cuti bersama 2026.
CLOCKS = [
    # verification: 3 working days after submission
    ("verify", dt.date(2026, 3, 2), dt.date(2026, 3, 5)),  # Mon -> Thu
    ("verify", dt.date(2026, 3, 6), dt.date(2026, 3, 11)),  # Fri -> Wed (weekend)
    ("verify", dt.date(2026, 3, 19), dt.date(2026, 3, 27)),  # Nyepi + Idul Fitri + cuti bersama
    ("verify", dt.date(2026, 5, 29), dt.date(2026, 6, 4)),  # Fri, then Pancasila Day (1 Jun)
    ("verify", dt.date(2026, 3, 21), dt.date(2026, 3, 27)),  # submitted on a holiday (Sat)
    # answer: 5 working days after verification
    ("answer", dt.date(2026, 5, 13), dt.date(2026, 5, 22)),  # Ascension (14) + cuti bersama (15)
    ("answer", dt.date(2026, 8, 14), dt.date(2026, 8, 24)),  # Independence Day (17 Aug)
    ("answer", dt.date(2026, 12, 21), dt.date(2026, 12, 30)),  # Christmas + cuti bersama (24, 25)
    # automatic close: 10 working days after the answer
    ("close", dt.date(2026, 8, 10), dt.date(2026, 8, 26)),  # 17 Aug and Maulid (25 Aug)
    ("close", dt.date(2026, 3, 16), dt.date(2026, 4, 7)),  # Nyepi, Idul Fitri, cuti bersama, Good Friday
]


@pytest.mark.parametrize(("clock", "start", "due"), CLOCKS)
def test_clocks_across_holidays(world, clock, start, due):
    if clock == "verify":
        with on(start):
            complaint, _ = _submit(world, agency=world.agency)
        assert complaint.verify_due == due and complaint.due_date == due
        return
    with on(start - dt.timedelta(days=20)):
        complaint, _ = _submit(world, agency=world.agency)
    if clock == "answer":
        with on(start):
            complaint = fs.complaint_verify(actor=world.users["verifier"], complaint=complaint)
        assert complaint.answer_due == due and complaint.verified_on == start and complaint.due_date == due
        return
    complaint = fs.complaint_verify(actor=world.users["verifier"], complaint=complaint)
    with on(start):
        complaint = fs.complaint_answer(actor=world.users["verifier"], complaint=complaint, note="Jawaban.")
    assert complaint.close_due == due and complaint.answered_on == start


def test_auto_close_after_ten_working_days_idempotent(world):
    with on(dt.date(2026, 8, 3)):
        complaint, _ = _submit(world, agency=world.agency)
        complaint = fs.complaint_verify(actor=world.users["verifier"], complaint=complaint)
    with on(dt.date(2026, 8, 10)):
        complaint = fs.complaint_answer(actor=world.users["verifier"], complaint=complaint, note="Sudah.")
    other = complaint_in(world, "verified")
    assert fs.complaints_close_due(today=dt.date(2026, 8, 26)) == 0  # the 10th working day itself
    with on(dt.date(2026, 8, 27)):
        assert fs.complaints_close_due() == 1
        assert fs.complaints_close_due() == 0
        call_command("complaints_close_due", stdout=io.StringIO())
    complaint.refresh_from_db()
    other.refresh_from_db()
    assert complaint.status == "closed" and complaint.events.last().action == "auto_close"
    assert complaint.events.last().actor is None
    assert other.status == "verified"


# --- notifications --------------------------------------------------------------------------------------


def test_reporter_is_notified_when_verified_and_answered(world):
    complaint, _ = _submit(world, agency=world.agency, reporter_email="siti@example.id")
    Notification.objects.all().delete()
    fs.complaint_verify(actor=world.users["verifier"], complaint=complaint)
    fs.complaint_answer(actor=world.users["verifier"], complaint=complaint, note="Sudah kami tegur.")
    subjects = list(Notification.objects.order_by("id").values_list("channel", "subject"))
    code = complaint.display_code
    assert ("email", f"Pengaduan {code} diverifikasi") in subjects
    assert ("message", f"Pengaduan {code} sudah dijawab") in subjects
    body = Notification.objects.filter(subject__contains="dijawab").first().body
    assert "/pengaduan/lacak/" in body and "Siti" not in body
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.filter(task_path__endswith="deliver_notifications").exists()


def test_refused_action_sends_nothing(world):
    complaint = complaint_in(world, "submitted")
    count = Notification.objects.count()
    with pytest.raises(PermissionDenied):
        fs.complaint_verify(actor=world.users["other_verifier"], complaint=complaint)
    assert Notification.objects.count() == count


def test_answers_helper_shape():
    assert answers(4, None, 3) == {"u1": 4, "u3": 3}
