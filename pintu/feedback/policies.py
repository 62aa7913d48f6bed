"""Who may see and act on surveys' results and on complaints: role × org unit, in one place."""

from __future__ import annotations

from django.db.models import Q

from pintu.accounts.access import Principal
from pintu.accounts.constants import AGENCY_ROLES, VILLAGE_ROLES, Role
from pintu.feedback.models import Complaint
from pintu.feedback.workflow import TRANSITIONS, Actor, Transition

# Staff who may open the kiosk survey tablet at their unit (an MPP site or a village office),
# and who may record a complaint at the counter on a citizen's behalf.
KIOSK_ROLES = (Role.SITE_MANAGER, Role.COUNTER_OFFICER, Role.AGENCY_FRONT_OFFICE, *VILLAGE_ROLES)
COUNTER_ROLES = (Role.COUNTER_OFFICER, Role.SITE_MANAGER, Role.AGENCY_FRONT_OFFICE, *VILLAGE_ROLES)


# --- survey results ---------------------------------------------------------------------------


def report_scope(principal: Principal) -> Q | None:
    """The survey responses a principal may aggregate (None: none at all)."""
    if not principal.is_authenticated:
        return None
    if principal.is_regency_admin:
        return Q(agency__regency_id__in=principal.regency_ids)
    condition = Q(pk__in=[])
    agencies = principal.units_with(*AGENCY_ROLES)
    sites = principal.units_with(Role.SITE_MANAGER)
    if not agencies and not sites:
        return None
    if agencies:
        condition |= Q(agency_id__in=agencies)
    if sites:
        condition |= Q(site_id__in=sites)
    return condition


def can_open_kiosk(principal: Principal, unit_id: int) -> bool:
    return any(principal.has_role(role, unit_id) for role in KIOSK_ROLES)


# --- complaints ---------------------------------------------------------------------------------


def visible_complaints_filter(principal: Principal) -> Q:
    if not principal.is_authenticated:
        return Q(pk__in=[])
    condition = Q(reporter_user_id=principal.user_id)
    agencies = principal.units_with(*AGENCY_ROLES)
    if agencies:
        condition |= Q(agency_id__in=agencies)
    if principal.is_regency_admin:
        condition |= Q(regency_id__in=principal.regency_ids)
    return condition


def handled_complaints_filter(principal: Principal) -> Q:
    """Complaints this principal handles as staff (not as a reporter)."""
    condition = Q(pk__in=[])
    agencies = principal.units_with(*AGENCY_ROLES)
    if agencies:
        condition |= Q(agency_id__in=agencies)
    if principal.is_regency_admin:
        condition |= Q(regency_id__in=principal.regency_ids)
    return condition


def is_reporter(principal: Principal, complaint: Complaint) -> bool:
    return principal.is_authenticated and complaint.reporter_user_id == principal.user_id


def can_view_complaint(principal: Principal, complaint: Complaint) -> bool:
    if not principal.is_authenticated:
        return False
    if is_reporter(principal, complaint):
        return True
    if principal.is_regency_admin and complaint.regency_id in principal.regency_ids:
        return True
    return complaint.agency_id is not None and bool(
        principal.units_with(*AGENCY_ROLES) & {complaint.agency_id}
    )


def can_see_reporter(principal: Principal, complaint: Complaint) -> bool:
    """Staff see the reporter's name and contact unless the reporter asked to stay anonymous."""
    if is_reporter(principal, complaint):
        return True
    return not complaint.is_anonymous and can_view_complaint(principal, complaint)


def acting_unit(
    principal: Principal, complaint: Complaint, transition: Transition
) -> tuple[bool, int | None]:
    """(allowed, org unit the actor acts for)."""
    if transition.actor == Actor.SYSTEM:
        return False, None
    if transition.actor == Actor.REPORTER:
        return is_reporter(principal, complaint), None
    if not principal.is_authenticated:
        return False, None
    admin_units = principal.units_with(Role.REGENCY_ADMIN)
    is_admin = bool(admin_units) and complaint.regency_id in principal.regency_ids
    if transition.actor == Actor.TRIAGE:
        if complaint.agency_id is None and is_admin:
            return True, min(admin_units)
        return False, None
    # Actor.AGENCY
    if complaint.agency_id is None:
        return False, None
    for role in AGENCY_ROLES:
        if principal.has_role(role, complaint.agency_id):
            return True, complaint.agency_id
    if is_admin and transition.action in ("transfer", "reject"):
        return True, min(admin_units)
    return False, None


def allowed_actions(principal: Principal, complaint: Complaint) -> list[str]:
    actions = []
    for action, transition in TRANSITIONS.items():
        if complaint.status not in transition.sources or transition.actor == Actor.REPORTER:
            continue
        allowed, _ = acting_unit(principal, complaint, transition)
        if allowed:
            actions.append(action)
    return actions


def can_rate(principal: Principal, complaint: Complaint, *, holds_code: bool) -> bool:
    """The reporter rates the answer: logged in as the reporter, or — for a complaint made
    without an account — by holding its tracking code (given only to the reporter)."""
    if is_reporter(principal, complaint):
        return True
    return holds_code and complaint.reporter_user_id is None
