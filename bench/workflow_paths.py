"""The histories a case can have, derived from a service version's workflow steps and the product's
transition table (``pintu.cases.workflow``), for the bulk generator.

For each published version and channel group (through a village office or not) this yields every
*variant* path as event rows, and the *endings* a generated case may stop at (after how many
events, with which pointers, how likely among open or among closed cases). A path is what
``services._apply`` would record: verify then forward on a review step, approve on an approval
step, issue on the issuance step (then hand-over at the village office for the village channel);
and the detours: a return answered by a resubmission, a return still waiting, a claim, a
rejection, a withdrawal.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass, replace

# Share of closed endings.
CLOSED_COMPLETED = 0.88
CLOSED_COMPLETED_AFTER_RETURN = 0.04
CLOSED_REJECTED = 0.05
CLOSED_WITHDRAWN = 0.03
# Relative weights of where an open case waits.
OPEN_AT_STEP = 1.0
OPEN_VERIFIED = 0.5
OPEN_CLAIMED = 0.4
OPEN_RETURNED = 0.25
OPEN_READY_FOR_HANDOVER = 1.2
HANDOVER_SLA_DAYS = 3  # pintu.cases.services.HANDOVER_SLA_DAYS

RETURN_NOTES = [
    "Foto KTP-el buram; unggah ulang pindaian yang jelas.",
    "Nama pada surat keterangan berbeda dengan KK; mohon surat keterangan yang sesuai.",
    "Lampirkan halaman KK yang memuat nama pemohon.",
]
REJECT_NOTE = "Pemohon sudah tercatat memiliki dokumen yang sama (duplikasi data)."
RESUBMIT_NOTE = "Dokumen sudah dilengkapi."
WITHDRAW_NOTE = "Permohonan dibatalkan pemohon."

# Step owner -> which unit of the case owns it (resolved per case in SQL; "opened" is the
# village office that opened the case and hands the output over).
OWNER_KIND = {"service_agency": "agency", "applicant_village": "village", "applicant_district": "district"}
SAME = object()


@dataclass(frozen=True)
class Event:
    action: str
    from_status: str
    to_status: str
    from_step: int | None
    to_step: int | None
    from_owner: str | None  # owner kind: agency | village | district | opened
    to_owner: str | None
    actor_role: str  # a role at the acting unit, or "applicant" (whoever submitted the case)
    actor_owner: str | None
    note: str = ""


@dataclass(frozen=True)
class State:
    """The case's pointers after an event."""

    status: str
    step: int | None
    owner: str | None
    assignee_role: str | None
    arrived: int  # index of the event that brought the case to its current step
    due_base: int  # index of the event whose date starts the step clock
    due_days: int | None  # working days of the step clock (None: no clock)


def _officer(action, source, target, step, own, *, to_step=SAME, to_owner=SAME, note="") -> Event:
    """An action by the step's role at the unit that owns the step."""
    return Event(
        action,
        source,
        target,
        step.id,
        step.id if to_step is SAME else to_step,
        own,
        own if to_owner is SAME else to_owner,
        step.role,
        own,
        note,
    )


def _applicant(action, source, target, step, own, *, to_owner=SAME, note="") -> Event:
    """An action by the applicant (or the office that opened the case for them)."""
    return Event(
        action, source, target, step.id, step.id, own, own if to_owner is SAME else to_owner,
        "applicant", "opened", note,
    )  # fmt: skip


def walk(steps, *, village: bool, return_first: bool = False) -> list[Event]:
    """The full path through a version's workflow, optionally with a return and resubmission."""
    first, own = steps[0], OWNER_KIND[steps[0].owner]
    events = [Event("submit", "", "in_progress", None, first.id, None, own, "applicant", "opened")]
    if return_first:
        events.append(_officer("return", "in_progress", "returned", first, own, note=RETURN_NOTES[0]))
        events.append(_applicant("resubmit", "returned", "in_progress", first, own, note=RESUBMIT_NOTE))
    for index, step in enumerate(steps):
        own = OWNER_KIND[step.owner]
        if step.kind in ("review", "approval"):
            if index + 1 == len(steps):
                raise ValueError(f"version {step.version_id}: a {step.kind} step cannot be the last")
            following = steps[index + 1]
            move = {"to_step": following.id, "to_owner": OWNER_KIND[following.owner]}
            if step.kind == "review":
                events.append(_officer("verify", "in_progress", "verified", step, own))
                events.append(_officer("forward", "verified", "in_progress", step, own, **move))
            else:
                events.append(_officer("approve", "in_progress", "in_progress", step, own, **move))
            continue
        if village:  # the output waits at the village office that opened the case
            events.append(
                _officer(
                    "issue", "in_progress", "ready_for_handover", step, own, to_step=None, to_owner="opened"
                )
            )
            events.append(
                Event("hand_over", "ready_for_handover", "completed", None, None, "opened", None,
                      "village_operator", "opened")
            )  # fmt: skip
        else:
            events.append(
                _officer("issue", "in_progress", "completed", step, own, to_step=None, to_owner=None)
            )
        break
    return events


def states(events: list[Event], sla: dict[int, int]) -> list[State]:
    """The pointers after each event, as ``services._apply`` leaves them."""
    out: list[State] = []
    state = None
    for index, event in enumerate(events):
        if event.action in ("submit", "forward", "approve"):  # a new step: owner resolved, clock restarts
            state = State(
                event.to_status, event.to_step, event.to_owner, None, index, index, sla[event.to_step]
            )
        elif event.action == "verify":
            state = replace(
                state, status=event.to_status, assignee_role=state.assignee_role or event.actor_role
            )
        elif event.action == "claim":
            state = replace(state, assignee_role=event.actor_role)
        elif event.action in ("return", "resubmit"):
            state = replace(state, status=event.to_status)
        elif event.action == "issue" and event.to_status == "ready_for_handover":
            state = State(event.to_status, None, "opened", None, state.arrived, index, HANDOVER_SLA_DAYS)
        elif event.action == "issue":
            state = State(event.to_status, None, None, None, state.arrived, index, None)
        else:  # hand_over, reject, withdraw: closed; the step pointer stays where it was
            state = State(event.to_status, state.step, None, None, state.arrived, index, None)
        out.append(state)
    return out


def variants(steps, *, village: bool) -> dict[str, list[Event]]:
    main = walk(steps, village=village)
    paths = {"main": main, "retmain": walk(steps, village=village, return_first=True)}
    arrivals = [i for i, e in enumerate(main) if e.action in ("submit", "forward", "approve")]
    by_id = {s.id: s for s in steps}
    for j, at in enumerate(arrivals):
        step, own, prefix = by_id[main[at].to_step], main[at].to_owner, main[: at + 1]
        paths[f"claim{j}"] = [*prefix, _officer("claim", "in_progress", "in_progress", step, own)]
        if step.kind != "issuance":
            note = RETURN_NOTES[j % len(RETURN_NOTES)]
            paths[f"ret{j}"] = [*prefix, _officer("return", "in_progress", "returned", step, own, note=note)]
            paths[f"rej{j}"] = [
                *prefix,
                _officer("reject", "in_progress", "rejected", step, own, to_owner=None, note=REJECT_NOTE),
            ]
        paths[f"wd{j}"] = [
            *prefix,
            _applicant("withdraw", "in_progress", "withdrawn", step, own, to_owner=None, note=WITHDRAW_NOTE),
        ]
    return paths


def endings(paths: dict[str, list[Event]], sla: dict[int, int]) -> list[tuple[bool, float, str, int]]:
    """(is_open, weight, variant, number of events) of every place a case may stop."""
    out = []
    for index, state in enumerate(states(paths["main"], sla)):
        weight = {
            "in_progress": OPEN_AT_STEP,
            "verified": OPEN_VERIFIED,
            "ready_for_handover": OPEN_READY_FOR_HANDOVER,
        }.get(state.status)
        if weight:
            out.append((True, weight, "main", index + 1))
    rejects = [n for n in paths if n.startswith("rej")]
    withdrawals = [n for n in paths if n.startswith("wd")]
    for name, events in paths.items():
        if name.startswith("claim"):
            out.append((True, OPEN_CLAIMED, name, len(events)))
        elif name.startswith("ret") and name != "retmain":
            out.append((True, OPEN_RETURNED, name, len(events)))
    out.append((False, CLOSED_COMPLETED, "main", len(paths["main"])))
    out.append((False, CLOSED_COMPLETED_AFTER_RETURN, "retmain", len(paths["retmain"])))
    out += [(False, CLOSED_REJECTED / len(rejects), n, len(paths[n])) for n in rejects]
    out += [(False, CLOSED_WITHDRAWN / len(withdrawals), n, len(paths[n])) for n in withdrawals]
    return out


def workflow_paths(versions: dict[int, list]) -> tuple[list[tuple], list[tuple]]:
    """Rows for ``b_path`` (every event of every variant) and ``b_end`` (every ending with its
    probability within its group: version × village channel × open/closed, and the pointers)."""
    path_rows, end_rows = [], []
    sla = {s.id: s.sla_days for steps in versions.values() for s in steps}
    for version_id, steps in versions.items():
        for village in (False, True):
            paths = variants(steps, village=village)
            for name, events in paths.items():
                path_rows += [
                    (version_id, village, name, k, *astuple(e)) for k, e in enumerate(events, start=1)
                ]
            stops = endings(paths, sla)
            for is_open in (True, False):
                group = [e for e in stops if e[0] is is_open]
                total = sum(weight for _, weight, _, _ in group)
                for _, weight, name, count in group:
                    state = states(paths[name][:count], sla)[-1]
                    end_rows.append(
                        (version_id, village, is_open, weight / total, name, count, state.status, state.step,
                         state.owner, state.assignee_role, state.arrived + 1, state.due_base + 1,
                         state.due_days, state.status == "returned", name == "retmain",
                         paths[name][count - 1].note if state.status == "returned" else "")
                    )  # fmt: skip
    return path_rows, end_rows
