"""Helpers the population verbs share: who may edit, event rows, dates, row locks, hamlets,
temporary NIKs, cleaning and placing a resident, choosing a family's new head."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pintu.accounts.access import principal_for
from pintu.core.errors import Conflict, PermissionDenied, ValidationFailed
from pintu.population import policies
from pintu.population.cleaning import clean_resident
from pintu.population.constants import (
    FamilyRelation,
    FamilyStatus,
    ResidentStatus,
)
from pintu.population.models import (
    Family,
    Hamlet,
    PopulationEvent,
    Resident,
    TemporaryNikSequence,
)
from pintu.population.validation import _districts_cached, temporary_nik
from pintu.regions.models import Village


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
