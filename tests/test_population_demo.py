"""The population demo seeder: residents through the import service, events, the linked citizen."""

from __future__ import annotations

import io

import pytest

from pintu.accounts.constants import Role
from pintu.accounts.services import role_assign
from pintu.population import selectors, stats
from pintu.population.demo import seed_demo
from pintu.population.models import PopulationCount, PopulationEvent, Resident
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_and_links_the_citizen(world):
    citizen = UserFactory(username="warga", email="warga@pintu.demo", full_name="Siti Aminah")
    operator = UserFactory(username="operator.tamansari", staff=True)
    role_assign(actor=None, user=operator, role=Role.VILLAGE_OPERATOR, org_unit=world.village_office)
    out = io.StringIO()
    seed_demo(stdout=out)
    tamansari = Resident.objects.filter(village=world.village).count()
    assert tamansari > 600
    assert Resident.objects.filter(village=world.far_village).count() > 100
    assert PopulationEvent.objects.filter(kind="birth").exists()
    resident = selectors.linked_resident_for(citizen)
    assert resident is not None and resident.nik == "3510245203900001"
    assert selectors.resident_letter_data(resident=resident)["hamlet_name"] == "Krajan"
    live = sorted(
        PopulationCount.objects.filter(male__gt=0).values_list("village_id", "dimension", "bucket", "male")
    )
    stats.rebuild()
    assert live == sorted(
        PopulationCount.objects.filter(male__gt=0).values_list("village_id", "dimension", "bucket", "male")
    )
    seed_demo(stdout=out)
    assert Resident.objects.filter(village=world.village).count() == tamansari
