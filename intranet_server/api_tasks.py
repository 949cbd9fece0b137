"""The task chain, alerts, outbox and calendar on /api/v1. Handlers only parse, authenticate, call an
action and shape the answer; who may do what is decided by the actions."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import Blueprint, jsonify, request

from db.models import Staff, Unit
from db.task_models import CalendarOverride, Task
from intranet_server import clock, sla
from intranet_server.actions import Forbidden, Invalid, NotFound
from intranet_server.actions import tasks as actions
from intranet_server.http import body, current_staff
from intranet_server.queries import iso
from intranet_server.sla import calendars, outbox, scope, views

tasks_api = Blueprint("tasks_api", __name__, url_prefix="/api/v1")
SUPERVISORS = ("supervisor", "admin")


def _now() -> str:
    return iso(clock.now())


def _answer(task: Task, status: int = 200):
    return jsonify({**views.task_dict(Task.get_by_id(task.id), detail=True), "now": _now()}), status


# ---- tasks --------------------------------------------------------------------------------

@tasks_api.get("/tasks")
def list_tasks():
    """P0: the tasks my booth sent; P1/P2: my unit's inbox; supervisors/admin: open tasks in scope."""
    staff = current_staff()
    if staff.role == "p0":
        if staff.booth_id is None:
            raise NotFound("your account is not assigned to a booth")
        tasks = views.booth_tasks(staff.booth)
    elif staff.role in ("p1", "p2"):
        tasks = views.unit_tasks(staff.unit) if staff.unit_id else []
    else:
        tasks = views.scope_tasks(scope.scope_units(staff))
    return jsonify({"now": _now(), "tasks": tasks})


@tasks_api.post("/tasks")
def create_task():
    staff = current_staff("p0")
    data = body()
    task = actions.create_task(staff, data.get("ticket_id"), data.get("summary"), data.get("contact"),
                               data.get("notes"), data.get("unit"))
    return _answer(task, 201)


@tasks_api.get("/tasks/<int:task_id>")
def get_task(task_id: int):
    staff = current_staff()
    task = Task.get_or_none(Task.id == task_id)
    if task is None:
        raise NotFound(f"no task {task_id}")
    if not actions.may_read(staff, task):
        raise Forbidden(f"you have no part in task {task_id}")
    return _answer(task)


def _verb(name, call, roles=("p1", "p2")):
    def handler(task_id: int):
        staff = current_staff(*roles)
        data = body(required=False)
        return _answer(call(staff, task_id, data))
    tasks_api.add_url_rule(f"/tasks/<int:task_id>/{name}", f"task_{name.replace('-', '_')}", handler,
                           methods=["POST"])


_verb("claim", lambda s, i, d: actions.claim(s, i))
_verb("unclaim", lambda s, i, d: actions.unclaim(s, i))
_verb("reassign", lambda s, i, d: actions.reassign(s, i, d.get("username"), d.get("note")),
      ("p1", "p2", "supervisor", "admin"))
_verb("forward", lambda s, i, d: actions.forward(s, i, d.get("unit"), d.get("note")), ("p1",))
_verb("request-document", lambda s, i, d: actions.request_document(s, i, d.get("reason")))
_verb("resume", lambda s, i, d: actions.resume(s, i, d.get("note")), ("p0", "p1", "p2"))
_verb("complete", lambda s, i, d: actions.complete(s, i, d.get("result")))
_verb("return", lambda s, i, d: actions.return_task(s, i, d.get("reason")))
_verb("comment", lambda s, i, d: actions.comment(s, i, d.get("body")), ("p0", "p1", "p2", "supervisor", "admin"))
_verb("cancel", lambda s, i, d: actions.cancel(s, i, d.get("reason")), ("p0",))
_verb("resend", lambda s, i, d: actions.resend(s, i, d.get("unit"), d.get("note")), ("p0",))
_verb("ack", lambda s, i, d: actions.acknowledge(s, i), ("p0",))


# ---- supervisors: alerts, the screen, the outbox ----------------------------------------

@tasks_api.get("/alerts")
def list_alerts():
    staff = current_staff(*SUPERVISORS)
    only_open = request.args.get("status") == "open"
    return jsonify({"now": _now(), "alerts": views.scope_alerts(scope.scope_units(staff), only_open)})


@tasks_api.post("/alerts/<int:alert_id>/ack")
def ack_alert(alert_id: int):
    staff = current_staff(*SUPERVISORS)
    return jsonify(views.alert_dict(actions.acknowledge_alert(staff, alert_id)))


@tasks_api.get("/supervisor")
def supervisor_overview():
    """Everything the supervisor screen shows, in one answer."""
    staff = current_staff(*SUPERVISORS)
    units = scope.scope_units(staff)
    return jsonify({
        "now": _now(),
        "units": [views.unit_dict(u) for u in units],
        "tasks": views.scope_tasks(units),
        "alerts": views.scope_alerts(units),
        "staff": views.unit_staff(units),
        "outbox": views.outbox_rows(None if staff.role == "admin" else units, limit=30),
        "channels": {channel: sla.channel_enabled(channel) for channel in ("email", "sms")},
    })


@tasks_api.get("/outbox")
def list_outbox():
    staff = current_staff(*SUPERVISORS)
    status = request.args.get("status")
    if status is not None and status not in ("pending", "sending", "sent", "failed"):
        raise Invalid("'status' must be pending, sending, sent or failed")
    units = None if staff.role == "admin" else scope.scope_units(staff)
    return jsonify({"now": _now(), **views.outbox_rows(units, status)})


@tasks_api.post("/outbox/retry")
def retry_outbox():
    current_staff("admin")
    data = body(required=False)
    ids = data.get("ids")
    if ids is not None and (not isinstance(ids, list) or not all(isinstance(i, int) for i in ids)):
        raise Invalid("'ids' must be a list of outbox ids")
    return jsonify({"retried": outbox.retry(ids)})


# ---- units and the calendar ---------------------------------------------------------------

@tasks_api.get("/units")
def list_units():
    current_staff()
    units = Unit.select().where(Unit.active == True).order_by(Unit.echelon, Unit.id)  # noqa: E712
    return jsonify([{**views.unit_dict(u), "parent": u.parent.code if u.parent_id else None,
                     "timezone": u.timezone, "open_on_cuti_bersama": u.open_on_cuti_bersama} for u in units])


def _unit_or_404(code: str) -> Unit:
    unit = Unit.get_or_none(Unit.code == code)
    if unit is None:
        raise NotFound(f"unknown unit {code!r}")
    return unit


@tasks_api.get("/units/<code>/staff")
def unit_staff(code: str):
    """The receivers of a unit (a P1/P2 picks a colleague to reassign to)."""
    current_staff()
    unit = _unit_or_404(code)
    people = Staff.select().where((Staff.unit == unit) & (Staff.active == True)  # noqa: E712
                                  & Staff.role.in_(("p1", "p2"))).order_by(Staff.username)
    return jsonify([views.person(p) for p in people])


@tasks_api.put("/units/<code>/calendar")
def unit_calendar_settings(code: str):
    staff = current_staff("admin")
    data = body()
    unit = actions.set_open_on_cuti_bersama(staff.username, code, data.get("open_on_cuti_bersama"))
    return jsonify({**views.unit_dict(unit), "open_on_cuti_bersama": unit.open_on_cuti_bersama})


@tasks_api.get("/calendar")
def calendar_days():
    """The working intervals of a unit's calendar, day by day (`?unit=CODE&from=YYYY-MM-DD&days=14`)."""
    current_staff()
    code = request.args.get("unit")
    unit = _unit_or_404(code) if code else None
    now = clock.now()
    calendar = calendars.book(now).for_unit(unit)
    try:
        first = dt.date.fromisoformat(request.args["from"]) if "from" in request.args else \
            now.astimezone(ZoneInfo(calendar.tz)).date()
        days = int(request.args.get("days", 14))
    except ValueError:
        raise Invalid("'from' is YYYY-MM-DD and 'days' a whole number") from None
    if not 1 <= days <= 366:
        raise Invalid("'days' must be between 1 and 366")
    return jsonify({"unit": code, "timezone": calendar.tz, "always_open": calendar.always_open,
                    "days": calendar_listing(calendar, first, days)})


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
                    "extra_closed": day in calendar.extra_closed, "extra_open": day in calendar.extra_open})
    return out


def override_dict(row: CalendarOverride) -> dict:
    return {"id": row.id, "kind": row.kind, "first": row.first_date.isoformat(), "last": row.last_date.isoformat(),
            "unit": row.unit.code if row.unit_id else None, "note": row.note, "created_by": row.created_by,
            "created_at": iso(row.created_at)}


@tasks_api.get("/calendar/overrides")
def list_overrides():
    current_staff()
    rows = CalendarOverride.select().order_by(CalendarOverride.first_date, CalendarOverride.id)
    return jsonify([override_dict(r) for r in rows])


@tasks_api.post("/calendar/overrides")
def add_override():
    staff = current_staff("admin")
    data = body()
    row = actions.add_calendar_override(staff.username, data.get("kind"), data.get("first"), data.get("last"),
                                        data.get("unit"), data.get("note"))
    return jsonify(override_dict(row)), 201


@tasks_api.delete("/calendar/overrides/<int:override_id>")
def remove_override(override_id: int):
    staff = current_staff("admin")
    actions.remove_calendar_override(staff.username, override_id)
    return "", 204
