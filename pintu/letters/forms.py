"""Forms of the letter pages; the extra fields come from the letter type's schema."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pintu.core.forms import PintuForm
from pintu.letters.constants import FieldKind, SequenceScope, SignerKind


def _field_for(spec: dict) -> forms.Field:
    kind = spec.get("kind", FieldKind.TEXT)
    common = {
        "label": spec["label"],
        "required": spec.get("required", True),
        "help_text": spec.get("help", ""),
    }
    if kind == FieldKind.TEXTAREA:
        return forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), **common)
    if kind == FieldKind.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if kind == FieldKind.TIME:
        return forms.CharField(max_length=5, widget=forms.TimeInput(attrs={"type": "time"}), **common)
    if kind in (FieldKind.NUMBER, FieldKind.MONEY):
        return forms.CharField(
            max_length=16, widget=forms.TextInput(attrs={"inputmode": "numeric"}), **common
        )
    if kind == FieldKind.CHOICE:
        choices = [("", "—"), *((c, c) for c in spec.get("choices", []))]
        return forms.ChoiceField(choices=choices, **common)
    return forms.CharField(max_length=200, **common)


class LetterFieldsForm(PintuForm):
    purpose = forms.CharField(
        label=_("Keperluan"),
        max_length=255,
        help_text=_("Untuk apa surat ini, misalnya “melamar pekerjaan” atau “pendaftaran sekolah anak”."),
    )

    def __init__(self, *args, letter_type, **kwargs):
        self.letter_type = letter_type
        super().__init__(*args, **kwargs)
        for spec in letter_type.fields_schema:
            self.fields[spec["key"]] = _field_for(spec)
        for field in self.fields.values():
            if field.error_messages.get("required") == forms.Field.default_error_messages["required"]:
                field.error_messages["required"] = _("%(label)s wajib diisi.") % {"label": field.label}

    def field_values(self) -> dict:
        return {spec["key"]: self.cleaned_data.get(spec["key"]) for spec in self.letter_type.fields_schema}

    def extra_fields(self):
        return [self[spec["key"]] for spec in self.letter_type.fields_schema]


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Catatan untuk pemohon"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan pencabutan (tampil di halaman verifikasi publik)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SettingsForm(PintuForm):
    number_format = forms.CharField(
        label=_("Format nomor surat"),
        max_length=80,
        help_text=_(
            "Kode: [kode] klasifikasi, [kode_surat], [nomor:3] nomor urut 3 digit, [kode_desa], "
            "[bulan_romawi], [bulan], [tahun]. Contoh: [kode]/[nomor:3]/[kode_desa]/[bulan_romawi]/[tahun]"
        ),
        widget=forms.TextInput(attrs={"class": "mono"}),
    )
    sequence_scope = forms.ChoiceField(
        label=_("Urutan nomor"), choices=SequenceScope.choices, widget=forms.RadioSelect
    )
    head_name = forms.CharField(label=_("Nama kepala desa"), max_length=150)
    head_nip = forms.CharField(label=_("NIP/NIPD kepala desa"), max_length=30, required=False)
    secretary_name = forms.CharField(label=_("Nama sekretaris desa"), max_length=150, required=False)
    secretary_nip = forms.CharField(label=_("NIP/NIPD sekretaris desa"), max_length=30, required=False)


SIGNER_CHOICES = [("", _("Bawaan jenis surat")), *SignerKind.choices]
