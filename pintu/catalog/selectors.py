"""Reads of the catalogue."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q

from pintu.catalog.models import DocumentRequirement, FormField, Service, ServiceVersion, WorkflowStep
from pintu.core.errors import NotFound
from pintu.core.ttlcache import ttl_cache
from pintu.regions.constants import OrgUnitKind
from pintu.regions.models import OrgUnit


def catalogue_services(
    *, query: str = "", agency_code: str = "", category: str = "", village_only: bool = False
):
    """Published, active services, optionally filtered; one query with the agency and version."""
    services = (
        Service.objects.filter(is_active=True, published_version__isnull=False)
        .select_related("agency", "published_version")
        .only(
            "code",
            "name",
            "category",
            "summary",
            "keywords",
            "starts_at_village",
            "agency__code",
            "agency__name",
            "agency__short_name",
            "published_version__time_limit_days",
            "published_version__fee",
            "published_version__number",
        )
        .order_by("name")
    )
    for term in (query or "").split():
        services = services.filter(
            Q(name__icontains=term)
            | Q(summary__icontains=term)
            | Q(keywords__icontains=term)
            | Q(agency__name__icontains=term)
            | Q(agency__short_name__icontains=term)
        )
    if agency_code:
        services = services.filter(agency__code=agency_code)
    if category:
        services = services.filter(category=category)
    if village_only:
        services = services.filter(starts_at_village=True)
    return services


def catalogue_agencies():
    """Agencies with at least one published service, with their counts."""
    return (
        OrgUnit.objects.filter(kind=OrgUnitKind.AGENCY, is_active=True)
        .annotate(
            service_count=Count(
                "services", filter=Q(services__is_active=True, services__published_version__isnull=False)
            )
        )
        .filter(service_count__gt=0)
        .order_by("name")
    )


def catalogue_categories() -> list[str]:
    return list(
        Service.objects.filter(is_active=True, published_version__isnull=False)
        .order_by("category")
        .values_list("category", flat=True)
        .distinct()
    )


def version_with_details(version_id: int) -> ServiceVersion:
    return (
        ServiceVersion.objects.select_related("service__agency")
        .prefetch_related(
            Prefetch("form_fields", queryset=FormField.objects.order_by("position")),
            Prefetch(
                "document_requirements",
                queryset=DocumentRequirement.objects.select_related("document_type").order_by("position"),
            ),
            Prefetch("steps", queryset=WorkflowStep.objects.order_by("position")),
        )
        .get(pk=version_id)
    )


@ttl_cache(60)
def published_version(version_id: int) -> ServiceVersion:
    """A published (immutable) version with its form, documents and steps, cached per process.

    Only the version's own rows are immutable; its document types may change, so the copy is
    refreshed every minute. Do not read ``version.service`` from it (service data may change).
    """
    return version_with_details(version_id)


@ttl_cache(60)
def service_labels(service_id: int) -> tuple[str, str]:
    """(service name, agency name) for public pages."""
    return Service.objects.filter(pk=service_id).values_list("name", "agency__name").get()


def published_service(code: str) -> tuple[Service, ServiceVersion]:
    service = Service.objects.select_related("agency").filter(code=code, is_active=True).first()
    if service is None or service.published_version_id is None:
        raise NotFound("Layanan tidak ditemukan atau belum diterbitkan.", code="catalog.service_not_found")
    return service, version_with_details(service.published_version_id)
