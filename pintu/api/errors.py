"""One error shape for the whole API: {"error": {"code", "message", "fields"?}}."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from pintu.core.errors import DomainError

DRF_CODES = {
    exceptions.NotAuthenticated: ("auth.required", "Masuk terlebih dahulu atau kirim token API yang sah."),
    exceptions.AuthenticationFailed: ("auth.failed", "Token atau sesi tidak sah. Masuk kembali."),
    exceptions.PermissionDenied: ("forbidden", "Anda tidak berwenang melakukan tindakan ini."),
    exceptions.NotFound: ("not_found", "Data yang diminta tidak ditemukan."),
    exceptions.MethodNotAllowed: ("method_not_allowed", "Metode HTTP ini tidak didukung di alamat ini."),
    exceptions.NotAcceptable: ("not_acceptable", "Format jawaban yang diminta tidak didukung."),
    exceptions.UnsupportedMediaType: ("unsupported_media_type", "Jenis isi permintaan tidak didukung."),
    exceptions.ParseError: ("parse_error", "Isi permintaan tidak dapat dibaca (JSON tidak sah?)."),
    exceptions.Throttled: ("throttled", "Terlalu banyak permintaan. Coba lagi sebentar lagi."),
}


def _flatten(detail, prefix="") -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            fields.update(_flatten(value, name))
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            fields[prefix or "non_field_errors"] = [str(item) for item in detail]
        else:
            for index, item in enumerate(detail):
                fields.update(_flatten(item, f"{prefix}.{index}" if prefix else str(index)))
    else:
        fields[prefix or "non_field_errors"] = [str(detail)]
    return fields


def error_response(
    code: str, message: str, http_status: int, fields: dict | None = None, headers=None
) -> Response:
    body = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return Response({"error": body}, status=http_status, headers=headers)


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        set_rollback()
        payload = exc.as_dict()
        return error_response(payload["code"], payload["message"], exc.status, payload.get("fields"))
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, exceptions.ValidationError):
        set_rollback()
        return error_response(
            "invalid",
            "Data yang dikirim belum benar. Periksa isian yang ditandai.",
            status.HTTP_400_BAD_REQUEST,
            _flatten(exc.detail),
        )
    if isinstance(exc, exceptions.APIException):
        set_rollback()
        code, message = next(
            (value for klass, value in DRF_CODES.items() if isinstance(exc, klass)),
            ("error", str(exc.detail)),
        )
        headers = {}
        if isinstance(exc, exceptions.Throttled) and exc.wait:
            headers["Retry-After"] = str(int(exc.wait))
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        return error_response(code, message, exc.status_code, headers=headers)
    return None
