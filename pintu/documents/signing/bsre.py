"""Adapter for BSrE (Balai Sertifikasi Elektronik, BSSN) through the agency's eSign Client
Service, API v2:

    POST {PINTU_BSRE_URL}/api/v2/sign/pdf          (HTTP Basic: PINTU_BSRE_USERNAME/PASSWORD)
    {"nik": "...", "passphrase": "...",
     "signatureProperties": [{"tampilan": "INVISIBLE", "reason": "...", "location": "..."}],
     "file": ["<base64 PDF>"]}
    → 200 {"time": <ms>, "file": ["<base64 signed PDF>"]}
    → errors: 401 {"timestamp","status","error","path"} (client credentials);
      JSON {"status_code": 2011|2021|2031|..., "error"|"message": "..."} (signer problems);
      500 for unreadable input.

One PDF per request, never retried automatically (a timeout after sending leaves the outcome
unknown). The signer's NIK and passphrase come per call (``credentials``) or, for an
institutional account, from settings; they are never logged or stored.

The HTTP transport is injectable (``transport(method, url, headers, body, timeout) ->
(status, headers, body)``) so tests run against a fake without network.
"""

from __future__ import annotations

import base64
import binascii
import json
import urllib.error
import urllib.request

from django.conf import settings

from pintu.documents.signing.base import Signer, SignerInfo, SignerRefused, SigningFailed

SIGN_PATH = "/api/v2/sign/pdf"

# BSrE application codes → what the user should do.
ERROR_MESSAGES = {
    2011: (
        "signer.not_registered",
        "NIK penanda tangan belum terdaftar di BSrE. Daftarkan "
        "pejabat penanda tangan ke BSrE melalui admin TTE daerah.",
    ),
    2021: (
        "signer.no_certificate",
        "Penanda tangan belum memiliki sertifikat elektronik aktif di "
        "BSrE. Ajukan atau perbarui sertifikat melalui admin TTE daerah.",
    ),
    2031: ("signer.wrong_passphrase", "Passphrase tanda tangan elektronik salah. Periksa lalu coba lagi."),
    2032: (
        "signer.certificate_expired",
        "Sertifikat elektronik penanda tangan sudah kedaluwarsa. "
        "Perbarui sertifikat melalui admin TTE daerah.",
    ),
    2033: (
        "signer.certificate_revoked",
        "Sertifikat elektronik penanda tangan sudah dicabut. Hubungi admin TTE daerah.",
    ),
}


def urllib_transport(method: str, url: str, headers: dict, body: bytes, timeout: float):
    if not url.startswith(("https://", "http://")):
        raise SigningFailed("PINTU_BSRE_URL harus diawali https:// (atau http:// di jaringan internal).")
    request = urllib.request.Request(url, data=body, headers=headers, method=method)  # noqa: S310 - checked above
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - configured URL
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers or {}), exc.read()


class BsreSigner(Signer):
    name = "bsre"

    def __init__(self, *, transport=None) -> None:
        self.base_url = (settings.PINTU_BSRE_URL or "").rstrip("/")
        self.username = settings.PINTU_BSRE_USERNAME
        self.password = settings.PINTU_BSRE_PASSWORD
        self.timeout = settings.PINTU_BSRE_TIMEOUT
        self.transport = transport or urllib_transport

    def describe(self) -> SignerInfo:
        return SignerInfo(provider=self.name, certificate_subject="BSrE — Badan Siber dan Sandi Negara")

    def _credentials(self, credentials: dict | None) -> tuple[str, str]:
        credentials = credentials or {}
        nik = (credentials.get("nik") or settings.PINTU_BSRE_NIK or "").strip()
        passphrase = credentials.get("passphrase") or settings.PINTU_BSRE_PASSPHRASE or ""
        if not nik or not passphrase:
            raise SignerRefused(
                "NIK dan passphrase penanda tangan BSrE wajib diisi.", code="signer.credentials_required"
            )
        return nik, passphrase

    def sign(self, pdf_bytes, *, signer_name, reason, location, credentials=None) -> bytes:
        if not self.base_url:
            raise SigningFailed(
                "Layanan BSrE belum dikonfigurasi (PINTU_BSRE_URL kosong). Hubungi admin sistem.",
                code="signer.not_configured",
            )
        nik, passphrase = self._credentials(credentials)
        payload = {
            "nik": nik,
            "passphrase": passphrase,
            "signatureProperties": [
                {"tampilan": "INVISIBLE", "reason": reason[:200], "location": location[:100]}
            ],
            "file": [base64.b64encode(pdf_bytes).decode("ascii")],
        }
        token = base64.b64encode(f"{self.username}:{self.password}".encode()).decode("ascii")
        headers = {
            "Authorization": f"Basic {token}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        try:
            status, _headers, body = self.transport(
                "POST", self.base_url + SIGN_PATH, headers, json.dumps(payload).encode(), self.timeout
            )
        except TimeoutError as exc:
            raise SigningFailed(
                "Layanan BSrE tidak menjawab dalam batas waktu. Status penandatanganan tidak diketahui: "
                "periksa dokumen sebelum mencoba lagi.",
                code="signer.timeout",
            ) from exc
        except (urllib.error.URLError, OSError) as exc:
            raise SigningFailed(
                "Layanan BSrE tidak dapat dihubungi. Periksa jaringan atau coba beberapa saat lagi.",
                code="signer.unreachable",
            ) from exc
        return self._signed_pdf(status, body)

    def _signed_pdf(self, status: int, body: bytes) -> bytes:
        try:
            data = json.loads(body or b"{}")
        except ValueError:
            data = None
        if status == 401:
            raise SigningFailed(
                "Aplikasi ditolak oleh layanan BSrE (akun klien salah). Periksa PINTU_BSRE_USERNAME "
                "dan PINTU_BSRE_PASSWORD.",
                code="signer.client_unauthorized",
            )
        app_code = None
        if isinstance(data, dict):
            try:
                app_code = int(data.get("status_code") or 0) or None
            except (TypeError, ValueError):
                app_code = None
        if app_code in ERROR_MESSAGES:
            code, message = ERROR_MESSAGES[app_code]
            raise SignerRefused(message, code=code)
        if status != 200 or not isinstance(data, dict) or not data.get("file"):
            detail = ""
            if isinstance(data, dict):
                detail = str(data.get("message") or data.get("error") or "")[:200]
            raise SigningFailed(
                "Layanan BSrE gagal menandatangani dokumen"
                + (f" ({detail})" if detail else f" (HTTP {status})")
                + ". Coba lagi; bila berulang, hubungi admin TTE daerah.",
                code="signer.provider_error",
            )
        try:
            signed = base64.b64decode(data["file"][0], validate=True)
        except (binascii.Error, TypeError, IndexError, KeyError) as exc:
            raise SigningFailed(
                "Jawaban layanan BSrE tidak berisi PDF yang dapat dibaca. Hubungi admin TTE daerah.",
                code="signer.bad_response",
            ) from exc
        if not signed.startswith(b"%PDF"):
            raise SigningFailed(
                "Jawaban layanan BSrE tidak berisi PDF yang dapat dibaca. Hubungi admin TTE daerah.",
                code="signer.bad_response",
            )
        return signed
