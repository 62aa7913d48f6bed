"""Write path for the regency's own days off, and (for now) the profile update of staff accounts.

``user_update`` belongs in ``pintu.accounts.services``; it lives here only until that module
gains it, and should move there unchanged.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from pintu.accounts.models import User
from pintu.accounts.services import validate_phone
from pintu.audit.services import audit_record
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


# --- staff accounts ----------------------------------------------------------------------------

USER_UPDATE_FIELDS = ("full_name", "email", "phone", "is_active")


@transaction.atomic
def user_update(*, actor, user: User, **fields) -> User:
    """Change a staff or system account's profile or switch it on/off (not its roles or password)."""
    unknown = set(fields) - set(USER_UPDATE_FIELDS)
    if unknown:
        raise ValueError(f"unknown user fields {sorted(unknown)}")
    errors = {}
    if "full_name" in fields:
        fields["full_name"] = " ".join((fields["full_name"] or "").split())
    if "email" in fields:
        fields["email"] = (fields["email"] or "").strip().lower()
        if fields["email"]:
            try:
                validate_email(fields["email"])
            except DjangoValidationError:
                errors["email"] = ["Alamat surel tidak valid, contoh: nama@contoh.id."]
            else:
                if User.objects.filter(email__iexact=fields["email"]).exclude(pk=user.pk).exists():
                    errors["email"] = ["Surel sudah dipakai akun lain."]
    if "phone" in fields:
        try:
            fields["phone"] = validate_phone(fields["phone"])
        except ValueError as exc:
            errors["phone"] = [str(exc)]
    if "is_active" in fields:
        fields["is_active"] = bool(fields["is_active"])
        if not fields["is_active"] and getattr(actor, "pk", None) == user.pk:
            errors["is_active"] = ["Anda tidak dapat menonaktifkan akun Anda sendiri."]
    if errors:
        raise ValidationFailed(fields=errors)
    user = User.objects.select_for_update().get(pk=user.pk)
    changed = {k: v for k, v in fields.items() if getattr(user, k) != v}
    for key, value in changed.items():
        setattr(user, key, value)
    if changed:
        try:
            with transaction.atomic():
                user.save(update_fields=list(changed))
        except IntegrityError as exc:  # a concurrent change took the same e-mail address
            raise ValidationFailed(fields={"email": ["Surel sudah dipakai akun lain."]}) from exc
        audit_record(actor=actor, verb="user.update", obj=user, changes=changed)
    return user
