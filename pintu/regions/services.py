"""Write path for regions and org units."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

from django.db import transaction

from pintu.audit.services import audit_record
from pintu.core.errors import ValidationFailed
from pintu.core.ttlcache import clear_all
from pintu.regions.constants import REFERENCE_EDITION, AgencyKind, OrgUnitKind
from pintu.regions.models import District, OrgUnit, Province, ReferenceEdition, Regency, Village

DATA_DIR = Path(__file__).resolve().parent / "data"


def _rows(name: str):
    path = DATA_DIR / name
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def _upsert(model, objects, update_fields):
    model.objects.bulk_create(
        objects,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=update_fields,
    )


@transaction.atomic
def regions_load_reference() -> dict[str, int]:
    """Load (or refresh) every province, regency, district and village from the shipped CSVs.

    Idempotent: rows are upserted by Kemendagri code, so a re-run changes nothing.
    """
    counts = {}
    _upsert(Province, [Province(code=r["code"], name=r["name"]) for r in _rows("provinces.csv")], ["name"])
    provinces = dict(Province.objects.values_list("code", "id"))
    regencies = [
        Regency(code=r["code"], province_id=provinces[r["province_code"]], name=r["name"], kind=r["kind"])
        for r in _rows("regencies.csv")
    ]
    _upsert(Regency, regencies, ["name", "kind", "province"])
    regency_ids = dict(Regency.objects.values_list("code", "id"))
    districts = [
        District(code=r["code"], regency_id=regency_ids[r["regency_code"]], name=r["name"])
        for r in _rows("districts.csv")
    ]
    _upsert(District, districts, ["name", "regency"])
    district_ids = dict(District.objects.values_list("code", "id"))
    villages = [
        Village(code=r["code"], district_id=district_ids[r["district_code"]], name=r["name"], kind=r["kind"])
        for r in _rows("villages.csv.gz")
    ]
    _upsert(Village, villages, ["name", "kind", "district"])
    counts = {
        "provinces": Province.objects.count(),
        "regencies": len(regencies),
        "districts": len(districts),
        "villages": len(villages),
    }
    ReferenceEdition.objects.update_or_create(
        dataset="wilayah", defaults={"edition": REFERENCE_EDITION, "rows": sum(counts.values())}
    )
    audit_record(
        actor=None,
        verb="regions.load",
        object_type="regions.referenceedition",
        object_id="wilayah",
        changes={"edition": REFERENCE_EDITION, **counts},
    )
    return counts


@transaction.atomic
def org_units_ensure_for_regency(*, regency_code: str, actor=None) -> dict[str, int]:
    """Create the regency government and one office per kecamatan and per village (idempotent)."""
    try:
        regency = Regency.objects.get(code=regency_code)
    except Regency.DoesNotExist as exc:
        raise ValidationFailed(
            f"Kode kabupaten {regency_code} tidak dikenal. Muat data wilayah dulu (manage.py load_regions)."
        ) from exc
    created = {"regency_government": 0, "district_office": 0, "village_office": 0}
    _, made = OrgUnit.objects.get_or_create(
        code=f"PEMKAB-{regency.code}",
        defaults={
            "kind": OrgUnitKind.REGENCY_GOVERNMENT,
            "name": f"Pemerintah {regency.name}",
            "short_name": f"Pemkab {regency.name.replace('Kabupaten ', '').replace('Kota ', '')}",
            "regency": regency,
        },
    )
    created["regency_government"] += int(made)
    existing = set(
        OrgUnit.objects.filter(
            regency=regency, kind__in=[OrgUnitKind.DISTRICT_OFFICE, OrgUnitKind.VILLAGE_OFFICE]
        ).values_list("code", flat=True)
    )
    new_units = []
    for district in District.objects.filter(regency=regency):
        code = f"KEC-{district.code}"
        if code not in existing:
            new_units.append(
                OrgUnit(
                    code=code,
                    kind=OrgUnitKind.DISTRICT_OFFICE,
                    name=f"Kantor Kecamatan {district.name}",
                    short_name=f"Kec. {district.name}",
                    regency=regency,
                    district=district,
                )
            )
            created["district_office"] += 1
    for village in Village.objects.filter(district__regency=regency).select_related("district"):
        code = f"DESA-{village.code}"
        if code not in existing:
            label = "Kantor Kelurahan" if village.kind == "kelurahan" else "Kantor Desa"
            new_units.append(
                OrgUnit(
                    code=code,
                    kind=OrgUnitKind.VILLAGE_OFFICE,
                    name=f"{label} {village.name}",
                    short_name=f"{'Kel.' if village.kind == 'kelurahan' else 'Desa'} {village.name}",
                    regency=regency,
                    district=village.district,
                    village=village,
                )
            )
            created["village_office"] += 1
    OrgUnit.objects.bulk_create(new_units, batch_size=1000)
    if any(created.values()):
        audit_record(
            actor=actor,
            verb="org_units.ensure",
            object_type="regions.regency",
            object_id=regency.code,
            changes=created,
        )
    return created


_AGENCY_FIELDS = ("name", "short_name", "agency_kind", "address", "phone", "email", "website", "is_active")


def _validate_agency_fields(fields: dict) -> None:
    errors = {}
    if "name" in fields and not (fields["name"] or "").strip():
        errors["name"] = ["Nama instansi wajib diisi."]
    if fields.get("agency_kind") and fields["agency_kind"] not in AgencyKind.values:
        errors["agency_kind"] = ["Jenis instansi tidak dikenal."]
    if errors:
        raise ValidationFailed(fields=errors)


@transaction.atomic
def agency_upsert(*, actor, code: str, regency: Regency, **fields) -> OrgUnit:
    """Create or update an agency (OPD, vertical office or BUMN/BUMD present at the MPP)."""
    unknown = set(fields) - set(_AGENCY_FIELDS)
    if unknown:
        raise ValueError(f"unknown agency fields: {sorted(unknown)}")
    code = code.strip().upper()
    if not code:
        raise ValidationFailed(fields={"code": ["Kode instansi wajib diisi."]})
    _validate_agency_fields(fields)
    unit = OrgUnit.objects.select_for_update().filter(code=code).first()
    if unit is None:
        unit = OrgUnit.objects.create(kind=OrgUnitKind.AGENCY, code=code, regency=regency, **fields)
        audit_record(actor=actor, verb="agency.create", obj=unit, changes=fields)
        return unit
    if unit.kind != OrgUnitKind.AGENCY:
        raise ValidationFailed(fields={"code": [f"Kode {code} sudah dipakai unit kerja lain."]})
    changed = {k: v for k, v in fields.items() if getattr(unit, k) != v}
    for key, value in changed.items():
        setattr(unit, key, value)
    if changed:
        unit.save(update_fields=list(changed))
        audit_record(actor=actor, verb="agency.update", obj=unit, changes=changed)
    return unit


@transaction.atomic
def org_unit_create(*, actor, kind: str, code: str, name: str, regency: Regency, **fields) -> OrgUnit:
    """Create any org unit (used by the admin); offices of villages and districts are unique."""
    if kind not in OrgUnitKind.values:
        raise ValidationFailed(fields={"kind": ["Jenis unit kerja tidak dikenal."]})
    if OrgUnit.objects.filter(code=code).exists():
        raise ValidationFailed(fields={"code": [f"Kode {code} sudah dipakai."]})
    if kind == OrgUnitKind.AGENCY:
        _validate_agency_fields({"name": name, **fields})
    district, village = fields.get("district"), fields.get("village")
    if district is not None and district.regency_id != regency.pk:
        raise ValidationFailed(
            fields={"district": ["Kecamatan ini bukan bagian dari kabupaten/kota unit kerja."]}
        )
    if village is not None and village.district.regency_id != regency.pk:
        raise ValidationFailed(fields={"village": ["Desa ini bukan bagian dari kabupaten/kota unit kerja."]})
    if village is not None and district is not None and village.district_id != district.pk:
        raise ValidationFailed(fields={"district": ["Kecamatan tidak sesuai dengan desa yang dipilih."]})
    if kind == OrgUnitKind.VILLAGE_OFFICE:
        if village is None:
            raise ValidationFailed(fields={"village": ["Kantor desa harus menunjuk desanya."]})
        if OrgUnit.objects.filter(kind=kind, village=village).exists():
            raise ValidationFailed(fields={"village": ["Desa ini sudah memiliki kantor desa."]})
        fields.setdefault("district", village.district)
    if kind == OrgUnitKind.DISTRICT_OFFICE:
        district = fields.get("district")
        if district is None:
            raise ValidationFailed(fields={"district": ["Kantor kecamatan harus menunjuk kecamatannya."]})
        if OrgUnit.objects.filter(kind=kind, district=district).exists():
            raise ValidationFailed(fields={"district": ["Kecamatan ini sudah memiliki kantor."]})
    unit = OrgUnit.objects.create(kind=kind, code=code, name=name, regency=regency, **fields)
    audit_record(
        actor=actor, verb="org_unit.create", obj=unit, changes={"kind": kind, "name": name, **fields}
    )
    return unit


@transaction.atomic
def org_unit_update(*, actor, unit: OrgUnit, **fields) -> OrgUnit:
    allowed = {
        "name",
        "short_name",
        "address",
        "phone",
        "email",
        "website",
        "is_active",
        "agency_kind",
        "parent",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationFailed(fields={k: ["Kolom ini tidak dapat diubah."] for k in unknown})
    _validate_agency_fields(fields)
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    changed = {k: v for k, v in fields.items() if getattr(unit, k) != v}
    for key, value in changed.items():
        setattr(unit, key, value)
    if changed:
        unit.save(update_fields=list(changed))
        audit_record(actor=actor, verb="org_unit.update", obj=unit, changes=changed)
        # names and addresses are cached per process (letterheads, queue lists): this process
        # forgets them at once, the others within their TTL
        transaction.on_commit(clear_all)
    return unit
