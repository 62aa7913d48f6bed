"""Working days across weekends, national holidays, cuti bersama, regency days off and year ends."""

import datetime as dt

import pytest

from pintu.core.calendar import WorkCalendar, national_holiday_names
from pintu.core.models import DayOff

D = dt.date
NONE = set()

ADD_CASES = [
    # start, days, expected, why
    (D(2026, 11, 27), 1, D(2026, 11, 30), "Friday + 1 skips the weekend"),
    (D(2026, 11, 28), 1, D(2026, 11, 30), "a Saturday start counts from Monday"),
    (D(2026, 11, 30), 0, D(2026, 11, 30), "zero days is the same day"),
    (D(2026, 11, 30), 5, D(2026, 12, 7), "a plain working week"),
    (D(2025, 12, 24), 1, D(2025, 12, 29), "Christmas 25 Dec and cuti bersama 26 Dec 2025"),
    (D(2025, 12, 31), 1, D(2026, 1, 2), "year end: 1 Jan 2026 is a holiday"),
    (D(2026, 12, 23), 2, D(2026, 12, 29), "cuti bersama 24 Dec and Christmas 25 Dec 2026"),
    (D(2026, 12, 31), 1, D(2027, 1, 4), "year end: 1 Jan 2027 (Friday) is a holiday"),
    (D(2026, 3, 17), 1, D(2026, 3, 25), "Nyepi and Idul Fitri 2026 with cuti bersama 18, 20, 23, 24 March"),
    (D(2026, 5, 13), 1, D(2026, 5, 18), "Ascension 14 May and cuti bersama 15 May 2026"),
    (D(2026, 8, 14), 1, D(2026, 8, 18), "Independence Day 17 Aug 2026 (Monday)"),
    (D(2026, 12, 21), 10, D(2027, 1, 8), "ten days across Christmas, new year and Isra Mi'raj 5 Jan 2027"),
]


@pytest.mark.parametrize(("start", "days", "expected", "why"), ADD_CASES, ids=[c[3] for c in ADD_CASES])
def test_add_working_days(start, days, expected, why):
    assert WorkCalendar("35.10", extra_days_off=NONE).add_working_days(start, days) == expected


BETWEEN_CASES = [
    (D(2026, 11, 30), D(2026, 11, 30), 0),
    (D(2026, 11, 27), D(2026, 11, 30), 1),
    (D(2026, 3, 17), D(2026, 3, 25), 1),
    (D(2025, 12, 24), D(2026, 1, 2), 4),  # 29, 30, 31 Dec and 2 Jan
    (D(2026, 12, 1), D(2026, 11, 1), 0),
]


@pytest.mark.parametrize(("start", "end", "expected"), BETWEEN_CASES)
def test_working_days_between(start, end, expected):
    assert WorkCalendar("35.10", extra_days_off=NONE).working_days_between(start, end) == expected


def test_add_and_between_agree():
    calendar = WorkCalendar("35.10", extra_days_off=NONE)
    start = D(2026, 1, 1)
    for days in range(0, 60):
        end = calendar.add_working_days(start, days)
        assert calendar.working_days_between(start, end) == days
        assert days == 0 or calendar.is_working_day(end)


@pytest.mark.django_db
def test_regency_day_off_counts():
    DayOff.objects.create(regency_code="35.10", date=D(2026, 12, 18), name="Hari Jadi Banyuwangi")
    DayOff.objects.create(regency_code="35.09", date=D(2026, 12, 21), name="another regency's day")
    calendar = WorkCalendar("35.10")
    assert not calendar.is_working_day(D(2026, 12, 18))
    assert calendar.add_working_days(D(2026, 12, 17), 1) == D(2026, 12, 21)
    assert WorkCalendar("35.09").add_working_days(D(2026, 12, 17), 1) == D(2026, 12, 18)


def test_holiday_names_are_indonesian():
    names = national_holiday_names(2026)
    assert names[D(2026, 8, 17)] == "Hari Kemerdekaan Republik Indonesia"
    assert any("Cuti Bersama" in name for name in names.values())


def test_negative_days_rejected():
    with pytest.raises(ValueError):
        WorkCalendar("35.10", extra_days_off=NONE).add_working_days(D(2026, 1, 5), -1)
