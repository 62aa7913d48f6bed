"""The village front door fills the applicant from the population registry (issue 3): search by
NIK or name within the village, pick, prefilled, and the full-record view is logged."""

from django.urls import reverse

from pintu.population.models import ResidentAccessLog
from tests.population_fixtures import make_family


def _form_url(world, **params):
    query = "&".join(f"{k}={v}" for k, v in {"unit": world.village_office.pk, **params}.items())
    return f"{reverse('office:new_case_form', args=['VILLAGE-SVC'])}?{query}"


def test_search_and_prefill_from_registry(client, world):
    _family, (head, *_rest) = make_family(world)
    client.force_login(world.users["village_operator"])
    found = client.get(_form_url(world, q="slamet")).content.decode()
    assert "Slamet Riyadi" in found and f"resident={head.pk}" in found
    before = ResidentAccessLog.objects.count()
    page = client.get(_form_url(world, resident=head.pk)).content.decode()
    assert f'value="{head.nik}"' in page  # the NIK field is prefilled
    assert "Dusun Krajan" in page or "Krajan" in page
    assert ResidentAccessLog.objects.count() == before + 1


def test_residents_of_another_village_are_not_offered_or_opened(client, world):
    _family, (head, *_rest) = make_family(world, village=world.other_village)
    client.force_login(world.users["village_operator"])  # Tamansari's operator
    assert "Slamet Riyadi" not in client.get(_form_url(world, q="slamet")).content.decode()
    before = ResidentAccessLog.objects.count()
    assert client.get(_form_url(world, resident=head.pk)).status_code == 404
    assert ResidentAccessLog.objects.count() == before


def test_agency_counter_has_no_registry_lookup(client, world):
    client.force_login(world.users["front_office"])
    url = f"{reverse('office:new_case_form', args=['AGENCY-SVC'])}?q=slamet"
    response = client.get(url)
    assert response.status_code == 200
    assert "Pemohon dari data penduduk desa" not in response.content.decode()
