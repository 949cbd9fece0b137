"""The sweeper: one loop that sleeps until the earliest pending alert deadline and raises what is due.

Why it looks like this:
- It does not poll. Each turn asks the database one indexed question (the smallest
  `task_hop.next_alert_at`) and then blocks on an *event* until that instant. The event comes from
  the async mode in use (`socketio.server.eio.create_event()`: a green event under eventlet/gevent,
  a threading.Event otherwise), so the code stays mode-neutral and an idle server costs no CPU.
- An action that creates an earlier deadline calls `notify(at)` after its commit; if `at` is before
  the instant the loop sleeps until, the event is set and the loop re-plans at once. So a new
  3-second target is met as precisely as a 15-minute one.
- Deadlines made by *other* processes reach us too: on PostgreSQL the action's transaction also
  runs `pg_notify('ptsa_sla', <instant>)`, which PostgreSQL delivers at commit (never for a rolled
  back change) to every process's `DeadlineListener`, and that sets the same event. A recompute on
  one process that makes deadlines due at once is therefore seen by the leader at once, not after
  its sleep. The sleep stays capped at min(sla.max_sleep, half the shortest warning lead) as a
  safety net for a lost notification (the listener reconnecting, say).
- With several server processes on PostgreSQL, only the holder of an advisory lock sweeps; the
  others try for the lock every `[sla] leader_retry` (3 s), so a dead leader (its connection, and
  with it the lock, gone) is replaced within a few seconds. If two ever sweep, the unique
  (hop, level) key still makes every alert exactly once.

`sweep(now)` is the same work done synchronously, for tests with a frozen clock and for the CLI.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading

from db import is_postgres
from db.models import database
from intranet_server import clock, sla
from intranet_server.rules.durations import parse_duration
from intranet_server.sla import alerts

log = logging.getLogger(__name__)
LOCK_KEY = 0x50545341_534C41   # "PTSA" "SLA": the advisory lock of the leading sweeper
CHANNEL = "ptsa_sla"           # LISTEN/NOTIFY channel: "a deadline at <ISO instant> was stored"
EARLY = 0.002                  # wake a hair after the deadline, never before it
ERROR_PAUSE = 2.0


def deadline_set(at: dt.datetime | None) -> None:
    """Call inside the transaction that stores a deadline: after the commit this process's sweeper
    and, on PostgreSQL, every other process's (through NOTIFY, sent by PostgreSQL at commit) re-plan."""
    if at is None:
        return
    database.after_commit(lambda: notify(at))
    if is_postgres():
        database.execute_sql("SELECT pg_notify(%s, %s)", (CHANNEL, at.isoformat()))


def sweep(now: dt.datetime | None = None) -> list:
    """Raise every alert due at `now` (default: the clock); returns the alerts raised."""
    now = now or clock.now()
    with database.connection_context():
        return alerts.raise_due(now)


class PostgresLeader:
    """Leadership = holding a session advisory lock on a connection of our own (not the pool's,
    whose connections come and go). If that connection dies, so does the lock, and another
    process takes over within one of its turns."""

    def __init__(self):
        self._conn = None

    def is_leader(self) -> bool:
        import psycopg2
        try:
            if self._conn is None or self._conn.closed:
                obj = database.obj
                self._conn = psycopg2.connect(dbname=obj.database, **obj.connect_params)
                self._conn.autocommit = True
                self._held = False
            if self._held:
                with self._conn.cursor() as cur:
                    cur.execute("SELECT 1")
                return True
            with self._conn.cursor() as cur:
                cur.execute("SELECT pg_try_advisory_lock(%s)", (LOCK_KEY,))
                self._held = bool(cur.fetchone()[0])
            return self._held
        except psycopg2.Error:
            log.warning("sweeper lost its leadership connection; will retry")
            self.close()
            return False

    def close(self) -> None:
        if self._conn is not None:
            if self._held:
                try:
                    # released now, not when the server notices the closed connection (its backend
                    # exits a moment later): a clean stop hands the leadership over at once
                    with self._conn.cursor() as cur:
                        cur.execute("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))
                except Exception:   # noqa: BLE001 - a broken connection: its lock dies with it
                    pass
            try:
                if self._held and not self._conn.closed:
                    # release explicitly: after close() the server drops the lock only once its backend
                    # has exited, so another process asking at once could still be refused
                    with self._conn.cursor() as cur:
                        cur.execute("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))
                self._conn.close()
            except Exception:   # noqa: BLE001 - closing a broken connection
                pass
        self._conn, self._held = None, False


class AlwaysLeader:
    def is_leader(self) -> bool:
        return True

    def close(self) -> None:
        pass


class Loop:
    """A background loop that sleeps until its next instant or until notified of an earlier one.
    `turn()` does the work and returns the next instant (None: nothing pending)."""

    name = "loop"

    def __init__(self, event_factory=threading.Event, max_sleep: float = 30.0):
        self._event = event_factory()
        self._wake_at: dt.datetime | None = None
        self._stopped = False
        self.max_sleep = max_sleep
        self.turns = 0

    def notify(self, at: dt.datetime | None) -> None:
        """Something now has an instant `at`: wake up if that is earlier than the planned wake-up."""
        if at is not None and (self._wake_at is None or at < self._wake_at):
            self._event.set()

    def stop(self) -> None:
        self._stopped = True
        self._event.set()

    def turn(self) -> dt.datetime | None:
        raise NotImplementedError

    def run(self) -> None:
        log.info("%s started", self.name)
        while not self._stopped:
            self._event.clear()     # before asking the database: a notify after this point wakes us
            try:
                with database.connection_context():
                    upcoming = self.turn()
                wait = self.max_sleep
                if upcoming is not None:
                    wait = min(wait, max(0.0, (upcoming - clock.now()).total_seconds() + EARLY))
            except Exception:
                log.exception("%s failed; trying again in %.0fs", self.name, ERROR_PAUSE)
                upcoming, wait = None, ERROR_PAUSE
            self.turns += 1
            self._wake_at = clock.now() + dt.timedelta(seconds=wait)
            if wait > 0:
                self._event.wait(wait)
            self._wake_at = None
        self.close()
        log.info("%s stopped", self.name)

    def close(self) -> None:
        pass


class Sweeper(Loop):
    name = "SLA sweeper"

    def __init__(self, event_factory=threading.Event, max_sleep: float | None = None, pause=None):
        self.pause = pause            # yields to other green threads between sweep batches
        if max_sleep is None:
            configured = parse_duration(sla.settings()["sla"]["max_sleep"]).total_seconds()
            lead = sla.policy().shortest_warning_lead().total_seconds()
            max_sleep = max(0.5, min(configured, lead / 2))
        super().__init__(event_factory, max_sleep)
        self.leader = PostgresLeader() if is_postgres() else AlwaysLeader()
        self.leader_retry = parse_duration(sla.settings()["sla"].get("leader_retry", "3s")).total_seconds()
        self.raised = 0
        self._started = False

    def turn(self) -> dt.datetime | None:
        if not self.leader.is_leader():
            # another process sweeps; ask for the lock again soon, so a dead leader is replaced quickly
            return clock.now() + dt.timedelta(seconds=self.leader_retry)
        if not self._started:
            recompute_if_calendar_settings_changed()
            self._started = True
        self.raised += len(alerts.raise_due(clock.now(), pause=self.pause))
        return alerts.next_deadline()

    def close(self) -> None:
        self.leader.close()


def recompute_if_calendar_settings_changed() -> int:
    """Deadlines were computed with the calendar settings of their time; after [calendar] (or the
    holiday package) changed, open deadlines are computed again once, at start."""
    from intranet_server.actions.tasks import recompute_deadlines
    from intranet_server.reads import calendars
    with database.atomic():
        if not calendars.settings_changed():
            return 0
        changed = recompute_deadlines("sla", None)
        calendars.remember_settings()
    if changed:
        log.info("calendar settings changed: recomputed the deadlines of %d open tasks", changed)
    return changed


class DeadlineListener:
    """LISTEN on a connection of its own and tell the local sweeper of every deadline another process
    (or this one) committed. `select` is the async mode's (green under eventlet/gevent)."""

    def __init__(self, on_deadline, sleep):
        self.on_deadline, self.sleep = on_deadline, sleep
        self._conn = None
        self._stopped = False
        self.received = 0

    def run(self) -> None:
        import select

        import psycopg2
        log.info("deadline listener started")
        while not self._stopped:
            try:
                if self._conn is None:
                    obj = database.obj
                    self._conn = psycopg2.connect(dbname=obj.database, **obj.connect_params)
                    self._conn.autocommit = True
                    with self._conn.cursor() as cur:
                        cur.execute(f"LISTEN {CHANNEL}")
                    self.on_deadline(clock.now())   # anything missed while not listening: look now
                if select.select([self._conn], [], [], 5.0)[0]:
                    self._conn.poll()
                    while self._conn.notifies:
                        note = self._conn.notifies.pop(0)
                        self.received += 1
                        try:
                            self.on_deadline(dt.datetime.fromisoformat(note.payload))
                        except ValueError:
                            log.warning("ignored a malformed deadline notification %r", note.payload)
            except Exception:   # noqa: BLE001 - a broken listening connection: reconnect, never die
                if self._stopped:
                    break
                log.warning("deadline listener lost its connection; reconnecting", exc_info=True)
                self.close()
                self.sleep(ERROR_PAUSE)
        self.close()

    def stop(self) -> None:
        self._stopped = True

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception:   # noqa: BLE001 - closing a broken connection
                pass
        self._conn = None


_sweeper: Sweeper | None = None
_listener: DeadlineListener | None = None


def notify(at: dt.datetime | None) -> None:
    """Called after an action commits a new deadline; a no-op when no sweeper runs (tests, CLI)."""
    if _sweeper is not None:
        _sweeper.notify(at)


def start(start_task, event_factory, sleep=None) -> Sweeper:
    global _sweeper, _listener
    _sweeper = Sweeper(event_factory, pause=(lambda: sleep(0)) if sleep else None)
    start_task(_sweeper.run)
    if is_postgres():
        import time
        _listener = DeadlineListener(notify, sleep or time.sleep)
        start_task(_listener.run)
    return _sweeper


def stop() -> None:
    global _sweeper, _listener
    if _listener is not None:
        _listener.stop()
        _listener = None
    if _sweeper is not None:
        _sweeper.stop()
        _sweeper = None
