"""The letterhead (kop surat) of an org unit, in the shape ``common/letter.typ`` expects."""

from __future__ import annotations

from pintu.regions.models import OrgUnit


def kop_for_unit(unit: OrgUnit) -> dict:
    regency = unit.regency
    regency_line = f"PEMERINTAH {regency.name.upper()}"
    if unit.kind == "village_office" and unit.village_id:
        village = unit.village
        prefix = "KELURAHAN" if village.kind == "kelurahan" else "DESA"
        lines = [f"KECAMATAN {village.district.name.upper()}", f"{prefix} {village.name.upper()}"]
    elif unit.kind == "district_office" and unit.district_id:
        lines = [f"KECAMATAN {unit.district.name.upper()}"]
    elif unit.kind == "regency_government":
        lines = ["SEKRETARIAT DAERAH"]
    else:
        lines = [unit.name.upper()]
    address = ", ".join(
        part for part in (unit.address, f"Telp. {unit.phone}" if unit.phone else "", unit.email) if part
    )
    return {"regency": regency_line, "unit_lines": lines, "address": address}
