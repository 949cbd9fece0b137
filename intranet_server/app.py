"""The Flask application factory."""
from __future__ import annotations

import datetime as dt
import functools
import logging

from flask import Flask, g, jsonify, request
from werkzeug.exceptions import HTTPException

import db
from intranet_server import actions, http
from intranet_server.actions import security
from intranet_server.realtime import events, link
from intranet_server.actions import ActionError, Office
from intranet_server.config import load_settings, secret_key
from intranet_server.http import error_body, error_response
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


def _client_manager(settings: dict):
    """Several server processes share events through Redis, on a channel of this deployment only
    (realtime/link.py: Redis pub/sub ignores the database number)."""
    return link.client_manager(settings["server"]["message_queue"], link.channel_for(settings))


@functools.lru_cache(maxsize=8)
def _content_security_policy(frame_ancestors: str) -> str:
    # no inline script anywhere: page data travels in data-* attributes (static/js/page-data.js)
    return ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            "media-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
            f"frame-ancestors {frame_ancestors}")


def _security_headers(response, settings: dict):
    """Every answer: CSP, no framing (the display board only where the office allows it), no sniffing,
    no Referer to other sites, and no caching of signed-in pages on shared booth PCs. A header the view
    set itself is kept (one pass over the answer's headers, not a search per header)."""
    embed = str(settings.get("security", {}).get("display_frame_ancestors", "")).strip()
    display = request.path == "/display" and embed
    wanted = [("Content-Security-Policy", _content_security_policy(embed if display else "'none'")),
              ("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "same-origin"),
              ("Cross-Origin-Opener-Policy", "same-origin")]
    if not display:
        wanted.append(("X-Frame-Options", "DENY"))
    if not request.path.startswith("/static/"):
        wanted.append(("Cache-Control", "no-store"))
    if request.is_secure:
        wanted.append(("Strict-Transport-Security", "max-age=31536000"))
    present = {name.lower() for name, _ in response.headers}
    response.headers.extend([(name, value) for name, value in wanted if name.lower() not in present])
    return response


def create_app(settings: dict | None = None, *, async_mode: str | None = None) -> Flask:
    settings = settings or load_settings()
    app = Flask(__name__, static_folder="web/static", template_folder="web/templates")
    app.config.update(
        SECRET_KEY=secret_key(settings),
        SESSION_COOKIE_NAME="ptsa_session",
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
        # The cookie outlives the longest session the office allows; the session row decides (idle, lifetime,
        # sign-out: security). Set once at sign-in, not signed again and sent with every answer.
        PERMANENT_SESSION_LIFETIME=parse_duration(settings["security"]["session_lifetime"]) + dt.timedelta(hours=2),
        SESSION_REFRESH_EACH_REQUEST=False,
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
    security.configure(settings)
    http.trusted_origins = {o.strip().rstrip("/").lower() for o in settings["security"]["trusted_origins"]}
    app.session_interface = http.SessionInterface()
    app.url_map.converters["int"] = http.BoundedInt   # before any route is added: 2^63 in a path is a 404

    @app.before_request
    def _open_db():
        db.database.connect(reuse_if_open=True)

    @app.before_request
    def _guard():
        # one place for every route: JSON shape limits, valid query text, CSRF, then the password
        # change a one-time password demands
        http.guard_args()
        http.guard_json()
        http.check_csrf()
        http.check_password_change()

    @app.after_request
    def _after(response):
        row = g.get("staff_session")
        if row is not None and request.cookies.get(http.CSRF_COOKIE) != row.csrf_token \
                and http.CSRF_COOKIE not in str(response.headers.getlist("Set-Cookie")):
            from intranet_server.api.auth import set_csrf_cookie
            set_csrf_cookie(response, row.csrf_token)
        return _security_headers(response, settings)

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
            response = jsonify(error_body(exc.name.lower().replace(" ", "_"), message))
            response.status_code = exc.code
            for name, value in exc.get_headers():   # e.g. Allow on a 405
                if name.lower() != "content-type":
                    response.headers[name] = value
            return response
        return exc

    @app.get("/healthz")
    def healthz():
        from intranet_server import clock
        from intranet_server.ops import health
        try:
            db.database.execute_sql("SELECT 1")
            backlog = health.outbox_backlog(clock.now())
        except Exception as exc:   # the health check reports, it does not crash
            return jsonify({"status": "error", "database": str(exc), "sweeper": health.sweeper_state()}), 503
        answer = {"status": "ok", "database": "ok", "async_mode": socketio.async_mode,
                  "outbox": backlog, "sweeper": health.sweeper_state()}
        queue_url = settings["server"]["message_queue"]
        if queue_url:
            # degraded, not down: this process still serves; screens on other processes lag until it is back
            ok, detail = link.check(queue_url)
            answer["message_queue"] = "ok" if ok else f"unreachable: {detail}"
            if not ok:
                answer["status"] = "degraded"
        return jsonify(answer)

    from intranet_server.ops import metrics
    metrics.register(app)   # /metrics and the request latency histogram
    if settings["server"]["log_format"] == "json" and settings["server"].get("access_log"):
        from intranet_server.ops.logs import register_access_log
        register_access_log(app)
    from intranet_server import api
    from intranet_server.web import web
    api.register(app)
    app.register_blueprint(web)
    from intranet_server import extensions
    extensions.register(app, settings)

    socketio.init_app(
        app,
        async_mode=async_mode or "threading",
        client_manager=_client_manager(settings),
        cors_allowed_origins=http.allowed_origin,   # a page of another site may not open a socket
        # how soon a silent screen (a pulled cable) counts as gone: every ping_interval a ping, and
        # ping_timeout to answer it; wider for thousands of screens on a busy server (README, Scaling out)
        ping_interval=parse_duration(settings["server"]["ping_interval"]).total_seconds(),
        ping_timeout=parse_duration(settings["server"]["ping_timeout"]).total_seconds(),
        logger=False, engineio_logger=False,
    )
    proxies = int(settings["server"]["trusted_proxies"])
    if proxies:   # behind nginx: scheme, host and client address from X-Forwarded-* (outermost, so
        # Socket.IO's handshake sees them too); with 0 those headers are ignored, as they can be forged
        from werkzeug.middleware.proxy_fix import ProxyFix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies)
    return app
