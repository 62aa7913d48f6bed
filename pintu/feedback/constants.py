"""Choices of the feedback app: survey channels, respondent profile (as on the PermenPANRB
14/2017 questionnaire form), complaint statuses, actions and channels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SurveyChannel(models.TextChoices):
    LINK = "link", _("Tautan sekali pakai")
    KIOSK = "kiosk", _("Tablet di loket")
    API = "api", _("Sistem lain (API)")


class SourceKind(models.TextChoices):
    """What the invitation followed (a generic reference: no import of the source's models)."""

    NONE = "", _("-")
    TICKET = "ticket", _("Tiket antrean")
    CASE = "case", _("Permohonan")


class Sex(models.TextChoices):
    MALE = "L", _("Laki-laki")
    FEMALE = "P", _("Perempuan")


class AgeGroup(models.TextChoices):
    UP_TO_20 = "le20", _("≤ 20 tahun")
    FROM_21 = "21_30", _("21–30 tahun")
    FROM_31 = "31_40", _("31–40 tahun")
    FROM_41 = "41_50", _("41–50 tahun")
    FROM_51 = "51_60", _("51–60 tahun")
    OVER_60 = "gt60", _("> 60 tahun")


class Education(models.TextChoices):
    PRIMARY = "sd", _("SD ke bawah")
    JUNIOR = "smp", _("SMP")
    SENIOR = "sma", _("SMA")
    DIPLOMA = "diploma", _("D1/D2/D3/D4")
    BACHELOR = "s1", _("S1")
    POSTGRADUATE = "s2", _("S2 ke atas")


class Occupation(models.TextChoices):
    CIVIL_SERVANT = "pns", _("PNS")
    MILITARY = "tni", _("TNI")
    POLICE = "polri", _("POLRI")
    PRIVATE = "swasta", _("Swasta")
    ENTREPRENEUR = "wirausaha", _("Wirausaha")
    OTHER = "lainnya", _("Lainnya")


PROFILE_FIELDS = {
    "sex": Sex,
    "age_group": AgeGroup,
    "education": Education,
    "occupation": Occupation,
}


class ComplaintStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Diterima, menunggu verifikasi")
    VERIFIED = "verified", _("Terverifikasi, sedang ditindaklanjuti")
    ANSWERED = "answered", _("Sudah dijawab")
    CLOSED = "closed", _("Selesai")
    REJECTED = "rejected", _("Tidak dapat diproses")


OPEN_COMPLAINT_STATUSES = (ComplaintStatus.SUBMITTED, ComplaintStatus.VERIFIED, ComplaintStatus.ANSWERED)
# Open complaints that wait for the agency (an answered one waits for the reporter).
AGENCY_PENDING_STATUSES = (ComplaintStatus.SUBMITTED, ComplaintStatus.VERIFIED)


class ComplaintAction(models.TextChoices):
    SUBMIT = "submit", _("Pengaduan diterima")
    ROUTE = "route", _("Diteruskan ke instansi")
    TRANSFER = "transfer", _("Dialihkan ke instansi lain")
    VERIFY = "verify", _("Diverifikasi")
    ANSWER = "answer", _("Dijawab")
    REJECT = "reject", _("Ditolak")
    RATE_SATISFIED = "rate_satisfied", _("Pelapor puas dengan jawaban")
    RATE_UNSATISFIED = "rate_unsatisfied", _("Pelapor belum puas; dibuka kembali")
    AUTO_CLOSE = "auto_close", _("Ditutup otomatis (tidak ada tanggapan pelapor)")


class ComplaintChannel(models.TextChoices):
    PORTAL = "portal", _("Portal")
    COUNTER = "counter", _("Loket (dicatat petugas)")
    SURVEY = "survey", _("Dari survei kepuasan")
    API = "api", _("Sistem lain (API)")


class RejectReason(models.TextChoices):
    NOT_A_COMPLAINT = "not_a_complaint", _("Bukan pengaduan pelayanan publik")
    DUPLICATE = "duplicate", _("Duplikat pengaduan lain")
    INCOMPLETE = "incomplete", _("Tidak jelas/tidak lengkap setelah dikonfirmasi")
    OUT_OF_SCOPE = "out_of_scope", _("Bukan kewenangan pemerintah kabupaten")


# SP4N-LAPOR clocks, in working days (PermenPANRB 62/2018 practice as used by LAPOR!).
VERIFY_WORKING_DAYS = 3
ANSWER_WORKING_DAYS = 5
AUTO_CLOSE_WORKING_DAYS = 10
