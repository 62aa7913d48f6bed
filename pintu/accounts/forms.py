from django import forms
from django.utils.translation import gettext_lazy as _

from pintu.core.forms import PintuForm
from pintu.regions.selectors import villages_of_regency


def village_choices():
    """217 villages of the regency grouped by kecamatan (one query)."""
    groups: dict[str, list] = {}
    for village in villages_of_regency():
        groups.setdefault(f"Kec. {village.district.name}", []).append((village.pk, village.name))
    return [("", _("— pilih desa/kelurahan —")), *groups.items()]


class LoginForm(PintuForm):
    username = forms.CharField(
        label=_("Surel atau nama pengguna"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Kata sandi"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class RegisterForm(PintuForm):
    full_name = forms.CharField(
        label=_("Nama lengkap (sesuai KTP)"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(label=_("Surel"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    phone = forms.CharField(
        label=_("Nomor ponsel/WhatsApp"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        help_text=_("Untuk pemberitahuan status permohonan."),
    )
    nik = forms.CharField(
        label=_("NIK"),
        max_length=16,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("16 angka pada KTP-el/KK. Boleh diisi nanti."),
    )
    village = forms.TypedChoiceField(
        label=_("Desa/kelurahan domisili"), required=False, coerce=int, empty_value=None
    )
    password = forms.CharField(
        label=_("Kata sandi"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Minimal 8 karakter, jangan hanya angka."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = village_choices()


class OtpForm(PintuForm):
    token = forms.CharField(
        label=_("Kode 6 angka dari aplikasi autentikator"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
    )
