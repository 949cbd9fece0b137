"""Month-end KPIs of the task chain and of the queue, computed from rows handed in.

Pure: no Flask, no database, no clock. The read layer (`reads/reports.py`) fetches rows as the
NamedTuples below and passes the period, "now" and the calendars' figures; every definition lives
here once (and in the README, "KPI definitions"), and every figure is counted through the same
predicate that its drill-down uses, so a figure and the rows behind it cannot disagree.

Conventions:
- Instants are whole seconds since the epoch (UTC): the read layer gets them from SQL as integers, so a
  year of rows is compared and subtracted without building a datetime per cell.
- A period is half-open [start, end), built from office-local days by the caller.
- Pickup time is the hop's stored working seconds (receiving unit's calendar) in minutes.
- Completion time is the task's stored working seconds (pauses excluded) divided by the length of
  one working day of the owning unit's calendar (7 h 30 under Perpres 21/2023), in working days.
- Percentiles are nearest-rank: the smallest observed value with at least p% of values at or below
  it (so every p50/p90 is a real task's figure, which a drill-down can show).
- A percentage is None when its denominator is 0 (no data is not 0%).
"""
from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import NamedTuple
from zoneinfo import ZoneInfo


class Period(NamedTuple):
    start: int
    end: int

    @classmethod
    def of(cls, start: dt.datetime, end: dt.datetime) -> Period:
        return cls(int(start.timestamp()), int(end.timestamp()))

    def __contains__(self, t) -> bool:   # type: ignore[override]
        return t is not None and self.start <= t < self.end


class HopRow(NamedTuple):
    """A hop that a unit had to pick up (to P1 or P2)."""
    id: int
    task_id: int
    unit_id: int            # the receiving unit
    service_id: int
    position: str           # "p1" (P0 -> P1, 15 min) or "p2" (P1 -> P2, 30 min)
    sent_at: int
    due_at: int | None
    picked_at: int | None
    working_s: int | None   # sent -> picked (or closed), receiving unit's working time
    officer_id: int | None  # who picked it up


class AlertRow(NamedTuple):
    id: int
    task_id: int
    hop_id: int
    unit_id: int            # the unit that had to pick the hop up
    service_id: int
    level: str              # warning | breach | escalation
    created_at: int
    officer_id: int | None = None


class TaskRow(NamedTuple):
    """A task, seen at completion (unit_id = the unit that completed it) or in the backlog
    (unit_id = where it is now)."""
    id: int
    unit_id: int | None
    service_id: int
    status: str
    created_at: int
    completed_at: int | None
    completion_due_at: int | None   # already moved on by the pauses (for the backlog: also the current one)
    working_s: int | None                   # completed: working seconds used, pauses excluded
    paused_s: int
    officer_id: int | None                  # completed_by, or the current assignee
    age_s: int = 0                          # backlog: working seconds since arrival, pauses excluded
    day_s: int = 27000                      # one working day of the owning unit's calendar


class DocRow(NamedTuple):
    """A request for a missing document (the completion clock paused)."""
    id: int
    task_id: int
    unit_id: int | None
    service_id: int
    created_at: int
    officer_id: int | None


class TicketRow(NamedTuple):
    id: int
    service_id: int         # the queue it ended in
    issued_for_id: int      # the service that numbered it (differs after a transfer)
    booth_id: int | None
    officer_id: int | None  # served_by
    priority: str | None
    outcome: str | None     # served | no_show | cancelled | None (still open)
    business_day: str       # the local business day, YYYY-MM-DD
    issued_at: int
    first_called_at: int | None
    started_at: int | None
    finished_at: int | None


# ---- small maths ---------------------------------------------------------------------------

def percentile(values: Iterable[float], p: float) -> float | None:
    """Nearest-rank percentile; None for no values."""
    ordered = sorted(values)
    if not ordered:
        return None
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def pct(part: int, whole: int) -> float | None:
    return None if not whole else round(100.0 * part / whole, 1)


def _r(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


# ---- what each figure counts (the drill-downs use exactly these) --------------------------

def hop_outcome(hop: HopRow) -> str:
    """in_time: picked at or before its deadline; late: picked after it; not_picked: not (yet)."""
    if hop.picked_at is None:
        return "not_picked"
    if hop.due_at is None or hop.picked_at <= hop.due_at:
        return "in_time"
    return "late"


def completion_outcome(task: TaskRow) -> str:
    """in_sop: completed at or before the SOP deadline (moved on by pauses); late; no_sop."""
    if task.completion_due_at is None:
        return "no_sop"
    return "in_sop" if task.completed_at <= task.completion_due_at else "late"


def pickup_minutes(hop: HopRow) -> float | None:
    return None if hop.picked_at is None or hop.working_s is None else hop.working_s / 60


def completion_days(task: TaskRow) -> float | None:
    return None if task.working_s is None else task.working_s / task.day_s


def past_sop(task: TaskRow, now: int) -> bool:
    return task.completion_due_at is not None and task.completion_due_at < now


# figure -> (row kind, predicate). Row kinds: hop, alert, completed, doc, backlog, ticket.
TASK_FIGURES: dict[str, tuple[str, Callable]] = {
    "received": ("hop", lambda h, **_: True),
    "picked_in_time": ("hop", lambda h, **_: hop_outcome(h) == "in_time"),
    "picked_late": ("hop", lambda h, **_: hop_outcome(h) == "late"),
    "not_picked": ("hop", lambda h, **_: hop_outcome(h) == "not_picked"),
    "warnings": ("alert", lambda a, **_: a.level == "warning"),
    "breaches": ("alert", lambda a, **_: a.level == "breach"),
    "escalations": ("alert", lambda a, **_: a.level == "escalation"),
    "completed": ("completed", lambda t, **_: True),
    "completed_in_sop": ("completed", lambda t, **_: completion_outcome(t) == "in_sop"),
    "completed_late": ("completed", lambda t, **_: completion_outcome(t) == "late"),
    "completed_no_sop": ("completed", lambda t, **_: completion_outcome(t) == "no_sop"),
    "paused": ("completed", lambda t, **_: t.paused_s > 0),
    "document_requests": ("doc", lambda d, **_: True),
    "backlog": ("backlog", lambda t, **_: True),
    "backlog_past_sop": ("backlog", lambda t, now, **_: past_sop(t, now)),
}
for _kind in ("p1", "p2"):
    TASK_FIGURES[f"{_kind}_received"] = ("hop", lambda h, _k=_kind, **_: h.position == _k)
    TASK_FIGURES[f"{_kind}_picked_in_time"] = (
        "hop", lambda h, _k=_kind, **_: h.position == _k and hop_outcome(h) == "in_time")


def wait_s(ticket: TicketRow) -> int | None:
    """Issue to first call, in seconds of the clock (the visitor waits in real time, not working time)."""
    return None if ticket.first_called_at is None else ticket.first_called_at - ticket.issued_at


def within_target(ticket: TicketRow, target_s: float) -> bool:
    return ticket.first_called_at is not None and ticket.first_called_at - ticket.issued_at <= target_s


VISITOR_FIGURES: dict[str, Callable] = {
    "issued": lambda t, **_: True,
    "served": lambda t, **_: t.outcome == "served",
    "no_show": lambda t, **_: t.outcome == "no_show",
    "transferred": lambda t, **_: t.issued_for_id != t.service_id,
    "priority": lambda t, **_: t.priority is not None,
    "called": lambda t, **_: t.first_called_at is not None,
    "called_within_target": lambda t, target_s, **_: within_target(t, target_s),
    "called_after_target": lambda t, target_s, **_: t.first_called_at is not None and not within_target(t, target_s),
}


# ---- the period filter (the read layer may hand in more rows than the period holds) --------

def in_period(kind: str, row, period: Period) -> bool:
    if kind == "hop":
        return row.sent_at in period
    if kind in ("alert", "doc"):
        return row.created_at in period
    if kind == "completed":
        return row.completed_at in period
    if kind == "ticket":
        return row.issued_at in period
    return True   # backlog: as it is now


PERIOD_KEY = {"hop": "sent_at", "alert": "created_at", "doc": "created_at", "completed": "completed_at",
              "ticket": "issued_at"}


def split_by_period(rows: list, kind: str, starts: list[int]) -> list[list]:
    """Rows into consecutive periods beginning at `starts` (sorted; the last period is open-ended), in one
    pass: a 12-month line reads a year of rows once, not twelve times."""
    from bisect import bisect_right
    key = PERIOD_KEY[kind]
    out: list[list] = [[] for _ in starts]
    for r in rows:
        t = getattr(r, key)
        if t is not None:
            i = bisect_right(starts, t) - 1
            if i >= 0:
                out[i].append(r)
    return out


class TaskRows(NamedTuple):
    hops: list[HopRow]
    alerts: list[AlertRow]
    completed: list[TaskRow]
    docs: list[DocRow]
    backlog: list[TaskRow]

    def of(self, kind: str) -> list:
        return {"hop": self.hops, "alert": self.alerts, "completed": self.completed, "doc": self.docs,
                "backlog": self.backlog}[kind]

    def where(self, keep: Callable[[object], bool]) -> TaskRows:
        return TaskRows(*([r for r in rows if keep(r)] for rows in self))

    def plus(self, other: TaskRows) -> TaskRows:
        return TaskRows(*(a + b for a, b in zip(self, other, strict=True)))


def task_drill(figure: str, rows: TaskRows, period: Period, now: int) -> list:
    """The rows a task figure counts."""
    if figure not in TASK_FIGURES:
        raise KeyError(figure)
    kind, keep = TASK_FIGURES[figure]
    return [r for r in rows.of(kind) if in_period(kind, r, period) and keep(r, now=now)]


def visitor_drill(figure: str, tickets: list[TicketRow], period: Period, target_s: float) -> list[TicketRow]:
    if figure not in VISITOR_FIGURES:
        raise KeyError(figure)
    keep = VISITOR_FIGURES[figure]
    return [t for t in tickets if in_period("ticket", t, period) and keep(t, target_s=target_s)]


# ---- the figures -----------------------------------------------------------------------------

def _period_rows(rows: TaskRows, period: Period) -> dict[str, list]:
    start, end = period
    return {"hop": [h for h in rows.hops if start <= h.sent_at < end],
            "alert": [a for a in rows.alerts if start <= a.created_at < end],
            "completed": [t for t in rows.completed if t.completed_at is not None and start <= t.completed_at < end],
            "doc": [d for d in rows.docs if start <= d.created_at < end],
            "backlog": rows.backlog}


@dataclass
class TaskStats:
    """What the task figures of one group are computed from: counts by outcome and the durations the
    percentiles need. `task_stats` builds it from rows; the read layer builds the same from SQL (GROUP BY with
    the same predicates), so a year's report does not fetch one row per hop."""
    hops: dict = field(default_factory=dict)        # (position, hop_outcome) -> count
    pickup_s: dict = field(default_factory=dict)    # position -> working seconds of the picked hops
    alerts: dict = field(default_factory=dict)      # level -> count
    completed: dict = field(default_factory=dict)   # completion_outcome -> count
    paused: int = 0                                 # completed tasks that waited on the applicant
    paused_s: int = 0                               # and their paused working seconds, summed
    days: list = field(default_factory=list)        # completion time of each completed task, working days
    docs: int = 0
    backlog: list = field(default_factory=list)     # TaskRow: the backlog is small and needs its ages

    def plus(self, other: TaskStats) -> TaskStats:
        def add(a: dict, b: dict) -> dict:
            return {k: a.get(k, 0) + b.get(k, 0) for k in {*a, *b}}
        return TaskStats(add(self.hops, other.hops),
                         {k: self.pickup_s.get(k, []) + other.pickup_s.get(k, []) for k in {*self.pickup_s,
                                                                                          *other.pickup_s}},
                         add(self.alerts, other.alerts), add(self.completed, other.completed),
                         self.paused + other.paused, self.paused_s + other.paused_s, self.days + other.days,
                         self.docs + other.docs, self.backlog + other.backlog)


def task_stats(rows: TaskRows, period: Period) -> TaskStats:
    """The TaskStats of rows, counted through the same outcome functions as the drill-downs."""
    mine = _period_rows(rows, period)
    st = TaskStats()
    for h in mine["hop"]:
        outcome = hop_outcome(h)
        st.hops[(h.position, outcome)] = st.hops.get((h.position, outcome), 0) + 1
        if outcome != "not_picked" and h.working_s is not None:
            st.pickup_s.setdefault(h.position, []).append(h.working_s)
    for a in mine["alert"]:
        st.alerts[a.level] = st.alerts.get(a.level, 0) + 1
    for t in mine["completed"]:
        outcome = completion_outcome(t)
        st.completed[outcome] = st.completed.get(outcome, 0) + 1
        if t.paused_s > 0:
            st.paused += 1
        st.paused_s += t.paused_s
        if t.working_s is not None:
            st.days.append(t.working_s / t.day_s)
    st.docs = len(mine["doc"])
    st.backlog = list(mine["backlog"])
    return st


def task_figures(rows: TaskRows, period: Period, now: int) -> dict:
    """Every task figure of one group (a unit, a service, an officer, or a unit with its children); the
    property tests check that each count is what TASK_FIGURES' predicate selects."""
    return task_summary(task_stats(rows, period), now)


def task_summary(st: TaskStats, now: int) -> dict:
    """The task figures of one group from its TaskStats."""
    kinds = {}
    for k in ("p1", "p2"):
        n = {o: st.hops.get((k, o), 0) for o in ("in_time", "late", "not_picked")}
        kinds[k] = {**n, "received": sum(n.values()), "seconds": st.pickup_s.get(k, [])}
    pickups = kinds["p1"]["seconds"] + kinds["p2"]["seconds"]
    received = kinds["p1"]["received"] + kinds["p2"]["received"]
    in_time = kinds["p1"]["in_time"] + kinds["p2"]["in_time"]
    in_sop, late = st.completed.get("in_sop", 0), st.completed.get("late", 0)
    backlog = st.backlog
    ages = [t.age_s / t.day_s for t in backlog]
    by_kind = {k: {"received": v["received"], "picked_in_time": v["in_time"], "picked_late": v["late"],
                   "not_picked": v["not_picked"], "picked_in_time_pct": pct(v["in_time"], v["received"]),
                   "pickup_minutes_p50": _minutes(percentile(v["seconds"], 50))} for k, v in kinds.items()}
    return {
        "received": received,
        "picked_in_time": in_time,
        "picked_late": kinds["p1"]["late"] + kinds["p2"]["late"],
        "not_picked": kinds["p1"]["not_picked"] + kinds["p2"]["not_picked"],
        "picked_in_time_pct": pct(in_time, received),
        "pickup_minutes_p50": _minutes(percentile(pickups, 50)),
        "pickup_minutes_p90": _minutes(percentile(pickups, 90)),
        "by_kind": by_kind,
        "warnings": st.alerts.get("warning", 0),
        "breaches": st.alerts.get("breach", 0),
        "escalations": st.alerts.get("escalation", 0),
        "completed": sum(st.completed.values()),
        "completed_in_sop": in_sop,
        "completed_late": late,
        "completed_no_sop": st.completed.get("no_sop", 0),
        "completed_in_sop_pct": pct(in_sop, in_sop + late),
        "completion_days_p50": _r(percentile(st.days, 50), 2),
        "completion_days_p90": _r(percentile(st.days, 90), 2),
        "document_requests": st.docs,
        "paused": st.paused,
        "paused_hours": round(st.paused_s / 3600, 2),
        "backlog": len(backlog),
        "backlog_past_sop": sum(1 for t in backlog if past_sop(t, now)),
        "backlog_age_days_p50": _r(percentile(ages, 50), 2),
        "backlog_age_days_max": _r(max(ages), 2) if ages else None,
    }


# The fields a trend compares and a rollup sums (the counts); the others are recomputed.
COUNT_FIELDS = ("received", "picked_in_time", "picked_late", "not_picked", "warnings", "breaches",
                "escalations", "completed", "completed_in_sop", "completed_late", "completed_no_sop",
                "document_requests", "backlog", "backlog_past_sop")
TREND_FIELDS = ("received", "picked_in_time_pct", "pickup_minutes_p50", "breaches", "completed",
                "completed_in_sop_pct", "completion_days_p50")


def trend(current: dict, previous: dict) -> dict:
    """Each trend figure now, before, and the change (None where either side has no value)."""
    out = {}
    for name in TREND_FIELDS:
        a, b = current.get(name), previous.get(name)
        out[name] = {"now": a, "before": b,
                     "change": None if a is None or b is None else round(a - b, 2)}
    return out


def group(rows: TaskRows, key: str) -> dict[object, TaskRows]:
    """Split every row kind by one of its fields (unit_id, service_id, officer_id); None is skipped."""
    parts: dict[object, list[list]] = defaultdict(lambda: [[], [], [], [], []])
    for i, kind_rows in enumerate(rows):
        for r in kind_rows:
            k = getattr(r, key)
            if k is not None:
                parts[k][i].append(r)
    return {k: TaskRows(*v) for k, v in parts.items()}


VISITOR_COUNTS = tuple(VISITOR_FIGURES)


def visitor_counts(tickets: list[TicketRow], period: Period, target_s: float) -> tuple[dict, list[int], list[int]]:
    """What `visitor_summary` needs, from ticket rows in one pass: the counts of VISITOR_FIGURES' predicates,
    the waits (issue to first call) and the service times (served tickets) in seconds. The read layer gets
    the same three from SQL (GROUP BY with the same predicates); the property tests hold this to the drills."""
    counts = dict.fromkeys(VISITOR_COUNTS, 0)
    waits, service = [], []
    start, end = period
    for t in tickets:
        if not start <= t.issued_at < end:
            continue
        counts["issued"] += 1
        if t.outcome == "served":
            counts["served"] += 1
            if t.started_at is not None and t.finished_at is not None:
                service.append(t.finished_at - t.started_at)
        elif t.outcome == "no_show":
            counts["no_show"] += 1
        if t.issued_for_id != t.service_id:
            counts["transferred"] += 1
        if t.priority is not None:
            counts["priority"] += 1
        if t.first_called_at is not None:
            w = t.first_called_at - t.issued_at
            waits.append(w)
            counts["called"] += 1
            counts["called_within_target" if w <= target_s else "called_after_target"] += 1
    return counts, waits, service


def _minutes(seconds: int | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)


def visitor_summary(counts: dict, waits_s: list[int], service_s: list[int]) -> dict:
    """The visitor figures of one group from its counts and its durations in seconds."""
    return {
        "issued": counts["issued"], "served": counts["served"], "no_show": counts["no_show"],
        "no_show_pct": pct(counts["no_show"], counts["issued"]),
        "transferred": counts["transferred"], "priority": counts["priority"],
        "priority_pct": pct(counts["priority"], counts["issued"]),
        "called": counts["called"], "called_within_target": counts["called_within_target"],
        "called_after_target": counts["called_after_target"],
        "within_target_pct": pct(counts["called_within_target"], counts["called"]),
        "wait_minutes_p50": _minutes(percentile(waits_s, 50)), "wait_minutes_p90": _minutes(percentile(waits_s, 90)),
        "service_minutes_p50": _minutes(percentile(service_s, 50)),
    }


def visitor_figures(tickets: list[TicketRow], period: Period, target_s: float) -> dict:
    """One pass over the tickets (a year holds a quarter of a million); the property tests check that it
    counts exactly what VISITOR_FIGURES' predicates (the drill-downs) select."""
    return visitor_summary(*visitor_counts(tickets, period, target_s))


def utc_offset_s(tz: str) -> int:
    """The zone's offset now; Indonesia's zones (WIB, WITA, WIT) have no daylight saving time."""
    return int(dt.datetime.now(ZoneInfo(tz)).utcoffset().total_seconds())


def local_hour(instant: int, offset_s: int) -> int:
    """The local hour an instant falls in, counted from the epoch (the read layer groups by the same sum)."""
    return (instant + offset_s) // 3600


def heat_map_hours(hours: Iterable[tuple[int, int]]) -> list[list[int]]:
    """Arrivals by local weekday (0 = Monday) and hour, 7 rows of 24, from (local_hour, count) pairs."""
    grid = [[0] * 24 for _ in range(7)]
    for hour, n in hours:
        grid[(hour // 24 + 3) % 7][hour % 24] += n   # 1 Jan 1970 was a Thursday
    return grid


def heat_map(tickets: list[TicketRow], period: Period, offset_s: int) -> list[list[int]]:
    """Arrivals (tickets issued) by local weekday (0 = Monday) and hour: 7 rows of 24."""
    start, end = period
    return heat_map_hours((local_hour(t.issued_at, offset_s), 1) for t in tickets if start <= t.issued_at < end)


def cap_days_of(per_day: dict[tuple[int, str], int], caps: dict[int, int | None]) -> list[tuple[int, str]]:
    """(service, day) pairs on which the service issued its whole daily cap, from tickets per (service, day)."""
    return sorted(k for k, n in per_day.items() if caps.get(k[0]) and n >= caps[k[0]])


def cap_days(tickets: list[TicketRow], period: Period, caps: dict[int, int | None]) -> list[tuple[int, str]]:
    """(service, day) pairs on which the service issued its whole daily cap."""
    per_day: dict[tuple[int, str], int] = defaultdict(int)
    start, end = period
    for t in tickets:
        if start <= t.issued_at < end:
            per_day[(t.issued_for_id, t.business_day)] += 1
    return cap_days_of(per_day, caps)


def visitor_groups(tickets: list[TicketRow], key: str) -> dict[object, list[TicketRow]]:
    parts: dict[object, list[TicketRow]] = defaultdict(list)
    for t in tickets:
        k = getattr(t, key)
        if k is not None:
            parts[k].append(t)
    return parts


def month_period_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    """First and last local day of a month."""
    first = dt.date(year, month, 1)
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return first, nxt - dt.timedelta(days=1)


def previous_range(first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    """The period before: the previous calendar month for a whole month, else as many days before."""
    m_first, m_last = month_period_bounds(first.year, first.month)
    if first == m_first and last == m_last:
        prev_last = first - dt.timedelta(days=1)
        return month_period_bounds(prev_last.year, prev_last.month)
    days = (last - first).days + 1
    return first - dt.timedelta(days=days), first - dt.timedelta(days=1)
