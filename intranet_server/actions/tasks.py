"""Task-chain verbs: a P0 turns a visitor's request into a task; P1 and P2 claim, forward, ask,
pause, complete or return it; comments flow both ways. Also the calendar edits (which move open
deadlines) and acknowledging alerts.

Each verb checks who may act (403), then the input (422), then the task's state (409); changes the
rows in one transaction with an audit event; and publishes the task to every room that shows it
after the commit. A verb that creates a deadline wakes the sweeper after the commit too.
"""
from __future__ import annotations

import datetime as dt

from peewee import IntegrityError

from db import locked
from db.models import Service, Staff, Ticket, Unit, database
from db.task_models import Alert, CalendarOverride, Task, TaskHop, TaskMessage
from intranet_server import clock, sla
from intranet_server.actions import Conflict, Forbidden, Invalid, NotFound, audit, check_idempotency_key
from intranet_server.actions import integrations
from intranet_server.realtime.events import publish_many
from intranet_server.clock import iso
from intranet_server.rules.calendar import CalendarError
from intranet_server.rules.tasks import (
    TransitionError, check_transition, completion_due, next_alert, pickup_deadlines, working_seconds,
)
from intranet_server.reads import calendars
from intranet_server.reads import scope
from intranet_server.reads import tasks as task_reads

SUMMARY_MAX, CONTACT_MAX, TEXT_MAX = 500, 120, 5000


# ---- input --------------------------------------------------------------------------------

def _text(value, name: str, max_len: int = TEXT_MAX, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise Invalid(f"'{name}' must be text")
    value = value.strip()
    if required and not value:
        raise Invalid(f"'{name}' must not be empty")
    if len(value) > max_len:
        raise Invalid(f"'{name}' is longer than {max_len} characters")
    return value


def _id(value, name: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise Invalid(f"'{name}' must be a positive whole number")
    return value


def _unit(code, name: str = "unit") -> Unit:
    if not isinstance(code, str) or not code:
        raise Invalid(f"'{name}' must be a unit code such as \"PHIJSK\"")
    unit = Unit.get_or_none((Unit.code == code) & (Unit.active == True))  # noqa: E712
    if unit is None:
        raise NotFound(f"unknown unit {code!r}", code="unknown_unit")
    return unit


def _task(task_id) -> Task:
    _id(task_id, "task id")
    task = locked(Task, task_id)
    if task is None:
        raise NotFound(f"no task {task_id}")
    return task


def _transition(verb: str, task: Task) -> None:
    try:
        check_transition(verb, task.status, task.position, task.assignee_id is not None)
    except TransitionError as exc:
        raise Conflict(str(exc), code="bad_state") from None


# ---- who may act --------------------------------------------------------------------------

def _front_officer(staff: Staff, task: Task) -> None:
    """The P0 at the booth the task came from (whoever staffs that booth now)."""
    if staff.role != "p0" or staff.booth_id is None or staff.booth_id != task.origin_booth_id:
        raise Forbidden(f"only the front officer at the booth that sent task {task.id} may do this")


def _member(staff: Staff, task: Task) -> None:
    """A receiver (P1/P2) of the unit that has the task now."""
    if staff.role != task.position or staff.unit_id is None or staff.unit_id != task.unit_id:
        raise Forbidden(f"task {task.id} is at {task.unit.code if task.unit_id else 'the front office'}; "
                        "only its receivers may do this")


def _holder(staff: Staff, task: Task) -> None:
    _member(staff, task)
    if task.assignee_id is not None and task.assignee_id != staff.id:
        raise Forbidden(f"task {task.id} is held by {task.assignee.full_name}")


def _member_or_holder(staff: Staff, task: Task) -> None:
    """Anyone of the unit while nobody holds the task; then only its holder."""
    _holder(staff, task) if task.assignee_id else _member(staff, task)


def _involved_units(task: Task) -> set[int]:
    return {h.to_unit_id for h in TaskHop.select(TaskHop.to_unit).where(
        (TaskHop.task == task) & TaskHop.to_unit.is_null(False))}


def may_read(staff: Staff, task: Task) -> bool:
    if staff.role == "admin":
        return True
    if staff.role == "p0":
        return staff.booth_id is not None and staff.booth_id == task.origin_booth_id
    units = _involved_units(task)
    if staff.role in ("p1", "p2"):
        return staff.unit_id in units
    return any(scope.supervises(staff, u) for u in units)


def _participant(staff: Staff, task: Task) -> None:
    if not may_read(staff, task):
        raise Forbidden(f"you have no part in task {task.id}")


# ---- hops, messages, events ---------------------------------------------------------------

def _current_hop(task: Task) -> TaskHop | None:
    return TaskHop.select().where(TaskHop.task == task).order_by(TaskHop.seq.desc()).first()


def _set_deadlines(hop: TaskHop, book, raised: set[str] = frozenset()) -> None:
    """Compute the hop's deadlines in the receiving unit's working time; `raised` levels stay raised."""
    task = hop.task
    target = sla.policy().pickup_target(hop.to_position, hop.to_unit.code, task.service.code)
    try:
        deadlines = pickup_deadlines(book.for_unit(hop.to_unit_id), hop.sent_at, target, sla.policy())
    except CalendarError as exc:
        raise Conflict(f"the calendar of {hop.to_unit.code} has no working time: {exc}",
                       code="calendar_closed") from None
    hop.target_s = int(target.total_seconds())
    hop.warn_at, hop.due_at, hop.escalate_at = deadlines.warn_at, deadlines.due_at, deadlines.escalate_at
    upcoming = next_alert(deadlines, raised)
    hop.next_alert_level, hop.next_alert_at = upcoming if upcoming else (None, None)


def _send(task: Task, kind: str, sender: Staff | None, to_position: str, *, to_unit: Unit | None = None,
          to_staff: Staff | None = None, note: str = "", now: dt.datetime, book) -> TaskHop:
    previous = _current_hop(task)
    if previous is not None and previous.picked_at is None and previous.closed_at is None:
        _close(previous, now, book)
    hop = TaskHop(task=task, seq=(previous.seq + 1) if previous else 1, kind=kind,
                  from_position=task.position, to_position=to_position,
                  from_unit=task.unit_id, to_unit=to_unit, to_staff=to_staff, sent_by=sender, sent_at=now,
                  to_booth=task.origin_booth_id if to_position == "p0" else None, note=note)
    if to_position in ("p1", "p2"):
        _set_deadlines(hop, book)
        deadline = hop.next_alert_at
        from intranet_server.sla import engine
        engine.deadline_set(deadline)
    hop.save()
    task.position, task.unit, task.assignee = to_position, to_unit, None
    return hop


def _stop_clock(hop: TaskHop, now: dt.datetime, book) -> None:
    if hop.to_unit_id is not None:
        hop.working_s = working_seconds(book.for_unit(hop.to_unit_id), hop.sent_at, now)
    hop.next_alert_at = hop.next_alert_level = None


def _close(hop: TaskHop, now: dt.datetime, book) -> None:
    """The hop ends without being picked up (returned, reassigned, cancelled)."""
    _stop_clock(hop, now, book)
    hop.closed_at = now
    hop.save()


def _pick(hop: TaskHop, staff: Staff, now: dt.datetime, book) -> None:
    _stop_clock(hop, now, book)
    hop.picked_at, hop.picked_by = now, staff
    hop.save()


def _say(task: Task, author: Staff | None, kind: str, body: str, hop: TaskHop | None = None) -> None:
    TaskMessage.create(task=task, hop=hop or _current_hop(task), author=author, kind=kind, body=body,
                       created_at=clock.now())


def _announce(task: Task, change: str, actor: str | None = None, current: TaskHop | None = None) -> None:
    """The task as it is now, to the booth it came from and to every unit it reached (`current`:
    its current hop, when the verb already holds it)."""
    look = task_reads.Lookup()
    data = task_reads.task_dict(task, look, current)
    message = {"task": data, "change": change, "by": actor, "now": iso(clock.now())}
    involved = _involved_units(task)
    publish_many([(room, "task", message) for room in scope.task_event_rooms(task, involved, look)])
    integrations.task_changed(task, change, involved, data)   # the units' own systems hear it too


def _save(task: Task, actor: str, verb: str, now: dt.datetime, current: TaskHop | None = None, **data) -> Task:
    task.updated_at = now
    task.save()
    audit(actor, f"task.{verb}", "task", task.id, **data)
    _announce(task, verb, actor, current)
    return task


def _completion_calendar(task: Task, book):
    return book.for_unit(task.service.unit_id)


def _end_pause(task: Task, now: dt.datetime, book) -> None:
    """Add the working time spent waiting on the applicant and move the completion deadline on."""
    if task.paused_at is None:
        return
    calendar = _completion_calendar(task, book)
    task.paused_s += working_seconds(calendar, task.paused_at, now)
    task.paused_at = None
    task.completion_due_at = completion_due(calendar, task.created_at, task.sop_days,
                                            dt.timedelta(seconds=task.paused_s))


# ---- the verbs ------------------------------------------------------------------------------

def create_task(staff: Staff, ticket_id, summary, contact=None, notes=None, unit_code=None,
                sms_phone=None, sms_consent=False, idempotency_key=None) -> tuple[Task, bool]:
    """P0: the visitor at my booth needs the back office. The task goes to the echelon-1 unit that
    owns the ticket's service unless another echelon-1 unit is named. With the visitor's consent and
    phone (`sms_phone`, `sms_consent`), she gets an SMS when the task is completed.
    Returns (task, created): the same `idempotency_key` from the same officer (the booth sent the task
    again after its answer was lost) answers the task made the first time."""
    if staff.role != "p0" or staff.booth_id is None:
        raise Forbidden("only a front officer (P0) at a booth creates tasks")
    _id(ticket_id, "ticket_id")
    summary = _text(summary, "summary", SUMMARY_MAX)
    contact = _text(contact, "contact", CONTACT_MAX, required=False)
    notes = _text(notes, "notes", required=False)
    sms_phone = integrations.check_applicant_sms(sms_phone, sms_consent)
    check_idempotency_key(idempotency_key)
    try:
        with database.atomic():
            earlier = _task_made_with(staff, idempotency_key, ticket_id)
            if earlier is not None:
                return earlier, False
            return _create_task(staff, ticket_id, summary, contact, notes, unit_code, sms_phone,
                                idempotency_key), True
    except IntegrityError:
        # the same key sent twice at once (PostgreSQL): the other request made the task
        earlier = _task_made_with(staff, idempotency_key, ticket_id)
        if earlier is None:
            raise
        return earlier, False


def _task_made_with(staff: Staff, idempotency_key, ticket_id) -> Task | None:
    if not idempotency_key:
        return None
    earlier = Task.get_or_none((Task.created_by == staff) & (Task.idempotency_key == idempotency_key))
    if earlier is not None and earlier.ticket_id != ticket_id:
        raise Conflict(f"idempotency_key {idempotency_key!r} was used for the task of another visitor",
                       code="task_key_reused")
    return earlier


def _create_task(staff: Staff, ticket_id, summary, contact, notes, unit_code, sms_phone, idempotency_key) -> Task:
    ticket = Ticket.get_or_none(Ticket.id == ticket_id)
    if ticket is None:
        raise NotFound(f"no ticket {ticket_id}")
    if ticket.booth_id != staff.booth_id:
        raise Forbidden(f"ticket {ticket.number} was not served at your booth")
    service = ticket.service
    if unit_code is None:
        owner = service.unit
        unit = owner.parent if owner.parent_id else owner
    else:
        unit = _unit(unit_code)
        if unit.echelon != 1:
            raise Invalid(f"{unit.code} is an echelon-2 unit: a task goes to an echelon-1 unit first")
    now = clock.now()
    book = calendars.book(now)
    try:
        due = completion_due(book.for_unit(service.unit_id), now, service.sop_days)
    except CalendarError as exc:
        raise Conflict(f"the calendar of {service.unit.code} has no working time: {exc}",
                       code="calendar_closed") from None
    task = Task.create(ticket=ticket, service=service, origin_booth=staff.booth_id, created_by=staff,
                       summary=summary, contact=contact, notes=notes, status="open", position="p0",
                       created_at=now, updated_at=now, sop_days=service.sop_days, completion_due_at=due,
                       idempotency_key=idempotency_key)
    _send(task, "send", staff, "p1", to_unit=unit, now=now, book=book)
    if notes:
        _say(task, staff, "note", notes)
    if sms_phone:
        integrations.record_sms_consent(task, staff, sms_phone, now)
    return _save(task, staff.username, "create", now, ticket=ticket.number, unit=unit.code,
                 service=service.code, sms_on_completion=bool(sms_phone))   # never the number


def claim(staff: Staff, task_id) -> Task:
    with database.atomic():
        task = _task(task_id)
        _member(staff, task)
        if task.assignee_id is not None:
            who = "you" if task.assignee_id == staff.id else task.assignee.full_name
            raise Conflict(f"task {task.id} is already claimed by {who}", code="already_claimed")
        _transition("claim", task)
        now = clock.now()
        hop = _current_hop(task)
        _pick(hop, staff, now, calendars.book(now))
        task.assignee = staff
        return _save(task, staff.username, "claim", now, current=hop, hop=hop.seq, working_s=hop.working_s,
                     in_time=hop.due_at is None or now <= hop.due_at)


def unclaim(staff: Staff, task_id) -> Task:
    """Put the task back into the unit's inbox; its pickup clock starts again."""
    with database.atomic():
        task = _task(task_id)
        _holder(staff, task)
        _transition("unclaim", task)
        now = clock.now()
        unit = task.unit
        _send(task, "release", staff, task.position, to_unit=unit, now=now, book=calendars.book(now))
        return _save(task, staff.username, "unclaim", now)


def reassign(staff: Staff, task_id, username, note=None) -> Task:
    """Hand the task to a named colleague of the same unit (its holder, or the unit's supervisor)."""
    with database.atomic():
        task = _task(task_id)
        if not (task.position in ("p1", "p2") and scope.supervises(staff, task.unit_id)):
            _member_or_holder(staff, task)
        if not isinstance(username, str) or not username:
            raise Invalid("'username' must name a colleague")
        note = _text(note, "note", required=False)
        colleague = Staff.get_or_none((Staff.username == username) & (Staff.active == True))  # noqa: E712
        if colleague is None or colleague.unit_id != task.unit_id or colleague.role != task.position:
            raise Invalid(f"{username} is not a {task.position.upper()} receiver of "
                          f"{task.unit.code if task.unit_id else 'this unit'}")
        if colleague.id == task.assignee_id:
            raise Invalid(f"{username} already holds task {task.id}")
        _transition("reassign", task)
        now = clock.now()
        _send(task, "reassign", staff, task.position, to_unit=task.unit, to_staff=colleague, note=note,
              now=now, book=calendars.book(now))
        if note:
            _say(task, staff, "comment", note)
        return _save(task, staff.username, "reassign", now, to=username)


def forward(staff: Staff, task_id, unit_code, note=None) -> Task:
    """P1: send the task on to one of our echelon-2 units."""
    with database.atomic():
        task = _task(task_id)
        _holder(staff, task)
        target = _unit(unit_code)
        note = _text(note, "note", required=False)
        if target.parent_id != task.unit_id:
            raise Invalid(f"{target.code} is not an echelon-2 unit of {task.unit.code}")
        _transition("forward", task)
        now = clock.now()
        _send(task, "forward", staff, "p2", to_unit=target, note=note, now=now, book=calendars.book(now))
        if note:
            _say(task, staff, "comment", note)
        return _save(task, staff.username, "forward", now, unit=target.code)


def request_document(staff: Staff, task_id, reason) -> Task:
    """Ask the applicant for something missing: the completion clock stops until it arrives."""
    with database.atomic():
        task = _task(task_id)
        _holder(staff, task)
        reason = _text(reason, "reason")
        _transition("request_document", task)
        now = clock.now()
        task.status, task.paused_at = "waiting", now
        _say(task, staff, "document_request", reason)
        return _save(task, staff.username, "request_document", now)


def resume(staff: Staff, task_id, note=None) -> Task:
    """The document arrived (at the booth or at the unit): the completion clock runs again."""
    with database.atomic():
        task = _task(task_id)
        if staff.role == "p0":
            _front_officer(staff, task)
        else:
            _member_or_holder(staff, task)
        note = _text(note, "note", required=False)
        _transition("resume", task)
        now = clock.now()
        _end_pause(task, now, calendars.book(now))
        task.status = "open"
        _say(task, staff, "document_received", note or "-")
        return _save(task, staff.username, "resume", now, paused_s=task.paused_s)


def complete(staff: Staff, task_id, result) -> Task:
    """The answer: it goes back to the booth (and every unit the task passed sees it)."""
    with database.atomic():
        task = _task(task_id)
        _holder(staff, task)
        result = _text(result, "result")
        _transition("complete", task)
        now = clock.now()
        book = calendars.book(now)
        _end_pause(task, now, book)
        calendar = _completion_calendar(task, book)
        task.status, task.result, task.completed_at, task.completed_by = "done", result, now, staff
        task.working_s = max(0, working_seconds(calendar, task.created_at, now) - task.paused_s)
        hop = _send(task, "result", staff, "p0", now=now, book=book)
        _say(task, staff, "result", result, hop)
        integrations.applicant_sms_on_completion(task, now, calendar)
        return _save(task, staff.username, "complete", now, working_s=task.working_s,
                     in_time=task.completion_due_at is None or now <= task.completion_due_at)


def return_task(staff: Staff, task_id, reason) -> Task:
    """Not ours: P2 returns to its echelon-1 unit, P1 returns to the front office."""
    with database.atomic():
        task = _task(task_id)
        _member_or_holder(staff, task)
        reason = _text(reason, "reason")
        _transition("return", task)
        now = clock.now()
        book = calendars.book(now)
        if task.position == "p2":
            arrived = _current_hop(task)
            forwarder = arrived.sent_by if arrived.kind == "forward" else None
            hop = _send(task, "return", staff, "p1", to_unit=task.unit.parent, to_staff=forwarder, note=reason,
                        now=now, book=book)
        else:
            hop = _send(task, "return", staff, "p0", note=reason, now=now, book=book)
            task.status = "returned"
        _say(task, staff, "return", reason, hop)
        return _save(task, staff.username, "return", now, reason=reason)


def comment(staff: Staff, task_id, body) -> Task:
    with database.atomic():
        task = _task(task_id)
        _participant(staff, task)
        body = _text(body, "body")
        _transition("comment", task)
        now = clock.now()
        _say(task, staff, "comment", body)
        return _save(task, staff.username, "comment", now)


def cancel(staff: Staff, task_id, reason) -> Task:
    """P0: the visitor withdrew the request."""
    with database.atomic():
        task = _task(task_id)
        _front_officer(staff, task)
        reason = _text(reason, "reason")
        _transition("cancel", task)
        now = clock.now()
        hop = _current_hop(task)
        if hop.picked_at is None and hop.closed_at is None:
            _close(hop, now, calendars.book(now))
        task.status, task.paused_at = "cancelled", None
        _say(task, staff, "cancel", reason)
        return _save(task, staff.username, "cancel", now, reason=reason)


def resend(staff: Staff, task_id, unit_code=None, note=None) -> Task:
    """P0: send a returned task again, to the same or another echelon-1 unit."""
    with database.atomic():
        task = _task(task_id)
        _front_officer(staff, task)
        note = _text(note, "note", required=False)
        if unit_code is None:
            last = (TaskHop.select().where((TaskHop.task == task) & (TaskHop.to_position == "p1"))
                    .order_by(TaskHop.seq.desc()).first())
            unit = last.to_unit
        else:
            unit = _unit(unit_code)
        if unit.echelon != 1:
            raise Invalid(f"{unit.code} is an echelon-2 unit: a task goes to an echelon-1 unit first")
        _transition("resend", task)
        now = clock.now()
        book = calendars.book(now)
        current = _current_hop(task)
        if current.picked_at is None:
            _pick(current, staff, now, book)     # reading the return counts as taking it
        task.status = "open"
        _send(task, "send", staff, "p1", to_unit=unit, note=note, now=now, book=book)
        if note:
            _say(task, staff, "comment", note)
        return _save(task, staff.username, "resend", now, unit=unit.code)


def acknowledge(staff: Staff, task_id) -> Task:
    """P0: I have read the answer (or the return) and told the visitor."""
    with database.atomic():
        task = _task(task_id)
        _front_officer(staff, task)
        _transition("ack", task)
        hop = _current_hop(task)
        if hop.picked_at is not None:
            raise Conflict(f"task {task.id}'s answer was already acknowledged", code="bad_state")
        now = clock.now()
        _pick(hop, staff, now, calendars.book(now))
        return _save(task, staff.username, "ack", now)


# ---- alerts ---------------------------------------------------------------------------------

def acknowledge_alert(staff: Staff, alert_id) -> Alert:
    """The supervisor has seen it. The earlier levels of the same hop are acknowledged with it:
    one click per late task, not one per level."""
    _id(alert_id, "alert id")
    with database.atomic():
        alert = Alert.get_or_none(Alert.id == alert_id)
        if alert is None:
            raise NotFound(f"no alert {alert_id}")
        if not (scope.supervises(staff, alert.unit_id) or scope.supervises(staff, alert.hop.to_unit_id)):
            raise Forbidden(f"alert {alert.id} is outside your units")
        if alert.acknowledged_at is not None:
            raise Conflict(f"alert {alert.id} was acknowledged by {alert.acknowledged_by.full_name}",
                           code="already_acknowledged")
        now = clock.now()
        from intranet_server.sla.alerts import announce_alert
        same_hop = Alert.select().where((Alert.hop == alert.hop_id) & Alert.acknowledged_at.is_null()
                                        & (Alert.id <= alert.id)).order_by(Alert.id)
        for row in same_hop:
            row.acknowledged_at, row.acknowledged_by = now, staff
            row.save()
            audit(staff.username, "alert.acknowledge", "alert", row.id, task=row.task_id, level=row.level)
            announce_alert(row, "acknowledge")
        return Alert.get_by_id(alert.id)


# ---- the calendar ---------------------------------------------------------------------------

def _date(value, name: str) -> dt.date:
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(value)
        except (TypeError, ValueError):
            raise Invalid(f"'{name}' must be a date written YYYY-MM-DD") from None
    from intranet_server.rules.limits import date_problem
    problem = date_problem(value, name)   # years 0001 or 9999 would overflow the calendar
    if problem:
        raise Invalid(problem)
    return value


def add_calendar_override(actor: str, kind, first, last=None, unit_code=None, note=None) -> CalendarOverride:
    """Close dates, open dates (a holiday worked after all) or set a Ramadan-hours period, for the
    whole office or one unit. Open deadlines move in the same transaction."""
    if kind not in ("closed", "open", "ramadan"):
        raise Invalid("'kind' must be \"closed\", \"open\" or \"ramadan\"")
    first = _date(first, "first")
    last = _date(last, "last") if last is not None else first
    if last < first:
        raise Invalid("'last' is before 'first'")
    if (last - first).days > 366:
        raise Invalid("an override spans at most a year")
    note = _text(note, "note", 200, required=False)
    with database.atomic():
        unit = _unit(unit_code) if unit_code is not None else None
        if kind == "ramadan" and unit is not None:
            raise Invalid("Ramadan hours apply to the whole office; leave out 'unit'")
        clash = CalendarOverride.select().where(
            (CalendarOverride.unit == unit) & (CalendarOverride.first_date <= last)
            & (CalendarOverride.last_date >= first)
            & (CalendarOverride.kind.in_(("ramadan",) if kind == "ramadan" else ("closed", "open"))))
        if unit is None:
            clash = clash.where(CalendarOverride.unit.is_null())
        existing = clash.first()
        if existing is not None:
            raise Conflict(f"{existing.kind} override {existing.first_date}..{existing.last_date} already "
                           "covers some of these dates; remove it first", code="override_overlaps")
        row = CalendarOverride.create(unit=unit, kind=kind, first_date=first, last_date=last, note=note,
                                      created_by=actor, created_at=clock.now())
        audit(actor, "calendar.override", "calendar_override", row.id, kind=kind, first=first.isoformat(),
              last=last.isoformat(), unit=unit.code if unit else None, note=note)
        recompute_deadlines(actor, unit_ids=None if unit is None else {unit.id})
        return row


def remove_calendar_override(actor: str, override_id) -> None:
    _id(override_id, "override id")
    with database.atomic():
        row = CalendarOverride.get_or_none(CalendarOverride.id == override_id)
        if row is None:
            raise NotFound(f"no calendar override {override_id}")
        unit_id = row.unit_id
        audit(actor, "calendar.override_remove", "calendar_override", row.id, kind=row.kind,
              first=row.first_date.isoformat(), last=row.last_date.isoformat())
        row.delete_instance()
        recompute_deadlines(actor, unit_ids=None if unit_id is None else {unit_id})


def set_open_on_cuti_bersama(actor: str, unit_code, value) -> Unit:
    if not isinstance(value, bool):
        raise Invalid("'open_on_cuti_bersama' must be true or false")
    with database.atomic():
        unit = _unit(unit_code)
        unit.open_on_cuti_bersama = value
        unit.save()
        audit(actor, "calendar.cuti_bersama", "unit", unit.id, open=value)
        recompute_deadlines(actor, unit_ids={unit.id})
        return unit


def recompute_deadlines(actor: str, unit_ids: set[int] | None = None) -> int:
    """After a calendar change: every open hop of these units (None: all) and every open task's
    completion deadline, computed again from when they started. Levels already raised stay raised;
    a level whose new deadline has passed is raised by the next sweep. Runs inside the caller's
    transaction; returns how many tasks changed."""
    if database.transaction_depth() == 0:
        raise RuntimeError("recompute_deadlines() belongs inside the calendar edit's transaction")
    calendars.bump_version()
    now = clock.now()
    book = calendars.book(now)
    changed: dict[int, Task] = {}
    hops = TaskHop.select().where(TaskHop.picked_at.is_null() & TaskHop.closed_at.is_null()
                                  & TaskHop.to_unit.is_null(False))
    if unit_ids is not None:
        hops = hops.where(TaskHop.to_unit.in_(list(unit_ids)))
    earliest = None
    for hop in hops:
        before = (hop.warn_at, hop.due_at, hop.escalate_at)
        raised = {a.level for a in Alert.select(Alert.level).where(Alert.hop == hop)}
        _set_deadlines(hop, book, raised)
        if (hop.warn_at, hop.due_at, hop.escalate_at) != before:
            hop.save()
            changed[hop.task_id] = hop.task
            if hop.next_alert_at and (earliest is None or hop.next_alert_at < earliest):
                earliest = hop.next_alert_at
    tasks = Task.select().where(Task.status.in_(("open", "waiting")) & Task.sop_days.is_null(False))
    if unit_ids is not None:
        tasks = tasks.where(Task.service.in_(Service.select(Service.id).where(Service.unit.in_(list(unit_ids)))))
    for task in tasks:
        due = completion_due(_completion_calendar(task, book), task.created_at, task.sop_days,
                             dt.timedelta(seconds=task.paused_s))
        if due != task.completion_due_at:
            task.completion_due_at = due
            task.save()
            changed[task.id] = task
    for task in changed.values():
        audit(actor, "task.recompute", "task", task.id)
        _announce(Task.get_by_id(task.id), "recompute")
    if earliest is not None:
        from intranet_server.sla import engine
        engine.deadline_set(earliest)
    return len(changed)

