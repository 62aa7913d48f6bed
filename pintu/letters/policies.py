"""Who may do what with village letters: role × village office, in one place for pages and API."""

from __future__ import annotations

from pintu.accounts.access import Principal
from pintu.accounts.constants import Role
from pintu.letters.constants import LETTER_STAFF_ROLES, SignerKind
from pintu.letters.workflow import Actor, Transition


def staff_offices(principal: Principal) -> frozenset[int]:
    """Village offices where this person works with letters (operator, sekdes, kepala desa)."""
    return principal.units_with(*LETTER_STAFF_ROLES)


def can_issue(principal: Principal, office_id: int) -> bool:
    return any(principal.has_role(role, office_id) for role in LETTER_STAFF_ROLES)


def can_sign(principal: Principal, office_id: int, signer_kind: str) -> bool:
    """The kepala desa signs every letter; the sekdes signs a.n. the types configured for it."""
    if principal.has_role(Role.VILLAGE_HEAD, office_id):
        return True
    return signer_kind == SignerKind.SECRETARY and principal.has_role(Role.VILLAGE_SECRETARY, office_id)


def can_revoke(principal: Principal, office_id: int) -> bool:
    return principal.has_role(Role.VILLAGE_HEAD, office_id) or principal.has_role(
        Role.VILLAGE_SECRETARY, office_id
    )


def can_configure(principal: Principal, office_id: int) -> bool:
    return principal.has_role(Role.VILLAGE_HEAD, office_id)


def can_manage_types(principal: Principal) -> bool:
    return principal.is_regency_admin


def can_view_letter(principal: Principal, letter, *, linked_resident_id: int | None = None) -> bool:
    if not principal.is_authenticated:
        return False
    if can_issue(principal, letter.office_id):
        return True
    return linked_resident_id is not None and letter.resident_id == linked_resident_id


def can_view_request(principal: Principal, request) -> bool:
    if not principal.is_authenticated:
        return False
    return request.requested_by_id == principal.user_id or can_issue(principal, request.office_id)


def may_take(principal: Principal, request, transition: Transition, *, signer_kind: str) -> bool:
    if transition.actor == Actor.CITIZEN:
        return request.requested_by_id == principal.user_id
    if transition.actor == Actor.STAFF:
        return can_issue(principal, request.office_id)
    if transition.actor == Actor.SIGNER:
        return can_sign(principal, request.office_id, signer_kind)
    return False
