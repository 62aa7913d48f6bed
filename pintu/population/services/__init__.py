"""The population registry's write path: one function per verb. Each updates the register, the
family, the statistics and the event log in one transaction, with an audit entry.

``actor`` is the user acting (None for the system: demo, management commands). A user must be
operator, head or secretary of the village office concerned (``policies.can_edit``).

One module per concept; this package re-exports every verb, so ``from pintu.population import
services`` keeps working:

- ``_common``  — who may edit, event rows, dates, locks, hamlets, temporary NIKs, cleaning and
  placing a resident, a family's new head
- ``registry`` — registering and correcting residents, creating and splitting families
- ``events``   — birth, death, move out / in, transfer between villages, lost and found
- ``links``    — a citizen account linked to its resident record (request, verify, reject)
"""

from pintu.population.constants import Sex
from pintu.population.services._common import (
    hamlet_for,
)
from pintu.population.services.events import (
    move_scope_between,
    resident_move_in,
    resident_move_out,
    resident_register_birth,
    resident_register_death,
    resident_report_found,
    resident_report_lost,
    resident_transfer,
)
from pintu.population.services.links import (
    LINK_MISMATCH,
    resident_link_reject,
    resident_link_request,
    resident_link_verify,
)
from pintu.population.services.registry import (
    family_create,
    family_split,
    get_resident_or_404,
    resident_register,
    resident_update,
)

__all__ = [
    "LINK_MISMATCH",
    "Sex",
    "family_create",
    "family_split",
    "get_resident_or_404",
    "hamlet_for",
    "move_scope_between",
    "resident_link_reject",
    "resident_link_request",
    "resident_link_verify",
    "resident_move_in",
    "resident_move_out",
    "resident_register",
    "resident_register_birth",
    "resident_register_death",
    "resident_report_found",
    "resident_report_lost",
    "resident_transfer",
    "resident_update",
]
