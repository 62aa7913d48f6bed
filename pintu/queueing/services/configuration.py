"""Setting a site up and staffing it: queue settings, closed days, ticket categories, counters,
bookable time slots, kiosks, and an officer opening or closing a counter."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from pintu.accounts.access import principal_for
from pintu.accounts.constants import Role
from pintu.audit.services import audit_record
from pintu.core.errors import Conflict, ValidationFailed
from pintu.queueing import policies
from pintu.queueing.constants import (
    ACTIVE_STATUSES,
)
from pintu.queueing.models import (
    Counter,
    CounterCategory,
    Kiosk,
    QueueSite,
    SiteClosedDay,
    Ticket,
    TicketCategory,
    TimeSlot,
)
from pintu.queueing.services._common import (
    SITE_KINDS,
    _lock_counter,
    _principal,
    _require_site_staff,
    site_hours_on,
)
from pintu.queueing.statements import counter_config, counter_positions
from pintu.regions.constants import OrgUnitKind

# --- site settings ---------------------------------------------------------------------------------


def _require_manager(actor, site_unit) -> None:
    if actor is None:  # set-up and demo scripts
        return
    principal = principal_for(actor)
    unit_id, regency_id = site_unit.pk, site_unit.regency_id
    allowed = principal.has_role(Role.SITE_MANAGER, unit_id) or (
        principal.is_regency_admin and regency_id in principal.regency_ids
    )
    policies.require(allowed, "Hanya pengelola lokasi atau admin kabupaten yang dapat mengatur antrian ini.")


@transaction.atomic
def site_configure(*, actor, org_unit, **values) -> QueueSite:
    """Create or update the queue settings of an MPP site or a village office."""
    if org_unit.kind not in SITE_KINDS:
        raise ValidationFailed(
            "Antrian hanya untuk Mal Pelayanan Publik atau kantor desa/kelurahan.", code="queue.site_kind"
        )
    _require_manager(actor, org_unit)
    allowed = {
        "opening_hours",
        "wait_target_minutes",
        "recall_limit",
        "late_window_minutes",
        "slot_minutes",
        "priority_groups",
        "is_active",
    }
    unknown = set(values) - allowed
    if unknown:
        raise ValidationFailed(f"Pengaturan tidak dikenal: {', '.join(sorted(unknown))}.")
    errors = {}
    for day, hours in (values.get("opening_hours") or {}).items():
        try:
            ok = day in {str(i) for i in range(7)} and len(hours) == 2
            ok = ok and dt.time.fromisoformat(hours[0]) < dt.time.fromisoformat(hours[1])
        except (TypeError, ValueError):
            ok = False
        if not ok:
            errors["opening_hours"] = [
                'Tulis jam buka per hari sebagai ["08:00", "15:00"] (buka sebelum tutup).'
            ]
    for group in values.get("priority_groups") or []:
        if not isinstance(group, dict) or not group.get("code") or not group.get("name"):
            errors["priority_groups"] = ["Setiap kelompok prioritas perlu kode dan nama."]
    if values.get("slot_minutes") is not None and not 5 <= int(values["slot_minutes"]) <= 240:
        errors["slot_minutes"] = ["Lama sesi antara 5 dan 240 menit."]
    if errors:
        raise ValidationFailed(fields=errors)
    site, created = QueueSite.objects.select_for_update().get_or_create(org_unit=org_unit)
    for key, value in values.items():
        setattr(site, key, value)
    site.save()
    audit_record(actor=actor, verb="queue.site_configure", obj=site, changes={"created": created, **values})
    return site


@transaction.atomic
def site_close_day(*, actor, site: QueueSite, date: dt.date, reason: str) -> SiteClosedDay:
    _require_manager(actor, site.org_unit)
    if not reason.strip():
        raise ValidationFailed(fields={"reason": ["Tulis alasan lokasi tutup."]})
    day, _ = SiteClosedDay.objects.update_or_create(site=site, date=date, defaults={"reason": reason.strip()})
    audit_record(actor=actor, verb="queue.site_close_day", obj=site, changes={"date": date, "reason": reason})
    return day


@transaction.atomic
def category_define(
    *,
    actor,
    site: QueueSite,
    prefix: str,
    name: str,
    agency=None,
    services=(),
    position: int = 0,
    is_active=True,
) -> TicketCategory:
    """Create or update the category with ``prefix`` (one or two capital letters) at ``site``."""
    _require_manager(actor, site.org_unit)
    prefix = (prefix or "").strip().upper()
    errors = {}
    if not (1 <= len(prefix) <= 2 and prefix.isalpha() and prefix.isascii()):
        errors["prefix"] = ["Awalan berupa satu atau dua huruf, misalnya A atau PB."]
    if len((name or "").strip()) < 2:
        errors["name"] = ["Tulis nama kategori, misalnya nama instansi."]
    if agency is not None and agency.kind != OrgUnitKind.AGENCY:
        errors["agency"] = ["Pilih instansi (OPD atau instansi vertikal)."]
    services = list(services)
    if agency is not None and any(s.agency_id != agency.pk for s in services):
        errors["services"] = ["Layanan kategori harus milik instansi yang sama."]
    if errors:
        raise ValidationFailed(fields=errors)
    category, _created = TicketCategory.objects.update_or_create(
        site=site,
        prefix=prefix,
        defaults={"name": name.strip(), "agency": agency, "position": position, "is_active": is_active},
    )
    category.services.set(services)
    audit_record(
        actor=actor,
        verb="queue.category_define",
        obj=category,
        changes={"prefix": prefix, "name": name, "agency": agency, "services": [s.code for s in services]},
    )
    return category


@transaction.atomic
def counter_define(
    *, actor, site: QueueSite, number: int, categories, name: str = "", is_active=True
) -> Counter:
    """Create or update counter ``number``; ``categories`` in order (the first is its main one)."""
    _require_manager(actor, site.org_unit)
    categories = list(categories)
    if not categories:
        raise ValidationFailed(
            fields={"categories": ["Pilih paling sedikit satu kategori yang dilayani loket."]}
        )
    if any(c.site_id != site.pk for c in categories):
        raise ValidationFailed(fields={"categories": ["Kategori harus milik lokasi yang sama."]})
    counter, _created = Counter.objects.update_or_create(
        site=site, number=number, defaults={"name": name.strip(), "is_active": is_active}
    )
    CounterCategory.objects.filter(counter=counter).delete()
    CounterCategory.objects.bulk_create(
        CounterCategory(counter=counter, category=c, position=i) for i, c in enumerate(categories)
    )
    for cache in (counter_positions, counter_config):  # this process at once, the others within 10 s
        cache.cache_clear()
        transaction.on_commit(cache.cache_clear)
    audit_record(
        actor=actor,
        verb="queue.counter_define",
        obj=counter,
        changes={"number": number, "categories": [c.prefix for c in categories]},
    )
    return counter


@transaction.atomic
def timeslots_generate(
    *, actor, site: QueueSite, date_from: dt.date, date_to: dt.date, quota: int, categories=None
) -> int:
    """Create the bookable slots of the site's open days in [date_from, date_to]; existing slots
    keep their bookings (their quota is updated, never below what is booked). Returns how many
    slots were created."""
    _require_manager(actor, site.org_unit)
    if quota < 1 or quota > 500:
        raise ValidationFailed(fields={"quota": ["Kuota per sesi antara 1 dan 500."]})
    if date_to < date_from or (date_to - date_from).days > 92:
        raise ValidationFailed(
            fields={"date_to": ["Rentang paling panjang 3 bulan, tanggal akhir setelah awal."]}
        )
    categories = list(categories or site.categories.filter(is_active=True))
    step = dt.timedelta(minutes=site.slot_minutes)
    created = 0
    day = date_from
    while day <= date_to:
        hours = site_hours_on(site, day)
        if hours:
            start = dt.datetime.combine(day, hours[0])
            close = dt.datetime.combine(day, hours[1])
            while start + step <= close:
                for category in categories:
                    slot, made = TimeSlot.objects.get_or_create(
                        category=category,
                        date=day,
                        start=start.time(),
                        defaults={"site": site, "end": (start + step).time(), "quota": quota},
                    )
                    if made:
                        created += 1
                    elif slot.quota != quota:
                        TimeSlot.objects.filter(pk=slot.pk).update(quota=max(quota, slot.booked_count))
                start += step
        day += dt.timedelta(days=1)
    audit_record(
        actor=actor,
        verb="queue.timeslots_generate",
        obj=site,
        changes={"from": date_from, "to": date_to, "quota": quota, "created": created},
    )
    return created


# --- kiosks and counters ---------------------------------------------------------------------------


@transaction.atomic
def kiosk_open(*, actor, site: QueueSite, name: str = "") -> Kiosk:
    """Turn a device into a public kiosk of ``site``: a staff member of the site opens it (the
    device then keeps the kiosk token in a cookie and the staff member logs out)."""
    principal = _principal(actor)
    policies.require(
        principal is not None and policies.can_work_at(principal, site),
        "Kios hanya dapat dibuka oleh petugas lokasi ini. Masuk dengan akun petugas loket.",
    )
    kiosk = Kiosk.objects.create(
        site=site, name=(name or "Kios").strip()[:80], token=secrets.token_urlsafe(32), opened_by=actor
    )
    audit_record(actor=actor, verb="queue.kiosk_open", obj=kiosk, changes={"site": site.code})
    return kiosk


@transaction.atomic
def kiosk_close(*, actor, kiosk: Kiosk) -> None:
    principal = _principal(actor)
    policies.require(
        principal is not None and policies.can_work_at(principal, kiosk.site), "Tidak berwenang."
    )
    Kiosk.objects.filter(pk=kiosk.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit_record(actor=actor, verb="queue.kiosk_close", obj=kiosk)


def kiosk_for_token(token: str | None) -> Kiosk | None:
    if not token:
        return None
    return Kiosk.objects.select_related("site__org_unit").filter(token=token, revoked_at__isnull=True).first()


@transaction.atomic
def counter_open(*, actor, counter: Counter) -> Counter:
    """``actor`` sits at ``counter`` (and leaves any other counter it held)."""
    counter = _lock_counter(counter)
    _require_site_staff(actor, counter.site)
    if not counter.is_active:
        raise Conflict("Loket ini tidak aktif.", code="queue.counter_inactive")
    if counter.current_officer_id not in (None, actor.pk):
        raise Conflict(
            "Loket ini sedang dipakai petugas lain. Minta petugas itu menutup loket dulu.",
            code="queue.counter_taken",
        )
    previous = list(Counter.objects.filter(current_officer=actor).exclude(pk=counter.pk))
    for other in previous:
        if Ticket.objects.filter(counter=other, status__in=ACTIVE_STATUSES).exists():
            raise Conflict(
                f"Selesaikan atau tunda dulu tiket yang sedang Anda layani di {other.label}.",
                code="queue.counter_busy",
            )
    Counter.objects.filter(pk__in=[c.pk for c in previous]).update(
        current_officer=None, opened_at=None, board_version=F("board_version") + 1
    )
    now = timezone.now()
    Counter.objects.filter(pk=counter.pk).update(
        current_officer=actor, opened_at=now, board_version=F("board_version") + 1
    )
    counter.current_officer, counter.opened_at = actor, now
    audit_record(actor=actor, verb="queue.counter_open", obj=counter)
    return counter


@transaction.atomic
def counter_close(*, actor, counter: Counter) -> Counter:
    counter = _lock_counter(counter)
    principal = _principal(actor)
    allowed = principal is not None and (
        counter.current_officer_id == actor.pk or policies.can_manage(principal, counter.site)
    )
    policies.require(allowed, "Hanya petugas di loket ini atau pengelola lokasi yang dapat menutupnya.")
    if Ticket.objects.filter(counter=counter, status__in=ACTIVE_STATUSES).exists():
        raise Conflict("Selesaikan atau tunda dulu tiket yang sedang dilayani.", code="queue.counter_busy")
    Counter.objects.filter(pk=counter.pk).update(
        current_officer=None, opened_at=None, board_version=F("board_version") + 1
    )
    counter.current_officer = None
    audit_record(actor=actor, verb="queue.counter_close", obj=counter)
    return counter


def base_url() -> str:
    return settings.PINTU_BASE_URL
