"""The case workflow: the transition table exercised state by state, owner resolution, SLA clock,
versions, history and audit."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from pintu.audit.models import AuditEntry
from pintu.cases import services as cs
from pintu.cases.constants import CaseStatus
from pintu.cases.models import CaseEvent, CaseParty
from pintu.cases.workflow import TRANSITIONS
from pintu.catalog.services import service_draft_set_steps, service_draft_start, service_version_publish
from pintu.core.errors import DomainError, InvalidTransition, PermissionDenied, ValidationFailed
from pintu.demo.generate import clock
from pintu.regions.models import District, Village
from tests.conftest import AGENCY_STEPS
from tests.factories import CaseFactory, officer_for

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")

# state name -> (service, channel, factory state)
SETUPS = {
    "review": ("agency", "online", "submitted"),
    "verified": ("agency", "online", "verified"),
    "approval": ("agency", "online", "at_approval"),
    "issuance": ("agency", "online", "approved"),
    "returned": ("agency", "online", "returned"),
    "handover": ("village", "village", "issued"),
    "completed": ("agency", "online", "completed"),
    "rejected": ("agency", "online", "rejected"),
    "withdrawn": ("agency", "online", "withdrawn"),
}
ACTIONS = [
    "claim",
    "verify",
    "forward",
    "approve",
    "return",
    "resubmit",
    "reject",
    "issue",
    "hand_over",
    "withdraw",
]
# The expected matrix, written out by hand (Y = allowed for the right actor, . = invalid transition).
MATRIX = {
    #              claim verify forward approve return resubmit reject issue hand_over withdraw
    "review":     "Y     Y      .       .       Y      .        Y      .     .         Y",
    "verified":   "Y     .      Y       .       Y      .        Y      .     .         Y",
    "approval":   "Y     .      .       Y       Y      .        Y      .     .         Y",
    "issuance":   "Y     .      .       .       Y      .        .      Y     .         Y",
    "returned":   ".     .      .       .       .      Y        Y      .     .         Y",
    "handover":   ".     .      .       .       .      .        .      .     Y         .",
    "completed":  ".     .      .       .       .      .        .      .     .         .",
    "rejected":   ".     .      .       .       .      .        .      .     .         .",
    "withdrawn":  ".     .      .       .       .      .        .      .     .         .",
}  # fmt: skip


def _expected(state, action):
    return MATRIX[state].split()[ACTIONS.index(action)] == "Y"


def _actor(world, case, action):
    transition = TRANSITIONS[action]
    if transition.actor == "applicant":
        return world.users["citizen"] if case.channel == "online" else world.users["village_operator"]
    if transition.actor == "handover":
        return world.users["village_operator"]
    if case.current_step_id is None:
        return world.users["front_office"]
    return officer_for(world, case)


def _call(action, actor, case):
    kwargs = {"actor": actor, "case": case}
    if action not in ("claim",):
        kwargs["note"] = "Catatan uji."
    return cs.CASE_VERBS[action](**kwargs)


@pytest.mark.parametrize("state", list(SETUPS))
@pytest.mark.parametrize("action", ACTIONS)
def test_transition_matrix(world, state, action):
    service, channel, factory_state = SETUPS[state]
    case = CaseFactory(world=world, service=service, channel=channel, state=factory_state)
    actor = _actor(world, case, action)
    events_before = case.event_count
    if _expected(state, action):
        updated = _call(action, actor, case)
        assert updated.event_count == events_before + 1
        last = CaseEvent.objects.filter(case=case).order_by("-seq").first()
        assert last.action == action
        assert last.actor == actor
        assert AuditEntry.objects.filter(verb=f"case.{action}", object_id=str(case.pk)).exists()
    else:
        with pytest.raises((InvalidTransition, PermissionDenied)):
            _call(action, actor, case)
        case.refresh_from_db()
        assert case.event_count == events_before
        assert CaseEvent.objects.filter(case=case).count() == events_before


def test_table_and_matrix_agree():
    """Every action in the table is covered by the matrix, and nothing else."""
    assert sorted(TRANSITIONS) == sorted(ACTIONS)


def test_wrong_role_is_forbidden_and_changes_nothing(world):
    case = CaseFactory(world=world, state="submitted")  # waiting for the front office
    for name in (
        "verifier",
        "approver",
        "other_front_office",
        "village_operator",
        "citizen",
        "regency_admin",
    ):
        with pytest.raises(PermissionDenied):
            cs.case_verify(actor=world.users[name], case=case)
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS and case.event_count == 1


def test_village_journey_owners_and_parties(world):
    case = CaseFactory(world=world, service="village", channel="online", state="submitted")
    assert case.current_owner == world.village_office  # the applicant's village, resolved now
    owners = [case.current_owner]
    for _ in range(12):
        case.refresh_from_db()
        if case.status != CaseStatus.IN_PROGRESS and case.status != CaseStatus.VERIFIED:
            break
        officer = officer_for(world, case)
        kind = case.current_step.kind
        if kind == "review":
            (cs.case_verify if case.status == CaseStatus.IN_PROGRESS else cs.case_forward)(
                actor=officer, case=case
            )
        elif kind == "approval":
            cs.case_approve(actor=officer, case=case)
        else:
            cs.case_issue(actor=officer, case=case)
        case.refresh_from_db()
        if case.current_owner and case.current_owner != owners[-1]:
            owners.append(case.current_owner)
    assert owners == [world.village_office, world.district_office, world.agency]
    assert case.status == CaseStatus.COMPLETED  # online: the citizen downloads, no hand-over
    parties = set(CaseParty.objects.filter(case=case).values_list("org_unit_id", flat=True))
    assert {world.village_office.pk, world.district_office.pk, world.agency.pk} <= parties


def test_village_front_door_comes_back_for_handover(world):
    case = CaseFactory(world=world, service="village", channel="village", state="issued")
    assert case.status == CaseStatus.READY_FOR_HANDOVER
    assert case.current_owner == world.village_office
    assert case.step_due_date is not None
    done = cs.case_hand_over(actor=world.users["village_head"], case=case, note="Diterima Budi")
    assert done.status == CaseStatus.COMPLETED and done.closed_at is not None
    with pytest.raises(InvalidTransition):
        cs.case_hand_over(actor=world.users["village_operator"], case=case)


def test_owner_of_other_village(world):
    case = CaseFactory(world=world, service="village", channel="online", state="submitted")
    assert case.current_owner == world.village_office
    with pytest.raises(PermissionDenied):
        cs.case_verify(actor=world.users["other_village_operator"], case=case)


def test_applicant_outside_the_regency_is_told_clearly(world, docs):
    district = District.objects.get(code="35.09.01")
    outside = Village.objects.create(code="35.09.01.2001", district=district, name="Kencong", kind="desa")
    citizen = world.users["citizen"]
    with pytest.raises(ValidationFailed) as raised:
        cs.case_submit(
            actor=citizen,
            service=world.village_service,
            form_data={"purpose": "x"},
            documents=docs(),
            applicant=cs.ApplicantData(village_id=outside.pk),
        )
    assert raised.value.code == "case.no_office_for_village"
    assert "luar wilayah" in str(raised.value.message)


def test_village_required_for_village_services(world, docs):
    citizen = world.users["other_citizen"]
    citizen.village = None
    citizen.save()
    with pytest.raises(ValidationFailed) as raised:
        cs.case_submit(
            actor=citizen, service=world.village_service, form_data={"purpose": "x"}, documents=docs()
        )
    assert raised.value.code == "case.village_required"


def _at(y, m, d, h=10):
    return dt.datetime(y, m, d, h, tzinfo=WIB)


def test_sla_due_dates_and_pause_across_year_end(world, docs):
    """Submitted 23 Dec 2026 with a 10-working-day limit: cuti bersama 24 Dec, Christmas, new year
    and Isra Mi'raj (5 Jan 2027) push the due date to 12 Jan 2027. Returned 28 Dec and answered
    31 Dec: three working days (29, 30, 31 Dec) of pause move it to 15 Jan 2027."""
    with clock(_at(2026, 12, 23)):
        case, _ = cs.case_submit(
            actor=world.users["citizen"],
            service=world.agency_service,
            form_data={"purpose": "x"},
            documents=docs(),
        )
    assert case.due_date == dt.date(2027, 1, 12)
    assert case.step_due_date == dt.date(2026, 12, 28)  # first step: 1 working day
    with clock(_at(2026, 12, 28)):
        cs.case_return(actor=world.users["front_office"], case=case, note="Unggah ulang KTP.")
    case.refresh_from_db()
    assert case.paused_on == dt.date(2026, 12, 28)
    with clock(_at(2026, 12, 31)):
        cs.case_resubmit(actor=world.users["citizen"], case=case, note="Sudah.")
    case.refresh_from_db()
    assert case.paused_on is None
    assert case.paused_working_days == 3
    assert case.due_date == dt.date(2027, 1, 15)
    assert case.step_due_date == dt.date(2026, 12, 31)
    with clock(_at(2027, 1, 4)):
        cs.case_verify(actor=world.users["front_office"], case=case)
        cs.case_forward(actor=world.users["front_office"], case=case)
    case.refresh_from_db()
    assert case.step_due_date == dt.date(2027, 1, 7)  # verifier step: 2 days, 5 Jan is a holiday


def test_case_keeps_its_version(world):
    old_case = CaseFactory(world=world, state="submitted")
    v1 = old_case.service_version
    draft = service_draft_start(actor=world.users["regency_admin"], service=world.agency_service)
    service_draft_set_steps(
        actor=world.users["regency_admin"], version=draft, steps=[AGENCY_STEPS[0], AGENCY_STEPS[-1]]
    )
    service_version_publish(actor=world.users["regency_admin"], version=draft)
    new_case = CaseFactory(world=world, state="submitted")
    assert new_case.service_version == draft and old_case.service_version == v1
    # the old case still walks its own four steps
    officer = officer_for(world, old_case)
    cs.case_verify(actor=officer, case=old_case)
    cs.case_forward(actor=officer, case=old_case)
    old_case.refresh_from_db()
    assert old_case.current_step.version_id == v1.pk and old_case.current_step.position == 2
    # the new case goes straight from reception to issuance
    cs.case_verify(actor=officer, case=new_case)
    cs.case_forward(actor=officer, case=new_case)
    new_case.refresh_from_db()
    assert new_case.current_step.kind == "issuance"


def test_history_is_append_only(world):
    case = CaseFactory(world=world, state="verified")
    snapshot = list(CaseEvent.objects.filter(case=case).order_by("seq").values())
    cs.case_forward(actor=world.users["front_office"], case=case)
    after = list(CaseEvent.objects.filter(case=case).order_by("seq").values())
    assert after[: len(snapshot)] == snapshot
    assert [e["seq"] for e in after] == list(range(1, len(after) + 1))


def test_issue_that_cannot_be_signed_changes_nothing(world, settings):
    """The output is generated and signed inside the transition: a signing failure leaves the
    case, its history, the number sequence and the document register untouched."""
    from pintu.documents.models import DocumentSequence, IssuedDocument
    from pintu.documents.signing import reset
    from pintu.documents.signing.fake import FakeSigner

    settings.PINTU_SIGNER = "fake"
    reset()
    case = CaseFactory(world=world, state="approved")
    before = (case.status, case.event_count)
    FakeSigner.fail_next = 1
    try:
        with pytest.raises(DomainError) as raised:
            cs.case_issue(actor=officer_for(world, case), case=case)
    finally:
        FakeSigner.fail_next = 0
        reset()
    assert raised.value.code == "signer.failed"
    case.refresh_from_db()
    assert (case.status, case.event_count) == before
    assert not case.documents.filter(kind="output").exists()
    assert not IssuedDocument.objects.exists()
    assert not DocumentSequence.objects.filter(last__gt=0).exists()


def test_return_and_reject_need_a_reason(world):
    case = CaseFactory(world=world, state="submitted")
    for verb in (cs.case_return, cs.case_reject):
        with pytest.raises(ValidationFailed) as raised:
            verb(actor=world.users["front_office"], case=case, note="   ")
        assert "note" in raised.value.fields
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS and case.event_count == 1


def test_retried_action_with_same_key_acts_once(world):
    case = CaseFactory(world=world, state="submitted")
    cs.case_verify(actor=world.users["front_office"], case=case, request_key="abc")
    again = cs.case_verify(actor=world.users["front_office"], case=case, request_key="abc")
    assert again.status == CaseStatus.VERIFIED and again.event_count == 2


def test_claim_assigns_and_advance_clears(world):
    case = CaseFactory(world=world, state="submitted")
    cs.case_claim(actor=world.users["front_office"], case=case)
    case.refresh_from_db()
    assert case.current_assignee == world.users["front_office"]
    cs.case_verify(actor=world.users["front_office"], case=case)
    cs.case_forward(actor=world.users["front_office"], case=case)
    case.refresh_from_db()
    assert case.current_assignee is None and case.current_owner == world.agency
