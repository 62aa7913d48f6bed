"""Glue between the shared application form (portal/office) and ``ticket_open_case``."""

from __future__ import annotations

from pintu.portal.application import submit_with
from pintu.queueing import services as qs


def submit_case_for_ticket(bundle, *, actor, ticket, service):
    """Submit a valid application bundle as the case of ``ticket``; None with the errors placed
    on the forms."""
    return submit_with(bundle, qs.ticket_open_case, actor=actor, ticket=ticket, service=service)
