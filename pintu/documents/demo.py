"""Demo of issued documents: the self-signed demo signing key."""

from __future__ import annotations

from django.conf import settings

from pintu.documents.signing.keys import ensure_demo_key


def seed_demo(*, stdout) -> None:
    """Kunci tanda tangan demo (PKCS#12, sertifikat swa-tanda) untuk dokumen terbit."""
    if settings.PINTU_SIGNER_PKCS12:
        stdout.write(f"  signing key configured: {settings.PINTU_SIGNER_PKCS12}\n")
        return
    path, created = ensure_demo_key()
    stdout.write(f"  demo signing key {'created' if created else 'present'}: {path}\n")
