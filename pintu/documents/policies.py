"""Who may see, download and revoke issued documents (role × issuing org unit)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from pintu.accounts.access import Principal
from pintu.accounts.constants import Role
from pintu.documents.issued import IssuedDocument

# The officials who sign for a unit; they (and the regency admin) may revoke its documents.
REVOKER_ROLES = (Role.AGENCY_APPROVER, Role.VILLAGE_HEAD, Role.DISTRICT_OFFICER)
# Staff of the issuing unit who may see the register and download the stored PDF.
VIEWER_ROLES = (
    Role.VILLAGE_OPERATOR,
    Role.VILLAGE_HEAD,
    Role.VILLAGE_SECRETARY,
    Role.DISTRICT_OFFICER,
    Role.AGENCY_FRONT_OFFICE,
    Role.AGENCY_VERIFIER,
    Role.AGENCY_APPROVER,
    Role.COUNTER_OFFICER,
)


def _admin_of(principal: Principal, document: IssuedDocument) -> bool:
    return principal.is_regency_admin and document.issuer_unit.regency_id in principal.regency_ids


def can_view_document(principal: Principal, document: IssuedDocument) -> bool:
    if not principal.is_authenticated:
        return False
    if document.issuer_unit_id in principal.units_with(*VIEWER_ROLES):
        return True
    return _admin_of(principal, document)


def can_revoke_document(principal: Principal, document: IssuedDocument) -> bool:
    if not principal.is_authenticated:
        return False
    if document.issuer_unit_id in principal.units_with(*REVOKER_ROLES):
        return True
    return _admin_of(principal, document)


def visible_documents(principal: Principal, queryset: QuerySet | None = None) -> QuerySet:
    queryset = queryset if queryset is not None else IssuedDocument.objects.all()
    if not principal.is_authenticated:
        return queryset.none()
    condition = Q(issuer_unit_id__in=principal.units_with(*VIEWER_ROLES))
    if principal.is_regency_admin:
        condition |= Q(issuer_unit__regency_id__in=principal.regency_ids)
    return queryset.filter(condition)


def may_use_register(principal: Principal) -> bool:
    return principal.is_regency_admin or bool(principal.units_with(*VIEWER_ROLES))
