"""Fixtures for the population tests: a family in Tamansari and helpers to make residents."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from pintu.population import services

_serial = itertools.count(1)


def nik_for(birth: dt.date, *, female: bool = False, district: str = "351024") -> str:
    day = birth.day + (40 if female else 0)
    return f"{district}{day:02d}{birth.month:02d}{birth.year % 100:02d}{next(_serial) % 9999 + 1:04d}"


def kk_for(district: str = "351024", issued: str = "150320") -> str:
    return f"{district}{issued}{next(_serial) % 9999 + 1:04d}"


def person(name: str, birth: dt.date, *, female: bool = False, **extra) -> dict:
    return {
        "nik": nik_for(birth, female=female),
        "full_name": name,
        "sex": 2 if female else 1,
        "birth_place": "Banyuwangi",
        "birth_date": birth,
        "religion": 1,
        "education": 5,
        "occupation": 9,
        "marital_status": 2,
        **extra,
    }


def make_family(world, *, village=None, hamlet="Krajan", members=2):
    village = village or world.village
    family = services.family_create(
        actor=None, village=village, kk_number=kk_for(), hamlet=hamlet, rw="2", rt="1", address=""
    )
    head = services.resident_register(
        actor=None,
        village=village,
        family=family,
        data=person("Slamet Riyadi", dt.date(1980, 5, 17), family_relation=1),
    )
    people = [head]
    if members >= 2:
        people.append(
            services.resident_register(
                actor=None,
                village=village,
                family=family,
                data=person("Siti Aminah", dt.date(1984, 3, 12), female=True, family_relation=3),
            )
        )
    for i in range(max(0, members - 2)):
        people.append(
            services.resident_register(
                actor=None,
                village=village,
                family=family,
                data=person(f"Anak {i}", dt.date(2010 + i, 1, 5), family_relation=4, marital_status=1),
            )
        )
    family.refresh_from_db()
    return family, people


@pytest.fixture(name="family")
def family_fixture(world):
    return make_family(world, members=3)
