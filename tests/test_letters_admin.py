"""The regency admin edits village letter types in the admin console, through the service."""

import pytest
from django.urls import reverse

from pintu.audit.models import AuditEntry
from pintu.letters.models import LetterType
from pintu.letters.services import letter_types_seed


@pytest.fixture
def types(world):
    letter_types_seed(actor=None)
    return LetterType.objects.get(slug="surat-keterangan-domisili")


def _post(letter_type, **changes):
    data = {
        "name": letter_type.name,
        "classification_code": letter_type.classification_code,
        "requirements": letter_type.requirements,
        "validity_days": letter_type.validity_days,
        "default_signer": letter_type.default_signer,
        "citizen_requestable": "on" if letter_type.citizen_requestable else "",
        "is_active": "on" if letter_type.is_active else "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_regency_admin_changes_a_type_through_the_service(client, world, types):
    client.force_login(world.users["regency_admin"])
    url = reverse("admin:letters_lettertype_change", args=[types.pk])
    assert client.get(reverse("admin:letters_lettertype_changelist")).status_code == 200
    response = client.post(url, _post(types, validity_days=90, classification_code="474.4"))
    assert response.status_code == 302
    types.refresh_from_db()
    assert (types.validity_days, types.classification_code) == (90, "474.4")
    assert AuditEntry.objects.filter(verb="letters.type_update", object_id=str(types.pk)).exists()


def test_a_refused_change_shows_the_message_and_changes_nothing(client, world, types):
    client.force_login(world.users["regency_admin"])
    url = reverse("admin:letters_lettertype_change", args=[types.pk])
    response = client.post(url, _post(types, validity_days=5000))
    assert response.status_code == 200
    assert "Masa berlaku 1 sampai 3650 hari" in response.content.decode()
    types.refresh_from_db()
    assert types.validity_days != 5000


def test_village_staff_cannot_open_the_console_page(client, world, types):
    client.force_login(world.users["village_head"])
    response = client.get(reverse("admin:letters_lettertype_change", args=[types.pk]))
    assert response.status_code in (302, 403)
