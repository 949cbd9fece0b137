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

from peewee import EXCLUDED

from db.models import RoomEvent, RoomSeq, database
from db.prepared import Param, Prepared, insert_many
from intranet_server import clock

log = logging.getLogger(__name__)

Emitter = Callable[[str, str, dict], None]   # (event, payload, room)
_emitter: Emitter | None = None
KEEP_EVENTS = dt.timedelta(days=2)


def set_emitter(emitter: Emitter | None) -> None:
    """Where committed events go: the Socket.IO server in the app, a list in some tests."""
    global _emitter
    _emitter = emitter


def _next_seqs(counts: dict[str, int]) -> dict[str, int]:
    """Take `counts[room]` numbers in each room at once: one multi-row upsert (SQLite >= 3.35,
    PostgreSQL), rooms in name order so two transactions lock their counter rows in the same order.
    Returns each room's last number taken."""
    rooms = sorted(counts)
    values = {f"room_{i}": room for i, room in enumerate(rooms)}
    values.update((f"value_{i}", counts[room]) for i, room in enumerate(rooms))
    return dict(_take_seqs.execute(len(rooms), **values).fetchall())


# The SQL of every action's two event statements is built once per number of rooms (or rows)
_take_seqs = Prepared(lambda n: (
    RoomSeq.insert_many([{RoomSeq.room: Param(f"room_{i}", RoomSeq.room),
                          RoomSeq.value: Param(f"value_{i}", RoomSeq.value)} for i in range(n)])
    .on_conflict(conflict_target=[RoomSeq.room], update={RoomSeq.value: RoomSeq.value + EXCLUDED.value})
    .returning(RoomSeq.room, RoomSeq.value)))
_insert_events = insert_many(RoomEvent, [RoomEvent.room, RoomEvent.seq, RoomEvent.event, RoomEvent.payload,
                                         RoomEvent.created_at])


def publish(room: str, event: str, payload: dict) -> None:
    publish_many([(room, event, payload)])


def publish_many(messages: list[tuple[str, str, dict]]) -> None:
    """Publish (room, event, payload) messages of one action: two statements for all of them (the
    rooms' numbers, then the event rows in bulk), emitted in this order after the commit."""
    if database.transaction_depth() == 0:
        raise RuntimeError("publish() belongs inside an action's transaction")
    if not messages:
        return
    counts: dict[str, int] = {}
    for room, _event, _payload in messages:
        counts[room] = counts.get(room, 0) + 1
    last = _next_seqs(counts)
    taken = {room: last[room] - n for room, n in counts.items()}
    validate = os.environ.get("PTSA_VALIDATE_EVENTS") == "1"
    now, rows, out = clock.now(), {}, []
    for room, event, payload in messages:
        taken[room] += 1
        message = dict(payload, room=room, seq=taken[room])
        if validate:
            from intranet_server.schemas.events import validate_event
            # the test suite's contract check: a payload that drifts from its model (schemas/events.py)
            # raises here, the action's transaction rolls back and the test that emitted it fails
            validate_event(event, message)
        i = len(out)
        rows.update({f"room_{i}": room, f"seq_{i}": message["seq"], f"event_{i}": event,
                     f"payload_{i}": message, f"created_at_{i}": now})
        out.append((event, message, room))
    _insert_events.hold(len(out), **rows)   # no result read: it travels with the next statement
    database.after_commit(lambda: [_send(*sent) for sent in out])


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
