"""The demo's signing key: an EC P-256 key and a self-signed certificate in a PKCS#12 file.

``ensure_demo_key()`` creates ``var/demo/signer.p12`` once (atomically, safe if two processes
race) and returns its path; the ``signer_demo_key`` management command and the demo call it.
A real deployment configures its own PKCS#12 (``PINTU_SIGNER_PKCS12``) instead.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings

DEMO_SUBJECT = "Penanda Tangan Demo Pintu"


def demo_key_path() -> Path:
    return Path(settings.PINTU_SIGNER_DEMO_PKCS12)


def make_pkcs12(*, common_name: str = DEMO_SUBJECT, passphrase: bytes, years: int = 5) -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Pemerintah Kabupaten Banyuwangi (demo)"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .sign(key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        b"pintu-signer", key, cert, None, serialization.BestAvailableEncryption(passphrase)
    )


def ensure_demo_key(path: Path | None = None) -> tuple[Path, bool]:
    """(path, created). Never overwrites an existing key."""
    path = Path(path or demo_key_path())
    if path.exists():
        return path, False
    path.parent.mkdir(parents=True, exist_ok=True)
    data = make_pkcs12(passphrase=settings.PINTU_SIGNER_PKCS12_PASSPHRASE.encode())
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".signer-", suffix=".p12")
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(tmp, 0o600)
    try:
        os.link(tmp, path)  # atomic and fails if another process created it first
        created = True
    except FileExistsError:
        created = False
    finally:
        os.unlink(tmp)
    return path, created


def load_certificate(path: Path, passphrase: str) -> x509.Certificate:
    _, cert, _ = pkcs12.load_key_and_certificates(Path(path).read_bytes(), passphrase.encode() or None)
    return cert
