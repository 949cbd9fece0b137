"""PostgreSQL with fewer round trips per transaction.

Every statement is a round trip to the server, and on a busy machine the trip costs more than the
statement. Two kinds of text wait and travel with the next statement that must go anyway
(psycopg2 sends several `;`-separated statements in one message and returns the last one's result):

- `BEGIN`, held until the transaction's first statement (a transaction that sends nothing costs
  nothing);
- writes whose result nobody reads (`hold(sql, params)`: the audit row, the event rows), held until
  the next statement, the `COMMIT` or the `ROLLBACK` (which drops them unsent).

Order is kept, so the transaction means what it meant; what changes is where an error in a held write
surfaces: at the next statement or at COMMIT, inside the same transaction, which then rolls back whole.
A ticket issue goes from 9 round trips to 4 (BEGIN with the counter; the ticket, whose INSERT also counts
the people ahead; the audit row with the room's number; the event rows with COMMIT).

The pool (peewee 4) also sent `SELECT 1` each time a request took a connection, to learn whether the
server was still there; a connection given back less than `PING_AFTER_IDLE` seconds ago is taken
without it (a server restarted in between fails that one request, and the broken connection is dropped).
"""
from __future__ import annotations

import time

from peewee import InterfaceError, __exception_wrapper__
from playhouse.pool import PooledPostgresqlDatabase


PING_AFTER_IDLE = 10.0   # seconds in the pool after which a connection is checked before use


class PostgresDatabase(PooledPostgresqlDatabase):

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._given_back: dict[int, float] = {}   # connection key -> when it went back to the pool

    def _is_closed(self, conn):
        given_back = self._given_back.get(self.conn_key(conn))
        if conn.closed or given_back is None or time.monotonic() - given_back > PING_AFTER_IDLE:
            return super()._is_closed(conn)   # the round trip
        return self._adapter.txn_status(conn) == self._adapter.txn_unknown

    def _close(self, conn, close_conn=False):
        self._given_back[self.conn_key(conn)] = time.monotonic()
        super()._close(conn, close_conn)

    def _close_raw(self, conn):
        self._given_back.pop(self.conn_key(conn), None)   # closed for good (stale, idle, broken)
        super()._close_raw(conn)

    def _held(self) -> list[str]:
        held = getattr(self._state, "held", None)
        if held is None:
            held = self._state.held = []
        return held

    def begin(self, isolation_level=None):
        # connect now, as peewee's BEGIN would: connecting inside the transaction resets its state
        self.cursor()
        held = self._held()
        held.clear()   # a transaction starts from nothing, whatever an earlier one left
        level = isolation_level or self._isolation_level
        held.append(f"BEGIN TRANSACTION ISOLATION LEVEL {self._adapter.isolation_level_str(level)}"
                    if level else "BEGIN")
        self._state.begun = False

    def hold(self, sql: str, params=None) -> None:
        """Run this write with the transaction's next statement; at once outside a transaction."""
        if not self.in_transaction():
            self.execute_sql(sql, params)
            return
        cursor = self.cursor()
        # interpolated now, as psycopg2 would at execute (client-side), so it can travel as text
        self._held().append(cursor.mogrify(sql, params or ()).decode())

    def execute_sql(self, sql, params=None):
        held = self._held()
        if not held or not self.in_transaction():
            held.clear()
            return super().execute_sql(sql, params)
        # the held text is already interpolated: its % signs must pass psycopg2's own interpolation,
        # which runs even without parameters (peewee passes an empty tuple, not None)
        text = ";\n".join(h.replace("%", "%%") for h in held) + ";\n" + sql
        held.clear()
        self._state.begun = True
        return super().execute_sql(text, params)

    def commit(self):
        held = self._held()
        if not getattr(self._state, "begun", True) and held == held[:1]:
            held.clear()   # nothing was sent and nothing is waiting: no transaction to end
            return
        self._send(held + ["COMMIT"])

    def rollback(self):
        held = self._held()
        begun = getattr(self._state, "begun", True)
        held.clear()   # held writes are dropped unsent
        if begun:
            self._send(["ROLLBACK"])

    def _send(self, statements: list[str]) -> None:
        self._held().clear()
        if self.is_closed():
            raise InterfaceError("Cannot commit or roll back, database connection not open.")
        self._state.begun = True
        with __exception_wrapper__:
            self.cursor().execute(";\n".join(statements))
