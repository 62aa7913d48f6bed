from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("Diproses")
    VERIFIED = "verified", _("Terverifikasi")
    RETURNED = "returned", _("Dikembalikan untuk perbaikan")
    READY_FOR_HANDOVER = "ready_for_handover", _("Siap diserahkan")
    COMPLETED = "completed", _("Selesai")
    REJECTED = "rejected", _("Ditolak")
    WITHDRAWN = "withdrawn", _("Dibatalkan pemohon")


OPEN_STATUSES = (
    CaseStatus.IN_PROGRESS,
    CaseStatus.VERIFIED,
    CaseStatus.RETURNED,
    CaseStatus.READY_FOR_HANDOVER,
)
# Open cases that wait for an officer (not for the applicant).
ACTIONABLE_STATUSES = (CaseStatus.IN_PROGRESS, CaseStatus.VERIFIED, CaseStatus.READY_FOR_HANDOVER)
CLOSED_STATUSES = (CaseStatus.COMPLETED, CaseStatus.REJECTED, CaseStatus.WITHDRAWN)


class CaseAction(models.TextChoices):
    SUBMIT = "submit", _("Diajukan")
    CLAIM = "claim", _("Diambil petugas")
    VERIFY = "verify", _("Diverifikasi")
    FORWARD = "forward", _("Diteruskan")
    APPROVE = "approve", _("Disetujui")
    RETURN = "return", _("Dikembalikan untuk perbaikan")
    RESUBMIT = "resubmit", _("Perbaikan dikirim")
    REJECT = "reject", _("Ditolak")
    ISSUE = "issue", _("Dokumen diterbitkan")
    HAND_OVER = "hand_over", _("Diserahkan kepada pemohon")
    WITHDRAW = "withdraw", _("Dibatalkan pemohon")


class Channel(models.TextChoices):
    ONLINE = "online", _("Daring (portal)")
    VILLAGE = "village", _("Kantor desa (Smart Kampung)")
    COUNTER = "counter", _("Loket instansi/MPP")
    API = "api", _("Sistem lain (API)")


class CaseDocumentKind(models.TextChoices):
    REQUIREMENT = "requirement", _("Persyaratan")
    OUTPUT = "output", _("Dokumen hasil")


# Actions that the public tracking page does not list (internal bookkeeping).
PRIVATE_ACTIONS = frozenset({CaseAction.CLAIM})
# Actions whose note is written to (or by) the applicant.
APPLICANT_FACING_ACTIONS = frozenset(
    {CaseAction.SUBMIT, CaseAction.RETURN, CaseAction.RESUBMIT, CaseAction.REJECT, CaseAction.WITHDRAW}
)
