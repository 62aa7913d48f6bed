"""Population API: search (masked where needed), logged detail, statistics; the role matrix."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from pintu.population.models import ResidentAccessLog
from tests.population_fixtures import family_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def api(world, name):
    client = APIClient()
    if name != "anonymous":
        client.force_authenticate(world.users[name])
    return client


@pytest.mark.parametrize(
    ("role", "status", "masked"),
    [
        ("village_operator", 200, False),
        ("village_head", 200, False),
        ("district_officer", 200, True),
        ("regency_admin", 200, True),
        ("other_village_operator", 403, None),
        ("other_district_officer", 403, None),
        ("front_office", 403, None),
        ("citizen", 403, None),
        ("anonymous", 401, None),
    ],
)
def test_search_matrix(world, family, role, status, masked):
    _fam, people = family
    response = api(world, role).get(
        "/api/v1/population/residents/", {"q": "slamet", "village": world.village.code}
    )
    assert response.status_code == status, response.content
    if status == 200:
        row = response.json()[0]
        assert row["full_name"] == "Slamet Riyadi" and row["masked"] is masked
        assert (row["nik"] == people[0].nik) is (not masked)


def test_regency_wide_search_by_nik_prefix(world, family):
    _fam, people = family
    response = api(world, "regency_admin").get("/api/v1/population/residents/", {"q": people[0].nik})
    assert [r["id"] for r in response.json()] == [people[0].pk] and "*" in response.json()[0]["nik"]


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("village_operator", 200),
        ("district_officer", 404),
        ("regency_admin", 404),
        ("other_village_operator", 404),
        ("front_office", 404),
    ],
)
def test_detail_only_for_the_village_and_logged(world, family, role, status):
    _fam, people = family
    response = api(world, role).get(
        f"/api/v1/population/residents/{people[0].pk}/", {"purpose": "Pelayanan surat"}
    )
    assert response.status_code == status
    assert ResidentAccessLog.objects.count() == (1 if status == 200 else 0)
    if status == 200:
        assert response.json()["address"].startswith("Dusun Krajan RT 001 RW 002")


def test_detail_needs_a_purpose(world, family):
    _fam, people = family
    response = api(world, "village_operator").get(f"/api/v1/population/residents/{people[0].pk}/")
    assert response.status_code == 400 and ResidentAccessLog.objects.count() == 0


@pytest.mark.parametrize(
    ("role", "params", "status"),
    [
        ("village_operator", {"village": "35.10.24.2008"}, 200),
        ("village_operator", {"village": "35.10.24.2001"}, 403),
        ("district_officer", {"district": "35.10.24"}, 200),
        ("district_officer", {"district": "35.10.15"}, 403),
        ("regency_admin", {}, 200),
        ("front_office", {"village": "35.10.24.2008"}, 403),
    ],
)
def test_statistics_matrix(world, family, role, params, status):
    response = api(world, role).get("/api/v1/population/statistics/", params)
    assert response.status_code == status
    if status == 200:
        assert response.json()["total"] == 3
