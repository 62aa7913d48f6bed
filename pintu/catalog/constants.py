from django.db import models
from django.utils.translation import gettext_lazy as _


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draf")
    PUBLISHED = "published", _("Terbit")
    RETIRED = "retired", _("Diganti")


class FieldKind(models.TextChoices):
    TEXT = "text", _("Teks singkat")
    TEXTAREA = "textarea", _("Teks panjang")
    NUMBER = "number", _("Angka")
    DATE = "date", _("Tanggal")
    CHOICE = "choice", _("Pilihan")
    NIK = "nik", _("NIK")
    KK_NUMBER = "kk_number", _("Nomor KK")
    PHONE = "phone", _("Nomor ponsel")
    EMAIL = "email", _("Surel")
    CHECKBOX = "checkbox", _("Centang")


class StepOwner(models.TextChoices):
    APPLICANT_VILLAGE = "applicant_village", _("Desa/kelurahan pemohon")
    APPLICANT_DISTRICT = "applicant_district", _("Kecamatan pemohon")
    SERVICE_AGENCY = "service_agency", _("Instansi pemilik layanan")


class StepKind(models.TextChoices):
    REVIEW = "review", _("Pemeriksaan")
    APPROVAL = "approval", _("Persetujuan")
    ISSUANCE = "issuance", _("Penerbitan")


class FileFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    JPG = "jpg", "JPEG"
    PNG = "png", "PNG"


# Which role acts on a step, by owner.
STEP_ROLES_BY_OWNER = {
    StepOwner.APPLICANT_VILLAGE: {"village_operator", "village_head"},
    StepOwner.APPLICANT_DISTRICT: {"district_officer"},
    StepOwner.SERVICE_AGENCY: {"agency_front_office", "agency_verifier", "agency_approver"},
}

CATEGORIES = [
    "Kependudukan",
    "Perizinan Usaha",
    "Perizinan Kesehatan",
    "Ketertiban dan Keamanan",
    "Ketenagakerjaan",
    "Keagamaan",
    "Jaminan Sosial",
    "Pajak Daerah",
    "Sosial",
    "Keimigrasian",
    "Utilitas",
]

# The 14 components of a Standar Pelayanan (PermenPANRB 15/2014), field name -> label.
STANDARD_COMPONENTS = [
    ("requirements", _("Persyaratan")),
    ("procedure", _("Sistem, mekanisme dan prosedur")),
    ("time_limit_days", _("Jangka waktu pelayanan")),
    ("fee", _("Biaya/tarif")),
    ("product", _("Produk pelayanan")),
    ("complaints_channel", _("Penanganan pengaduan, saran dan masukan")),
    ("legal_basis", _("Dasar hukum")),
    ("facilities", _("Sarana, prasarana dan/atau fasilitas")),
    ("officer_competence", _("Kompetensi pelaksana")),
    ("internal_supervision", _("Pengawasan internal")),
    ("staffing", _("Jumlah pelaksana")),
    ("service_guarantee", _("Jaminan pelayanan")),
    ("security_guarantee", _("Jaminan keamanan dan keselamatan pelayanan")),
    ("performance_evaluation", _("Evaluasi kinerja pelaksana")),
]
