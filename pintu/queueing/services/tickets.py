"""A ticket's life at the site: a walk-in takes a number, then the counter verbs (recall, start
serving, park, resume, transfer, finish, cancel) and linking the ticket to the citizen's case."""

from __future__ import annotations

from django.db import connection, transaction
from django.urls import NoReverseMatch
from django.utils import timezone

from pintu.accounts.access import principal_for
from pintu.accounts.constants import Role
from pintu.core.errors import Conflict, PermissionDenied, ValidationFailed
from pintu.queueing import policies, statements
from pintu.queueing.constants import (
    ACTIVE_STATUSES,
    TicketAction,
    TicketOutcome,
    TicketSource,
    TicketStatus,
)
from pintu.queueing.models import (
    Counter,
    QueueSite,
    Ticket,
    TicketCategory,
)
from pintu.queueing.services._common import (
    _bump_board,
    _check_priority_group,
    _is_postgres,
    _issue_ticket,
    _lock_counter,
    _lock_ticket,
    _officer_at,
    _principal,
    _record,
    _require_counter_officer,
    _require_open,
    _require_site_staff,
    _require_status,
    _save,
)


@transaction.atomic
def ticket_take(
    *, actor, site: QueueSite, category: TicketCategory, priority_group: str = "", kiosk=None
) -> Ticket:
    """A walk-in takes a number: at a kiosk of the site (``actor`` may be anonymous) or handed out
    by counter staff of the site (``actor`` is the officer, source ``counter``)."""
    if kiosk is not None:
        if kiosk.revoked_at is not None or kiosk.site_id != site.pk:
            raise PermissionDenied(
                "Kios ini tidak aktif. Minta petugas membuka kios lagi.", code="queue.kiosk_revoked"
            )
        source = TicketSource.KIOSK
    else:
        principal = _principal(actor)
        if principal is None or not policies.can_work_at(principal, site):
            raise PermissionDenied(
                "Nomor antrian diambil di kios lokasi layanan atau lewat petugas loket.",
                code="queue.take_forbidden",
            )
        source = TicketSource.COUNTER
    if category.site_id != site.pk or not category.is_active:
        raise ValidationFailed(fields={"category": ["Pilih layanan yang tersedia di lokasi ini."]})
    priority_group = _check_priority_group(site, priority_group)
    now = timezone.now()
    _require_open(site, now)
    ticket = _issue_ticket(
        site=site,
        category=category,
        source=source,
        priority_group=priority_group,
        actor=actor,
        kiosk=kiosk,
        now=now,
    )
    _record(ticket, action=TicketAction.TAKE, from_status="", actor=actor, data={"source": source}, at=now)
    return ticket


# --- counter verbs ------------------------------------------------------------------------------------


def _counter_step(actor, ticket: Ticket | int, statuses, change, *, counter: Counter | None = None) -> Ticket:
    """The body the counter verbs share, in the caller's transaction: lock the ticket, check its
    status and that ``actor`` sits at the counter (``counter``, already locked by the caller, or
    else the one holding the ticket), let ``change(ticket, counter, now)`` change the ticket and
    name the step as ``(action, fields, data)``, then write those fields, bump that counter's
    board and append the history row with its audit entry.

    ``change`` may still refuse (raise) before it touches the ticket; nothing is written then.
    Transfer and cancel keep their own bodies: any staff of the site may take them on a parked
    (or waiting) ticket, and their history row names no counter."""
    ticket = _lock_ticket(ticket)
    _require_status(ticket, *statuses)
    if counter is None:
        counter = _officer_at(actor, ticket)
    else:
        _require_counter_officer(actor, counter)
    now = timezone.now()
    from_status = ticket.status
    action, fields, data = change(ticket, counter, now)
    _save(ticket, *fields)
    _bump_board(counter.pk)
    _record(ticket, action=action, from_status=from_status, actor=actor, counter=counter, data=data, at=now)
    return ticket


@transaction.atomic
def ticket_recall(*, actor, ticket: Ticket) -> Ticket:
    """Call the same number again; past the site's recall limit the ticket becomes a no-show."""

    def recall(ticket, counter, now):
        if ticket.recall_count >= ticket.site.recall_limit:
            ticket.status = TicketStatus.NO_SHOW
            return TicketAction.NO_SHOW, ("status",), None
        ticket.recall_count += 1
        ticket.called_at = now
        return TicketAction.RECALL, ("recall_count", "called_at"), {"recall": ticket.recall_count}

    return _counter_step(actor, ticket, (TicketStatus.CALLED,), recall)


@transaction.atomic
def ticket_start_serving(*, actor, ticket: Ticket) -> Ticket:
    def start(ticket, counter, now):
        ticket.status = TicketStatus.SERVING
        ticket.officer = actor
        if ticket.served_started_at is None:
            ticket.served_started_at = now
        return TicketAction.START, ("status", "officer", "served_started_at"), None

    return _counter_step(actor, ticket, (TicketStatus.CALLED,), start)


@transaction.atomic
def ticket_park(*, actor, ticket: Ticket, note: str = "") -> Ticket:
    """Set a called/serving ticket aside (the citizen fetches a missing document) and free the
    counter; ``ticket_resume`` brings it back to a counter."""

    def park(ticket, counter, now):
        ticket.status = TicketStatus.PARKED
        return TicketAction.PARK, ("status",), {"note": note[:200]}

    return _counter_step(actor, ticket, (TicketStatus.CALLED, TicketStatus.SERVING), park)


@transaction.atomic
def ticket_resume(*, actor, ticket: Ticket, counter: Counter) -> Ticket:
    """Bring a parked ticket back: it is called again at ``counter`` (the actor's counter)."""

    def resume(ticket, counter, now):
        if ticket.site_id != counter.site_id:
            raise ValidationFailed("Tiket ini dari lokasi lain.", code="queue.other_site")
        if Ticket.objects.filter(counter=counter, status__in=ACTIVE_STATUSES).exists():
            raise Conflict("Selesaikan dulu tiket yang sedang di loket ini.", code="queue.counter_busy")
        ticket.status = TicketStatus.SERVING if ticket.served_started_at else TicketStatus.CALLED
        ticket.counter = counter
        ticket.officer = actor
        ticket.called_at = now
        return TicketAction.RESUME, ("status", "counter", "officer", "called_at"), None

    counter = _lock_counter(counter)  # counter before ticket, as calling the next ticket does
    return _counter_step(actor, ticket, (TicketStatus.PARKED,), resume, counter=counter)


@transaction.atomic
def ticket_transfer(
    *,
    actor,
    ticket: Ticket,
    category: TicketCategory | None = None,
    counter: Counter | None = None,
    note: str = "",
) -> Ticket:
    """Send the ticket back into the queue of another category or to one counter; it keeps its
    printed number and its original arrival time (so its place in line)."""
    ticket = _lock_ticket(ticket)
    _require_status(ticket, TicketStatus.CALLED, TicketStatus.SERVING, TicketStatus.PARKED)
    _require_site_staff(actor, ticket.site)
    if ticket.status != TicketStatus.PARKED:
        _officer_at(actor, ticket)
    if (category is None) == (counter is None):
        raise ValidationFailed(fields={"target": ["Pilih kategori atau loket tujuan (salah satu)."]})
    if category is not None and (category.site_id != ticket.site_id or not category.is_active):
        raise ValidationFailed(fields={"category": ["Kategori tujuan tidak tersedia di lokasi ini."]})
    if counter is not None and (counter.site_id != ticket.site_id or not counter.is_active):
        raise ValidationFailed(fields={"counter": ["Loket tujuan tidak tersedia di lokasi ini."]})
    from_status, from_counter = ticket.status, ticket.counter_id
    ticket.status = TicketStatus.WAITING
    if category is not None:
        ticket.category = category
        ticket.target_counter = None
    else:
        ticket.target_counter = counter
    ticket.counter = None
    ticket.called_at = None
    ticket.recall_count = 0
    _save(ticket, "status", "category", "target_counter", "counter", "called_at", "recall_count")
    _bump_board(from_counter)
    _record(
        ticket,
        action=TicketAction.TRANSFER,
        from_status=from_status,
        actor=actor,
        data={
            "from_counter": from_counter,
            "category": category.prefix if category else None,
            "counter": counter.number if counter else None,
            "note": note[:200],
        },
    )
    return ticket


def ticket_finish(*, actor, ticket: Ticket, outcome: str, note: str = "") -> Ticket:
    """Finish serving with an outcome; the citizen is then invited to the satisfaction survey
    (in the same transaction).

    On PostgreSQL a ticket without a survey to send (no agency, no case) is finished by one
    statement; with a survey, that statement and the invitation share a transaction."""
    if _is_postgres():
        done = statements.FALLBACK
        if not connection.in_atomic_block:  # only tickets without a survey to send: one statement
            done = statements.finish(actor=actor, ticket=ticket, outcome=outcome, note=note, survey=False)
        if done is statements.FALLBACK:
            with transaction.atomic():
                done = statements.finish(actor=actor, ticket=ticket, outcome=outcome, note=note, survey=True)
                if done is statements.FALLBACK:
                    return _finish_orm(actor=actor, ticket=ticket, outcome=outcome, note=note)
                done.survey_link = _invite_to_survey(done, actor) if done.needs_survey else None
        else:
            done.survey_link = None
        return done
    with transaction.atomic():
        return _finish_orm(actor=actor, ticket=ticket, outcome=outcome, note=note)


def _finish_orm(*, actor, ticket: Ticket, outcome: str, note: str) -> Ticket:
    def finish(ticket, counter, now):
        if outcome not in TicketOutcome.values:
            raise ValidationFailed(fields={"outcome": ["Pilih hasil layanan."]})
        if ticket.served_started_at is None:
            ticket.served_started_at = now
        ticket.status = TicketStatus.DONE
        ticket.outcome = outcome
        ticket.served_finished_at = now
        ticket.service_seconds = max(0, int((now - ticket.served_started_at).total_seconds()))
        fields = ("status", "outcome", "served_started_at", "served_finished_at", "service_seconds")
        return TicketAction.FINISH, fields, {"outcome": outcome, "note": note[:200]}

    ticket = _counter_step(actor, ticket, (TicketStatus.SERVING, TicketStatus.CALLED), finish)
    ticket.survey_link = _invite_to_survey(ticket, actor)
    return ticket


def _invite_to_survey(ticket: Ticket, actor):
    """THE single call site of the SKM survey after a served ticket (``pintu.feedback``).

    Returns the one-time link (its token is shown once: the counter page and the kiosk show it
    as a QR right after finishing), or None when the ticket has no agency (a village office's
    own desk) or the feedback app's pages have not landed."""
    try:
        from pintu.feedback.services import survey_invitation_create
    except ImportError:  # pragma: no cover - the feedback app is optional
        return None
    agency = ticket.category.agency
    if ticket.case_id is not None:
        agency = ticket.case.agency
    if agency is None:
        return None
    service = ticket.case.service if ticket.case_id else None
    if service is None:
        services = list(ticket.category.services.all()[:2])
        service = services[0] if len(services) == 1 else None
    try:
        return survey_invitation_create(
            actor=actor, agency=agency, service=service, site=ticket.site.org_unit, case=None, ticket=ticket
        )
    except NoReverseMatch:  # pragma: no cover - survey pages not mounted yet
        return None


@transaction.atomic
def ticket_cancel(*, actor, ticket: Ticket, note: str = "") -> Ticket:
    """Staff of the site cancel a waiting or parked ticket (the citizen left)."""
    ticket = _lock_ticket(ticket)
    _require_status(ticket, TicketStatus.WAITING, TicketStatus.PARKED)
    _require_site_staff(actor, ticket.site)
    from_status = ticket.status
    ticket.status = TicketStatus.CANCELLED
    _save(ticket, "status")
    _record(
        ticket, action=TicketAction.CANCEL, from_status=from_status, actor=actor, data={"note": note[:200]}
    )
    return ticket


# --- cases ------------------------------------------------------------------------------------------------


def _require_serving(actor, ticket: Ticket) -> Counter:
    _require_status(ticket, TicketStatus.SERVING)
    return _officer_at(actor, ticket)


def _link_case(ticket: Ticket, case, *, actor, counter: Counter, opened: bool) -> None:
    ticket.case = case
    _save(ticket, "case")
    _record(
        ticket,
        action=TicketAction.LINK_CASE,
        from_status=ticket.status,
        actor=actor,
        counter=counter,
        data={"case": case.tracking_code, "opened": opened},
    )


@transaction.atomic
def ticket_open_case(
    *,
    actor,
    ticket: Ticket,
    service,
    form_data: dict,
    documents=None,
    applicant=None,
    submission_key: str | None = None,
    note: str = "",
):
    """Open the citizen's case from the counter (``case_submit``, channel ``counter``) and link
    the ticket to it. Returns the case.

    The officer needs the right to submit on the citizen's behalf for the service's agency
    (today: ``agency_front_office`` of that agency; see the report for counter officers)."""
    from pintu.cases.services import case_submit

    ticket = _lock_ticket(ticket)
    counter = _require_serving(actor, ticket)
    # An agency's own front-office officer submits for its agency; any other counter officer
    # submits on behalf of the site (needs the cases change described in the queueing report).
    if isinstance(service, str):
        from pintu.catalog.models import Service

        service = Service.objects.filter(code=service.strip().upper()).first() or service
    agency_id = getattr(service, "agency_id", None)
    on_behalf = None
    if agency_id is None or not principal_for(actor).has_role(Role.AGENCY_FRONT_OFFICE, agency_id):
        on_behalf = ticket.site.org_unit_id
    case, _created = case_submit(
        actor=actor,
        on_behalf_unit_id=on_behalf,
        service=service,
        form_data=form_data,
        documents=documents,
        applicant=applicant,
        submission_key=submission_key or f"ticket-{ticket.pk}-{getattr(service, 'code', service)}",
        note=note or f"Antrian {ticket.display_number} ({ticket.site.org_unit.display_name})",
    )
    _link_case(ticket, case, actor=actor, counter=counter, opened=True)
    return case


@transaction.atomic
def ticket_link_case(*, actor, ticket: Ticket, tracking_code: str):
    """Continue an existing case: link the ticket being served to it by its tracking code."""
    from pintu.cases import tracking
    from pintu.cases.models import Case

    ticket = _lock_ticket(ticket)
    counter = _require_serving(actor, ticket)
    code = tracking.normalize(tracking_code or "")
    case = Case.objects.filter(tracking_code=code).first() if code else None
    if case is None:
        raise ValidationFailed(
            fields={"tracking_code": ["Kode lacak tidak ditemukan. Periksa kode pada bukti permohonan."]},
            code="queue.case_not_found",
        )
    _link_case(ticket, case, actor=actor, counter=counter, opened=False)
    return case
