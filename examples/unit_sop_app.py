#!/usr/bin/env python3
"""A unit's own SOP application, integrated with PTSA: the smallest real one.

It hears its unit's tasks — by webhook (`--listen PORT`: it subscribes itself and verifies every
signature) or from the event feed (`--feed`, for a system behind a firewall) — and works each task that
arrives: claims it, does its part (here: a stand-in for the unit's own processing), and completes it
with a result. Only `requests` and the standard library; run it next to a PTSA server:

    python3 examples/unit_sop_app.py --server http://ptsa:8080 --secret ptsa_c_... --feed
    python3 examples/unit_sop_app.py --server http://ptsa:8080 --secret ptsa_c_... \\
        --listen 9100 --public-url http://this-host:9100/hook

The secret comes from the PTSA administrator (`POST /api/v1/admin/clients` with the scopes
tasks:read and tasks:work). Every claim and completion counts in the unit's SLA and KPI figures.
"""
from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

TOLERANCE_S = 300


def verify_signature(secret: str, header: str, raw_body: bytes, now: float | None = None) -> bool:
    """X-PTSA-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" keyed by the secret>."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((now or time.time()) - timestamp) > TOLERANCE_S:
        return False                                    # a replayed old delivery
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + raw_body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts.get("v1", ""))


class UnitApp:
    def __init__(self, server: str, secret: str):
        self.server = server.rstrip("/")
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {secret}"
        self.seen: set[str] = set()                     # event ids already handled (deliveries are at least once)
        self.lock = threading.Lock()
        self.done: list[int] = []

    def call(self, method: str, path: str, **kwargs) -> dict:
        # One Idempotency-Key per logical call: a retry after a timeout cannot claim or complete twice.
        headers = {"Idempotency-Key": kwargs.pop("key", str(uuid.uuid4()))}
        for attempt in range(5):
            try:
                answer = self.http.request(method, self.server + path, headers=headers, timeout=15, **kwargs)
            except requests.RequestException:
                time.sleep(2 ** attempt)
                continue
            if answer.status_code >= 500:
                time.sleep(2 ** attempt)
                continue
            body = answer.json() if answer.content else {}
            if answer.status_code >= 400:
                raise RuntimeError(f"{method} {path}: {answer.status_code} {body.get('error')}: {body.get('message')}")
            return body
        raise RuntimeError(f"{method} {path}: the server did not answer")

    def handle(self, event: dict) -> None:
        with self.lock:
            if event["id"] in self.seen:
                return
            self.seen.add(event["id"])
        if event["event"] != "task.arrived":
            return
        task = event["task"]
        try:
            self.call("POST", f"/api/v1/tasks/{task['id']}/claim", key=f"claim-{event['id']}")
        except RuntimeError as exc:
            print(f"task {task['id']}: not ours to claim ({exc})", file=sys.stderr)
            return
        result = f"Diproses aplikasi SOP unit / processed by the unit's SOP application: {task['summary']}"
        self.call("POST", f"/api/v1/tasks/{task['id']}/complete", json={"result": result},
                  key=f"complete-{event['id']}")
        self.done.append(task["id"])
        print(f"task {task['id']} completed", flush=True)

    def follow_feed(self, stop: threading.Event) -> None:
        """The event feed, long-polled: for a system that cannot receive webhooks."""
        cursor = 0
        while not stop.is_set():
            try:
                page = self.http.get(f"{self.server}/api/v1/events", params={"after": cursor, "wait": 20},
                                     timeout=30).json()
            except (requests.RequestException, ValueError):
                time.sleep(2)
                continue
            for event in page["events"]:
                self.handle(event)
            cursor = page["next"]

    def listen(self, port: int, public_url: str, stop: threading.Event) -> None:
        hook = self.call("POST", "/api/v1/webhooks", json={"url": public_url, "events": ["task.arrived"]})
        secret, app = hook["secret"], self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if not verify_signature(secret, self.headers.get("X-PTSA-Signature", ""), raw):
                    self.send_response(401)
                    self.end_headers()
                    return
                self.send_response(200)        # answer at once; work the task after
                self.end_headers()
                threading.Thread(target=app.handle, args=(json.loads(raw),), daemon=True).start()

            def log_message(self, *_args):
                pass

        server = ThreadingHTTPServer(("0.0.0.0", port), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        print(f"listening on {port}, subscribed as webhook {hook['id']}", flush=True)
        stop.wait()
        server.shutdown()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--feed", action="store_true", help="long-poll the event feed instead of a webhook")
    parser.add_argument("--listen", type=int, help="port for the webhook receiver")
    parser.add_argument("--public-url", help="the URL PTSA reaches the receiver at")
    args = parser.parse_args()
    app, stop = UnitApp(args.server, args.secret), threading.Event()
    try:
        if args.feed:
            app.follow_feed(stop)
        elif args.listen and args.public_url:
            app.listen(args.listen, args.public_url, stop)
        else:
            parser.error("give --feed, or --listen PORT with --public-url URL")
    except KeyboardInterrupt:
        stop.set()
    return 0


if __name__ == "__main__":
    sys.exit(main())
