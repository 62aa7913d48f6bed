"""Tables and helpers of the role × org-unit permission matrix (see tests/test_permissions.py).

Read the tables first; the tests only walk them:

- ``CASES``       — the cases the matrix is played on (how each is made, whose audience it has);
- ``VISIBILITY``  — who may see which case (role × audience);
- ``ACTIONS``     — who may take which action on which case (everyone else is refused);
- ``RESPONSES`` / ``VIEW_RESPONSES`` — what "allowed", "refused", "not yours" look like on each
  surface (API, office pages, portal pages);
- ``QUEUES``, ``MY_CASES``, ``VILLAGE_DESK``, ``SUBMIT``, ``FRONT_DOOR`` — lists and submission.
"""

from __future__ import annotations

import uuid

from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from rest_framework.test import APIClient

from pintu.audit.models import AuditEntry
from pintu.cases import services as cs
from pintu.cases.models import Case, CaseDocument, CaseEvent, CaseParty
from pintu.documents.models import DocumentSequence, IssuedDocument, Upload
from pintu.documents.services import upload_store
from pintu.notifications.models import Notification
from tests.factories import CaseFactory, officer_for, pdf_file

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
    "issued documents": IssuedDocument,
    "number sequences": DocumentSequence,
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


def post_action(client, surface: str, action: str, case: Case):
    """The action with a complete, valid payload (so a refusal can only be about who asks)."""
    note = "Alasan uji: berkas sudah diperiksa."
    if surface == "api":
        payload = {"note": note}
        url = reverse(f"api:case-{action.replace('_', '-')}", args=[case.tracking_code])
        return client.post(url, payload, format="json")
    if surface == "office":
        payload = {"note": note, "request_key": uuid.uuid4().hex}
        url = reverse("office:case_action", args=[case.tracking_code, action.replace("_", "-")])
        return client.post(url, payload)
    url = reverse(PORTAL_ACTIONS[action], args=[case.tracking_code])
    return client.post(url, {"note": note, "request_key": uuid.uuid4().hex})
