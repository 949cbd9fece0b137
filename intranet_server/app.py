"""The Flask application factory."""
from __future__ import annotations

import datetime as dt
import logging

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

import db
from intranet_server import actions
from intranet_server.realtime import events
from intranet_server.actions import ActionError, Office
from intranet_server.config import load_settings, secret_key
from intranet_server.http import error_response
from intranet_server.realtime.sockets import emit_committed, socketio
from intranet_server.rules.durations import parse_duration
from intranet_server.rules.queue import PriorityPolicy

log = logging.getLogger(__name__)
MAX_BODY = 64 * 1024


def office_from_settings(settings: dict) -> Office:
    queue = settings["queue"]
    max_wait = parse_duration(str(queue["max_wait"]), allow_zero=True) or None   # "0": no aging
    return Office(
        name=settings["office"]["name"],
        timezone=settings["office"]["timezone"],
        policy=PriorityPolicy(queue["policy"], queue["normal_per_priority"], max_wait),
        recall_window=parse_duration(queue["recall_window"]),
        wait_history=int(queue["wait_history"]),
        always_open=settings["calendar"]["mode"] == "always",
    )


def _client_manager(url: str):
    """Several server processes share events through Redis. Keepalive and health checks make a
    half-open Redis connection fail and reconnect instead of silently stalling the listener."""
    if not url:
        return None
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise RuntimeError(f"server.message_queue {url!r}: only Redis (redis://HOST:6379/0) is supported")
    import socketio as python_socketio
    return python_socketio.RedisManager(url, channel="ptsa", redis_options={
        "health_check_interval": 15, "socket_keepalive": True, "socket_connect_timeout": 5})


def create_app(settings: dict | None = None, *, async_mode: str | None = None) -> Flask:
    settings = settings or load_settings()
    app = Flask(__name__, static_folder="web/static", template_folder="web/templates")
    app.config.update(
        SECRET_KEY=secret_key(settings),
        SESSION_COOKIE_NAME="ptsa_session",
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=14),
        MAX_CONTENT_LENGTH=MAX_BODY,
        PTSA=settings,
    )
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    db.connect(settings["database"]["url"])
    pending = db.pending_migrations()
    if pending:
        raise RuntimeError(f"the database schema is not up to date ({', '.join(pending)} pending): "
                           "run `ptsa init` first")
    actions.configure(office_from_settings(settings))
    from intranet_server.reads import reports as report_reads
    report_reads.configure(settings.get("reports"))
    events.set_emitter(emit_committed)

    @app.before_request
    def _open_db():
        db.database.connect(reuse_if_open=True)

    @app.teardown_request
    def _close_db(_exc):
        if not db.database.is_closed():
            db.database.close()

    @app.errorhandler(ActionError)
    def _action_error(exc: ActionError):
        return error_response(exc)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        if request.path.startswith("/api/") or request.path == "/healthz":
            message = {413: f"request body larger than {MAX_BODY // 1024} KiB"}.get(exc.code, exc.description)
            return jsonify({"error": exc.name.lower().replace(" ", "_"), "message": message}), exc.code
        return exc

    @app.get("/healthz")
    def healthz():
        try:
            db.database.execute_sql("SELECT 1")
        except Exception as exc:   # the health check reports, it does not crash
            return jsonify({"status": "error", "database": str(exc)}), 503
        return jsonify({"status": "ok", "database": "ok", "async_mode": socketio.async_mode})

    from intranet_server import api
    from intranet_server.web import web
    api.register(app)
    app.register_blueprint(web)
    from intranet_server import extensions
    extensions.register(app, settings)

    socketio.init_app(
        app,
        async_mode=async_mode or "threading",
        client_manager=_client_manager(settings["server"]["message_queue"]),
        ping_interval=10, ping_timeout=10,
        logger=False, engineio_logger=False,
    )
    return app
