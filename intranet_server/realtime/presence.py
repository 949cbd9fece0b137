"""Presence: who is connected now, across server processes.

Each process records its Socket.IO connections in `LiveConnection` rows, refreshes their
`seen_at` on a heartbeat (one UPDATE per process) and marks them disconnected when the socket
closes. A process that dies stops refreshing: its rows count as gone after STALE and are pruned.
These are bookkeeping rows of the transport, not domain changes: no audit row, no event.
Time comes from `intranet_server.clock`, so tests move it instead of waiting.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import uuid

from db.models import Staff, database
from db.presence_models import LiveConnection
from intranet_server import clock

log = logging.getLogger(__name__)
HEARTBEAT = dt.timedelta(seconds=20)
STALE = HEARTBEAT * 3            # three missed beats: the process is gone
KEEP = dt.timedelta(days=1)      # closed connections stay this long for "last seen"
PROCESS = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
PAGES = ("booth", "inbox", "supervisor", "display", "kiosk", "other")


def connected(sid: str, staff: Staff | None, kind: str, page: str = "") -> None:
    now = clock.now()
    page = page if page in PAGES else "other"
    with database.atomic():
        (LiveConnection.insert(sid=sid, process=PROCESS, staff=staff, kind=kind, page=page,
                               connected_at=now, seen_at=now, disconnected_at=None)
         .on_conflict(conflict_target=[LiveConnection.sid],
                      update={LiveConnection.seen_at: now, LiveConnection.disconnected_at: None,
                              LiveConnection.process: PROCESS})
         .execute())


def disconnected(sid: str) -> None:
    now = clock.now()
    with database.atomic():
        LiveConnection.update(disconnected_at=now, seen_at=now).where(LiveConnection.sid == sid).execute()


def heartbeat() -> int:
    """Refresh this process's open connections; forget what is too old. Returns rows refreshed."""
    now = clock.now()
    with database.atomic():
        n = (LiveConnection.update(seen_at=now)
             .where((LiveConnection.process == PROCESS) & LiveConnection.disconnected_at.is_null()).execute())
        prune(now)
    return n


def prune(now: dt.datetime) -> int:
    return LiveConnection.delete().where(LiveConnection.seen_at < now - KEEP).execute()


def start(start_background_task, sleep) -> None:
    def loop():
        while True:
            sleep(HEARTBEAT.total_seconds())
            try:
                with database.connection_context():
                    heartbeat()
            except Exception:   # a missed beat is retried next time; never kill the loop
                log.exception("presence heartbeat failed")
    start_background_task(loop)
