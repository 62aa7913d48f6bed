"""Reads of regions and org units."""

from __future__ import annotations

from django.conf import settings

from pintu.core.ttlcache import ttl_cache
from pintu.regions.constants import OrgUnitKind
from pintu.regions.models import District, OrgUnit, Regency, Village


def deployment_regency() -> Regency:
    return Regency.objects.get(code=settings.PINTU_REGENCY_CODE)


def village_office_for(village_id: int) -> OrgUnit | None:
    return OrgUnit.objects.filter(
        kind=OrgUnitKind.VILLAGE_OFFICE, village_id=village_id, is_active=True
    ).first()


def district_office_for(district_id: int) -> OrgUnit | None:
    return OrgUnit.objects.filter(
        kind=OrgUnitKind.DISTRICT_OFFICE, district_id=district_id, is_active=True
    ).first()


def villages_of_regency(regency_code: str | None = None):
    code = regency_code or settings.PINTU_REGENCY_CODE
    return (
        Village.objects.filter(district__regency__code=code)
        .select_related("district")
        .order_by("district__name", "name")
    )


@ttl_cache(60)
def unit_name(unit_id: int) -> str:
    return OrgUnit.objects.filter(pk=unit_id).values_list("name", flat=True).first() or ""


@ttl_cache(300)
def district_exists(code: str) -> bool:
    """Whether a kecamatan code is known (NIK checks; cached: codes change once an edition)."""
    return District.objects.filter(code=code).exists()


@ttl_cache(300)
def village_exists(village_id: int) -> bool:
    return Village.objects.filter(pk=village_id).exists()
