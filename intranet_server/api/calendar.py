"""Units and the working calendar on /api/v1."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import jsonify, request

from db.models import Staff, Unit
from db.task_models import CalendarOverride
from intranet_server import clock
from intranet_server.actions import NotFound
from intranet_server.actions import tasks as actions
from intranet_server.api import api
from intranet_server.http import body, current_staff
from intranet_server.reads import calendars
from intranet_server.reads import tasks as task_reads
from intranet_server.reads.calendars import calendar_listing, override_dict
from intranet_server.schemas import doc, parse
from intranet_server.schemas.calendar import (
    AddOverride, CalendarDays, CalendarQuery, CalendarSettings, OverrideList, OverrideOut, UnitCalendar, UnitList,
)
from intranet_server.schemas.tasks import PersonList

# ---- units and the calendar ---------------------------------------------------------------


@api.get("/units")
@doc(summary="Units with their echelon, parent and time zone", tags=["calendar"], response=UnitList)
def list_units():
    current_staff()
    units = Unit.select().where(Unit.active == True).order_by(Unit.echelon, Unit.id)  # noqa: E712
    return jsonify([{**task_reads.unit_dict(u), "parent": u.parent.code if u.parent_id else None,
                     "timezone": u.timezone, "open_on_cuti_bersama": u.open_on_cuti_bersama} for u in units])


def _unit_or_404(code: str) -> Unit:
    unit = Unit.get_or_none(Unit.code == code)
    if unit is None:
        raise NotFound(f"unknown unit {code!r}", code="unknown_unit")
    return unit


@api.get("/units/<code>/staff")
@doc(summary="A unit's P1/P2 receivers (a P1/P2 picks a colleague to reassign to)", tags=["tasks"],
     response=PersonList)
def unit_staff(code: str):
    current_staff()
    unit = _unit_or_404(code)
    people = Staff.select().where((Staff.unit == unit) & (Staff.active == True)  # noqa: E712
                                  & Staff.role.in_(("p1", "p2"))).order_by(Staff.username)
    return jsonify([task_reads.person(p) for p in people])


@api.put("/units/<code>/calendar")
@doc(summary="Whether the unit works on cuti bersama (admin); open deadlines are recomputed", tags=["calendar"],
     body=CalendarSettings, response=UnitCalendar)
def unit_calendar_settings(code: str):
    staff = current_staff("admin")
    data = parse(CalendarSettings, body())
    unit = actions.set_open_on_cuti_bersama(staff.username, code, data.open_on_cuti_bersama)
    return jsonify({**task_reads.unit_dict(unit), "open_on_cuti_bersama": unit.open_on_cuti_bersama})


@api.get("/calendar")
@doc(summary="A unit's working intervals day by day (`?unit=CODE&from=YYYY-MM-DD&days=14`)", tags=["calendar"],
     query=CalendarQuery, response=CalendarDays)
def calendar_days():
    current_staff()
    query = parse(CalendarQuery, request.args.to_dict())
    unit = _unit_or_404(query.unit) if query.unit else None
    now = clock.now()
    calendar = calendars.book(now).for_unit(unit)
    first = query.from_ or now.astimezone(ZoneInfo(calendar.tz)).date()
    return jsonify({"unit": query.unit, "timezone": calendar.tz, "always_open": calendar.always_open,
                    "days": calendar_listing(calendar, first, query.days)})


@api.get("/calendar/overrides")
@doc(summary="The office's calendar overrides", tags=["calendar"], response=OverrideList)
def list_overrides():
    current_staff()
    rows = CalendarOverride.select().order_by(CalendarOverride.first_date, CalendarOverride.id)
    return jsonify([override_dict(r) for r in rows])


@api.post("/calendar/overrides")
@doc(summary="Close dates, open dates, or set a Ramadan-hours period (admin); open deadlines are recomputed "
             "in the same transaction", tags=["calendar"], body=AddOverride, response=OverrideOut, status=201)
def add_override():
    staff = current_staff("admin")
    data = parse(AddOverride, body())
    row = actions.add_calendar_override(staff.username, data.kind, data.first, data.last, data.unit, data.note)
    return jsonify(override_dict(row)), 201


@api.delete("/calendar/overrides/<int:override_id>")
@doc(summary="Remove an override (admin); open deadlines are recomputed", tags=["calendar"], status=204)
def remove_override(override_id: int):
    staff = current_staff("admin")
    actions.remove_calendar_override(staff.username, override_id)
    return "", 204
