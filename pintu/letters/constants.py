"""Code lists of the letters app: statuses, request actions, signer kinds, numbering scopes."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from pintu.accounts.constants import Role

# Who may work with letters at a village office (issue at the counter, check requests).
LETTER_STAFF_ROLES = frozenset({Role.VILLAGE_OPERATOR, Role.VILLAGE_SECRETARY, Role.VILLAGE_HEAD})


class SignerKind(models.TextChoices):
    HEAD = "head", _("Kepala desa")
    SECRETARY = "secretary", _("Sekretaris desa (a.n. kepala desa)")


class SequenceScope(models.TextChoices):
    VILLAGE = "village", _("Satu urutan untuk semua jenis surat")
    TYPE = "type", _("Urutan sendiri per jenis surat")


class LetterStatus(models.TextChoices):
    ISSUED = "issued", _("Terbit")
    REVOKED = "revoked", _("Dicabut")


class RequestStatus(models.TextChoices):
    REQUESTED = "requested", _("Diajukan")
    RETURNED = "returned", _("Dikembalikan untuk perbaikan")
    CHECKED = "checked", _("Diperiksa, menunggu tanda tangan")
    ISSUED = "issued", _("Terbit")
    REJECTED = "rejected", _("Ditolak")
    WITHDRAWN = "withdrawn", _("Dibatalkan pemohon")


OPEN_REQUEST_STATUSES = frozenset({RequestStatus.REQUESTED, RequestStatus.RETURNED, RequestStatus.CHECKED})


class RequestAction(models.TextChoices):
    REQUEST = "request", _("Diajukan")
    CHECK = "check", _("Diperiksa operator")
    RETURN = "return", _("Dikembalikan untuk perbaikan")
    RESUBMIT = "resubmit", _("Diperbaiki dan diajukan lagi")
    REJECT = "reject", _("Ditolak")
    APPROVE = "approve", _("Disetujui dan ditandatangani")
    WITHDRAW = "withdraw", _("Dibatalkan pemohon")


class FieldKind(models.TextChoices):
    TEXT = "text", _("Teks")
    TEXTAREA = "textarea", _("Teks panjang")
    DATE = "date", _("Tanggal")
    TIME = "time", _("Jam")
    NUMBER = "number", _("Angka")
    MONEY = "money", _("Rupiah")
    CHOICE = "choice", _("Pilihan")


DEFAULT_NUMBER_FORMAT = "[kode]/[nomor:3]/[kode_desa]/[bulan_romawi]/[tahun]"
