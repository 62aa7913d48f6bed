"""Demo queue: MPP Banyuwangi (12 agency categories, 20 counters) and Desa Tamansari's desk.

Everything through the services, idempotent: configuration is upserted; tickets are generated
only for days that have none yet. History uses a mocked clock (``pintu.demo.generate.clock``).
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from pintu.accounts.constants import Role
from pintu.accounts.models import RoleAssignment, User
from pintu.accounts.services import role_assign, staff_user_create
from pintu.catalog.models import Service
from pintu.demo.generate import CITIZEN_EMAIL, DEMO_PASSWORD, DEMO_VILLAGE, clock
from pintu.queueing import services as qs
from pintu.queueing.constants import TicketOutcome, TicketStatus
from pintu.queueing.models import Counter, Ticket, TimeSlot
from pintu.regions.models import OrgUnit

MPP_CODE = "MPP-BANYUWANGI"
MPP_HOURS = {str(d): ["08:00", "15:00"] for d in range(4)} | {
    "4": ["08:00", "14:00"],
    "5": ["08:00", "12:00"],
}
VILLAGE_HOURS = {str(d): ["08:00", "14:00"] for d in range(5)}
# (prefix, agency code, category name, counters, demand weight)
CATEGORIES = [
    ("A", "DISPENDUKCAPIL", "Dispendukcapil · KTP-el, KK, akta", 4, 30),
    ("B", "DPMPTSP", "DPMPTSP · Perizinan dan OSS", 2, 10),
    ("C", "POLRESTA-BWI", "Polresta · SKCK", 2, 12),
    ("D", "DINKES", "Dinas Kesehatan", 1, 4),
    ("E", "DISNAKERTRANSPERIN", "Disnakertransperin · Kartu kuning", 1, 5),
    ("F", "KEMENAG", "Kementerian Agama", 1, 3),
    ("G", "BPJS-KESEHATAN", "BPJS Kesehatan", 2, 9),
    ("H", "DINSOS-PPKB", "Dinsos PPKB · Sosial dan KB", 1, 4),
    ("J", "BAPENDA", "Bapenda · PBB dan BPHTB", 2, 7),
    ("K", "IMIGRASI", "Imigrasi · Paspor", 2, 6),
    ("L", "BPJS-KETENAGAKERJAAN", "BPJS Ketenagakerjaan", 1, 4),
    ("M", "PUDAM", "PUDAM · Air minum", 1, 3),
]
SITE_MANAGER = ("manajer.mpp", "Yuliana Puspitasari")
VILLAGE_COUNTER_OFFICER = ("loket.tamansari", "Ahmad Fauzi")


def _officer_name(rng: random.Random) -> str:
    first = [
        "Andi",
        "Ratna",
        "Eko",
        "Sri",
        "Dimas",
        "Wulan",
        "Fajar",
        "Intan",
        "Bayu",
        "Nur",
        "Rizky",
        "Lestari",
    ]
    last = ["Pratama", "Wahyuni", "Saputra", "Handayani", "Nugroho", "Rahayu", "Kurniawan", "Anggraini"]
    return f"{rng.choice(first)} {rng.choice(last)}"


def _staff(username: str, full_name: str, password_hash: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = staff_user_create(
            actor=None, username=username, full_name=full_name, email=f"{username}@pintu.demo"
        )
        User.objects.filter(pk=user.pk).update(password=password_hash)
    return user


def _grant(user, role, unit) -> None:
    if not RoleAssignment.objects.filter(
        user=user, role=role, org_unit=unit, revoked_at__isnull=True
    ).exists():
        role_assign(actor=None, user=user, role=role, org_unit=unit)


def _aware(day: dt.date, minutes: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(0)) + dt.timedelta(minutes=minutes))


def _simulate_day(site, day, counters, officers, kiosk, rng, *, until=None, arrivals=90, categories=None):
    """Tickets of one day: arrivals spread over the opening hours (more in the morning), served
    by the open counters in 5-minute steps; stops at ``until`` (today), leaving the rest waiting."""
    hours = qs.site_hours_on(site, day)
    if hours is None:
        return 0
    start = hours[0].hour * 60 + hours[0].minute
    end = hours[1].hour * 60 + hours[1].minute
    cats = categories or list(site.categories.filter(is_active=True))
    weights = [next((w for p, _a, _n, _c, w in CATEGORIES if p == c.prefix), 5) for c in cats]
    # A morning rush: most people come in the first hours, as at every MPP.
    times = sorted(int(start + (end - start - 20) * rng.random() ** 2.2) for _ in range(arrivals))
    limit = None if until is None else int((until - _aware(day, 0)).total_seconds() // 60)
    pending = [(t, rng.choices(cats, weights)[0], rng.random()) for t in times]
    free_at = {c.pk: start + rng.randint(0, 10) for c in counters}
    made = 0
    tick = start
    while tick < end and (limit is None or tick <= limit):
        while pending and pending[0][0] <= tick:
            t, category, luck = pending.pop(0)
            with clock(_aware(day, t)):
                priority = "elderly" if luck < 0.06 else ("pregnant" if luck < 0.09 else "")
                qs.ticket_take(actor=None, site=site, category=category, priority_group=priority, kiosk=kiosk)
            made += 1
        for counter in counters:
            if free_at[counter.pk] > tick:
                continue
            officer = officers[counter.pk]
            with clock(_aware(day, tick)):
                ticket = qs.ticket_call_next(actor=officer, counter=counter)
            if ticket is None:
                free_at[counter.pk] = tick + 5
                continue
            if rng.random() < 0.05:  # nobody comes: recalled until no-show
                for minute in range(site.recall_limit + 1):
                    with clock(_aware(day, tick + 1 + minute)):
                        qs.ticket_recall(actor=officer, ticket=ticket)
                free_at[counter.pk] = tick + site.recall_limit + 2
                continue
            service = max(3, int(rng.gauss(11, 4)))
            with clock(_aware(day, tick + 1)):
                qs.ticket_start_serving(actor=officer, ticket=ticket)
            finished_at = tick + 1 + service
            if limit is not None and finished_at > limit:
                free_at[counter.pk] = end  # still serving now
                continue
            with clock(_aware(day, finished_at)):
                outcome = rng.choice(
                    [TicketOutcome.COMPLETED] * 5 + [TicketOutcome.INFORMATION, TicketOutcome.INCOMPLETE]
                )
                qs.ticket_finish(actor=officer, ticket=ticket, outcome=outcome)
            free_at[counter.pk] = finished_at
        tick += 5
    return made


def _recent_open_days(site, today: dt.date, count: int) -> list[dt.date]:
    days, day = [], today - dt.timedelta(days=1)
    while len(days) < count and (today - day).days < 30:
        if qs.site_hours_on(site, day):
            days.append(day)
        day -= dt.timedelta(days=1)
    return sorted(days)


def _seed_mpp(stdout, password_hash, rng) -> None:
    unit = OrgUnit.objects.filter(code=MPP_CODE).first()
    if unit is None:
        stdout.write(f"  {MPP_CODE} belum ada: jalankan demo_setup dasar dulu.")
        return
    site = qs.site_configure(
        actor=None,
        org_unit=unit,
        opening_hours=MPP_HOURS,
        wait_target_minutes=30,
        recall_limit=2,
        late_window_minutes=15,
    )
    agencies = {u.code: u for u in OrgUnit.objects.filter(code__in=[c[1] for c in CATEGORIES])}
    categories, counters, officers = {}, [], {}
    number = 0
    manager = _staff(*SITE_MANAGER, password_hash)
    _grant(manager, Role.SITE_MANAGER, unit)
    for position, (prefix, agency_code, name, _count, _weight) in enumerate(CATEGORIES):
        agency = agencies.get(agency_code)
        if agency is None:
            continue
        services = list(Service.objects.filter(agency=agency, published_version__isnull=False))
        categories[prefix] = qs.category_define(
            actor=None,
            site=site,
            prefix=prefix,
            name=name,
            agency=agency,
            services=services,
            position=position,
        )
    prefixes = list(categories)
    for prefix, agency_code, _name, counter_count, _weight in CATEGORIES:
        if prefix not in categories:
            continue
        for _ in range(counter_count):
            number += 1
            helpers = (
                [categories[p] for p in prefixes if p != prefix][number % 3 : number % 3 + 1]
                if counter_count > 1
                else []
            )
            counter = qs.counter_define(
                actor=None, site=site, number=number, categories=[categories[prefix], *helpers]
            )
            officer = _staff(f"petugas.loket{number:02d}", _officer_name(rng), password_hash)
            _grant(officer, Role.COUNTER_OFFICER, unit)
            # MPP counters are staffed by the agencies: the officer may open its agency's cases.
            _grant(officer, Role.AGENCY_FRONT_OFFICE, agencies[agency_code])
            counters.append(counter)
            officers[counter.pk] = officer
    today = timezone.localdate()
    qs.timeslots_generate(
        actor=None, site=site, date_from=today, date_to=today + dt.timedelta(days=13), quota=4
    )
    for counter in counters:
        if counter.current_officer_id != officers[counter.pk].pk and counter.current_officer_id is None:
            qs.counter_open(actor=officers[counter.pk], counter=counter)
    kiosk = site.kiosks.filter(revoked_at__isnull=True).first() or qs.kiosk_open(
        actor=manager, site=site, name="Kios lobi"
    )
    made = 0
    # History is served by one counter per category (the others open later in the day).
    first = {}
    for counter in counters:
        first.setdefault(counter.categories.order_by("countercategory__position").first().pk, counter)
    day_counters = list(first.values())
    for day in _recent_open_days(site, today, 3):
        if not Ticket.objects.filter(site=site, service_date=day).exists():
            made += _simulate_day(site, day, day_counters, officers, kiosk, rng, arrivals=rng.randint(50, 60))
    now = timezone.now()
    if qs.site_hours_on(site, today) and not Ticket.objects.filter(site=site, service_date=today).exists():
        hours = qs.site_hours_on(site, today)
        opening = _aware(today, hours[0].hour * 60 + hours[0].minute)
        closing = _aware(today, hours[1].hour * 60 + hours[1].minute)
        until = min(max(now, opening + dt.timedelta(hours=2)), closing - dt.timedelta(minutes=10))
        made += _simulate_day(site, today, day_counters, officers, kiosk, rng, until=until, arrivals=60)
        # A morning rush that is still waiting, and a few counters calling "now", so the board,
        # the overview and the ticket pages have something to show.
        moment = min(until, now) if now > opening else until
        cats = list(categories.values())
        weights = [w for p, _a, _n, _c, w in CATEGORIES if p in categories]
        for i in range(24):
            with clock(moment - dt.timedelta(minutes=24 - i)):
                qs.ticket_take(actor=None, site=site, category=rng.choices(cats, weights)[0], kiosk=kiosk)
                made += 1
        with clock(moment):
            for counter in counters[:6]:
                if not Ticket.objects.filter(
                    counter=counter, status__in=[TicketStatus.CALLED, TicketStatus.SERVING]
                ).exists():
                    qs.ticket_call_next(actor=officers[counter.pk], counter=counter)
    _demo_booking(site, categories.get("A"), today)
    stdout.write(
        f"  {site.org_unit.name}: {len(categories)} kategori, {Counter.objects.filter(site=site).count()} loket, "
        f"{made} tiket contoh."
    )


def _demo_booking(site, category, today) -> None:
    citizen = User.objects.filter(email__iexact=CITIZEN_EMAIL).first()
    if citizen is None or category is None or site.bookings.filter(citizen=citizen).exists():
        return
    now = timezone.now()
    slot = (
        TimeSlot.objects.filter(category=category, date__gt=today, start__gte=dt.time(9), booked_count__lt=1)
        .order_by("date", "start")
        .first()
    )
    if slot is not None and timezone.make_aware(dt.datetime.combine(slot.date, slot.start)) > now:
        qs.booking_create(actor=citizen, slot=slot)


def _seed_village(stdout, password_hash, rng) -> None:
    unit = OrgUnit.objects.filter(code=f"DESA-{DEMO_VILLAGE}").first()
    if unit is None:
        return
    site = qs.site_configure(actor=None, org_unit=unit, opening_hours=VILLAGE_HOURS, wait_target_minutes=20)
    a = qs.category_define(actor=None, site=site, prefix="A", name="Surat dan administrasi desa", position=0)
    b = qs.category_define(
        actor=None, site=site, prefix="B", name="Smart Kampung: layanan instansi", position=1
    )
    officer = _staff(*VILLAGE_COUNTER_OFFICER, password_hash)
    _grant(officer, Role.COUNTER_OFFICER, unit)
    counter = qs.counter_define(actor=None, site=site, number=1, categories=[a, b], name="Meja layanan")
    qs.counter_define(actor=None, site=site, number=2, categories=[b, a], name="Meja Smart Kampung")
    if counter.current_officer_id is None:
        qs.counter_open(actor=officer, counter=counter)
    today = timezone.localdate()
    kiosk = site.kiosks.filter(revoked_at__isnull=True).first() or qs.kiosk_open(
        actor=officer, site=site, name="Kios balai desa"
    )
    made = 0
    for day in _recent_open_days(site, today, 3):
        if not Ticket.objects.filter(site=site, service_date=day).exists():
            made += _simulate_day(
                site, day, [counter], {counter.pk: officer}, kiosk, rng, arrivals=14, categories=[a, b]
            )
    if qs.site_hours_on(site, today) and not Ticket.objects.filter(site=site, service_date=today).exists():
        hours = qs.site_hours_on(site, today)
        opening = _aware(today, hours[0].hour * 60)
        closing = _aware(today, hours[1].hour * 60)
        until = min(max(timezone.now(), opening + dt.timedelta(hours=2)), closing - dt.timedelta(minutes=10))
        made += _simulate_day(
            site,
            today,
            [counter],
            {counter.pk: officer},
            kiosk,
            rng,
            until=until,
            arrivals=12,
            categories=[a, b],
        )
    stdout.write(f"  {unit.name}: 2 kategori, 2 meja, {made} tiket contoh.")


def seed_demo(*, stdout) -> None:
    """Antrian: MPP Banyuwangi (12 instansi, 20 loket) dan meja layanan Desa Tamansari."""
    rng = random.Random(2017)
    password_hash = make_password(DEMO_PASSWORD)
    _seed_mpp(stdout, password_hash, rng)
    _seed_village(stdout, password_hash, rng)
