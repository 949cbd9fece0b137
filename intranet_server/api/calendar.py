"""Units and the working calendar on /api/v1."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import jsonify, request

from db.models import Staff, Unit
from db.task_models import CalendarOverride
from intranet_server import clock
from intranet_server.actions import Invalid, NotFound
from intranet_server.actions import tasks as actions
from intranet_server.http import body, current_staff
from intranet_server.reads import calendars
from intranet_server.reads import tasks as task_reads

from intranet_server.api import api
from intranet_server.reads.calendars import calendar_listing, override_dict


# ---- units and the calendar ---------------------------------------------------------------

@api.get("/units")
def list_units():
    current_staff()
    units = Unit.select().where(Unit.active == True).order_by(Unit.echelon, Unit.id)  # noqa: E712
    return jsonify([{**task_reads.unit_dict(u), "parent": u.parent.code if u.parent_id else None,
                     "timezone": u.timezone, "open_on_cuti_bersama": u.open_on_cuti_bersama} for u in units])


def _unit_or_404(code: str) -> Unit:
    unit = Unit.get_or_none(Unit.code == code)
    if unit is None:
        raise NotFound(f"unknown unit {code!r}")
    return unit


@api.get("/units/<code>/staff")
def unit_staff(code: str):
    """The receivers of a unit (a P1/P2 picks a colleague to reassign to)."""
    current_staff()
    unit = _unit_or_404(code)
    people = Staff.select().where((Staff.unit == unit) & (Staff.active == True)  # noqa: E712
                                  & Staff.role.in_(("p1", "p2"))).order_by(Staff.username)
    return jsonify([task_reads.person(p) for p in people])


@api.put("/units/<code>/calendar")
def unit_calendar_settings(code: str):
    staff = current_staff("admin")
    data = body()
    unit = actions.set_open_on_cuti_bersama(staff.username, code, data.get("open_on_cuti_bersama"))
    return jsonify({**task_reads.unit_dict(unit), "open_on_cuti_bersama": unit.open_on_cuti_bersama})


@api.get("/calendar")
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
    from intranet_server.rules.limits import DATE_MAX, DATE_MIN
    if not DATE_MIN <= first <= DATE_MAX - dt.timedelta(days=days - 1):
        raise Invalid(f"tanggal harus antara {DATE_MIN} dan {DATE_MAX} / the days asked for must lie "
                      f"between {DATE_MIN} and {DATE_MAX}")
    return jsonify({"unit": code, "timezone": calendar.tz, "always_open": calendar.always_open,
                    "days": calendar_listing(calendar, first, days)})


@api.get("/calendar/overrides")
def list_overrides():
    current_staff()
    rows = CalendarOverride.select().order_by(CalendarOverride.first_date, CalendarOverride.id)
    return jsonify([override_dict(r) for r in rows])


@api.post("/calendar/overrides")
def add_override():
    staff = current_staff("admin")
    data = body()
    row = actions.add_calendar_override(staff.username, data.get("kind"), data.get("first"), data.get("last"),
                                        data.get("unit"), data.get("note"))
    return jsonify(override_dict(row)), 201


@api.delete("/calendar/overrides/<int:override_id>")
def remove_override(override_id: int):
    staff = current_staff("admin")
    actions.remove_calendar_override(staff.username, override_id)
    return "", 204
