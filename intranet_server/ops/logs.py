"""Logging of `ptsa serve`: text lines (default) or, with `[server] log_format = "json"`, one JSON
object per line (`time`, `level`, `logger`, `message`, `exception` when there is one, and the
request fields of the access log) for journald/Loki/ELK to parse without guessing."""
from __future__ import annotations

import datetime as dt
import json
import logging
import sys
import time

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
ACCESS_FIELDS = ("method", "scheme", "host", "path", "status", "duration_ms", "remote_addr", "user_agent")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in ACCESS_FIELDS:
            if hasattr(record, field):
                entry[field] = getattr(record, field)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure(settings: dict, level: int = logging.INFO, stream=None) -> None:
    """Replace the root logger's handlers with one on standard error (as logging.basicConfig did) in
    the configured format."""
    handler = logging.StreamHandler(stream or sys.stderr)
    if settings["server"]["log_format"] == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)


def register_access_log(app) -> None:
    """One log record per HTTP request (logger `ptsa.access`), used instead of the WSGI server's own
    access lines when the logs are JSON."""
    from flask import g, request
    access = logging.getLogger("ptsa.access")

    @app.before_request
    def _access_start():
        g.ptsa_access_started = time.perf_counter()

    @app.after_request
    def _access_line(response):
        started = g.pop("ptsa_access_started", None)
        duration = round((time.perf_counter() - started) * 1000, 2) if started is not None else None
        access.info("%s %s %s", request.method, request.full_path.rstrip("?"), response.status_code,
                    extra={"method": request.method, "scheme": request.scheme, "host": request.host,
                           "path": request.full_path.rstrip("?"),
                           "status": response.status_code, "duration_ms": duration,
                           "remote_addr": request.remote_addr, "user_agent": request.user_agent.string})
        return response
