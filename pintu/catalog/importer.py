"""Load a catalogue file (YAML): agencies, document types and services with their Standar
Pelayanan, form, documents and workflow. Idempotent: an unchanged service publishes nothing.

The file is checked as a whole first; every problem is reported with its path and nothing is
written while any remain.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml
from django.db import transaction

from pintu.catalog.constants import (
    CATEGORIES,
    STEP_ROLES_BY_OWNER,
    FieldKind,
    FileFormat,
    StepKind,
    StepOwner,
)
from pintu.catalog.services import CODE_RE, KEY_RE, STANDARD_FIELDS, document_type_upsert, service_define
from pintu.core.errors import ValidationFailed
from pintu.regions.constants import AgencyKind
from pintu.regions.selectors import deployment_regency
from pintu.regions.services import agency_upsert

STANDARD_KEYS = set(STANDARD_FIELDS) - {"change_note"}


@dataclass
class ImportReport:
    agencies: int = 0
    document_types: int = 0
    services_published: list[str] = field(default_factory=list)
    services_unchanged: list[str] = field(default_factory=list)


def _problems(data: dict) -> list[str]:
    out: list[str] = []
    if not isinstance(data, dict):
        return ["the file must be a mapping with agencies, document_types and services"]
    agencies = {a.get("code") for a in data.get("agencies") or []}
    doc_types = {d.get("code") for d in data.get("document_types") or []}
    for i, agency in enumerate(data.get("agencies") or []):
        path = f"agencies[{i}]"
        if not CODE_RE.match(str(agency.get("code", ""))):
            out.append(f"{path}.code: invalid code")
        if agency.get("kind") not in AgencyKind.values:
            out.append(f"{path}.kind: must be one of {AgencyKind.values}")
        if not agency.get("name"):
            out.append(f"{path}.name: required")
    for i, doc in enumerate(data.get("document_types") or []):
        path = f"document_types[{i}]"
        if not CODE_RE.match(str(doc.get("code", ""))):
            out.append(f"{path}.code: invalid code")
        if not doc.get("formats") or any(f not in FileFormat.values for f in doc["formats"]):
            out.append(f"{path}.formats: subset of {FileFormat.values}")
    seen = set()
    for i, svc in enumerate(data.get("services") or []):
        path = f"services[{i}] ({svc.get('code')})"
        code = str(svc.get("code", ""))
        if not CODE_RE.match(code) or code in seen:
            out.append(f"{path}.code: invalid or duplicate")
        seen.add(code)
        if svc.get("agency") not in agencies:
            out.append(f"{path}.agency: unknown agency {svc.get('agency')}")
        if svc.get("category") not in CATEGORIES:
            out.append(f"{path}.category: must be one of {CATEGORIES}")
        standard = svc.get("standard") or {}
        unknown = set(standard) - STANDARD_KEYS
        if unknown:
            out.append(f"{path}.standard: unknown keys {sorted(unknown)}")
        for j, fld in enumerate(svc.get("form_fields") or []):
            if not KEY_RE.match(str(fld.get("key", ""))):
                out.append(f"{path}.form_fields[{j}].key: invalid")
            if fld.get("kind") not in FieldKind.values:
                out.append(f"{path}.form_fields[{j}].kind: must be one of {FieldKind.values}")
        for j, doc in enumerate(svc.get("documents") or []):
            if doc.get("type") not in doc_types:
                out.append(f"{path}.documents[{j}].type: unknown document type {doc.get('type')}")
        steps = svc.get("steps") or []
        if not steps:
            out.append(f"{path}.steps: at least one step")
        for j, step in enumerate(steps):
            owner = step.get("owner")
            if owner not in StepOwner.values:
                out.append(f"{path}.steps[{j}].owner: must be one of {StepOwner.values}")
            elif step.get("role") not in STEP_ROLES_BY_OWNER[owner]:
                out.append(f"{path}.steps[{j}].role: {step.get('role')} cannot act for {owner}")
            if step.get("kind") not in StepKind.values:
                out.append(f"{path}.steps[{j}].kind: must be one of {StepKind.values}")
    return out


def load_catalogue_file(path, *, actor=None) -> ImportReport:
    with open(path, encoding="utf-8") as handle:
        return load_catalogue(yaml.safe_load(handle), actor=actor)


@transaction.atomic
def load_catalogue(data: dict, *, actor=None) -> ImportReport:
    problems = _problems(data)
    if problems:
        raise ValidationFailed(
            "Berkas katalog tidak valid; tidak ada yang disimpan.",
            code="catalog.import_invalid",
            fields={"file": problems},
        )
    regency = deployment_regency()
    report = ImportReport()
    units = {}
    for agency in data.get("agencies") or []:
        units[agency["code"]] = agency_upsert(
            actor=actor,
            code=agency["code"],
            regency=regency,
            name=agency["name"],
            short_name=agency.get("short_name", ""),
            agency_kind=agency["kind"],
            address=agency.get("address", ""),
            phone=str(agency.get("phone", "") or ""),
            website=agency.get("website", ""),
        )
        report.agencies += 1
    for doc in data.get("document_types") or []:
        document_type_upsert(
            actor=actor,
            code=doc["code"],
            name=doc["name"],
            formats=doc["formats"],
            max_mb=doc.get("max_mb", 5),
        )
        report.document_types += 1
    for definition in data.get("services") or []:
        service, published = service_define(
            actor=actor, agency=units[definition["agency"]], definition=definition
        )
        (report.services_published if published else report.services_unchanged).append(service.code)
    return report
