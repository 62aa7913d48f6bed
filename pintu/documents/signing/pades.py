"""A fast PAdES (ETSI.CAdES.detached) signer for the PDFs Pintu renders itself.

pyHanko builds the CMS with asn1crypto and re-parses the whole PDF; on a one-page letter that
costs more than rendering it. Typst writes simple PDFs (a classic xref table, no object streams,
compact dictionaries), so this module appends the incremental update directly — signature value,
signature field/widget, AcroForm, updated catalog and page — and builds the CMS SignedData from
DER pieces prepared once per key (signed attributes: content type, message digest,
signing-certificate-v2; no signing time, as PAdES baseline requires). ``sign_fast`` returns None
when the PDF is not of that simple shape, and the caller falls back to pyHanko. The output is
checked by pyHanko's validator in the tests.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from django.utils import timezone

CONTENTS_BYTES = 8192  # room for the CMS (hex doubles it)


# --- DER ----------------------------------------------------------------------------------------


def _len(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def _tlv(tag: int, content: bytes) -> bytes:
    return bytes([tag]) + _len(len(content)) + content


def _seq(*parts: bytes) -> bytes:
    return _tlv(0x30, b"".join(parts))


def _set(*parts: bytes) -> bytes:
    return _tlv(0x31, b"".join(sorted(parts)))


def _oid(dotted: str) -> bytes:
    nums = [int(x) for x in dotted.split(".")]
    body = bytearray([40 * nums[0] + nums[1]])
    for n in nums[2:]:
        chunk = [n & 0x7F]
        n >>= 7
        while n:
            chunk.append(0x80 | (n & 0x7F))
            n >>= 7
        body.extend(reversed(chunk))
    return _tlv(0x06, bytes(body))


def _int(value: int) -> bytes:
    body = value.to_bytes(max(1, (value.bit_length() + 8) // 8), "big", signed=True)
    return _tlv(0x02, body)


def _octets(data: bytes) -> bytes:
    return _tlv(0x04, data)


SHA256 = _seq(_oid("2.16.840.1.101.3.4.2.1"))
OID_DATA = _oid("1.2.840.113549.1.7.1")
OID_SIGNED_DATA = _oid("1.2.840.113549.1.7.2")
OID_CONTENT_TYPE = _oid("1.2.840.113549.1.9.3")
OID_MESSAGE_DIGEST = _oid("1.2.840.113549.1.9.4")
OID_SIGNING_CERT_V2 = _oid("1.2.840.113549.1.9.16.2.47")
ECDSA_SHA256 = _seq(_oid("1.2.840.10045.4.3.2"))
RSA_SHA256 = _seq(_oid("1.2.840.113549.1.1.11"), b"\x05\x00")


@dataclass(frozen=True)
class CmsTemplate:
    key: object
    certificate_der: bytes
    issuer_and_serial: bytes
    signing_cert_attr: bytes
    signature_algorithm: bytes

    @classmethod
    def build(cls, key, certificate) -> CmsTemplate:
        der = certificate.public_bytes(Encoding.DER)
        issuer = certificate.issuer.public_bytes()
        serial = _int(certificate.serial_number)
        ess_cert_id = _seq(_octets(hashlib.sha256(der).digest()), _seq(_seq(_tlv(0xA4, issuer)), serial))
        # SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }
        signing_cert = _seq(_seq(ess_cert_id))
        if isinstance(key, ec.EllipticCurvePrivateKey):
            algorithm = ECDSA_SHA256
        elif isinstance(key, rsa.RSAPrivateKey):
            algorithm = RSA_SHA256
        else:  # pragma: no cover - keys are EC or RSA
            raise TypeError("unsupported key type")
        return cls(
            key=key,
            certificate_der=der,
            issuer_and_serial=_seq(issuer, serial),
            signing_cert_attr=_seq(OID_SIGNING_CERT_V2, _set(signing_cert)),
            signature_algorithm=algorithm,
        )

    def signed_data(self, digest: bytes) -> bytes:
        attrs = [
            _seq(OID_CONTENT_TYPE, _set(OID_DATA)),
            _seq(OID_MESSAGE_DIGEST, _set(_octets(digest))),
            self.signing_cert_attr,
        ]
        signed_attrs = _set(*attrs)
        if self.signature_algorithm is ECDSA_SHA256:
            signature = self.key.sign(signed_attrs, ec.ECDSA(hashes.SHA256()))
        else:
            signature = self.key.sign(signed_attrs, padding.PKCS1v15(), hashes.SHA256())
        signer_info = _seq(
            _int(1),
            self.issuer_and_serial,
            SHA256,
            b"\xa0" + signed_attrs[1:],  # [0] IMPLICIT SET OF Attribute
            self.signature_algorithm,
            _octets(signature),
        )
        signed = _seq(
            _int(1),
            _set(SHA256),
            _seq(OID_DATA),
            _tlv(0xA0, self.certificate_der),
            _set(signer_info),
        )
        return _seq(OID_SIGNED_DATA, _tlv(0xA0, signed))


# --- PDF ----------------------------------------------------------------------------------------

_TRAILER = re.compile(rb"trailer\s*<<(.*?)>>\s*startxref\s+(\d+)\s+%%EOF\s*$", re.S)
_REF = rb"(\d+)\s+0\s+R"


def _pdf_string(text: str) -> bytes:
    """A PDF text string (UTF-16BE with BOM: safe for any name)."""
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"


def _object(pdf: bytes, offsets: dict[int, int], number: int) -> bytes | None:
    start = offsets.get(number)
    if start is None:
        return None
    head = f"{number} 0 obj".encode()
    if pdf[start : start + len(head)] != head:
        return None
    body_start = start + len(head)
    end = pdf.find(b"endobj", body_start)
    body = pdf[body_start:end].strip()
    if not (body.startswith(b"<<") and body.endswith(b">>")) or b"stream" in body:
        return None
    return body


def _xref_offsets(pdf: bytes, xref_at: int) -> dict[int, int] | None:
    if pdf[xref_at : xref_at + 4] != b"xref":
        return None  # an xref stream: not the simple shape
    offsets = {}
    position = xref_at + 4
    lines = pdf[position : pdf.find(b"trailer", position)].split()
    i = 0
    while i + 1 < len(lines):
        first, count = int(lines[i]), int(lines[i + 1])
        i += 2
        for k in range(count):
            offset, _gen, kind = lines[i], lines[i + 1], lines[i + 2]
            i += 3
            if kind == b"n":
                offsets[first + k] = int(offset)
    return offsets


def sign_fast(pdf: bytes, template: CmsTemplate, *, name: str, reason: str, location: str) -> bytes | None:
    tail = _TRAILER.search(pdf[-2048:])
    if tail is None:
        return None
    trailer, xref_at = tail.group(1), int(tail.group(2))
    if b"/Prev" in trailer or b"/Encrypt" in trailer:
        return None  # already updated or encrypted: leave it to pyHanko
    size = re.search(rb"/Size\s+(\d+)", trailer)
    root = re.search(rb"/Root\s+" + _REF, trailer)
    if size is None or root is None:
        return None
    offsets = _xref_offsets(pdf, xref_at)
    if not offsets:
        return None
    size, root = int(size.group(1)), int(root.group(1))
    catalog = _object(pdf, offsets, root)
    if catalog is None or b"/AcroForm" in catalog:
        return None
    pages_ref = re.search(rb"/Pages\s+" + _REF, catalog)
    pages = _object(pdf, offsets, int(pages_ref.group(1))) if pages_ref else None
    kid = re.search(rb"/Kids\s*\[\s*" + _REF, pages) if pages else None
    if kid is None:
        return None
    page_no = int(kid.group(1))
    page = _object(pdf, offsets, page_no)
    if page is None or b"/Type/Pages" in page.replace(b" ", b""):
        return None
    sig_no, field_no, form_no = size, size + 1, size + 2
    annots = re.search(rb"/Annots\s*\[", page)
    if annots:
        page = page[: annots.end()] + f"{field_no} 0 R ".encode() + page[annots.end() :]
    elif b"/Annots" in page:
        return None  # an indirect /Annots array
    else:
        page = page[:-2] + f"/Annots[{field_no} 0 R]>>".encode()
    catalog = catalog[:-2] + f"/AcroForm {form_no} 0 R>>".encode()
    now = timezone.now().strftime("D:%Y%m%d%H%M%S+00'00'")
    placeholder = b"<" + b"0" * (2 * CONTENTS_BYTES) + b">"
    byte_range_slot = b"[0 0000000000 0000000000 0000000000]"
    sig = (
        b"<</Type/Sig/Filter/Adobe.PPKLite/SubFilter/ETSI.CAdES.detached/ByteRange"
        + byte_range_slot
        + b"/Contents"
        + placeholder
        + b"/M("
        + now.encode()
        + b")"
        + (b"/Name" + _pdf_string(name) if name else b"")
        + (b"/Reason" + _pdf_string(reason) if reason else b"")
        + (b"/Location" + _pdf_string(location) if location else b"")
        + b">>"
    )
    field = (
        f"<</Type/Annot/Subtype/Widget/FT/Sig/F 132/Rect[0 0 0 0]/P {page_no} 0 R/V {sig_no} 0 R".encode()
        + b"/T"
        + _pdf_string("TandaTanganElektronik")
        + b">>"
    )
    form = f"<</Fields[{field_no} 0 R]/SigFlags 3>>".encode()
    out = bytearray(pdf)
    if not out.endswith(b"\n"):
        out += b"\n"
    entries = {}
    for number, body in ((root, catalog), (page_no, page), (sig_no, sig), (field_no, field), (form_no, form)):
        entries[number] = len(out)
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    new_xref = len(out)
    out += b"xref\n"
    for number in sorted(entries):
        out += f"{number} 1\n{entries[number]:010d} 00000 n\r\n".encode()
    info = re.search(rb"/Info\s+" + _REF, trailer)
    ids = re.search(rb"/ID\s*(\[.*?\])", trailer, re.S)
    out += f"trailer\n<</Size {size + 3}/Root {root} 0 R/Prev {xref_at}".encode()
    if info:
        out += f"/Info {info.group(1).decode()} 0 R".encode()
    if ids:
        out += b"/ID" + ids.group(1)
    out += f">>\nstartxref\n{new_xref}\n%%EOF\n".encode()
    # Byte range: everything except the hex of /Contents (between its angle brackets, inclusive).
    sig_at = entries[sig_no]
    contents_start = out.index(placeholder, sig_at)
    contents_end = contents_start + len(placeholder)
    byte_range = f"[0 {contents_start:010d} {contents_end:010d} {len(out) - contents_end:010d}]".encode()
    slot_at = out.index(byte_range_slot, sig_at)
    out[slot_at : slot_at + len(byte_range_slot)] = byte_range
    digest = hashlib.sha256()
    digest.update(memoryview(out)[:contents_start])
    digest.update(memoryview(out)[contents_end:])
    cms = template.signed_data(digest.digest())
    if len(cms) > CONTENTS_BYTES:  # pragma: no cover - a certificate chain far larger than ours
        return None
    hex_cms = cms.hex().upper().encode()
    out[contents_start + 1 : contents_start + 1 + len(hex_cms)] = hex_cms
    return bytes(out)
