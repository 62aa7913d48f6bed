"""Names for the codes the population app's logic depends on (the full lists are in ``codes``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.IntegerChoices):  # jenis_kelamin
    MALE = 1, _("Laki-laki")
    FEMALE = 2, _("Perempuan")


class ResidentStatus(models.IntegerChoices):  # status_dasar
    ALIVE = 1, _("Hidup")
    DEAD = 2, _("Mati")
    MOVED = 3, _("Pindah")
    LOST = 4, _("Hilang")
    GONE = 6, _("Pergi")
    INVALID = 9, _("Tidak valid")


class FamilyRelation(models.IntegerChoices):  # hubungan_keluarga (SHDK), the ones logic uses
    HEAD = 1, _("Kepala keluarga")
    HUSBAND = 2, _("Suami")
    WIFE = 3, _("Istri")
    CHILD = 4, _("Anak")


class MoveScope(models.IntegerChoices):  # jenis_pindah
    VILLAGE = 1, _("Pindah keluar desa/kelurahan")
    DISTRICT = 2, _("Pindah keluar kecamatan")
    REGENCY = 3, _("Pindah keluar kabupaten/kota")
    PROVINCE = 4, _("Pindah keluar provinsi")


class FamilyStatus(models.TextChoices):
    ACTIVE = "active", _("Aktif")
    DISSOLVED = "dissolved", _("Tidak aktif")


class EventKind(models.TextChoices):
    REGISTRATION = "registration", _("Pendataan")
    BIRTH = "birth", _("Kelahiran")
    DEATH = "death", _("Kematian")
    MOVE_IN = "move_in", _("Pindah masuk")
    MOVE_OUT = "move_out", _("Pindah keluar")
    LOST = "lost", _("Hilang")
    FOUND = "found", _("Ditemukan kembali")
    CORRECTION = "correction", _("Perbaikan data")
    FAMILY_CHANGE = "family_change", _("Perubahan KK")


class LinkStatus(models.TextChoices):
    PENDING = "pending", _("Menunggu verifikasi")
    VERIFIED = "verified", _("Terverifikasi")
    REJECTED = "rejected", _("Ditolak")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Menunggu")
    RUNNING = "running", _("Sedang diproses")
    DONE = "done", _("Selesai")
    FAILED = "failed", _("Gagal")


class Dimension(models.TextChoices):
    """Statistics dimensions. Ages are counted by birth year and grouped when read, so the
    counts never go stale as people grow older."""

    BIRTH_YEAR = "birth_year", _("Tahun lahir")
    EDUCATION = "education", _("Pendidikan")
    OCCUPATION = "occupation", _("Pekerjaan")
    RELIGION = "religion", _("Agama")
    MARITAL = "marital", _("Status perkawinan")


# dimension -> (Resident field, code list)
DIMENSION_FIELDS = {
    Dimension.EDUCATION: ("education", "pendidikan_kk"),
    Dimension.OCCUPATION: ("occupation", "pekerjaan"),
    Dimension.RELIGION: ("religion", "agama"),
    Dimension.MARITAL: ("marital_status", "status_perkawinan"),
}

# Temporary NIKs: "99" + 14 digits. No Kemendagri province code starts with 9 followed by 9
# (province codes are 11-96), so a temporary NIK can never equal a real one.
TEMPORARY_NIK_PREFIX = "99"
