"""Write path for the regency's own days off (the working-day calendar's local holidays)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction

from pintu.audit.services import audit_record
from pintu.core.calendar import regency_days_off
from pintu.core.errors import ValidationFailed
from pintu.core.models import DayOff

DAY_OFF_NAME_MAX = DayOff._meta.get_field("name").max_length


# --- regency days off --------------------------------------------------------------------------


@transaction.atomic
def day_off_add(*, actor, date: dt.date, name: str, regency_code: str | None = None) -> DayOff:
    """Close the regency's offices on ``date`` (e.g. Hari Jadi Banyuwangi, 18 December)."""
    regency_code = regency_code or settings.PINTU_REGENCY_CODE
    name = " ".join((name or "").split())
    errors = {}
    if not isinstance(date, dt.date):
        errors["date"] = ["Tanggal wajib diisi."]
    elif DayOff.objects.filter(regency_code=regency_code, date=date).exists():
        errors["date"] = [f"Tanggal {date:%d-%m-%Y} sudah tercatat sebagai hari libur daerah."]
    if not name:
        errors["name"] = ["Tulis keterangan hari libur, misalnya 'Hari Jadi Banyuwangi'."]
    elif len(name) > DAY_OFF_NAME_MAX:
        errors["name"] = [f"Keterangan paling banyak {DAY_OFF_NAME_MAX} karakter."]
    if errors:
        raise ValidationFailed(fields=errors)
    try:
        with transaction.atomic():
            day_off = DayOff.objects.create(regency_code=regency_code, date=date, name=name)
    except IntegrityError as exc:  # a concurrent add of the same date
        raise ValidationFailed(
            fields={"date": [f"Tanggal {date:%d-%m-%Y} sudah tercatat sebagai hari libur daerah."]}
        ) from exc
    transaction.on_commit(regency_days_off.cache_clear)
    audit_record(
        actor=actor,
        verb="day_off.add",
        obj=day_off,
        changes={"regency_code": regency_code, "date": date, "name": name},
    )
    return day_off


@transaction.atomic
def day_off_remove(*, actor, day_off: DayOff) -> None:
    day_off = DayOff.objects.select_for_update().filter(pk=day_off.pk).first()
    if day_off is None:
        return
    audit_record(
        actor=actor,
        verb="day_off.remove",
        obj=day_off,
        changes={"regency_code": day_off.regency_code, "date": day_off.date, "name": day_off.name},
    )
    day_off.delete()
    transaction.on_commit(regency_days_off.cache_clear)
