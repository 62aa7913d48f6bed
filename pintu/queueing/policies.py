"""Who may do what with a site's queue: the role × org-unit rules, in one place for pages and API.

* counter work (open a counter, call, serve, transfer…): counter officers and site managers of
  the site's org unit; at a village office also its village operators;
* the site overview and statistics: site managers of the site, regency admins of its regency;
* configuration (categories, counters, slots, settings): the same as the overview;
* opening a kiosk: anyone who may work a counter there;
* bookings: the citizen who made them (counter staff of the site check them in).
"""

from __future__ import annotations

from django.db.models import Q

from pintu.accounts.access import Principal
from pintu.accounts.constants import Role
from pintu.core.errors import PermissionDenied

COUNTER_ROLES = (Role.COUNTER_OFFICER, Role.SITE_MANAGER, Role.VILLAGE_OPERATOR)
MANAGER_ROLES = (Role.SITE_MANAGER,)


def _unit_and_regency(site) -> tuple[int, int]:
    unit = site.org_unit
    return unit.pk, unit.regency_id


def can_work_at(principal: Principal, site) -> bool:
    unit_id, _ = _unit_and_regency(site)
    return any(principal.has_role(role, unit_id) for role in COUNTER_ROLES)


def can_manage(principal: Principal, site) -> bool:
    unit_id, regency_id = _unit_and_regency(site)
    if principal.has_role(Role.SITE_MANAGER, unit_id):
        return True
    return principal.is_regency_admin and regency_id in principal.regency_ids


def can_view_overview(principal: Principal, site) -> bool:
    return can_manage(principal, site)


def visible_sites_filter(principal: Principal) -> Q:
    """Sites whose office pages this principal may open (counter work or overview)."""
    if not principal.is_authenticated:
        return Q(pk__in=[])
    condition = Q(org_unit_id__in=principal.units_with(*COUNTER_ROLES))
    if principal.is_regency_admin:
        condition |= Q(org_unit__regency_id__in=principal.regency_ids)
    return condition


def require(allowed: bool, message: str, code: str = "queue.forbidden") -> None:
    if not allowed:
        raise PermissionDenied(message, code=code)
