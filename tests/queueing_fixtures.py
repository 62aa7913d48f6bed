"""A small MPP floor on top of the fixture world: site MPP-UJI with categories A (Dispendukcapil)
and B (Polresta), counters 1 (A), 2 (A then B), 3 (B); counter officers, a site manager, a
counter officer of another site; and a clock the tests move (a Wednesday, 10.00 WIB)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from unittest import mock
from zoneinfo import ZoneInfo

from pintu.accounts.constants import Role
from pintu.accounts.services import role_assign
from pintu.queueing import services as qs
from pintu.regions.constants import OrgUnitKind
from pintu.regions.services import org_unit_create
from tests.factories import UserFactory

WIB = ZoneInfo("Asia/Jakarta")
MONDAY_TO_SATURDAY = {str(d): ["07:00", "16:00"] for d in range(6)}
# Wednesday 2 December 2026, 10.00 WIB: a working day, inside opening hours.
START = dt.datetime(2026, 12, 2, 10, 0, tzinfo=WIB)


class Clock:
    def __init__(self, moment: dt.datetime):
        self.moment = moment

    def __call__(self):
        return self.moment.astimezone(dt.UTC)

    def advance(self, **delta):
        self.moment += dt.timedelta(**delta)
        return self.moment

    def set(self, moment: dt.datetime):
        self.moment = moment


@dataclass
class Floor:
    world: object
    site: object
    other_site: object
    a: object
    b: object
    counters: dict
    users: dict
    clock: Clock


def build_floor(world, clock: Clock) -> Floor:
    mpp = org_unit_create(
        actor=None, kind=OrgUnitKind.MPP_SITE, code="MPP-UJI", name="MPP Uji", regency=world.regency
    )
    other = org_unit_create(
        actor=None, kind=OrgUnitKind.MPP_SITE, code="MPP-LAIN", name="MPP Lain", regency=world.regency
    )
    site = qs.site_configure(actor=None, org_unit=mpp, opening_hours=MONDAY_TO_SATURDAY, recall_limit=2)
    other_site = qs.site_configure(actor=None, org_unit=other, opening_hours=MONDAY_TO_SATURDAY)
    a = qs.category_define(
        actor=None,
        site=site,
        prefix="A",
        name="Kependudukan",
        agency=world.agency,
        services=[world.agency_service],
        position=0,
    )
    b = qs.category_define(
        actor=None, site=site, prefix="B", name="Kepolisian", agency=world.other_agency, position=1
    )
    other_cat = qs.category_define(actor=None, site=other_site, prefix="A", name="Lain")
    counters = {
        1: qs.counter_define(actor=None, site=site, number=1, categories=[a]),
        2: qs.counter_define(actor=None, site=site, number=2, categories=[a, b]),
        3: qs.counter_define(actor=None, site=site, number=3, categories=[b]),
        "other": qs.counter_define(actor=None, site=other_site, number=1, categories=[other_cat]),
    }
    users = dict(world.users)
    for name, role, unit in (
        ("officer1", Role.COUNTER_OFFICER, mpp),
        ("officer2", Role.COUNTER_OFFICER, mpp),
        ("officer3", Role.COUNTER_OFFICER, mpp),
        ("site_manager", Role.SITE_MANAGER, mpp),
        ("other_site_officer", Role.COUNTER_OFFICER, other),
        ("other_site_manager", Role.SITE_MANAGER, other),
    ):
        user = UserFactory(username=name, staff=True)
        role_assign(actor=None, user=user, role=role, org_unit=unit)
        users[name] = user
    # officer1 also belongs to Dispendukcapil's front office: it may open that agency's cases.
    role_assign(actor=None, user=users["officer1"], role=Role.AGENCY_FRONT_OFFICE, org_unit=world.agency)
    return Floor(
        world=world, site=site, other_site=other_site, a=a, b=b, counters=counters, users=users, clock=clock
    )


def frozen_clock():
    """Generator for a ``clock`` fixture: timezone.now() answers the clock's time."""
    c = Clock(START)
    with mock.patch("django.utils.timezone.now", c):
        yield c


def open_counters(floor: Floor, *numbers):
    for n in numbers:
        qs.counter_open(actor=floor.users[f"officer{n}"], counter=floor.counters[n])
