"""The village population registry: hamlets, families (KK), residents, their events, the
precomputed statistics, imports/exports, the access log and citizen links.

Codes (religion, occupation, …) are stored as the numeric codes of the Dukcapil/OpenSID code
lists in ``data/`` (see ``codes``); labels come from there.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pintu.population import codes
from pintu.population.constants import (
    Dimension,
    EventKind,
    FamilyStatus,
    ImportStatus,
    LinkStatus,
    ResidentStatus,
    Sex,
)


class Hamlet(models.Model):
    """A dusun (or lingkungan) of a village."""

    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="hamlets")
    name = models.CharField(_("nama dusun"), max_length=100)
    code = models.CharField(_("kode"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("dusun")
        verbose_name_plural = _("dusun")
        ordering = ["village", "name"]
        constraints = [
            models.UniqueConstraint(fields=["village", "name"], name="hamlet_unique_name_per_village"),
        ]

    def __str__(self) -> str:
        return self.name


# Foreign keys without an index of their own: no query looks a row up by them (a hamlet's
# residents are listed within the village, by name, through resident_village_name), and nothing in
# Pintu deletes a hamlet or a resident (statuses change instead), so the referencing side is never
# searched. Each index is paid for by every one of a regency's ~1.7 million rows on import.
NO_REVERSE_INDEX = ("Family.hamlet", "Family.head", "Resident.hamlet")


class Family(models.Model):
    """A family card (Kartu Keluarga)."""

    # Unique (constraint below): a UniqueConstraint, not unique=True, which on PostgreSQL would add
    # a second, pattern-ops index that no query uses (numbers are looked up whole).
    kk_number = models.CharField(_("nomor KK"), max_length=16)
    # Indexed by family_village_status (village first); no index of its own.
    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+", db_index=False)
    # No index of its own (NO_REVERSE_INDEX below).
    hamlet = models.ForeignKey(
        Hamlet, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    rw = models.CharField(_("RW"), max_length=3, blank=True)
    rt = models.CharField(_("RT"), max_length=3, blank=True)
    address = models.CharField(_("alamat"), max_length=255, blank=True)
    # No index of its own (NO_REVERSE_INDEX below): the head is reached from the family.
    head = models.ForeignKey(
        "population.Resident",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    status = models.CharField(
        _("status"), max_length=10, choices=FamilyStatus.choices, default=FamilyStatus.ACTIVE
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("keluarga (KK)")
        verbose_name_plural = _("keluarga (KK)")
        constraints = [models.UniqueConstraint(fields=["kk_number"], name="family_kk_number_unique")]
        indexes = [models.Index(fields=["village", "status"], name="family_village_status")]

    def __str__(self) -> str:
        return self.kk_number


class Resident(models.Model):
    """A person in a village's register. Moving to another Pintu village moves this row."""

    # Indexed by resident_village_name (village first); no index of its own: every index is paid
    # for by each of a regency's 1.7 million rows on import.
    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+", db_index=False)
    family = models.ForeignKey(
        Family, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    nik = models.CharField(_("NIK"), max_length=16)
    nik_is_temporary = models.BooleanField(_("NIK sementara"), default=False)
    full_name = models.CharField(_("nama lengkap"), max_length=150)
    name_key = models.CharField(max_length=150, editable=False)  # upper-case, for prefix search
    sex = models.PositiveSmallIntegerField(_("jenis kelamin"), choices=Sex.choices)
    birth_place = models.CharField(_("tempat lahir"), max_length=100, blank=True)
    birth_date = models.DateField(_("tanggal lahir"))
    birth_certificate = models.CharField(_("nomor akta kelahiran"), max_length=40, blank=True)
    religion = models.PositiveSmallIntegerField(_("agama"), choices=codes.choices("agama"))
    education = models.PositiveSmallIntegerField(
        _("pendidikan (dalam KK)"), choices=codes.choices("pendidikan_kk"), default=1
    )
    education_current = models.PositiveSmallIntegerField(
        _("pendidikan sedang ditempuh"), choices=codes.choices("pendidikan_sedang"), null=True, blank=True
    )
    occupation = models.PositiveSmallIntegerField(
        _("pekerjaan"), choices=codes.choices("pekerjaan"), default=1
    )
    marital_status = models.PositiveSmallIntegerField(
        _("status perkawinan"), choices=codes.choices("status_perkawinan"), default=1
    )
    blood_type = models.PositiveSmallIntegerField(
        _("golongan darah"), choices=codes.choices("golongan_darah"), default=13
    )
    family_relation = models.PositiveSmallIntegerField(
        _("hubungan dalam keluarga"), choices=codes.choices("hubungan_keluarga"), default=11
    )
    citizenship = models.PositiveSmallIntegerField(
        _("kewarganegaraan"), choices=codes.choices("warganegara"), default=1
    )
    disability = models.PositiveSmallIntegerField(_("disabilitas"), choices=codes.choices("cacat"), default=7)
    residency = models.PositiveSmallIntegerField(
        _("status penduduk"), choices=codes.choices("status_penduduk"), default=1
    )
    father_nik = models.CharField(_("NIK ayah"), max_length=16, blank=True)
    father_name = models.CharField(_("nama ayah"), max_length=150, blank=True)
    mother_nik = models.CharField(_("NIK ibu"), max_length=16, blank=True)
    mother_name = models.CharField(_("nama ibu"), max_length=150, blank=True)
    marriage_date = models.DateField(_("tanggal perkawinan"), null=True, blank=True)
    phone = models.CharField(_("telepon"), max_length=20, blank=True)
    # No index of its own (NO_REVERSE_INDEX above).
    hamlet = models.ForeignKey(
        Hamlet, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    rw = models.CharField(_("RW"), max_length=3, blank=True)
    rt = models.CharField(_("RT"), max_length=3, blank=True)
    address = models.CharField(_("alamat"), max_length=255, blank=True)
    status = models.PositiveSmallIntegerField(
        _("status dasar"), choices=codes.choices("status_dasar"), default=ResidentStatus.ALIVE
    )
    status_date = models.DateField(_("tanggal status"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("penduduk")
        verbose_name_plural = _("penduduk")
        constraints = [
            # NIK unique among current records (a record marked "tidak valid" keeps its NIK).
            models.UniqueConstraint(
                fields=["nik"], condition=~models.Q(status=9), name="resident_nik_unique_current"
            ),
        ]
        indexes = [
            # name prefix search within a village (LIKE 'X%' on PostgreSQL needs pattern ops)
            models.Index(
                fields=["village", "name_key"],
                name="resident_village_name",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            ),
            # name prefix search regency-wide: index resident_name_c, created by migration 0001
            # (PostgreSQL: on name_key COLLATE "C", read in order, see selectors.resident_search)
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def is_alive(self) -> bool:
        return self.status == ResidentStatus.ALIVE

    def label(self, field: str) -> str:
        list_name = FIELD_CODE_LISTS[field]
        return codes.label(list_name, getattr(self, field))


FIELD_CODE_LISTS = {
    "sex": "jenis_kelamin",
    "religion": "agama",
    "education": "pendidikan_kk",
    "education_current": "pendidikan_sedang",
    "occupation": "pekerjaan",
    "marital_status": "status_perkawinan",
    "blood_type": "golongan_darah",
    "family_relation": "hubungan_keluarga",
    "citizenship": "warganegara",
    "disability": "cacat",
    "residency": "status_penduduk",
    "status": "status_dasar",
}


class TemporaryNikSequence(models.Model):
    """Last serial of temporary NIKs per village (locked with select_for_update)."""

    village = models.OneToOneField("regions.Village", on_delete=models.PROTECT, related_name="+")
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.village_id}: {self.last}"


class PopulationEvent(models.Model):
    """Append-only log of population events. A transfer between two Pintu villages writes a
    move_out in the old village and a move_in in the new one, linked by ``pair``."""

    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+")
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="events")
    family = models.ForeignKey(Family, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(_("peristiwa"), max_length=16, choices=EventKind.choices)
    event_date = models.DateField(_("tanggal peristiwa"))
    move_scope = models.PositiveSmallIntegerField(
        _("jenis pindah"), choices=codes.choices("jenis_pindah"), null=True, blank=True
    )
    other_village = models.ForeignKey(
        "regions.Village", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    other_place = models.CharField(_("asal/tujuan"), max_length=255, blank=True)
    pair = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="paired_with"
    )
    note = models.TextField(_("keterangan"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("peristiwa kependudukan")
        verbose_name_plural = _("peristiwa kependudukan")
        indexes = [
            models.Index(fields=["village", "-recorded_at"], name="popevent_village_recent"),
            models.Index(fields=["resident", "recorded_at"], name="popevent_resident"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.event_date}"


class PopulationCount(models.Model):
    """Living residents of a village per dimension and bucket, split by sex. Kept current by
    the event services with F() increments; rebuilt by ``population_stats_rebuild``."""

    village = models.ForeignKey("regions.Village", on_delete=models.CASCADE, related_name="+")
    dimension = models.CharField(max_length=12, choices=Dimension.choices)
    bucket = models.IntegerField()  # a code of the dimension's list, or the birth year
    male = models.IntegerField(default=0)
    female = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["village", "dimension", "bucket"], name="popcount_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.village_id} {self.dimension} {self.bucket}"


class PopulationMonthly(models.Model):
    """Monthly change counts of a village (month = first day of the month)."""

    village = models.ForeignKey("regions.Village", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    births = models.IntegerField(default=0)
    deaths = models.IntegerField(default=0)
    moved_in = models.IntegerField(default=0)
    moved_out = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["village", "month"], name="popmonthly_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.village_id} {self.month:%Y-%m}"


class ResidentAccessLog(models.Model):
    """Who looked at a resident's full record, when and why (UU 27/2022). Never deleted."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(_("keperluan"), max_length=200)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("log akses data penduduk")
        verbose_name_plural = _("log akses data penduduk")
        indexes = [models.Index(fields=["village", "-at"], name="accesslog_village_recent")]

    def __str__(self) -> str:
        return f"{self.actor_id} → {self.resident_id} ({self.purpose})"


class ImportJob(models.Model):
    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to="population/imports/%Y/%m/")
    file_name = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    total_rows = models.IntegerField(default=0)
    processed_rows = models.IntegerField(default=0)
    created_count = models.IntegerField(default=0)
    updated_count = models.IntegerField(default=0)
    unchanged_count = models.IntegerField(default=0)
    failed_count = models.IntegerField(default=0)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name

    @property
    def percent(self) -> int:
        if self.status == ImportStatus.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(99, self.processed_rows * 100 // self.total_rows)

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)


class ImportRowError(models.Model):
    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="errors")
    row_number = models.IntegerField()
    nik = models.CharField(max_length=40, blank=True)
    full_name = models.CharField(max_length=150, blank=True)
    message = models.TextField()

    class Meta:
        ordering = ["row_number"]

    def __str__(self) -> str:
        return f"{self.row_number}: {self.message}"


class ExportLog(models.Model):
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+")
    format = models.CharField(max_length=5)
    filters = models.JSONField(default=dict)
    row_count = models.IntegerField()
    at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.actor_id} {self.format} {self.row_count}"


class ResidentLink(models.Model):
    """A citizen account's claim to be a resident, verified by the resident's village."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="links")
    status = models.CharField(max_length=10, choices=LinkStatus.choices, default=LinkStatus.PENDING)
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("alasan"), max_length=255, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(status="verified"), name="link_one_verified_per_user"
            ),
            models.UniqueConstraint(
                fields=["user", "resident"],
                condition=models.Q(status__in=["pending", "verified"]),
                name="link_one_open_per_user_resident",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.resident_id} ({self.status})"
