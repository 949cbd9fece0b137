"""Who is connected now (from the LiveConnection rows every server process keeps), per unit and
per booth, and when each person was last seen. Nothing here writes."""
from __future__ import annotations

import datetime as dt

from db.models import Booth, Staff, Unit
from db.presence_models import LiveConnection
from intranet_server import clock
from intranet_server.clock import iso

STALE = dt.timedelta(seconds=60)   # = realtime.presence.STALE (three missed 20 s heartbeats)


def _aware(value):
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value


def connections(staff_ids: list[int]) -> dict[int, dict]:
    """staff id -> {"connected": bool, "since", "pages", "last_seen_at"} for those with any row."""
    if not staff_ids:
        return {}
    fresh = clock.now() - STALE
    out: dict[int, dict] = {}
    for row in LiveConnection.select().where(LiveConnection.staff.in_(staff_ids)):
        entry = out.setdefault(row.staff_id, {"connected": False, "since": None, "pages": set(), "last_seen": None})
        seen = _aware(row.seen_at)
        if entry["last_seen"] is None or seen > entry["last_seen"]:
            entry["last_seen"] = seen
        if row.disconnected_at is None and seen >= fresh:
            entry["connected"] = True
            entry["pages"].add(row.page or "other")
            since = _aware(row.connected_at)
            entry["since"] = since if entry["since"] is None else min(entry["since"], since)
    return {sid: {"connected": e["connected"], "since": iso(e["since"]), "pages": sorted(e["pages"]),
                  "last_seen_at": iso(clock.now() if e["connected"] else e["last_seen"])}
            for sid, e in out.items()}


def _person(staff: Staff, seen: dict) -> dict:
    info = seen.get(staff.id, {})
    return {"username": staff.username, "full_name": staff.full_name, "role": staff.role,
            "connected": info.get("connected", False), "since": info.get("since"),
            "pages": info.get("pages", []), "last_seen_at": info.get("last_seen_at")}


def scope_presence(units: list[Unit]) -> dict:
    """The receivers and supervisors of these units, and the front officers of every booth."""
    unit_ids = [u.id for u in units]
    people = list(Staff.select().where(Staff.active == True  # noqa: E712
                                       & (Staff.unit.in_(unit_ids) | (Staff.role == "p0")))
                  .order_by(Staff.username))
    seen = connections([s.id for s in people])
    by_unit = {u.id: [] for u in units}
    by_booth: dict[int, list] = {}
    for s in people:
        if s.role == "p0":
            if s.booth_id:
                by_booth.setdefault(s.booth_id, []).append(_person(s, seen))
        elif s.unit_id in by_unit:
            by_unit[s.unit_id].append(_person(s, seen))
    booths = Booth.select().where(Booth.active == True).order_by(Booth.number)  # noqa: E712
    return {
        "now": iso(clock.now()),
        "units": [{"code": u.code, "name": u.name, "name_en": u.name_en, "people": by_unit[u.id]} for u in units],
        "booths": [{"number": b.number, "label": b.label, "people": by_booth.get(b.id, [])} for b in booths],
    }
