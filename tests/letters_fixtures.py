"""Fixtures for the letters tests: letter types seeded, Tamansari configured, residents made
through the population services, and a citizen linked to one of them."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

import pytest

from pintu.accounts.constants import Role
from pintu.accounts.services import role_assign
from pintu.letters import services as ls
from pintu.letters.models import LetterType
from pintu.population import services as ps
from tests.factories import UserFactory

_serial = itertools.count(101)


def _nik(birth: dt.date, *, female: bool) -> str:
    day = birth.day + (40 if female else 0)
    return f"351024{day:02d}{birth.month:02d}{birth.year % 100:02d}{next(_serial) % 9999 + 1:04d}"


def _kk() -> str:
    return f"351024150320{next(_serial) % 9999 + 1:04d}"


def make_resident(
    village, *, name="Siti Aminah", female=True, birth=dt.date(1990, 3, 12), family=None, relation=1
):
    family = family or ps.family_create(
        actor=None, village=village, kk_number=_kk(), hamlet="Krajan", rw="2", rt="1"
    )
    return ps.resident_register(
        actor=None,
        village=village,
        family=family,
        data={
            "nik": _nik(birth, female=female),
            "full_name": name,
            "sex": 2 if female else 1,
            "birth_place": "Banyuwangi",
            "birth_date": birth,
            "religion": 1,
            "education": 5,
            "occupation": 9,
            "marital_status": 1,
            "family_relation": relation,
        },
    )


def link(user, resident, *, verifier):
    link_row = ps.resident_link_request(
        actor=user, nik=resident.nik, kk_number=resident.family.kk_number, birth_date=resident.birth_date
    )
    return ps.resident_link_verify(actor=verifier, link=link_row)


@dataclass
class LetterWorld:
    world: object
    resident: object
    other_resident: object  # in Banjar (another village)
    citizen: object  # linked to ``resident``
    domisili: LetterType
    usaha: LetterType
    users: dict


def configure(world, *, number_format="[kode]/[nomor:3]/[kode_desa]/[bulan_romawi]/[tahun]", scope="village"):
    for office, head in (
        (world.village_office, "village_head"),
        (world.other_village_office, "other_village_head"),
    ):
        ls.village_letter_settings_update(
            actor=world.users[head],
            office=office,
            number_format=number_format,
            sequence_scope=scope,
            head_name="Sugeng Riyadi" if head == "village_head" else "Hartono",
            secretary_name="Dewi Lestari",
        )


def build_letter_world(world) -> LetterWorld:
    ls.letter_types_seed()
    extra = {
        "village_secretary": (Role.VILLAGE_SECRETARY, world.village_office),
        "other_village_head": (Role.VILLAGE_HEAD, world.other_village_office),
        "village_treasurer": (Role.VILLAGE_TREASURER, world.village_office),
    }
    for name, (role, unit) in extra.items():
        if name not in world.users:
            user = UserFactory(username=name, staff=True)
            role_assign(actor=None, user=user, role=role, org_unit=unit)
            world.users[name] = user
    configure(world)
    resident = make_resident(world.village)
    other = make_resident(world.other_village, name="Budi Santoso", female=False, birth=dt.date(1985, 7, 1))
    citizen = world.users["citizen"]
    citizen.email = "siti@example.org"
    citizen.save(update_fields=["email"])
    link(citizen, resident, verifier=world.users["village_operator"])
    return LetterWorld(
        world=world,
        resident=resident,
        other_resident=other,
        citizen=citizen,
        domisili=LetterType.objects.get(slug="surat-keterangan-domisili"),
        usaha=LetterType.objects.get(slug="surat-keterangan-usaha"),
        users=world.users,
    )


USAHA_FIELDS = {
    "nama_usaha": "Warung Kopi Ijen",
    "jenis_usaha": "Warung kopi",
    "alamat_usaha": "Dusun Krajan",
    "usaha_sejak": "2019",
}


@pytest.fixture
def lw(world) -> LetterWorld:
    return build_letter_world(world)
