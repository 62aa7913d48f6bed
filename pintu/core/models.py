from django.db import models
from django.utils.translation import gettext_lazy as _


class DayOff(models.Model):
    """A day the regency closes its offices beyond national holidays and cuti bersama.

    Examples: a regency anniversary (Hari Jadi Banyuwangi, 18 December) or a local election day.
    """

    regency_code = models.CharField(_("kode kabupaten"), max_length=5, db_index=True)
    date = models.DateField(_("tanggal"))
    name = models.CharField(_("keterangan"), max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hari libur daerah")
        verbose_name_plural = _("hari libur daerah")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["regency_code", "date"], name="dayoff_unique_per_regency"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d-%m-%Y} {self.name}"
