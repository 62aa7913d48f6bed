"""The application form of a service version, built from its FormField rows.

One builder serves the pages (rendered Django form) and the API (``clean_application_data``),
so both apply exactly the same rules.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from pintu.catalog.constants import FieldKind, VersionStatus
from pintu.catalog.models import ServiceVersion
from pintu.core.errors import ValidationFailed
from pintu.core.ttlcache import register


def _nik_validator(value):
    from pintu.accounts.services import validate_nik

    try:
        validate_nik(value)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc


def _kk_validator(value):
    digits = (value or "").strip()
    if not digits.isdigit() or len(digits) != 16:
        raise ValidationError("Nomor KK harus 16 angka.")
    from pintu.regions.selectors import district_exists

    code = f"{digits[0:2]}.{digits[2:4]}.{digits[4:6]}"
    if not district_exists(code):
        raise ValidationError(
            f"Enam angka pertama nomor KK ({digits[:6]}) bukan kode kecamatan yang terdaftar."
        )


def _phone_validator(value):
    from pintu.accounts.services import validate_phone

    try:
        validate_phone(value)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc


def _messages(field) -> dict:
    return {
        "required": f"{field.label} wajib diisi.",
        "max_length": "Terlalu panjang: maksimal %(limit_value)d karakter (sekarang %(show_value)d).",
        "min_length": "Terlalu pendek: minimal %(limit_value)d karakter.",
        "invalid": {
            FieldKind.DATE: "Tanggal tidak valid; isi tanggal yang ada di kalender (misalnya 17-08-2025).",
            FieldKind.NUMBER: "Isi dengan angka.",
            FieldKind.EMAIL: "Alamat surel tidak valid, contoh: nama@contoh.id.",
        }.get(field.kind, "Isian tidak valid."),
        "invalid_choice": "Pilih salah satu pilihan yang tersedia.",
    }


def _form_field(field) -> forms.Field:
    common = {
        "label": field.label,
        "required": field.required,
        "help_text": field.help_text,
        "error_messages": _messages(field),
    }
    kind = field.kind
    if kind == FieldKind.TEXT:
        return forms.CharField(max_length=field.max_length or 200, **common)
    if kind == FieldKind.TEXTAREA:
        return forms.CharField(
            max_length=field.max_length or 2000, widget=forms.Textarea(attrs={"rows": 3}), **common
        )
    if kind == FieldKind.NUMBER:
        return forms.DecimalField(
            max_digits=18,
            decimal_places=2,
            widget=forms.NumberInput(attrs={"inputmode": "decimal"}),
            **common,
        )
    if kind == FieldKind.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **common)
    if kind == FieldKind.CHOICE:
        return forms.ChoiceField(choices=[("", "— pilih —"), *[(c, c) for c in field.choices]], **common)
    if kind == FieldKind.NIK:
        return forms.CharField(
            min_length=16,
            max_length=16,
            validators=[_nik_validator],
            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            **common,
        )
    if kind == FieldKind.KK_NUMBER:
        return forms.CharField(
            min_length=16,
            max_length=16,
            validators=[_kk_validator],
            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            **common,
        )
    if kind == FieldKind.PHONE:
        return forms.CharField(
            max_length=20,
            validators=[_phone_validator],
            widget=forms.TextInput(attrs={"inputmode": "tel"}),
            **common,
        )
    if kind == FieldKind.EMAIL:
        return forms.EmailField(**common)
    if kind == FieldKind.CHECKBOX:
        return forms.BooleanField(**common)
    raise ValueError(f"unknown field kind {kind}")


def application_form_class(version: ServiceVersion) -> type[forms.Form]:
    if version.status == VersionStatus.DRAFT:
        return _build_form_class(version)
    return _published_form_class(version, translation.get_language() or "id")


def _build_form_class(version: ServiceVersion) -> type[forms.Form]:
    fields = {f.key: _form_field(f) for f in version.form_fields.all()}
    return type("ApplicationForm", (forms.Form,), fields)


_FORM_CLASSES: dict = {}
register(_FORM_CLASSES.clear)


def _published_form_class(version: ServiceVersion, language: str) -> type[forms.Form]:
    """A published version's fields never change: build its form class once per language."""
    key = (version.pk, version.published_at, language)
    form_class = _FORM_CLASSES.get(key)
    if form_class is None:
        form_class = _FORM_CLASSES[key] = _build_form_class(version)
    return form_class


def _json_value(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value.normalize()) if value == value.to_integral_value() else str(value)
    return value


def clean_application_data(version: ServiceVersion, data: dict) -> dict:
    """Validate submitted form data against the version; return JSON-safe values."""
    form_data = {}
    for field in version.form_fields.all():
        value = (data or {}).get(field.key)
        if field.kind == FieldKind.CHECKBOX:
            form_data[field.key] = "on" if value in (True, "true", "on", "1", 1) else ""
        elif value is not None:
            form_data[field.key] = value
    form = application_form_class(version)(data=form_data)
    if not form.is_valid():
        raise ValidationFailed(fields={k: list(v) for k, v in form.errors.items()})
    return {key: _json_value(value) for key, value in form.cleaned_data.items() if value not in (None, "")}
