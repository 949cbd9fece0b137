"""Read models of the month-end reports: rows for `rules.kpi`, who may see which units, and the
tables, drill-downs and trend lines the API, the screens, the exports and the CLI show.

Queries fetch plain tuples of the few columns the KPIs need (one indexed range scan per row kind;
migration 0005 adds the indexes), so a year at ten times PTSA's volume answers within a second.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from peewee import SQL, Case, Value, fn

from db.integration_models import ApiClient
from db.models import Booth, Service, Staff, Ticket, Unit
from db.task_models import Alert, Task, TaskHop, TaskMessage
from intranet_server import actions, clock
from intranet_server.actions import Forbidden, Invalid, NotFound
from intranet_server.clock import iso
from intranet_server.reads import calendars
from intranet_server.rules import kpi
from intranet_server.rules.durations import parse_duration

VIEWERS = ("supervisor", "admin", "pimpinan", "p0", "p1", "p2")
EVERYTHING = ("admin", "pimpinan")
MAX_DAYS = 400
TREND_MAX_DAYS = 93   # a month or a quarter has a trend; a year is compared through the 12-month line
DEFAULTS = {"wait_target": "15m", "monthly_email": False}
_settings: dict = dict(DEFAULTS)


def configure(reports: dict | None) -> None:
    global _settings
    _settings = {**DEFAULTS, **(reports or {})}


def wait_target_s() -> float:
    return parse_duration(str(_settings["wait_target"])).total_seconds()


def monthly_email_enabled() -> bool:
    return bool(_settings["monthly_email"])


# ---- the period -----------------------------------------------------------------------------

@dataclass
class Range:
    first: dt.date
    last: dt.date

    def period(self) -> kpi.Period:
        zone = ZoneInfo(actions.office.timezone)
        start = dt.datetime.combine(self.first, dt.time(), zone).astimezone(dt.timezone.utc)
        end = dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time(), zone).astimezone(dt.timezone.utc)
        return kpi.Period.of(start, end)


def today() -> dt.date:
    return clock.now().astimezone(ZoneInfo(actions.office.timezone)).date()


def _date(value: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise Invalid(f"'{name}' must be a date written YYYY-MM-DD") from None


def month_range(month: str) -> Range:
    try:
        year, mon = (int(p) for p in month.split("-"))
        first, last = kpi.month_period_bounds(year, mon)
    except (ValueError, AttributeError):
        raise Invalid("'month' must be written YYYY-MM") from None
    return Range(first, last)


def parse_range(args) -> Range:
    """from/to (local days, inclusive), or month=YYYY-MM; default: this month to date."""
    if args.get("month"):
        return month_range(args["month"])
    t = today()
    first = _date(args["from"], "from") if args.get("from") else t.replace(day=1)
    last = _date(args["to"], "to") if args.get("to") else max(t, first)
    if last < first:
        raise Invalid("'to' is before 'from'")
    if (last - first).days >= MAX_DAYS:
        raise Invalid(f"a report spans at most {MAX_DAYS} days")
    return Range(first, last)


# ---- who sees what --------------------------------------------------------------------------

@dataclass
class Viewer:
    staff: Staff
    units: list[Unit] = field(default_factory=list)   # the units whose figures they see
    officer_only: bool = False                        # P0/P1/P2: their own figures only
    system: bool = False                              # a unit's system: its unit's figures, nothing else

    @property
    def unit_ids(self) -> set[int]:
        return {u.id for u in self.units}


def viewer(staff: Staff) -> Viewer:
    from intranet_server.reads import scope
    if staff.role in EVERYTHING:
        return Viewer(staff, list(Unit.select().where(Unit.active == True).order_by(Unit.id)))  # noqa: E712
    if staff.role == "supervisor":
        return Viewer(staff, scope.scope_units(staff))
    if staff.role in ("p1", "p2") and staff.unit_id and staff.username.startswith("api:") and \
            ApiClient.select().where(ApiClient.staff == staff).exists():
        # A unit's system (reports:read) reads its unit's report as the unit's supervisor does: its own
        # work and its officers' counted alike; another unit is refused.
        return Viewer(staff, [staff.unit], system=True)
    if staff.role in ("p0", "p1", "p2"):
        return Viewer(staff, [staff.unit] if staff.unit_id else [], officer_only=True)
    raise Forbidden("reports are for supervisors, the office head and the admin")


def _unit_filter(v: Viewer, code: str | None) -> list[Unit]:
    """The units asked for: one (with its echelon-2 units for an echelon-1 one), or all in scope."""
    if not code:
        return v.units
    unit = Unit.get_or_none(Unit.code == code)
    if unit is None:
        raise NotFound(f"unknown unit {code!r}", code="unknown_unit")
    if unit.id not in v.unit_ids and not v.officer_only:
        raise Forbidden(f"{code} is outside your units")
    children = [u for u in v.units if u.parent_id == unit.id] if unit.echelon == 1 else []
    return [unit, *children]


def _service(code: str | None) -> Service | None:
    if not code:
        return None
    service = Service.get_or_none(Service.code == code)
    if service is None:
        raise NotFound(f"unknown service {code!r}", code="unknown_service")
    return service


def _officer(v: Viewer, username: str | None) -> Staff | None:
    if v.officer_only:
        return v.staff
    if not username:
        return None
    person = Staff.get_or_none(Staff.username == username)
    if person is None:
        raise NotFound(f"no staff account {username}")
    if (v.staff.role == "supervisor" or v.system) and person.unit_id not in v.unit_ids:
        raise Forbidden(f"{username} is outside your units")
    return person


# ---- rows -------------------------------------------------------------------------------------

def _day_seconds(calendar) -> int:
    if calendar.always_open:
        return 86400
    days = [d for d in calendar.weekly_hours.days if d]
    return int(calendar.weekly_hours.weekly_total().total_seconds() / len(days)) if days else 27000


def _epoch(field):
    """An instant column as whole seconds since the epoch (UTC; the columns hold naive UTC), computed by the
    database: floor of the seconds, as `int(timestamp())` would give. SQLite's strftime('%s') truncates the
    fraction; it is several times faster than parsing the text in Python (measured: 0.5 s against 3.5 s for
    a year's million instants)."""
    from db import is_postgres
    if is_postgres():
        return fn.FLOOR(fn.date_part("epoch", field)).cast("BIGINT")
    return fn.strftime("%s", field).cast("INTEGER")


def _raw(query) -> list[tuple]:
    """The query's rows straight from the driver: plain tuples, no model rows, no per-cell conversion."""
    from db.models import database
    return database.execute(query).fetchall()


def utc(seconds: int | None) -> dt.datetime | None:
    return None if seconds is None else dt.datetime.fromtimestamp(seconds, dt.timezone.utc)


class DayTotals:
    """Working seconds between two instants of one calendar, with per-day totals summed once: the backlog's
    ages span up to a year and there are thousands of them at ten times PTSA's volume."""

    def __init__(self, calendar):
        self.calendar = calendar
        self.zone = ZoneInfo(calendar.tz)
        self._prefix: dict[dt.date, int] = {}
        self._first: dt.date | None = None
        self._last: dt.date | None = None

    def _cumulative(self, day: dt.date) -> int:
        """Working seconds of the whole days before `day`, from the first day asked for."""
        if self._first is None or day < self._first:
            self._first, self._last, self._prefix = day, day, {day: 0}
        last = self._last
        total = self._prefix[last]
        while last < day:
            total += sum(int((e - s).total_seconds()) for s, e in self.calendar.intervals_on(last))
            last += dt.timedelta(days=1)
            self._prefix[last] = total
        self._last = last
        return self._prefix[day]

    def between(self, a: dt.datetime, b: dt.datetime) -> int:
        if b <= a:
            return 0
        da, db_ = a.astimezone(self.zone).date(), b.astimezone(self.zone).date()
        if da == db_:
            return int(self.calendar.working_time_between(a, b).total_seconds())
        head = self.calendar.working_time_between(a, dt.datetime.combine(da + dt.timedelta(days=1), dt.time(),
                                                                          self.zone))
        tail = self.calendar.working_time_between(dt.datetime.combine(db_, dt.time(), self.zone), b)
        self._cumulative(da)
        middle = self._cumulative(db_) - self._cumulative(da + dt.timedelta(days=1))
        return int(head.total_seconds()) + middle + int(tail.total_seconds())


def _task_queries(period: kpi.Period, unit_ids: set[int] | None, service_id: int | None,
                  officer_id: int | None, join_task: bool = True) -> dict:
    """The five row kinds' queries with their filters (the columns of `task_rows`; `task_stats` selects its
    own over the same joins and predicates). `period` is in epoch seconds; the SQL ranges over the indexed
    instant columns. join_task False (no service filter, no service column): the hop, alert and message
    queries do not look up each row's task (a year's 150,000 lookups on SQLite)."""
    join_task = join_task or service_id is not None
    lo, hi = utc(period.start), utc(period.end)

    def task_of(q):
        return q.join(Task) if join_task else q
    hq = (task_of(TaskHop.select(TaskHop.id, TaskHop.task, TaskHop.to_unit,
                                 Task.service if join_task else Value(None), TaskHop.to_position,
                                 _epoch(TaskHop.sent_at), _epoch(TaskHop.due_at), _epoch(TaskHop.picked_at),
                                 TaskHop.working_s, TaskHop.picked_by))
          .where((TaskHop.sent_at >= lo) & (TaskHop.sent_at < hi)
                            & TaskHop.to_position.in_(("p1", "p2")) & TaskHop.to_unit.is_null(False)))
    aq = (task_of(Alert.select(Alert.id, Alert.task, Alert.hop, TaskHop.to_unit,
                               Task.service if join_task else Value(None), Alert.level, _epoch(Alert.created_at))
                  .join(TaskHop).switch(Alert))
          .where((Alert.created_at >= lo) & (Alert.created_at < hi)))
    result_hop = TaskHop.alias("result_hop")
    cq = (Task.select(Task.id, result_hop.from_unit, Task.service, Task.status, _epoch(Task.created_at),
                      _epoch(Task.completed_at), _epoch(Task.completion_due_at), Task.working_s, Task.paused_s,
                      Task.completed_by)
          .join(result_hop, on=((result_hop.task == Task.id) & (result_hop.kind == "result")))
          .where((Task.completed_at >= lo) & (Task.completed_at < hi)))
    dq = (task_of(TaskMessage.select(TaskMessage.id, TaskMessage.task, TaskHop.to_unit,
                                     Task.service if join_task else Value(None), _epoch(TaskMessage.created_at),
                                     TaskMessage.author)
                  .join(TaskHop).switch(TaskMessage))
          .where((TaskMessage.kind == "document_request") & (TaskMessage.created_at >= lo)
                 & (TaskMessage.created_at < hi)))
    bq = (Task.select(Task.id, Task.unit, Task.service, Task.status, Task.created_at, Task.completed_at,
                      Task.completion_due_at, Task.working_s, Task.paused_s, Task.assignee, Task.paused_at)
          .where(Task.status.in_(("open", "waiting")) & Task.unit.is_null(False)))
    if unit_ids is not None:
        ids = list(unit_ids)
        hq = hq.where(TaskHop.to_unit.in_(ids))
        # `+ 0` keeps SQLite's planner (no statistics) from walking every hop of the units through the
        # to/from-unit indexes instead of ranging over the period's alerts, completions and messages
        aq = aq.where((TaskHop.to_unit + 0).in_(ids))
        cq = cq.where((result_hop.from_unit + 0).in_(ids))
        dq = dq.where((TaskHop.to_unit + 0).in_(ids))
        bq = bq.where(Task.unit.in_(ids))
    if service_id is not None:
        hq, aq, dq = (q.where(Task.service == service_id) for q in (hq, aq, dq))
        cq, bq = (q.where(Task.service == service_id) for q in (cq, bq))
    if officer_id is not None:
        hq = hq.where(TaskHop.picked_by == officer_id)
        aq = aq.where(TaskHop.picked_by == officer_id)
        cq = cq.where(Task.completed_by == officer_id)
        dq = dq.where(TaskMessage.author == officer_id)
        bq = bq.where(Task.assignee == officer_id)
    return {"hop": hq, "alert": aq, "completed": cq, "doc": dq, "backlog": bq, "result_hop": result_hop}


def _owners() -> dict[int, int]:
    """Each service's owning unit, whose calendar's working day measures the service's completion days."""
    return {s.id: s.unit_id for s in Service.select(Service.id, Service.unit)}


def _backlog_rows(bq, services: dict, book, now: dt.datetime, day_s: dict) -> list[kpi.TaskRow]:
    rows = []
    totals: dict[int, DayTotals] = {}
    # plain tuples (the instants converted by their fields), not a model object per open task
    for (task_id, unit_id, service_id, status, created_at, _completed_at, due, working_s, paused_s, assignee_id,
         paused_at) in bq.tuples().iterator():
        owner = services.get(service_id)
        if owner not in totals:
            totals[owner] = DayTotals(book.for_unit(owner))
        span = totals[owner]
        paused_now = span.between(paused_at, now) if paused_at else 0
        age = span.between(created_at, now) - paused_s - paused_now
        if due is not None and paused_now > 0:   # the clock stands still while waiting on the applicant
            due = span.calendar.add_working_time(due, dt.timedelta(seconds=paused_now))
        rows.append(kpi.TaskRow(task_id, unit_id, service_id, status, int(created_at.timestamp()), None,
                                None if due is None else int(due.timestamp()), working_s, paused_s,
                                assignee_id, age_s=max(0, age), day_s=day_s.get(owner, 27000)))
    return rows


def task_rows(period: kpi.Period, unit_ids: set[int] | None = None, service_id: int | None = None,
              officer_id: int | None = None, now: dt.datetime | None = None, backlog: bool = True,
              kinds: tuple[str, ...] = ("hop", "alert", "completed", "doc")) -> kpi.TaskRows:
    """Every row a task figure of this period may count (unit_ids None: every unit): what a drill-down lists."""
    now = now or clock.now()
    book = calendars.book(now)
    services = _owners()
    day_s = {uid: _day_seconds(book.for_unit(uid)) for uid in set(services.values())}
    q = _task_queries(period, unit_ids, service_id, officer_id)
    hops = [kpi.HopRow._make(r) for r in _raw(q["hop"])] if "hop" in kinds else []
    alerts = [kpi.AlertRow(*r) for r in _raw(q["alert"])] if "alert" in kinds else []
    completed = ([kpi.TaskRow(*r, day_s=day_s.get(services.get(r[2]), 27000)) for r in _raw(q["completed"])]
                 if "completed" in kinds else [])
    docs = [kpi.DocRow._make(r) for r in _raw(q["doc"])] if "doc" in kinds else []
    rows = _backlog_rows(q["backlog"], services, book, now, day_s) if backlog else []
    return kpi.TaskRows(hops, alerts, completed, docs, rows)


def task_stats(period: kpi.Period, key: str | None, unit_ids: set[int] | None = None,
               service_id: int | None = None, officer_id: int | None = None, now: dt.datetime | None = None,
               backlog: bool = True, starts: list[int] | None = None) -> dict[object, kpi.TaskStats]:
    """kpi.task_stats per group (key: unit_id, service_id, officer_id, None for all together, or "period":
    the index of the sub-period among `starts` each row falls in, for the 12-month line) computed by
    the database: counts by GROUP BY over the outcomes' CASE (the same comparisons of whole epoch seconds as
    kpi.hop_outcome and kpi.completion_outcome), and only the integer working seconds the percentiles need.
    The rows of `task_rows` grouped by `kpi.group` give the same figures (tests/reports checks it)."""
    now = now or clock.now()
    book = calendars.book(now)
    services = _owners()
    day_s = {uid: _day_seconds(book.for_unit(uid)) for uid in set(services.values())}
    q = _task_queries(period, unit_ids, service_id, officer_id, join_task=key == "service_id")
    rh = q["result_hop"]
    none = Value(None)
    keys = {"unit_id": (TaskHop.to_unit, TaskHop.to_unit, rh.from_unit, TaskHop.to_unit),
            "service_id": (Task.service, Task.service, Task.service, Task.service),
            # an alert row carries no officer (kpi.AlertRow.officer_id is None): by officer, alerts go uncounted
            "officer_id": (TaskHop.picked_by, none, Task.completed_by, TaskMessage.author),
            None: (none, none, none, none),
            "period": (None,) * 4}[key]
    if key == "period":
        keys = tuple(_period_index(c, starts) for c in (TaskHop.sent_at, Alert.created_at, Task.completed_at,
                                                        TaskMessage.created_at))
    out: dict[object, kpi.TaskStats] = {}

    def stats(k) -> kpi.TaskStats:
        if k not in out:
            out[k] = kpi.TaskStats()
        return out[k]

    by = (SQL("1"), SQL("2"), SQL("3"))   # GROUP BY positions: the same on SQLite and PostgreSQL
    # hops and completions: one pass each serves the counts and the durations (a row per hop or task, its
    # outcome computed by the database), instead of a grouped count and a second walk for the durations
    picked_in_time = (TaskHop.due_at.is_null() | (_epoch(TaskHop.picked_at) <= _epoch(TaskHop.due_at)))
    outcome = Case(None, [(TaskHop.picked_at.is_null(), "not_picked"), (picked_in_time, "in_time")], "late")
    for k, position, o, w in _raw(q["hop"].select(keys[0], TaskHop.to_position, outcome, TaskHop.working_s)):
        st = stats(k)
        st.hops[(position, o)] = st.hops.get((position, o), 0) + 1
        if o != "not_picked" and w is not None:   # picked, with its working time
            st.pickup_s.setdefault(position, []).append(w)
    for k, level, n in _raw(q["alert"].select(keys[1], Alert.level, fn.COUNT(Alert.id)).group_by(*by[:2])):
        stats(k).alerts[level] = n
    in_sop = _epoch(Task.completed_at) <= _epoch(Task.completion_due_at)
    outcome = Case(None, [(Task.completion_due_at.is_null(), "no_sop"), (in_sop, "in_sop")], "late")
    for k, o, paused_s, service, w in _raw(q["completed"].select(keys[2], outcome, Task.paused_s, Task.service,
                                                                 Task.working_s)):
        st = stats(k)
        st.completed[o] = st.completed.get(o, 0) + 1
        st.paused += 1 if (paused_s or 0) > 0 else 0
        st.paused_s += paused_s or 0
        if w is not None:
            st.days.append(w / day_s.get(services.get(service), 27000))
    for k, n in _raw(q["doc"].select(keys[3], fn.COUNT(TaskMessage.id)).group_by(SQL("1"))):
        stats(k).docs = n
    if backlog:
        for t in _backlog_rows(q["backlog"], services, book, now, day_s):
            stats(getattr(t, key) if key else None).backlog.append(t)
    if key is not None:
        out.pop(None, None)   # as kpi.group: a row without the key counts in no group
    for st in out.values():   # sorted once here, each percentile's sort (and a rollup's merge) is then linear
        st.days.sort()
        for seconds in st.pickup_s.values():
            seconds.sort()
    return out


def _period_index(column, starts: list[int]):
    """Which of the consecutive periods beginning at `starts` an instant falls in (the caller's range ends the
    last): one grouped query for twelve months instead of twelve."""
    return Case(None, [(column < utc(s), i) for i, s in enumerate(starts[1:])], len(starts) - 1)


def ticket_rows(period: kpi.Period, service_id: int | None = None, booth_id: int | None = None,
                officer_id: int | None = None, unit_ids: set[int] | None = None) -> list[kpi.TicketRow]:
    q = _tickets(period, Ticket.id, Ticket.service, Ticket.issued_for, Ticket.booth, Ticket.served_by,
                 Ticket.priority, Ticket.outcome, Ticket.business_day.cast("TEXT"), _epoch(Ticket.issued_at),
                 _epoch(Ticket.first_called_at), _epoch(Ticket.started_at), _epoch(Ticket.finished_at),
                 service_id=service_id, booth_id=booth_id, officer_id=officer_id, unit_ids=unit_ids)
    return [kpi.TicketRow._make(r) for r in _raw(q)]


def _tickets(period: kpi.Period, *columns, service_id: int | None = None, booth_id: int | None = None,
             officer_id: int | None = None, unit_ids: set[int] | None = None):
    """The tickets a visitor figure of this period may count (the same filters as `ticket_rows`)."""
    q = Ticket.select(*columns).where((Ticket.issued_at >= utc(period.start)) & (Ticket.issued_at < utc(period.end)))
    # `+ 0`: the filters are checked in the covering index's range, not looked up through the per-column
    # indexes (SQLite, without statistics, prefers those and then reads every ticket of the service in a row)
    if service_id is not None:
        q = q.where((Ticket.service + 0) == service_id)
    if booth_id is not None:
        q = q.where((Ticket.booth + 0) == booth_id)
    if officer_id is not None:
        q = q.where((Ticket.served_by + 0) == officer_id)
    if unit_ids is not None:
        q = q.where((Ticket.service + 0).in_(Service.select(Service.id).where(Service.unit.in_(list(unit_ids)))))
    return q


def _n(condition):
    return fn.SUM(Case(None, [(condition, 1)], 0))


VISITOR_KEYS = {"service": Ticket.service, "booth": Ticket.booth, "officer": Ticket.served_by}


def _visitor_counts(target_s: float) -> list:
    """The VISITOR_COUNTS of a group of tickets, as SQL sums (the same predicates as kpi.visitor_counts)."""
    wait = Ticket.wait_s   # first call - issue in whole seconds (kept by Ticket.save), NULL if never called
    return [fn.COUNT(Ticket.id), _n(Ticket.outcome == "served"), _n(Ticket.outcome == "no_show"),
            _n(Ticket.issued_for != Ticket.service), _n(Ticket.priority.is_null(False)),
            _n(wait.is_null(False)), _n(wait <= target_s), _n(wait > target_s)]


def _visitor_durations(period: kpi.Period, key, out: dict, **filters) -> None:
    """Each group's waits and service times in whole seconds, added to out's (counts, waits, times)."""
    served = (Ticket.outcome == "served") & Ticket.visit_s.is_null(False)   # started and finished
    service = Case(None, [(served, Ticket.visit_s)], None)
    dq = _tickets(period, key, Ticket.wait_s, service, **filters).where(Ticket.wait_s.is_null(False) | served)
    for k, w, sv in _raw(dq):
        _, waits, times = out[k]
        if w is not None:
            waits.append(w)
        if sv is not None:
            times.append(sv)
    for _, waits, times in out.values():   # sorted once here, each percentile's sort is then linear
        waits.sort()
        times.sort()


def visitor_tables(period: kpi.Period, target_s: float, by: str, offset_s: int,
                   **filters) -> tuple[dict, list[tuple[int, int]], dict[tuple[int, str], int]]:
    """The visitor report's three tables from one grouped pass over the period's tickets (and one for the
    durations): what visitor_stats(period, target_s, by), heat_map_hours(period, offset_s) and
    tickets_per_day(period) give each on their own (tests/reports checks it)."""
    hour = (Ticket.issued_s + offset_s) / 3600   # integer division: both sides are integers
    # the day as stored (text on SQLite, a date on PostgreSQL), made text here: a narrower key to group by
    q = (_tickets(period, VISITOR_KEYS[by], Ticket.issued_for, Ticket.business_day, hour,
                  *_visitor_counts(target_s), **filters)
         .group_by(SQL("1"), SQL("2"), SQL("3"), SQL("4")))
    groups: dict = {}
    hours: dict[int, int] = {}
    per_day: dict[tuple[int, str], int] = {}
    for k, issued_for, d, h, *ns in _raw(q):
        hours[h] = hours.get(h, 0) + ns[0]
        per_day[(issued_for, str(d))] = per_day.get((issued_for, str(d)), 0) + ns[0]
        if k not in groups:
            groups[k] = (dict.fromkeys(kpi.VISITOR_COUNTS, 0), [], [])
        counts = groups[k][0]
        for name, n in zip(kpi.VISITOR_COUNTS, ns, strict=True):
            counts[name] += int(n or 0)
    _visitor_durations(period, VISITOR_KEYS[by], groups, **filters)
    return groups, list(hours.items()), per_day


def visitor_stats(period: kpi.Period, target_s: float, by: str | None = None, durations: bool = True,
                  starts: list[int] | None = None, **filters) -> dict:
    """kpi.visitor_counts computed by the database: per group (None: every ticket together) the counts of
    VISITOR_FIGURES' predicates by GROUP BY, and only the integer waits and service times the percentiles
    need. Returns {key: (counts, waits_s, service_s)}; a year at ten times PTSA's volume is a few hundred
    thousand integers instead of as many rows."""
    key = (_period_index(Ticket.issued_at, starts) if by == "period" else VISITOR_KEYS[by]) if by else Value(None)
    q = _tickets(period, key.alias("k"), *_visitor_counts(target_s), **filters)
    if by:
        q = q.group_by(SQL("1"))   # by position: the same on SQLite and PostgreSQL, whatever the key's expression
    out = {r[0]: (dict(zip(kpi.VISITOR_COUNTS, (int(n or 0) for n in r[1:]), strict=True)), [], [])
           for r in _raw(q) if r[1]}
    if durations:
        _visitor_durations(period, key, out, **filters)
    return out


def heat_map_hours(period: kpi.Period, offset_s: int, **filters) -> list[tuple[int, int]]:
    """(local hour, tickets issued) pairs for kpi.heat_map_hours, grouped by the database."""
    hour = (Ticket.issued_s + offset_s) / 3600   # the issue second (kept by Ticket.save): integer division
    return _raw(_tickets(period, hour, fn.COUNT(Ticket.id), **filters).group_by(hour))


def tickets_per_day(period: kpi.Period, **filters) -> dict[tuple[int, str], int]:
    """Tickets issued per (numbering service, business day), for kpi.cap_days_of."""
    day = Ticket.business_day.cast("TEXT")
    q = _tickets(period, Ticket.issued_for, day, fn.COUNT(Ticket.id), **filters).group_by(Ticket.issued_for, day)
    return {(s, str(d)): n for s, d, n in _raw(q)}


# ---- the task report ------------------------------------------------------------------------

def _unit_label(u: Unit) -> dict:
    return {"code": u.code, "name": u.name, "echelon": u.echelon,
            "parent": u.parent.code if u.parent_id else None}


def task_report(staff: Staff, rng: Range, unit_code: str | None = None, service_code: str | None = None,
                officer: str | None = None, with_trend: bool = True) -> dict:
    """The contract: a row per unit (echelon-1 rows with their rollup), each with its trend."""
    v = viewer(staff)
    units = _unit_filter(v, unit_code)
    service = _service(service_code)
    person = _officer(v, officer)
    now = clock.now()
    period = rng.period()
    ids = {u.id for u in units}
    ts = int(now.timestamp())
    parts = task_stats(period, "unit_id", ids, service.id if service else None, person.id if person else None, now)
    empty = kpi.TaskStats()
    prev_parts: dict = {}
    prev_rng = None
    with_trend = with_trend and (rng.last - rng.first).days < TREND_MAX_DAYS
    if with_trend:
        prev_rng = Range(*kpi.previous_range(rng.first, rng.last))
        prev_parts = task_stats(prev_rng.period(), "unit_id", ids, service.id if service else None,
                                person.id if person else None, now, backlog=False)
    out = []
    for u in units:
        mine = parts.get(u.id, empty)
        row = {**_unit_label(u), **kpi.task_summary(mine, ts)}
        if with_trend:
            row["trend"] = kpi.trend(row, kpi.task_summary(prev_parts.get(u.id, empty), ts))
        if u.echelon == 1:
            merged = mine
            for child in units:
                if child.parent_id == u.id:
                    merged = merged.plus(parts.get(child.id, empty))
            row["rollup"] = kpi.task_summary(merged, ts)
        out.append(row)
    return {"from": rng.first.isoformat(), "to": rng.last.isoformat(), "now": iso(now),
            "previous": {"from": prev_rng.first.isoformat(), "to": prev_rng.last.isoformat()} if prev_rng else None,
            "service": service.code if service else None, "officer": person.username if person else None,
            "units": out}


def task_breakdown(staff: Staff, rng: Range, by: str, unit_code: str | None = None) -> dict:
    """The same figures per service or per officer, over the units in view."""
    if by not in ("service", "officer"):
        raise Invalid("'by' must be unit, service or officer")
    v = viewer(staff)
    units = _unit_filter(v, unit_code)
    now, period = clock.now(), rng.period()
    ts = int(now.timestamp())
    parts = task_stats(period, f"{by}_id", {u.id for u in units}, officer_id=v.staff.id if v.officer_only else None,
                       now=now)
    if by == "service":
        labels = {s.id: {"code": s.code, "name": s.name_id, "name_en": s.name_en} for s in Service.select()}
    else:
        labels = {s.id: {"code": s.username, "name": s.full_name} for s in
                  Staff.select().where(Staff.id.in_(list(parts) or [0]))}
    out = [{**labels[k], **kpi.task_summary(p, ts)} for k, p in parts.items() if k in labels]
    out.sort(key=lambda r: r["code"])
    return {"from": rng.first.isoformat(), "to": rng.last.isoformat(), "by": by, "rows": out}


def twelve_months(staff: Staff, month: str | None = None, unit_code: str | None = None) -> dict:
    """A 12-month line ending with `month` (default: this month) for a unit (with its children) or all."""
    v = viewer(staff)
    units = _unit_filter(v, unit_code)
    last = month_range(month) if month else month_range(today().strftime("%Y-%m"))
    now = clock.now()
    first_month = last.first
    for _ in range(11):
        first_month = (first_month - dt.timedelta(days=1)).replace(day=1)
    ts = int(now.timestamp())
    ids, officer_id = {u.id for u in units}, v.staff.id if v.officer_only else None
    months, m = [], first_month
    while m <= last.first:
        months.append(month_range(m.strftime("%Y-%m")))
        m = months[-1].last + dt.timedelta(days=1)
    points = []
    whole = Range(first_month, last.last).period()
    starts = [r.period().start for r in months]   # one grouped query per row kind, grouped by month
    tasks = task_stats(whole, "period", ids, officer_id=officer_id, now=now, backlog=False, starts=starts)
    visitors = visitor_stats(whole, wait_target_s(), "period", durations=False, starts=starts, unit_ids=ids,
                             officer_id=officer_id)
    for i, r in enumerate(months):
        f = kpi.task_summary(tasks.get(i, kpi.TaskStats()), ts)
        stats = visitors.get(i)
        vf = kpi.visitor_summary(*(stats or (dict.fromkeys(kpi.VISITOR_COUNTS, 0), [], [])))
        points.append({"month": r.first.strftime("%Y-%m"), "received": f["received"],
                       "picked_in_time_pct": f["picked_in_time_pct"], "completed": f["completed"],
                       "completed_in_sop_pct": f["completed_in_sop_pct"], "breaches": f["breaches"],
                       "completion_days_p50": f["completion_days_p50"], "issued": vf["issued"],
                       "within_target_pct": vf["within_target_pct"]})
    return {"unit": unit_code, "months": points}


# ---- the visitor report ---------------------------------------------------------------------

def visitor_report(staff: Staff, rng: Range, by: str = "service", service_code: str | None = None,
                   unit_code: str | None = None) -> dict:
    if by not in ("service", "booth", "officer"):
        raise Invalid("'by' must be service, booth or officer")
    v = viewer(staff)
    service = _service(service_code)
    unit_ids = None if (v.staff.role in EVERYTHING and not unit_code) else {u.id for u in _unit_filter(v, unit_code)}
    if v.officer_only:
        unit_ids = None
    period = rng.period()
    target = wait_target_s()
    filters = dict(service_id=service.id if service else None, officer_id=v.staff.id if v.officer_only else None,
                   unit_ids=unit_ids)
    offset = kpi.utc_offset_s(actions.office.timezone)
    groups, hours, per_day = visitor_tables(period, target, by, offset, **filters)
    total = (dict.fromkeys(kpi.VISITOR_COUNTS, 0), [], [])   # every ticket is in one group (None included)
    for counts, waits, times in groups.values():
        for name, n in counts.items():
            total[0][name] += n
        total[1].extend(waits)
        total[2].extend(times)
    if by == "service":
        labels = {s.id: {"code": s.code, "name": s.name_id, "name_en": s.name_en} for s in Service.select()}
    elif by == "booth":
        labels = {b.id: {"code": str(b.number), "name": b.label} for b in Booth.select()}
    else:
        labels = {s.id: {"code": s.username, "name": s.full_name} for s in Staff.select()}
    rows = [{**labels[k], **kpi.visitor_summary(*stats)} for k, stats in groups.items() if k in labels]
    rows.sort(key=lambda r: (len(r["code"]), r["code"]) if by == "booth" else r["code"])
    caps = {s.id: s.daily_cap for s in Service.select(Service.id, Service.daily_cap)}
    codes = {s.id: s.code for s in Service.select(Service.id, Service.code)}
    return {"from": rng.first.isoformat(), "to": rng.last.isoformat(), "by": by,
            "target_minutes": round(target / 60, 1),
            "total": kpi.visitor_summary(*total), "rows": rows,
            "heat_map": kpi.heat_map_hours(hours),
            "cap_days": [{"service": codes[s], "day": d} for s, d in kpi.cap_days_of(per_day, caps)]}


# ---- drill-downs ------------------------------------------------------------------------------

def drill(staff: Staff, rng: Range, figure: str, unit_code: str | None = None, service_code: str | None = None,
          officer: str | None = None, rollup: bool = False, booth: int | None = None) -> dict:
    """Exactly the tasks (or tickets) a figure counts, with what makes them count."""
    v = viewer(staff)
    service = _service(service_code)
    person = _officer(v, officer)
    now, period = clock.now(), rng.period()
    _codes.clear()   # codes by id, for this answer only
    if figure in kpi.TASK_FIGURES:
        units = _unit_filter(v, unit_code)
        if unit_code and not rollup:
            units = units[:1]
        ts = int(now.timestamp())
        kind = kpi.TASK_FIGURES[figure][0]
        rows = task_rows(period, {u.id for u in units}, service.id if service else None,
                         person.id if person else None, now, backlog=kind == "backlog", kinds=(kind,))
        counted = kpi.task_drill(figure, rows, period, ts)
        ids = {r.task_id if kind in ("hop", "alert", "doc") else r.id for r in counted}
        tasks = {t[0]: t for t in _raw(Task.select(Task.id, Task.summary, Task.service, Task.status)
                                       .where(Task.id.in_(list(ids) or [0])))}
        items = [_task_item(kind, r, tasks) for r in counted]
    elif figure in kpi.VISITOR_FIGURES:
        scoped = unit_code or v.staff.role == "supervisor" or v.system
        unit_ids = {u.id for u in _unit_filter(v, unit_code)} if scoped else None
        booth_row = Booth.get_or_none(Booth.number == booth) if booth is not None else None
        tickets = ticket_rows(period, service.id if service else None, booth_row.id if booth_row else None,
                              person.id if person else None, unit_ids)
        counted = kpi.visitor_drill(figure, tickets, period, wait_target_s())
        numbers = dict(_raw(Ticket.select(Ticket.id, Ticket.number).where(
            Ticket.id.in_([t.id for t in counted] or [0])))) if len(counted) < 5000 else {
            i: n for i, n in _raw(Ticket.select(Ticket.id, Ticket.number).where(
                (Ticket.issued_at >= utc(period.start)) & (Ticket.issued_at < utc(period.end))))}
        items = [_ticket_item(t, numbers) for t in counted]
    else:
        raise Invalid(f"unknown figure {figure!r}: one of "
                      f"{', '.join([*kpi.TASK_FIGURES, *kpi.VISITOR_FIGURES])}")
    items.sort(key=lambda i: (i.get("at") or "", i["id"]))
    return {"figure": figure, "from": rng.first.isoformat(), "to": rng.last.isoformat(), "count": len(items),
            "rows": items}


_codes: dict = {}


def _code(model, row_id, attr="code"):
    if row_id is None:
        return None
    key = (model.__name__, row_id)
    if key not in _codes:
        row = model.get_or_none(model.id == row_id)
        _codes[key] = getattr(row, attr) if row else None
    return _codes[key]


def _task_item(kind: str, r, tasks: dict) -> dict:
    task_id, summary, service_id, status = tasks[r.task_id if kind in ("hop", "alert", "doc") else r.id]
    item = {"id": r.id, "kind": kind, "task_id": task_id, "summary": summary,
            "service": _code(Service, service_id), "status": status, "unit": _code(Unit, r.unit_id)}
    if kind == "hop":
        item.update(at=iso(utc(r.sent_at)), position=r.position, due_at=iso(utc(r.due_at)),
                    picked_at=iso(utc(r.picked_at)),
                    pickup_minutes=None if (m := kpi.pickup_minutes(r)) is None else round(m, 1),
                    outcome=kpi.hop_outcome(r))
    elif kind == "alert":
        item.update(at=iso(utc(r.created_at)), level=r.level, hop_id=r.hop_id)
    elif kind == "doc":
        item.update(at=iso(utc(r.created_at)))
    else:
        item.update(at=iso(utc(r.completed_at or r.created_at)), created_at=iso(utc(r.created_at)),
                    completion_due_at=iso(utc(r.completion_due_at)), paused_hours=round(r.paused_s / 3600, 2))
        if kind == "completed":
            item.update(completion_days=None if (d := kpi.completion_days(r)) is None else round(d, 2),
                        outcome=kpi.completion_outcome(r))
        else:
            item.update(age_days=round(r.age_s / r.day_s, 2))
    return item


def _ticket_item(t: kpi.TicketRow, numbers: dict) -> dict:
    wait = None if (w := kpi.wait_s(t)) is None else w / 60
    return {"id": t.id, "kind": "ticket", "number": numbers.get(t.id),
            "service": _code(Service, t.service_id), "issued_for": _code(Service, t.issued_for_id),
            "booth": _code(Booth, t.booth_id, "number"), "officer": _code(Staff, t.officer_id, "username"),
            "priority": t.priority, "outcome": t.outcome, "at": iso(utc(t.issued_at)),
            "first_called_at": iso(utc(t.first_called_at)), "wait_minutes": None if wait is None else round(wait, 1)}


# ---- today, for the supervisor's live tiles -----------------------------------------------

def today_tiles(staff: Staff) -> dict:
    v = viewer(staff)
    ids = [u.id for u in v.units]
    now = clock.now()
    day = today()
    services = Service.select(Service.id).where(Service.unit.in_(ids))
    tickets = Ticket.select().where((Ticket.business_day == day) & Ticket.service.in_(services))
    waiting = tickets.where(Ticket.status == "waiting").count()
    called = tickets.where(Ticket.first_called_at.is_null(False)).count()
    open_tasks = Task.select().where(Task.status.in_(("open", "waiting")) & Task.unit.in_(ids))
    pending = TaskHop.select().where(TaskHop.picked_at.is_null() & TaskHop.closed_at.is_null()
                                     & TaskHop.to_unit.in_(ids) & TaskHop.due_at.is_null(False))
    near = pending.where((TaskHop.warn_at <= now) & (TaskHop.due_at > now)).count()
    start = Range(day, day).period().start
    breaches = (Alert.select().join(TaskHop).where((Alert.level == "breach") & (Alert.created_at >= start)
                                                   & TaskHop.to_unit.in_(ids)).count())
    return {"now": iso(now), "day": day.isoformat(), "waiting": waiting, "called": called,
            "tasks_open": open_tasks.count(), "near_breach": near, "breaches": breaches}
