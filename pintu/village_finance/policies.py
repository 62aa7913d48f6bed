"""Who may see and do what in village finance: role × org unit, in one place for pages and API."""

from __future__ import annotations

from django.db.models import Q

from pintu.accounts.access import Principal
from pintu.accounts.constants import Role
from pintu.core.errors import NotFound, PermissionDenied
from pintu.regions.constants import OrgUnitKind
from pintu.regions.models import OrgUnit, Village
from pintu.village_finance.workflow import Scope

VILLAGE_FINANCE_ROLES = (
    Role.VILLAGE_TREASURER,
    Role.VILLAGE_SECRETARY,
    Role.VILLAGE_HEAD,
    Role.VILLAGE_OPERATOR,
)
DRAFTER = (Role.VILLAGE_TREASURER,)
BOOKKEEPER = (Role.VILLAGE_TREASURER,)
OVERSIGHT_ROLES = (Role.DISTRICT_OFFICER, Role.REGENCY_ADMIN)


def village_filter(principal: Principal, prefix: str = "") -> Q:
    """Villages whose finance this principal may read (as a Q on ``<prefix>`` = a Village)."""
    if not principal.is_authenticated or not principal.grants:
        return Q(pk__in=[])
    p = prefix
    units = OrgUnit.objects.filter(pk__in=principal.unit_ids)
    village_ids = [
        u.village_id
        for u in units
        if u.kind == OrgUnitKind.VILLAGE_OFFICE and _has_any(principal, u.pk, VILLAGE_FINANCE_ROLES)
    ]
    district_ids = [
        u.district_id
        for u in units
        if u.kind == OrgUnitKind.DISTRICT_OFFICE and principal.has_role(Role.DISTRICT_OFFICER, u.pk)
    ]
    regency_ids = [
        u.regency_id
        for u in units
        if u.kind == OrgUnitKind.REGENCY_GOVERNMENT and principal.has_role(Role.REGENCY_ADMIN, u.pk)
    ]
    condition = Q(**{f"{p}pk__in": village_ids}) if village_ids else Q(pk__in=[])
    if district_ids:
        condition |= Q(**{f"{p}district_id__in": district_ids})
    if regency_ids:
        condition |= Q(**{f"{p}district__regency_id__in": regency_ids})
    return condition


def _has_any(principal: Principal, unit_id: int, roles) -> bool:
    return any(principal.has_role(r, unit_id) for r in roles)


def unit_for(village: Village, scope: str) -> OrgUnit | None:
    if scope == Scope.VILLAGE:
        return OrgUnit.objects.filter(
            kind=OrgUnitKind.VILLAGE_OFFICE, village_id=village.pk, is_active=True
        ).first()
    if scope == Scope.DISTRICT:
        return OrgUnit.objects.filter(
            kind=OrgUnitKind.DISTRICT_OFFICE, district_id=village.district_id, is_active=True
        ).first()
    if scope == Scope.REGENCY:
        return OrgUnit.objects.filter(
            kind=OrgUnitKind.REGENCY_GOVERNMENT, regency_id=village.district.regency_id, is_active=True
        ).first()
    return None


def acting_unit(principal: Principal, village: Village, scope: str, roles) -> OrgUnit | None:
    """The unit the principal acts for, or None when not allowed."""
    if not principal.is_authenticated:
        return None
    unit = unit_for(village, scope)
    if unit is None or not _has_any(principal, unit.pk, roles):
        return None
    return unit


def can_view_village(principal: Principal, village: Village) -> bool:
    return Village.objects.filter(village_filter(principal), pk=village.pk).exists()


def require_view(principal: Principal, village: Village) -> None:
    if not can_view_village(principal, village):
        # Villages one may not see do not exist for them.
        raise NotFound()


def require_village_role(principal: Principal, village: Village, roles, message=None) -> OrgUnit:
    unit = acting_unit(principal, village, Scope.VILLAGE, roles)
    if unit is None:
        raise PermissionDenied(message) if message else PermissionDenied()
    return unit


def village_roles(principal: Principal, village: Village) -> frozenset[str]:
    unit = unit_for(village, Scope.VILLAGE)
    if unit is None:
        return frozenset()
    return frozenset(r for r, u in principal.grants if u == unit.pk)
