"""Reads of the population registry: search, lists, the full record (logged), letter data,
statistics, links."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q, Sum
from django.db.models.functions import Collate
from django.utils import timezone
from django.utils.translation import gettext as _

from pintu.accounts.access import Principal
from pintu.core.errors import NotFound, PermissionDenied, ValidationFailed
from pintu.population import codes, policies
from pintu.population.constants import DIMENSION_FIELDS, Dimension, LinkStatus, ResidentStatus
from pintu.population.models import (
    Hamlet,
    ImportJob,
    PopulationCount,
    PopulationMonthly,
    Resident,
    ResidentAccessLog,
    ResidentLink,
)
from pintu.regions.models import Village

MONTHS_ID = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


def date_text(value: dt.date) -> str:
    """12 Maret 1990 (Indonesian, as on letters)."""
    return f"{value.day} {MONTHS_ID[value.month - 1]} {value.year}"


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


# --- letter data -------------------------------------------------------------------------------


def _village_words(village: Village) -> str:
    return f"{'Kelurahan' if village.kind == 'kelurahan' else 'Desa'} {village.name}"


def full_address(resident: Resident, village: Village | None = None) -> str:
    """Jl. …, Dusun Krajan RT 001 RW 002, Desa Tamansari, Kecamatan Licin, Kabupaten Banyuwangi"""
    village = village or resident.village
    local = []
    if resident.hamlet_id:
        local.append(f"Dusun {resident.hamlet.name}")
    if resident.rt:
        local.append(f"RT {resident.rt}")
    if resident.rw:
        local.append(f"RW {resident.rw}")
    parts = [resident.address] if resident.address else []
    if local:
        parts.append(" ".join(local))
    parts += [
        _village_words(village),
        f"Kecamatan {village.district.name}",
        village.district.regency.name,
    ]
    return ", ".join(part for part in parts if part)


def resident_letter_data(
    *, resident: Resident, village: Village | None = None, today: dt.date | None = None
) -> dict:
    """Everything a village letter prints about a resident, labels resolved.

    ``village``: the resident's village with its kecamatan and regency loaded (a letter already
    has it from its village office). What the resident object already holds is used as is; only
    relations it lacks (village chain, hamlet, family) are read, in one query. ``today``: the
    date the age is counted on (the letter's date; default today)."""
    if village is not None and village.pk != resident.village_id:
        village = None
    linked = [name for name in ("hamlet", "family") if getattr(resident, f"{name}_id") is not None]
    if village is None or not all(Resident._meta.get_field(name).is_cached(resident) for name in linked):
        relations = [*linked, *([] if village is not None else ["village__district__regency"])]
        resident = Resident.objects.select_related(*relations).filter(pk=resident.pk).first() or resident
    village = village or resident.village
    today = today or timezone.localdate()
    birth_text = date_text(resident.birth_date)
    if resident.birth_place:
        birth_text = f"{resident.birth_place.title()}, {birth_text}"
    return {
        "nik": resident.nik,
        "nik_is_temporary": resident.nik_is_temporary,
        "full_name": resident.full_name,
        "sex_label": resident.label("sex"),
        "birth_place": resident.birth_place,
        "birth_date": resident.birth_date,
        "birth_text": birth_text,
        "age": age_on(resident.birth_date, today),
        "religion_label": resident.label("religion"),
        "occupation_label": resident.label("occupation"),
        "marital_status_label": resident.label("marital_status"),
        "education_label": resident.label("education"),
        "citizenship_label": resident.label("citizenship"),
        "blood_type_label": resident.label("blood_type"),
        "family_relation_label": resident.label("family_relation"),
        "kk_number": resident.family.kk_number if resident.family_id else "",
        "hamlet_name": resident.hamlet.name if resident.hamlet_id else "",
        "rw": resident.rw,
        "rt": resident.rt,
        "address": full_address(resident, village),
        "village_code": village.code,
        "village_name": village.name,
        "district_name": village.district.name,
        "regency_name": village.district.regency.name,
        "father_name": resident.father_name,
        "mother_name": resident.mother_name,
        "status_label": resident.label("status"),
    }


# --- search and lists ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ResidentRow:
    id: int
    nik: str  # masked unless the principal may see the full record
    full_name: str
    sex_label: str
    birth_date: dt.date | None  # None when masked
    village_id: int
    hamlet_name: str
    rw: str
    rt: str
    status: int
    status_label: str
    masked: bool
    nik_is_temporary: bool


ROW_FIELDS = (
    "pk",
    "nik",
    "nik_is_temporary",
    "full_name",
    "sex",
    "birth_date",
    "village_id",
    "hamlet_id",
    "rw",
    "rt",
    "status",
    "name_key",
)


def _rows(values, record_villages: frozenset[int]) -> list[ResidentRow]:
    """Rows for display. Hamlet names come in one extra query for the page's rows only: a join
    in the search query would stop PostgreSQL from reading the name index in order and stopping
    after ``limit`` rows."""
    values = list(values)
    hamlet_ids = {v["hamlet_id"] for v in values if v["hamlet_id"] and v["village_id"] in record_villages}
    hamlets = (
        dict(Hamlet.objects.filter(pk__in=hamlet_ids).order_by().values_list("pk", "name"))
        if hamlet_ids
        else {}
    )
    sex_labels = codes.CODES["jenis_kelamin"]
    status_labels = codes.CODES["status_dasar"]
    rows = []
    for v in values:
        full = v["village_id"] in record_villages
        rows.append(
            ResidentRow(
                id=v["pk"],
                nik=v["nik"] if full else policies.mask_nik(v["nik"]),
                full_name=v["full_name"],
                sex_label=sex_labels.get(v["sex"], ""),
                birth_date=v["birth_date"] if full else None,
                village_id=v["village_id"],
                hamlet_name=hamlets.get(v["hamlet_id"], "") if full else "",
                rw=v["rw"] if full else "",
                rt=v["rt"] if full else "",
                status=v["status"],
                status_label=status_labels.get(v["status"], ""),
                masked=not full,
                nik_is_temporary=v["nik_is_temporary"],
            )
        )
    return rows


def _scope(principal: Principal, village: Village | int | None) -> tuple[frozenset[int], frozenset[int]]:
    """(villages to search, villages with full records)."""
    record = policies.record_village_ids(principal)
    visible = record | policies.masked_village_ids(principal)
    if village is not None:
        village_id = village if isinstance(village, int) else village.pk
        if village_id not in visible:
            raise PermissionDenied(_("Anda tidak berwenang melihat penduduk desa ini."))
        visible = frozenset({village_id})
    return visible, record


def _query_filter(query: str) -> tuple[str, Q] | None:
    """("nik" | "name", condition) for what was typed, or None."""
    text = " ".join((query or "").split())
    if not text:
        return None
    digits = text.replace(" ", "")
    if digits.isdigit():
        if len(digits) >= 16:
            return "nik", Q(nik=digits[:16])
        return "nik", Q(nik__gte=digits.ljust(16, "0"), nik__lte=digits.ljust(16, "9"))
    return "name", Q(name_key__startswith=text.upper())


def resident_search(
    *, principal: Principal, query: str, village: Village | int | None = None, limit: int = 20
) -> list[ResidentRow]:
    """Residents whose NIK is ``query`` (or starts with it) or whose name starts with it, in the
    villages the principal may see (NIK masked where it may not see full records). One query
    (plus one for the hamlet names of the rows shown)."""
    found = _query_filter(query)
    if found is None:
        return []
    kind, condition = found
    visible, record = _scope(principal, village)
    if not visible:
        return []
    qs = Resident.objects.exclude(status=ResidentStatus.INVALID)
    qs = qs.filter(village_id=next(iter(visible))) if len(visible) == 1 else qs.filter(village_id__in=visible)
    if kind == "nik":
        qs = qs.filter(condition).order_by("nik")
    elif connection.vendor == "postgresql":
        # the index resident_name_c is on name_key COLLATE "C": LIKE 'X%' uses it and it is read
        # in this order, so PostgreSQL stops after ``limit`` rows instead of sorting every match
        name_c = Collate("name_key", "C")
        prefix = " ".join(query.split()).upper()
        qs = qs.alias(name_c=name_c).filter(name_c__startswith=prefix).order_by(Collate("name_key", "C"))
    else:
        qs = qs.filter(condition).order_by("name_key")
    return _rows(qs.values(*ROW_FIELDS)[: max(1, min(limit, 100))], record)


@dataclass
class ResidentPage:
    rows: list[ResidentRow]
    next_cursor: str


def resident_list(
    *,
    principal: Principal,
    village: Village,
    query: str = "",
    status: int | None = ResidentStatus.ALIVE,
    hamlet_id: int | None = None,
    cursor: str = "",
    per_page: int = 50,
) -> ResidentPage:
    """A page of a village's residents by name (keyset on name_key, id). One query."""
    _visible, record = _scope(principal, village)
    qs = Resident.objects.filter(village_id=village.pk)
    if status:
        qs = qs.filter(status=status)
    if hamlet_id and village.pk in record:
        qs = qs.filter(hamlet_id=hamlet_id)
    found = _query_filter(query)
    if found is not None:
        qs = qs.filter(found[1])
    if cursor:
        key, _sep, last_id = cursor.rpartition("|")
        if last_id.isdigit():
            qs = qs.filter(Q(name_key__gt=key) | Q(name_key=key, pk__gt=int(last_id)))
    values = list(qs.order_by("name_key", "pk").values(*ROW_FIELDS)[: per_page + 1])
    next_cursor = ""
    if len(values) > per_page:
        values = values[:per_page]
        next_cursor = f"{values[-1]['name_key']}|{values[-1]['pk']}"
    return ResidentPage(rows=_rows(values, record), next_cursor=next_cursor)


@transaction.atomic
def resident_get_for(*, principal: Principal, resident_id: int, purpose: str) -> Resident:
    """The full record, for a principal allowed to see it; the view is logged (UU 27/2022)."""
    resident = (
        Resident.objects.select_related("village__district__regency", "hamlet", "family__head")
        .filter(pk=resident_id)
        .first()
    )
    if resident is None or not policies.can_view_record(principal, resident.village_id):
        # the same answer for "does not exist" and "not yours": no probing for NIKs
        raise NotFound(_("Penduduk tidak ditemukan atau bukan penduduk desa Anda."))
    purpose = " ".join((purpose or "").split())[:200]
    if not purpose:
        raise ValidationFailed(
            _("Sebutkan keperluan membuka data lengkap penduduk."), fields={"purpose": [_("Wajib diisi.")]}
        )
    ResidentAccessLog.objects.create(
        actor_id=principal.user_id, resident=resident, village_id=resident.village_id, purpose=purpose
    )
    return resident


def family_members(resident_or_family) -> list[Resident]:
    family_id = getattr(resident_or_family, "family_id", None) or getattr(resident_or_family, "pk", None)
    if family_id is None:
        return []
    return list(
        Resident.objects.filter(family_id=family_id)
        .exclude(status=ResidentStatus.INVALID)
        .order_by("family_relation", "birth_date")
    )


def linked_resident_for(user) -> Resident | None:
    """The resident a citizen account is linked to (verified links only)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    link = (
        ResidentLink.objects.filter(user_id=user.pk, status=LinkStatus.VERIFIED)
        .select_related("resident__village__district__regency", "resident__hamlet", "resident__family")
        .first()
    )
    return link.resident if link else None


def links_of_user(user) -> list[ResidentLink]:
    return list(
        ResidentLink.objects.filter(user_id=user.pk).select_related("resident").order_by("-requested_at")
    )


def pending_links(*, principal: Principal, village: Village) -> list[ResidentLink]:
    if not policies.can_edit(principal, village.pk):
        raise PermissionDenied
    return list(
        ResidentLink.objects.filter(resident__village_id=village.pk, status=LinkStatus.PENDING)
        .select_related("user", "resident", "resident__family")
        .order_by("requested_at")[:100]
    )


def access_log(*, principal: Principal, village: Village, limit: int = 100) -> list[ResidentAccessLog]:
    if not policies.can_view_access_log(principal, village.pk):
        raise PermissionDenied
    return list(
        ResidentAccessLog.objects.filter(village_id=village.pk)
        .select_related("actor", "resident")
        .order_by("-at")[:limit]
    )


def import_jobs(*, village: Village, limit: int = 10) -> list[ImportJob]:
    return list(ImportJob.objects.filter(village=village).order_by("-created_at")[:limit])


# --- statistics ---------------------------------------------------------------------------------

AGE_GROUPS = [(low, low + 4) for low in range(0, 75, 5)] + [(75, None)]


@dataclass
class Statistics:
    total: int
    male: int
    female: int
    pyramid: list[dict]  # [{"label": "0-4", "male": n, "female": n}], youngest first
    dimensions: dict[str, list[dict]]  # dimension -> [{"code", "label", "male", "female", "total"}]
    monthly: list[dict]  # last 12 months: {"month": date, "births", "deaths", "moved_in", "moved_out"}
    villages: int


def statistics_for(village_ids, *, today: dt.date | None = None) -> Statistics:
    """Aggregates over villages (one village, a kecamatan, the regency): two queries."""
    today = today or timezone.localdate()
    village_ids = list(village_ids)
    rows = (
        PopulationCount.objects.filter(village_id__in=village_ids)
        .values("dimension", "bucket")
        .annotate(m=Sum("male"), f=Sum("female"))
        .order_by()
    )
    pyramid = [{"label": f"{lo}-{hi}" if hi else f"{lo}+", "male": 0, "female": 0} for lo, hi in AGE_GROUPS]
    dims: dict[str, dict[int, dict]] = {d.value: {} for d in DIMENSION_FIELDS}
    male = female = 0
    for row in rows:
        if row["dimension"] == Dimension.BIRTH_YEAR:
            age = max(0, today.year - row["bucket"])
            index = min(age // 5, len(AGE_GROUPS) - 1)
            pyramid[index]["male"] += row["m"]
            pyramid[index]["female"] += row["f"]
            male += row["m"]
            female += row["f"]
        elif row["dimension"] in dims:
            dims[row["dimension"]][row["bucket"]] = {"male": row["m"], "female": row["f"]}
    dimensions = {}
    for dim, (_field, list_name) in DIMENSION_FIELDS.items():
        items = []
        for code, label in codes.CODES[list_name].items():
            counts = dims[dim.value].get(code)
            if counts and (counts["male"] or counts["female"]):
                items.append(
                    {
                        "code": code,
                        "label": label,
                        "male": counts["male"],
                        "female": counts["female"],
                        "total": counts["male"] + counts["female"],
                    }
                )
        items.sort(key=lambda item: -item["total"])
        dimensions[dim.value] = items
    start = (today.replace(day=1) - dt.timedelta(days=335)).replace(day=1)
    monthly_rows = (
        PopulationMonthly.objects.filter(village_id__in=village_ids, month__gte=start)
        .values("month")
        .annotate(
            births=Sum("births"), deaths=Sum("deaths"), moved_in=Sum("moved_in"), moved_out=Sum("moved_out")
        )
        .order_by("month")
    )
    by_month = {row["month"]: row for row in monthly_rows}
    monthly = []
    month = start
    while month <= today:
        row = by_month.get(month, {})
        monthly.append(
            {
                "month": month,
                "label": f"{MONTHS_ID[month.month - 1][:3]} {month.year % 100:02d}",
                **{k: row.get(k) or 0 for k in ("births", "deaths", "moved_in", "moved_out")},
            }
        )
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return Statistics(
        total=male + female,
        male=male,
        female=female,
        pyramid=pyramid,
        dimensions=dimensions,
        monthly=monthly,
        villages=len(village_ids),
    )


def statistics_per_village(village_ids) -> dict[int, int]:
    """Living residents per village (one query), for kecamatan/regency tables."""
    return {
        row["village_id"]: (row["m"] or 0) + (row["f"] or 0)
        for row in PopulationCount.objects.filter(
            village_id__in=list(village_ids), dimension=Dimension.BIRTH_YEAR
        )
        .values("village_id")
        .annotate(m=Sum("male"), f=Sum("female"))
        .order_by()
    }


def village_by_code(code: str) -> Village:
    village = Village.objects.select_related("district__regency").filter(code=code).first()
    if village is None:
        raise NotFound(_("Desa tidak ditemukan."))
    return village
