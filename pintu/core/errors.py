"""Domain errors: raised by services and selectors, mapped to HTTP in one place.

Every error has a stable ``code`` (clients switch on it) and a message in Bahasa Indonesia that
tells the user what to do. ``fields`` carries per-field messages for form-like input.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "error"
    status = 400
    default_message = _("Permintaan tidak dapat diproses.")

    def __init__(self, message=None, *, code: str | None = None, fields: dict | None = None):
        self.message = message if message is not None else self.default_message
        if code:
            self.code = code
        self.fields = fields or {}
        super().__init__(str(self.message))

    def as_dict(self) -> dict:
        payload = {"code": self.code, "message": str(self.message)}
        if self.fields:
            payload["fields"] = {key: [str(m) for m in msgs] for key, msgs in self.fields.items()}
        return payload


class ValidationFailed(DomainError):
    code = "invalid"
    status = 400
    default_message = _("Data yang dikirim belum benar. Periksa isian yang ditandai lalu kirim lagi.")


class PermissionDenied(DomainError):
    code = "forbidden"
    status = 403
    default_message = _("Anda tidak berwenang melakukan tindakan ini.")


class NotFound(DomainError):
    code = "not_found"
    status = 404
    default_message = _("Data yang diminta tidak ditemukan.")


class Conflict(DomainError):
    code = "conflict"
    status = 409
    default_message = _("Data telah berubah oleh pengguna lain. Muat ulang halaman lalu coba lagi.")


class InvalidTransition(Conflict):
    code = "case.invalid_transition"
    default_message = _("Tindakan ini tidak dapat dilakukan pada status permohonan saat ini.")
