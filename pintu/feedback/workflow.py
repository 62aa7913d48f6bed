"""The complaint workflow as data (SP4N-LAPOR clocks): which action moves a complaint from which
status, who may take it, and which clock it starts. ``services._apply`` is the only caller."""

from __future__ import annotations

from dataclasses import dataclass

from pintu.feedback.constants import ComplaintAction as A
from pintu.feedback.constants import ComplaintStatus as S


class Actor:
    AGENCY = "agency"  # an agency role at the complaint's agency (or the regency admin)
    TRIAGE = "triage"  # the regency admin (complaints without an agency)
    REPORTER = "reporter"  # the reporter (logged in, or holding the tracking code)
    SYSTEM = "system"  # the periodic task


class Clock:
    VERIFY = "verify"  # 3 working days from submission/transfer
    ANSWER = "answer"  # 5 working days from verification (or from a reopening)
    CLOSE = "close"  # 10 working days from the answer
    NONE = "none"  # terminal


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    actor: str
    clock: str
    note_required: bool = False


def _t(action, sources, target, actor, clock, note_required=False) -> Transition:
    return Transition(action, frozenset(sources), target, actor, clock, note_required)


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        _t(A.ROUTE, [S.SUBMITTED], S.SUBMITTED, Actor.TRIAGE, Clock.VERIFY),
        _t(
            A.TRANSFER, [S.SUBMITTED, S.VERIFIED], S.SUBMITTED, Actor.AGENCY, Clock.VERIFY, note_required=True
        ),
        _t(A.VERIFY, [S.SUBMITTED], S.VERIFIED, Actor.AGENCY, Clock.ANSWER),
        _t(A.ANSWER, [S.VERIFIED], S.ANSWERED, Actor.AGENCY, Clock.CLOSE, note_required=True),
        _t(A.REJECT, [S.SUBMITTED, S.VERIFIED], S.REJECTED, Actor.AGENCY, Clock.NONE, note_required=True),
        _t(A.RATE_SATISFIED, [S.ANSWERED], S.CLOSED, Actor.REPORTER, Clock.NONE),
        _t(A.RATE_UNSATISFIED, [S.ANSWERED], S.VERIFIED, Actor.REPORTER, Clock.ANSWER),
        _t(A.AUTO_CLOSE, [S.ANSWERED], S.CLOSED, Actor.SYSTEM, Clock.NONE),
    )
}

# Ratings: 1–5; 1–2 count as unsatisfied (reopen), 3–5 as satisfied (close).
SATISFIED_FROM = 3


def transition_for(action: str) -> Transition | None:
    return TRANSITIONS.get(action)
