"""Letter settings: the regency's letter types (seeded from the definitions, then edited), and
each village office's own settings (numbering, signer, letterhead) and the types it offers."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from pintu.accounts.access import principal_for
from pintu.audit.services import audit_record
from pintu.core.errors import PermissionDenied, ValidationFailed
from pintu.letters import policies
from pintu.letters.constants import (
    SequenceScope,
    SignerKind,
)
from pintu.letters.definitions import type_specs
from pintu.letters.models import (
    LetterType,
    VillageLetterSettings,
    VillageLetterType,
)
from pintu.letters.numbering import parse_number_format
from pintu.letters.services._common import _check_office
from pintu.regions.models import OrgUnit

# --- letter types (regency) -------------------------------------------------------------------


@transaction.atomic
def letter_types_seed(*, actor=None) -> int:
    """Create the default types (OpenSID's list plus Pintu's); existing ones are left as the
    regency configured them. Idempotent; returns how many were created."""
    existing = set(LetterType.objects.values_list("slug", flat=True))
    rows = [
        LetterType(
            code=spec.code,
            slug=spec.slug,
            name=spec.name,
            classification_code=spec.classification,
            template=spec.template,
            fields_schema=spec.fields,
            requirements=spec.requirements,
            validity_days=spec.validity_days,
            default_signer=spec.signer,
            citizen_requestable=spec.requestable,
            dukcapil_forms=spec.dukcapil_forms,
            source=spec.source,
            position=position,
        )
        for position, spec in enumerate(type_specs(), start=1)
        if spec.slug not in existing
    ]
    LetterType.objects.bulk_create(rows, ignore_conflicts=True)
    if rows:
        audit_record(
            actor=actor,
            verb="letters.types_seed",
            object_type="letters.lettertype",
            changes={"created": len(rows)},
        )
    return len(rows)


TYPE_EDITABLE = (
    "name",
    "classification_code",
    "requirements",
    "validity_days",
    "default_signer",
    "citizen_requestable",
    "is_active",
)


@transaction.atomic
def letter_type_update(*, actor, letter_type: LetterType, **changes) -> LetterType:
    """A regency admin changes a type (name, classification code, requirements, validity…)."""
    if not policies.can_manage_types(principal_for(actor)):
        raise PermissionDenied(
            _("Hanya admin kabupaten yang dapat mengubah daftar jenis surat."), code="letters.forbidden"
        )
    unknown = set(changes) - set(TYPE_EDITABLE)
    if unknown:
        raise ValidationFailed(_("Kolom ini tidak dapat diubah: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    letter_type = LetterType.objects.select_for_update().get(pk=letter_type.pk)
    errors = {}
    if "name" in changes and not str(changes["name"]).strip():
        errors["name"] = [_("Nama jenis surat wajib diisi.")]
    if "classification_code" in changes and not str(changes["classification_code"]).strip():
        errors["classification_code"] = [_("Kode klasifikasi wajib diisi, misalnya 470.")]
    if "validity_days" in changes and not 1 <= int(changes["validity_days"] or 0) <= 3650:
        errors["validity_days"] = [_("Masa berlaku 1 sampai 3650 hari.")]
    if "default_signer" in changes and changes["default_signer"] not in SignerKind.values:
        errors["default_signer"] = [_("Pilih kepala desa atau sekretaris desa.")]
    if errors:
        raise ValidationFailed(fields=errors)
    before = {key: getattr(letter_type, key) for key in changes}
    for key, value in changes.items():
        setattr(letter_type, key, value)
    letter_type.save(update_fields=list(changes))
    audit_record(
        actor=actor, verb="letters.type_update", obj=letter_type, changes={"before": before, "after": changes}
    )
    return letter_type


# --- village settings (kepala desa) -------------------------------------------------------------


@transaction.atomic
def village_letter_settings_update(
    *,
    actor,
    office: OrgUnit,
    number_format: str,
    sequence_scope: str,
    head_name: str = "",
    head_nip: str = "",
    secretary_name: str = "",
    secretary_nip: str = "",
) -> VillageLetterSettings:
    """The kepala desa sets the number format, the sequence scope and the signers' names."""
    _check_office(office)
    if not policies.can_configure(principal_for(actor), office.pk):
        raise PermissionDenied(
            _("Hanya kepala desa yang dapat mengubah pengaturan surat desanya."), code="letters.forbidden"
        )
    if sequence_scope not in SequenceScope.values:
        raise ValidationFailed(
            fields={"sequence_scope": [_("Pilih satu urutan untuk desa atau per jenis surat.")]}
        )
    fmt = parse_number_format(number_format, scope=sequence_scope)
    if not head_name.strip():
        raise ValidationFailed(
            fields={"head_name": [_("Tulis nama kepala desa seperti dicetak di tanda tangan.")]}
        )
    row, _created = VillageLetterSettings.objects.select_for_update().get_or_create(office=office)
    before = {"number_format": row.number_format, "sequence_scope": row.sequence_scope}
    row.number_format = fmt.source
    row.sequence_scope = sequence_scope
    row.head_name = head_name.strip()[:150]
    row.head_nip = head_nip.strip()[:30]
    row.secretary_name = secretary_name.strip()[:150]
    row.secretary_nip = secretary_nip.strip()[:30]
    row.save()
    audit_record(
        actor=actor,
        verb="letters.settings_update",
        obj=row,
        changes={"before": before, "number_format": row.number_format, "sequence_scope": sequence_scope},
    )
    return row


@transaction.atomic
def village_letter_types_set(
    *, actor, office: OrgUnit, enabled: dict[int, bool], signers: dict[int, str] | None = None
) -> int:
    """The kepala desa enables/disables types for the village and picks who signs each.
    ``enabled`` = {letter_type_id: bool}; ``signers`` = {letter_type_id: "head"|"secretary"|""}."""
    _check_office(office)
    if not policies.can_configure(principal_for(actor), office.pk):
        raise PermissionDenied(
            _("Hanya kepala desa yang dapat memilih jenis surat desanya."), code="letters.forbidden"
        )
    signers = signers or {}
    known = set(LetterType.objects.filter(pk__in=list(enabled) + list(signers)).values_list("pk", flat=True))
    bad = [pk for pk in [*enabled, *signers] if pk not in known]
    if bad:
        raise ValidationFailed(_("Jenis surat tidak dikenal."), code="letters.type_unknown")
    for pk, signer in signers.items():
        if signer not in ("", *SignerKind.values):
            raise ValidationFailed(fields={f"signer.{pk}": [_("Pilih kepala desa atau sekretaris desa.")]})
    current = {
        row.letter_type_id: row for row in VillageLetterType.objects.select_for_update().filter(office=office)
    }
    changed = 0
    for pk in known:
        row = current.get(pk) or VillageLetterType(office=office, letter_type_id=pk)
        new_enabled = enabled.get(pk, row.enabled if row.pk else True)
        new_signer = signers.get(pk, row.signer)
        if row.pk and row.enabled == new_enabled and row.signer == new_signer:
            continue
        row.enabled, row.signer = new_enabled, new_signer
        row.save()
        changed += 1
    audit_record(
        actor=actor, verb="letters.types_set", obj=office, changes={"enabled": enabled, "signers": signers}
    )
    return changed
