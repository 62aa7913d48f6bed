"""The case workflow as data: which action may move a case from which status, who may take it,
on which kind of step, and what it does to the case's position.

Every change of a case goes through one row of this table (see ``services._apply``); the
table is what the tests enumerate.
"""

from __future__ import annotations

from dataclasses import dataclass

from pintu.cases.constants import CaseAction as A
from pintu.cases.constants import CaseStatus as S
from pintu.catalog.constants import StepKind as K


class Actor:
    STEP = "step"  # holds the current step's role at the unit that owns the step
    APPLICANT = "applicant"  # the applicant, or the village office that opened the case for them
    HANDOVER = "handover"  # a village role at the office that hands the output over


class Effect:
    ASSIGN = "assign"  # take the case into "my" queue; status unchanged
    STAY = "stay"  # status changes, step does not
    ADVANCE = "advance"  # move to the next step, resolve its owner, restart the step clock
    PAUSE = "pause"  # back to the applicant: stop the clock
    RESUME = "resume"  # applicant answered: restart the clock, extended by the pause
    ISSUE = "issue"  # output recorded: hand-over at the village, or completed
    CLOSE = "close"  # terminal


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str | None  # None: same status (ASSIGN) or decided by the effect (ISSUE)
    actor: str
    effect: str
    step_kinds: frozenset[str] | None = None
    note_required: bool = False


def _t(action, sources, target, actor, effect, step_kinds=None, note_required=False) -> Transition:
    return Transition(
        action=action,
        sources=frozenset(sources),
        target=target,
        actor=actor,
        effect=effect,
        step_kinds=frozenset(step_kinds) if step_kinds else None,
        note_required=note_required,
    )


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        _t(A.CLAIM, [S.IN_PROGRESS, S.VERIFIED], None, Actor.STEP, Effect.ASSIGN),
        _t(A.VERIFY, [S.IN_PROGRESS], S.VERIFIED, Actor.STEP, Effect.STAY, [K.REVIEW]),
        _t(A.FORWARD, [S.VERIFIED], S.IN_PROGRESS, Actor.STEP, Effect.ADVANCE, [K.REVIEW]),
        _t(A.APPROVE, [S.IN_PROGRESS, S.VERIFIED], S.IN_PROGRESS, Actor.STEP, Effect.ADVANCE, [K.APPROVAL]),
        _t(A.RETURN, [S.IN_PROGRESS, S.VERIFIED], S.RETURNED, Actor.STEP, Effect.PAUSE, note_required=True),
        _t(A.RESUBMIT, [S.RETURNED], S.IN_PROGRESS, Actor.APPLICANT, Effect.RESUME),
        _t(
            A.REJECT,
            [S.IN_PROGRESS, S.VERIFIED, S.RETURNED],
            S.REJECTED,
            Actor.STEP,
            Effect.CLOSE,
            [K.REVIEW, K.APPROVAL],
            note_required=True,
        ),
        _t(A.ISSUE, [S.IN_PROGRESS], None, Actor.STEP, Effect.ISSUE, [K.ISSUANCE]),
        _t(A.HAND_OVER, [S.READY_FOR_HANDOVER], S.COMPLETED, Actor.HANDOVER, Effect.CLOSE),
        _t(A.WITHDRAW, [S.IN_PROGRESS, S.VERIFIED, S.RETURNED], S.WITHDRAWN, Actor.APPLICANT, Effect.CLOSE),
    )
}


def transition_for(action: str) -> Transition | None:
    return TRANSITIONS.get(action)


def step_allows(transition: Transition, step_kind: str | None) -> bool:
    return transition.step_kinds is None or step_kind in transition.step_kinds
