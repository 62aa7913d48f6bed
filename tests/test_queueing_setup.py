"""The site manager's settings pages: each change through the page (one service call), refused
inputs shown on the form with nothing changed, and who may open them (403/404, nothing
changed)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from pintu.audit.models import AuditEntry
from pintu.queueing.models import Counter, QueueSite, SiteClosedDay, TicketCategory, TimeSlot
from tests.queueing_fixtures import build_floor, frozen_clock

pytestmark = pytest.mark.django_db
SITE = "MPP-UJI"


@pytest.fixture
def clock():
    yield from frozen_clock()


@pytest.fixture
def floor(world, clock):
    return build_floor(world, clock)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name, *args):
    return reverse(f"queueing:{name}", args=[SITE, *args])


def snapshot(site):
    """Everything these pages can change at a site, to compare before and after."""
    site = QueueSite.objects.get(pk=site.pk)
    return (
        (
            site.opening_hours,
            site.wait_target_minutes,
            site.recall_limit,
            site.late_window_minutes,
            site.slot_minutes,
            site.priority_groups,
            site.is_active,
        ),
        sorted(
            (
                c.prefix,
                c.name,
                c.agency_id,
                c.position,
                c.is_active,
                sorted(c.services.values_list("pk", flat=True)),
            )
            for c in TicketCategory.objects.filter(site=site)
        ),
        sorted(
            (
                c.number,
                c.name,
                c.is_active,
                list(c.countercategory_set.order_by("position").values_list("category_id", flat=True)),
            )
            for c in Counter.objects.filter(site=site)
        ),
        sorted(SiteClosedDay.objects.filter(site=site).values_list("date", "reason")),
        sorted(TimeSlot.objects.filter(site=site).values_list("category_id", "date", "start", "quota")),
    )


def settings_post(**overrides):
    data = {
        "wait_target_minutes": "25",
        "recall_limit": "3",
        "late_window_minutes": "10",
        "slot_minutes": "20",
        "priority_groups": "lansia: Lansia\ndifabel: Penyandang disabilitas",
        "is_active": "on",
        "open_0": "08:00",
        "close_0": "15:30",
        "open_2": "09:00",
        "close_2": "12:00",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --- the manager changes each thing ----------------------------------------------------------------


@pytest.mark.parametrize("user", ["site_manager", "regency_admin"])
def test_manager_and_regency_admin_open_every_page(floor, user):
    client = login(floor.users[user])
    pages = [
        url("setup"),
        url("setup_categories"),
        url("setup_category", floor.a.pk),
        url("setup_counters"),
        url("setup_counter", floor.counters[2].pk),
        url("setup_closed_days"),
        url("setup_timeslots"),
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        assert "Pengaturan antrian" in response.content.decode()


def test_overview_links_to_the_settings(floor):
    page = login(floor.users["site_manager"]).get(reverse("queueing:overview", args=[SITE]))
    assert url("setup") in page.content.decode()


def test_manager_saves_site_settings(floor):
    client = login(floor.users["site_manager"])
    form = client.get(url("setup")).content.decode()
    assert 'value="07:00"' in form  # the current hours are shown
    response = client.post(url("setup"), settings_post())
    assert response.status_code == 302
    site = QueueSite.objects.get(pk=floor.site.pk)
    assert site.opening_hours == {"0": ["08:00", "15:30"], "2": ["09:00", "12:00"]}
    assert (site.wait_target_minutes, site.recall_limit, site.late_window_minutes, site.slot_minutes) == (
        25,
        3,
        10,
        20,
    )
    assert site.priority_groups == [
        {"code": "lansia", "name": "Lansia"},
        {"code": "difabel", "name": "Penyandang disabilitas"},
    ]
    assert site.is_active
    assert AuditEntry.objects.filter(verb="queue.site_configure", actor=floor.users["site_manager"]).exists()


def test_manager_switches_the_site_off_and_back_on(floor):
    client = login(floor.users["site_manager"])
    client.post(url("setup"), settings_post(is_active=None))
    assert not QueueSite.objects.get(pk=floor.site.pk).is_active
    assert client.get(url("setup")).status_code == 200  # still reachable to switch it on again
    client.post(url("setup"), settings_post())
    assert QueueSite.objects.get(pk=floor.site.pk).is_active


def test_manager_adds_and_edits_a_category(floor):
    client = login(floor.users["site_manager"])
    world = floor.world
    response = client.post(
        url("setup_categories"),
        {
            "prefix": "pb",
            "name": "Perizinan Berusaha",
            "agency": world.agency.pk,
            "services": [world.agency_service.pk],
            "position": "2",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    category = TicketCategory.objects.get(site=floor.site, prefix="PB")
    assert (category.name, category.agency_id, category.position, category.is_active) == (
        "Perizinan Berusaha",
        world.agency.pk,
        2,
        True,
    )
    assert list(category.services.all()) == [world.agency_service]
    assert "Perizinan Berusaha" in client.get(url("setup_categories")).content.decode()

    response = client.post(
        url("setup_category", category.pk),
        {"prefix": "ZZ", "name": "Perizinan", "agency": "", "position": "5"},  # prefix is fixed
    )
    assert response.status_code == 302
    category.refresh_from_db()
    assert (category.prefix, category.name, category.agency_id, category.position, category.is_active) == (
        "PB",
        "Perizinan",
        None,
        5,
        False,
    )
    assert category.services.count() == 0
    assert not TicketCategory.objects.filter(prefix="ZZ").exists()


def test_manager_adds_and_edits_a_counter(floor):
    client = login(floor.users["site_manager"])
    response = client.post(
        url("setup_counters"),
        {"number": "7", "name": "Loket Prioritas", "categories": [floor.b.pk], "is_active": "on"},
    )
    assert response.status_code == 302
    counter = Counter.objects.get(site=floor.site, number=7)
    assert counter.name == "Loket Prioritas" and counter.is_active
    assert [c.pk for c in counter.categories.order_by("countercategory__position")] == [floor.b.pk]

    # counter 2 serves A then B; adding nothing, dropping A, keeping B, switching it off
    two = floor.counters[2]
    response = client.post(
        url("setup_counter", two.pk), {"number": "9", "name": "", "categories": [floor.b.pk]}
    )
    assert response.status_code == 302
    two.refresh_from_db()
    assert (two.number, two.is_active) == (2, False)
    assert [c.pk for c in two.categories.all()] == [floor.b.pk]


def test_editing_a_counter_keeps_its_main_category_first(floor):
    client = login(floor.users["site_manager"])
    three = floor.counters[3]  # serves B only; A has the smaller position
    client.post(
        url("setup_counter", three.pk),
        {"number": "3", "categories": [floor.a.pk, floor.b.pk], "is_active": "on"},
    )
    order = list(three.countercategory_set.order_by("position").values_list("category_id", flat=True))
    assert order == [floor.b.pk, floor.a.pk]


def test_manager_closes_a_day(floor):
    client = login(floor.users["site_manager"])
    response = client.post(
        url("setup_closed_days"), {"date": "2026-12-10", "reason": "Renovasi ruang tunggu"}
    )
    assert response.status_code == 302
    assert list(SiteClosedDay.objects.filter(site=floor.site).values_list("date", "reason")) == [
        (dt.date(2026, 12, 10), "Renovasi ruang tunggu")
    ]
    SiteClosedDay.objects.create(site=floor.site, date=dt.date(2026, 11, 1), reason="Sudah lewat")
    page = client.get(url("setup_closed_days")).content.decode()
    assert "Renovasi ruang tunggu" in page and "Sudah lewat" not in page


def test_manager_generates_booking_slots(floor):
    client = login(floor.users["site_manager"])
    # Thursday 3 and Friday 4 December 2026, 07:00–16:00, 30-minute slots: 18 a day
    response = client.post(
        url("setup_timeslots"),
        {"date_from": "2026-12-03", "date_to": "2026-12-04", "quota": "4", "categories": [floor.a.pk]},
    )
    assert response.status_code == 302
    slots = TimeSlot.objects.filter(site=floor.site)
    assert slots.count() == 36
    assert set(slots.values_list("category_id", "quota")) == {(floor.a.pk, 4)}
    assert "36" in client.get(response["Location"]).content.decode()


# --- refused inputs: the message on the form, nothing changed -------------------------------------


REFUSED = [
    (
        "setup_categories",
        {"prefix": "A1", "name": "Salah", "position": "0"},
        "Awalan berupa satu atau dua huruf",
    ),
    ("setup_categories", {"prefix": "A", "name": "Dobel", "position": "0"}, "Awalan A sudah dipakai"),
    ("setup_categories", {"prefix": "C", "name": "X", "position": "0"}, "Tulis nama kategori"),
    ("setup_counters", {"number": "8", "name": "Tanpa kategori"}, "Pilih paling sedikit satu kategori"),
    ("setup_counters", {"number": "1", "categories": ["__a__"]}, "Loket nomor 1 sudah ada"),
    ("setup_closed_days", {"date": "2026-12-10", "reason": "   "}, "Alasan wajib diisi"),
    (
        "setup_timeslots",
        {"date_from": "2026-12-03", "date_to": "2026-12-04", "quota": "0"},
        "Kuota per sesi antara 1 dan 500",
    ),
    (
        "setup_timeslots",
        {"date_from": "2026-12-03", "date_to": "2027-06-01", "quota": "5"},
        "Rentang paling panjang 3 bulan",
    ),
    ("setup", settings_post(slot_minutes="3"), "Lama sesi antara 5 dan 240 menit"),
    ("setup", settings_post(open_0="15:00", close_0="08:00"), "buka sebelum tutup"),
    ("setup", settings_post(open_1="08:00"), "Isi jam buka dan jam tutup"),
    ("setup", settings_post(priority_groups="tanpa nama"), "perlu kode dan nama"),
]


@pytest.mark.parametrize(("page", "data", "message"), REFUSED)
def test_refused_input_shows_the_message_and_changes_nothing(floor, page, data, message):
    data = {
        k: ([floor.a.pk if x == "__a__" else x for x in v] if isinstance(v, list) else v)
        for k, v in data.items()
    }
    before = snapshot(floor.site)
    audits = AuditEntry.objects.count()
    response = login(floor.users["site_manager"]).post(url(page), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert snapshot(floor.site) == before
    assert AuditEntry.objects.count() == audits


def test_services_of_another_agency_are_refused(floor):
    world = floor.world
    before = snapshot(floor.site)
    response = login(floor.users["site_manager"]).post(
        url("setup_categories"),
        {
            "prefix": "D",
            "name": "Campur",
            "agency": world.agency.pk,
            "services": [world.other_service.pk],
            "position": "0",
        },
    )
    assert "Layanan kategori harus milik instansi yang sama." in response.content.decode()
    assert snapshot(floor.site) == before


# --- who may: 403 / 404, nothing changed --------------------------------------------------------------


def _writes(floor):
    return [
        ("setup", settings_post(recall_limit="9")),
        ("setup_categories", {"prefix": "Q", "name": "Penyusup", "position": "0", "is_active": "on"}),
        ("setup_category", {"name": "Diubah", "position": "0"}, floor.a.pk),
        ("setup_counters", {"number": "9", "categories": [floor.a.pk], "is_active": "on"}),
        ("setup_counter", {"number": "1", "categories": [floor.b.pk]}, floor.counters[1].pk),
        ("setup_closed_days", {"date": "2026-12-10", "reason": "Tutup"}),
        ("setup_timeslots", {"date_from": "2026-12-03", "date_to": "2026-12-03", "quota": "3"}),
    ]


@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("officer1", 403),
        ("other_site_manager", 403),
        ("other_site_officer", 403),
        ("front_office", 403),
        ("staff_without_role", 403),
        ("citizen", 403),
    ],
)
def test_others_are_refused_and_nothing_changes(floor, user, status):
    client = login(floor.users[user])
    before = snapshot(floor.site)
    for name, data, *args in _writes(floor):
        assert client.get(url(name, *args)).status_code == status, name
        assert client.post(url(name, *args), data).status_code == status, name
    assert snapshot(floor.site) == before


def test_anonymous_is_sent_to_login(floor):
    response = Client().post(url("setup_categories"), {"prefix": "Q", "name": "Penyusup", "position": "0"})
    assert response.status_code == 302 and "?next=" in response["Location"]
    assert not TicketCategory.objects.filter(prefix="Q").exists()


def test_another_sites_category_or_counter_is_not_found(floor):
    """The manager of MPP-LAIN reaches its own pages, but not MPP-UJI's objects through them."""
    client = login(floor.users["other_site_manager"])
    other_category = TicketCategory.objects.get(site=floor.other_site)
    assert client.get(reverse("queueing:setup_categories", args=["MPP-LAIN"])).status_code == 200
    before = snapshot(floor.site)
    for name, obj, data in (
        ("setup_category", floor.a.pk, {"name": "Diubah", "position": "0"}),
        ("setup_counter", floor.counters[1].pk, {"number": "1", "categories": [other_category.pk]}),
    ):
        assert client.post(reverse(f"queueing:{name}", args=["MPP-LAIN", obj]), data).status_code == 404
    assert snapshot(floor.site) == before
    assert client.get(reverse("queueing:setup", args=["NO-SUCH-SITE"])).status_code == 404
