"""Reads of the queue: board state, a ticket's public status, the site overview and statistics.
Every function is a fixed handful of queries, whatever the number of tickets."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Avg, Count, F, Min, Q, Sum
from django.db.models.functions import ExtractHour
from django.utils import timezone

from pintu.core.errors import NotFound
from pintu.queueing.constants import ACTIVE_STATUSES, TicketStatus
from pintu.queueing.models import Counter, CounterCategory, QueueSite, Ticket, TicketCategory
from pintu.queueing.spoken import announcement

DEFAULT_SERVICE_SECONDS = 300  # until a category has served tickets of its own
ANNOUNCE_WINDOW = dt.timedelta(seconds=90)


def site_by_code(code: str) -> QueueSite:
    site = (
        QueueSite.objects.select_related("org_unit__regency")
        .filter(org_unit__code=code, is_active=True)
        .first()
    )
    if site is None:
        raise NotFound("Lokasi antrian tidak ditemukan.", code="queue.site_not_found")
    return site


def active_sites():
    return (
        QueueSite.objects.select_related("org_unit")
        .filter(is_active=True)
        .order_by("org_unit__kind", "org_unit__name")
    )


def categories_of(site: QueueSite):
    return list(TicketCategory.objects.filter(site=site, is_active=True).order_by("position", "prefix"))


# --- display board ------------------------------------------------------------------------------------


def board_version(site_id: int) -> int:
    """Changes with every call, recall, finish… at the site (one aggregate over ~20 rows)."""
    return Counter.objects.filter(site_id=site_id).aggregate(v=Sum("board_version"))["v"] or 0


def board_state(site: QueueSite) -> dict:
    """What the board shows: only numbers and counters, never a name."""
    now = timezone.now()
    today = timezone.localdate(now)
    version = board_version(site.pk)
    counters = list(
        Counter.objects.filter(site=site, is_active=True)
        .order_by("number")
        .values("pk", "number", "name", "current_officer_id")
    )
    active = {
        row["counter_id"]: row
        for row in Ticket.objects.filter(site=site, service_date=today, status__in=ACTIVE_STATUSES).values(
            "pk", "counter_id", "display_number", "status", "called_at", "recall_count"
        )
    }
    numbers = {c["pk"]: c["number"] for c in counters}
    recent = list(
        Ticket.objects.filter(site=site, service_date=today, called_at__isnull=False, counter__isnull=False)
        .order_by("-called_at")
        .values("pk", "display_number", "counter_id", "called_at", "recall_count", "status")[:8]
    )
    waiting = dict(
        Ticket.objects.filter(site=site, service_date=today, status=TicketStatus.WAITING)
        .values_list("category__prefix")
        .annotate(n=Count("id"))
        .values_list("category__prefix", "n")
    )
    announcements = [
        {
            "key": f"{row['pk']}-{row['recall_count']}-{int(row['called_at'].timestamp())}",
            "number": row["display_number"],
            "counter": numbers.get(row["counter_id"]),
            "text": announcement(row["display_number"], numbers.get(row["counter_id"]) or 0),
        }
        for row in active.values()
        if row["status"] == TicketStatus.CALLED
        and row["called_at"]
        and now - row["called_at"] < ANNOUNCE_WINDOW
    ]
    announcements.sort(key=lambda a: a["key"])
    return {
        "version": version,
        "site": site.org_unit.display_name,
        "counters": [
            {
                "number": c["number"],
                "label": c["name"] or f"Loket {c['number']}",
                "open": c["current_officer_id"] is not None,
                "ticket": active.get(c["pk"], {}).get("display_number"),
                "status": active.get(c["pk"], {}).get("status"),
            }
            for c in counters
        ],
        "recent": [
            {"number": r["display_number"], "counter": numbers.get(r["counter_id"]), "status": r["status"]}
            for r in recent
        ],
        "waiting": [
            {"prefix": c.prefix, "name": c.name, "waiting": waiting.get(c.prefix, 0)}
            for c in categories_of(site)
        ],
        "announcements": announcements,
        "at": now.isoformat(),
    }


# --- a ticket's public status -------------------------------------------------------------------------


@dataclass
class TicketStatusView:
    ticket: Ticket
    ahead: int
    estimated_minutes: int | None
    counter_number: int | None


def average_service_seconds(category_id: int) -> int:
    since = timezone.localdate() - dt.timedelta(days=14)
    recent = list(
        Ticket.objects.filter(
            category_id=category_id,
            status=TicketStatus.DONE,
            service_date__gte=since,
            service_seconds__isnull=False,
        )
        .order_by("-served_finished_at")
        .values_list("service_seconds", flat=True)[:30]
    )
    return int(sum(recent) / len(recent)) if recent else DEFAULT_SERVICE_SECONDS


def ticket_status(public_code: str) -> TicketStatusView:
    ticket = (
        Ticket.objects.select_related("category", "site__org_unit", "counter")
        .filter(public_code=(public_code or "").strip().upper())
        .first()
    )
    if ticket is None:
        raise NotFound(
            "Tiket tidak ditemukan. Periksa kode pada kertas antrian.", code="queue.ticket_not_found"
        )
    ahead, minutes = 0, None
    if ticket.status == TicketStatus.WAITING:
        before = Q(arrived_at__lt=ticket.arrived_at) | Q(arrived_at=ticket.arrived_at, pk__lt=ticket.pk)
        if ticket.priority_group:
            before &= ~Q(priority_group="")
        else:
            before |= ~Q(priority_group="")
        ahead = (
            Ticket.objects.filter(
                category_id=ticket.category_id, service_date=ticket.service_date, status=TicketStatus.WAITING
            )
            .filter(before)
            .exclude(pk=ticket.pk)
            .count()
        )
        counters = (
            CounterCategory.objects.filter(
                category_id=ticket.category_id, counter__current_officer__isnull=False
            )
            .values("counter_id")
            .distinct()
            .count()
        )
        minutes = round((ahead + 1) * average_service_seconds(ticket.category_id) / max(counters, 1) / 60)
    return TicketStatusView(
        ticket=ticket,
        ahead=ahead,
        estimated_minutes=minutes,
        counter_number=ticket.counter.number if ticket.counter_id else None,
    )


# --- counter page ------------------------------------------------------------------------------------------


def counters_for(site: QueueSite):
    return list(
        Counter.objects.filter(site=site, is_active=True)
        .select_related("current_officer")
        .prefetch_related("categories")
        .order_by("number")
    )


def counter_current_ticket(counter: Counter) -> Ticket | None:
    return (
        Ticket.objects.select_related("category", "case")
        .filter(counter=counter, status__in=ACTIVE_STATUSES)
        .first()
    )


def parked_tickets(site: QueueSite, limit: int = 30):
    return list(
        Ticket.objects.select_related("category", "counter")
        .filter(site=site, service_date=timezone.localdate(), status=TicketStatus.PARKED)
        .order_by("arrived_at")[:limit]
    )


def waiting_for_counter(counter: Counter, limit: int = 10):
    from pintu.queueing.services import _waiting_for

    return list(_waiting_for(counter, timezone.now()).select_related("category")[:limit])


# --- overview and statistics ----------------------------------------------------------------------------


def site_overview(site: QueueSite) -> dict:
    now = timezone.now()
    today = timezone.localdate(now)
    per_category = {
        row["category_id"]: row
        for row in Ticket.objects.filter(site=site, service_date=today)
        .values("category_id")
        .annotate(
            waiting=Count("id", filter=Q(status=TicketStatus.WAITING)),
            oldest=Min("arrived_at", filter=Q(status=TicketStatus.WAITING)),
            done=Count("id", filter=Q(status=TicketStatus.DONE)),
            no_show=Count("id", filter=Q(status=TicketStatus.NO_SHOW)),
            avg_wait=Avg("wait_seconds"),
        )
    }
    categories = []
    for category in categories_of(site):
        row = per_category.get(category.pk, {})
        oldest = row.get("oldest")
        categories.append(
            {
                "category": category,
                "waiting": row.get("waiting", 0),
                "longest_minutes": int((now - oldest).total_seconds() // 60) if oldest else 0,
                "done": row.get("done", 0),
                "no_show": row.get("no_show", 0),
                "avg_wait_minutes": round((row.get("avg_wait") or 0) / 60),
            }
        )
    active = {
        t.counter_id: t
        for t in Ticket.objects.filter(
            site=site, service_date=today, status__in=ACTIVE_STATUSES
        ).select_related("category")
    }
    counters = [
        {"counter": c, "ticket": active.get(c.pk), "officer": c.current_officer} for c in counters_for(site)
    ]
    longest = max((c["longest_minutes"] for c in categories), default=0)
    return {
        "categories": categories,
        "counters": counters,
        "waiting": sum(c["waiting"] for c in categories),
        "longest_minutes": longest,
        "over_target": longest > site.wait_target_minutes,
        "open_counters": sum(1 for c in counters if c["officer"]),
        "version": board_version(site.pk),
    }


GROUPINGS = {
    "category": ("category__prefix", "category__name"),
    "counter": ("counter__number", "counter__name"),
    "officer": ("officer__username", "officer__full_name"),
    "day": ("service_date",),
    "hour": ("hour",),
}


def site_statistics(site: QueueSite, *, date_from: dt.date, date_to: dt.date, by: str) -> list[dict]:
    """One aggregate query: per group, tickets, served, no-show rate, average waiting and
    service time (minutes) and the share waiting longer than the site's target."""
    keys = GROUPINGS[by]
    target = site.wait_target_minutes * 60
    queryset = Ticket.objects.filter(site=site, service_date__gte=date_from, service_date__lte=date_to)
    if by == "hour":
        queryset = queryset.annotate(hour=ExtractHour("arrived_at"))
    rows = (
        queryset.values(*keys)
        .annotate(
            tickets=Count("id"),
            served=Count("id", filter=Q(status=TicketStatus.DONE)),
            no_show=Count("id", filter=Q(status=TicketStatus.NO_SHOW)),
            called=Count("id", filter=Q(wait_seconds__isnull=False)),
            above_target=Count("id", filter=Q(wait_seconds__gt=target)),
            avg_wait=Avg("wait_seconds"),
            avg_service=Avg("service_seconds"),
        )
        .order_by(*keys)
    )
    result = []
    for row in rows:
        label = " · ".join(str(row[k]) for k in keys if row.get(k) not in (None, ""))
        if by == "counter" and row.get("counter__number") is None:
            label = "—"
        if by == "hour":
            label = f"{row['hour']:02d}.00" if row["hour"] is not None else "—"
        if by == "officer" and row.get("officer__username") is None:
            label = "—"
        result.append(
            {
                "label": label,
                "tickets": row["tickets"],
                "served": row["served"],
                "no_show": row["no_show"],
                "no_show_rate": round(100 * row["no_show"] / row["called"], 1) if row["called"] else 0.0,
                "avg_wait_minutes": round((row["avg_wait"] or 0) / 60, 1),
                "avg_service_minutes": round((row["avg_service"] or 0) / 60, 1),
                "above_target_share": round(100 * row["above_target"] / row["called"], 1)
                if row["called"]
                else 0.0,
            }
        )
    return result


def statistics_totals(rows: list[dict]) -> dict:
    tickets = sum(r["tickets"] for r in rows)
    return {
        "tickets": tickets,
        "served": sum(r["served"] for r in rows),
        "no_show": sum(r["no_show"] for r in rows),
    }


__all__ = ["F"]
