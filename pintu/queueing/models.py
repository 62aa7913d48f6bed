"""The queue of a service site (an MPP or a village office): categories, counters, bookings,
tickets and their append-only history.

Concurrency by construction:

* ticket numbers come from one ``TicketSequence`` row per (category, day), locked inside the
  transaction, and are guarded by a unique constraint on (site, category, service_date, sequence);
* a counter holds at most one called/serving ticket (partial unique index);
* a slot's ``booked_count`` never exceeds its quota (check constraint, ``F()`` updates).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pintu.queueing.constants import (
    ACTIVE_STATUSES,
    DEFAULT_OPENING_HOURS,
    DEFAULT_PRIORITY_GROUPS,
    BookingStatus,
    TicketAction,
    TicketOutcome,
    TicketSource,
    TicketStatus,
)


def _default_hours():
    return dict(DEFAULT_OPENING_HOURS)


def _default_priority_groups():
    return [dict(g) for g in DEFAULT_PRIORITY_GROUPS]


class QueueSite(models.Model):
    """Queue settings of one org unit (kind ``mpp_site`` or ``village_office``)."""

    org_unit = models.OneToOneField(
        "regions.OrgUnit", on_delete=models.PROTECT, related_name="queue_site", verbose_name=_("unit kerja")
    )
    # {"0": ["08:00", "15:00"], …}: weekday (Monday = 0) → opening and closing time; a missing
    # weekday is closed. National holidays, cuti bersama and regency days off are always closed.
    opening_hours = models.JSONField(_("jam buka"), default=_default_hours)
    wait_target_minutes = models.PositiveSmallIntegerField(_("target waktu tunggu (menit)"), default=30)
    recall_limit = models.PositiveSmallIntegerField(
        _("batas panggil ulang"), default=2, help_text=_("Panggil ulang berikutnya menandai tidak hadir.")
    )
    late_window_minutes = models.PositiveSmallIntegerField(_("toleransi terlambat (menit)"), default=15)
    slot_minutes = models.PositiveSmallIntegerField(_("lama sesi pesan (menit)"), default=30)
    priority_groups = models.JSONField(_("kelompok prioritas"), default=_default_priority_groups)
    is_active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lokasi antrian")
        verbose_name_plural = _("lokasi antrian")

    def __str__(self) -> str:
        return str(self.org_unit)

    @property
    def code(self) -> str:
        return self.org_unit.code

    def priority_group_names(self) -> dict[str, str]:
        return {g["code"]: g["name"] for g in self.priority_groups or []}


class SiteClosedDay(models.Model):
    """A day this site is closed beyond the regency calendar (renovation, local event)."""

    site = models.ForeignKey(QueueSite, on_delete=models.CASCADE, related_name="closed_days")
    date = models.DateField(_("tanggal"))
    reason = models.CharField(_("keterangan"), max_length=120)

    class Meta:
        verbose_name = _("hari tutup lokasi")
        verbose_name_plural = _("hari tutup lokasi")
        constraints = [models.UniqueConstraint(fields=["site", "date"], name="queue_closed_day_unique")]

    def __str__(self) -> str:
        return f"{self.date:%d-%m-%Y} {self.reason}"


class TicketCategory(models.Model):
    """What a ticket is for: an agency at the site, or a group of its catalogue services."""

    site = models.ForeignKey(QueueSite, on_delete=models.PROTECT, related_name="categories")
    agency = models.ForeignKey(
        "regions.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    services = models.ManyToManyField("catalog.Service", blank=True, related_name="+")
    prefix = models.CharField(_("huruf awalan"), max_length=2)
    name = models.CharField(_("nama"), max_length=120)
    position = models.PositiveSmallIntegerField(_("urutan"), default=0)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        verbose_name = _("kategori antrian")
        verbose_name_plural = _("kategori antrian")
        ordering = ["site", "position", "prefix"]
        constraints = [
            models.UniqueConstraint(fields=["site", "prefix"], name="queue_category_prefix_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.prefix} · {self.name}"


class Counter(models.Model):
    """A counter (loket): serves some categories; staffed by one logged-in officer at a time."""

    site = models.ForeignKey(QueueSite, on_delete=models.PROTECT, related_name="counters")
    number = models.PositiveSmallIntegerField(_("nomor loket"))
    name = models.CharField(_("nama"), max_length=120, blank=True)
    categories = models.ManyToManyField(TicketCategory, through="CounterCategory", related_name="counters")
    current_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)
    # Bumped (F() + 1) by every change the display board shows; the board's version is the sum
    # over the site's counters, so no single row is a hot spot.
    board_version = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("loket")
        verbose_name_plural = _("loket")
        ordering = ["site", "number"]
        constraints = [
            models.UniqueConstraint(fields=["site", "number"], name="queue_counter_number_unique"),
            models.UniqueConstraint(
                fields=["current_officer"],
                condition=models.Q(current_officer__isnull=False),
                name="queue_officer_one_counter",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.name or f"Loket {self.number}"


class CounterCategory(models.Model):
    """A category a counter serves; ``position`` 0 is its main category, later ones it helps
    with when its main categories have nobody waiting."""

    counter = models.ForeignKey(Counter, on_delete=models.CASCADE)
    category = models.ForeignKey(TicketCategory, on_delete=models.CASCADE)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["counter", "position"]
        constraints = [
            models.UniqueConstraint(fields=["counter", "category"], name="queue_counter_category_unique")
        ]

    def __str__(self) -> str:
        return f"{self.counter_id}:{self.category_id}"


class Kiosk(models.Model):
    """A ticket kiosk device, opened by a staff member of the site and then used by the public.

    The device holds a signed cookie with ``token``; closing the kiosk revokes it.
    """

    site = models.ForeignKey(QueueSite, on_delete=models.CASCADE, related_name="kiosks")
    name = models.CharField(_("nama"), max_length=80)
    token = models.CharField(max_length=64, unique=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("kios antrian")
        verbose_name_plural = _("kios antrian")

    def __str__(self) -> str:
        return self.name


class TimeSlot(models.Model):
    """A bookable period of one category on one day, with a quota."""

    site = models.ForeignKey(QueueSite, on_delete=models.CASCADE, related_name="slots")
    category = models.ForeignKey(TicketCategory, on_delete=models.CASCADE, related_name="slots")
    date = models.DateField(_("tanggal"))
    start = models.TimeField(_("mulai"))
    end = models.TimeField(_("selesai"))
    quota = models.PositiveSmallIntegerField(_("kuota"))
    booked_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("sesi pesan antrian")
        verbose_name_plural = _("sesi pesan antrian")
        ordering = ["date", "start"]
        constraints = [
            models.UniqueConstraint(fields=["category", "date", "start"], name="queue_slot_unique"),
            models.CheckConstraint(
                condition=models.Q(booked_count__lte=models.F("quota")), name="queue_slot_within_quota"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d-%m-%Y} {self.start:%H.%M}"

    @property
    def remaining(self) -> int:
        return max(0, self.quota - self.booked_count)


class Booking(models.Model):
    """A citizen's booked visit; checked in by QR at the site, which makes a ticket."""

    site = models.ForeignKey(QueueSite, on_delete=models.PROTECT, related_name="bookings")
    category = models.ForeignKey(TicketCategory, on_delete=models.PROTECT, related_name="bookings")
    slot = models.ForeignKey(TimeSlot, on_delete=models.PROTECT, related_name="bookings")
    citizen = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("kode pesan"), max_length=12, unique=True)
    status = models.CharField(max_length=12, choices=BookingStatus.choices, default=BookingStatus.BOOKED)
    priority_group = models.CharField(max_length=20, blank=True)
    ticket = models.OneToOneField(
        "Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="booking"
    )
    reminder_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("pesan antrian")
        verbose_name_plural = _("pesan antrian")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["citizen", "-created_at"], name="queue_booking_citizen")]
        constraints = [
            # One active booking per citizen, category and day.
            models.UniqueConstraint(
                fields=["citizen", "slot"],
                condition=models.Q(status="booked"),
                name="queue_booking_once_per_slot",
            )
        ]

    def __str__(self) -> str:
        return self.code


class TicketSequence(models.Model):
    """The last number given in one category on one day (locked with select_for_update)."""

    site = models.ForeignKey(QueueSite, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(TicketCategory, on_delete=models.CASCADE, related_name="+")
    service_date = models.DateField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["category", "service_date"], name="queue_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.category_id} {self.service_date}: {self.last_value}"


class Ticket(models.Model):
    site = models.ForeignKey(QueueSite, on_delete=models.PROTECT, related_name="tickets")
    category = models.ForeignKey(TicketCategory, on_delete=models.PROTECT, related_name="tickets")
    # The category the number was drawn in (the printed number stays after a transfer).
    number_category = models.ForeignKey(TicketCategory, on_delete=models.PROTECT, related_name="+")
    service_date = models.DateField()
    sequence = models.PositiveIntegerField()
    display_number = models.CharField(max_length=8)
    public_code = models.CharField(max_length=16, unique=True)
    priority_group = models.CharField(max_length=20, blank=True)
    source = models.CharField(max_length=10, choices=TicketSource.choices)
    status = models.CharField(max_length=10, choices=TicketStatus.choices, default=TicketStatus.WAITING)
    arrived_at = models.DateTimeField()  # kept on transfer: the place in line
    # Set while a checked-in booking is within its slot: from then it goes before walk-ins.
    booked_from = models.DateTimeField(null=True, blank=True)
    target_counter = models.ForeignKey(
        Counter, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    counter = models.ForeignKey(Counter, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kiosk = models.ForeignKey(Kiosk, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    first_called_at = models.DateTimeField(null=True, blank=True)
    called_at = models.DateTimeField(null=True, blank=True)
    recall_count = models.PositiveSmallIntegerField(default=0)
    served_started_at = models.DateTimeField(null=True, blank=True)
    served_finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=TicketOutcome.choices, blank=True)
    # Figures for the statistics, written once when they become known (aggregates stay plain).
    wait_seconds = models.PositiveIntegerField(null=True, blank=True)  # first call − arrival
    service_seconds = models.PositiveIntegerField(null=True, blank=True)  # finish − start
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="queue_tickets"
    )
    event_count = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tiket antrian")
        verbose_name_plural = _("tiket antrian")
        ordering = ["service_date", "arrived_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "number_category", "service_date", "sequence"],
                name="queue_ticket_number_unique",
            ),
            models.UniqueConstraint(
                fields=["counter"],
                condition=models.Q(status__in=[s.value for s in ACTIVE_STATUSES]),
                name="queue_counter_one_active_ticket",
            ),
        ]
        indexes = [
            models.Index(fields=["site", "service_date", "status"], name="queue_ticket_site_day"),
            models.Index(
                fields=["category", "status", "arrived_at"],
                condition=models.Q(status="waiting"),
                name="queue_ticket_waiting",
            ),
        ]

    def __str__(self) -> str:
        return self.display_number


class TicketEvent(models.Model):
    """Append-only history of a ticket."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveIntegerField()
    action = models.CharField(max_length=12, choices=TicketAction.choices)
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    counter = models.ForeignKey(Counter, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["ticket", "seq"]
        constraints = [models.UniqueConstraint(fields=["ticket", "seq"], name="queue_ticket_event_seq")]

    def __str__(self) -> str:
        return f"{self.ticket_id}#{self.seq} {self.action}"


__all__ = [
    "Booking",
    "Counter",
    "CounterCategory",
    "Kiosk",
    "QueueSite",
    "SiteClosedDay",
    "Ticket",
    "TicketCategory",
    "TicketEvent",
    "TicketOutcome",
    "TicketSequence",
    "TimeSlot",
]
