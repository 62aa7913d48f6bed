"""The feedback write path: one function per verb. Surveys (invitation, submission by link or
kiosk, periods) and complaints (submission, the workflow verbs through ``_apply`` and the
transition table in ``workflow``, the reporter's rating, the automatic close).

One module per concept; this package re-exports every verb, so ``from pintu.feedback import
services`` keeps working:

- ``_common``            — the clock; complaint notifications, history rows and answer clocks
- ``surveys``            — survey periods, invitations, answers by link or at a kiosk
- ``complaints``         — complaint submission (contact details, attachments, routing)
- ``complaint_workflow`` — ``_apply`` and the workflow verbs, the rating, the automatic close
"""

from pintu.feedback.services._common import (
    compose_complaint_message,
)
from pintu.feedback.services.complaint_workflow import (
    COMPLAINT_VERBS,
    complaint_answer,
    complaint_rate,
    complaint_reject,
    complaint_route,
    complaint_transfer,
    complaint_verify,
    complaints_close_due,
)
from pintu.feedback.services.complaints import (
    ATTACHMENT_FORMATS,
    ATTACHMENT_MAX_MB,
    MAX_ATTACHMENTS,
    MAX_CODE_ATTEMPTS,
    complaint_submit,
)
from pintu.feedback.services.surveys import (
    InvitationLink,
    clean_answers,
    survey_invitation_create,
    survey_invitation_for_token,
    survey_kiosk_submit,
    survey_period_create,
    survey_period_for,
    survey_submit,
)

__all__ = [
    "ATTACHMENT_FORMATS",
    "ATTACHMENT_MAX_MB",
    "COMPLAINT_VERBS",
    "MAX_ATTACHMENTS",
    "MAX_CODE_ATTEMPTS",
    "InvitationLink",
    "clean_answers",
    "complaint_answer",
    "complaint_rate",
    "complaint_reject",
    "complaint_route",
    "complaint_submit",
    "complaint_transfer",
    "complaint_verify",
    "complaints_close_due",
    "compose_complaint_message",
    "survey_invitation_create",
    "survey_invitation_for_token",
    "survey_kiosk_submit",
    "survey_period_create",
    "survey_period_for",
    "survey_submit",
]
