"""Socket.IO: who may join which room, and catching up after a reconnect.

Rooms: `display` and `lobby` (public: the board and the kiosks), `booth:<n>`, `service:<code>`,
`kiosk:<name>`, `staff` (every signed-in officer: kiosk printer problems and the like),
`unit:<code>` (a P1/P2 unit's task inbox) and `supervisor:<code>` (its SLA alerts; see reads/scope.py).
Every event carries its room and a per-room `seq`. A client that (re)connects sends
`sync` with the last seq it saw per room and gets the missed events, or a fresh snapshot.
A client may name the rooms it wants live (`auth: {"rooms": [...]}`, e.g. the display board
only `display`): it joins those of its allowed rooms only, and may still `sync` any allowed room.
"""
from __future__ import annotations

import logging
import os
import threading
import time

from flask import request, session
from flask_socketio import SocketIO, join_room

from db.models import Booth, Kiosk, Staff, database
from intranet_server.actions import security
from intranet_server.realtime import events, link
from intranet_server.reads import queue as queue_reads
from intranet_server.actions import ActionError
from intranet_server.actions.kiosks import authenticate_kiosk, kiosk_dict
from intranet_server.reads.scope import snapshot as task_snapshot
from intranet_server.reads.scope import task_rooms

log = logging.getLogger(__name__)
socketio = SocketIO()

# sid -> the rooms this connection may read
_allowed: dict[str, set[str]] = {}
# sid -> the staff session (id hash) it was opened with: ended sessions lose their sockets
_session_of: dict[str, str] = {}
# sids whose connection presence recorded (staff): only they are marked disconnected
_present: set[str] = set()
MAX_SYNC_ROOMS = 64
MAX_SEQ = 2**53     # larger "last seq" values are not a position in any room


def rooms_for_staff(staff: Staff) -> set[str]:
    rooms = {"display", "lobby", "staff"}
    if staff.role == "p0" and staff.booth_id:
        rooms.add(f"booth:{staff.booth.number}")
        rooms |= {f"service:{s.code}" for s in queue_reads.booth_services(staff.booth)}
    if staff.role in ("supervisor", "admin"):
        rooms |= {f"service:{s.code}" for s in queue_reads.all_services()}
    rooms |= task_rooms(staff)   # unit:<code> inboxes, supervisor:<code> alerts
    return rooms


def _identify(auth) -> tuple[set[str], object | None]:
    """The rooms of this connection and its staff session row (None: the display board or a kiosk).
    The browser's Origin was already checked by Engine.IO (`cors_allowed_origins`)."""
    if isinstance(auth, dict) and auth.get("survey_token"):   # a booth's survey tablet: its room only
        if not isinstance(auth["survey_token"], str) or len(auth["survey_token"]) > 256:
            raise ActionError("bad survey tablet token", code="unauthorized", status=401)
        from intranet_server.actions.surveys import authenticate_tablet, survey_room
        return {survey_room(authenticate_tablet(auth["survey_token"]).booth.number)}, None
    row = security.session_for(session.get("sid"))
    if row is not None:
        if row.staff.must_change_password:   # as on the API: nothing but the password change first
            raise ActionError("change your one-time password first", code="password_change_required",
                              status=403)
        return rooms_for_staff(row.staff), row
    if isinstance(auth, dict) and auth.get("token"):
        if not isinstance(auth["token"], str) or len(auth["token"]) > 256:
            raise ActionError("bad kiosk token", code="unauthorized", status=401)
        kiosk = authenticate_kiosk(auth["token"])
        return {"lobby", f"kiosk:{kiosk.name}"}, None
    return {"display", "lobby"}, None


@socketio.on("connect")
def on_connect(auth=None):
    if not session.get("sid") and not (isinstance(auth, dict) and (auth.get("token") or auth.get("survey_token"))):
        return _accept(auth, {"display", "lobby"}, None)   # the display board: no database work at all
    with database.connection_context():
        try:
            rooms, row = _identify(auth)
        except ActionError as exc:
            log.info("socket refused: %s", exc.message)
            if exc.code == "password_change_required":   # the page can say why, in the person's language
                from intranet_server.http import error_body
                raise ConnectionRefusedError(error_body(exc.code, exc.message)) from None
            return False
        return _accept(auth, rooms, row)


def _accept(auth, rooms: set[str], row) -> bool:
    _allowed[request.sid] = rooms
    if row is not None:
        _session_of[request.sid] = row.id_hash
    for room in _wanted(auth, rooms):
        join_room(room)
    if row is not None:
        _presence_connect(auth, row.staff)
    return True


def _wanted(auth, rooms: set[str]) -> set[str]:
    """The allowed rooms this client asked to receive live (all of them when it did not ask)."""
    wanted = auth.get("rooms") if isinstance(auth, dict) else None
    if not isinstance(wanted, list) or len(wanted) > MAX_SYNC_ROOMS:
        return rooms
    return rooms & {r for r in wanted if isinstance(r, str)}


def _presence_connect(auth, staff) -> None:
    """Presence (who of the staff is connected; nothing reads the board's or the kiosks' sockets) is
    bookkeeping: a failure to record it never refuses the socket."""
    from intranet_server.realtime import presence
    try:
        page = auth.get("page") if isinstance(auth, dict) and isinstance(auth.get("page"), str) else ""
        page = page[:40]
        presence.connected(request.sid, staff, "staff", page)
        _present.add(request.sid)
    except Exception:
        log.exception("presence: connect of %s not recorded", request.sid)


@socketio.on("disconnect")
def on_disconnect(*_args):
    _allowed.pop(request.sid, None)
    if request.sid in _present:
        _present.discard(request.sid)
        from intranet_server.realtime import presence
        try:
            with database.connection_context():
                presence.disconnected(request.sid)
        except Exception:
            log.exception("presence: disconnect of %s not recorded", request.sid)
    _session_of.pop(request.sid, None)


def _end_local(hashes) -> int:
    """Disconnect this process's sockets of these sessions (told first, so the page signs out)."""
    ended = set(hashes)
    sids = [sid for sid, h in list(_session_of.items()) if h in ended]
    for sid in sids:
        _allowed.pop(sid, None)
        _session_of.pop(sid, None)
        try:
            socketio.emit("session_ended", {"reason": "signed_out"}, to=sid)
            socketio.server.disconnect(sid, namespace="/", ignore_queue=True)
        except Exception:   # already gone
            log.debug("disconnect of %s failed", sid, exc_info=True)
    return len(sids)


def _revoked(hashes: list[str]) -> None:
    """After a session ended (any process, also `ptsa staff`): its sockets here go at once, and the
    other processes are told through the message queue."""
    _end_local(hashes)
    manager = getattr(socketio.server, "manager", None) if socketio.server else None
    if hasattr(manager, "publish_revocation"):
        manager.publish_revocation(list(hashes))


security.on_revoked(_revoked)
link.PTSARedisManager.revocation_handler = staticmethod(_end_local)   # revocations from other processes


def sweep_sessions() -> int:
    """Disconnect sockets whose session ended where no hook ran (idle timeout, lifetime, another
    process without Redis, the command line). Returns how many went."""
    hashes = sorted(set(_session_of.values()))
    if not hashes:
        return 0
    with database.connection_context():
        alive = security.still_alive(hashes)
    return _end_local([h for h in hashes if h not in alive])


def start_session_sweeper(every: float = 5.0) -> None:
    def loop():
        while True:
            socketio.sleep(every)
            try:
                sweep_sessions()
            except Exception:   # a busy database now is fine: the next turn catches up
                log.debug("session sweep skipped", exc_info=True)
    socketio.start_background_task(loop)


SHARED_SNAPSHOTS = ("display", "lobby")   # the same for every reader, asked by every board at once
SNAPSHOT_TTL = 5.0                         # seconds; opening hours change summaries without an event
_snapshots: dict[str, tuple[object, int, float, object]] = {}
_snapshots_lock = threading.Lock()


def cached_snapshot(room: str, seq: int):
    """The room's snapshot at `seq`: one computation serves every screen that asks until the room's
    next event (a new seq, on any process) or SNAPSHOT_TTL; rooms whose snapshot depends on the
    reader are computed each time."""
    if room not in SHARED_SNAPSHOTS:
        return snapshot(room)
    now, source = time.monotonic(), database.obj     # (tests open several databases in one process)
    with _snapshots_lock:
        hit = _snapshots.get(room)
    if hit is not None and hit[0] is source and hit[1] == seq and hit[2] > now:
        return hit[3]
    value = snapshot(room)
    with _snapshots_lock:
        _snapshots[room] = (source, seq, now + SNAPSHOT_TTL, value)
    return value


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


BAD_SYNC = {"ok": False, "error": "bad_request",
            "message": 'send {"rooms": {"<room>": <last seq (0 or more) or null>}}'}


@socketio.on("sync")
def on_sync(data=None, *extra):
    """`{"rooms": {"display": 41, "lobby": null}}` -> per room `{"events": [[event, payload], ...]}`
    or `{"snapshot": {...}, "seq": n}`. Rooms this connection may not read are answered with an error.
    Always answers: a malformed argument (none, a huge number, a list...) gets `bad_request`."""
    try:
        with database.connection_context():
            answer = _sync(data, extra)
    except Exception:   # never leave a client waiting for an answer
        log.exception("sync failed")
        return {"ok": False, "error": "server_error", "message": "sync failed; try again"}
    if answer.get("error") == "session_ended":
        _end_local([_session_of.get(request.sid)])   # outside the DB context: disconnecting tears down
    return answer


def _sync(data, extra):
    if extra or not isinstance(data, dict) or set(data) != {"rooms"} or not isinstance(data["rooms"], dict):
        return BAD_SYNC
    rooms = data["rooms"]
    if len(rooms) > MAX_SYNC_ROOMS:
        return {**BAD_SYNC, "message": f"at most {MAX_SYNC_ROOMS} rooms per sync"}
    for room, last in rooms.items():
        if not isinstance(room, str) or len(room) > 80 or (last is not None and (
                not isinstance(last, int) or isinstance(last, bool) or not 0 <= last <= MAX_SEQ)):
            return BAD_SYNC
    session_hash = _session_of.get(request.sid)
    if session_hash and not security.still_alive([session_hash]):
        return {"ok": False, "error": "session_ended", "message": "sign in again"}
    allowed = _allowed.get(request.sid, set())
    answer = {}
    for room, last in rooms.items():
        if room not in allowed:
            answer[room] = {"error": "forbidden", "message": f"this connection may not read {room}"}
            continue
        if last is not None:
            missed = events.events_since(room, last)
            if missed is not None:
                answer[room] = {"events": missed, "seq": last + len(missed)}
                continue
        seq = events.current_seq(room)
        answer[room] = {"snapshot": cached_snapshot(room, seq), "seq": seq}
    if os.environ.get("PTSA_VALIDATE_EVENTS") == "1":   # the test suite's contract check (schemas/events.py)
        from intranet_server.schemas.events import validate_sync
        validate_sync({"ok": True, "rooms": answer})
    return {"ok": True, "rooms": answer}


def emit_committed(event: str, message: dict, room: str) -> None:
    socketio.emit(event, message, to=room)
