"""Working-calendar arithmetic: table-driven edge cases from PTSA.md, then properties.

The holidays here are written out (2026 as the `holidays` package 0.109 gives them, plus 1 Jan 2027)
so these tests do not move when the package's data does; test_calendar_holidays.py checks the package.
"""

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st


from intranet_server.rules.calendar import (
    DEFAULT_HOURS,
    MAX_IDLE_DAYS,
    RAMADAN_HOURS,
    CalendarError,
    Holiday,
    SpecialPeriod,
    WeeklyHours,
    WorkingCalendar,
)

WIB = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")
WIT = ZoneInfo("Asia/Jayapura")

PUBLIC_2026 = [
    (date(2026, 1, 1), "Tahun Baru Masehi"),
    (date(2026, 1, 16), "Isra Mikraj"),
    (date(2026, 2, 17), "Tahun Baru Imlek"),
    (date(2026, 3, 19), "Nyepi"),
    (date(2026, 3, 21), "Idul Fitri"),
    (date(2026, 3, 22), "Idul Fitri hari kedua"),
    (date(2026, 4, 3), "Wafat Yesus Kristus"),
    (date(2026, 4, 5), "Paskah"),
    (date(2026, 5, 1), "Hari Buruh"),
    (date(2026, 5, 14), "Kenaikan Yesus Kristus"),
    (date(2026, 5, 27), "Idul Adha"),
    (date(2026, 5, 31), "Waisak"),
    (date(2026, 6, 1), "Hari Lahir Pancasila"),
    (date(2026, 6, 16), "Tahun Baru Islam"),
    (date(2026, 8, 17), "Hari Kemerdekaan"),
    (date(2026, 8, 25), "Maulid Nabi"),
    (date(2026, 12, 25), "Natal"),
    (date(2027, 1, 1), "Tahun Baru Masehi"),
]
CUTI_2026 = [
    date(2026, 2, 16),
    date(2026, 3, 18),
    date(2026, 3, 20),
    date(2026, 3, 23),
    date(2026, 3, 24),
    date(2026, 5, 15),
    date(2026, 5, 28),
    date(2026, 12, 24),
]
HOLIDAYS = [Holiday(d, n, "public") for d, n in PUBLIC_2026] + [
    Holiday(d, "Cuti bersama", "cuti_bersama") for d in CUTI_2026
]

CAL = WorkingCalendar(holidays=HOLIDAYS)
# 1 Ramadan 1447 H = 19 Feb 2026 in Indonesia; Idul Fitri 21 Mar, so Ramadan hours run to 20 Mar.
RAMADAN = SpecialPeriod(date(2026, 2, 19), date(2026, 3, 20), RAMADAN_HOURS)
CAL_RAMADAN = WorkingCalendar(holidays=HOLIDAYS, special_periods=[RAMADAN])
CAL_WITA = WorkingCalendar(tz="Asia/Makassar", holidays=HOLIDAYS)
CAL_WIT = WorkingCalendar(tz="Asia/Jayapura", holidays=HOLIDAYS)
CAL_OPEN_CUTI = WorkingCalendar(holidays=HOLIDAYS, open_on_cuti_bersama=True)
CAL_24_7 = WorkingCalendar(holidays=HOLIDAYS, always_open=True)
NO_HOURS = WeeklyHours(((),) * 7)


def wib(y, mo, d, h=0, mi=0, s=0):
    return datetime(y, mo, d, h, mi, s, tzinfo=WIB)


def m(n):
    return timedelta(minutes=n)


# ---- hours tables --------------------------------------------------------------------------------


def test_default_and_ramadan_weekly_totals():
    assert DEFAULT_HOURS.weekly_total() == timedelta(hours=37, minutes=30)
    assert RAMADAN_HOURS.weekly_total() == timedelta(hours=32, minutes=30)
    assert DEFAULT_HOURS.on(4) == ((time(7, 30), time(11, 30)), (time(13), time(16, 30)))
    assert DEFAULT_HOURS.on(5) == DEFAULT_HOURS.on(6) == ()
    # every day of both tables starts at the regulated hour
    assert {d[0][0] for d in DEFAULT_HOURS.days if d} == {time(7, 30)}
    assert {d[0][0] for d in RAMADAN_HOURS.days if d} == {time(8)}


def test_weekly_hours_accepts_strings_and_sorts():
    wh = WeeklyHours.from_dict({0: [("13:00", "16:00"), ("07:30", "12:00")]})
    assert wh.on(0) == ((time(7, 30), time(12)), (time(13), time(16)))
    assert wh.on(1) == ()


@pytest.mark.parametrize(
    "build, message",
    [
        (lambda: WeeklyHours.from_dict({0: [("12:00", "08:00")]}), "start < end"),
        (lambda: WeeklyHours.from_dict({0: [("08:00", "08:00")]}), "start < end"),
        (lambda: WeeklyHours.from_dict({0: [("08:00", "12:00"), ("11:00", "13:00")]}), "overlaps"),
        (lambda: WeeklyHours.from_dict({0: [("8h", "12:00")]}), "not a time"),
        (lambda: WeeklyHours.from_dict({0: [("08:00",)]}), "pair"),
        (lambda: WeeklyHours.from_dict({7: [("08:00", "12:00")]}), "weekdays"),
        (lambda: WeeklyHours(((),) * 6), "7 weekdays"),
        (lambda: WorkingCalendar(tz="Asia/Nowhere"), "unknown time zone"),
        (lambda: WorkingCalendar(holidays=[(date(2026, 1, 1), "x")]), "Holiday"),
        (lambda: WorkingCalendar(special_periods=[(date(2026, 1, 1), date(2026, 2, 1))]), "special period"),
        (lambda: Holiday(date(2026, 1, 1), "x", "bank"), "kind"),
        (lambda: SpecialPeriod(date(2026, 3, 2), date(2026, 3, 1), RAMADAN_HOURS), "after last"),
        (
            lambda: WorkingCalendar(
                special_periods=[
                    (date(2026, 3, 1), date(2026, 3, 10), RAMADAN_HOURS),
                    (date(2026, 3, 10), date(2026, 3, 20), RAMADAN_HOURS),
                ]
            ),
            "overlap",
        ),
        (
            lambda: WorkingCalendar(extra_closed={date(2026, 3, 2)}, extra_open={date(2026, 3, 2)}),
            "both",
        ),
    ],
)
def test_malformed_calendars_rejected_at_construction(build, message):
    with pytest.raises(CalendarError, match=message):
        build()


def test_touching_intervals_are_allowed():
    wh = WeeklyHours.from_dict({0: [("08:00", "12:00"), ("12:00", "13:00")]})
    cal = WorkingCalendar(weekly_hours=wh)
    assert cal.add_working_time(wib(2026, 3, 2, 11, 50), m(20)) == wib(2026, 3, 2, 12, 10)


# ---- add_working_time ----------------------------------------------------------------------------

# 2026: Mon 2 Mar .. Fri 6 Mar is an ordinary week; 18-24 Mar is the Nyepi + Idul Fitri block.
ADD_CASES = [
    ("before opening", wib(2026, 3, 2, 6, 0), m(15), wib(2026, 3, 2, 7, 45)),
    ("at opening", wib(2026, 3, 2, 7, 30), m(15), wib(2026, 3, 2, 7, 45)),
    ("after closing", wib(2026, 3, 2, 17, 0), m(15), wib(2026, 3, 3, 7, 45)),
    ("late night", wib(2026, 3, 2, 23, 59), m(15), wib(2026, 3, 3, 7, 45)),
    ("exactly at closing", wib(2026, 3, 2, 16, 0), m(15), wib(2026, 3, 3, 7, 45)),
    ("ends exactly at closing", wib(2026, 3, 2, 15, 30), m(30), wib(2026, 3, 2, 16, 0)),
    ("ends exactly at lunch", wib(2026, 3, 2, 11, 45), m(15), wib(2026, 3, 2, 12, 0)),
    ("inside lunch break", wib(2026, 3, 2, 12, 10), m(15), wib(2026, 3, 2, 13, 15)),
    ("straddles lunch", wib(2026, 3, 2, 11, 50), m(30), wib(2026, 3, 2, 13, 20)),
    ("Friday lunch is 90 min", wib(2026, 3, 6, 11, 20), m(30), wib(2026, 3, 6, 13, 20)),
    ("Friday 16:20 + 15 -> Monday 07:35", wib(2026, 3, 6, 16, 20), m(15), wib(2026, 3, 9, 7, 35)),
    ("Friday ends at 16:30", wib(2026, 3, 6, 16, 0), m(30), wib(2026, 3, 6, 16, 30)),
    ("Saturday start", wib(2026, 3, 7, 10, 0), m(30), wib(2026, 3, 9, 8, 0)),
    ("Sunday start", wib(2026, 3, 8, 15, 0), m(30), wib(2026, 3, 9, 8, 0)),
    ("public holiday start (1 Jan)", wib(2026, 1, 1, 10, 0), m(15), wib(2026, 1, 2, 7, 45)),
    ("Nyepi start, long block", wib(2026, 3, 19, 9, 0), m(60), wib(2026, 3, 25, 8, 30)),
    ("into the Idul Fitri block", wib(2026, 3, 17, 15, 50), m(30), wib(2026, 3, 25, 7, 50)),
    ("cuti bersama start", wib(2026, 5, 15, 9, 0), m(30), wib(2026, 5, 18, 8, 0)),
    ("one full day", wib(2026, 3, 2, 7, 30), timedelta(hours=7, minutes=30), wib(2026, 3, 2, 16, 0)),
    ("one day and a minute", wib(2026, 3, 2, 7, 30), timedelta(hours=7, minutes=31), wib(2026, 3, 3, 7, 31)),
    ("one full week", wib(2026, 3, 2, 7, 30), timedelta(hours=37, minutes=30), wib(2026, 3, 6, 16, 30)),
    ("one second", wib(2026, 3, 2, 15, 59, 59), timedelta(seconds=1), wib(2026, 3, 2, 16, 0)),
    ("Christmas block", wib(2026, 12, 23, 15, 0), m(120), wib(2026, 12, 28, 8, 30)),
    ("year rollover, 1 Jan 2027 off", wib(2026, 12, 31, 15, 30), m(120), wib(2027, 1, 4, 9, 0)),
]


@pytest.mark.parametrize(
    "start, duration, expected", [c[1:] for c in ADD_CASES], ids=[c[0] for c in ADD_CASES]
)
def test_add_working_time(start, duration, expected):
    due = CAL.add_working_time(start, duration)
    assert due == expected
    assert due.tzinfo is UTC
    assert CAL.working_time_between(start, due) == duration


def test_input_zone_does_not_matter():
    start = wib(2026, 3, 6, 16, 20)
    expected = wib(2026, 3, 9, 7, 35)
    for tz in (UTC, WITA, timezone(timedelta(hours=-5))):
        assert CAL.add_working_time(start.astimezone(tz), m(15)) == expected


@pytest.mark.parametrize("duration", [timedelta(0), m(-15), timedelta(microseconds=-1)])
def test_zero_or_negative_duration_rejected(duration):
    with pytest.raises(ValueError, match="positive"):
        CAL.add_working_time(wib(2026, 3, 2, 9), duration)
    with pytest.raises(ValueError, match="positive"):
        CAL_24_7.add_working_time(wib(2026, 3, 2, 9), duration)


def test_naive_datetimes_rejected():
    naive = datetime(2026, 3, 2, 9)
    calls = [
        lambda: CAL.add_working_time(naive, m(15)),
        lambda: CAL.working_time_between(naive, wib(2026, 3, 3)),
        lambda: CAL.working_time_between(wib(2026, 3, 1), naive),
        lambda: CAL.add_working_days(naive, 1),
        lambda: CAL.is_working_time(naive),
        lambda: CAL.next_opening(naive),
    ]
    for call in calls:
        with pytest.raises(ValueError, match="timezone-aware"):
            call()


def test_wrong_types_rejected():
    with pytest.raises(TypeError):
        CAL.add_working_time(wib(2026, 3, 2, 9), 15)
    with pytest.raises(TypeError):
        CAL.is_working_day(wib(2026, 3, 2, 9))
    with pytest.raises(TypeError):
        CAL.add_working_days(wib(2026, 3, 2, 9), 1.5)


# ---- add_working_days ----------------------------------------------------------------------------

DAYS_CASES = [
    ("PTSA.md example, morning", wib(2026, 3, 17, 9, 0), 3, wib(2026, 3, 27, 16, 30)),
    ("PTSA.md example, before opening", wib(2026, 3, 17, 0, 0), 3, wib(2026, 3, 27, 16, 30)),
    ("PTSA.md example, after closing", wib(2026, 3, 17, 23, 59), 3, wib(2026, 3, 27, 16, 30)),
    ("next day", wib(2026, 3, 2, 10, 0), 1, wib(2026, 3, 3, 16, 0)),
    ("arrival before opening still skipped", wib(2026, 3, 2, 6, 0), 1, wib(2026, 3, 3, 16, 0)),
    ("Thursday -> Friday closes 16:30", wib(2026, 3, 5, 10, 0), 1, wib(2026, 3, 6, 16, 30)),
    ("Friday -> Monday", wib(2026, 3, 6, 10, 0), 1, wib(2026, 3, 9, 16, 0)),
    ("Saturday -> Monday", wib(2026, 3, 7, 10, 0), 1, wib(2026, 3, 9, 16, 0)),
    ("Sunday -> Monday", wib(2026, 3, 8, 10, 0), 1, wib(2026, 3, 9, 16, 0)),
    ("holiday arrival", wib(2026, 3, 19, 10, 0), 1, wib(2026, 3, 25, 16, 0)),
    ("two weeks", wib(2026, 3, 2, 10, 0), 10, wib(2026, 3, 16, 16, 0)),
    ("Christmas", wib(2026, 12, 23, 10, 0), 1, wib(2026, 12, 28, 16, 0)),
    ("year rollover", wib(2026, 12, 31, 15, 0), 1, wib(2027, 1, 4, 16, 0)),
    # 23:30 UTC Monday is already Tuesday 06:30 in Jakarta: the local day is what counts
    ("local day, not UTC day", datetime(2026, 3, 2, 23, 30, tzinfo=UTC), 1, wib(2026, 3, 4, 16, 0)),
]


@pytest.mark.parametrize("arrival, n, expected", [c[1:] for c in DAYS_CASES], ids=[c[0] for c in DAYS_CASES])
def test_add_working_days(arrival, n, expected):
    due = CAL.add_working_days(arrival, n)
    assert due == expected
    assert due.tzinfo is UTC


@pytest.mark.parametrize("n", [0, -1])
def test_working_days_must_be_positive(n):
    with pytest.raises(ValueError, match="at least 1"):
        CAL.add_working_days(wib(2026, 3, 2, 10), n)


# ---- day facts, next_opening, working_time_between -----------------------------------------------


@pytest.mark.parametrize(
    "day, working",
    [
        (date(2026, 3, 2), True),
        (date(2026, 3, 7), False),  # Saturday
        (date(2026, 3, 8), False),  # Sunday
        (date(2026, 3, 18), False),  # cuti bersama Nyepi
        (date(2026, 3, 19), False),  # Nyepi
        (date(2026, 3, 25), True),
        (date(2027, 1, 1), False),
    ],
)
def test_is_working_day(day, working):
    assert CAL.is_working_day(day) is working


def test_intervals_on_is_utc():
    assert CAL.intervals_on(date(2026, 3, 6)) == [
        (datetime(2026, 3, 6, 0, 30, tzinfo=UTC), datetime(2026, 3, 6, 4, 30, tzinfo=UTC)),
        (datetime(2026, 3, 6, 6, 0, tzinfo=UTC), datetime(2026, 3, 6, 9, 30, tzinfo=UTC)),
    ]
    assert CAL.intervals_on(date(2026, 3, 7)) == []


@pytest.mark.parametrize(
    "t, working",
    [
        (wib(2026, 3, 2, 7, 29, 59), False),
        (wib(2026, 3, 2, 7, 30), True),  # start inclusive
        (wib(2026, 3, 2, 11, 59), True),
        (wib(2026, 3, 2, 12, 0), False),  # end exclusive
        (wib(2026, 3, 2, 13, 0), True),
        (wib(2026, 3, 2, 16, 0), False),
        (wib(2026, 3, 6, 16, 15), True),  # Friday afternoon runs to 16:30
        (wib(2026, 3, 6, 12, 30), False),  # Friday lunch
        (wib(2026, 3, 7, 10, 0), False),
    ],
)
def test_is_working_time(t, working):
    assert CAL.is_working_time(t) is working


@pytest.mark.parametrize(
    "t, expected",
    [
        (wib(2026, 3, 2, 9, 0), wib(2026, 3, 2, 9, 0)),
        (wib(2026, 3, 2, 6, 0), wib(2026, 3, 2, 7, 30)),
        (wib(2026, 3, 2, 12, 0), wib(2026, 3, 2, 13, 0)),
        (wib(2026, 3, 6, 16, 30), wib(2026, 3, 9, 7, 30)),
        (wib(2026, 3, 17, 16, 0), wib(2026, 3, 25, 7, 30)),
    ],
)
def test_next_opening(t, expected):
    assert CAL.next_opening(t) == expected


@pytest.mark.parametrize(
    "a, b, expected",
    [
        # a pause (waiting for a document) from Friday 15:00 to Monday 08:00:
        # Friday 15:00-16:30 (1h30) + Monday 07:30-08:00 (30m) = 2h
        (wib(2026, 3, 6, 15, 0), wib(2026, 3, 9, 8, 0), timedelta(hours=2)),
        (wib(2026, 3, 2, 12, 5), wib(2026, 3, 2, 12, 55), timedelta(0)),  # inside lunch
        (wib(2026, 3, 17, 16, 0), wib(2026, 3, 25, 7, 30), timedelta(0)),  # whole holiday block
        (wib(2026, 3, 2, 7, 30), wib(2026, 3, 9, 7, 30), timedelta(hours=37, minutes=30)),
        (wib(2026, 3, 2, 10, 0), wib(2026, 3, 2, 9, 0), timedelta(0)),  # b before a
        (wib(2026, 3, 2, 10, 0), wib(2026, 3, 2, 10, 0), timedelta(0)),
    ],
)
def test_working_time_between(a, b, expected):
    assert CAL.working_time_between(a, b) == expected


# ---- Ramadan -------------------------------------------------------------------------------------

RAMADAN_CASES = [
    # the day before Ramadan closes at 16:00; the first Ramadan day opens at 08:00
    ("into Ramadan", wib(2026, 2, 18, 15, 50), m(15), wib(2026, 2, 19, 8, 5)),
    ("Ramadan break is 30 min", wib(2026, 3, 2, 12, 15), m(15), wib(2026, 3, 2, 12, 45)),
    ("Ramadan closes at 15:00", wib(2026, 3, 2, 14, 50), m(15), wib(2026, 3, 3, 8, 5)),
    ("Ramadan Friday closes 15:30", wib(2026, 3, 6, 15, 20), m(15), wib(2026, 3, 9, 8, 5)),
    ("Ramadan Friday break 60 min", wib(2026, 3, 6, 11, 20), m(15), wib(2026, 3, 6, 12, 35)),
    # the last Ramadan working day (17 Mar) closes at 15:00; 25 Mar is back to 07:30
    ("out of Ramadan", wib(2026, 3, 17, 14, 50), m(15), wib(2026, 3, 25, 7, 35)),
]


@pytest.mark.parametrize(
    "start, duration, expected", [c[1:] for c in RAMADAN_CASES], ids=[c[0] for c in RAMADAN_CASES]
)
def test_ramadan(start, duration, expected):
    assert CAL_RAMADAN.add_working_time(start, duration) == expected


def test_ramadan_boundaries():
    assert CAL_RAMADAN.is_working_time(wib(2026, 2, 18, 7, 45))  # regular day
    assert not CAL_RAMADAN.is_working_time(wib(2026, 2, 19, 7, 45))  # first Ramadan day: opens 08:00
    assert CAL_RAMADAN.is_working_time(wib(2026, 2, 18, 15, 45))
    assert not CAL_RAMADAN.is_working_time(wib(2026, 2, 19, 15, 45))
    assert CAL_RAMADAN.is_working_time(wib(2026, 3, 25, 7, 45))  # after the period
    # a working day in Ramadan closes at 15:00
    assert CAL_RAMADAN.add_working_days(wib(2026, 3, 2, 10), 1) == wib(2026, 3, 3, 15, 0)
    week = CAL_RAMADAN.working_time_between(wib(2026, 3, 2), wib(2026, 3, 9))
    assert week == timedelta(hours=32, minutes=30)


# ---- calendar edits, overrides, cuti bersama -----------------------------------------------------


def test_calendar_edit_changes_deadline_deterministically():
    start = wib(2026, 3, 6, 16, 20)
    edited = replace(CAL, extra_closed=frozenset({date(2026, 3, 9)}))  # Monday closed after the fact
    assert CAL.add_working_time(start, m(15)) == wib(2026, 3, 9, 7, 35)
    assert edited.add_working_time(start, m(15)) == wib(2026, 3, 10, 7, 35)
    # same calendar, same answer, whatever was computed in between (caches are per calendar)
    assert CAL.add_working_time(start, m(15)) == wib(2026, 3, 9, 7, 35)
    assert replace(CAL) == CAL and hash(replace(CAL)) == hash(CAL)
    assert edited != CAL
    fresh = WorkingCalendar(holidays=(h for h in reversed(HOLIDAYS)))  # order and container do not matter
    assert fresh == CAL and fresh.add_working_days(wib(2026, 3, 17, 9), 3) == wib(2026, 3, 27, 16, 30)


def test_open_on_cuti_bersama():
    assert CAL_OPEN_CUTI.is_working_day(date(2026, 3, 18))  # cuti bersama: open
    assert not CAL_OPEN_CUTI.is_working_day(date(2026, 3, 19))  # Nyepi: still closed
    # 18 (1), 20 (2), 23 (3)
    assert CAL_OPEN_CUTI.add_working_days(wib(2026, 3, 17, 9), 3) == wib(2026, 3, 23, 16, 0)
    assert CAL_OPEN_CUTI.add_working_time(wib(2026, 3, 17, 15, 50), m(30)) == wib(2026, 3, 18, 7, 50)


def test_extra_closed_and_extra_open_overrides():
    cal = replace(
        CAL,
        extra_closed=frozenset({date(2026, 3, 9)}),
        extra_open=frozenset({date(2026, 3, 18), date(2026, 3, 19), date(2026, 3, 7)}),
    )
    assert not cal.is_working_day(date(2026, 3, 9))  # office closes a Monday
    assert cal.is_working_day(date(2026, 3, 18))  # cuti bersama removed
    assert cal.is_working_day(date(2026, 3, 19))  # public holiday removed
    assert not cal.is_working_day(date(2026, 3, 7))  # a Saturday has no hours to open
    assert cal.add_working_days(wib(2026, 3, 17, 9), 3) == wib(2026, 3, 25, 16, 0)  # 18, 19, 25


def test_holiday_with_both_kinds_stays_closed_for_units_open_on_cuti():
    d = date(2026, 3, 2)
    cal = WorkingCalendar(
        holidays=[Holiday(d, "x", "cuti_bersama"), Holiday(d, "y", "public")], open_on_cuti_bersama=True
    )
    assert not cal.is_working_day(d)


# ---- time zones ----------------------------------------------------------------------------------


def test_wita_and_wit_open_before_midnight_utc():
    monday = date(2026, 3, 2)
    assert CAL_WITA.intervals_on(monday)[0][0] == datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    assert CAL_WIT.intervals_on(monday)[0][0] == datetime(2026, 3, 1, 22, 30, tzinfo=UTC)
    assert CAL_WITA.is_working_time(datetime(2026, 3, 1, 23, 30, tzinfo=UTC))
    assert not CAL.is_working_time(datetime(2026, 3, 1, 23, 30, tzinfo=UTC))  # 06:30 in Jakarta
    friday = datetime(2026, 3, 6, 16, 20, tzinfo=WITA)
    assert CAL_WITA.add_working_time(friday, m(15)) == datetime(2026, 3, 9, 7, 35, tzinfo=WITA)
    assert CAL_WITA.add_working_time(friday, m(15)) == datetime(2026, 3, 8, 23, 35, tzinfo=UTC)


def test_working_days_follow_the_office_local_day():
    arrival = datetime(2026, 3, 2, 16, 30, tzinfo=UTC)  # Mon 23:30 WIB, Tue 00:30 WITA, Tue 01:30 WIT
    assert CAL.add_working_days(arrival, 1) == wib(2026, 3, 3, 16, 0)
    assert CAL_WITA.add_working_days(arrival, 1) == datetime(2026, 3, 4, 16, 0, tzinfo=WITA)
    assert CAL_WIT.add_working_days(arrival, 1) == datetime(2026, 3, 4, 16, 0, tzinfo=WIT)


# ---- always_open (24/7 demo mode) ----------------------------------------------------------------


@pytest.mark.parametrize(
    "start",
    [
        wib(2026, 3, 2, 10, 0),
        wib(2026, 3, 2, 23, 50),  # across midnight
        wib(2026, 3, 7, 12, 0),  # Saturday
        wib(2026, 3, 19, 3, 0),  # holiday
    ],
)
def test_always_open_adds_wall_time(start):
    assert CAL_24_7.add_working_time(start, m(15)) == start + m(15)
    assert CAL_24_7.is_working_time(start)
    assert CAL_24_7.next_opening(start) == start


def test_always_open_measures_wall_time():
    a, b = wib(2026, 3, 6, 15, 0), wib(2026, 3, 9, 8, 0)
    assert CAL_24_7.working_time_between(a, b) == b - a
    assert CAL_24_7.is_working_day(date(2026, 3, 7))
    assert CAL_24_7.add_working_days(wib(2026, 3, 7, 10), 1) == wib(2026, 3, 9, 0, 0)  # end of Sunday
    assert WorkingCalendar(weekly_hours=NO_HOURS, always_open=True).add_working_time(a, m(1)) == a + m(1)


# ---- calendars that can never (or not for years) work -------------------------------------------


@pytest.mark.timeout(10)
def test_calendar_without_hours_raises_instead_of_looping():
    cal = WorkingCalendar(weekly_hours=NO_HOURS)
    assert not cal.has_working_hours()
    with pytest.raises(CalendarError, match="no working hours"):
        cal.add_working_time(wib(2026, 3, 2, 9), m(15))
    with pytest.raises(CalendarError, match="no working hours"):
        cal.add_working_days(wib(2026, 3, 2, 9), 1)
    with pytest.raises(CalendarError, match="no working hours"):
        cal.next_opening(wib(2026, 3, 2, 9))
    assert cal.working_time_between(wib(2026, 3, 2), wib(2026, 4, 2)) == timedelta(0)
    assert not cal.is_working_time(wib(2026, 3, 2, 9))


@pytest.mark.timeout(10)
def test_calendar_closed_for_years_gives_up():
    closed = SpecialPeriod(date(2026, 1, 1), date(2031, 12, 31), NO_HOURS)
    cal = WorkingCalendar(special_periods=[closed])
    assert cal.has_working_hours()  # hours exist outside the period, but too far away
    for call in (
        lambda: cal.add_working_time(wib(2026, 3, 2, 9), m(15)),
        lambda: cal.add_working_days(wib(2026, 3, 2, 9), 1),
        lambda: cal.next_opening(wib(2026, 3, 2, 9)),
    ):
        with pytest.raises(CalendarError, match=f"no working time in the {MAX_IDLE_DAYS} days"):
            call()
    # a closure shorter than the bound is simply skipped
    short = WorkingCalendar(special_periods=[SpecialPeriod(date(2026, 1, 1), date(2027, 12, 31), NO_HOURS)])
    assert short.add_working_time(wib(2026, 3, 2, 9), m(15)) == wib(2028, 1, 3, 7, 45)


@pytest.mark.timeout(10)
def test_end_of_time_raises_calendar_error():
    cal = WorkingCalendar(tz="UTC")
    with pytest.raises(CalendarError):
        cal.add_working_time(datetime(9999, 12, 31, 15, tzinfo=UTC), timedelta(hours=5))


# ---- properties ----------------------------------------------------------------------------------

CALENDARS = [CAL, CAL_RAMADAN, CAL_WITA, CAL_WIT, CAL_OPEN_CUTI, CAL_24_7]
ZONES = [UTC, WIB, WITA, WIT, timezone(timedelta(hours=-3, minutes=-30))]
instants = st.datetimes(
    min_value=datetime(2025, 12, 1), max_value=datetime(2027, 1, 31), timezones=st.sampled_from(ZONES)
)
durations = st.timedeltas(min_value=timedelta(microseconds=1), max_value=timedelta(hours=200))
calendars = st.sampled_from(CALENDARS)
PROPS = settings(database=None, deadline=None, max_examples=300)


def _interval_ends(cal, t):
    local = t.astimezone(ZoneInfo(cal.tz)).date()
    return {e for day in (local - timedelta(days=1), local) for _, e in cal.intervals_on(day)}


@PROPS
@given(calendars, instants, durations)
def test_add_then_measure_gives_the_duration_back(cal, start, duration):
    due = cal.add_working_time(start, duration)
    assert due > start
    assert due.tzinfo is UTC
    assert cal.working_time_between(start, due) == duration
    # earliest such instant: a microsecond earlier is not enough
    assert cal.working_time_between(start, due - timedelta(microseconds=1)) < duration


@PROPS
@given(calendars, instants, durations)
def test_result_is_working_time_or_an_interval_end(cal, start, duration):
    due = cal.add_working_time(start, duration)
    assert cal.is_working_time(due) or due in _interval_ends(cal, due)


@PROPS
@given(calendars, instants, durations, durations)
def test_adding_in_two_steps_equals_adding_once(cal, start, d1, d2):
    assert cal.add_working_time(cal.add_working_time(start, d1), d2) == cal.add_working_time(start, d1 + d2)


@PROPS
@given(calendars, instants, instants, instants)
def test_working_time_between_is_additive(cal, x, y, z):
    a, b, c = sorted([x, y, z])
    assert cal.working_time_between(a, c) == cal.working_time_between(a, b) + cal.working_time_between(b, c)
    assert cal.working_time_between(c, a) == timedelta(0)


@PROPS
@given(calendars, instants)
def test_next_opening_is_the_first_working_instant(cal, t):
    opening = cal.next_opening(t)
    assert opening >= t
    assert cal.is_working_time(opening)
    assert cal.working_time_between(t, opening) == timedelta(0)
    assert (opening == t) is cal.is_working_time(t)


@PROPS
@given(calendars, instants, st.integers(min_value=1, max_value=30))
def test_working_days_land_on_a_closing_time(cal, arrival, n):
    assume(not cal.always_open)
    due = cal.add_working_days(arrival, n)
    zone = ZoneInfo(cal.tz)
    first, last = arrival.astimezone(zone).date(), due.astimezone(zone).date()
    assert last > first
    assert cal.intervals_on(last)[-1][1] == due  # closing time of a working day
    days = [first + timedelta(days=i) for i in range(1, (last - first).days + 1)]
    assert sum(cal.is_working_day(d) for d in days) == n
