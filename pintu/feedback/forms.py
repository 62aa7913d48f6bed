"""Forms of the feedback pages (they only parse; the services decide)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pintu.core.forms import PintuForm
from pintu.feedback.constants import AgeGroup, Education, Occupation, RejectReason, Sex
from pintu.feedback.rules import CURRENT_RULE_VERSION, rule_version


class SurveyForm(PintuForm):
    """The nine questions (answers 1–4, each may be skipped), profile and a comment."""

    sex = forms.ChoiceField(label=_("Jenis kelamin"), required=False, choices=[("", "—"), *Sex.choices])
    age_group = forms.ChoiceField(label=_("Usia"), required=False, choices=[("", "—"), *AgeGroup.choices])
    education = forms.ChoiceField(
        label=_("Pendidikan terakhir"), required=False, choices=[("", "—"), *Education.choices]
    )
    occupation = forms.ChoiceField(
        label=_("Pekerjaan utama"), required=False, choices=[("", "—"), *Occupation.choices]
    )
    comment = forms.CharField(
        label=_("Saran dan masukan (boleh dikosongkan)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rule = rule_version(CURRENT_RULE_VERSION)
        for element in self.rule.elements:
            self.fields[element.code] = forms.TypedChoiceField(
                label=element.question,
                required=False,
                coerce=int,
                empty_value=None,
                choices=[(i + 1, answer) for i, answer in enumerate(element.answers)],
                widget=forms.RadioSelect,
            )

    def question_fields(self):
        return [(element, self[element.code]) for element in self.rule.elements]

    def profile_fields(self):
        return [self[name] for name in ("sex", "age_group", "education", "occupation")]

    def answers(self) -> dict:
        return {code: self.cleaned_data.get(code) for code in self.rule.element_codes}

    def profile(self) -> dict:
        return {
            name: self.cleaned_data.get(name, "") for name in ("sex", "age_group", "education", "occupation")
        }


class KioskSurveyForm(SurveyForm):
    agency = forms.TypedChoiceField(label=_("Instansi yang melayani Anda"), coerce=int)
    submission_key = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [
            ("", _("Pilih instansi")),
            *[(a.pk, a.display_name) for a in agencies],
        ]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class ComplaintForm(PintuForm):
    subject = forms.CharField(label=_("Judul pengaduan"), max_length=200)
    description = forms.CharField(
        label=_("Isi pengaduan"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Ceritakan apa yang terjadi, kapan, di mana dan layanan apa. Jangan tulis NIK."),
    )
    agency = forms.TypedChoiceField(
        label=_("Instansi yang diadukan"), required=False, coerce=int, empty_value=None
    )
    incident_date = forms.DateField(
        label=_("Tanggal kejadian"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    attachments = MultipleFileField(
        label=_("Lampiran (foto/PDF, paling banyak 3 berkas, masing-masing 5 MB)"), required=False
    )
    is_anonymous = forms.BooleanField(
        label=_("Rahasiakan identitas saya dari instansi"),
        required=False,
        help_text=_(
            "Instansi tidak melihat nama dan kontak Anda. Simpan kode lacak untuk memantau pengaduan."
        ),
    )
    reporter_name = forms.CharField(label=_("Nama"), required=False, max_length=150)
    reporter_phone = forms.CharField(
        label=_("Nomor ponsel (untuk kabar perkembangan)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    reporter_email = forms.EmailField(label=_("Surel"), required=False)
    submission_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [
            ("", _("Tidak tahu — biar admin kabupaten yang menentukan")),
            *[(a.pk, a.display_name) for a in agencies],
        ]


class SurveyComplaintForm(PintuForm):
    subject = forms.CharField(label=_("Judul pengaduan"), max_length=200)
    description = forms.CharField(label=_("Isi pengaduan"), widget=forms.Textarea(attrs={"rows": 4}))
    reporter_phone = forms.CharField(
        label=_("Nomor ponsel (untuk kabar perkembangan, boleh dikosongkan)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}),
    )


class TrackForm(PintuForm):
    code = forms.CharField(
        label=_("Kode pengaduan"),
        max_length=24,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "P-XXXX-XXXX-XXX"}),
    )


class RateForm(PintuForm):
    rating = forms.TypedChoiceField(
        label=_("Seberapa puas Anda dengan jawaban instansi?"),
        coerce=int,
        choices=[
            (5, _("5 — Sangat puas")),
            (4, _("4 — Puas")),
            (3, _("3 — Cukup")),
            (2, _("2 — Kurang puas")),
            (1, _("1 — Tidak puas")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Tanggapan Anda (wajib bila belum puas)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ActionForm(PintuForm):
    note = forms.CharField(label=_("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    agency = forms.TypedChoiceField(label=_("Instansi tujuan"), required=False, coerce=int, empty_value=None)
    reason = forms.ChoiceField(label=_("Alasan"), required=False, choices=[("", "—"), *RejectReason.choices])

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", "—"), *[(a.pk, a.display_name) for a in agencies]]
