"""Population events: birth, death, moving out and in, transfer between villages, reported lost
and found. Each updates the register, the family and the statistics, and logs the event."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from pintu.audit.services import audit_record
from pintu.core.errors import Conflict, ValidationFailed
from pintu.population import stats
from pintu.population.cleaning import clean_resident
from pintu.population.constants import (
    EventKind,
    FamilyRelation,
    FamilyStatus,
    MoveScope,
    ResidentStatus,
)
from pintu.population.models import (
    Family,
    PopulationEvent,
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
    _require_alive,
    _require_edit,
    _resolve_hamlet,
    _save_new,
    _today,
)
from pintu.population.services.registry import family_create
from pintu.population.validation import clean_number
from pintu.regions.models import Village


@transaction.atomic
def resident_register_birth(
    *,
    actor,
    family: Family,
    data: dict,
    mother: Resident | None = None,
    father: Resident | None = None,
) -> Resident:
    """A child born into a family. Without a NIK the child gets a temporary one."""
    _require_edit(actor, family.village_id)
    village = family.village
    raw = {
        "family_relation": FamilyRelation.CHILD,
        "marital_status": 1,
        "occupation": 1,
        "education": 1,
        **data,
    }
    if mother is not None:
        raw.setdefault("mother_name", mother.full_name)
        raw.setdefault("mother_nik", mother.nik)
        raw.setdefault("religion", mother.religion)
    if father is not None:
        raw.setdefault("father_name", father.full_name)
        raw.setdefault("father_nik", father.nik)
        raw.setdefault("religion", father.religion)
    if family.head_id and "religion" not in raw:
        raw["religion"] = family.head.religion
    missing_nik = not clean_number(raw.get("nik"))
    values = _clean(raw, require_nik=not missing_nik)
    _check_date(values["birth_date"], field="birth_date")
    resident = Resident(village=village, **values)
    resident.name_key = resident.full_name.upper()
    if missing_nik:
        resident.nik = _next_temporary_nik(village)
        resident.nik_is_temporary = True
    elif _nik_taken(resident.nik):
        raise _nik_conflict()
    _place(resident, family=family, hamlet=None, rw="", rt="", address="")
    _save_new(resident)
    event = _event(
        resident,
        EventKind.BIRTH,
        actor=actor,
        event_date=resident.birth_date,
        data={"mother": mother.pk if mother else None, "father": father.pk if father else None},
    )
    stats.apply_change(None, stats.footprint(resident))
    stats.bump_monthly(village.pk, EventKind.BIRTH, event.event_date)
    audit_record(actor=actor, verb="population.birth", obj=resident, changes={"family": family.kk_number})
    return resident


@transaction.atomic
def resident_register_death(
    *, actor, resident: Resident, date: dt.date, place: str = "", cause: str = "", note: str = ""
) -> PopulationEvent:
    resident = _lock(resident)
    _require_edit(actor, resident.village_id)
    _require_alive(resident)
    date = _check_date(date)
    if date < resident.birth_date:
        raise ValidationFailed(
            _("Tanggal kematian tidak boleh sebelum tanggal lahir."), fields={"date": [_("Periksa tanggal.")]}
        )
    before = stats.footprint(resident)
    resident.status, resident.status_date = ResidentStatus.DEAD, date
    resident.save(update_fields=["status", "status_date", "updated_at"])
    event = _event(
        resident,
        EventKind.DEATH,
        actor=actor,
        event_date=date,
        other_place=place,
        note=note,
        data={"cause": cause},
    )
    if resident.family_id:
        _choose_new_head(Family.objects.select_for_update().get(pk=resident.family_id), resident)
    stats.apply_change(before, None)
    stats.bump_monthly(resident.village_id, EventKind.DEATH, date)
    audit_record(actor=actor, verb="population.death", obj=resident, changes={"date": date})
    return event


@transaction.atomic
def resident_move_out(
    *,
    actor,
    resident: Resident,
    date: dt.date,
    scope: int,
    destination: str,
    reason: str = "",
) -> PopulationEvent:
    """The resident leaves for a place outside Pintu's villages (or one not managed here). For
    a move to another Pintu village use ``resident_transfer``."""
    resident = _lock(resident)
    _require_edit(actor, resident.village_id)
    _require_alive(resident)
    date = _check_date(date)
    if int(scope) not in MoveScope.values:
        raise ValidationFailed(_("Pilih jenis pindah."), fields={"scope": [_("Pilih jenis pindah.")]})
    if not destination.strip():
        raise ValidationFailed(
            _("Alamat tujuan pindah wajib diisi."), fields={"destination": [_("Isi alamat tujuan.")]}
        )
    before = stats.footprint(resident)
    resident.status, resident.status_date = ResidentStatus.MOVED, date
    resident.save(update_fields=["status", "status_date", "updated_at"])
    event = _event(
        resident,
        EventKind.MOVE_OUT,
        actor=actor,
        event_date=date,
        move_scope=int(scope),
        other_place=destination.strip(),
        note=reason,
    )
    if resident.family_id:
        _choose_new_head(Family.objects.select_for_update().get(pk=resident.family_id), resident)
    stats.apply_change(before, None)
    stats.bump_monthly(resident.village_id, EventKind.MOVE_OUT, date)
    audit_record(
        actor=actor,
        verb="population.move_out",
        obj=resident,
        changes={"scope": scope, "destination": destination},
    )
    return event


@transaction.atomic
def resident_move_in(
    *,
    actor,
    village: Village,
    data: dict,
    date: dt.date,
    origin: str,
    family: Family | None = None,
    hamlet=None,
) -> Resident:
    """A person arrives from outside Pintu's villages. A person who once left this deployment
    (status moved/gone) comes back on their old row, with their history."""
    _require_edit(actor, village.pk)
    date = _check_date(date)
    values = _clean(data, require_nik=True)
    existing = (
        Resident.objects.select_for_update()
        .filter(nik=values["nik"])
        .exclude(status=ResidentStatus.INVALID)
        .first()
    )
    if existing is not None and existing.status not in (ResidentStatus.MOVED, ResidentStatus.GONE):
        raise _nik_conflict()
    resident = existing or Resident()
    for field, value in values.items():
        setattr(resident, field, value)
    resident.village = village
    resident.name_key = resident.full_name.upper()
    resident.status, resident.status_date, resident.nik_is_temporary = ResidentStatus.ALIVE, date, False
    _place(
        resident,
        family=family,
        hamlet=_resolve_hamlet(village.pk, hamlet),
        rw=values["rw"],
        rt=values["rt"],
        address=values["address"],
    )
    if existing is None:
        _save_new(resident)
    else:
        resident.save()
    if family is not None and family.head_id is None and resident.family_relation == FamilyRelation.HEAD:
        family.head = resident
        family.status = FamilyStatus.ACTIVE
        family.save(update_fields=["head", "status", "updated_at"])
    _event(resident, EventKind.MOVE_IN, actor=actor, event_date=date, other_place=origin)
    stats.apply_change(None, stats.footprint(resident))
    stats.bump_monthly(village.pk, EventKind.MOVE_IN, date)
    audit_record(actor=actor, verb="population.move_in", obj=resident, changes={"origin": origin})
    return resident


def move_scope_between(source: Village, target: Village) -> int:
    if source.district_id == target.district_id:
        return MoveScope.VILLAGE
    districts = dict(
        Village.objects.filter(pk__in=[source.pk, target.pk]).values_list("pk", "district__regency_id")
    )
    if districts[source.pk] == districts[target.pk]:
        return MoveScope.DISTRICT
    return MoveScope.REGENCY


@transaction.atomic
def resident_transfer(
    *,
    actor,
    resident: Resident,
    to_village: Village,
    date: dt.date,
    family: Family | None = None,
    kk_number: str = "",
    hamlet=None,
    rw: str = "",
    rt: str = "",
    address: str = "",
    reason: str = "",
) -> tuple[PopulationEvent, PopulationEvent]:
    """Move a resident between two Pintu villages: the same row changes village; one move_out
    in the old village and one move_in in the new, paired, in one transaction.

    The operator of the village being left records it (the surat pindah starts there). The
    resident joins ``family`` in the new village, or a new family card ``kk_number``, or none
    yet (the new village adds the KK later)."""
    resident = _lock(resident)
    _require_edit(actor, resident.village_id)
    _require_alive(resident)
    date = _check_date(date)
    if to_village.pk == resident.village_id:
        raise ValidationFailed(
            _("Desa tujuan sama dengan desa asal."), fields={"to_village": [_("Pilih desa lain.")]}
        )
    if family is not None and family.village_id != to_village.pk:
        raise ValidationFailed(
            _("KK tujuan harus KK di desa tujuan."), fields={"family": [_("Pilih KK di desa tujuan.")]}
        )
    source = Village.objects.get(pk=resident.village_id)
    before = stats.footprint(resident)
    old_family = resident.family
    if family is None and kk_number:
        family = family_create(
            actor=None, village=to_village, kk_number=kk_number, hamlet=hamlet, rw=rw, rt=rt, address=address
        )
    rw_rt, errors = clean_resident({"rw": rw, "rt": rt}, districts=None, today=_today(), require_nik=False)
    if "rw" in errors or "rt" in errors:
        raise ValidationFailed(
            errors.get("rw") or errors["rt"], fields={k: [v] for k, v in errors.items() if k in ("rw", "rt")}
        )
    scope = move_scope_between(source, to_village)
    out_event = _event(
        resident,
        EventKind.MOVE_OUT,
        actor=actor,
        event_date=date,
        move_scope=scope,
        other_village=to_village,
        other_place=str(to_village),
        note=reason,
    )
    resident.village = to_village
    resident.family = None
    _place(
        resident,
        family=family,
        hamlet=_resolve_hamlet(to_village.pk, hamlet),
        rw=rw_rt["rw"],
        rt=rw_rt["rt"],
        address=address.strip(),
    )
    if family is not None and family.head_id is None:
        resident.family_relation = FamilyRelation.HEAD
    resident.status_date = date
    resident.save()
    if family is not None and family.head_id is None:
        family.head = resident
        family.status = FamilyStatus.ACTIVE
        family.save(update_fields=["head", "status", "updated_at"])
    if old_family is not None:
        _choose_new_head(Family.objects.select_for_update().get(pk=old_family.pk), resident)
    in_event = _event(
        resident,
        EventKind.MOVE_IN,
        actor=actor,
        event_date=date,
        move_scope=scope,
        other_village=source,
        other_place=str(source),
        pair=out_event,
    )
    stats.apply_change(before, stats.footprint(resident))
    stats.bump_monthly(source.pk, EventKind.MOVE_OUT, date)
    stats.bump_monthly(to_village.pk, EventKind.MOVE_IN, date)
    audit_record(
        actor=actor,
        verb="population.transfer",
        obj=resident,
        changes={"from": source.code, "to": to_village.code},
    )
    return out_event, in_event


@transaction.atomic
def resident_report_lost(*, actor, resident: Resident, date: dt.date, note: str = "") -> PopulationEvent:
    resident = _lock(resident)
    _require_edit(actor, resident.village_id)
    _require_alive(resident)
    date = _check_date(date)
    before = stats.footprint(resident)
    resident.status, resident.status_date = ResidentStatus.LOST, date
    resident.save(update_fields=["status", "status_date", "updated_at"])
    event = _event(resident, EventKind.LOST, actor=actor, event_date=date, note=note)
    stats.apply_change(before, None)
    audit_record(actor=actor, verb="population.lost", obj=resident, changes={"date": date})
    return event


@transaction.atomic
def resident_report_found(*, actor, resident: Resident, date: dt.date, note: str = "") -> PopulationEvent:
    resident = _lock(resident)
    _require_edit(actor, resident.village_id)
    if resident.status != ResidentStatus.LOST:
        raise Conflict(
            _("Hanya penduduk berstatus hilang yang dapat dicatat ditemukan kembali."),
            code="population.not_lost",
        )
    date = _check_date(date)
    resident.status, resident.status_date = ResidentStatus.ALIVE, date
    resident.save(update_fields=["status", "status_date", "updated_at"])
    event = _event(resident, EventKind.FOUND, actor=actor, event_date=date, note=note)
    stats.apply_change(None, stats.footprint(resident))
    audit_record(actor=actor, verb="population.found", obj=resident, changes={"date": date})
    return event
