"""Statuses, sources and defaults of the queue (antrian)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TicketStatus(models.TextChoices):
    WAITING = "waiting", _("Menunggu")
    CALLED = "called", _("Dipanggil")
    SERVING = "serving", _("Dilayani")
    PARKED = "parked", _("Ditunda")
    DONE = "done", _("Selesai")
    NO_SHOW = "no_show", _("Tidak hadir")
    CANCELLED = "cancelled", _("Dibatalkan")


# A counter holds at most one ticket in these statuses (a partial unique index says so).
ACTIVE_STATUSES = (TicketStatus.CALLED, TicketStatus.SERVING)
OPEN_STATUSES = (TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.SERVING, TicketStatus.PARKED)
CLOSED_STATUSES = (TicketStatus.DONE, TicketStatus.NO_SHOW, TicketStatus.CANCELLED)


class TicketSource(models.TextChoices):
    KIOSK = "kiosk", _("Kios antrian")
    BOOKING = "booking", _("Pesan daring")
    COUNTER = "counter", _("Dibuat petugas loket")


class TicketOutcome(models.TextChoices):
    COMPLETED = "completed", _("Selesai dilayani")
    CASE_OPENED = "case_opened", _("Permohonan dibuat")
    CASE_CONTINUED = "case_continued", _("Permohonan dilanjutkan")
    INCOMPLETE = "incomplete", _("Persyaratan belum lengkap")
    INFORMATION = "information", _("Informasi/konsultasi")
    REFERRED = "referred", _("Dirujuk ke instansi lain")


class TicketAction(models.TextChoices):
    TAKE = "take", _("Ambil nomor")
    CHECK_IN = "check_in", _("Hadir (pesan daring)")
    CALL = "call", _("Dipanggil")
    RECALL = "recall", _("Dipanggil ulang")
    NO_SHOW = "no_show", _("Tidak hadir")
    START = "start", _("Mulai dilayani")
    PARK = "park", _("Ditunda")
    RESUME = "resume", _("Dilanjutkan")
    TRANSFER = "transfer", _("Dialihkan")
    FINISH = "finish", _("Selesai")
    CANCEL = "cancel", _("Dibatalkan")
    LINK_CASE = "link_case", _("Dikaitkan dengan permohonan")


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("Terpesan")
    CHECKED_IN = "checked_in", _("Sudah hadir")
    CANCELLED = "cancelled", _("Dibatalkan")


# The site settings every new site starts with (the site manager changes them).
DEFAULT_OPENING_HOURS = {
    "0": ["08:00", "15:00"],
    "1": ["08:00", "15:00"],
    "2": ["08:00", "15:00"],
    "3": ["08:00", "15:00"],
    "4": ["08:00", "14:00"],
}
DEFAULT_PRIORITY_GROUPS = [
    {"code": "elderly", "name": "Lansia (60 tahun ke atas)"},
    {"code": "disabled", "name": "Penyandang disabilitas"},
    {"code": "pregnant", "name": "Ibu hamil / membawa balita"},
]
