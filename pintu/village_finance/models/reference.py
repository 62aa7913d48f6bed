"""Reference lists: accounts (Lampiran Permendagri 20/2018), bidang, sub-bidang, kegiatan kinds,
fund sources."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Account(models.Model):
    """A row of the APBDes chart of accounts (4 income, 5 spending, 6 financing, 7 non-budget)."""

    code = models.CharField(_("kode"), max_length=20, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    level = models.PositiveSmallIntegerField(_("tingkat"))  # 1 akun … 4 objek
    parent_code = models.CharField(max_length=20, blank=True)
    is_leaf = models.BooleanField(_("objek (boleh dianggarkan)"), default=False)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def root(self) -> str:
        return self.code.split(".", 1)[0]


class Bidang(models.Model):
    code = models.CharField(_("kode"), max_length=10, unique=True)  # "1"
    siskeudes_code = models.CharField(_("kode Siskeudes"), max_length=10, unique=True)  # "01"
    name = models.CharField(_("nama"), max_length=200)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.siskeudes_code} {self.name}"


class SubBidang(models.Model):
    bidang = models.ForeignKey(Bidang, on_delete=models.PROTECT, related_name="sub_bidang")
    code = models.CharField(_("kode"), max_length=10, unique=True)  # "1.1"
    siskeudes_code = models.CharField(_("kode Siskeudes"), max_length=10, unique=True)  # "01.01"
    name = models.CharField(_("nama"), max_length=250)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.siskeudes_code} {self.name}"


class ActivityKind(models.Model):
    """A kegiatan of the Lampiran (or a regional 90-99 addition)."""

    sub_bidang = models.ForeignKey(SubBidang, on_delete=models.PROTECT, related_name="kinds")
    code = models.CharField(_("kode"), max_length=16, unique=True)  # "1.1.01"
    siskeudes_code = models.CharField(_("kode Siskeudes"), max_length=16, unique=True)  # "01.01.01"
    name = models.CharField(_("nama"), max_length=300)
    short_name = models.CharField(_("nama singkat"), max_length=300, blank=True)

    class Meta:
        ordering = ["siskeudes_code"]

    def __str__(self):
        return f"{self.siskeudes_code} {self.short_name or self.name}"


class FundSource(models.Model):
    code = models.CharField(_("kode"), max_length=10, unique=True)
    name = models.CharField(_("nama"), max_length=120)
    is_dana_desa = models.BooleanField(_("Dana Desa"), default=False)
    sort = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["sort", "code"]

    def __str__(self):
        return self.code
