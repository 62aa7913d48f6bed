from __future__ import annotations

import abc
from dataclasses import dataclass

from pintu.core.errors import DomainError


class SigningFailed(DomainError):
    """The document could not be signed; the message says what to do (Indonesian)."""

    code = "signer.failed"
    status = 502


class SignerRefused(SigningFailed):
    """The provider refused the signer (wrong passphrase, no certificate…): the user can fix it."""

    code = "signer.refused"
    status = 400


@dataclass(frozen=True)
class SignerInfo:
    provider: str
    certificate_subject: str = ""
    certificate_serial: str = ""


class Signer(abc.ABC):
    name = "abstract"

    @abc.abstractmethod
    def sign(
        self,
        pdf_bytes: bytes,
        *,
        signer_name: str,
        reason: str,
        location: str,
        credentials: dict | None = None,
    ) -> bytes:
        """Return the PDF with a PAdES signature added. ``credentials`` carries per-signer
        secrets for remote providers (BSrE: ``nik``, ``passphrase``); never stored."""

    @abc.abstractmethod
    def describe(self) -> SignerInfo:
        """Provider and certificate, recorded with each signed document."""

    def is_current(self) -> bool:
        """False when the cached instance no longer matches the configuration."""
        return True
