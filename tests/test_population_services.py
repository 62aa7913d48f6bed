"""Population events: each updates the register, the family, the statistics and the log."""

from __future__ import annotations

import datetime as dt

import pytest

from pintu.audit.models import AuditEntry
from pintu.core.errors import Conflict, PermissionDenied, ValidationFailed
from pintu.population import selectors, services, stats
from pintu.population.constants import Dimension, EventKind, FamilyStatus, ResidentStatus
from pintu.population.models import Family, PopulationCount, PopulationEvent, PopulationMonthly, Resident
from tests.population_fixtures import family_fixture, kk_for, make_family, nik_for, person  # noqa: F401

pytestmark = pytest.mark.django_db


def counts(village, dimension=Dimension.BIRTH_YEAR):
    return {
        (row.bucket): (row.male, row.female)
        for row in PopulationCount.objects.filter(village=village, dimension=dimension)
        if row.male or row.female
    }


def total(village) -> int:
    return sum(m + f for m, f in counts(village).values())


def snapshot_counts():
    return sorted(PopulationCount.objects.values_list("village_id", "dimension", "bucket", "male", "female"))


def assert_stats_match_rebuild():
    live = [row for row in snapshot_counts() if row[3] or row[4]]
    stats.rebuild()
    rebuilt = [row for row in snapshot_counts() if row[3] or row[4]]
    assert live == rebuilt


def test_register_sets_family_head_and_counts(world, family):
    fam, people = family
    assert fam.head_id == people[0].pk
    assert total(world.village) == 3
    assert counts(world.village)[1980] == (1, 0)
    assert counts(world.village)[1984] == (0, 1)
    assert people[0].name_key == "SLAMET RIYADI"
    assert people[2].hamlet.name == "Krajan" and people[2].rw == "002" and people[2].rt == "001"
    assert PopulationEvent.objects.filter(kind=EventKind.REGISTRATION).count() == 3
    assert AuditEntry.objects.filter(verb="population.resident_register").count() == 3
    assert_stats_match_rebuild()


def test_birth_gets_temporary_nik_and_counts(world, family):
    fam, people = family
    baby = services.resident_register_birth(
        actor=world.users["village_operator"],
        family=fam,
        data={
            "full_name": "Bayi Slamet",
            "sex": 2,
            "birth_date": dt.date.today(),
            "birth_place": "Banyuwangi",
        },
        mother=people[1],
        father=people[0],
    )
    assert baby.nik_is_temporary and baby.nik.startswith("993510242008")
    assert baby.mother_name == "Siti Aminah" and baby.family_id == fam.pk and baby.family_relation == 4
    assert baby.religion == people[1].religion
    month = dt.date.today().replace(day=1)
    assert PopulationMonthly.objects.get(village=world.village, month=month).births == 1
    assert total(world.village) == 4
    second = services.resident_register_birth(
        actor=None, family=fam, data={"full_name": "Bayi Dua", "sex": 1, "birth_date": dt.date.today()}
    )
    assert second.nik != baby.nik
    assert_stats_match_rebuild()


def test_death_of_head_makes_spouse_head(world, family):
    fam, people = family
    services.resident_register_death(
        actor=world.users["village_head"], resident=people[0], date=dt.date(2025, 1, 3)
    )
    fam.refresh_from_db()
    assert fam.head_id == people[1].pk
    people[0].refresh_from_db()
    people[1].refresh_from_db()
    assert people[0].status == ResidentStatus.DEAD and people[1].family_relation == 1
    assert total(world.village) == 2
    assert PopulationMonthly.objects.get(village=world.village, month=dt.date(2025, 1, 1)).deaths == 1
    with pytest.raises(Conflict):
        services.resident_register_death(actor=None, resident=people[0], date=dt.date(2025, 1, 4))
    assert_stats_match_rebuild()


def test_last_member_leaving_dissolves_family(world):
    fam, people = make_family(world, members=1)
    services.resident_move_out(
        actor=None, resident=people[0], date=dt.date(2025, 2, 1), scope=3, destination="Surabaya"
    )
    fam.refresh_from_db()
    assert fam.status == FamilyStatus.DISSOLVED and fam.head_id is None


def test_transfer_moves_the_same_row_with_one_event_pair(world, family):
    _fam, people = family
    child = people[2]
    before_rows = Resident.objects.count()
    out_event, in_event = services.resident_transfer(
        actor=world.users["village_operator"],
        resident=child,
        to_village=world.far_village,
        date=dt.date(2025, 3, 1),
        kk_number=kk_for("351015"),
        hamlet="Krajan",
        rw="1",
        rt="3",
    )
    child.refresh_from_db()
    assert Resident.objects.count() == before_rows
    assert child.village_id == world.far_village.pk and child.family.village_id == world.far_village.pk
    assert child.family.head_id == child.pk
    assert out_event.village_id == world.village.pk and in_event.village_id == world.far_village.pk
    assert in_event.pair_id == out_event.pk and out_event.move_scope == 2  # another kecamatan
    assert total(world.village) == 2 and total(world.far_village) == 1
    assert PopulationMonthly.objects.get(village=world.village, month=dt.date(2025, 3, 1)).moved_out == 1
    assert PopulationMonthly.objects.get(village=world.far_village, month=dt.date(2025, 3, 1)).moved_in == 1
    assert_stats_match_rebuild()


def test_move_out_and_back_in_reuses_the_row(world, family):
    _fam, people = family
    wife = people[1]
    services.resident_move_out(
        actor=None, resident=wife, date=dt.date(2024, 6, 1), scope=3, destination="Bali"
    )
    data = person("Siti Aminah", dt.date(1984, 3, 12), female=True)
    data["nik"] = wife.nik
    back = services.resident_move_in(
        actor=None, village=world.other_village, data=data, date=dt.date(2025, 1, 1), origin="Bali"
    )
    assert (
        back.pk == wife.pk
        and back.village_id == world.other_village.pk
        and back.status == ResidentStatus.ALIVE
    )
    assert list(
        PopulationEvent.objects.filter(resident=wife).values_list("kind", flat=True).order_by("pk")
    ) == [
        "registration",
        "move_out",
        "move_in",
    ]
    assert_stats_match_rebuild()


def test_lost_and_found(world, family):
    _fam, people = family
    services.resident_report_lost(actor=None, resident=people[2], date=dt.date(2025, 4, 1))
    assert total(world.village) == 2
    services.resident_report_found(actor=None, resident=people[2], date=dt.date(2025, 4, 9))
    assert total(world.village) == 3
    with pytest.raises(Conflict):
        services.resident_report_found(actor=None, resident=people[2], date=dt.date(2025, 4, 9))


def test_update_moves_counts_and_logs_changes(world, family):
    _fam, people = family
    services.resident_update(
        actor=world.users["village_operator"],
        resident=people[0],
        data={"occupation": 88, "religion": "Hindu"},
    )
    assert counts(world.village, Dimension.OCCUPATION).get(88) == (1, 0)
    assert counts(world.village, Dimension.RELIGION).get(4) == (1, 0)
    event = PopulationEvent.objects.get(kind=EventKind.CORRECTION)
    assert event.data["changes"]["occupation"] == [9, 88]
    assert_stats_match_rebuild()


def test_family_split(world, family):
    fam, people = family
    new = services.family_split(actor=None, family=fam, members=[], kk_number=kk_for(), head=people[2])
    people[2].refresh_from_db()
    assert people[2].family_id == new.pk and people[2].family_relation == 1 and new.head_id == people[2].pk
    fam.refresh_from_db()
    assert fam.head_id == people[0].pk


def test_duplicate_nik_refused(world, family):
    _fam, people = family
    data = person("Orang Lain", dt.date(1980, 5, 17))
    data["nik"] = people[0].nik
    with pytest.raises(Conflict):
        services.resident_register(actor=None, village=world.village, data=data)


@pytest.mark.parametrize(
    "user",
    ["other_village_operator", "district_officer", "regency_admin", "front_office", "citizen"],
)
def test_other_roles_cannot_write_and_nothing_changes(world, family, user):
    _fam, people = family
    before = (Resident.objects.count(), PopulationEvent.objects.count(), snapshot_counts())
    actor = world.users[user]
    with pytest.raises(PermissionDenied):
        services.resident_register_death(actor=actor, resident=people[0], date=dt.date(2025, 1, 1))
    with pytest.raises(PermissionDenied):
        services.resident_register(
            actor=actor, village=world.village, data=person("X Y", dt.date(1990, 1, 1))
        )
    people[0].refresh_from_db()
    assert people[0].status == ResidentStatus.ALIVE
    assert before == (Resident.objects.count(), PopulationEvent.objects.count(), snapshot_counts())


def test_letter_data(world, family):
    _fam, people = family
    data = selectors.resident_letter_data(resident=people[1])
    assert data["birth_text"] == "Banyuwangi, 12 Maret 1984"
    assert (
        data["address"] == "Dusun Krajan RT 001 RW 002, Desa Tamansari, Kecamatan Licin, Kabupaten Banyuwangi"
    )
    assert data["sex_label"] == "PEREMPUAN" and data["religion_label"] == "ISLAM"
    assert data["family_relation_label"] == "ISTRI" and data["kk_number"] == _fam.kk_number
    assert data["status_label"] == "HIDUP" and data["village_code"] == "35.10.24.2008"
    assert isinstance(data["age"], int) and data["age"] >= 40


def test_register_validation_message_per_field(world):
    data = person("Budi", dt.date(1990, 1, 1))
    data["nik"] = nik_for(dt.date(1991, 1, 1))
    data["religion"] = "Jedi"
    with pytest.raises(ValidationFailed) as caught:
        services.resident_register(actor=None, village=world.village, data=data)
    assert set(caught.value.fields) == {"nik", "religion"}


def test_family_kk_validated(world):
    with pytest.raises(ValidationFailed):
        services.family_create(actor=None, village=world.village, kk_number="123")
    fam = services.family_create(actor=None, village=world.village, kk_number=kk_for())
    with pytest.raises(Conflict):
        services.family_create(actor=None, village=world.village, kk_number=fam.kk_number)
    assert Family.objects.count() == 1


def test_stats_rebuild_command(world, family):
    import io

    from django.core.management import call_command

    PopulationCount.objects.all().delete()
    out = io.StringIO()
    call_command("population_stats_rebuild", village=[world.village.code], stdout=out)
    assert total(world.village) == 3 and "baris statistik" in out.getvalue()
