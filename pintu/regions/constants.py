from django.db import models
from django.utils.translation import gettext_lazy as _

REFERENCE_EDITION = "Kepmendagri 300.2.2-2138/2025 jo. 300.2.2-2430/2025"


class VillageKind(models.TextChoices):
    DESA = "desa", _("Desa")
    KELURAHAN = "kelurahan", _("Kelurahan")
    DESA_ADAT = "desa adat", _("Desa adat")


class RegencyKind(models.TextChoices):
    KABUPATEN = "kabupaten", _("Kabupaten")
    KOTA = "kota", _("Kota")


class OrgUnitKind(models.TextChoices):
    REGENCY_GOVERNMENT = "regency_government", _("Pemerintah kabupaten")
    AGENCY = "agency", _("Instansi / OPD")
    MPP_SITE = "mpp_site", _("Mal Pelayanan Publik")
    DISTRICT_OFFICE = "district_office", _("Kantor kecamatan")
    VILLAGE_OFFICE = "village_office", _("Kantor desa/kelurahan")


class AgencyKind(models.TextChoices):
    OPD = "opd", _("Perangkat daerah (OPD)")
    VERTICAL = "vertical", _("Instansi vertikal")
    BUMN_BUMD = "bumn_bumd", _("BUMN/BUMD/badan layanan")
