"""Write path for the catalogue. Drafts are edited here; publishing validates and freezes them."""

from __future__ import annotations

import hashlib
import json
import re
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from pintu.accounts.constants import Role
from pintu.audit.services import audit_record
from pintu.catalog.constants import (
    CATEGORIES,
    STEP_ROLES_BY_OWNER,
    FieldKind,
    FileFormat,
    StepKind,
    StepOwner,
    VersionStatus,
)
from pintu.catalog.models import (
    DocumentRequirement,
    DocumentType,
    FormField,
    Service,
    ServiceVersion,
    WorkflowStep,
)
from pintu.core.errors import ValidationFailed
from pintu.regions.constants import OrgUnitKind

CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,59}$")
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,59}$")

STANDARD_FIELDS = (
    "requirements",
    "procedure",
    "time_limit_days",
    "fee",
    "fee_note",
    "product",
    "legal_basis",
    "complaints_channel",
    "facilities",
    "officer_competence",
    "internal_supervision",
    "staffing",
    "service_guarantee",
    "security_guarantee",
    "performance_evaluation",
    "change_note",
)
SERVICE_FIELDS = ("name", "category", "summary", "keywords", "is_active", "agency")


def _require_draft(version: ServiceVersion) -> None:
    if version.status != VersionStatus.DRAFT:
        raise ValidationFailed(
            "Versi yang sudah terbit tidak dapat diubah. Buat draf baru dari layanan ini lalu terbitkan.",
            code="catalog.version_immutable",
        )


def _lock_draft(version: ServiceVersion) -> ServiceVersion:
    version = ServiceVersion.objects.select_for_update().get(pk=version.pk)
    _require_draft(version)
    return version


# --- document types ---------------------------------------------------------------------------


@transaction.atomic
def document_type_upsert(*, actor, code: str, name: str, formats: list[str], max_mb: int) -> DocumentType:
    code = (code or "").strip().upper()
    errors = {}
    if not CODE_RE.match(code):
        errors["code"] = ["Kode hanya huruf besar, angka dan tanda '-'."]
    if not (name or "").strip():
        errors["name"] = ["Nama jenis dokumen wajib diisi."]
    bad = [f for f in formats or [] if f not in FileFormat.values]
    if not formats or bad:
        errors["formats"] = [f"Format harus dari: {', '.join(FileFormat.values)}."]
    if not (1 <= int(max_mb or 0) <= 50):
        errors["max_mb"] = ["Ukuran maksimum 1–50 MB."]
    if errors:
        raise ValidationFailed(fields=errors)
    values = {"name": name.strip(), "formats": sorted(set(formats)), "max_mb": int(max_mb)}
    doc_type, created = DocumentType.objects.get_or_create(code=code, defaults=values)
    changed = {k: v for k, v in values.items() if getattr(doc_type, k) != v}
    if changed:
        for key, value in changed.items():
            setattr(doc_type, key, value)
        doc_type.save(update_fields=list(changed))
    if created or changed:
        audit_record(
            actor=actor, verb="document_type.upsert", obj=doc_type, changes=values if created else changed
        )
    return doc_type


# --- services ---------------------------------------------------------------------------------


def _validate_service_fields(fields: dict) -> dict:
    errors = {}
    if "name" in fields and len((fields["name"] or "").strip()) < 3:
        errors["name"] = ["Nama layanan wajib diisi."]
    if "category" in fields and fields["category"] not in CATEGORIES:
        errors["category"] = [f"Kategori harus salah satu dari: {', '.join(CATEGORIES)}."]
    agency = fields.get("agency")
    if agency is not None and agency.kind != OrgUnitKind.AGENCY:
        errors["agency"] = ["Pemilik layanan harus sebuah instansi."]
    if errors:
        raise ValidationFailed(fields=errors)
    if "keywords" in fields and isinstance(fields["keywords"], list | tuple):
        fields["keywords"] = ", ".join(k.strip() for k in fields["keywords"] if k.strip())
    return fields


@transaction.atomic
def service_create(
    *, actor, code: str, agency, name: str, category: str, summary: str = "", keywords=""
) -> Service:
    code = (code or "").strip().upper()
    if not CODE_RE.match(code):
        raise ValidationFailed(
            fields={"code": ["Kode hanya huruf besar, angka dan tanda '-' (2–60 karakter)."]}
        )
    if Service.objects.filter(code=code).exists():
        raise ValidationFailed(fields={"code": [f"Kode layanan {code} sudah dipakai."]})
    fields = _validate_service_fields(
        {"agency": agency, "name": name, "category": category, "summary": summary, "keywords": keywords}
    )
    service = Service.objects.create(code=code, **fields)
    ServiceVersion.objects.create(service=service, number=1, created_by=actor)
    audit_record(actor=actor, verb="service.create", obj=service, changes={"code": code, "name": name})
    return service


@transaction.atomic
def service_update(*, actor, service: Service, **fields) -> Service:
    unknown = set(fields) - set(SERVICE_FIELDS)
    if unknown:
        raise ValueError(f"unknown service fields {sorted(unknown)}")
    fields = _validate_service_fields(dict(fields))
    service = Service.objects.select_for_update().get(pk=service.pk)
    changed = {k: v for k, v in fields.items() if getattr(service, k) != v}
    for key, value in changed.items():
        setattr(service, key, value)
    if changed:
        service.save(update_fields=[*changed, "updated_at"])
        audit_record(actor=actor, verb="service.update", obj=service, changes=changed)
    return service


@transaction.atomic
def service_draft_start(*, actor, service: Service) -> ServiceVersion:
    """Return the service's draft, creating one as a copy of its newest version if needed."""
    Service.objects.select_for_update().get(pk=service.pk)
    draft = service.versions.filter(status=VersionStatus.DRAFT).first()
    if draft:
        return draft
    source = service.versions.order_by("-number").first()
    number = (service.versions.aggregate(m=Max("number"))["m"] or 0) + 1
    draft = ServiceVersion.objects.create(
        service=service,
        number=number,
        created_by=actor,
        **({f: getattr(source, f) for f in STANDARD_FIELDS if f != "change_note"} if source else {}),
    )
    if source:
        FormField.objects.bulk_create(
            FormField(
                version=draft,
                position=f.position,
                key=f.key,
                label=f.label,
                kind=f.kind,
                required=f.required,
                help_text=f.help_text,
                choices=f.choices,
                max_length=f.max_length,
            )
            for f in source.form_fields.all()
        )
        DocumentRequirement.objects.bulk_create(
            DocumentRequirement(
                version=draft,
                position=d.position,
                document_type_id=d.document_type_id,
                required=d.required,
                note=d.note,
            )
            for d in source.document_requirements.all()
        )
        WorkflowStep.objects.bulk_create(
            WorkflowStep(
                version=draft,
                position=s.position,
                name=s.name,
                owner=s.owner,
                role=s.role,
                kind=s.kind,
                sla_days=s.sla_days,
            )
            for s in source.steps.all()
        )
    audit_record(
        actor=actor,
        verb="service.draft_start",
        obj=draft,
        changes={"from": source.number if source else None},
    )
    return draft


@transaction.atomic
def service_draft_update(*, actor, version: ServiceVersion, **fields) -> ServiceVersion:
    unknown = set(fields) - set(STANDARD_FIELDS)
    if unknown:
        raise ValueError(f"unknown standard fields {sorted(unknown)}")
    version = _lock_draft(version)
    errors = {}
    if "time_limit_days" in fields:
        try:
            fields["time_limit_days"] = int(fields["time_limit_days"])
            if not 1 <= fields["time_limit_days"] <= 365:
                raise ValueError
        except (TypeError, ValueError):
            errors["time_limit_days"] = ["Jangka waktu harus bilangan bulat 1–365 hari kerja."]
    if "fee" in fields:
        try:
            fields["fee"] = Decimal(str(fields["fee"]))
            if fields["fee"] < 0 or fields["fee"] != fields["fee"].to_integral_value():
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            errors["fee"] = ["Biaya harus rupiah bulat, 0 bila gratis."]
    if errors:
        raise ValidationFailed(fields=errors)
    changed = {k: v for k, v in fields.items() if getattr(version, k) != v}
    for key, value in changed.items():
        setattr(version, key, value)
    if changed:
        version.save(update_fields=list(changed))
        audit_record(actor=actor, verb="service.draft_update", obj=version, changes=changed)
    return version


def _clean_form_fields(fields: list[dict]) -> list[dict]:
    errors, seen, cleaned = {}, set(), []
    for index, raw in enumerate(fields):
        prefix = f"form_fields.{index}"
        key = (raw.get("key") or "").strip()
        kind = raw.get("kind")
        if not KEY_RE.match(key):
            errors[f"{prefix}.key"] = ["Kunci isian: huruf kecil, angka dan garis bawah, diawali huruf."]
        elif key in seen:
            errors[f"{prefix}.key"] = [f"Kunci '{key}' dipakai dua kali."]
        seen.add(key)
        if not (raw.get("label") or "").strip():
            errors[f"{prefix}.label"] = ["Label isian wajib diisi."]
        if kind not in FieldKind.values:
            errors[f"{prefix}.kind"] = ["Jenis isian tidak dikenal."]
        choices = [str(c).strip() for c in raw.get("choices") or [] if str(c).strip()]
        if kind == FieldKind.CHOICE and len(choices) < 2:
            errors[f"{prefix}.choices"] = ["Isian pilihan membutuhkan minimal dua pilihan."]
        cleaned.append(
            {
                "position": index + 1,
                "key": key,
                "label": (raw.get("label") or "").strip(),
                "kind": kind,
                "required": bool(raw.get("required", True)),
                "help_text": (raw.get("help_text") or raw.get("help") or "").strip(),
                "choices": choices if kind == FieldKind.CHOICE else [],
                "max_length": raw.get("max_length") or None,
            }
        )
    if errors:
        raise ValidationFailed(fields=errors)
    return cleaned


@transaction.atomic
def service_draft_set_form_fields(*, actor, version: ServiceVersion, fields: list[dict]) -> ServiceVersion:
    version = _lock_draft(version)
    cleaned = _clean_form_fields(fields)
    version.form_fields.all().delete()
    FormField.objects.bulk_create(FormField(version=version, **row) for row in cleaned)
    audit_record(
        actor=actor, verb="service.draft_form", obj=version, changes={"fields": [r["key"] for r in cleaned]}
    )
    return version


@transaction.atomic
def service_draft_set_documents(*, actor, version: ServiceVersion, documents: list[dict]) -> ServiceVersion:
    version = _lock_draft(version)
    errors, seen, rows = {}, set(), []
    types = {t.code: t for t in DocumentType.objects.all()}
    for index, raw in enumerate(documents):
        doc_type = raw.get("document_type")
        if isinstance(doc_type, str):
            doc_type = types.get(doc_type.upper())
        if doc_type is None:
            errors[f"documents.{index}.document_type"] = ["Jenis dokumen tidak dikenal."]
            continue
        if doc_type.pk in seen:
            errors[f"documents.{index}.document_type"] = [f"{doc_type.name} tercantum dua kali."]
        seen.add(doc_type.pk)
        rows.append(
            DocumentRequirement(
                version=version,
                position=index + 1,
                document_type=doc_type,
                required=bool(raw.get("required", True)),
                note=(raw.get("note") or "").strip(),
            )
        )
    if errors:
        raise ValidationFailed(fields=errors)
    version.document_requirements.all().delete()
    DocumentRequirement.objects.bulk_create(rows)
    audit_record(
        actor=actor, verb="service.draft_documents", obj=version, changes={"documents": sorted(seen)}
    )
    return version


@transaction.atomic
def service_draft_set_steps(*, actor, version: ServiceVersion, steps: list[dict]) -> ServiceVersion:
    version = _lock_draft(version)
    errors, rows = {}, []
    for index, raw in enumerate(steps):
        prefix = f"steps.{index}"
        owner, role, kind = raw.get("owner"), raw.get("role"), raw.get("kind")
        if not (raw.get("name") or "").strip():
            errors[f"{prefix}.name"] = ["Nama langkah wajib diisi."]
        if owner not in StepOwner.values:
            errors[f"{prefix}.owner"] = ["Pemilik langkah tidak dikenal."]
        elif role not in STEP_ROLES_BY_OWNER[owner]:
            errors[f"{prefix}.role"] = [
                f"Peran untuk langkah milik {StepOwner(owner).label} harus salah satu dari: "
                + ", ".join(str(Role(r).label) for r in sorted(STEP_ROLES_BY_OWNER[owner]))
            ]
        if kind not in StepKind.values:
            errors[f"{prefix}.kind"] = ["Jenis langkah tidak dikenal."]
        try:
            sla = int(raw.get("sla_days", 1))
            if not 1 <= sla <= 365:
                raise ValueError
        except (TypeError, ValueError):
            errors[f"{prefix}.sla_days"] = ["Batas waktu langkah 1–365 hari kerja."]
            sla = 1
        rows.append(
            WorkflowStep(
                version=version,
                position=index + 1,
                name=(raw.get("name") or "").strip(),
                owner=owner or "",
                role=role or "",
                kind=kind or "",
                sla_days=sla,
            )
        )
    if errors:
        raise ValidationFailed(fields=errors)
    version.steps.all().delete()
    WorkflowStep.objects.bulk_create(rows)
    audit_record(
        actor=actor, verb="service.draft_steps", obj=version, changes={"steps": [s.name for s in rows]}
    )
    return version


def service_version_problems(version: ServiceVersion) -> dict[str, list[str]]:
    """Everything that stops a draft from being published, by field. Empty means publishable."""
    problems: dict[str, list[str]] = {}

    def add(field, message):
        problems.setdefault(field, []).append(message)

    for field, label in (
        ("requirements", "Persyaratan"),
        ("procedure", "Prosedur"),
        ("product", "Produk pelayanan"),
        ("legal_basis", "Dasar hukum"),
        ("complaints_channel", "Penanganan pengaduan"),
    ):
        if not (getattr(version, field) or "").strip():
            add(field, f"{label} wajib diisi (komponen Standar Pelayanan).")
    if version.time_limit_days < 1:
        add("time_limit_days", "Jangka waktu minimal 1 hari kerja.")
    steps = list(version.steps.order_by("position"))
    if not steps:
        add("steps", "Alur harus memiliki minimal satu langkah.")
    else:
        issuance = [s for s in steps if s.kind == StepKind.ISSUANCE]
        if len(issuance) != 1 or steps[-1].kind != StepKind.ISSUANCE:
            add("steps", "Tepat satu langkah penerbitan, dan harus menjadi langkah terakhir.")
        if steps[-1].owner != StepOwner.SERVICE_AGENCY:
            add("steps", "Langkah terakhir (penerbitan) harus dimiliki instansi pemilik layanan.")
        for step in steps:
            if step.role not in STEP_ROLES_BY_OWNER.get(step.owner, set()):
                add("steps", f"Langkah '{step.name}': peran tidak sesuai dengan pemiliknya.")
        total = sum(s.sla_days for s in steps)
        if total > version.time_limit_days:
            add(
                "steps",
                f"Jumlah batas waktu langkah ({total} hari) melebihi jangka waktu layanan "
                f"({version.time_limit_days} hari kerja).",
            )
    for field in version.form_fields.all():
        if field.kind == FieldKind.CHOICE and len(field.choices) < 2:
            add("form_fields", f"Isian '{field.label}' membutuhkan minimal dua pilihan.")
    return problems


@transaction.atomic
def service_version_publish(*, actor, version: ServiceVersion) -> ServiceVersion:
    version = _lock_draft(version)
    service = Service.objects.select_for_update().get(pk=version.service_id)
    problems = service_version_problems(version)
    if problems:
        raise ValidationFailed(
            "Draf belum dapat diterbitkan. Lengkapi bagian yang ditandai.",
            code="catalog.version_incomplete",
            fields=problems,
        )
    previous = service.published_version
    if previous is not None:
        ServiceVersion.objects.filter(pk=previous.pk).update(status=VersionStatus.RETIRED)
    version.status = VersionStatus.PUBLISHED
    version.published_at = timezone.now()
    version.published_by = actor
    version.save(update_fields=["status", "published_at", "published_by"])
    first = version.steps.order_by("position").first()
    service.published_version = version
    service.starts_at_village = first.owner == StepOwner.APPLICANT_VILLAGE
    service.save(update_fields=["published_version", "starts_at_village", "updated_at"])
    audit_record(
        actor=actor,
        verb="service.publish",
        obj=version,
        changes={"number": version.number, "previous": previous.number if previous else None},
    )
    return version


# --- import (demo catalogue, regency catalogue files) -----------------------------------------


def version_fingerprint(version: ServiceVersion) -> str:
    payload = {
        "standard": {f: str(getattr(version, f)) for f in STANDARD_FIELDS if f != "change_note"},
        "fields": list(
            version.form_fields.order_by("position").values_list(
                "key", "label", "kind", "required", "help_text", "choices", "max_length"
            )
        ),
        "documents": list(
            version.document_requirements.order_by("position").values_list(
                "document_type__code", "required", "note"
            )
        ),
        "steps": list(
            version.steps.order_by("position").values_list("name", "owner", "role", "kind", "sla_days")
        ),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _definition_fingerprint(definition: dict) -> str:
    """The fingerprint a version built from ``definition`` would have (without building it)."""
    standard = definition["standard"]
    values = {f: standard.get(f, "") for f in STANDARD_FIELDS if f != "change_note"}
    values["time_limit_days"] = int(values["time_limit_days"])
    values["fee"] = Decimal(str(values["fee"] or 0))
    fields = _clean_form_fields(definition.get("form_fields", []))
    payload = {
        "standard": {k: str(v) for k, v in values.items()},
        "fields": [
            [f["key"], f["label"], f["kind"], f["required"], f["help_text"], f["choices"], f["max_length"]]
            for f in fields
        ],
        "documents": [
            [d["type"].upper(), bool(d.get("required", True)), (d.get("note") or "").strip()]
            for d in definition.get("documents", [])
        ],
        "steps": [
            [s["name"].strip(), s["owner"], s["role"], s["kind"], int(s.get("sla_days", 1))]
            for s in definition.get("steps", [])
        ],
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


@transaction.atomic
def service_define(*, actor, agency, definition: dict) -> tuple[Service, bool]:
    """Create or update a service from a full definition and publish it; returns (service,
    published_new_version). Re-running with the same definition publishes nothing new."""
    code = definition["code"].strip().upper()
    service = Service.objects.filter(code=code).first()
    meta = {
        "name": definition["name"],
        "category": definition["category"],
        "summary": definition.get("summary", ""),
        "keywords": definition.get("keywords", ""),
    }
    if service is None:
        service = service_create(actor=actor, code=code, agency=agency, **meta)
    else:
        service = service_update(actor=actor, service=service, agency=agency, **meta)
    current = service.published_version
    if current is not None and version_fingerprint(current) == _definition_fingerprint(definition):
        return service, False
    draft = service_draft_start(actor=actor, service=service)
    standard = {k: v for k, v in definition["standard"].items() if k in STANDARD_FIELDS}
    service_draft_update(actor=actor, version=draft, **standard)
    service_draft_set_form_fields(actor=actor, version=draft, fields=definition.get("form_fields", []))
    service_draft_set_documents(
        actor=actor,
        version=draft,
        documents=[{**d, "document_type": d["type"]} for d in definition.get("documents", [])],
    )
    service_draft_set_steps(actor=actor, version=draft, steps=definition.get("steps", []))
    service_version_publish(actor=actor, version=draft)
    service.refresh_from_db()
    return service, True
