"""A signer for tests: marks the PDF without cryptography and records every call."""

from __future__ import annotations

from pintu.documents.signing.base import Signer, SignerInfo, SigningFailed


class FakeSigner(Signer):
    name = "fake"
    calls: list[dict] = []
    fail_next = 0

    def sign(self, pdf_bytes, *, signer_name, reason, location, credentials=None) -> bytes:
        if FakeSigner.fail_next:
            FakeSigner.fail_next -= 1
            raise SigningFailed("Layanan tanda tangan (uji) menolak permintaan. Coba lagi.")
        FakeSigner.calls.append({"signer_name": signer_name, "reason": reason, "location": location})
        return pdf_bytes + b"\n%FAKE-SIGNATURE " + signer_name.encode() + b"\n"

    def describe(self) -> SignerInfo:
        return SignerInfo(
            provider=self.name, certificate_subject="CN=Penanda Tangan Uji", certificate_serial="1"
        )
