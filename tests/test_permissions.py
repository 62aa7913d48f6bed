"""The role × org-unit permission matrix.

Every page and endpoint that shows or changes a case is walked for every role of the fixture
world. Read the tables first; the tests only walk them:

- ``CASES``       — the cases the matrix is played on (how each is made, whose audience it has);
- ``VISIBILITY``  — who may see which case (role × audience);
- ``ACTIONS``     — who may take which action on which case (everyone else is refused);
- ``RESPONSES`` / ``VIEW_RESPONSES`` — what "allowed", "refused", "not yours" look like on each
  surface (API, office pages, portal pages);
- ``QUEUES``, ``MY_CASES``, ``VILLAGE_DESK``, ``SUBMIT``, ``FRONT_DOOR`` — lists and submission.

A refused action must change nothing: the case row (status, step, owner, assignee, event count,
``updated_at``) and the number of events, audit entries, documents, uploads, parties,
notifications and queued tasks are compared before and after.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from pintu.accounts.access import principal_for
from pintu.accounts.models import RoleAssignment
from pintu.accounts.services import role_revoke
from pintu.cases import services as cs
from pintu.cases import tracking
from pintu.cases.constants import CaseDocumentKind
from pintu.cases.models import Case
from pintu.documents.models import Upload
from pintu.regions.models import OrgUnit
from tests.factories import pdf_file
from tests.permission_matrix import (
    ACTIONS,
    ANONYMOUS,
    API_ERROR_CODES,
    AUDIENCES,
    MY_CASES,
    NOT_STAFF,
    PORTAL_ACTIONS,
    QUEUES,
    RESPONSES,
    ROLES,
    VIEW_RESPONSES,
    VILLAGE_DESK,
    VISIBILITY,
    action_verdict,
    changes,
    client_for,
    codes_in,
    describe,
    error_code,
    make_case,
    post_action,
    snapshot,
    view_verdict,
)

pytestmark = pytest.mark.django_db


# --- a case's own pages and endpoints -----------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case_name", AUDIENCES)
def test_who_sees_a_case(world, case_name, role):
    """Office page, portal page, document download, API detail and API document of one case."""
    case = make_case(world, case_name)
    document = case.documents.get(kind=CaseDocumentKind.REQUIREMENT, document_type__code="KTP")
    unknown = tracking.new_code()
    urls = {
        "office case page": lambda code: reverse("office:case", args=[code]),
        "portal case page": lambda code: reverse("portal:my_case", args=[code]),
        "portal document": lambda code: reverse("portal:case_document", args=[code, document.pk]),
        "api case": lambda code: reverse("api:case-detail", args=[code]),
        "api document": lambda code: reverse("api:case-document", args=[code, document.pk]),
    }
    client = client_for(world, role)
    problems = []
    for endpoint, url in urls.items():
        verdict = view_verdict(role, endpoint, case_name)
        expected = VIEW_RESPONSES[endpoint][verdict]
        response = client.get(url(case.tracking_code))
        got = describe(response, case)
        if got != expected:
            problems.append(f"{endpoint} ({verdict}): expected {expected}, got {got}")
            continue
        if endpoint == "api case" and got == 200:
            body = response.json()
            if body["code"] != case.display_code:
                problems.append(f"api case: body is for {body['code']}")
            if role == "regency_admin" and body["allowed_actions"]:
                problems.append(f"regency admin is read-only, offered {body['allowed_actions']}")
        if verdict == "hidden":
            # Someone else's case answers exactly like a code that does not exist.
            probe = client.get(url(unknown))
            if describe(probe) != got:
                problems.append(f"{endpoint}: hidden case {got} but unknown code {describe(probe)}")
            elif endpoint.startswith("api") and probe.json() != response.json():
                problems.append(f"{endpoint}: hidden {response.json()} != unknown {probe.json()}")
        if endpoint.startswith("api") and verdict in ("hidden", ANONYMOUS):
            wanted = "auth.required" if verdict == ANONYMOUS else "case.not_found"
            if error_code(response) != wanted:
                problems.append(f"{endpoint}: error code {error_code(response)}, expected {wanted}")
    assert not problems, "\n".join(problems)


def test_document_of_another_case_is_not_reachable_through_a_visible_case(world):
    """Document ids are checked against the case in the URL (no IDOR through a case you see)."""
    mine = make_case(world, "online")
    foreign = make_case(world, "other_agency")
    foreign_document = foreign.documents.first()
    client = client_for(world, "front_office")
    api = client.get(reverse("api:case-document", args=[mine.tracking_code, foreign_document.pk]))
    assert api.status_code == 404
    assert error_code(api) == "document.not_found"
    page = client.get(reverse("portal:case_document", args=[mine.tracking_code, foreign_document.pk]))
    assert page.status_code == 404


# --- actions --------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("action", "case_name", "allowed"),
    ACTIONS,
    ids=[f"{action}@{case_name}" for action, case_name, _allowed in ACTIONS],
)
def test_who_may_act(world, action, case_name, allowed, role):
    """One action on one case by one role, through the API, the office page and (for the
    applicant's actions) the portal page; each on a fresh case of the same kind."""
    surfaces = ["api", "office", *(["portal"] if action in PORTAL_ACTIONS else [])]
    client = client_for(world, role)
    problems = []
    for surface in surfaces:
        case = make_case(world, case_name)
        verdict = action_verdict(role, surface, case_name, allowed)
        expected = RESPONSES[surface][verdict]
        if surface == "api" and verdict in ("allowed", "denied"):
            offered = client.get(reverse("api:case-detail", args=[case.tracking_code])).json()
            if (action in offered["allowed_actions"]) != (verdict == "allowed"):
                problems.append(f"api allowed_actions {offered['allowed_actions']} ({verdict})")
        if surface == "office" and verdict in ("allowed", "denied"):
            page = client.get(reverse("office:case", args=[case.tracking_code])).content.decode()
            form = reverse("office:case_action", args=[case.tracking_code, action.replace("_", "-")])
            if (form in page) != (verdict == "allowed"):
                problems.append(f"office page offers the {action} form: {form in page} ({verdict})")
        before = snapshot(case)
        response = post_action(client, surface, action, case)
        got = describe(response, case)
        if got != expected:
            problems.append(f"{surface} ({verdict}): expected {expected}, got {got}")
        wanted_code = API_ERROR_CODES.get(verdict) if surface == "api" else None
        if wanted_code and error_code(response) != wanted_code:
            problems.append(f"api error code {error_code(response)}, expected {wanted_code}")
        case.refresh_from_db()
        if verdict == "allowed":
            last = case.events.order_by("-seq").first()
            if case.event_count != before["case row"]["event_count"] + 1 or last.action != action:
                problems.append(f"{surface}: allowed {action} was not recorded (last event {last.action})")
        else:
            diff = changes(before, snapshot(case))
            if diff:
                problems.append(f"{surface}: refused {action} changed " + "; ".join(diff))
    assert not problems, "\n".join(problems)


def test_a_revoked_role_takes_the_cases_away(world):
    """Access follows the active role grant, not a past one: after revocation the officer's
    cases are gone (404), the action is refused and the queue is empty."""
    case = make_case(world, "online")
    officer = world.users["front_office"]
    client = client_for(world, "front_office")
    detail = reverse("api:case-detail", args=[case.tracking_code])
    assert client.get(detail).status_code == 200
    role_revoke(actor=None, assignment=RoleAssignment.objects.get(user=officer, revoked_at__isnull=True))
    before = snapshot(case)
    assert client.get(detail).status_code == 404
    response = client.post(reverse("api:case-verify", args=[case.tracking_code]), {}, format="json")
    assert (response.status_code, error_code(response)) == (404, "case.not_found")
    assert client.get(reverse("api:queue")).json()["count"] == 0
    assert client.get(reverse("office:queue")).status_code == 403
    assert changes(before, snapshot(case)) == []


# --- lists and queues -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_lists_and_queues(world, role):
    """API case list, API queue, office queue, the citizen's own list and the village desk."""
    cases = {name: make_case(world, name) for name in AUDIENCES}
    client = client_for(world, role)
    staff = role not in NOT_STAFF and role != ANONYMOUS
    visible = {name for name in AUDIENCES if VISIBILITY[role][AUDIENCES.index(name)]}
    problems = []

    def check(label, response, expected_status, expected_names, text=None):
        got = describe(response)
        if got != expected_status:
            problems.append(f"{label}: expected {expected_status}, got {got}")
            return
        if expected_names is not None:
            shown = codes_in(text if text is not None else response.content.decode(), cases)
            if shown != expected_names:
                problems.append(f"{label}: shows {sorted(shown)}, expected {sorted(expected_names)}")

    authenticated = role != ANONYMOUS
    check(
        "GET /api/v1/cases/",
        client.get(reverse("api:cases")),
        200 if authenticated else 401,
        visible if authenticated else None,
    )
    check(
        "GET /api/v1/queue/",
        client.get(reverse("api:queue")),
        200 if authenticated else 401,
        QUEUES.get(role, set()) if authenticated else None,
    )
    for tab in ("unit", "mine", "overdue", "returned"):
        response = client.get(reverse("api:queue"), {"tab": tab})
        if response.status_code == 200:
            shown = codes_in(response.content.decode(), cases)
            if not shown <= QUEUES.get(role, set()):
                problems.append(f"/api/v1/queue/?tab={tab} leaks {sorted(shown - QUEUES.get(role, set()))}")
    check(
        "GET /kantor/antrean/",
        client.get(reverse("office:queue")),
        200 if staff else (403 if authenticated else "→login"),
        QUEUES.get(role, set()) if staff else None,
    )
    check(
        "GET /saya/permohonan/",
        client.get(reverse("portal:my_cases")),
        200 if authenticated else "→login",
        MY_CASES.get(role, set()) if authenticated else None,
    )
    village_status = 200 if role in VILLAGE_DESK else (403 if authenticated else "→login")
    for query in ({"tab": "at_agency"}, {"tab": "at_agency", "unit": world.village_office.pk}):
        check(
            f"GET /kantor/desa/?{query}",
            client.get(reverse("office:village"), query),
            village_status,
            VILLAGE_DESK.get(role),
        )
    assert not problems, "\n".join(problems)


# --- public pages -----------------------------------------------------------------------------

PRIVATE_ADDRESS = "Jalan Kenanga Rahasia 17"
PRIVATE_PURPOSE = "Keperluan-rahasia-Q7"
PRIVATE_NOTE = "Catatan-internal-Z9 foto buram"


def _case_with_private_details(world) -> Case:
    citizen = world.users["citizen"]
    case, _created = cs.case_submit(
        actor=citizen,
        service=world.village_service,
        form_data={"purpose": PRIVATE_PURPOSE},
        documents={"KTP": pdf_file()},
        applicant=cs.ApplicantData(address=PRIVATE_ADDRESS),
    )
    cs.case_verify(actor=world.users["village_operator"], case=case, note="Lengkap")
    cs.case_forward(actor=world.users["village_operator"], case=case)
    cs.case_return(actor=world.users["district_officer"], case=case, note=PRIVATE_NOTE)
    case.refresh_from_db()
    return case


@pytest.mark.parametrize("role", ROLES)
def test_public_pages_are_open_and_reveal_no_personal_data(world, role):
    case = _case_with_private_details(world)
    citizen = world.users["citizen"]
    private = {
        "applicant name": citizen.full_name,
        "NIK": citizen.nik,
        "phone": case.applicant_phone,
        "email": citizen.email,
        "address": PRIVATE_ADDRESS,
        "form data": PRIVATE_PURPOSE,
        "return note": PRIVATE_NOTE,
        "officer name": world.users["village_operator"].full_name,
        "kecamatan officer name": world.users["district_officer"].full_name,
    }
    assert all(private.values())
    if role != ANONYMOUS:  # the page header greets the viewer by name: that is their own data
        private = {
            k: v
            for k, v in private.items()
            if v not in (world.users[role].full_name, world.users[role].email)
        }
    client = client_for(world, role)
    urls = [
        reverse("portal:track_detail", args=[case.tracking_code]),
        reverse("portal:track_detail", args=[case.display_code]),
        reverse("api:track", args=[case.tracking_code]),
        reverse("portal:catalogue"),
        reverse("portal:service", args=["VILLAGE-SVC"]),
        reverse("api:services"),
        reverse("api:service-detail", args=["VILLAGE-SVC"]),
        reverse("api:agencies"),
    ]
    problems = []
    for url in urls:
        response = client.get(url)
        if response.status_code != 200:
            problems.append(f"{url}: {describe(response)}")
            continue
        text = response.content.decode()
        problems += [f"{url} shows the {label}" for label, value in private.items() if value in text]
    tracked = client.get(reverse("api:track", args=[case.tracking_code])).json()
    assert tracked["status"] == "returned"
    assert not problems, "\n".join(problems)


# --- personal endpoints and the admin ----------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_me_and_upload_need_a_login(world, role):
    client = client_for(world, role)
    me = client.get(reverse("api:me"))
    before = snapshot()
    upload = client.post(reverse("api:uploads"), {"file": pdf_file()}, format="multipart")
    if role == ANONYMOUS:
        assert (me.status_code, error_code(me)) == (401, "auth.required")
        assert (upload.status_code, error_code(upload)) == (401, "auth.required")
        assert changes(before, snapshot()) == []
        return
    assert me.status_code == 200
    assert me.json()["username"] == role
    grants = {(g["role"], g["org_unit"]) for g in me.json()["roles"]}
    principal = principal_for(world.users[role])
    codes = dict(OrgUnit.objects.values_list("pk", "code"))
    expected = {(grant_role, codes[unit]) for grant_role, unit in principal.grants}
    assert grants == expected
    assert upload.status_code == 201
    assert Upload.objects.get(pk=upload.json()["id"]).uploaded_by == world.users[role]


@pytest.mark.parametrize("role", ROLES)
def test_admin_is_for_the_regency_admin_only(world, role):
    client = client_for(world, role)
    for url in ("/admin/", "/admin/accounts/user/", "/admin/catalog/service/"):
        response = client.get(url)
        if role == "regency_admin":
            assert response.status_code == 200, url
        else:
            assert describe(response) == "→admin login", (url, describe(response))
