"""One permission layer for pages, API and admin: roles scoped to org units.

A ``Principal`` is built once per request from the user's active role assignments. Domain
policies (who may see or act on a case, who may configure the catalogue) ask it questions;
they never look at ``is_staff`` or Django model permissions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pintu.accounts.constants import AccountType, Role


@dataclass(frozen=True)
class Principal:
    user_id: int | None
    account_type: str | None
    grants: frozenset[tuple[str, int]] = field(default_factory=frozenset)  # (role, org_unit_id)
    regency_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def is_citizen(self) -> bool:
        return self.account_type == AccountType.CITIZEN

    @property
    def unit_ids(self) -> frozenset[int]:
        return frozenset(unit for _, unit in self.grants)

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(role for role, _ in self.grants)

    def has_role(self, role: str, unit_id: int | None = None) -> bool:
        if unit_id is None:
            return any(r == role for r, _ in self.grants)
        return (role, unit_id) in self.grants

    def units_with(self, *roles: str) -> frozenset[int]:
        return frozenset(unit for role, unit in self.grants if role in roles)

    @property
    def is_regency_admin(self) -> bool:
        return self.has_role(Role.REGENCY_ADMIN)

    @property
    def is_staff_member(self) -> bool:
        return bool(self.grants)


ANONYMOUS = Principal(user_id=None, account_type=None)


def principal_for(user) -> Principal:
    """The principal of a user (cached on the user object for the request)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_pintu_principal", None)
    if cached is not None:
        return cached
    from pintu.accounts.models import RoleAssignment

    rows = list(
        RoleAssignment.objects.filter(
            user_id=user.pk, revoked_at__isnull=True, org_unit__is_active=True
        ).values_list("role", "org_unit_id", "org_unit__regency_id")
    )
    principal = Principal(
        user_id=user.pk,
        account_type=user.account_type,
        grants=frozenset((role, unit) for role, unit, _ in rows),
        regency_ids=frozenset(regency for _, _, regency in rows),
    )
    user._pintu_principal = principal
    return principal


def forget_principal(user) -> None:
    if hasattr(user, "_pintu_principal"):
        del user._pintu_principal
