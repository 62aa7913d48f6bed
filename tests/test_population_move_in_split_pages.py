"""Pages for pindah datang (from outside Pintu's villages) and pecah KK."""

import datetime as dt

from django.urls import reverse

from pintu.population.constants import ResidentStatus
from pintu.population.models import Family, PopulationEvent, Resident
from tests.population_fixtures import kk_for, make_family, nik_for


def _move_in_post(**extra):
    return {
        "nik": nik_for(dt.date(1992, 7, 3), district="350901"),  # born in Kencong, Jember
        "full_name": "Rina Kartika",
        "sex": "2",
        "birth_place": "Jember",
        "birth_date": "1992-07-03",
        "religion": "1",
        "education": "5",
        "occupation": "9",
        "marital_status": "1",
        "family_relation": "1",
        "blood_type": "13",
        "citizenship": "1",
        "kk_number": kk_for(),
        "rw": "2",
        "rt": "1",
        "date": dt.date.today().isoformat(),
        "origin": "Kencong, Jember, SKPWNI 3509/2026/001",
        **extra,
    }


def test_operator_records_a_move_in(client, world):
    client.force_login(world.users["village_operator"])
    data = _move_in_post(nik=nik_for(dt.date(1992, 7, 3), female=True, district="350901"))
    response = client.post(reverse("population:resident_move_in", args=[world.village.code]), data)
    assert response.status_code == 302
    resident = Resident.objects.get(nik=data["nik"])
    assert resident.village_id == world.village.pk and resident.status == ResidentStatus.ALIVE
    assert PopulationEvent.objects.filter(resident=resident, kind="move_in").exists()


def test_move_in_of_another_village_is_denied_and_changes_nothing(client, world):
    client.force_login(world.users["village_operator"])  # Tamansari's operator
    data = _move_in_post(nik=nik_for(dt.date(1992, 7, 3), female=True, district="350901"))
    response = client.post(reverse("population:resident_move_in", args=[world.far_village.code]), data)
    assert response.status_code in (403, 404)
    assert not Resident.objects.filter(nik=data["nik"]).exists()


def test_a_bad_nik_is_explained_and_nothing_is_recorded(client, world):
    client.force_login(world.users["village_operator"])
    data = _move_in_post(nik="1234")
    response = client.post(reverse("population:resident_move_in", args=[world.village.code]), data)
    assert response.status_code == 200 and "NIK" in response.content.decode()
    assert not Resident.objects.filter(full_name="Rina Kartika").exists()


def test_operator_splits_a_family_card(client, world):
    family, (_head, _spouse, child) = make_family(world, members=3)
    client.force_login(world.users["village_operator"])
    new_kk = kk_for()
    response = client.post(
        reverse("population:family_split", args=[family.kk_number]),
        {"members": [str(child.pk)], "head": str(child.pk), "kk_number": new_kk, "rw": "3", "rt": "4"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    new = Family.objects.get(kk_number=new_kk)
    child.refresh_from_db()
    assert child.family_id == new.pk and new.head_id == child.pk
    assert Resident.objects.filter(family=family).count() == 2


def test_split_head_must_be_among_the_members_and_nothing_changes(client, world):
    family, (_head, spouse, child) = make_family(world, members=3)
    client.force_login(world.users["village_operator"])
    new_kk = kk_for()
    response = client.post(
        reverse("population:family_split", args=[family.kk_number]),
        {"members": [str(child.pk)], "head": str(spouse.pk), "kk_number": new_kk},
    )
    assert response.status_code == 200
    assert not Family.objects.filter(kk_number=new_kk).exists()
