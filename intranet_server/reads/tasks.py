"""Read models of the task chain for the API, the screens and snapshots. Nothing here writes."""
from __future__ import annotations

import datetime as dt

from peewee import fn

from db.models import AuditEvent, Booth, Service, Staff, Unit
from db.task_models import Alert, Outbox, Task, TaskHop, TaskMessage
from intranet_server import cache, clock
from intranet_server.clock import iso
from intranet_server.rules.tasks import task_verbs_by_viewer

RECENT = dt.timedelta(days=3)     # closed tasks stay on the screens this long
LIST_LIMIT = 200


class Lookup:
    """Rows by id, loaded once per answer: a list of 100 tasks costs a handful of queries."""

    def __init__(self):
        self._units: dict[int, Unit] | None = None
        self._services: dict[int, Service] = {}
        self._staff: dict[int, Staff] = {}
        self._booths: dict[int, Booth] = {}

    def unit(self, unit_id):
        if unit_id is None:
            return None
        if self._units is None:   # the catalog's units, from its short cache
            self._units = cache.services.get("units", lambda: {u.id: u for u in Unit.select()})
        return self._units.get(unit_id) or Unit.get_by_id(unit_id)

    def _get(self, cache, model, row_id):
        if row_id is None:
            return None
        if row_id not in cache:
            cache[row_id] = model.get_or_none(model.id == row_id)
        return cache[row_id]

    def service(self, service_id):
        if service_id is None:
            return None
        from intranet_server.reads.queue import service_row   # the catalog's short cache
        return self._services.get(service_id) or self._services.setdefault(service_id, service_row(service_id))

    def staff(self, staff_id):
        return self._get(self._staff, Staff, staff_id)

    def booth(self, booth_id):
        if booth_id is None:
            return None
        from intranet_server.reads.queue import booth_row
        return self._booths.get(booth_id) or self._booths.setdefault(booth_id, booth_row(booth_id))


def unit_dict(unit: Unit | None) -> dict | None:
    if unit is None:
        return None
    return {"code": unit.code, "name": unit.name, "name_en": unit.name_en, "echelon": unit.echelon}


def person(staff: Staff | None) -> dict | None:
    return {"username": staff.username, "full_name": staff.full_name, "role": staff.role} if staff else None


def hop_dict(hop: TaskHop, look: Lookup) -> dict:
    return {
        "seq": hop.seq, "kind": hop.kind,
        "from_position": hop.from_position, "to_position": hop.to_position,
        "from_unit": unit_dict(look.unit(hop.from_unit_id)), "to_unit": unit_dict(look.unit(hop.to_unit_id)),
        "to_booth": hop.to_booth_id and {"number": look.booth(hop.to_booth_id).number},
        "to_staff": person(look.staff(hop.to_staff_id)),
        "sent_by": person(look.staff(hop.sent_by_id)),
        "sent_at": iso(hop.sent_at), "target_s": hop.target_s,
        "warn_at": iso(hop.warn_at), "due_at": iso(hop.due_at), "escalate_at": iso(hop.escalate_at),
        "picked_at": iso(hop.picked_at), "picked_by": person(look.staff(hop.picked_by_id)),
        "working_s": hop.working_s, "closed_at": iso(hop.closed_at), "note": hop.note,
    }


def message_dict(message: TaskMessage, look: Lookup) -> dict:
    return {"id": message.id, "kind": message.kind, "body": message.body,
            "author": person(look.staff(message.author_id)), "created_at": iso(message.created_at)}


def current_hops(task_ids: list[int]) -> dict[int, TaskHop]:
    """The latest hop of each task (the hop that says where it is now)."""
    if not task_ids:
        return {}
    latest = (TaskHop.select(TaskHop.task, fn.MAX(TaskHop.seq).alias("seq"))
              .where(TaskHop.task.in_(task_ids)).group_by(TaskHop.task))
    pairs = {(row.task_id, row.seq) for row in latest}
    hops = TaskHop.select().where(TaskHop.task.in_(task_ids))
    return {h.task_id: h for h in hops if (h.task_id, h.seq) in pairs}


def task_dict(task: Task, look: Lookup | None = None, hop: TaskHop | None = None,
              detail: bool = False) -> dict:
    look = look or Lookup()
    if hop is None:
        hop = current_hops([task.id]).get(task.id)
    service = look.service(task.service_id)
    ticket = task.ticket if task.ticket_id else None
    booth = look.booth(task.origin_booth_id)
    data = {
        "id": task.id,
        "summary": task.summary, "contact": task.contact, "notes": task.notes,
        "status": task.status, "position": task.position,
        "unit": unit_dict(look.unit(task.unit_id)),
        "assignee": person(look.staff(task.assignee_id)),
        "service": {"code": service.code, "name": {"id": service.name_id, "en": service.name_en},
                    "unit": unit_dict(look.unit(service.unit_id))},
        "ticket": {"id": ticket.id, "number": ticket.number} if ticket else None,
        "origin_booth": {"number": booth.number, "label": booth.label} if booth else None,
        "created_by": person(look.staff(task.created_by_id)),
        "created_at": iso(task.created_at), "updated_at": iso(task.updated_at),
        "completion": {"sop_days": task.sop_days, "due_at": iso(task.completion_due_at),
                       "paused_at": iso(task.paused_at), "paused_s": task.paused_s,
                       "completed_at": iso(task.completed_at), "working_s": task.working_s,
                       "completed_by": person(look.staff(task.completed_by_id))},
        "result": task.result,
        "hop": hop_dict(hop, look) if hop else None,
        # the current pickup deadline, null once picked up or when nobody has to pick it up
        "due_at": iso(hop.due_at) if hop and hop.picked_at is None and hop.closed_at is None else None,
        # One payload goes to every viewer of a room, so it carries the verbs of each way a person
        # can stand to the task (holder, receiver, origin, reader); a screen picks its own by who
        # it is (PTSA.tasks.verbs) and never works out the state machine itself.
        "verbs": task_verbs_by_viewer(
            task.status, task.position, task.assignee_id is not None,
            answer_waiting=bool(hop and hop.to_position == "p0" and hop.picked_at is None)),
    }
    if detail:
        data["hops"] = [hop_dict(h, look) for h in task.hops.order_by(TaskHop.seq)]
        data["messages"] = [message_dict(m, look) for m in task.messages.order_by(TaskMessage.id)]
        data["alerts"] = [alert_dict(a, look, with_task=False) for a in task.alerts.order_by(Alert.id)]
    return data


def task_list(query) -> list[dict]:
    tasks = list(query.limit(LIST_LIMIT))
    hops = current_hops([t.id for t in tasks])
    look = Lookup()
    return [task_dict(t, look, hops.get(t.id)) for t in tasks]


def _recent_or_open():
    """Open tasks and those closed lately, as an id set from two index lookups (status, updated_at):
    a condition with OR let the planner walk every task ever made instead."""
    open_ids = Task.select(Task.id).where(Task.status.in_(("open", "waiting")))
    recent_ids = Task.select(Task.id).where(Task.updated_at >= clock.now() - RECENT)
    return Task.id.in_(open_ids | recent_ids)


def unit_tasks(unit: Unit) -> list[dict]:
    """Every task that reached this unit: at it now, passed on, or recently closed. Driven from the
    open-or-recent tasks (a few, by index) and checked per task for a hop to the unit, so years of
    the unit's closed tasks cost nothing."""
    reached = fn.EXISTS(TaskHop.select(TaskHop.id).where((TaskHop.task == Task.id) & (TaskHop.to_unit == unit)))
    return task_list(Task.select().where(_recent_or_open() & reached).order_by(Task.created_at.desc()))


def booth_tasks(booth: Booth) -> list[dict]:
    return task_list(Task.select().where((Task.origin_booth == booth) & _recent_or_open())
                     .order_by(Task.created_at.desc()))


def scope_tasks(units: list[Unit]) -> list[dict]:
    """Open tasks at the supervisor's units, the most urgent first (see the screen's ordering). The
    open ones are found by the status index first: ordered by creation, the planner walked them all."""
    open_ids = Task.select(Task.id).where(Task.status.in_(("open", "waiting")))
    return task_list(Task.select().where(Task.id.in_(open_ids) & Task.unit.in_([u.id for u in units]))
                     .order_by(Task.created_at))


def alert_dict(alert: Alert, look: Lookup | None = None, with_task: bool = True) -> dict:
    look = look or Lookup()
    hop = alert.hop
    data = {
        "id": alert.id, "level": alert.level, "task_id": alert.task_id,
        "unit": unit_dict(look.unit(alert.unit_id)),
        "hop": {"seq": hop.seq, "kind": hop.kind, "to_unit": unit_dict(look.unit(hop.to_unit_id)),
                "sent_at": iso(hop.sent_at), "due_at": iso(hop.due_at), "picked_at": iso(hop.picked_at)},
        "deadline": iso(alert.deadline), "created_at": iso(alert.created_at),
        "acknowledged_at": iso(alert.acknowledged_at),
        "acknowledged_by": person(look.staff(alert.acknowledged_by_id)),
    }
    if with_task:
        task = alert.task
        service = look.service(task.service_id)
        data["task"] = {"id": task.id, "summary": task.summary, "status": task.status,
                        "service": service.code, "unit": unit_dict(look.unit(task.unit_id)),
                        "assignee": person(look.staff(task.assignee_id))}
    return data


def scope_alerts(units: list[Unit], only_open: bool = False, limit: int = 100) -> list[dict]:
    ids = [u.id for u in units]
    # two index lookups (the alerted unit, the unit that had to pick up): no walk over hop history
    query = (Alert.select(Alert, TaskHop, Task).join(TaskHop).switch(Alert).join(Task)
             .where(Alert.id.in_(Alert.select(Alert.id).where(Alert.unit.in_(ids))
                                 | Alert.select(Alert.id).where(Alert.hop_unit.in_(ids)))))
    if only_open:
        query = query.where(Alert.acknowledged_at.is_null())
    look = Lookup()
    return [alert_dict(a, look) for a in query.order_by(Alert.id.desc()).limit(limit)]


def outbox_dict(row: Outbox) -> dict:
    return {"id": row.id, "channel": row.channel, "address": row.address, "subject": row.subject,
            "status": row.status, "alert_id": row.alert_id, "recipient": row.staff.username if row.staff_id else None,
            "created_at": iso(row.created_at), "held_until": iso(row.held_until),
            "next_attempt_at": iso(row.next_attempt_at) if row.status in ("pending", "sending") else None,
            "attempts": row.attempts, "last_error": row.last_error, "sent_at": iso(row.sent_at)}


def outbox_rows(units: list[Unit] | None, status: str | None = None, limit: int = 100) -> dict:
    query = Outbox.select()
    if units is not None:   # a supervisor: the messages of alerts in their scope
        ids = [u.id for u in units]
        query = query.where(Outbox.alert.in_(Alert.select(Alert.id).where(Alert.unit.in_(ids))))
    counts = {status_: 0 for status_ in ("pending", "sending", "unconfirmed", "sent", "failed", "cancelled")}
    for row in query.select(Outbox.status, fn.COUNT(Outbox.id).alias("n")).group_by(Outbox.status):
        counts[row.status] = row.n
    if status:
        query = query.where(Outbox.status == status)
    rows = query.select(Outbox).order_by(Outbox.id.desc()).limit(limit)
    return {"counts": counts, "messages": [outbox_dict(r) for r in rows]}


def unit_staff(units: list[Unit]) -> list[dict]:
    """The receivers (P1/P2) of these units, what each holds now, and when they last acted on a task."""
    staff = list(Staff.select().where(Staff.unit.in_([u.id for u in units]) & (Staff.active == True)  # noqa: E712
                                      & Staff.role.in_(("p1", "p2"))).order_by(Staff.username))
    holding = dict(Task.select(Task.assignee, fn.COUNT(Task.id)).where(
        Task.status.in_(("open", "waiting")) & Task.assignee.in_([s.id for s in staff]))
        .group_by(Task.assignee).tuples())
    # per person the newest task action, walking the (actor, at) index backwards: flat in history
    last = {}
    for s in staff:
        row = (AuditEvent.select(AuditEvent.at).where((AuditEvent.actor == s.username)
                                                      & AuditEvent.action.startswith("task."))
               .order_by(AuditEvent.at.desc()).limit(1).first())
        if row is not None:
            last[s.username] = row.at
    look = Lookup()
    from intranet_server.reads.presence import connections
    seen = connections([s.id for s in staff])

    def last_active(s):
        # acting on a task or being connected, whichever is later: an officer with the inbox open
        # is active now even before she touches a task
        times = [t for t in (_aware(last.get(s.username)), _aware(seen.get(s.id, {}).get("last_seen_at")))
                 if t is not None]
        return max(times) if times else None
    return [{"username": s.username, "full_name": s.full_name, "role": s.role,
             "unit": look.unit(s.unit_id).code, "holding": holding.get(s.id, 0),
             "connected": seen.get(s.id, {}).get("connected", False),
             "last_active_at": iso(last_active(s))} for s in staff]


def _aware(value):
    if isinstance(value, str):   # SQLite aggregates come back as text
        value = dt.datetime.fromisoformat(value)
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value
