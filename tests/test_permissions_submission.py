"""The permission matrix, continued: who may submit, and for whom (API and the front door pages).
A refused submission changes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pintu.cases import tracking
from pintu.cases.models import Case
from tests.factories import make_nik, pdf_file
from tests.permission_matrix import (
    ANONYMOUS,
    CITIZENS,
    FRONT_DOOR,
    ROLES,
    SUBMIT,
    changes,
    client_for,
    describe,
    error_code,
    own_pdf_upload,
    snapshot,
)

pytestmark = pytest.mark.django_db

# --- submission and the front door ------------------------------------------------------------


def _submission(world, role: str, **extra) -> dict:
    """A complete application; staff name the resident they serve, citizens apply as themselves."""
    payload = {
        "service": "AGENCY-SVC",
        "form_data": {"purpose": "Keperluan uji"},
        "documents": {"KTP": own_pdf_upload(world, role)},
    }
    if role not in CITIZENS:
        payload["applicant"] = {"name": "Budi Santoso", "nik": make_nik("35.10.24"), "phone": "081333444555"}
    payload.update(extra)
    return payload


@pytest.mark.parametrize("role", ROLES)
def test_who_may_submit_through_the_api(world, role):
    payload = _submission(world, role)
    before = snapshot()
    response = client_for(world, role).post(reverse("api:cases"), payload, format="json")
    status, channel, unit = SUBMIT[role]
    assert response.status_code == status, response.content
    if status == 201:
        case = Case.objects.get(tracking_code=tracking.normalize(response.json()["code"]))
        assert case.channel == channel
        assert case.opened_by_unit == (getattr(world, unit) if unit else None)
        if channel == "online":
            assert case.applicant_user == world.users[role]
    else:
        assert error_code(response) == ("auth.required" if role == ANONYMOUS else "case.submit_forbidden")
        assert changes(before, snapshot()) == []


@pytest.mark.parametrize(
    ("role", "on_behalf_of", "service"),
    [
        ("village_operator", "other_village_office", "AGENCY-SVC"),  # desa A for desa B
        ("village_head", "other_village_office", "AGENCY-SVC"),
        ("other_village_operator", "village_office", "VILLAGE-SVC"),
        ("village_operator", "agency", "AGENCY-SVC"),  # a desk is not the agency's counter
        ("front_office", "village_office", "AGENCY-SVC"),  # the counter is not a village desk
        ("front_office", "other_agency", "AGENCY-SVC"),
        ("front_office", "agency", "OTHER-SVC"),  # counter cases only for its own agency
        ("front_office", None, "OTHER-SVC"),
        ("other_front_office", None, "AGENCY-SVC"),
        ("district_officer", "district_office", "VILLAGE-SVC"),
        ("regency_admin", "village_office", "AGENCY-SVC"),
    ],
)
def test_nobody_opens_a_case_for_a_unit_they_do_not_serve(world, role, on_behalf_of, service):
    extra = {"service": service}
    if on_behalf_of:
        extra["on_behalf_unit"] = getattr(world, on_behalf_of).code
    payload = _submission(world, role, **extra)
    before = snapshot()
    response = client_for(world, role).post(reverse("api:cases"), payload, format="json")
    assert response.status_code == 403, response.content
    assert error_code(response) == "case.submit_forbidden"
    assert changes(before, snapshot()) == []


def test_a_citizen_cannot_submit_on_behalf_of_a_village_office(world):
    """A citizen naming a village office gets an ordinary application of their own (or a
    refusal), never a case opened by that office."""
    citizen = world.users["citizen"]
    payload = _submission(world, "citizen", on_behalf_unit=world.village_office.code)
    response = client_for(world, "citizen").post(reverse("api:cases"), payload, format="json")
    assert response.status_code in (201, 400, 403), response.content
    assert not Case.objects.filter(opened_by_unit__isnull=False).exists()
    if response.status_code == 201:
        case = Case.objects.get()
        assert case.applicant_user == citizen
        assert case.channel == "online"


def test_a_citizen_cannot_submit_in_another_persons_name(world):
    """Applicant name and NIK sent by a citizen do not replace their own identity: an online
    application is always the account holder's (or it is refused)."""
    citizen = world.users["citizen"]
    someone_else = make_nik("35.10.15")
    payload = _submission(world, "citizen")
    payload["applicant"] = {"name": "Orang Lain", "nik": someone_else}
    response = client_for(world, "citizen").post(reverse("api:cases"), payload, format="json")
    assert response.status_code in (201, 400, 403), response.content
    if response.status_code == 201:
        case = Case.objects.get()
        assert case.applicant_user == citizen
        assert case.applicant_name == citizen.full_name
        assert case.applicant_nik == citizen.nik, "the citizen filed under another person's NIK"
    else:
        assert not Case.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_front_door_pages(world, role):
    """/kantor/permohonan/baru/ and its form: village desks for any service, an agency's front
    office only for its own agency's services; nobody else."""
    client = client_for(world, role)
    expected = FRONT_DOOR[role]
    got = (
        describe(client.get(reverse("office:new_case"))),
        describe(client.get(reverse("office:new_case_form", args=["AGENCY-SVC"]))),
        describe(client.get(reverse("office:new_case_form", args=["OTHER-SVC"]))),
    )
    assert got == expected
    if got[0] == 200 and role.endswith("front_office"):
        listing = client.get(reverse("office:new_case")).content.decode()
        foreign = "OTHER-SVC" if role == "front_office" else "AGENCY-SVC"
        assert reverse("office:new_case_form", args=[foreign]) not in listing


def _front_door_post(world, role, service_code, unit=None):
    data = {
        "applicant_name": "Budi Santoso",
        "applicant_nik": make_nik("35.10.24"),
        "applicant_phone": "081333444555",
        "applicant_village": world.village.pk,
        "f-purpose": "Keperluan uji",
        "doc_KTP": pdf_file("ktp.pdf"),
    }
    if unit is not None:
        data["unit"] = unit.pk
    url = reverse("office:new_case_form", args=[service_code])
    if unit is not None:
        url += f"?unit={unit.pk}"
    return client_for(world, role).post(url, data)


def test_front_door_page_submits_for_the_own_desk(world):
    """Sanity check of the form data used below: the desk's own submission works."""
    response = _front_door_post(world, "village_operator", "AGENCY-SVC", world.village_office)
    case = Case.objects.get()
    assert describe(response, case) == "→office case"
    assert case.opened_by_unit == world.village_office


@pytest.mark.parametrize(
    ("role", "service_code", "unit"),
    [
        ("village_operator", "AGENCY-SVC", "other_village_office"),  # desa A posing as desa B
        ("other_village_operator", "AGENCY-SVC", "village_office"),
        ("front_office", "OTHER-SVC", "agency"),  # another agency's service at its counter
        ("other_front_office", "AGENCY-SVC", "other_agency"),
        ("citizen", "AGENCY-SVC", "village_office"),
        ("verifier", "AGENCY-SVC", "agency"),
    ],
)
def test_front_door_page_refuses_foreign_units_and_services(world, role, service_code, unit):
    unit_obj = getattr(world, unit)
    before = snapshot()
    response = _front_door_post(world, role, service_code, unit_obj)
    assert not Case.objects.filter(opened_by_unit=unit_obj).exists()
    opened_by = list(Case.objects.values_list("opened_by_unit__code", flat=True))
    assert changes(before, snapshot()) == [], f"a case was opened anyway, by {opened_by}"
    assert response.status_code == 403, describe(response)
