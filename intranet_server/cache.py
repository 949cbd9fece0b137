"""A small time-limited cache for rows that change rarely (services, kiosks) on the hot path.

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


services = TTLCache(5.0)
kiosks = TTLCache(5.0)
