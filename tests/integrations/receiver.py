"""A reference webhook receiver: a real HTTP server that verifies every signature, can be taken
down and brought back, made slow or made to fail, and remembers what it accepted."""
from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from intranet_server import clock
from intranet_server.rules.integrations import verify


class Receiver:
    def __init__(self, secret: str = ""):
        self.secret = secret
        self.accepted: list[dict] = []          # bodies with a valid signature, in arrival order
        self.seen_ids: list[str] = []
        self.rejected = 0
        self.fail_with: int | None = None       # answer this status instead of 200
        self.delay_s = 0.0
        self._server: ThreadingHTTPServer | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def start(self, port: int = 0) -> "Receiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):   # noqa: N802 - http.server's name
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if receiver.delay_s:
                    threading.Event().wait(receiver.delay_s)
                ok = verify(receiver.secret, self.headers.get("X-PTSA-Signature", ""), raw,
                            clock.now() if clock.now() else dt.datetime.now(dt.timezone.utc))
                if not ok:
                    receiver.rejected += 1
                    self._answer(401, b"bad signature")
                    return
                if receiver.fail_with:
                    self._answer(receiver.fail_with, b"receiver says no")
                    return
                event_id = self.headers["X-PTSA-Event-Id"]
                if event_id not in receiver.seen_ids:   # what a receiver does: deduplicate by event id
                    receiver.seen_ids.append(event_id)
                    receiver.accepted.append(json.loads(raw))
                self._answer(200, b'{"ok": true}')

            def _answer(self, status: int, text: bytes):
                self.send_response(status)
                self.send_header("Content-Length", str(len(text)))
                self.end_headers()
                self.wfile.write(text)

            def log_message(self, *_args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
