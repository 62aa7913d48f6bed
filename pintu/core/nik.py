"""NIK (Nomor Induk Kependudukan) structure: 6 digits kecamatan code, DDMMYY birth date (day + 40
for women), 4 digits serial. Messages tell the user which part is wrong."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class NikInfo:
    nik: str
    district_code: str  # dotted Kemendagri code, e.g. 35.10.01
    birth_date: dt.date
    sex: str  # "L" or "P"
    serial: str


def nik_district_code(nik: str) -> str:
    return f"{nik[0:2]}.{nik[2:4]}.{nik[4:6]}"


def parse_nik(value: str, *, district_exists=None, today: dt.date | None = None) -> NikInfo:
    """Parse and check a NIK; raise ``ValueError`` with an Indonesian message on failure.

    ``district_exists`` is a callable taking a dotted kecamatan code; when given, the region part
    must name a real kecamatan.
    """
    nik = (value or "").strip().replace(" ", "").replace(".", "")
    if not nik.isdigit() or len(nik) != 16:
        raise ValueError("NIK harus 16 angka (tanpa huruf, spasi atau tanda baca).")
    district_code = nik_district_code(nik)
    if district_exists is not None and not district_exists(district_code):
        raise ValueError(
            f"Enam angka pertama NIK ({nik[:6]}) bukan kode kecamatan yang terdaftar. Periksa kembali NIK."
        )
    day, month, year2 = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex = "L"
    if day > 40:
        day -= 40
        sex = "P"
    today = today or timezone.localdate()
    century = 2000 if 2000 + year2 <= today.year else 1900
    try:
        birth_date = dt.date(century + year2, month, day)
    except ValueError as exc:
        raise ValueError(
            "Angka ke-7 s.d. 12 NIK harus tanggal lahir DDMMYY (tanggal + 40 untuk perempuan); "
            f"{nik[6:12]} bukan tanggal yang sah."
        ) from exc
    if nik[12:] == "0000":
        raise ValueError("Empat angka terakhir NIK (nomor urut) tidak boleh 0000.")
    return NikInfo(nik=nik, district_code=district_code, birth_date=birth_date, sex=sex, serial=nik[12:])
