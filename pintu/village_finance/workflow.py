"""The APBDes cycle as data: which action moves a budget version from which status, who takes it.

Every status change goes through one row of this table (``services._transition``) and inserts a
:class:`BudgetEvent`; the tests enumerate the table.
"""

from __future__ import annotations

from dataclasses import dataclass

from pintu.accounts.constants import Role
from pintu.village_finance.constants import BudgetAction as A
from pintu.village_finance.constants import BudgetStatus as S


class Scope:
    VILLAGE = "village"  # a role at the village's office
    DISTRICT = "district"  # a role at the village's kecamatan office
    REGENCY = "regency"  # a role at the regency government
    SYSTEM = "system"  # the evaluation clock (no person)


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    scope: str
    roles: frozenset[str]
    checks_rules: bool = False
    note_required: bool = False


def _t(action, sources, target, scope, roles, checks_rules=False, note_required=False) -> Transition:
    return Transition(
        action, frozenset(sources), target, scope, frozenset(roles), checks_rules, note_required
    )


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        _t(A.AGREE, [S.DRAFT], S.AGREED, Scope.VILLAGE, [Role.VILLAGE_HEAD], checks_rules=True),
        _t(
            A.SUBMIT,
            [S.AGREED],
            S.SUBMITTED,
            Scope.VILLAGE,
            [Role.VILLAGE_TREASURER, Role.VILLAGE_HEAD],
            checks_rules=True,
        ),
        _t(A.FORWARD, [S.SUBMITTED], S.IN_EVALUATION, Scope.DISTRICT, [Role.DISTRICT_OFFICER]),
        # The regency's evaluator; REGENCY_ADMIN until a dedicated evaluator role exists.
        _t(A.APPROVE, [S.IN_EVALUATION], S.EVALUATED, Scope.REGENCY, [Role.REGENCY_ADMIN]),
        _t(A.RETURN, [S.IN_EVALUATION], S.RETURNED, Scope.REGENCY, [Role.REGENCY_ADMIN], note_required=True),
        _t(
            A.RESUBMIT,
            [S.RETURNED],
            S.IN_EVALUATION,
            Scope.VILLAGE,
            [Role.VILLAGE_TREASURER, Role.VILLAGE_HEAD],
            checks_rules=True,
        ),
        _t(A.LAPSE, [S.IN_EVALUATION], S.EVALUATED, Scope.SYSTEM, []),
        _t(A.ADOPT, [S.EVALUATED], S.ADOPTED, Scope.VILLAGE, [Role.VILLAGE_HEAD]),
    )
}
