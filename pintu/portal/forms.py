import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from pintu.accounts.forms import village_choices
from pintu.core.forms import PintuForm


class TrackForm(PintuForm):
    code = forms.CharField(
        label=_("Kode lacak"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocapitalize": "characters",
                "autocomplete": "off",
                "placeholder": "XXXX-XXXX-XXX",
                "spellcheck": "false",
            }
        ),
    )


FORMAT_ORDER = ["pdf", "jpg", "png"]
MIME = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}


def documents_fields(version, *, required: bool) -> dict[str, forms.Field]:
    """One file input per document the service asks for: doc_<CODE>."""
    fields = {}
    for requirement in version.document_requirements.all():
        doc_type = requirement.document_type
        formats = sorted(doc_type.formats, key=FORMAT_ORDER.index)
        help_parts = [", ".join(f.upper() for f in formats), f"maks. {doc_type.max_mb} MB"]
        if requirement.note:
            help_parts.insert(0, requirement.note)
        fields[f"doc_{doc_type.code}"] = forms.FileField(
            label=doc_type.name,
            required=required and requirement.required,
            help_text=" · ".join(help_parts),
            widget=forms.ClearableFileInput(attrs={"accept": ",".join(MIME[f] for f in formats)}),
            error_messages={
                "required": f"Unggah {doc_type.name} (wajib).",
                "empty": "Berkas kosong. Pilih berkas yang berisi dokumen.",
            },
        )
    return fields


def applicant_form_class(*, staff: bool):
    """Applicant details: for staff (village/counter) the resident's identity; for a citizen
    only what the profile may lack."""
    fields = {}
    if staff:
        fields["applicant_name"] = forms.CharField(label=_("Nama lengkap pemohon"), max_length=150)
        fields["applicant_nik"] = forms.CharField(
            label=_("NIK pemohon"),
            max_length=16,
            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        )
        fields["applicant_phone"] = forms.CharField(
            label=_("Ponsel/WhatsApp pemohon"),
            max_length=20,
            required=False,
            widget=forms.TextInput(attrs={"inputmode": "tel"}),
            help_text=_("Untuk pemberitahuan status."),
        )
        fields["applicant_email"] = forms.EmailField(label=_("Surel pemohon"), required=False)
        fields["applicant_address"] = forms.CharField(
            label=_("Alamat (dusun, RT/RW)"), max_length=255, required=False
        )
    else:
        fields["applicant_nik"] = forms.CharField(
            label=_("NIK"),
            max_length=16,
            required=False,
            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        )
        fields["applicant_phone"] = forms.CharField(
            label=_("Ponsel/WhatsApp"),
            max_length=20,
            required=False,
            widget=forms.TextInput(attrs={"inputmode": "tel"}),
        )
        fields["applicant_address"] = forms.CharField(
            label=_("Alamat (dusun, RT/RW)"), max_length=255, required=False
        )
        fields["applicant_village"] = forms.TypedChoiceField(
            label=_("Desa/kelurahan domisili"), required=False, coerce=int, empty_value=None
        )
    fields["submission_key"] = forms.CharField(widget=forms.HiddenInput, required=False)
    fields["note"] = forms.CharField(
        label=_("Catatan untuk petugas (opsional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        PintuForm.__init__(self, *args, **kwargs)
        if "applicant_village" in self.fields:
            self.fields["applicant_village"].choices = village_choices()
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4().hex)

    return type("ApplicantForm", (PintuForm,), {**fields, "__init__": __init__})


class ResubmitForm(PintuForm):
    note = forms.CharField(
        label=_("Jelaskan perbaikan yang Anda lakukan"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    request_key = forms.CharField(widget=forms.HiddenInput, required=False)
