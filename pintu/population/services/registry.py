"""The register itself: registering and correcting residents, creating and splitting families."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from pintu.audit.services import audit_record
from pintu.core.errors import Conflict, NotFound, ValidationFailed
from pintu.population import stats
from pintu.population.cleaning import RESIDENT_FIELDS, clean_kk, clean_resident
from pintu.population.constants import (
    EventKind,
    FamilyRelation,
    FamilyStatus,
    ResidentStatus,
)
from pintu.population.models import (
    Family,
    Resident,
)
from pintu.population.services._common import (
    _check_date,
    _choose_new_head,
    _clean,
    _event,
    _lock,
    _next_temporary_nik,
    _nik_conflict,
    _nik_taken,
    _place,
    _require_edit,
    _resolve_hamlet,
    _save_new,
    _today,
)
from pintu.population.validation import _districts_cached, clean_number
from pintu.regions.models import Village

# --- registration and correction -----------------------------------------------------------------


@transaction.atomic
def resident_register(
    *,
    actor,
    village: Village,
    data: dict,
    family: Family | None = None,
    hamlet=None,
    temporary_nik_if_missing: bool = False,
    event_date: dt.date | None = None,
) -> Resident:
    """Initial registration of a person already living in the village (pendataan)."""
    _require_edit(actor, village.pk)
    missing_nik = not clean_number(data.get("nik"))
    values = _clean(data, require_nik=not (missing_nik and temporary_nik_if_missing))
    if family is not None and family.village_id != village.pk:
        raise ValidationFailed(
            _("KK ini bukan dari desa ini."), fields={"family": [_("Pilih KK dari desa ini.")]}
        )
    resident = Resident(village=village, **values)
    resident.name_key = resident.full_name.upper()
    if missing_nik and temporary_nik_if_missing:
        resident.nik = _next_temporary_nik(village)
        resident.nik_is_temporary = True
    elif _nik_taken(resident.nik):
        raise _nik_conflict()
    _place(
        resident,
        family=family,
        hamlet=_resolve_hamlet(village.pk, hamlet),
        rw=values["rw"],
        rt=values["rt"],
        address=values["address"],
    )
    _save_new(resident)
    if family is not None and resident.family_relation == FamilyRelation.HEAD and family.head_id is None:
        family.head = resident
        family.save(update_fields=["head", "updated_at"])
    _event(resident, EventKind.REGISTRATION, actor=actor, event_date=_check_date(event_date))
    stats.apply_change(None, stats.footprint(resident))
    audit_record(
        actor=actor, verb="population.resident_register", obj=resident, changes={"village": village.code}
    )
    return resident


@transaction.atomic
def resident_update(*, actor, resident: Resident, data: dict, hamlet=None, note: str = "") -> Resident:
    """Correct a resident's data (perbaikan). Logged as a correction event with the changes."""
    resident = _lock(resident)
    _require_edit(actor, resident.village_id)
    current = {field: getattr(resident, field) for field in RESIDENT_FIELDS}
    raw = {**current, **data}
    values = _clean(raw, require_nik=True)
    if values["nik"] != resident.nik and _nik_taken(values["nik"], exclude_id=resident.pk):
        raise _nik_conflict()
    before = stats.footprint(resident)
    changes = {}
    for field, value in values.items():
        if getattr(resident, field) != value:
            changes[field] = [getattr(resident, field), value]
            setattr(resident, field, value)
    if "nik" in changes:
        resident.nik_is_temporary = False
    if hamlet is not None:
        new_hamlet = _resolve_hamlet(resident.village_id, hamlet)
        if new_hamlet and new_hamlet.pk != resident.hamlet_id:
            changes["hamlet"] = [resident.hamlet_id, new_hamlet.pk]
            resident.hamlet = new_hamlet
    if not changes:
        return resident
    resident.name_key = resident.full_name.upper()
    resident.save()
    _event(
        resident, EventKind.CORRECTION, actor=actor, event_date=_today(), note=note, data={"changes": changes}
    )
    stats.apply_change(before, stats.footprint(resident))
    audit_record(actor=actor, verb="population.resident_update", obj=resident, changes=changes)
    return resident


# --- families -------------------------------------------------------------------------------------


@transaction.atomic
def family_create(
    *,
    actor,
    village: Village,
    kk_number: str,
    hamlet=None,
    rw: str = "",
    rt: str = "",
    address: str = "",
    head: Resident | None = None,
) -> Family:
    _require_edit(actor, village.pk)
    kk, problem = clean_kk(kk_number, districts=_districts_cached(), today=_today())
    if not kk:
        problem = _("Nomor KK wajib diisi.")
    if problem:
        raise ValidationFailed(problem, code="population.kk_invalid", fields={"kk_number": [problem]})
    if Family.objects.filter(kk_number=kk).exists():
        raise Conflict(
            _("Nomor KK ini sudah terdaftar."),
            code="population.kk_taken",
            fields={"kk_number": [_("Nomor KK sudah terdaftar.")]},
        )
    values, errors = clean_resident(
        {"rw": rw, "rt": rt, "address": address}, districts=None, today=_today(), require_nik=False
    )
    place_errors = {k: v for k, v in errors.items() if k in ("rw", "rt", "address")}
    if place_errors:
        raise ValidationFailed(
            next(iter(place_errors.values())), fields={k: [v] for k, v in place_errors.items()}
        )
    family = Family.objects.create(
        kk_number=kk,
        village=village,
        hamlet=_resolve_hamlet(village.pk, hamlet),
        rw=values["rw"],
        rt=values["rt"],
        address=values["address"],
    )
    if head is not None:
        _family_join(actor, family, head, relation=FamilyRelation.HEAD)
        family.head = head
        family.save(update_fields=["head", "updated_at"])
    audit_record(actor=actor, verb="population.family_create", obj=family, changes={"kk_number": kk})
    return family


def _family_join(actor, family: Family, resident: Resident, *, relation: int) -> None:
    resident = _lock(resident)
    if resident.village_id != family.village_id:
        raise ValidationFailed(
            _("Anggota KK harus penduduk desa yang sama."), code="population.family_other_village"
        )
    old_family = resident.family
    resident.family = family
    resident.family_relation = relation
    resident.hamlet_id, resident.rw, resident.rt, resident.address = (
        family.hamlet_id,
        family.rw,
        family.rt,
        family.address,
    )
    resident.save()
    if old_family is not None and old_family.pk != family.pk:
        _choose_new_head(old_family, resident)
    _event(
        resident,
        EventKind.FAMILY_CHANGE,
        actor=actor,
        event_date=_today(),
        data={"from": old_family.kk_number if old_family else "", "to": family.kk_number},
    )


@transaction.atomic
def family_split(
    *,
    actor,
    family: Family,
    members: list[Resident],
    kk_number: str,
    head: Resident,
    hamlet=None,
    rw: str = "",
    rt: str = "",
    address: str = "",
) -> Family:
    """Split members off into a new family card (pecah KK); the old card keeps (or gets) a head."""
    _require_edit(actor, family.village_id)
    ids = {m.pk for m in members} | {head.pk}
    found = set(
        Resident.objects.filter(pk__in=ids, family=family, status=ResidentStatus.ALIVE).values_list(
            "pk", flat=True
        )
    )
    if found != ids:
        raise ValidationFailed(
            _("Semua anggota yang dipisah harus anggota hidup KK asal."), code="population.split_members"
        )
    new = family_create(
        actor=actor,
        village=family.village,
        kk_number=kk_number,
        hamlet=hamlet if hamlet is not None else family.hamlet,
        rw=rw or family.rw,
        rt=rt or family.rt,
        address=address or family.address,
    )
    for resident in Resident.objects.filter(pk__in=ids).order_by("pk"):
        _family_join(
            actor,
            new,
            resident,
            relation=FamilyRelation.HEAD if resident.pk == head.pk else resident.family_relation,
        )
    new.head = head
    new.save(update_fields=["head", "updated_at"])
    family.refresh_from_db()
    if family.head_id in ids or family.head_id is None:
        family.head = None
        remaining = Resident.objects.filter(family=family, status=ResidentStatus.ALIVE).first()
        if remaining is not None:
            _choose_new_head(family, Resident(pk=-1))
        else:
            family.status = FamilyStatus.DISSOLVED
            family.save(update_fields=["head", "status", "updated_at"])
    audit_record(
        actor=actor,
        verb="population.family_split",
        obj=new,
        changes={"from": family.kk_number, "members": sorted(ids)},
    )
    return new


# --- access log -----------------------------------------------------------------------------------


def get_resident_or_404(resident_id) -> Resident:
    resident = Resident.objects.filter(pk=resident_id).first()
    if resident is None:
        raise NotFound(_("Penduduk tidak ditemukan."))
    return resident
