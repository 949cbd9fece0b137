"""Working-calendar arithmetic: when is an office open, and what does "15 working minutes" or
"3 working days" mean as an instant.

Pure: stdlib only, no clock, no database. Every public method takes timezone-aware datetimes (any
zone) and returns UTC datetimes; the office's *local* day decides weekdays, holidays and opening hours.

Conventions (also stated in the product documentation):
- An interval is half-open: its start is working time, its end is not.
- ``add_working_time`` returns the earliest instant at which the duration has elapsed, so a duration
  that ends exactly at closing returns the closing time (Mon 15:30 + 30 min -> Mon 16:00).
- "N working days" is the closing time of the N-th working day after the local day of arrival; the
  arrival day never counts, whatever the hour.
- ``extra_open`` dates cancel a holiday or cuti bersama; they do not open a weekday that has no hours
  (a Saturday stays closed). A date may not be both extra-open and extra-closed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "DEFAULT_HOURS",
    "HOLIDAY_KINDS",
    "MAX_IDLE_DAYS",
    "RAMADAN_HOURS",
    "CalendarError",
    "Holiday",
    "SpecialPeriod",
    "WeeklyHours",
    "WorkingCalendar",
]

_ONE_DAY = timedelta(days=1)
_ZERO = timedelta(0)

# Give up after this many consecutive local days without a working minute: a calendar closed for
# three years is a configuration error, and the bound guarantees no search ever loops forever.
MAX_IDLE_DAYS = 3 * 366

HOLIDAY_KINDS = ("public", "cuti_bersama")


class CalendarError(ValueError):
    """A calendar is malformed, or has no working time where some is needed."""


Interval = tuple[time, time]


def _to_time(value: time | str) -> time:
    if isinstance(value, time):
        return value
    if isinstance(value, str):
        try:
            return time.fromisoformat(value)
        except ValueError:
            raise CalendarError(f"not a time of day: {value!r} (expected 'HH:MM')") from None
    raise CalendarError(f"not a time of day: {value!r}")


def _normalize_day(weekday: int, intervals: Iterable[Sequence[time | str]]) -> tuple[Interval, ...]:
    out = []
    for item in intervals:
        try:
            start, end = item
        except (TypeError, ValueError):
            raise CalendarError(
                f"weekday {weekday}: an interval is a (start, end) pair, got {item!r}"
            ) from None
        start, end = _to_time(start), _to_time(end)
        if start.tzinfo is not None or end.tzinfo is not None:
            raise CalendarError(f"weekday {weekday}: opening hours are local times, without tzinfo")
        if not start < end:
            raise CalendarError(f"weekday {weekday}: interval {start}-{end} must have start < end")
        out.append((start, end))
    out.sort()
    for (_, prev_end), (start, end) in pairwise(out):
        if start < prev_end:
            raise CalendarError(
                f"weekday {weekday}: interval {start}-{end} overlaps one ending at {prev_end}"
            )
    return tuple(out)


@dataclass(frozen=True)
class WeeklyHours:
    """Opening intervals per weekday, ``days[0]`` = Monday .. ``days[6]`` = Sunday, local time."""

    days: tuple[tuple[Interval, ...], ...]

    def __post_init__(self) -> None:
        days = tuple(self.days)
        if len(days) != 7:
            raise CalendarError(f"WeeklyHours needs 7 weekdays (Mon..Sun), got {len(days)}")
        object.__setattr__(self, "days", tuple(_normalize_day(i, d) for i, d in enumerate(days)))

    @classmethod
    def from_dict(cls, by_weekday: Mapping[int, Iterable[Sequence[time | str]]]) -> WeeklyHours:
        """``{0: [("07:30", "12:00"), ...], ...}``; weekdays not named are closed."""
        bad = [k for k in by_weekday if k not in range(7)]
        if bad:
            raise CalendarError(f"weekdays are 0 (Monday) .. 6 (Sunday), got {bad}")
        return cls(tuple(tuple(by_weekday.get(i, ())) for i in range(7)))

    def on(self, weekday: int) -> tuple[Interval, ...]:
        return self.days[weekday]

    def is_empty(self) -> bool:
        return not any(self.days)

    def weekly_total(self) -> timedelta:
        base = date(2000, 1, 1)
        return sum(
            (datetime.combine(base, e) - datetime.combine(base, s) for day in self.days for s, e in day),
            _ZERO,
        )


_MON_THU = range(4)
_FRIDAY = 4

# Perpres 21/2023: 37.5 h/week, start 07:30, break 60 min (90 on Friday); end times are the agency's
# choice. Mon-Thu 4h30 + 3h00 = 7h30 each (30h); Fri 4h00 + 3h30 = 7h30; total 37h30.
DEFAULT_HOURS = WeeklyHours.from_dict(
    {
        **{d: [(time(7, 30), time(12)), (time(13), time(16))] for d in _MON_THU},
        _FRIDAY: [(time(7, 30), time(11, 30)), (time(13), time(16, 30))],
    }
)

# Ramadan: 32.5 h/week, start 08:00, break 30 min (60 on Friday). 32.5 / 5 = 6h30 of work a day.
# Mon-Thu 08:00-12:00 (4h00) + 12:30-15:00 (2h30) = 6h30 each (26h);
# Fri 08:00-11:30 (3h30) + 12:30-15:30 (3h00) = 6h30; total 32h30.
RAMADAN_HOURS = WeeklyHours.from_dict(
    {
        **{d: [(time(8), time(12)), (time(12, 30), time(15))] for d in _MON_THU},
        _FRIDAY: [(time(8), time(11, 30)), (time(12, 30), time(15, 30))],
    }
)


@dataclass(frozen=True)
class SpecialPeriod:
    """Different weekly hours from ``first`` to ``last`` inclusive (e.g. Ramadan)."""

    first: date
    last: date
    hours: WeeklyHours

    def __post_init__(self) -> None:
        if not isinstance(self.hours, WeeklyHours):
            raise CalendarError(f"special period {self.first}..{self.last}: hours must be WeeklyHours")
        if self.first > self.last:
            raise CalendarError(f"special period {self.first}..{self.last}: first date is after last date")


@dataclass(frozen=True)
class Holiday:
    date: date
    name: str
    kind: str = "public"  # "public" or "cuti_bersama"

    def __post_init__(self) -> None:
        if self.kind not in HOLIDAY_KINDS:
            raise CalendarError(
                f"holiday {self.date}: kind must be one of {HOLIDAY_KINDS}, got {self.kind!r}"
            )


def _as_special(p: SpecialPeriod | Sequence) -> SpecialPeriod:
    if isinstance(p, SpecialPeriod):
        return p
    try:
        first, last, hours = p
    except (TypeError, ValueError):
        raise CalendarError(f"a special period is (first_date, last_date, WeeklyHours), got {p!r}") from None
    return SpecialPeriod(first, last, hours)


def _aware(t: datetime, what: str = "datetime") -> datetime:
    if not isinstance(t, datetime):
        raise TypeError(f"{what} must be a datetime, got {type(t).__name__}")
    if t.tzinfo is None or t.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got naive {t.isoformat()}")
    return t


@dataclass(frozen=True)
class WorkingCalendar:
    """One unit's working calendar. Immutable and hashable: an edit is a new calendar
    (``dataclasses.replace``), so deadlines computed from it are deterministic per calendar."""

    tz: str = "Asia/Jakarta"
    weekly_hours: WeeklyHours = DEFAULT_HOURS
    special_periods: tuple[SpecialPeriod, ...] = ()
    holidays: tuple[Holiday, ...] = ()
    extra_closed: frozenset[date] = frozenset()
    extra_open: frozenset[date] = frozenset()
    open_on_cuti_bersama: bool = False
    always_open: bool = False
    # Derived lookups, kept out of eq/hash/repr; rebuilt by __post_init__ on every replace().
    _zone: ZoneInfo = field(init=False, repr=False, compare=False)
    _closed_holidays: frozenset[date] = field(init=False, repr=False, compare=False)
    _day_cache: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        try:
            zone = ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise CalendarError(
                f"unknown time zone {self.tz!r} (use an IANA name such as 'Asia/Jakarta')"
            ) from None
        if not isinstance(self.weekly_hours, WeeklyHours):
            raise CalendarError("weekly_hours must be a WeeklyHours")
        periods = tuple(sorted((_as_special(p) for p in self.special_periods), key=lambda p: p.first))
        for a, b in pairwise(periods):
            if b.first <= a.last:
                raise CalendarError(f"special periods {a.first}..{a.last} and {b.first}..{b.last} overlap")
        hols = tuple(self.holidays)  # may be a generator: read it once
        if any(not isinstance(h, Holiday) for h in hols):
            raise CalendarError("holidays must be Holiday(date, name, kind) items")
        hols = tuple(sorted(hols, key=lambda h: (h.date, h.kind, h.name)))
        closed, opened = frozenset(self.extra_closed), frozenset(self.extra_open)
        both = closed & opened
        if both:
            raise CalendarError(f"dates both extra-closed and extra-open: {sorted(both)}")
        shut_kinds = {"public"} if self.open_on_cuti_bersama else {"public", "cuti_bersama"}
        setattr_ = object.__setattr__
        setattr_(self, "special_periods", periods)
        setattr_(self, "holidays", hols)
        setattr_(self, "extra_closed", closed)
        setattr_(self, "extra_open", opened)
        setattr_(self, "_zone", zone)
        setattr_(self, "_closed_holidays", frozenset(h.date for h in hols if h.kind in shut_kinds))
        setattr_(self, "_day_cache", {})

    # ---- per-day facts ---------------------------------------------------------------------------

    def has_working_hours(self) -> bool:
        """False when no weekday of any hours table opens: then no date can ever be worked."""
        return self.always_open or not (
            self.weekly_hours.is_empty() and all(p.hours.is_empty() for p in self.special_periods)
        )

    def hours_for(self, local_date: date) -> tuple[Interval, ...]:
        """Local opening intervals that apply to ``local_date``, before holidays and overrides."""
        for p in self.special_periods:
            if p.first <= local_date <= p.last:
                return p.hours.on(local_date.weekday())
        return self.weekly_hours.on(local_date.weekday())

    def _is_closed_date(self, d: date) -> bool:
        if d in self.extra_closed:
            return True
        return d in self._closed_holidays and d not in self.extra_open

    def _day(self, d: date) -> tuple[tuple[datetime, datetime], ...]:
        """UTC intervals of local date ``d``; cached because deadline walks revisit the same days."""
        cached = self._day_cache.get(d)
        if cached is not None:
            return cached
        zone = self._zone
        if self.always_open:
            spans = [(datetime.combine(d, time(), zone), datetime.combine(d + _ONE_DAY, time(), zone))]
        elif self._is_closed_date(d):
            spans = []
        else:
            spans = [
                (datetime.combine(d, s, zone), datetime.combine(d, e, zone)) for s, e in self.hours_for(d)
            ]
        out = []
        for s, e in spans:
            s, e = s.astimezone(UTC), e.astimezone(UTC)
            if s < e:  # a DST jump could swallow an interval; Indonesia has no DST, other zones might
                out.append((s, e))
        result = tuple(out)
        if len(self._day_cache) > 50_000:  # bound memory if someone scans centuries
            self._day_cache.clear()
        self._day_cache[d] = result
        return result

    def _local_date(self, t: datetime) -> date:
        return t.astimezone(self._zone).date()

    def _require_hours(self) -> None:
        if not self.has_working_hours():
            raise CalendarError(
                "calendar has no working hours at all (every weekday is closed, also in special "
                "periods): no deadline can be computed; set opening hours or always_open"
            )

    def _days_from(self, d: date):
        """Local dates from ``d`` on; raises CalendarError after MAX_IDLE_DAYS without working time."""
        idle = 0
        while True:
            spans = self._day(d)
            yield d, spans
            idle = 0 if spans else idle + 1
            if idle > MAX_IDLE_DAYS:
                raise CalendarError(
                    f"no working time in the {MAX_IDLE_DAYS} days up to {d}: the calendar is closed "
                    "(check holidays, extra_closed dates and special periods)"
                )
            try:
                d += _ONE_DAY
            except OverflowError:
                raise CalendarError("ran past the last representable date looking for working time") from None

    # ---- public API ------------------------------------------------------------------------------

    def is_working_day(self, local_date: date) -> bool:
        if isinstance(local_date, datetime):  # a datetime is a date subclass: refuse the ambiguity
            raise TypeError("is_working_day takes the office's local date, not a datetime")
        return bool(self._day(local_date))

    def intervals_on(self, local_date: date) -> list[tuple[datetime, datetime]]:
        if isinstance(local_date, datetime):
            raise TypeError("intervals_on takes the office's local date, not a datetime")
        return list(self._day(local_date))

    def is_working_time(self, t: datetime) -> bool:
        t = _aware(t, "t").astimezone(UTC)
        return any(s <= t < e for s, e in self._day(self._local_date(t)))

    def next_opening(self, t: datetime) -> datetime:
        """``t`` (in UTC) if it is working time, else the start of the next working interval."""
        t = _aware(t, "t").astimezone(UTC)
        if self.always_open:
            return t
        self._require_hours()
        for _, spans in self._days_from(self._local_date(t)):
            for s, e in spans:
                if t < e:
                    return max(s, t)
        raise AssertionError("unreachable")  # _days_from raises before running out

    def add_working_time(self, start: datetime, duration: timedelta) -> datetime:
        """The instant at which ``duration`` of working time has elapsed since ``start``."""
        start = _aware(start, "start").astimezone(UTC)
        if not isinstance(duration, timedelta):
            raise TypeError(f"duration must be a timedelta, got {type(duration).__name__}")
        if duration <= _ZERO:
            raise ValueError(f"duration must be positive, got {duration}")
        if self.always_open:
            return start + duration
        self._require_hours()
        remaining = duration
        for _, spans in self._days_from(self._local_date(start)):
            for s, e in spans:
                if e <= start:
                    continue
                s = max(s, start)
                available = e - s
                if remaining <= available:  # "<=": ending exactly at closing returns the closing time
                    return s + remaining
                remaining -= available
        raise AssertionError("unreachable")

    def working_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Working time in [a, b); zero when b <= a. Inverse of add_working_time."""
        a = _aware(a, "a").astimezone(UTC)
        b = _aware(b, "b").astimezone(UTC)
        if b <= a:
            return _ZERO
        if self.always_open:
            return b - a
        total = _ZERO
        d, last = self._local_date(a), self._local_date(b)
        while d <= last:
            for s, e in self._day(d):
                lo, hi = max(s, a), min(e, b)
                if hi > lo:
                    total += hi - lo
            d += _ONE_DAY
        return total

    def add_working_days(self, arrival: datetime, n: int) -> datetime:
        """Closing time (UTC) of the n-th working day after the local day of ``arrival``."""
        arrival = _aware(arrival, "arrival")
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError(f"n must be an int, got {type(n).__name__}")
        if n < 1:
            raise ValueError(f"n must be at least 1 working day, got {n}")
        self._require_hours()
        counted = 0
        first = self._local_date(arrival) + _ONE_DAY  # the arrival day itself never counts
        for _, spans in self._days_from(first):
            if spans:
                counted += 1
                if counted == n:
                    return spans[-1][1]
        raise AssertionError("unreachable")
