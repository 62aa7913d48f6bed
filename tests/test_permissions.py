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

import uuid

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from rest_framework.test import APIClient

from pintu.accounts.access import principal_for
from pintu.accounts.models import RoleAssignment
from pintu.accounts.services import role_revoke
from pintu.audit.models import AuditEntry
from pintu.cases import services as cs
from pintu.cases import tracking
from pintu.cases.constants import CaseAction, CaseDocumentKind
from pintu.cases.models import Case, CaseDocument, CaseEvent, CaseParty
from pintu.documents.models import Upload
from pintu.documents.services import upload_store
from pintu.notifications.models import Notification
from pintu.regions.models import OrgUnit
from tests.factories import CaseFactory, make_nik, officer_for, pdf_file

pytestmark = pytest.mark.django_db

ANONYMOUS = "anonymous"
ROLES = (
    "citizen",
    "other_citizen",
    "village_operator",
    "village_head",
    "other_village_operator",
    "district_officer",
    "other_district_officer",
    "front_office",
    "verifier",
    "approver",
    "other_front_office",
    "other_verifier",
    "regency_admin",
    "staff_without_role",
    ANONYMOUS,
)
CITIZENS = frozenset({"citizen", "other_citizen"})
# Accounts without any role grant: the office pages (/kantor/) are closed to them.
NOT_STAFF = CITIZENS | {"staff_without_role"}

# --- the cases ------------------------------------------------------------------------------------

# The six audiences a case can have in the fixture world (columns of VISIBILITY).
AUDIENCES = ("online", "desk", "counter", "desk_routed", "online_routed", "other_agency")

# name: (service, channel, factory state, further actions by the current step's officer, audience)
#   service  agency = AGENCY-SVC (all steps at Dispendukcapil), village = VILLAGE-SVC (desa →
#            kecamatan → Dispendukcapil), other = OTHER-SVC (Polresta)
#   channel  online = the citizen applies; village = Tamansari's desk opens it for a resident;
#            counter = Dispendukcapil's front office opens it at its counter
CASES = {
    "online": ("agency", "online", "submitted", (), "online"),
    "online_verified": ("agency", "online", "verified", (), "online"),
    "online_at_verifier": ("agency", "online", "forwarded", (), "online"),
    "online_at_verifier_verified": ("agency", "online", "forwarded", ("verify",), "online"),
    "online_at_approval": ("agency", "online", "forwarded", ("verify", "forward"), "online"),
    "online_at_issuance": ("agency", "online", "approved", (), "online"),
    "online_returned": ("agency", "online", "returned", (), "online"),
    "desk": ("agency", "village", "submitted", (), "desk"),
    "desk_returned": ("agency", "village", "returned", (), "desk"),
    "desk_at_village": ("village", "village", "submitted", (), "desk"),
    "counter": ("agency", "counter", "submitted", (), "counter"),
    "counter_returned": ("agency", "counter", "returned", (), "counter"),
    "desk_routed": ("village", "village", "forwarded", (), "desk_routed"),  # now at the kecamatan
    "desk_handover": ("village", "village", "issued", (), "desk_routed"),  # back at the desa
    "online_routed": ("village", "online", "approved", (), "online_routed"),  # desa, kec. → agency
    "other_agency": ("other", "online", "submitted", (), "other_agency"),
}

X, _ = True, False
# fmt: off
VISIBILITY = {
    #                          online desk counter desk_routed online_routed other_agency
    "citizen":                (X,     _,   _,      _,          X,            X),
    "other_citizen":          (_,     _,   _,      _,          _,            _),
    "village_operator":       (_,     X,   _,      X,          X,            _),
    "village_head":           (_,     X,   _,      X,          X,            _),
    "other_village_operator": (_,     _,   _,      _,          _,            _),
    "district_officer":       (_,     _,   _,      X,          X,            _),
    "other_district_officer": (_,     _,   _,      _,          _,            _),
    "front_office":           (X,     X,   X,      X,          X,            _),
    "verifier":               (X,     X,   X,      X,          X,            _),
    "approver":               (X,     X,   X,      X,          X,            _),
    "other_front_office":     (_,     _,   _,      _,          _,            X),
    "other_verifier":         (_,     _,   _,      _,          _,            X),
    "regency_admin":          (X,     X,   X,      X,          X,            X),
    "staff_without_role":     (_,     _,   _,      _,          _,            _),
    ANONYMOUS:                (_,     _,   _,      _,          _,            _),
}
# fmt: on

ACTIONS = [
    # (action, case, the roles that may take it: everyone else is refused)
    ("claim", "online", {"front_office"}),
    ("claim", "desk_routed", {"district_officer"}),
    ("verify", "online", {"front_office"}),
    ("verify", "online_at_verifier", {"verifier"}),
    ("verify", "desk_at_village", {"village_operator"}),  # the step's role, not any village role
    ("forward", "online_verified", {"front_office"}),
    ("forward", "online_at_verifier_verified", {"verifier"}),  # not the previous step's holder
    ("approve", "online_at_approval", {"approver"}),
    ("approve", "desk_routed", {"district_officer"}),
    ("return", "online", {"front_office"}),
    ("return", "online_at_approval", {"approver"}),
    ("reject", "online", {"front_office"}),
    ("reject", "desk_routed", {"district_officer"}),
    ("issue", "online_at_issuance", {"front_office"}),
    ("resubmit", "online_returned", {"citizen"}),
    ("resubmit", "desk_returned", {"village_operator", "village_head"}),
    ("resubmit", "counter_returned", {"front_office"}),
    ("withdraw", "online", {"citizen"}),
    ("withdraw", "desk", {"village_operator", "village_head"}),
    ("withdraw", "counter", {"front_office"}),
    ("hand_over", "desk_handover", {"village_operator", "village_head"}),
]

# A refused page action answers 403 (like the API). Pages that prefer "redirect back with an
# error message" for a refusal would change this one constant.
PAGE_DENIED = 403

RESPONSES = {
    # surface: {verdict: expected answer}
    #   allowed   the role may act            denied     sees the case, may not act
    #   hidden    may not see the case        anonymous  not logged in
    #   not_staff no role grant: office pages are closed
    "api": {"allowed": 200, "denied": 403, "hidden": 404, ANONYMOUS: 401},
    "office": {
        "allowed": "→office case",
        "denied": PAGE_DENIED,
        "hidden": 404,
        ANONYMOUS: "→login",
        "not_staff": 403,
    },
    "portal": {"allowed": "→portal case", "denied": PAGE_DENIED, "hidden": 404, ANONYMOUS: "→login"},
}
API_ERROR_CODES = {"denied": "case.forbidden", "hidden": "case.not_found", ANONYMOUS: "auth.required"}
PORTAL_ACTIONS = {"resubmit": "portal:my_case_resubmit", "withdraw": "portal:my_case_withdraw"}

VIEW_RESPONSES = {
    # endpoint: {verdict: expected answer}; "applicant" = the citizen on their own case,
    # "party" = staff of a unit that has a part in the case, or the regency admin
    "office case page": {"party": 200, "hidden": 404, ANONYMOUS: "→login", "not_staff": 403},
    "portal case page": {"applicant": 200, "party": "→office case", "hidden": 404, ANONYMOUS: "→login"},
    "portal document": {"applicant": 200, "party": 200, "hidden": 404, ANONYMOUS: "→login"},
    "api case": {"applicant": 200, "party": 200, "hidden": 404, ANONYMOUS: 401},
    "api document": {"applicant": 200, "party": 200, "hidden": 404, ANONYMOUS: 401},
}

# Work queues hold the cases whose current owner is one of the role's units.
QUEUES = {
    "front_office": {"online", "desk", "counter", "online_routed"},
    "verifier": {"online", "desk", "counter", "online_routed"},
    "approver": {"online", "desk", "counter", "online_routed"},
    "district_officer": {"desk_routed"},
    "other_front_office": {"other_agency"},
    "other_verifier": {"other_agency"},
}
MY_CASES = {"citizen": {"online", "online_routed", "other_agency"}}
# The village front door, tab "at the agency": cases the desk opened that are elsewhere now.
VILLAGE_DESK = {
    "village_operator": {"desk", "desk_routed"},
    "village_head": {"desk", "desk_routed"},
    "other_village_operator": set(),
}

# POST /api/v1/cases/ for AGENCY-SVC: (status, channel, unit that opened it)
SUBMIT = {
    "citizen": (201, "online", None),
    "other_citizen": (201, "online", None),
    "village_operator": (201, "village", "village_office"),
    "village_head": (201, "village", "village_office"),
    "other_village_operator": (201, "village", "other_village_office"),
    "district_officer": (403, None, None),
    "other_district_officer": (403, None, None),
    "front_office": (201, "api", "agency"),
    "verifier": (403, None, None),
    "approver": (403, None, None),
    "other_front_office": (403, None, None),  # not its agency's service
    "other_verifier": (403, None, None),
    "regency_admin": (403, None, None),
    "staff_without_role": (403, None, None),
    ANONYMOUS: (401, None, None),
}

# fmt: off
FRONT_DOOR = {
    # role:                    /kantor/permohonan/baru/, its form for AGENCY-SVC, for OTHER-SVC
    "citizen":                (403,      403,      403),
    "other_citizen":          (403,      403,      403),
    "village_operator":       (200,      200,      200),
    "village_head":           (200,      200,      200),
    "other_village_operator": (200,      200,      200),
    "district_officer":       (403,      403,      403),
    "other_district_officer": (403,      403,      403),
    "front_office":           (200,      200,      403),
    "verifier":               (403,      403,      403),
    "approver":               (403,      403,      403),
    "other_front_office":     (200,      403,      200),
    "other_verifier":         (403,      403,      403),
    "regency_admin":          (403,      403,      403),
    "staff_without_role":     (403,      403,      403),
    ANONYMOUS:                ("→login", "→login", "→login"),
}
# fmt: on


# --- helpers ----------------------------------------------------------------------------------


def make_case(world, name: str) -> Case:
    service, channel, state, then, _audience = CASES[name]
    case = CaseFactory(world=world, service=service, channel=channel, state=state)
    for action in then:
        cs.CASE_VERBS[action](actor=officer_for(world, case), case=case)
        case.refresh_from_db()
    return case


def sees(role: str, case_name: str) -> bool:
    return VISIBILITY[role][AUDIENCES.index(CASES[case_name][4])]


def client_for(world, role: str) -> APIClient:
    client = APIClient()
    if role != ANONYMOUS:
        client.force_login(world.users[role])
    return client


def describe(response, case: Case | None = None):
    """The status code, or for a redirect where it leads (so tables stay readable)."""
    if response.status_code not in (301, 302):
        return response.status_code
    location = response["Location"]
    if location.startswith(reverse("accounts:login")):
        return "→login"
    if location.startswith(reverse("admin:login")):
        return "→admin login"
    if case is not None:
        if location == reverse("office:case", args=[case.tracking_code]):
            return "→office case"
        if location == reverse("portal:my_case", args=[case.tracking_code]):
            return "→portal case"
    return f"→{location}"


def codes_in(text: str, cases: dict) -> set[str]:
    return {name for name, case in cases.items() if case.tracking_code in text or case.display_code in text}


COUNTED = {
    "cases": Case,
    "events": CaseEvent,
    "audit entries": AuditEntry,
    "case documents": CaseDocument,
    "uploads": Upload,
    "parties": CaseParty,
    "notifications": Notification,
    "queued tasks": DBTaskResult,
}
CASE_POINTER = (
    "status",
    "current_step_id",
    "current_owner_id",
    "current_assignee_id",
    "event_count",
    "return_reason",
    "closed_at",
    "updated_at",
)


def snapshot(case: Case | None = None) -> dict:
    state = {name: model.objects.count() for name, model in COUNTED.items()}
    if case is not None:
        state["case row"] = Case.objects.values(*CASE_POINTER).get(pk=case.pk)
    return state


def changes(before: dict, after: dict) -> list[str]:
    return [f"{key}: {before[key]!r} -> {after[key]!r}" for key in before if before[key] != after[key]]


def error_code(response) -> str | None:
    try:
        return response.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None


def own_pdf_upload(world, role: str) -> str:
    """An upload owned by the caller, so that refusals are about the case, not the file."""
    if role == ANONYMOUS:
        return str(uuid.uuid4())
    return str(upload_store(actor=world.users[role], upload_file=pdf_file("hasil.pdf")).pk)


def action_verdict(role: str, surface: str, case_name: str, allowed: set) -> str:
    if role == ANONYMOUS:
        return ANONYMOUS
    if surface == "office" and role in NOT_STAFF:
        return "not_staff"
    if role in allowed:
        return "allowed"
    return "denied" if sees(role, case_name) else "hidden"


def view_verdict(role: str, endpoint: str, case_name: str) -> str:
    if role == ANONYMOUS:
        return ANONYMOUS
    if endpoint.startswith("office") and role in NOT_STAFF:
        return "not_staff"
    if not sees(role, case_name):
        return "hidden"
    return "applicant" if role == "citizen" else "party"


def post_action(client, surface: str, action: str, case: Case, output: str | None):
    """The action with a complete, valid payload (so a refusal can only be about who asks)."""
    note = "Alasan uji: berkas sudah diperiksa."
    if surface == "api":
        payload = {"note": note}
        if action == CaseAction.ISSUE:
            payload["output"] = output
        url = reverse(f"api:case-{action.replace('_', '-')}", args=[case.tracking_code])
        return client.post(url, payload, format="json")
    if surface == "office":
        payload = {"note": note, "request_key": uuid.uuid4().hex}
        if action == CaseAction.ISSUE:
            payload["output"] = pdf_file("hasil.pdf")
        url = reverse("office:case_action", args=[case.tracking_code, action.replace("_", "-")])
        return client.post(url, payload)
    url = reverse(PORTAL_ACTIONS[action], args=[case.tracking_code])
    return client.post(url, {"note": note, "request_key": uuid.uuid4().hex})


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
        output = own_pdf_upload(world, role) if action == CaseAction.ISSUE else None
        before = snapshot(case)
        response = post_action(client, surface, action, case, output)
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
