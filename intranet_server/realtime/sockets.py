"""Socket.IO: who may join which room, and catching up after a reconnect.

Rooms: `display` and `lobby` (public: the board and the kiosks), `booth:<n>`, `service:<code>`,
`kiosk:<name>`, `staff` (every signed-in officer: kiosk printer problems and the like),
`unit:<code>` (a P1/P2 unit's task inbox) and `supervisor:<code>` (its SLA alerts; see reads/scope.py).
Every event carries its room and a per-room `seq`. A client that (re)connects sends
`sync` with the last seq it saw per room and gets the missed events, or a fresh snapshot.
"""
from __future__ import annotations

import functools
import logging

from flask import request, session
from flask_socketio import SocketIO, join_room

from db.models import Booth, Kiosk, Staff, database
from intranet_server.realtime import events
from intranet_server.reads import queue as queue_reads
from intranet_server.actions import ActionError
from intranet_server.actions.kiosks import authenticate_kiosk, kiosk_dict
from intranet_server.reads.scope import snapshot as task_snapshot
from intranet_server.reads.scope import task_rooms

log = logging.getLogger(__name__)
socketio = SocketIO()

# sid -> the rooms this connection may read
_allowed: dict[str, set[str]] = {}


def with_db(handler):
    """Flask-SocketIO runs no request hooks for socket events: open the connection here."""
    @functools.wraps(handler)
    def wrapper(*args, **kwargs):
        with database.connection_context():
            return handler(*args, **kwargs)
    return wrapper


def rooms_for_staff(staff: Staff) -> set[str]:
    rooms = {"display", "lobby", "staff"}
    if staff.role == "p0" and staff.booth_id:
        rooms.add(f"booth:{staff.booth.number}")
        rooms |= {f"service:{s.code}" for s in queue_reads.booth_services(staff.booth)}
    if staff.role in ("supervisor", "admin"):
        rooms |= {f"service:{s.code}" for s in queue_reads.all_services()}
    rooms |= task_rooms(staff)   # unit:<code> inboxes, supervisor:<code> alerts
    return rooms


def _identify(auth) -> set[str]:
    if isinstance(auth, dict) and auth.get("survey_token"):   # a booth's survey tablet: its room only
        from intranet_server.actions.surveys import authenticate_tablet, survey_room
        return {survey_room(authenticate_tablet(auth["survey_token"]).booth.number)}
    staff_id = session.get("staff_id")
    if staff_id:
        staff = Staff.get_or_none((Staff.id == staff_id) & (Staff.active == True))  # noqa: E712
        if staff is not None:
            return rooms_for_staff(staff)
    if isinstance(auth, dict) and auth.get("token"):
        kiosk = authenticate_kiosk(auth["token"])
        return {"lobby", f"kiosk:{kiosk.name}"}
    return {"display", "lobby"}


@socketio.on("connect")
@with_db
def on_connect(auth=None):
    try:
        rooms = _identify(auth)
    except ActionError as exc:
        log.info("socket refused: %s", exc.message)
        return False
    _allowed[request.sid] = rooms
    for room in rooms:
        join_room(room)
    return True


@socketio.on("disconnect")
def on_disconnect(*_args):
    _allowed.pop(request.sid, None)


def snapshot(room: str):
    kind, _, key = room.partition(":")
    if kind == "display":
        return queue_reads.display_state()
    if kind == "lobby":
        return {"services": queue_reads.services_summary()}
    if kind == "booth":
        booth = Booth.get_or_none(Booth.number == int(key))
        return queue_reads.booth_state(booth) if booth else None
    if kind == "service":
        return {"service": key}
    if kind == "staff":
        return {"kiosks": [kiosk_dict(k) for k in Kiosk.select().where(Kiosk.revoked_at.is_null())]}
    if kind == "kiosk":
        return {}
    if kind == "survey":
        from intranet_server.reads.surveys import current_offer
        return {"offer": current_offer(int(key))}
    if kind in ("unit", "supervisor"):
        return task_snapshot(room)
    return None


@socketio.on("sync")
@with_db
def on_sync(data):
    """`{"rooms": {"display": 41, "lobby": null}}` -> per room `{"events": [[event, payload], ...]}`
    or `{"snapshot": {...}, "seq": n}`. Rooms this connection may not read are answered with an error."""
    if not isinstance(data, dict) or not isinstance(data.get("rooms"), dict):
        return {"ok": False, "error": "bad_request", "message": 'send {"rooms": {"<room>": <last seq or null>}}'}
    allowed = _allowed.get(request.sid, set())
    answer = {}
    for room, last in data["rooms"].items():
        if room not in allowed:
            answer[room] = {"error": "forbidden", "message": f"this connection may not read {room}"}
            continue
        if isinstance(last, int) and not isinstance(last, bool):
            missed = events.events_since(room, last)
            if missed is not None:
                answer[room] = {"events": missed, "seq": last + len(missed)}
                continue
        seq = events.current_seq(room)
        answer[room] = {"snapshot": snapshot(room), "seq": seq}
    return {"ok": True, "rooms": answer}


def emit_committed(event: str, message: dict, room: str) -> None:
    socketio.emit(event, message, to=room)
