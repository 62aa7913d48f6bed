"""Checking the extra fields of a letter type (the type's ``fields_schema``) with messages per field."""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext as _

from pintu.core.errors import ValidationFailed
from pintu.letters.constants import FieldKind

TIME_RE = re.compile(r"^([01]\d|2[0-3])[:.]([0-5]\d)$")
MAX_TEXT = 200
MAX_TEXTAREA = 2000
PURPOSE_MAX = 255


def _clean_one(spec: dict, raw) -> object:
    kind = spec.get("kind", FieldKind.TEXT)
    value = raw.strip() if isinstance(raw, str) else raw
    if kind in (FieldKind.NUMBER, FieldKind.MONEY):
        text = str(value).replace(".", "").replace(" ", "") if kind == FieldKind.MONEY else str(value)
        if text.lower().startswith("rp"):
            text = text[2:]
        if not text.isdigit():
            raise ValueError(_("Isi dengan angka bulat tanpa titik atau huruf, misalnya 1500000."))
        number = int(text)
        if number > 10**12:
            raise ValueError(_("Angka terlalu besar."))
        return number
    if kind == FieldKind.DATE:
        if isinstance(value, dt.date):
            return value.isoformat()
        try:
            return dt.date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise ValueError(_("Isi tanggal dengan format TTTT-BB-HH, misalnya 2026-11-28.")) from None
    if kind == FieldKind.TIME:
        if isinstance(value, dt.time):
            return value.strftime("%H:%M")
        match = TIME_RE.match(str(value))
        if not match:
            raise ValueError(_("Isi jam dengan format JJ:MM, misalnya 08:30."))
        return f"{match.group(1)}:{match.group(2)}"
    if kind == FieldKind.CHOICE:
        choices = spec.get("choices") or []
        if value not in choices:
            raise ValueError(_("Pilih salah satu: %(c)s.") % {"c": ", ".join(choices)})
        return value
    text = str(value)
    limit = MAX_TEXTAREA if kind == FieldKind.TEXTAREA else MAX_TEXT
    if len(text) > limit:
        raise ValueError(_("Terlalu panjang: maksimum %(n)s karakter.") % {"n": limit})
    return text


def clean_letter_fields(schema: list[dict], raw: dict | None, *, purpose: str | None = None) -> dict:
    """The schema's fields from ``raw``, converted; unknown keys are dropped. Raises
    ``ValidationFailed`` with ``fields={"fields.<key>": [...]}`` (and ``purpose``) on any error."""
    raw = raw or {}
    errors: dict[str, list[str]] = {}
    clean: dict = {}
    for spec in schema:
        key = spec["key"]
        value = raw.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if spec.get("required", True):
                errors[f"fields.{key}"] = [_("%(label)s wajib diisi.") % {"label": spec["label"]}]
            continue
        try:
            clean[key] = _clean_one(spec, value)
        except ValueError as exc:
            errors[f"fields.{key}"] = [str(exc)]
    if purpose is not None:
        purpose = purpose.strip()
        if not purpose:
            errors["purpose"] = [_("Tulis keperluan surat, misalnya “melamar pekerjaan”.")]
        elif len(purpose) > PURPOSE_MAX:
            errors["purpose"] = [
                _("Keperluan terlalu panjang: maksimum %(n)s karakter.") % {"n": PURPOSE_MAX}
            ]
    if errors:
        raise ValidationFailed(
            _("Isian surat belum lengkap atau belum benar. Periksa isian yang ditandai."),
            code="letters.fields_invalid",
            fields=errors,
        )
    return clean
