"""The population registry's write path: one function per verb. Each updates the register, the
family, the statistics and the event log in one transaction, with an audit entry.

``actor`` is the user acting (None for the system: demo, management commands). A user must be
operator, head or secretary of the village office concerned (``policies.can_edit``).
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pintu.accounts.access import principal_for
from pintu.audit.services import audit_record
from pintu.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from pintu.population import policies, stats
from pintu.population.cleaning import RESIDENT_FIELDS, clean_kk, clean_resident
from pintu.population.constants import (
    EventKind,
    FamilyRelation,
    FamilyStatus,
    LinkStatus,
    MoveScope,
    ResidentStatus,
    Sex,
)
from pintu.population.models import (
    Family,
    Hamlet,
    PopulationEvent,
    Resident,
    ResidentLink,
    TemporaryNikSequence,
)
from pintu.population.validation import _districts_cached, clean_number, temporary_nik
from pintu.regions.models import Village

# --- helpers --------------------------------------------------------------------------------------


def _require_edit(actor, village_id: int) -> None:
    if actor is None:
        return
    if not policies.can_edit(principal_for(actor), village_id):
        raise PermissionDenied(
            _(
                "Hanya operator, sekretaris atau kepala desa dari desa ini yang dapat mengubah data penduduknya."
            ),
            code="population.forbidden",
        )


def _actor(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _today() -> dt.date:
    return timezone.localdate()


def _event(resident: Resident, kind: str, *, actor, event_date: dt.date, **extra) -> PopulationEvent:
    return PopulationEvent.objects.create(
        village_id=resident.village_id,
        resident=resident,
        family_id=resident.family_id,
        kind=kind,
        event_date=event_date,
        actor=_actor(actor),
        **extra,
    )


def _check_date(value: dt.date | None, *, field: str = "event_date") -> dt.date:
    if value is None:
        return _today()
    if value > _today():
        raise ValidationFailed(
            _("Tanggal peristiwa tidak boleh di masa depan."),
            code="population.date_in_future",
            fields={field: [_("Isi tanggal hari ini atau sebelumnya.")]},
        )
    return value


def _lock(resident: Resident) -> Resident:
    locked = Resident.objects.select_for_update().get(pk=resident.pk)
    return locked


def _require_alive(resident: Resident) -> None:
    if resident.status != ResidentStatus.ALIVE:
        raise Conflict(
            _("Penduduk ini tidak berstatus hidup di desa ini (status: %(s)s).")
            % {"s": resident.get_status_display()},
            code="population.not_alive",
        )


def hamlet_for(village: Village | int, name: str) -> Hamlet | None:
    """The village's hamlet of that name, created when new (spreadsheets name dusun freely)."""
    name = " ".join((name or "").split())
    if not name:
        return None
    village_id = village if isinstance(village, int) else village.pk
    hamlet = Hamlet.objects.filter(village_id=village_id, name__iexact=name).first()
    if hamlet is None:
        hamlet, _created = Hamlet.objects.get_or_create(village_id=village_id, name=name.title())
    return hamlet


def _resolve_hamlet(village_id: int, hamlet) -> Hamlet | None:
    if hamlet is None or hamlet == "":
        return None
    if isinstance(hamlet, Hamlet):
        obj = hamlet
    elif isinstance(hamlet, int) or (isinstance(hamlet, str) and hamlet.isdigit()):
        obj = Hamlet.objects.filter(pk=int(hamlet)).first()
    else:
        return hamlet_for(village_id, str(hamlet))
    if obj is None or obj.village_id != village_id:
        raise ValidationFailed(
            _("Dusun tidak ditemukan di desa ini."), fields={"hamlet": [_("Pilih dusun dari daftar.")]}
        )
    return obj


def _next_temporary_nik(village: Village) -> str:
    TemporaryNikSequence.objects.get_or_create(village=village)
    seq = TemporaryNikSequence.objects.select_for_update().get(village=village)
    seq.last += 1
    seq.save(update_fields=["last"])
    return temporary_nik(village.code, seq.last)


def _clean(data: dict, *, require_nik: bool) -> dict:
    values, errors = clean_resident(
        data, districts=_districts_cached(), today=_today(), require_nik=require_nik
    )
    if errors:
        first = next(iter(errors.values()))
        raise ValidationFailed(
            first if len(errors) == 1 else _("Data penduduk belum benar. Periksa isian yang ditandai."),
            code="population.invalid",
            fields={key: [msg] for key, msg in errors.items()},
        )
    return values


def _nik_taken(nik: str, *, exclude_id: int | None = None) -> bool:
    qs = Resident.objects.filter(nik=nik).exclude(status=ResidentStatus.INVALID)
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    return qs.exists()


def _nik_conflict() -> Conflict:
    return Conflict(
        _(
            "NIK ini sudah terdaftar di Pintu. Cari penduduk tersebut; jika ia pindah dari desa lain, catat pindah masuk."
        ),
        code="population.nik_taken",
        fields={"nik": [_("NIK sudah terdaftar.")]},
    )


def _save_new(resident: Resident) -> Resident:
    try:
        with transaction.atomic():
            resident.save()
    except IntegrityError as exc:
        raise _nik_conflict() from exc
    return resident


def _place(resident: Resident, *, family: Family | None, hamlet, rw, rt, address) -> None:
    """Address: given explicitly, or taken from the family card."""
    if family is not None:
        resident.family = family
        resident.hamlet_id = family.hamlet_id if hamlet is None else hamlet.pk
        resident.rw = rw if rw else family.rw
        resident.rt = rt if rt else family.rt
        resident.address = address if address else family.address
    else:
        resident.hamlet = hamlet
        resident.rw, resident.rt, resident.address = rw, rt, address


def _choose_new_head(family: Family, leaving: Resident) -> None:
    """After ``leaving`` left the family (died, moved, split): a new head if they were the head;
    the family is dissolved when no living member is left."""
    members = list(
        Resident.objects.select_for_update()
        .filter(family=family, status=ResidentStatus.ALIVE)
        .exclude(pk=leaving.pk)
        .order_by("birth_date", "pk")
    )
    if not members:
        family.status = FamilyStatus.DISSOLVED
        family.head = None
        family.save(update_fields=["status", "head", "updated_at"])
        return
    if family.head_id not in (None, leaving.pk):
        return
    spouse = next(
        (m for m in members if m.family_relation in (FamilyRelation.HUSBAND, FamilyRelation.WIFE)), None
    )
    adults = [m for m in members if m.birth_date <= _today().replace(year=_today().year - 17)]
    new_head = spouse or (adults[0] if adults else members[0])
    new_head.family_relation = FamilyRelation.HEAD
    new_head.save(update_fields=["family_relation", "updated_at"])
    family.head = new_head
    family.save(update_fields=["head", "updated_at"])


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


# --- events -------------------------------------------------------------------------------------


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


# --- citizen links --------------------------------------------------------------------------------

LINK_MISMATCH = _(
    "Data tidak cocok dengan penduduk mana pun yang terdaftar. Periksa NIK, nomor KK dan tanggal lahir "
    "seperti tertulis di KK, atau datang ke kantor desa."
)


@transaction.atomic
def resident_link_request(*, actor, nik: str, kk_number: str, birth_date: dt.date) -> ResidentLink:
    """A citizen account asks to be linked to its resident record. The three must match one
    living resident; the message on a mismatch never says which part failed."""
    if actor is None or not principal_for(actor).is_citizen:
        raise PermissionDenied(_("Hanya akun warga yang dapat menautkan data kependudukan."))
    nik, kk = clean_number(nik), clean_number(kk_number)
    resident = (
        Resident.objects.filter(
            nik=nik, family__kk_number=kk, birth_date=birth_date, status=ResidentStatus.ALIVE
        ).first()
        if nik and kk and birth_date
        else None
    )
    if resident is None:
        raise ValidationFailed(LINK_MISMATCH, code="population.link_mismatch")
    if ResidentLink.objects.filter(user=actor, status=LinkStatus.VERIFIED).exists():
        raise Conflict(_("Akun Anda sudah tertaut ke data penduduk."), code="population.link_exists")
    existing = ResidentLink.objects.filter(user=actor, resident=resident, status=LinkStatus.PENDING).first()
    if existing is not None:
        return existing
    link = ResidentLink.objects.create(user=actor, resident=resident)
    audit_record(actor=actor, verb="population.link_request", obj=link, changes={"resident": resident.pk})
    return link


def _decide(actor, link: ResidentLink) -> ResidentLink:
    link = ResidentLink.objects.select_for_update().select_related("resident").get(pk=link.pk)
    if actor is None or not policies.can_edit(principal_for(actor), link.resident.village_id):
        raise PermissionDenied(_("Hanya perangkat desa penduduk ini yang dapat memverifikasi tautan akun."))
    if link.status != LinkStatus.PENDING:
        raise Conflict(_("Permintaan ini sudah diputuskan."), code="population.link_decided")
    return link


@transaction.atomic
def resident_link_verify(*, actor, link: ResidentLink) -> ResidentLink:
    link = _decide(actor, link)
    link.status, link.decided_by, link.decided_at = LinkStatus.VERIFIED, actor, timezone.now()
    try:
        with transaction.atomic():
            link.save()
    except IntegrityError as exc:
        raise Conflict(_("Akun ini sudah tertaut ke penduduk lain."), code="population.link_exists") from exc
    audit_record(actor=actor, verb="population.link_verify", obj=link, changes={"resident": link.resident_id})
    return link


@transaction.atomic
def resident_link_reject(*, actor, link: ResidentLink, reason: str) -> ResidentLink:
    link = _decide(actor, link)
    if not (reason or "").strip():
        raise ValidationFailed(
            _("Tulis alasan penolakan agar warga tahu apa yang harus diperbaiki."),
            fields={"reason": [_("Wajib diisi.")]},
        )
    link.status, link.decided_by, link.decided_at, link.reason = (
        LinkStatus.REJECTED,
        actor,
        timezone.now(),
        reason.strip()[:255],
    )
    link.save()
    audit_record(actor=actor, verb="population.link_reject", obj=link, changes={"reason": link.reason})
    return link


# --- access log -----------------------------------------------------------------------------------


def get_resident_or_404(resident_id) -> Resident:
    resident = Resident.objects.filter(pk=resident_id).first()
    if resident is None:
        raise NotFound(_("Penduduk tidak ditemukan."))
    return resident


__all__ = [
    "Sex",
    "family_create",
    "family_split",
    "hamlet_for",
    "resident_link_reject",
    "resident_link_request",
    "resident_link_verify",
    "resident_move_in",
    "resident_move_out",
    "resident_register",
    "resident_register_birth",
    "resident_register_death",
    "resident_report_found",
    "resident_report_lost",
    "resident_transfer",
    "resident_update",
]
