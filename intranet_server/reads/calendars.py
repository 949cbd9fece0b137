"""One WorkingCalendar per unit, built from the settings ([calendar]), the holiday package and the
office's overrides stored in the database.

Calendars are cached per *calendar version*: a row in `sla_state` that every calendar edit bumps in
its own transaction. Each process reads the version (one primary-key lookup) when it needs a
calendar, so an edit made by any process or by the CLI is seen everywhere at once.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import threading
from zoneinfo import ZoneInfo

from db.models import Unit
from intranet_server.clock import iso
from db.task_models import CalendarOverride, SlaState
from intranet_server.rules.calendar import (
    DEFAULT_HOURS, RAMADAN_HOURS, Holiday, SpecialPeriod, WeeklyHours, WorkingCalendar,
)

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
VERSION_KEY = "calendar_version"
SETTINGS_KEY = "calendar_settings"


class CalendarSettings:
    """The part of the calendar that comes from [calendar] (fixed while the server runs)."""

    def __init__(self, calendar: dict | None = None):
        calendar = calendar or {"mode": "office", "hours": "perpres-21-2023", "holidays": "package"}
        self.always_open = calendar["mode"] == "always"
        self.use_holiday_package = calendar.get("holidays", "package") == "package"
        hours = calendar.get("hours", "perpres-21-2023")
        self.weekly_hours = DEFAULT_HOURS if hours == "perpres-21-2023" else WeeklyHours.from_dict(
            {WEEKDAYS.index(day): [tuple(span.split("-")) for span in spans] for day, spans in hours.items()})
        self.fingerprint = hashlib.sha256(repr((calendar["mode"], hours, self.use_holiday_package,
                                                _holiday_package_version())).encode()).hexdigest()[:16]


def unit_week(hours: dict) -> WeeklyHours:
    """{"mon": ["07:30-12:00", ...], ...} (the catalog's form) as WeeklyHours."""
    return WeeklyHours.from_dict({WEEKDAYS.index(day): [tuple(span.split("-")) for span in spans]
                                  for day, spans in hours.items()})


def _holiday_package_version() -> str:
    from intranet_server.holiday_source import package_version
    return package_version()


_settings = CalendarSettings()
_lock = threading.Lock()
_books: dict[tuple, "CalendarBook"] = {}


def configure(calendar: dict) -> None:
    global _settings
    _settings = CalendarSettings(calendar)
    with _lock:
        _books.clear()


def settings() -> CalendarSettings:
    return _settings


@functools.lru_cache(maxsize=8)
def _holidays(years: tuple[int, ...]) -> tuple[Holiday, ...]:
    # In a child process: the package would keep ≈ 17 MB in this one for a few dozen dates.
    from intranet_server.holiday_source import holidays_from_child
    return tuple(holidays_from_child(years))


def _years_around(year: int) -> tuple[int, int, int]:
    """The holidays a book of `year` holds: a deadline computed in late December lands in January."""
    return (year - 1, year, year + 1)


def _book_year(now: dt.datetime) -> int:
    return now.astimezone(ZoneInfo("Asia/Jakarta")).year


def _dates(first: dt.date, last: dt.date) -> set[dt.date]:
    return {first + dt.timedelta(days=i) for i in range((last - first).days + 1)}


class CalendarBook:
    """The calendars of every unit for one calendar version."""

    def __init__(self, version: int, year: int):
        self.version = version
        self.year = year
        self._units = {u.id: u for u in Unit.select()}
        self._overrides = list(CalendarOverride.select())
        from db.admin_models import UnitHours   # a unit's own week (set in /admin), else the office's
        self._unit_hours = {row.unit_id: unit_week(row.hours) for row in UnitHours.select()}
        self._calendars: dict[int, WorkingCalendar] = {}
        self._office: WorkingCalendar | None = None

    def _build(self, unit: Unit | None) -> WorkingCalendar:
        s = _settings
        office_rows = [o for o in self._overrides if o.unit_id is None]
        unit_rows = [o for o in self._overrides if unit is not None and o.unit_id == unit.id]

        def days(rows, kind):
            out: set[dt.date] = set()
            for o in rows:
                if o.kind == kind:
                    out |= _dates(o.first_date, o.last_date)
            return out
        # A unit's own overrides win over the office's for the same date.
        closed = (days(office_rows, "closed") - days(unit_rows, "open")) | days(unit_rows, "closed")
        opened = (days(office_rows, "open") - days(unit_rows, "closed")) | days(unit_rows, "open")
        ramadan = tuple(SpecialPeriod(o.first_date, o.last_date, RAMADAN_HOURS)
                        for o in office_rows if o.kind == "ramadan")
        holidays = _holidays(_years_around(self.year)) if s.use_holiday_package else ()
        return WorkingCalendar(
            tz=unit.timezone if unit is not None else "Asia/Jakarta",
            weekly_hours=self._unit_hours.get(unit.id, s.weekly_hours) if unit is not None else s.weekly_hours,
            special_periods=ramadan, holidays=holidays,
            extra_closed=frozenset(closed), extra_open=frozenset(opened - closed),
            open_on_cuti_bersama=bool(unit.open_on_cuti_bersama) if unit is not None else False,
            always_open=s.always_open)

    def for_unit(self, unit: Unit | int | None) -> WorkingCalendar:
        """The calendar of a unit (by row or id); None gives the office-wide calendar."""
        if unit is None:
            if self._office is None:
                self._office = self._build(None)
            return self._office
        unit_id = unit if isinstance(unit, int) else unit.id
        calendar = self._calendars.get(unit_id)
        if calendar is None:
            row = self._units.get(unit_id) or Unit.get_by_id(unit_id)
            calendar = self._calendars[unit_id] = self._build(row)
        return calendar


def current_version() -> int:
    row = SlaState.get_or_none(SlaState.key == VERSION_KEY)
    return int(row.value) if row else 0


def bump_version() -> int:
    """Call inside the transaction that edits the calendar: every process rebuilds its calendars."""
    version = current_version() + 1
    (SlaState.insert(key=VERSION_KEY, value=str(version))
     .on_conflict(conflict_target=[SlaState.key], update={SlaState.value: str(version)}).execute())
    return version


def load_holidays(now: dt.datetime) -> None:
    """Ask the child process for the holidays `book(now)` needs, outside any transaction: at the server's
    start, so the first deadline of the day does not wait for the child (≈ 0.2 s) holding the write lock."""
    if _settings.use_holiday_package:
        _holidays(_years_around(_book_year(now)))


def book(now: dt.datetime) -> CalendarBook:
    """The calendars valid now. Holidays of last year, this year and next year are loaded, so a
    deadline computed in late December knows January's holidays."""
    year = _book_year(now)
    key = (current_version(), year, _settings.fingerprint)
    with _lock:
        cached = _books.get(key)
    if cached is not None:
        return cached
    fresh = CalendarBook(key[0], year)
    with _lock:
        _books.clear()    # older versions are never needed again
        _books[key] = fresh
    return fresh


def settings_changed() -> bool:
    """True when [calendar] (or the holiday package) differs from what the stored deadlines were
    computed with; the caller recomputes open deadlines and then calls `remember_settings()`.
    The very first start has nothing to compare with: it only remembers."""
    row = SlaState.get_or_none(SlaState.key == SETTINGS_KEY)
    if row is None:
        remember_settings()
        return False
    return row.value != _settings.fingerprint


def remember_settings() -> None:
    (SlaState.insert(key=SETTINGS_KEY, value=_settings.fingerprint)
     .on_conflict(conflict_target=[SlaState.key], update={SlaState.value: _settings.fingerprint}).execute())


def calendar_listing(calendar, first: dt.date, days: int) -> list[dict]:
    names = {h.date: (h.name, h.kind) for h in calendar.holidays}
    zone = ZoneInfo(calendar.tz)
    out = []
    for i in range(days):
        day = first + dt.timedelta(days=i)
        holiday = names.get(day)
        spans = calendar.intervals_on(day)
        out.append({"date": day.isoformat(), "weekday": day.strftime("%a").lower(),
                    "working": bool(spans),
                    "intervals": [[iso(s), iso(e)] for s, e in spans],
                    "hours": [f"{s.astimezone(zone):%H:%M}-{e.astimezone(zone):%H:%M}" for s, e in spans],
                    "holiday": {"name": holiday[0], "kind": holiday[1]} if holiday else None,
                    "extra_closed": day in calendar.extra_closed, "extra_open": day in calendar.extra_open,
                    # the office's special periods are its Ramadan periods (the only kind it stores)
                    "ramadan": any(p.first <= day <= p.last for p in calendar.special_periods)})
    return out


def override_dict(row: CalendarOverride) -> dict:
    return {"id": row.id, "kind": row.kind, "first": row.first_date.isoformat(), "last": row.last_date.isoformat(),
            "unit": row.unit.code if row.unit_id else None, "note": row.note, "created_by": row.created_by,
            "created_at": iso(row.created_at)}
