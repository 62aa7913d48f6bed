"""Who may see and act on a case: the role × org-unit rules, in one place for pages and API."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from pintu.accounts.access import Principal
from pintu.accounts.constants import VILLAGE_ROLES, Role
from pintu.cases.models import Case, CaseParty
from pintu.cases.workflow import TRANSITIONS, Actor, Transition, step_allows

ON_BEHALF_ROLES = (*VILLAGE_ROLES, Role.AGENCY_FRONT_OFFICE, Role.COUNTER_OFFICER)


def visible_cases_filter(principal: Principal) -> Q:
    if not principal.is_authenticated:
        return Q(pk__in=[])
    condition = Q(applicant_user_id=principal.user_id)
    if principal.unit_ids:
        condition |= Q(
            Exists(CaseParty.objects.filter(case_id=OuterRef("pk"), org_unit_id__in=principal.unit_ids))
        )
    if principal.is_regency_admin:
        condition |= Q(agency__regency_id__in=principal.regency_ids)
    return condition


def visible_cases(principal: Principal, queryset: QuerySet | None = None) -> QuerySet:
    queryset = queryset if queryset is not None else Case.objects.all()
    return queryset.filter(visible_cases_filter(principal))


def can_view_case(principal: Principal, case: Case) -> bool:
    if not principal.is_authenticated:
        return False
    if case.applicant_user_id == principal.user_id:
        return True
    if principal.is_regency_admin and case.agency.regency_id in principal.regency_ids:
        return True
    if not principal.unit_ids:
        return False
    return CaseParty.objects.filter(case_id=case.pk, org_unit_id__in=principal.unit_ids).exists()


def acting_unit(principal: Principal, case: Case, transition: Transition) -> tuple[bool, int | None]:
    """(allowed, org unit the actor acts for). The unit is None for the applicant in person."""
    if not principal.is_authenticated:
        return False, None
    if transition.actor == Actor.STEP:
        step = case.current_step
        if step is None or case.current_owner_id is None:
            return False, None
        allowed = principal.has_role(step.role, case.current_owner_id)
        return allowed, case.current_owner_id if allowed else None
    if transition.actor == Actor.APPLICANT:
        if case.applicant_user_id is not None and case.applicant_user_id == principal.user_id:
            return True, None
        unit = case.opened_by_unit_id
        if unit and any(principal.has_role(role, unit) for role in ON_BEHALF_ROLES):
            return True, unit
        return False, None
    if transition.actor == Actor.HANDOVER:
        unit = case.current_owner_id
        allowed = bool(unit) and any(principal.has_role(role, unit) for role in VILLAGE_ROLES)
        return allowed, unit if allowed else None
    return False, None


def allowed_actions(principal: Principal, case: Case) -> list[str]:
    """Actions this principal may take on the case now (for buttons and the API's links)."""
    step_kind = case.current_step.kind if case.current_step_id else None
    actions = []
    for action, transition in TRANSITIONS.items():
        if case.status not in transition.sources or not step_allows(transition, step_kind):
            continue
        if action == "claim" and case.current_assignee_id == principal.user_id:
            continue
        allowed, _ = acting_unit(principal, case, transition)
        if allowed:
            actions.append(action)
    return actions
