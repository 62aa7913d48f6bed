"""Working days: Monday–Friday minus Indonesian national holidays, cuti bersama and the
regency's own days off.

National holidays and cuti bersama come from the maintained ``holidays`` library (country ID,
categories *public* and *government*; the latter holds cuti bersama set by the joint ministerial
decree). Regency days off are rows of :class:`pintu.core.models.DayOff`.

Conventions, used by every SLA in Pintu:

* ``add_working_days(start, n)`` is the *n*-th working day after ``start``; ``start`` itself is
  never counted, so a case submitted on Friday with a 1-day limit is due on Monday.
* ``working_days_between(a, b)`` counts working days ``d`` with ``a < d <= b``.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays
from django.conf import settings

from pintu.core.ttlcache import ttl_cache

MAX_SPAN_DAYS = 3660


@lru_cache(maxsize=64)
def _national(year: int) -> frozenset[dt.date]:
    calendar = holidays.country_holidays("ID", years=year, categories=(holidays.PUBLIC, holidays.GOVERNMENT))
    return frozenset(calendar.keys())


def national_holiday_names(year: int, language: str = "id") -> dict[dt.date, str]:
    calendar = holidays.country_holidays(
        "ID", years=year, categories=(holidays.PUBLIC, holidays.GOVERNMENT), language=language
    )
    return dict(sorted(calendar.items()))


@ttl_cache(60)
def regency_days_off(regency_code: str, year: int) -> frozenset[dt.date]:
    from pintu.core.models import DayOff

    return frozenset(
        DayOff.objects.filter(regency_code=regency_code, date__year=year).values_list("date", flat=True)
    )


class WorkCalendar:
    """Working-day arithmetic for one regency; load once per operation, reuse for many dates."""

    def __init__(self, regency_code: str | None = None, extra_days_off: set[dt.date] | None = None):
        self.regency_code = regency_code or settings.PINTU_REGENCY_CODE
        self._extra = extra_days_off
        self._local_cache: dict[int, frozenset[dt.date]] = {}

    def _local(self, year: int) -> frozenset[dt.date]:
        if self._extra is not None:
            return frozenset(d for d in self._extra if d.year == year)
        if year not in self._local_cache:
            self._local_cache[year] = regency_days_off(self.regency_code, year)
        return self._local_cache[year]

    def is_working_day(self, day: dt.date) -> bool:
        if day.weekday() >= 5:
            return False
        return day not in _national(day.year) and day not in self._local(day.year)

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        if days < 0:
            raise ValueError("days must be >= 0")
        current = start
        remaining = days
        for _ in range(MAX_SPAN_DAYS):
            if remaining == 0:
                return current
            current += dt.timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
        raise ValueError("working-day span too long")

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        if end <= start:
            return 0
        if (end - start).days > MAX_SPAN_DAYS:
            raise ValueError("working-day span too long")
        count = 0
        current = start
        while current < end:
            current += dt.timedelta(days=1)
            if self.is_working_day(current):
                count += 1
        return count
