"""Regions from Kemendagri codes and the org units that hang off them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from pintu.regions.constants import AgencyKind, OrgUnitKind, RegencyKind, VillageKind


class Province(models.Model):
    code = models.CharField(_("kode"), max_length=2, unique=True)
    name = models.CharField(_("nama"), max_length=100)

    class Meta:
        verbose_name = _("provinsi")
        verbose_name_plural = _("provinsi")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Regency(models.Model):
    code = models.CharField(_("kode"), max_length=5, unique=True)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="regencies")
    name = models.CharField(_("nama"), max_length=100)
    kind = models.CharField(_("jenis"), max_length=10, choices=RegencyKind.choices)

    class Meta:
        verbose_name = _("kabupaten/kota")
        verbose_name_plural = _("kabupaten/kota")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    code = models.CharField(_("kode"), max_length=8, unique=True)
    regency = models.ForeignKey(Regency, on_delete=models.PROTECT, related_name="districts")
    name = models.CharField(_("nama"), max_length=100)

    class Meta:
        verbose_name = _("kecamatan")
        verbose_name_plural = _("kecamatan")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Village(models.Model):
    code = models.CharField(_("kode"), max_length=13, unique=True)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="villages")
    name = models.CharField(_("nama"), max_length=100)
    kind = models.CharField(_("jenis"), max_length=10, choices=VillageKind.choices)

    class Meta:
        verbose_name = _("desa/kelurahan")
        verbose_name_plural = _("desa/kelurahan")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name}"


class ReferenceEdition(models.Model):
    """Which edition of a reference data set is loaded (codes change between editions)."""

    dataset = models.CharField(max_length=40, unique=True)
    edition = models.CharField(max_length=200)
    rows = models.PositiveIntegerField(default=0)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("edisi data rujukan")
        verbose_name_plural = _("edisi data rujukan")

    def __str__(self) -> str:
        return f"{self.dataset}: {self.edition}"


class OrgUnit(models.Model):
    """An office that owns work: the regency government, an agency, an MPP site, a kecamatan
    office or a village office. Roles are granted per org unit."""

    kind = models.CharField(_("jenis"), max_length=20, choices=OrgUnitKind.choices, db_index=True)
    code = models.CharField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    short_name = models.CharField(_("nama singkat"), max_length=60, blank=True)
    regency = models.ForeignKey(Regency, on_delete=models.PROTECT, related_name="org_units")
    district = models.ForeignKey(
        District, null=True, blank=True, on_delete=models.PROTECT, related_name="org_units"
    )
    village = models.ForeignKey(
        Village, null=True, blank=True, on_delete=models.PROTECT, related_name="org_units"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    agency_kind = models.CharField(_("jenis instansi"), max_length=12, choices=AgencyKind.choices, blank=True)
    address = models.CharField(_("alamat"), max_length=255, blank=True)
    phone = models.CharField(_("telepon"), max_length=40, blank=True)
    email = models.EmailField(_("surel"), blank=True)
    website = models.URLField(_("situs web"), blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        verbose_name = _("unit kerja")
        verbose_name_plural = _("unit kerja")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["village"],
                condition=models.Q(kind="village_office"),
                name="orgunit_one_office_per_village",
            ),
            models.UniqueConstraint(
                fields=["district"],
                condition=models.Q(kind="district_office"),
                name="orgunit_one_office_per_district",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="village_office") | models.Q(village__isnull=False),
                name="orgunit_village_office_has_village",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="district_office") | models.Q(district__isnull=False),
                name="orgunit_district_office_has_district",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name
