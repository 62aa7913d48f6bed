"""Letter numbers from a configurable format.

A format is literal text with tokens in square brackets, e.g.
``[kode]/[nomor:3]/[kode_desa]/[bulan_romawi]/[tahun]`` → ``470/012/35.10.24.2008/XI/2026``.

Tokens: ``[nomor]`` or ``[nomor:N]`` (the sequence, zero-padded to N digits; exactly once),
``[kode]`` (the type's classification code, e.g. 470), ``[kode_surat]`` (the type's own code,
e.g. S-41), ``[kode_desa]`` (Kemendagri village code), ``[bulan_romawi]`` (XI), ``[bulan]`` (11),
``[tahun]`` (2026; required, because sequences restart every year).

Parsing is pure; the sequence itself is taken in ``services`` under a row lock.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from pintu.core.errors import ValidationFailed
from pintu.letters.constants import SequenceScope

TOKEN_RE = re.compile(r"\[([^\[\]]*)\]")
LITERAL_RE = re.compile(r"^[A-Za-z0-9./\-_ ]*$")
TOKENS = ("nomor", "kode", "kode_surat", "kode_desa", "bulan_romawi", "bulan", "tahun")
MAX_FORMAT_LENGTH = 80
MAX_WIDTH = 6
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def roman_month(month: int) -> str:
    return ROMAN[month - 1]


@dataclass(frozen=True)
class NumberFormat:
    """A parsed format: a list of parts, each ("lit", text) or (token, width)."""

    source: str
    parts: tuple[tuple[str, object], ...]

    def render(
        self,
        *,
        sequence: int,
        classification_code: str,
        type_code: str,
        village_code: str,
        year: int,
        month: int,
    ) -> str:
        values = {
            "kode": classification_code,
            "kode_surat": type_code,
            "kode_desa": village_code,
            "bulan_romawi": roman_month(month),
            "bulan": f"{month:02d}",
            "tahun": str(year),
        }
        out = []
        for kind, value in self.parts:
            if kind == "lit":
                out.append(value)
            elif kind == "nomor":
                out.append(str(sequence).zfill(value or 1))
            else:
                out.append(values[kind])
        return "".join(out)

    def uses(self, token: str) -> bool:
        return any(kind == token for kind, _ in self.parts)


def _invalid(message: str) -> ValidationFailed:
    return ValidationFailed(message, code="letters.bad_number_format", fields={"number_format": [message]})


def parse_number_format(source: str, *, scope: str = SequenceScope.VILLAGE) -> NumberFormat:
    """Parse and check a format; raise ``ValidationFailed`` with a message that says what to fix.
    Valid formats are remembered (parsing is pure and every letter parses its village's format);
    an invalid one is parsed, and reported, each time."""
    return _parse_number_format((source or "").strip(), str(scope))


@functools.lru_cache(maxsize=256)
def _parse_number_format(source: str, scope: str) -> NumberFormat:
    known = ", ".join(f"[{t}]" for t in TOKENS)
    if not source:
        raise _invalid(
            _("Isi format nomor surat, misalnya [kode]/[nomor:3]/[kode_desa]/[bulan_romawi]/[tahun].")
        )
    if len(source) > MAX_FORMAT_LENGTH:
        raise _invalid(
            _("Format nomor terlalu panjang (maksimum %(n)s karakter).") % {"n": MAX_FORMAT_LENGTH}
        )
    parts: list[tuple[str, object]] = []
    position = 0
    for match in TOKEN_RE.finditer(source):
        literal = source[position : match.start()]
        if literal:
            parts.append(("lit", literal))
        name, _sep, width = match.group(1).strip().partition(":")
        name = name.strip().lower()
        if name not in TOKENS:
            raise _invalid(
                _("Kode [%(name)s] tidak dikenal. Kode yang dapat dipakai: %(known)s.")
                % {"name": match.group(1), "known": known}
            )
        if name == "nomor":
            if width and (not width.isdigit() or not 1 <= int(width) <= MAX_WIDTH):
                raise _invalid(
                    _("Lebar nomor pada [nomor:%(w)s] harus angka 1 sampai %(max)s, misalnya [nomor:3].")
                    % {"w": width, "max": MAX_WIDTH}
                )
            parts.append(("nomor", int(width) if width else None))
        else:
            if width:
                raise _invalid(
                    _(
                        "Hanya [nomor] yang boleh diberi lebar (misalnya [nomor:3]); hapus “:%(w)s” dari [%(name)s]."
                    )
                    % {"w": width, "name": name}
                )
            parts.append((name, None))
        position = match.end()
    tail = source[position:]
    if tail:
        parts.append(("lit", tail))
    for kind, value in parts:
        if kind == "lit" and ("[" in value or "]" in value):
            raise _invalid(
                _("Tanda kurung siku tidak berpasangan. Tulis kode di dalam [ dan ], misalnya [tahun].")
            )
        if kind == "lit" and not LITERAL_RE.match(value):
            raise _invalid(
                _(
                    "Teks tetap dalam format hanya boleh berisi huruf, angka, spasi dan tanda / . - _ (ditemukan “%(v)s”)."
                )
                % {"v": value}
            )
    fmt = NumberFormat(source=source, parts=tuple(parts))
    count = sum(1 for kind, _v in parts if kind == "nomor")
    if count != 1:
        raise _invalid(_("Format harus memuat [nomor] tepat satu kali (sekarang %(n)s kali).") % {"n": count})
    if not fmt.uses("tahun"):
        raise _invalid(_("Format harus memuat [tahun]: nomor urut dimulai lagi dari 1 setiap tahun."))
    if scope == SequenceScope.TYPE and not fmt.uses("kode_surat"):
        raise _invalid(
            _(
                "Dengan urutan per jenis surat, format harus memuat [kode_surat] agar nomor dua jenis surat tidak kembar."
            )
        )
    return fmt
