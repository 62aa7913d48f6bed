"""A letter request's workflow as data: which action moves a request from which status, and
who may take it. ``services._transition`` applies one row; the tests enumerate the table."""

from __future__ import annotations

from dataclasses import dataclass

from pintu.letters.constants import RequestAction as A
from pintu.letters.constants import RequestStatus as S


class Actor:
    CITIZEN = "citizen"  # the linked citizen who made the request
    STAFF = "staff"  # operator, sekdes or kepala desa of the request's village office
    SIGNER = "signer"  # the kepala desa (or the sekdes for types the sekdes signs a.n.)


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    actor: str
    note_required: bool = False


def _t(action, sources, target, actor, note_required=False) -> Transition:
    return Transition(action, frozenset(sources), target, actor, note_required)


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        _t(A.CHECK, [S.REQUESTED], S.CHECKED, Actor.STAFF),
        _t(A.RETURN, [S.REQUESTED, S.CHECKED], S.RETURNED, Actor.STAFF, note_required=True),
        _t(A.RESUBMIT, [S.RETURNED], S.REQUESTED, Actor.CITIZEN),
        _t(A.REJECT, [S.REQUESTED, S.CHECKED, S.RETURNED], S.REJECTED, Actor.STAFF, note_required=True),
        _t(A.APPROVE, [S.CHECKED], S.ISSUED, Actor.SIGNER),
        _t(A.WITHDRAW, [S.REQUESTED, S.RETURNED, S.CHECKED], S.WITHDRAWN, Actor.CITIZEN),
    )
}
