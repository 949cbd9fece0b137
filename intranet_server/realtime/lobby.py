"""Service summaries for the lobby (kiosks, display), published off the hot path.

A summary (people waiting, wait estimate, open or closed) costs several queue_reads. Issuing or
calling a ticket only marks its service as changed, after the commit; a background task
publishes one fresh summary per changed service, at most every `interval` seconds. Under a
burst of 300 tickets a second the kiosks get a few summaries a second, not 300.
Without the background task (the Flask test client, the CLI) summaries go out at once.
"""
from __future__ import annotations

import logging
import threading

from db.models import database
from intranet_server.reads import queue as queue_reads
from intranet_server.realtime.events import publish

log = logging.getLogger(__name__)

_changed: set[int] = set()
_lock = threading.Lock()
_wake = None          # the async framework's Event while the publisher runs


def service_changed(service_id: int) -> None:
    """Call inside an action's transaction: the summary goes out after the commit."""
    database.after_commit(lambda: _mark(service_id))


def _mark(service_id: int) -> None:
    with _lock:
        _changed.add(service_id)
    if _wake is None:
        flush()
    else:
        _wake.set()


def flush(pause=lambda: None) -> int:
    """Publish a summary per changed service, each in its own short transaction, calling `pause`
    between them: under eventlet a long batch would hold up every request for its whole length."""
    with _lock:
        ids = sorted(_changed)
        _changed.clear()
    if not ids:
        return 0
    with database.connection_context():
        for service in queue_reads.services_by_id(ids):
            with database.atomic():
                publish("lobby", "service", {"service": queue_reads.service_summary(service)})
            pause()
    return len(ids)


def start_publisher(socketio, interval: float = 0.3) -> None:
    """Run the coalescing publisher as a background task of the Socket.IO server."""
    global _wake
    wake = _wake = socketio.server.eio.create_event()

    def loop():
        while _wake is wake:
            wake.wait()
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
