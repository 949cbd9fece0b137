"""A python-socketio client that records every event it receives, for end-to-end tests."""
from __future__ import annotations

import threading
import time

import socketio


class Recorder:
    def __init__(self, url: str, *, cookie: str | None = None, token: str | None = None):
        self.url = url
        self.events: list[tuple[str, dict]] = []
        self.lock = threading.Lock()
        self.client = socketio.Client(reconnection=True, reconnection_delay=0.2, reconnection_delay_max=1)
        self.headers = {"Cookie": cookie} if cookie else {}
        self.auth = {"token": token} if token else None
        self.client.on("*", self._record)

    def _record(self, event, data):
        with self.lock:
            self.events.append((event, data))

    def connect(self) -> "Recorder":
        self.client.connect(self.url, headers=self.headers, auth=self.auth, transports=["websocket"],
                            wait_timeout=10)
        return self

    def sync(self, rooms: dict) -> dict:
        return self.client.call("sync", {"rooms": rooms}, timeout=10)

    def wait_for(self, predicate, timeout: float = 10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                for event, data in self.events:
                    if predicate(event, data):
                        return event, data
            time.sleep(0.02)
        raise AssertionError(f"no matching event within {timeout}s; got {[e for e, _ in self.events]}")

    def last_seq(self, room: str) -> int | None:
        with self.lock:
            seqs = [d["seq"] for _, d in self.events if isinstance(d, dict) and d.get("room") == room]
        return max(seqs) if seqs else None

    def close(self):
        self.client.disconnect()


def cookie_of(session) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in session.cookies)
