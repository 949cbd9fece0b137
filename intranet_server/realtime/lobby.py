"""Service summaries for the lobby (kiosks, display), published off the hot path.

A summary (people waiting, wait estimate, open or closed) costs several queue_reads. Issuing or
calling a ticket only marks its service as changed, after the commit; a background task
publishes one fresh summary per changed service, `interval` seconds after the change (never in the
middle of the action's own fan-out) and at most every `interval` seconds. Under a
burst of 300 tickets a second the kiosks get a few summaries a second, not 300.
Without the background task (the Flask test client, the CLI) summaries go out at once.

The display board reads the `display` room only. An action that already sent the board its own
message with the summaries it changed (a call, a finish: actions/queue.py) marks its services for
the lobby only; the others (issuing a ticket, a catalog edit) also get the summary in `display`.
"""
from __future__ import annotations

import logging
import threading

from db.models import database
from intranet_server.reads import queue as queue_reads
from intranet_server.realtime.events import publish_many

log = logging.getLogger(__name__)

_changed: dict[int, bool] = {}     # service id -> the display board needs the summary too
_lock = threading.Lock()
_wake = None          # the async framework's Event while the publisher runs


def service_changed(service_id: int, display: bool = True) -> None:
    """Call inside an action's transaction: the summary goes out after the commit, to the lobby
    and (`display`) to the display board."""
    database.after_commit(lambda: _mark(service_id, display))


def _mark(service_id: int, display: bool) -> None:
    with _lock:
        _changed[service_id] = _changed.get(service_id, False) or display
    if _wake is None:
        flush()
    else:
        _wake.set()


def flush(pause=lambda: None) -> int:
    """Publish a summary per changed service, each in its own short transaction, calling `pause`
    between them: under eventlet a long batch would hold up every request for its whole length."""
    with _lock:
        changed = dict(_changed)
        _changed.clear()
    ids = sorted(changed)
    if not ids:
        return 0
    with database.connection_context():
        for service in queue_reads.services_by_id(ids):   # not the cache: a catalog edit clears it only after this runs
            with database.atomic():
                summary = {"service": queue_reads.service_summary(service)}
                rooms = ("lobby", "display") if changed[service.id] else ("lobby",)
                publish_many([(room, "service", summary) for room in rooms])
            pause()
    return len(ids)


def start_publisher(socketio, interval: float = 0.3) -> None:
    """Run the coalescing publisher as a background task of the Socket.IO server."""
    global _wake
    wake = _wake = socketio.server.eio.create_event()

    def loop():
        while _wake is wake:
            wake.wait()
            # the summaries trail the change by `interval`: the action's own messages (a call to every
            # display board) go out first without this work between them, and what else changes
            # meanwhile goes in the same summaries
            socketio.sleep(interval)
            wake.clear()
            try:
                flush(pause=lambda: socketio.sleep(0))
            except Exception:   # keep publishing; the next change retries
                log.exception("lobby summary failed")
            socketio.sleep(interval)

    socketio.start_background_task(loop)


def stop_publisher() -> None:
    """Back to publishing at once; the background loop ends."""
    global _wake
    wake, _wake = _wake, None
    if wake is not None:
        wake.set()
    flush()
