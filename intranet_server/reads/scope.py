"""Who sees which tasks and alerts, and the Socket.IO rooms of the task chain.

Rooms: `unit:<code>` (the unit's P1/P2 inbox: every task that reached the unit),
`supervisor:<code>` (alerts of the unit), and the existing `booth:<n>` (the tasks a booth sent).
A supervisor reads both rooms of their unit and, at an echelon-1 unit, of its echelon-2 units;
an admin reads every unit's rooms.
"""
from __future__ import annotations

from db.models import Staff, Unit
from intranet_server import clock
from intranet_server.clock import iso
from intranet_server.reads import tasks as task_reads


def scope_units(staff: Staff) -> list[Unit]:
    """The units whose tasks and alerts this person oversees or works on."""
    if staff.role == "admin":
        return list(Unit.select().where(Unit.active == True).order_by(Unit.id))  # noqa: E712
    if staff.unit_id is None:
        return []
    unit = staff.unit
    if staff.role == "supervisor" and unit.echelon == 1:
        return [unit, *Unit.select().where((Unit.parent == unit) & (Unit.active == True)).order_by(Unit.id)]  # noqa: E712
    return [unit]


def supervises(staff: Staff, unit_id: int | None) -> bool:
    if staff.role == "admin":
        return True
    return staff.role == "supervisor" and unit_id in {u.id for u in scope_units(staff)}


def task_rooms(staff: Staff) -> set[str]:
    if staff.role in ("p1", "p2") and staff.unit_id:
        return {f"unit:{staff.unit.code}"}
    if staff.role in ("supervisor", "admin"):
        codes = [u.code for u in scope_units(staff)]
        return {f"unit:{c}" for c in codes} | {f"supervisor:{c}" for c in codes}
    return set()


def snapshot(room: str) -> dict | None:
    kind, _, code = room.partition(":")
    unit = Unit.get_or_none(Unit.code == code)
    if unit is None:
        return None
    now = iso(clock.now())
    if kind == "unit":
        return {"now": now, "unit": code, "tasks": task_reads.unit_tasks(unit)}
    if kind == "supervisor":
        return {"now": now, "unit": code, "alerts": task_reads.scope_alerts([unit], only_open=True)}
    return None


def task_event_rooms(task, hop_units: set[int], look: task_reads.Lookup) -> list[str]:
    rooms = [f"unit:{look.unit(u).code}" for u in sorted(hop_units)]
    if task.origin_booth_id:
        rooms.append(f"booth:{look.booth(task.origin_booth_id).number}")
    return rooms
