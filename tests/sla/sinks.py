"""Real delivery targets for the outbox tests: an SMTP server (aiosmtpd) and an HTTP SMS gateway
that records what it is sent. Both run in threads of the test process on free loopback ports."""
from __future__ import annotations

import email
import json
import threading
import time
from email import policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller

from tests.support.live import free_port


class Mailbox:
    """An SMTP server that keeps every message; stop() and start() again on the same port."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.messages: list[email.message.EmailMessage] = []
        self.lock = threading.Lock()
        self.controller = None
        self.answer_after_s = 0.0     # a slow relay: it keeps the message this long before answering

    async def handle_DATA(self, server, session, envelope):
        if self.answer_after_s:
            import asyncio
            await asyncio.sleep(self.answer_after_s)
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def start(self) -> "Mailbox":
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def received(self, match: str = "") -> list:
        with self.lock:
            return [m for m in self.messages if match in str(m["Subject"])]

    def wait_for(self, count: int, match: str = "", timeout: float = 15.0) -> list:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self.received(match)
            if len(got) >= count:
                return got
            time.sleep(0.05)
        raise AssertionError(f"expected {count} mail(s) matching {match!r} within {timeout}s, got "
                             f"{[str(m['Subject']) for m in self.received()]}")


class SmsSink:
    """An HTTP server that records POSTed JSON; `status` is what it answers (500 = a broken gateway)."""

    def __init__(self):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/sms"
        self.posts: list[dict] = []
        self.headers: list[dict] = []
        self.status = 200
        self.lock = threading.Lock()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                data = json.loads(self.rfile.read(length) or b"null")
                with sink.lock:
                    if sink.status < 300:
                        sink.posts.append(data)
                    sink.headers.append(dict(self.headers))
                self.send_response(sink.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"ok": true}')

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> "SmsSink":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def received(self, match: str = "") -> list[dict]:
        with self.lock:
            return [p for p in self.posts if match in p.get("message", "")]

    def wait_for(self, count: int, match: str = "", timeout: float = 15.0) -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self.received(match)
            if len(got) >= count:
                return got
            time.sleep(0.05)
        raise AssertionError(f"expected {count} SMS matching {match!r} within {timeout}s, got {self.received()}")
