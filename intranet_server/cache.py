"""A small time-limited cache for rows that change rarely (services, kiosks) on the hot path, and for
each queue's recent service times, which every summary on the lobby's screens asks for.

Entries live a few seconds: a catalog change or a revoked kiosk token takes effect on every
process within that time (at once in the process that made the change, which calls clear())."""
from __future__ import annotations

import threading
import time


class TTLCache:
    def __init__(self, seconds: float):
        self.seconds = seconds
        self._data: dict = {}
        self._lock = threading.Lock()

    def get(self, key, load):
        now = time.monotonic()
        with self._lock:
            hit = self._data.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
        value = load()
        if value is not None:
            with self._lock:
                self._data[key] = (now + self.seconds, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def discard(self, key) -> None:
        with self._lock:
            self._data.pop(key, None)


services = TTLCache(5.0)
kiosks = TTLCache(5.0)
# each queue's recent service times (its wait estimate): dropped at once where a visit of it finishes
service_times = TTLCache(5.0)


def clear_all() -> None:
    """Forget everything (a test's new database, whose ids repeat the previous one's)."""
    for each in (services, kiosks, service_times):
        each.clear()
