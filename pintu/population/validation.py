"""NIK and KK number checks, and temporary NIKs.

NIK: 16 digits = kecamatan code (6) + birth date DDMMYY (day + 40 for women) + serial (4).
KK number: 16 digits = kecamatan code (6) + issue date DDMMYY + serial (4).

The checks are written for speed as well as for forms: ``nik_problem`` and ``kk_problem`` return
one Indonesian message (or None) without raising, and take the set of known kecamatan codes
(``district_codes()``), so an import validates hundreds of thousands of rows without a query per
row. ``validate_nik`` / ``validate_kk`` raise ``ValidationFailed`` for services and forms.

Built on the rules of ``pintu.core.nik`` (same structure); this module adds the check against a
recorded birth date and sex, the KK number and temporary NIKs.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from django.utils import timezone
from django.utils.translation import gettext as _

from pintu.core.errors import ValidationFailed
from pintu.core.ttlcache import ttl_cache
from pintu.population.constants import TEMPORARY_NIK_PREFIX


def district_codes() -> frozenset[str]:
    """Every known kecamatan code without dots (``351024``), one query."""
    from pintu.regions.models import District

    return frozenset(code.replace(".", "") for code in District.objects.values_list("code", flat=True))


def clean_number(value) -> str:
    """Digits of a NIK/KK as typed or as read from a spreadsheet (spaces, dots, a leading
    apostrophe, or a float like 3.510241203900001e15 are tolerated)."""
    if value.__class__ is str and len(value) == 16 and value.isdigit():
        return value
    if not value:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, int):
        return str(value)
    text = str(value).strip().lstrip("'")
    if not text.isdigit():
        text = text.replace(" ", "").replace(".", "").replace("-", "")
    return text


@lru_cache(maxsize=40_000)
def _ddmmyy(part: str) -> tuple[int, int, int] | None:
    """(day, month, yy) when ``part`` is a valid DDMMYY in some century (29 Feb: a leap year)."""
    day, month, yy = int(part[0:2]), int(part[2:4]), int(part[4:6])
    if not 1 <= month <= 12 or day < 1:
        return None
    for year in (2000 + yy, 1900 + yy):
        try:
            dt.date(year, month, day)
        except ValueError:
            continue
        return day, month, yy
    return None


def is_temporary_nik(nik: str) -> bool:
    return nik.startswith(TEMPORARY_NIK_PREFIX) and len(nik) == 16 and nik.isdigit()


def nik_problem(
    nik: str,
    *,
    birth_date: dt.date | None = None,
    sex: int | None = None,
    districts: frozenset[str] | None = None,
) -> str | None:
    """The first thing wrong with ``nik`` (already cleaned), or None."""
    if len(nik) != 16 or not nik.isdigit():
        return _("NIK harus 16 angka (tanpa huruf, spasi atau tanda baca).")
    if nik.startswith(TEMPORARY_NIK_PREFIX):
        return None  # temporary NIK (see temporary_nik): no region or date inside
    if districts is not None and nik[:6] not in districts:
        return _(
            "Enam angka pertama NIK (%(part)s) bukan kode kecamatan yang terdaftar. Periksa kembali NIK."
        ) % {"part": nik[:6]}
    day = int(nik[6:8])
    nik_sex = 2 if day > 40 else 1  # Sex.FEMALE / Sex.MALE
    part = f"{day - 40:02d}{nik[8:12]}" if day > 40 else nik[6:12]
    parsed = _ddmmyy(part)
    if parsed is None:
        return _(
            "Angka ke-7 s.d. 12 NIK harus tanggal lahir DDMMYY (tanggal + 40 untuk perempuan); "
            "%(part)s bukan tanggal yang sah."
        ) % {"part": nik[6:12]}
    if nik[12:] == "0000":
        return _("Empat angka terakhir NIK (nomor urut) tidak boleh 0000.")
    if sex is not None and int(sex) != nik_sex:
        if nik_sex == 2:
            return _(
                "NIK ini milik perempuan (tanggal di NIK ditambah 40), tetapi jenis kelamin tercatat laki-laki."
            )
        return _(
            "NIK ini milik laki-laki, tetapi jenis kelamin tercatat perempuan (tanggal di NIK harus ditambah 40)."
        )
    if birth_date is not None and parsed != (birth_date.day, birth_date.month, birth_date.year % 100):
        return _(
            "Tanggal lahir di NIK (%(nik_date)s) tidak sama dengan tanggal lahir tercatat (%(date)s). "
            "Periksa NIK atau tanggal lahir."
        ) % {
            "nik_date": f"{parsed[0]:02d}-{parsed[1]:02d}-{parsed[2]:02d}",
            "date": birth_date.strftime("%d-%m-%Y"),
        }
    return None


def kk_problem(
    kk: str, *, districts: frozenset[str] | None = None, today: dt.date | None = None
) -> str | None:
    """The first thing wrong with a KK number (already cleaned), or None."""
    if len(kk) != 16 or not kk.isdigit():
        return _("Nomor KK harus 16 angka (tanpa huruf, spasi atau tanda baca).")
    if districts is not None and kk[:6] not in districts:
        return _(
            "Enam angka pertama nomor KK (%(part)s) bukan kode kecamatan yang terdaftar. Periksa kembali nomor KK."
        ) % {"part": kk[:6]}
    parsed = _ddmmyy(kk[6:12])
    if parsed is None:
        return _(
            "Angka ke-7 s.d. 12 nomor KK harus tanggal terbit DDMMYY; %(part)s bukan tanggal yang sah."
        ) % {"part": kk[6:12]}
    today = today or timezone.localdate()
    day, month, yy = parsed
    year = 2000 + yy if 2000 + yy <= today.year else 1900 + yy
    if year < 1970 or dt.date(year, month, day) > today:
        return _(
            "Tanggal terbit di nomor KK (%(part)s) tidak masuk akal (sebelum 1970 atau di masa depan)."
        ) % {"part": kk[6:12]}
    if kk[12:] == "0000":
        return _("Empat angka terakhir nomor KK (nomor urut) tidak boleh 0000.")
    return None


def validate_nik(value, *, birth_date=None, sex=None, field: str = "nik") -> str:
    nik = clean_number(value)
    problem = nik_problem(nik, birth_date=birth_date, sex=sex, districts=_districts_cached())
    if problem:
        raise ValidationFailed(problem, code="population.nik_invalid", fields={field: [problem]})
    return nik


def validate_kk(value, *, field: str = "kk_number") -> str:
    kk = clean_number(value)
    problem = kk_problem(kk, districts=_districts_cached())
    if problem:
        raise ValidationFailed(problem, code="population.kk_invalid", fields={field: [problem]})
    return kk


@ttl_cache(300)
def _districts_cached() -> frozenset[str]:
    return district_codes()


def temporary_nik(village_code: str, serial: int) -> str:
    """A temporary NIK: ``99`` + the 10 digits of the village code + a 4-digit serial.

    Province codes run 11-96, so no real NIK starts with 99; the village part keeps temporary
    NIKs of different villages apart and the serial comes from a locked per-village sequence.
    """
    digits = village_code.replace(".", "")
    if len(digits) != 10 or not 1 <= serial <= 9999:
        raise ValueError("temporary NIK needs a 10-digit village code and a serial 1..9999")
    return f"{TEMPORARY_NIK_PREFIX}{digits}{serial:04d}"
