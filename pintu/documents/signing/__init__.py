"""Signer registry: PAdES signatures behind one small interface.

``signer()`` returns the provider named by ``settings.PINTU_SIGNER``: ``local`` (a PKCS#12 key
from configuration, the demo's self-signed key when none is configured), ``bsre`` (the national
BSrE e-sign service) or ``fake`` (tests). Domain code only calls ``signer().sign(...)`` and
stores ``describe()``.
"""

from __future__ import annotations

from django.conf import settings

from pintu.documents.signing.base import Signer, SignerInfo, SignerRefused, SigningFailed

_PROVIDERS = {
    "local": "pintu.documents.signing.local.LocalSigner",
    "bsre": "pintu.documents.signing.bsre.BsreSigner",
    "fake": "pintu.documents.signing.fake.FakeSigner",
}
_cache: dict[str, Signer] = {}


def provider_names() -> list[str]:
    return list(_PROVIDERS)


def signer(name: str | None = None) -> Signer:
    from django.utils.module_loading import import_string

    name = name or settings.PINTU_SIGNER
    if name not in _PROVIDERS:
        raise SigningFailed(
            f"Penyedia tanda tangan '{name}' tidak dikenal. Atur PINTU_SIGNER ke salah satu: "
            + ", ".join(_PROVIDERS),
            code="signer.unknown",
        )
    instance = _cache.get(name)
    if instance is None or not instance.is_current():
        instance = import_string(_PROVIDERS[name])()
        _cache[name] = instance
    return instance


def reset() -> None:
    """Forget cached providers (settings changed: tests, key rotation)."""
    _cache.clear()


__all__ = ["Signer", "SignerInfo", "SignerRefused", "SigningFailed", "provider_names", "reset", "signer"]
