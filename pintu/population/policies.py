"""Who may see and change which residents: role × org unit, in one place for pages and API.

- village operator, head and secretary of a village office: full records of that village's
  residents, and every write (register, events, import/export, link verification);
- camat / district officer: aggregates of the kecamatan's villages and lists with masked NIK
  (no full record, no addresses);
- regency admin: aggregates regency-wide and masked search (no full record);
- agency roles, counter officers, site managers, village treasurer: nothing personal here
  (agencies see what an applicant submits with a case; a registry lookup for agencies would be
  an explicit, logged service of its own — not built).
"""

from __future__ import annotations

from django.db.models import Q

from pintu.accounts.access import Principal
from pintu.accounts.constants import Role
from pintu.core.ttlcache import ttl_cache

RECORD_ROLES = (Role.VILLAGE_OPERATOR, Role.VILLAGE_HEAD, Role.VILLAGE_SECRETARY)
ACCESS_LOG_ROLES = (Role.VILLAGE_HEAD, Role.VILLAGE_SECRETARY)


@ttl_cache(60)
def _villages_of_units(unit_ids: frozenset[int]) -> frozenset[int]:
    from pintu.regions.models import OrgUnit

    return frozenset(
        v
        for v in OrgUnit.objects.filter(pk__in=unit_ids, village__isnull=False, is_active=True).values_list(
            "village_id", flat=True
        )
    )


@ttl_cache(60)
def _villages_of_district_units(unit_ids: frozenset[int]) -> frozenset[int]:
    from pintu.regions.models import OrgUnit, Village

    districts = OrgUnit.objects.filter(pk__in=unit_ids, district__isnull=False, is_active=True).values(
        "district_id"
    )
    return frozenset(Village.objects.filter(district_id__in=districts).values_list("pk", flat=True))


@ttl_cache(60)
def _regencies_of_units(unit_ids: frozenset[int]) -> frozenset[int]:
    from pintu.regions.models import OrgUnit

    return frozenset(OrgUnit.objects.filter(pk__in=unit_ids).values_list("regency_id", flat=True))


@ttl_cache(60)
def _villages_of_regencies(regency_ids: frozenset[int]) -> frozenset[int]:
    from pintu.regions.models import Village

    return frozenset(
        Village.objects.filter(district__regency_id__in=regency_ids).values_list("pk", flat=True)
    )


def record_village_ids(principal: Principal) -> frozenset[int]:
    """Villages whose residents' full records this principal may see and change."""
    units = principal.units_with(*RECORD_ROLES)
    return _villages_of_units(units) if units else frozenset()


def access_log_village_ids(principal: Principal) -> frozenset[int]:
    units = principal.units_with(*ACCESS_LOG_ROLES)
    return _villages_of_units(units) if units else frozenset()


def masked_village_ids(principal: Principal) -> frozenset[int]:
    """Villages whose residents this principal may list with masked NIK (camat, regency)."""
    result = set()
    district_units = principal.units_with(Role.DISTRICT_OFFICER)
    if district_units:
        result |= _villages_of_district_units(district_units)
    if principal.is_regency_admin:
        result |= _villages_of_regencies(_regencies_of_units(principal.units_with(Role.REGENCY_ADMIN)))
    return frozenset(result) - record_village_ids(principal)


def statistics_village_ids(principal: Principal) -> frozenset[int]:
    return record_village_ids(principal) | masked_village_ids(principal)


def can_edit(principal: Principal, village_id: int) -> bool:
    return village_id in record_village_ids(principal)


def can_view_record(principal: Principal, village_id: int) -> bool:
    return village_id in record_village_ids(principal)


def can_view_list(principal: Principal, village_id: int) -> bool:
    return village_id in record_village_ids(principal) or village_id in masked_village_ids(principal)


def can_view_statistics(principal: Principal, village_id: int) -> bool:
    return can_view_list(principal, village_id)


def can_view_access_log(principal: Principal, village_id: int) -> bool:
    return village_id in access_log_village_ids(principal) or (
        principal.is_regency_admin and village_id in masked_village_ids(principal)
    )


def visible_residents_filter(principal: Principal) -> Q:
    villages = record_village_ids(principal) | masked_village_ids(principal)
    return Q(village_id__in=villages) if villages else Q(pk__in=[])


def mask_nik(nik: str) -> str:
    """3510********0001: region and serial kept, the birth date hidden."""
    if len(nik) != 16:
        return "*" * len(nik)
    return f"{nik[:4]}{'*' * 8}{nik[12:]}"
