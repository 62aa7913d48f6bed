"""Page forms. They only collect input; the services validate and decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pintu.core.forms import PintuForm
from pintu.population import codes
from pintu.population.constants import MoveScope


def _choices(list_name: str, *, blank: bool = False):
    items = [
        (str(code), label.title() if list_name != "golongan_darah" else label)
        for code, label in codes.choices(list_name)
    ]
    return ([("", "—")] if blank else []) + items


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ResidentForm(PintuForm):
    nik = forms.CharField(
        label=_("NIK"),
        required=False,
        max_length=20,
        help_text=_("16 angka. Kosongkan bila belum punya NIK: Pintu memberi NIK sementara."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    full_name = forms.CharField(label=_("Nama lengkap"), max_length=150)
    sex = forms.ChoiceField(label=_("Jenis kelamin"), choices=_choices("jenis_kelamin", blank=True))
    birth_place = forms.CharField(label=_("Tempat lahir"), max_length=100, required=False)
    birth_date = forms.DateField(label=_("Tanggal lahir"), widget=DATE)
    religion = forms.ChoiceField(label=_("Agama"), choices=_choices("agama", blank=True))
    education = forms.ChoiceField(label=_("Pendidikan (dalam KK)"), choices=_choices("pendidikan_kk"))
    occupation = forms.ChoiceField(label=_("Pekerjaan"), choices=_choices("pekerjaan"))
    marital_status = forms.ChoiceField(label=_("Status perkawinan"), choices=_choices("status_perkawinan"))
    family_relation = forms.ChoiceField(
        label=_("Hubungan dalam keluarga"), choices=_choices("hubungan_keluarga")
    )
    blood_type = forms.ChoiceField(
        label=_("Golongan darah"), choices=_choices("golongan_darah"), initial="13"
    )
    citizenship = forms.ChoiceField(label=_("Kewarganegaraan"), choices=_choices("warganegara"))
    father_name = forms.CharField(label=_("Nama ayah"), max_length=150, required=False)
    mother_name = forms.CharField(label=_("Nama ibu"), max_length=150, required=False)
    kk_number = forms.CharField(
        label=_("Nomor KK"),
        required=False,
        max_length=20,
        help_text=_("KK yang sudah terdaftar, atau nomor KK baru (dibuat otomatis)."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    hamlet = forms.CharField(label=_("Dusun"), max_length=100, required=False)
    rw = forms.CharField(
        label=_("RW"), max_length=3, required=False, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    rt = forms.CharField(
        label=_("RT"), max_length=3, required=False, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    address = forms.CharField(label=_("Alamat (jalan, nomor)"), max_length=255, required=False)

    PERSON_FIELDS = [
        "nik",
        "full_name",
        "sex",
        "birth_place",
        "birth_date",
        "religion",
        "education",
        "occupation",
        "marital_status",
        "family_relation",
        "blood_type",
        "citizenship",
        "father_name",
        "mother_name",
        "rw",
        "rt",
        "address",
    ]

    def person_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.PERSON_FIELDS}


class ResidentEditForm(ResidentForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["kk_number"]
        self.fields["nik"].required = True
        self.fields["nik"].help_text = _("16 angka.")


class MoveInForm(ResidentForm):
    """A person arriving from outside the regency's Pintu villages (pindah datang)."""

    date = forms.DateField(label=_("Tanggal datang"), widget=DATE)
    origin = forms.CharField(
        label=_("Asal kepindahan"),
        max_length=200,
        help_text=_("Alamat asal dan nomor SKPWNI bila ada, misalnya: Kota Malang, SKPWNI 3573/…"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nik"].required = True
        self.fields["nik"].help_text = _("16 angka, dari KTP-el atau SKPWNI.")


class FamilySplitForm(PintuForm):
    """Pecah KK: members leave for a new family card."""

    members = forms.MultipleChoiceField(
        label=_("Anggota yang pindah ke KK baru"), widget=forms.CheckboxSelectMultiple
    )
    head = forms.ChoiceField(label=_("Kepala keluarga KK baru"))
    kk_number = forms.CharField(
        label=_("Nomor KK baru"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    rw = forms.CharField(label=_("RW"), max_length=3, required=False)
    rt = forms.CharField(label=_("RT"), max_length=3, required=False)
    address = forms.CharField(label=_("Alamat (jalan, nomor)"), max_length=255, required=False)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(m.pk), f"{m.full_name} ({m.nik})") for m in members]
        self.fields["members"].choices = choices
        self.fields["head"].choices = [("", "—"), *choices]

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("head")
            and cleaned.get("members") is not None
            and cleaned["head"] not in cleaned["members"]
        ):
            self.add_error("head", _("Kepala keluarga KK baru harus termasuk anggota yang pindah."))
        return cleaned


class BirthForm(PintuForm):
    full_name = forms.CharField(label=_("Nama bayi"), max_length=150)
    sex = forms.ChoiceField(label=_("Jenis kelamin"), choices=_choices("jenis_kelamin", blank=True))
    birth_date = forms.DateField(label=_("Tanggal lahir"), widget=DATE)
    birth_place = forms.CharField(label=_("Tempat lahir"), max_length=100, required=False)
    birth_certificate = forms.CharField(label=_("Nomor akta kelahiran"), max_length=40, required=False)
    mother = forms.TypedChoiceField(label=_("Ibu"), coerce=int, required=False)
    father = forms.TypedChoiceField(label=_("Ayah"), coerce=int, required=False)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        women = [("", "—")] + [(m.pk, m.full_name) for m in members if m.sex == 2]
        men = [("", "—")] + [(m.pk, m.full_name) for m in members if m.sex == 1]
        self.fields["mother"].choices = women
        self.fields["father"].choices = men


class DeathForm(PintuForm):
    date = forms.DateField(label=_("Tanggal kematian"), widget=DATE)
    place = forms.CharField(label=_("Tempat kematian"), max_length=255, required=False)
    cause = forms.CharField(label=_("Sebab kematian"), max_length=200, required=False)


class MoveOutForm(PintuForm):
    date = forms.DateField(label=_("Tanggal pindah"), widget=DATE)
    scope = forms.TypedChoiceField(
        label=_("Jenis pindah"), coerce=int, choices=[(v, lbl) for v, lbl in MoveScope.choices]
    )
    destination = forms.CharField(label=_("Alamat tujuan"), max_length=255)
    reason = forms.CharField(label=_("Alasan pindah"), max_length=200, required=False)


class TransferForm(PintuForm):
    date = forms.DateField(label=_("Tanggal pindah"), widget=DATE)
    to_village = forms.TypedChoiceField(label=_("Desa tujuan (di Pintu)"), coerce=int)
    kk_number = forms.CharField(
        label=_("Nomor KK di desa tujuan"),
        max_length=20,
        required=False,
        help_text=_("KK yang sudah ada di desa tujuan, atau nomor KK baru. Boleh dikosongkan."),
    )
    hamlet = forms.CharField(label=_("Dusun tujuan"), max_length=100, required=False)
    rw = forms.CharField(label=_("RW"), max_length=3, required=False)
    rt = forms.CharField(label=_("RT"), max_length=3, required=False)
    address = forms.CharField(label=_("Alamat tujuan (jalan, nomor)"), max_length=255, required=False)
    reason = forms.CharField(label=_("Alasan pindah"), max_length=200, required=False)

    def __init__(self, *args, villages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_village"].choices = [("", "—")] + [
            (v.pk, f"{v.name} — {v.district.name}") for v in villages
        ]


class DateNoteForm(PintuForm):
    date = forms.DateField(label=_("Tanggal"), widget=DATE)
    note = forms.CharField(label=_("Keterangan"), max_length=255, required=False)


class ImportForm(PintuForm):
    file = forms.FileField(
        label=_("Berkas xlsx atau CSV"),
        help_text=_("Kolom seperti ekspor OpenSID atau templat Pintu. Baris yang sama tidak menjadi ganda."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.ods,.csv"}),
    )


class LinkRequestForm(PintuForm):
    nik = forms.CharField(
        label=_("NIK"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    kk_number = forms.CharField(
        label=_("Nomor KK"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    birth_date = forms.DateField(label=_("Tanggal lahir"), widget=DATE)


class RejectForm(PintuForm):
    reason = forms.CharField(label=_("Alasan penolakan"), max_length=255)
