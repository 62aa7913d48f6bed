"""`make demo` builds its data through the services; a second run changes nothing."""

import pytest
from django.core.management import call_command

from pintu.accounts.models import User
from pintu.cases.models import Case
from pintu.catalog.models import Service
from pintu.demo.generate import CITIZEN_EMAIL, DEMO_PASSWORD, MAIN_ACCOUNTS
from pintu.regions.models import OrgUnit, Village


@pytest.mark.django_db
def test_demo_setup_is_complete_and_idempotent(client):
    call_command("demo_setup", cases=12)
    assert Village.objects.filter(code__startswith="35.10.").count() == 217
    assert OrgUnit.objects.filter(kind="village_office").count() == 217
    assert Service.objects.filter(published_version__isnull=False).count() >= 15
    assert Service.objects.filter(starts_at_village=True).count() >= 3
    assert Service.objects.values("agency").distinct().count() >= 6
    cases = Case.objects.count()
    assert cases >= 10
    users = User.objects.count()
    call_command("demo_setup", cases=12)
    assert Case.objects.count() == cases and User.objects.count() == users
    for username, *_ in MAIN_ACCOUNTS:
        assert client.login(username=username, password=DEMO_PASSWORD), username
    assert client.login(username=CITIZEN_EMAIL, password=DEMO_PASSWORD)
