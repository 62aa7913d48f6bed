"""The queue's write path: one function per verb, keyword-only, explicit ``actor``, audited in
the same transaction.

One module per concept; this package re-exports every verb and the helpers other modules use, so
``from pintu.queueing import services`` keeps working:

- ``_common``       — codes, the site calendar, history rows and the board version, row locks and
  who-may-act checks, issuing a number
- ``configuration`` — site settings, closed days, categories, counters, time slots, kiosks, an
  officer opening and closing a counter
- ``bookings``      — booking a slot, cancelling it, checking in at the site
- ``calling``       — calling the next ticket (the concurrency-safe claim; PostgreSQL fast path in
  ``pintu.queueing.statements``)
- ``tickets``       — taking a number, the counter verbs (recall … finish, cancel), linking a case

Tests that replace a helper patch the module that looks it up (``calling._call_next_orm``,
``tickets._lock_ticket``), not this package.
"""

from pintu.queueing.services._common import (
    CODE_ALPHABET,
    SITE_KINDS,
    site_hours_on,
)
from pintu.queueing.services.bookings import (
    booking_cancel,
    booking_check_in,
    booking_create,
)
from pintu.queueing.services.calling import (
    CLAIM_SQL,
    _waiting_for,
    ticket_call_next,
)
from pintu.queueing.services.configuration import (
    base_url,
    category_define,
    counter_close,
    counter_define,
    counter_open,
    kiosk_close,
    kiosk_for_token,
    kiosk_open,
    site_close_day,
    site_configure,
    timeslots_generate,
)
from pintu.queueing.services.tickets import (
    ticket_cancel,
    ticket_finish,
    ticket_link_case,
    ticket_open_case,
    ticket_park,
    ticket_recall,
    ticket_resume,
    ticket_start_serving,
    ticket_take,
    ticket_transfer,
)

__all__ = [
    "CLAIM_SQL",
    "CODE_ALPHABET",
    "SITE_KINDS",
    "_waiting_for",
    "base_url",
    "booking_cancel",
    "booking_check_in",
    "booking_create",
    "category_define",
    "counter_close",
    "counter_define",
    "counter_open",
    "kiosk_close",
    "kiosk_for_token",
    "kiosk_open",
    "site_close_day",
    "site_configure",
    "site_hours_on",
    "ticket_call_next",
    "ticket_cancel",
    "ticket_finish",
    "ticket_link_case",
    "ticket_open_case",
    "ticket_park",
    "ticket_recall",
    "ticket_resume",
    "ticket_start_serving",
    "ticket_take",
    "ticket_transfer",
    "timeslots_generate",
]
