"""Office, citizen and public pages of the population registry, and their permission matrix."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from pintu.core.tasks import run_pending_tasks
from pintu.population import selectors
from pintu.population.constants import LinkStatus, ResidentStatus
from pintu.population.importing import OPENSID_COLUMNS
from pintu.population.models import (
    ExportLog,
    ImportJob,
    PopulationEvent,
    Resident,
    ResidentAccessLog,
    ResidentLink,
)
from tests.population_fixtures import family_fixture, kk_for, make_family, nik_for  # noqa: F401

pytestmark = pytest.mark.django_db

PASSWORD = "rahasia-uji-123"


def client_for(world, name):
    client = Client()
    if name != "anonymous":
        client.force_login(world.users[name])
    return client


def test_operator_lists_searches_and_opens_a_logged_record(world, family):
    _fam, people = family
    client = client_for(world, "village_operator")
    page = client.get(reverse("population:residents", args=[world.village.code]))
    assert page.status_code == 200 and "Slamet Riyadi" in page.content.decode()
    found = client.get(
        reverse("population:residents", args=[world.village.code]), {"q": "siti"}, HTTP_HX_REQUEST="true"
    )
    body = found.content.decode()
    assert "Siti Aminah" in body and "Slamet" not in body and "<html" not in body
    by_nik = client.get(reverse("population:residents", args=[world.village.code]), {"q": people[0].nik[:8]})
    assert people[0].nik in by_nik.content.decode()
    url = reverse("population:resident", args=[people[1].pk])
    ask = client.get(url)
    assert "Keperluan" in ask.content.decode() and ResidentAccessLog.objects.count() == 0
    detail = client.get(url, {"keperluan": "Pelayanan surat"})
    assert detail.status_code == 200 and "Banyuwangi, 12 Maret 1984" in detail.content.decode()
    entry = ResidentAccessLog.objects.get()
    assert (entry.actor.username, entry.resident_id, entry.purpose) == (
        "village_operator",
        people[1].pk,
        "Pelayanan surat",
    )
    log = client_for(world, "village_head").get(reverse("population:access_log", args=[world.village.code]))
    assert "Pelayanan surat" in log.content.decode()


def test_register_form_creates_resident_with_new_kk(world):
    client = client_for(world, "village_operator")
    kk = kk_for()
    response = client.post(
        reverse("population:resident_new", args=[world.village.code]),
        {
            "nik": nik_for(dt.date(1991, 7, 8), female=True),
            "full_name": "Dewi Sartika",
            "sex": "2",
            "birth_place": "Banyuwangi",
            "birth_date": "1991-07-08",
            "religion": "1",
            "education": "5",
            "occupation": "88",
            "marital_status": "1",
            "family_relation": "1",
            "blood_type": "13",
            "citizenship": "1",
            "kk_number": kk,
            "hamlet": "Krajan",
            "rw": "1",
            "rt": "2",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    resident = Resident.objects.get(full_name="Dewi Sartika")
    assert resident.family.kk_number == kk and resident.family.head_id == resident.pk and resident.rt == "002"


def test_register_form_shows_nik_error_and_writes_nothing(world):
    client = client_for(world, "village_operator")
    response = client.post(
        reverse("population:resident_new", args=[world.village.code]),
        {
            "nik": nik_for(dt.date(1990, 1, 1)),
            "full_name": "X",
            "sex": "1",
            "birth_date": "1991-01-01",
            "religion": "1",
            "education": "1",
            "occupation": "1",
            "marital_status": "1",
            "family_relation": "1",
            "blood_type": "13",
            "citizenship": "1",
        },
    )
    assert response.status_code == 200 and "Tanggal lahir di NIK" in response.content.decode()
    assert Resident.objects.count() == 0


def test_death_form_and_birth_form(world, family):
    fam, people = family
    client = client_for(world, "village_operator")
    response = client.post(
        reverse("population:resident_event", args=[people[0].pk, "kematian"]),
        {"date": "2025-06-01", "place": "Rumah"},
    )
    assert response.status_code == 302
    people[0].refresh_from_db()
    assert people[0].status == ResidentStatus.DEAD
    response = client.post(
        reverse("population:family_birth", args=[fam.kk_number]),
        {
            "full_name": "Bayi Baru",
            "sex": "1",
            "birth_date": dt.date.today().isoformat(),
            "mother": str(people[1].pk),
        },
    )
    assert response.status_code == 302
    assert Resident.objects.get(full_name="Bayi Baru").mother_name == "Siti Aminah"


def test_import_page_job_progress_and_report(world):
    client = client_for(world, "village_operator")
    header = ",".join(OPENSID_COLUMNS)
    kk = kk_for()
    good = dict.fromkeys(OPENSID_COLUMNS, "") | {
        "nama": "BUDI",
        "no_kk": kk,
        "nik": nik_for(dt.date(1970, 1, 2)),
        "sex": "1",
        "tanggallahir": "1970-01-02",
        "agama_id": "1",
        "kk_level": "1",
    }
    bad = dict(good) | {"nik": "12345", "nama": "SALAH"}
    content = "\n".join(
        [header, ",".join(good[c] for c in OPENSID_COLUMNS), ",".join(bad[c] for c in OPENSID_COLUMNS)]
    )
    response = client.post(
        reverse("population:import", args=[world.village.code]),
        {"file": SimpleUploadedFile("warga.csv", content.encode(), content_type="text/csv")},
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "population:import_job", args=[job.pk]
    )
    waiting = client.get(response["Location"], HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 1s"' in waiting.content.decode()
    run_pending_tasks()
    done = client.get(response["Location"]).content.decode()
    assert "hx-trigger" not in done and "16 angka" in done
    report = client.get(reverse("population:import_report", args=[job.pk, "csv"]))
    assert report.status_code == 200 and "SALAH" in report.content.decode("utf-8-sig")
    export = client.post(reverse("population:export", args=[world.village.code, "csv"]))
    assert export.status_code == 200 and "BUDI" in export.content.decode("utf-8-sig")
    assert ExportLog.objects.get().row_count == 1


def test_statistics_pages_have_charts(world, family):
    pages = [
        ("village_operator", reverse("population:village_statistics", args=[world.village.code])),
        ("district_officer", reverse("population:district_statistics", args=[world.district.code])),
        ("regency_admin", reverse("population:regency_statistics")),
        ("anonymous", reverse("population:public_statistics", args=[world.village.code])),
    ]
    for user, url in pages:
        response = client_for(world, user).get(url)
        body = response.content.decode()
        assert response.status_code == 200, (user, url)
        assert "<svg" in body and "Piramida" in body
        assert "Slamet" not in body and family[1][0].nik not in body  # aggregates only


def test_citizen_links_account_and_operator_verifies(world, family):
    fam, people = family
    citizen = client_for(world, "citizen")
    url = reverse("population:my_data")
    wrong = citizen.post(url, {"nik": people[1].nik, "kk_number": fam.kk_number, "birth_date": "1984-03-13"})
    assert "tidak cocok" in wrong.content.decode() and ResidentLink.objects.count() == 0
    ok = citizen.post(url, {"nik": people[1].nik, "kk_number": fam.kk_number, "birth_date": "1984-03-12"})
    assert ok.status_code == 302
    link = ResidentLink.objects.get()
    assert link.status == LinkStatus.PENDING and selectors.linked_resident_for(world.users["citizen"]) is None
    other = client_for(world, "other_village_operator").post(
        reverse("population:link_decide", args=[link.pk, "verifikasi"])
    )
    assert other.status_code == 404
    operator = client_for(world, "village_operator")
    assert (
        "Siti Aminah" in operator.get(reverse("population:links", args=[world.village.code])).content.decode()
    )
    operator.post(reverse("population:link_decide", args=[link.pk, "verifikasi"]))
    link.refresh_from_db()
    assert link.status == LinkStatus.VERIFIED
    assert selectors.linked_resident_for(world.users["citizen"]) == people[1]
    assert people[1].nik in citizen.get(url).content.decode()


# --- the permission matrix ----------------------------------------------------------------------

ROLES = [
    "village_operator",
    "village_head",
    "other_village_operator",
    "district_officer",
    "other_district_officer",
    "front_office",
    "regency_admin",
    "citizen",
    "staff_without_role",
    "anonymous",
]
FULL = {"village_operator", "village_head"}
MASKED = {"district_officer", "regency_admin"}


def _pages(world, people, fam):
    code = world.village.code
    return {
        # name: (url, roles that get 200)
        "list": (reverse("population:residents", args=[code]), FULL | MASKED),
        "detail": (reverse("population:resident", args=[people[0].pk]) + "?keperluan=x", FULL),
        "edit": (reverse("population:resident_edit", args=[people[0].pk]), FULL),
        "family": (reverse("population:family", args=[fam.kk_number]), FULL),
        "new": (reverse("population:resident_new", args=[code]), FULL),
        "import": (reverse("population:import", args=[code]), FULL),
        "links": (reverse("population:links", args=[code]), FULL),
        "access_log": (reverse("population:access_log", args=[code]), {"village_head", "regency_admin"}),
        "village_stats": (reverse("population:village_statistics", args=[code]), FULL | MASKED),
        "district_stats": (
            reverse("population:district_statistics", args=[world.district.code]),
            {"district_officer", "regency_admin"},
        ),
        "regency_stats": (reverse("population:regency_statistics"), {"regency_admin"}),
    }


@pytest.mark.parametrize("role", ROLES)
def test_page_matrix(world, family, role):
    fam, people = family
    client = client_for(world, role)
    for name, (url, allowed) in _pages(world, people, fam).items():
        status = client.get(url).status_code
        if role in allowed:
            assert status == 200, (name, role, status)
        elif role == "anonymous":
            assert status == 302, (name, role, status)  # to the login page
        else:
            assert status in (403, 404), (name, role, status)


@pytest.mark.parametrize("role", ["district_officer", "regency_admin"])
def test_masked_list_hides_nik_and_address(world, family, role):
    _fam, people = family
    body = (
        client_for(world, role)
        .get(reverse("population:residents", args=[world.village.code]))
        .content.decode()
    )
    assert "Slamet Riyadi" in body
    assert people[0].nik not in body and people[0].nik[:4] + "********" + people[0].nik[12:] in body
    assert "Krajan" not in body and reverse("population:resident", args=[people[0].pk]) not in body


@pytest.mark.parametrize("role", [r for r in ROLES if r not in FULL])
def test_denied_writes_change_nothing(world, family, role):
    fam, people = family
    client = client_for(world, role)
    before = (
        Resident.objects.count(),
        PopulationEvent.objects.count(),
        list(Resident.objects.values_list("pk", "status", "full_name").order_by("pk")),
        ImportJob.objects.count(),
        ExportLog.objects.count(),
    )
    posts = [
        (reverse("population:resident_event", args=[people[0].pk, "kematian"]), {"date": "2025-01-01"}),
        (reverse("population:resident_edit", args=[people[0].pk]), {"full_name": "Diubah"}),
        (reverse("population:resident_new", args=[world.village.code]), {"full_name": "Baru"}),
        (
            reverse("population:family_birth", args=[fam.kk_number]),
            {"full_name": "Bayi", "sex": "1", "birth_date": "2025-01-01"},
        ),
        (
            reverse("population:import", args=[world.village.code]),
            {"file": SimpleUploadedFile("a.csv", b"nik\n1")},
        ),
        (reverse("population:export", args=[world.village.code, "csv"]), {}),
    ]
    for url, data in posts:
        status = client.post(url, data).status_code
        assert status in (302, 403, 404), (url, role, status)
        if status == 302:
            assert role == "anonymous"
    after = (
        Resident.objects.count(),
        PopulationEvent.objects.count(),
        list(Resident.objects.values_list("pk", "status", "full_name").order_by("pk")),
        ImportJob.objects.count(),
        ExportLog.objects.count(),
    )
    assert before == after


def test_other_village_operator_sees_nothing_of_tamansari(world, family):
    _fam, _people = family
    other = world.users["other_village_operator"]
    from pintu.accounts.access import principal_for

    assert selectors.resident_search(principal=principal_for(other), query="Slamet") == []
    make_family(world, village=world.other_village, members=1)
    rows = selectors.resident_search(principal=principal_for(other), query="Slamet")
    assert len(rows) == 1 and rows[0].village_id == world.other_village.pk and not rows[0].masked
