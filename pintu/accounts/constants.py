from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountType(models.TextChoices):
    CITIZEN = "citizen", _("Warga")
    STAFF = "staff", _("Petugas")
    SYSTEM = "system", _("Sistem (integrasi)")


class Role(models.TextChoices):
    VILLAGE_OPERATOR = "village_operator", _("Operator desa")
    VILLAGE_HEAD = "village_head", _("Kepala desa/lurah")
    VILLAGE_SECRETARY = "village_secretary", _("Sekretaris desa")
    VILLAGE_TREASURER = "village_treasurer", _("Kaur keuangan desa")
    DISTRICT_OFFICER = "district_officer", _("Camat/petugas kecamatan")
    AGENCY_FRONT_OFFICE = "agency_front_office", _("Petugas front office instansi")
    AGENCY_VERIFIER = "agency_verifier", _("Verifikator instansi")
    AGENCY_APPROVER = "agency_approver", _("Pejabat penyetuju instansi")
    COUNTER_OFFICER = "counter_officer", _("Petugas loket")
    SITE_MANAGER = "site_manager", _("Pengelola lokasi layanan")
    REGENCY_ADMIN = "regency_admin", _("Admin kabupaten")


# Which kind of org unit each role may be granted on.
ROLE_UNIT_KINDS: dict[str, frozenset[str]] = {
    Role.VILLAGE_OPERATOR: frozenset({"village_office"}),
    Role.VILLAGE_HEAD: frozenset({"village_office"}),
    Role.VILLAGE_SECRETARY: frozenset({"village_office"}),
    Role.VILLAGE_TREASURER: frozenset({"village_office"}),
    Role.DISTRICT_OFFICER: frozenset({"district_office"}),
    Role.AGENCY_FRONT_OFFICE: frozenset({"agency", "mpp_site"}),
    Role.AGENCY_VERIFIER: frozenset({"agency"}),
    Role.AGENCY_APPROVER: frozenset({"agency"}),
    Role.COUNTER_OFFICER: frozenset({"mpp_site", "village_office"}),
    Role.SITE_MANAGER: frozenset({"mpp_site", "village_office"}),
    Role.REGENCY_ADMIN: frozenset({"regency_government"}),
}

VILLAGE_ROLES = frozenset({Role.VILLAGE_OPERATOR, Role.VILLAGE_HEAD})
AGENCY_ROLES = frozenset({Role.AGENCY_FRONT_OFFICE, Role.AGENCY_VERIFIER, Role.AGENCY_APPROVER})
