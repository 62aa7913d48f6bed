"""Helpers for pages: put a domain error's messages onto a Django form; a friendlier base form."""

from django import forms
from django.utils.translation import gettext as _

from pintu.core.errors import DomainError


def apply_errors(form, error: DomainError) -> None:
    placed = False
    for name, messages in (error.fields or {}).items():
        key = name.split(".")[-1] if name.split(".")[-1] in form.fields else name
        field = key if key in form.fields else None
        for message in messages:
            form.add_error(field, message)
        placed = True
    if not placed or not error.fields:
        form.add_error(None, str(error.message))


class PintuForm(forms.Form):
    """A form whose "required" message names the field ("Nama lengkap wajib diisi.") instead of
    Django's generic "Bidang ini harus diisi."."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if field.error_messages.get("required") == forms.Field.default_error_messages["required"]:
                field.error_messages["required"] = _("%(label)s wajib diisi.") % {"label": field.label}
