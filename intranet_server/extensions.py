"""Capabilities that plug into the app beyond the queue: the task chain and its SLA engine.

`register()` runs inside `create_app` (every app, also the Flask test client's): the SLA settings.
`start_background()` starts the sweeper and the outbox worker; `ptsa serve`
calls it once the app exists, tests call it only when they want the loops running.
"""
from __future__ import annotations

import logging

from intranet_server import sla

log = logging.getLogger(__name__)


def register(app, settings: dict) -> None:
    from intranet_server.actions import bookings
    sla.configure(settings)
    bookings.configure(settings["bookings"])


def start_background(app) -> None:
    """Start the lobby summary publisher, the SLA sweeper and the outbox worker as Socket.IO
    background tasks (green threads under eventlet/gevent, threads otherwise). Idempotent."""
    from intranet_server.realtime import lobby
    from intranet_server.realtime.sockets import socketio
    from intranet_server.sla import engine, outbox
    if app.extensions.get("ptsa_background"):
        return
    app.extensions["ptsa_background"] = True
    create_event = socketio.server.eio.create_event
    lobby.start_publisher(socketio)
    socketio.start_background_task(_load_holidays)
    from intranet_server.realtime.sockets import start_session_sweeper
    start_session_sweeper()   # sockets of sessions ended by idle time, the CLI or another process
    socketio.start_background_task(_maintenance_loop, socketio.sleep)
    engine.start(socketio.start_background_task, create_event, socketio.sleep)
    from intranet_server.realtime import presence
    presence.start(socketio.start_background_task, socketio.sleep)
    outbox.start(socketio.start_background_task, create_event)
    from intranet_server.reports import monthly
    monthly.start(socketio.start_background_task, create_event)


def _load_holidays() -> None:
    from intranet_server import clock
    from intranet_server.reads import calendars
    try:
        calendars.load_holidays(clock.now())
    except RuntimeError as exc:   # the package is damaged: `ptsa check` says so; deadlines will fail with it
        log.warning("the holiday list could not be loaded at start: %s", exc)


def stop_background(app) -> None:
    from intranet_server.realtime import lobby
    from intranet_server.sla import engine, outbox
    lobby.stop_publisher()
    engine.stop()
    outbox.stop()
    from intranet_server.reports import monthly
    monthly.stop()
    app.extensions.pop("ptsa_background", None)


def _maintenance_loop(sleep, every: float = 5.0, prune_every: int = 720) -> None:
    """SQLite: a short WAL checkpoint every few seconds instead of a long one inside some request.
    Hourly: forget real-time events older than two days (a client that old gets a snapshot), old
    sessions, and the integration feed's events past its 30 days."""
    import logging

    import db
    from intranet_server import clock
    from intranet_server.realtime import events
    turns = 0
    while True:
        sleep(every)
        turns += 1
        try:
            db.checkpoint()
            if turns % prune_every == 0:
                with db.database.connection_context(), db.database.atomic():
                    events.prune(clock.now())
                from intranet_server.actions import security
                with db.database.connection_context():
                    security.prune(clock.now())   # old sessions and throttle counters
                from intranet_server.actions import integrations
                with db.database.connection_context():
                    integrations.prune(clock.now())   # the event feed's old events, old idempotency answers
        except Exception:   # a busy database now is fine: the next turn catches up
            logging.getLogger(__name__).debug("maintenance skipped", exc_info=True)
