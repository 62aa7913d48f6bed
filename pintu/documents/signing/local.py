"""PAdES signatures with a local key (PKCS#12), through pyHanko.

The key comes from ``PINTU_SIGNER_PKCS12`` / ``PINTU_SIGNER_PKCS12_PASSPHRASE``; without one, the
demo key (``PINTU_SIGNER_DEMO_PKCS12``, created on first use) is used. The loaded key is kept
while the file is unchanged.
"""

from __future__ import annotations

import io
import uuid
from pathlib import Path

from django.conf import settings
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.signers.pdf_cms import SimpleSigner

from pintu.documents.signing.base import Signer, SignerInfo, SigningFailed
from pintu.documents.signing.keys import ensure_demo_key
from pintu.documents.signing.pades import CmsTemplate, sign_fast

BYTES_RESERVED = 8192


def _key_path() -> Path:
    configured = settings.PINTU_SIGNER_PKCS12
    if configured:
        return Path(configured)
    path, _ = ensure_demo_key()
    return path


class LocalSigner(Signer):
    name = "local"

    def __init__(self) -> None:
        self.path = _key_path()
        try:
            self._stamp = self.path.stat().st_mtime_ns
        except FileNotFoundError as exc:
            raise SigningFailed(
                f"Berkas kunci tanda tangan {self.path} tidak ditemukan. Periksa PINTU_SIGNER_PKCS12.",
                code="signer.key_missing",
            ) from exc
        passphrase = settings.PINTU_SIGNER_PKCS12_PASSPHRASE.encode() or None
        self._signer: SimpleSigner | None = SimpleSigner.load_pkcs12(str(self.path), passphrase=passphrase)
        if self._signer is None:
            raise SigningFailed(
                "Kunci tanda tangan tidak dapat dibuka. Periksa PINTU_SIGNER_PKCS12_PASSPHRASE.",
                code="signer.key_unreadable",
            )
        from cryptography.hazmat.primitives.serialization import pkcs12

        key, certificate, _ = pkcs12.load_key_and_certificates(self.path.read_bytes(), passphrase)
        self._template = CmsTemplate.build(key, certificate)
        cert = self._signer.signing_cert
        self._info = SignerInfo(
            provider=self.name,
            certificate_subject=cert.subject.human_friendly[:300],
            certificate_serial=format(cert.serial_number, "X")[:80],
        )

    def is_current(self) -> bool:
        try:
            return _key_path() == self.path and self.path.stat().st_mtime_ns == self._stamp
        except FileNotFoundError:
            return False

    def certificate(self):
        return self._signer.signing_cert

    def sign(self, pdf_bytes, *, signer_name, reason, location, credentials=None) -> bytes:
        if settings.PINTU_SIGNER_FAST_PADES:
            fast = sign_fast(
                pdf_bytes,
                self._template,
                name=signer_name[:150],
                reason=reason[:200],
                location=location[:100],
            )
            if fast is not None:
                return fast
        return self.sign_with_pyhanko(pdf_bytes, signer_name=signer_name, reason=reason, location=location)

    def sign_with_pyhanko(self, pdf_bytes, *, signer_name, reason, location) -> bytes:
        """The general path (any PDF): pyHanko's incremental writer and CMS."""
        meta = signers.PdfSignatureMetadata(
            field_name=f"TandaTanganElektronik-{uuid.uuid4().hex[:8]}",  # a PDF may hold several
            subfilter=fields.SigSeedSubFilter.PADES,
            md_algorithm="sha256",
            reason=reason[:200] or None,
            location=location[:100] or None,
            name=signer_name[:150] or None,
        )
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes))
        out = io.BytesIO()
        signers.PdfSigner(meta, signer=self._signer).sign_pdf(
            writer, output=out, bytes_reserved=BYTES_RESERVED
        )
        return out.getvalue()

    def describe(self) -> SignerInfo:
        return self._info
