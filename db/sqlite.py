"""SQLite whose wait for the write lock lets the rest of the server run.

A write transaction takes the lock at `BEGIN IMMEDIATE`; while another connection holds it, sqlite3
waits up to its busy timeout in a C sleep. Under eventlet that sleep stops every greenthread of the
process — the lock's holder too, when it is one of them and has yielded inside its transaction (to a
child process, a socket): nothing runs until the timeout ends and the waiter fails with "database is
locked". That happened to the first task of a fresh server, whose deadline needs the holiday list
from a child process, while the lobby publisher began its summary: ten seconds of a frozen server and
a lost summary. So `BEGIN` is tried without sqlite3's wait, and between tries the wait is `time.sleep`,
which eventlet makes green (a thread's sleep otherwise). Statements inside a transaction, and reads,
keep sqlite3's own busy timeout.
"""
from __future__ import annotations

import time

from peewee import OperationalError
from playhouse.pool import PooledSqliteDatabase

FIRST_PAUSE_S = 0.0005
LONGEST_PAUSE_S = 0.02


class GreenSqliteDatabase(PooledSqliteDatabase):

    def __init__(self, *args, busy_timeout_ms: int = 10000, **kwargs):
        super().__init__(*args, **kwargs)
        self.busy_timeout_ms = busy_timeout_ms

    def begin(self, lock_type=None):
        conn = self.connection()
        conn.execute("PRAGMA busy_timeout = 0")
        try:
            deadline = time.monotonic() + self.busy_timeout_ms / 1000
            pause = FIRST_PAUSE_S
            while True:
                try:
                    return super().begin(lock_type)
                except OperationalError as exc:
                    if "locked" not in str(exc) or time.monotonic() >= deadline:
                        raise
                time.sleep(pause)    # the module's attribute: green once eventlet has patched it
                pause = min(pause * 2, LONGEST_PAUSE_S)
        finally:
            conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}")
