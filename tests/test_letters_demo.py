"""The letters demo seeder: idempotent, through the services, quick."""

from __future__ import annotations

import io

from pintu.accounts.constants import Role
from pintu.accounts.services import role_assign
from pintu.letters import demo
from pintu.letters.models import Letter, LetterRequest, LetterType, VillageLetterSettings
from tests.factories import UserFactory
from tests.letters_fixtures import link, make_resident


def test_seed_demo_is_idempotent(world):
    office = world.village_office
    head = UserFactory(username="kades.tamansari", full_name="Sumiati", staff=True)
    operator = UserFactory(username="operator.tamansari", full_name="Rudi Hartono", staff=True)
    role_assign(actor=None, user=head, role=Role.VILLAGE_HEAD, org_unit=office)
    role_assign(actor=None, user=operator, role=Role.VILLAGE_OPERATOR, org_unit=office)
    residents = [make_resident(world.village, name=f"Warga {i}") for i in range(6)]
    citizen = world.users["citizen"]
    citizen.email = demo.CITIZEN_EMAIL
    citizen.save(update_fields=["email"])
    link(citizen, residents[0], verifier=operator)

    out = io.StringIO()
    demo.seed_demo(stdout=out)
    assert LetterType.objects.count() > 40
    assert VillageLetterSettings.objects.get(office=office).head_name == "Sumiati"
    assert Letter.objects.filter(office=office).count() == 7  # six at the counter, one requested online
    statuses = sorted(LetterRequest.objects.filter(requested_by=citizen).values_list("status", flat=True))
    assert statuses == ["checked", "issued", "requested"]
    counts = (Letter.objects.count(), LetterRequest.objects.count(), LetterType.objects.count())
    demo.seed_demo(stdout=io.StringIO())
    assert (Letter.objects.count(), LetterRequest.objects.count(), LetterType.objects.count()) == counts
    assert "sekdes.tamansari" in {u.username for u in type(head).objects.all()}


def test_seed_types_command_is_idempotent(db):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("letters_seed_types", stdout=out)
    call_command("letters_seed_types", stdout=out)
    assert out.getvalue().splitlines()[1].startswith("0 jenis surat baru")
    assert LetterType.objects.filter(slug="surat-keterangan-domisili").exists()
