"""NIK and KK number rules, table-driven; temporary NIKs; code-list lookups."""

from __future__ import annotations

import datetime as dt

import pytest

from pintu.population import codes
from pintu.population.cleaning import parse_date
from pintu.population.validation import clean_number, is_temporary_nik, kk_problem, nik_problem, temporary_nik

DISTRICTS = frozenset({"351024", "351015"})
TODAY = dt.date(2026, 11, 28)

# (nik, birth date, sex, expected message fragment or None)
NIK_CASES = [
    ("3510241203900001", dt.date(1990, 3, 12), 1, None),
    ("3510245203900001", dt.date(1990, 3, 12), 2, None),  # woman: day + 40
    ("3510240101000001", dt.date(2000, 1, 1), 1, None),
    ("3510242902000001", dt.date(2000, 2, 29), 1, None),  # leap day
    ("3510246902000001", dt.date(2000, 2, 29), 2, None),
    ("3510241203900001", None, None, None),  # structure only
    ("351024120390001", None, None, "16 angka"),
    ("35102412039000011", None, None, "16 angka"),
    ("35102412O3900001", None, None, "16 angka"),
    ("3599991203900001", None, None, "bukan kode kecamatan"),
    ("3510243203900001", None, None, "bukan tanggal yang sah"),  # day 32
    ("3510247203900001", None, None, "bukan tanggal yang sah"),  # 72 - 40 = 32
    ("3510241213900001", None, None, "bukan tanggal yang sah"),  # month 13
    ("3510243002900001", None, None, "bukan tanggal yang sah"),  # 30 February
    ("3510240000900001", None, None, "bukan tanggal yang sah"),
    ("3510241203900000", None, None, "0000"),
    ("3510241203900001", dt.date(1990, 3, 12), 2, "milik laki-laki"),
    ("3510245203900001", dt.date(1990, 3, 12), 1, "milik perempuan"),
    ("3510241203900001", dt.date(1990, 3, 13), 1, "tidak sama dengan tanggal lahir"),
    ("3510241203900001", dt.date(1991, 3, 12), 1, "tidak sama dengan tanggal lahir"),
    ("9935102420080001", None, None, None),  # temporary NIK: no region or date check
]


@pytest.mark.parametrize(("nik", "birth", "sex", "expected"), NIK_CASES)
def test_nik_rules(nik, birth, sex, expected):
    problem = nik_problem(nik, birth_date=birth, sex=sex, districts=DISTRICTS)
    if expected is None:
        assert problem is None
    else:
        assert problem is not None and expected in problem


KK_CASES = [
    ("3510241503200001", None),
    ("3510240101700001", None),  # 1 January 1970
    ("351024150320000", "16 angka"),
    ("3599991503200001", "bukan kode kecamatan"),
    ("3510243202200001", "bukan tanggal"),
    ("3510241512690001", "tidak masuk akal"),  # 1969
    ("3510241512260001", "tidak masuk akal"),  # December 2026: after today
    ("3510241503200000", "0000"),
]


@pytest.mark.parametrize(("kk", "expected"), KK_CASES)
def test_kk_rules(kk, expected):
    problem = kk_problem(kk, districts=DISTRICTS, today=TODAY)
    if expected is None:
        assert problem is None
    else:
        assert problem is not None and expected in problem


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("3510241203900001", "3510241203900001"),
        (" 3510 2412 0390 0001 ", "3510241203900001"),
        ("'3510241203900001", "3510241203900001"),
        ("3510.24.120390.0001", "3510241203900001"),
        (3510241203900001, "3510241203900001"),
        (3.510241203900001e15, "3510241203900001"),
        (None, ""),
        ("", ""),
    ],
)
def test_clean_number(raw, clean):
    assert clean_number(raw) == clean


def test_temporary_niks_never_collide_with_real_ones():
    nik = temporary_nik("35.10.24.2008", 7)
    assert nik == "9935102420080007" and is_temporary_nik(nik)
    # no province code is 99, so a real NIK never starts with 99
    assert nik_problem(nik, districts=DISTRICTS) is None
    assert not is_temporary_nik("3510241203900001")
    with pytest.raises(ValueError):
        temporary_nik("35.10.24", 1)
    with pytest.raises(ValueError):
        temporary_nik("35.10.24.2008", 10_000)


@pytest.mark.parametrize(
    ("list_name", "value", "code"),
    [
        ("agama", "1", 1),
        ("agama", "Islam", 1),
        ("agama", "katolik", 3),
        ("agama", 4, 4),
        ("jenis_kelamin", "L", 1),
        ("jenis_kelamin", "Perempuan", 2),
        ("jenis_kelamin", "LAKI-LAKI", 1),
        ("pekerjaan", "PETANI/PEKEBUN", 9),
        ("pekerjaan", "Petani / Pekebun", 9),
        ("status_perkawinan", "Kawin", 2),
        ("hubungan_keluarga", "Kepala Keluarga", 1),
        ("pendidikan_kk", "SLTA / SEDERAJAT", 5),
        ("golongan_darah", "AB+", 9),
        ("agama", "Jedi", None),
    ],
)
def test_code_lookup(list_name, value, code):
    assert codes.lookup(list_name, value) == code


def test_code_lists_loaded_from_the_copied_data():
    assert len(codes.CODES["pekerjaan"]) == 89
    assert codes.label("pendidikan_kk", 10) == "STRATA III"
    assert codes.label("status_dasar", 2) == "MATI"


@pytest.mark.parametrize(
    ("raw", "date"),
    [
        ("1990-03-12", dt.date(1990, 3, 12)),
        ("12-03-1990", dt.date(1990, 3, 12)),
        ("12/03/1990", dt.date(1990, 3, 12)),
        (dt.date(1990, 3, 12), dt.date(1990, 3, 12)),
        (dt.datetime(1990, 3, 12, 0, 0), dt.date(1990, 3, 12)),
        (32944.0, dt.date(1990, 3, 12)),  # an Excel serial date
        ("", None),
    ],
)
def test_parse_date(raw, date):
    assert parse_date(raw) == date


def test_parse_date_rejects_text():
    with pytest.raises(ValueError):
        parse_date("kemarin")
