"""The letters app's write path: one function per verb, keyword-only, explicit actor.

Numbering: the sequence row of (village office, year, scope) is locked inside the issuing
transaction and the PDF is rendered and signed in that same transaction, so a number is used
only when its letter commits — a failure anywhere rolls the number back with everything else
(no gaps), and the lock plus unique constraints mean no duplicates, on PostgreSQL and SQLite.

One module per concept; this package re-exports every verb and the helpers other modules use
(``_issue_config``, ``_letter_data``, ``_resident_data``, ``_settings_for``: tests and
``bench/letters_issue.py``), so ``from pintu.letters import services`` keeps working:

- ``_common``          — the village-office check
- ``configuration``    — the regency's letter types, a village office's settings and offered types
- ``issuing``          — the letter's number, its data and PDF, issuing and revoking
- ``citizen_requests`` — a citizen's online request and the office's verbs on it (approve issues)
"""

from pintu.letters.services.citizen_requests import (
    REQUEST_VERBS,
    letter_request_approve,
    letter_request_check,
    letter_request_create,
    letter_request_reject,
    letter_request_resubmit,
    letter_request_return,
    letter_request_withdraw,
)
from pintu.letters.services.configuration import (
    TYPE_EDITABLE,
    letter_type_update,
    letter_types_seed,
    village_letter_settings_update,
    village_letter_types_set,
)
from pintu.letters.services.issuing import (
    DOCUMENT_KIND,
    _issue_config,
    _letter_data,
    _resident_data,
    _settings_for,
    effective_signer,
    letter_issue,
    letter_revoke,
    template_for,
    type_enabled,
)

__all__ = [
    "DOCUMENT_KIND",
    "REQUEST_VERBS",
    "TYPE_EDITABLE",
    "_issue_config",
    "_letter_data",
    "_resident_data",
    "_settings_for",
    "effective_signer",
    "letter_issue",
    "letter_request_approve",
    "letter_request_check",
    "letter_request_create",
    "letter_request_reject",
    "letter_request_resubmit",
    "letter_request_return",
    "letter_request_withdraw",
    "letter_revoke",
    "letter_type_update",
    "letter_types_seed",
    "template_for",
    "type_enabled",
    "village_letter_settings_update",
    "village_letter_types_set",
]
