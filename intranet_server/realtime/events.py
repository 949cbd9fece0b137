"""Real-time events, numbered per room and sent only after the transaction commits.

`publish()` is called by actions inside their transaction: it takes the room's next sequence
number, stores the event (so a reconnecting client can catch up) and schedules the emit for
after the commit. A rolled-back action therefore never reaches a screen.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
from typing import Callable

from db.models import RoomEvent, RoomSeq, database
from intranet_server import clock

log = logging.getLogger(__name__)

Emitter = Callable[[str, str, dict], None]   # (event, payload, room)
_emitter: Emitter | None = None
KEEP_EVENTS = dt.timedelta(days=2)


def set_emitter(emitter: Emitter | None) -> None:
    """Where committed events go: the Socket.IO server in the app, a list in some tests."""
    global _emitter
    _emitter = emitter


def _next_seq(room: str) -> int:
    cursor = (RoomSeq.insert(room=room, value=1)
              .on_conflict(conflict_target=[RoomSeq.room], update={RoomSeq.value: RoomSeq.value + 1})
              .returning(RoomSeq.value)
              .execute())
    return list(cursor)[0].value


def publish(room: str, event: str, payload: dict) -> None:
    if database.transaction_depth() == 0:
        raise RuntimeError("publish() belongs inside an action's transaction")
    seq = _next_seq(room)
    message = dict(payload, room=room, seq=seq)
    if os.environ.get("PTSA_VALIDATE_EVENTS") == "1":
        from intranet_server.schemas.events import validate_event
        # the test suite's contract check: a payload that drifts from its model (schemas/events.py)
        # raises here, the action's transaction rolls back and the test that emitted it fails
        validate_event(event, message)
    RoomEvent.create(room=room, seq=seq, event=event, payload=message, created_at=clock.now())
    database.after_commit(lambda: _send(event, message, room))


def _send(event: str, message: dict, room: str) -> None:
    if _emitter is None:
        return
    try:
        _emitter(event, message, room)
    except Exception:   # a failed emit must not undo a committed action; clients resync by seq
        log.exception("emit of %s to %s failed", event, room)


def current_seq(room: str) -> int:
    row = RoomSeq.get_or_none(RoomSeq.room == room)
    return row.value if row else 0


def events_since(room: str, seq: int, limit: int = 500) -> list[tuple[str, dict]] | None:
    """The room's events after `seq`, or None when they are no longer all kept (send a snapshot)."""
    rows = list(RoomEvent.select().where((RoomEvent.room == room) & (RoomEvent.seq > seq))
                .order_by(RoomEvent.seq).limit(limit + 1))
    latest = current_seq(room)
    if len(rows) > limit or seq > latest:
        return None
    if rows and rows[0].seq != seq + 1:
        return None
    if len(rows) != latest - seq:
        return None
    return [(r.event, r.payload) for r in rows]


def prune(now: dt.datetime) -> int:
    return RoomEvent.delete().where(RoomEvent.created_at < now - KEEP_EVENTS).execute()
