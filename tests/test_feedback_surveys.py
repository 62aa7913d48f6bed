"""Survey invitations and submissions: one-time unguessable links, expiry, idempotent retries,
the kiosk tablet (staff of the unit only), and the generic source reference."""

from __future__ import annotations

import datetime as dt

import pytest

from pintu.accounts.constants import Role
from pintu.accounts.services import role_assign
from pintu.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from pintu.feedback import services as fs
from pintu.feedback.models import SurveyInvitation, SurveyResponse
from tests.factories import CaseFactory, UserFactory
from tests.feedback_fixtures import answers, on

GOOD = answers(4, 3, 3, 4, 3, 4, 4, 3, 3)


def test_invitation_token_is_unguessable_and_only_its_hash_is_stored(world):
    link = fs.survey_invitation_create(actor=None, agency=world.agency, channel="link")
    assert len(link.token) >= 40
    assert link.url.endswith(f"/survei/{link.token}/")
    stored = SurveyInvitation.objects.get(pk=link.invitation.pk)
    assert link.token not in stored.token_hash and len(stored.token_hash) == 64
    other = fs.survey_invitation_create(actor=None, agency=world.agency, channel="link")
    assert other.token != link.token


def test_submit_once_retry_is_not_counted_twice_and_reuse_is_refused(world):
    link = fs.survey_invitation_create(
        actor=None, agency=world.agency, service=world.agency_service, channel="link"
    )
    response, created = fs.survey_submit(token=link.token, answers=GOOD, comment="Cepat")
    assert created and response.agency == world.agency and response.service == world.agency_service
    again, created_again = fs.survey_submit(token=link.token, answers=GOOD, comment="Cepat")
    assert (again.pk, created_again) == (response.pk, False)
    with pytest.raises(Conflict):
        fs.survey_submit(token=link.token, answers=answers(1, 1, 1, 1, 1, 1, 1, 1, 1))
    assert SurveyResponse.objects.count() == 1


def test_expired_link_is_refused(world):
    with on(dt.date(2026, 3, 2)):
        link = fs.survey_invitation_create(actor=None, agency=world.agency, channel="link")
    with on(dt.date(2026, 3, 30)), pytest.raises(Conflict) as exc:
        fs.survey_submit(token=link.token, answers=GOOD)
    assert exc.value.code == "survey.expired"
    assert not SurveyResponse.objects.exists()


def test_unknown_token(world):
    with pytest.raises(NotFound):
        fs.survey_submit(token="tidak-ada", answers=GOOD)


@pytest.mark.parametrize(
    ("given", "field"),
    [({"u1": 5}, "u1"), ({"u2": 0}, "u2"), ({"u3": "x"}, "u3"), ({"u10": 3}, "u10"), ({}, None)],
)
def test_bad_answers_are_refused_and_nothing_is_stored(world, given, field):
    link = fs.survey_invitation_create(actor=None, agency=world.agency, channel="link")
    with pytest.raises(ValidationFailed) as exc:
        fs.survey_submit(token=link.token, answers=given)
    if field:
        assert field in exc.value.fields
    assert not SurveyResponse.objects.exists()
    assert SurveyInvitation.objects.get(pk=link.invitation.pk).used_at is None


def test_profile_values_come_from_the_lists(world):
    link = fs.survey_invitation_create(actor=None, agency=world.agency, channel="link")
    with pytest.raises(ValidationFailed) as exc:
        fs.survey_submit(token=link.token, answers=GOOD, profile={"education": "phd"})
    assert "education" in exc.value.fields
    response, _ = fs.survey_submit(token=link.token, answers=GOOD, profile={"sex": "L", "age_group": "31_40"})
    assert (response.sex, response.age_group, response.education) == ("L", "31_40", "")


class FakeTicket:
    pk = 4711


def test_one_invitation_per_ticket_or_case(world):
    first = fs.survey_invitation_create(actor=None, agency=world.agency, ticket=FakeTicket(), channel="link")
    second = fs.survey_invitation_create(actor=None, agency=world.agency, ticket=FakeTicket(), channel="link")
    assert first.invitation.pk == second.invitation.pk
    assert (second.invitation.source_kind, second.invitation.source_id) == ("ticket", "4711")
    with pytest.raises(NotFound):  # the older token no longer works
        fs.survey_submit(token=first.token, answers=GOOD)
    fs.survey_submit(token=second.token, answers=GOOD)
    again = fs.survey_invitation_create(actor=None, agency=world.agency, ticket=FakeTicket(), channel="link")
    assert again is None


def test_invitation_for_a_completed_case_takes_its_agency_and_service(world):
    case = CaseFactory(world=world, service="other", state="submitted")
    link = fs.survey_invitation_create(actor=None, agency=None, case=case, channel="link")
    assert link.invitation.agency == world.other_agency and link.invitation.service == world.other_service
    assert (link.invitation.source_kind, link.invitation.source_id) == ("case", str(case.pk))


def test_responses_fall_in_the_period_of_their_date(world):
    with on(dt.date(2026, 7, 1)):
        link = fs.survey_invitation_create(actor=None, agency=world.agency, channel="link")
        response, _ = fs.survey_submit(token=link.token, answers=GOOD)
    assert response.period.code == "2026" and response.period.rule_version == "permenpanrb-14-2017"


@pytest.fixture
def site_staff(world):
    from pintu.regions.models import OrgUnit

    site = OrgUnit.objects.create(kind="mpp_site", code="MPP-UJI", name="MPP Uji", regency=world.regency)
    counter = UserFactory(username="loket", staff=True)
    role_assign(actor=None, user=counter, role=Role.COUNTER_OFFICER, org_unit=site)
    return site, counter


def test_kiosk_submission_is_idempotent_per_rendered_form(world, site_staff):
    site, counter = site_staff
    kwargs = {
        "actor": counter,
        "kiosk_unit": site,
        "agency": world.agency,
        "answers": GOOD,
        "submission_key": "k1",
    }
    first, created = fs.survey_kiosk_submit(**kwargs)
    again, created_again = fs.survey_kiosk_submit(**kwargs)
    assert created and not created_again and first.pk == again.pk
    assert first.site == site and first.channel == "kiosk"
    fs.survey_kiosk_submit(**{**kwargs, "submission_key": "k2"})
    assert SurveyResponse.objects.count() == 2


@pytest.mark.parametrize("who", ["front_office", "citizen", "other_village_operator", "regency_admin"])
def test_kiosk_only_for_staff_of_the_unit(world, site_staff, who):
    site, _ = site_staff
    with pytest.raises(PermissionDenied):
        fs.survey_kiosk_submit(
            actor=world.users[who], kiosk_unit=site, agency=world.agency, answers=GOOD, submission_key="x"
        )
    assert not SurveyResponse.objects.exists()
