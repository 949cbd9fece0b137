"""PostgreSQL with fewer round trips (db/postgres.py): BEGIN and the writes nobody reads travel with the
next statement. What a transaction means must not change: all or nothing, in order, and the events
of an action emitted only once its COMMIT has been answered."""
from __future__ import annotations

import datetime as dt
import threading

import psycopg2
import pytest

from db.models import AuditEvent, Kiosk, RoomEvent, Service, Ticket, database
from db.prepared import Inserter, insert_many
from tests.conftest import prepare_database
from tests.support.services import fresh_postgres_database

AT = dt.datetime(2026, 12, 7, 8, 0, tzinfo=dt.timezone.utc)
_audit = Inserter(AuditEvent)
_events = insert_many(RoomEvent, [RoomEvent.room, RoomEvent.seq, RoomEvent.event, RoomEvent.payload,
                                  RoomEvent.created_at])


@pytest.fixture
def pg_url():
    url, drop = fresh_postgres_database()
    prepare_database(url)
    yield url
    if not database.is_closed():
        database.close()
    database.obj.close_all()
    drop()


@pytest.fixture
def pg(pg_url):
    with database.connection_context():
        yield pg_url


@pytest.fixture
def trips(pg, monkeypatch):
    """Each message sent to the server, as the SQL text of one cursor.execute."""
    sent: list[str] = []
    real = database.obj.cursor

    class Counting:
        def __init__(self, cursor):
            self._cursor = cursor

        def execute(self, sql, params=None):
            sent.append(sql)
            return self._cursor.execute(sql, params)

        def __getattr__(self, name):
            return getattr(self._cursor, name)
    monkeypatch.setattr(database.obj, "cursor", lambda *a, **k: Counting(real(*a, **k)))
    return sent


def other_connection(url):
    """What another process sees: committed rows only."""
    conn = psycopg2.connect(url)
    conn.autocommit = True
    return conn


def audit_actions(url) -> list[str]:
    with other_connection(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT action FROM audit_event ORDER BY id")
        return [a for a, in cur.fetchall()]


def test_begin_and_held_writes_travel_with_the_next_statement(pg, trips):
    with database.atomic():
        service = Service.get(Service.code == "PP")                          # 1: BEGIN + this select
        _audit.add(at=AT, actor="a", action="one", subject_type="t", subject_id=None, data={"p": "50%"})
        kiosk = Kiosk.create(name="k", token_hash="x" * 64, created_at=AT)   # 2: the audit row + this insert
        _events.hold(1, room_0="r", seq_0=1, event_0="e", payload_0={"pct": "100%"}, created_at_0=AT)
    assert len(trips) == 3                                                   # 3: the event row + COMMIT
    assert trips[0].startswith("BEGIN") and "COMMIT" in trips[2]
    assert service.code == "PP" and kiosk.id is not None
    assert audit_actions(pg) == ["one"]
    assert AuditEvent.get(AuditEvent.action == "one").data == {"p": "50%"}   # % signs kept as written
    assert RoomEvent.get(RoomEvent.room == "r").payload == {"pct": "100%"}


def test_a_transaction_opened_on_a_closed_connection_connects_first(pg_url):
    """BEGIN is held, but the connection is opened at once: opening it inside the transaction reset
    peewee's record of it (the atomic block then failed on leaving)."""
    pg = pg_url
    if not database.is_closed():
        database.close()
    with database.atomic():
        _audit.add(at=AT, actor="a", action="reconnected", subject_type="t", subject_id=None)
        Kiosk.create(name="k", token_hash="x" * 64, created_at=AT)
    assert audit_actions(pg) == ["reconnected"]


def test_percent_signs_held_before_a_statement_without_parameters(pg):
    """A savepoint's SQL has no parameters; psycopg2 still interpolates (peewee passes an empty tuple),
    so the held text before it must have its % signs escaped too."""
    with database.atomic():
        _audit.add(at=AT, actor="a", action="before-savepoint", subject_type="t", subject_id=None,
                   data={"p": "50%", "q": "%s %(x)s"})
        with database.atomic():   # SAVEPOINT: no parameters
            _audit.add(at=AT, actor="a", action="inside", subject_type="t", subject_id=None)
    assert audit_actions(pg) == ["before-savepoint", "inside"]
    assert AuditEvent.get(AuditEvent.action == "before-savepoint").data == {"p": "50%", "q": "%s %(x)s"}


def test_a_transaction_that_sends_nothing_costs_no_trip(pg, trips):
    with database.atomic():
        pass
    assert trips == []


def test_only_held_writes_go_in_one_trip_with_begin_and_commit(pg, trips):
    with database.atomic():
        _audit.add(at=AT, actor="a", action="alone", subject_type="t", subject_id=None)
    assert len(trips) == 1 and trips[0].startswith("BEGIN") and trips[0].rstrip().endswith("COMMIT")
    assert audit_actions(pg) == ["alone"]


def test_an_error_in_the_block_drops_held_writes_and_undoes_the_rest(pg, trips):
    with pytest.raises(RuntimeError), database.atomic():
        Kiosk.create(name="k", token_hash="x" * 64, created_at=AT)
        _audit.add(at=AT, actor="a", action="dropped", subject_type="t", subject_id=None)
        raise RuntimeError("the action failed")
    assert not any("dropped" in sql for sql in trips), "a held write is never sent after a failure"
    assert Kiosk.select().count() == 0 and audit_actions(pg) == []


def test_a_held_write_that_fails_fails_the_commit_and_nothing_is_written(pg, trips):
    after = []
    with pytest.raises(Exception) as failed, database.atomic():
        Kiosk.create(name="k", token_hash="x" * 64, created_at=AT)
        _audit.add(at=AT, actor=None, action="bad", subject_type="t", subject_id=None)   # actor NOT NULL
        database.after_commit(lambda: after.append("emitted"))
    assert "null" in str(failed.value).lower()
    assert after == [], "an action whose COMMIT failed emits nothing"
    assert Kiosk.select().count() == 0 and audit_actions(pg) == []
    with database.atomic():   # the connection is clean for the next transaction
        Kiosk.create(name="k2", token_hash="y" * 64, created_at=AT)
    assert Kiosk.select().count() == 1


def test_events_are_emitted_after_the_commit_was_answered(pg):
    seen = []
    with database.atomic():
        _audit.add(at=AT, actor="a", action="visible", subject_type="t", subject_id=None)
        database.after_commit(lambda: seen.append(audit_actions(pg)))
    assert seen == [["visible"]]


def test_a_savepoint_rolled_back_undoes_the_writes_held_inside_it(pg):
    with database.atomic():
        _audit.add(at=AT, actor="a", action="kept", subject_type="t", subject_id=None)
        with pytest.raises(RuntimeError), database.atomic():
            _audit.add(at=AT, actor="a", action="undone", subject_type="t", subject_id=None)
            Kiosk.create(name="k", token_hash="x" * 64, created_at=AT)
            raise RuntimeError
        _audit.add(at=AT, actor="a", action="after", subject_type="t", subject_id=None)
    assert audit_actions(pg) == ["kept", "after"] and Kiosk.select().count() == 0


def test_outside_a_transaction_a_held_write_runs_at_once(pg, trips):
    _audit.add(at=AT, actor="a", action="now", subject_type="t", subject_id=None)
    assert len(trips) == 1 and audit_actions(pg) == ["now"]


def test_a_ticket_issue_takes_four_trips(pg, trips):
    """BEGIN with the counter; the ticket; its audit row with the room's number; the event rows with
    COMMIT (it was 7: BEGIN, counter, ticket, audit, room number, events, COMMIT)."""
    from intranet_server import actions
    from intranet_server.actions.kiosks import register_kiosk
    from intranet_server.actions.queue import issue_ticket
    from intranet_server.app import office_from_settings
    from tests.conftest import make_settings
    from pathlib import Path
    actions.configure(office_from_settings(make_settings(Path("/nonexistent"), pg)))
    kiosk, _ = register_kiosk("k")
    Service.update(daily_cap=None).execute()
    issue_ticket(kiosk, "PP")                   # the first one fills the caches (the service by code)
    trips.clear()
    ticket, created = issue_ticket(kiosk, "PP")
    assert created and ticket.seq == 2
    issue = trips[:next(i for i, sql in enumerate(trips) if "COMMIT" in sql) + 1]
    # (what follows is the lobby's summary of the queue, published after the commit in its own transaction)
    assert len(issue) == 4, "\n".join(" ".join(t.split()[:8]) for t in issue)
    assert Ticket.select().count() == 2
    assert audit_actions(pg)[-1] == "ticket.issue"
    assert RoomEvent.select().where(RoomEvent.event == "ticket").count() >= 1


def test_a_ticket_and_the_visitors_answer_take_four_trips(pg, trips):
    """The kiosk's whole answer: the issue's four trips, and the people ahead and wait estimate without a
    fifth (the count after the COMMIT), as the ticket's INSERT counted them."""
    from intranet_server import actions
    from intranet_server.actions.kiosks import register_kiosk
    from intranet_server.actions.queue import issue_ticket
    from intranet_server.app import office_from_settings
    from intranet_server.reads.queue import ticket_for_visitor
    from intranet_server.realtime import lobby
    from tests.conftest import make_settings
    from pathlib import Path
    actions.configure(office_from_settings(make_settings(Path("/nonexistent"), pg)))
    kiosk, _ = register_kiosk("k")
    Service.update(daily_cap=None).execute()
    for _ in range(3):
        answer = ticket_for_visitor(issue_ticket(kiosk, "PP")[0])   # caches filled: the service, its booths
    assert answer["ahead"] == 2
    lobby._wake = threading.Event()   # the lobby's summary waits for its publisher, as in `ptsa serve`
    try:
        trips.clear()
        answer = ticket_for_visitor(issue_ticket(kiosk, "PP")[0])
    finally:
        lobby._wake = None
        lobby._changed.clear()
    assert len(trips) == 4 and "COMMIT" in trips[-1], "\n".join(" ".join(t.split()[:8]) for t in trips)
    assert answer["ahead"] == 3 and answer["number"] == "P004"


def test_a_connection_back_from_a_request_moments_ago_is_taken_without_a_ping(pg_url, monkeypatch):
    """peewee 4's pool sent SELECT 1 each time a request took a connection; one given back less than
    PING_AFTER_IDLE ago is taken as it is, one idle longer is checked, and one the server dropped is
    replaced (a restarted server costs no request after an idle spell)."""
    import db.postgres
    pings = []

    def first_statement(conn):
        with conn.cursor() as cur:
            cur.execute("SELECT pg_backend_pid()")
            return cur.fetchone()[0]
    if not database.is_closed():
        database.close()
    database.connect()
    pid = first_statement(database.connection())
    database.close()                                   # back to the pool
    import psycopg2.extensions

    class Counting(psycopg2.extensions.cursor):
        def execute(self, sql, params=None):
            pings.append(sql)
            return super().execute(sql, params)
    conn = database.obj._connections[0][2]
    conn.cursor_factory = Counting
    database.connect()                                 # taken again at once: no ping
    assert pings == [] and first_statement(database.connection()) == pid
    database.close()
    pings.clear()
    monkeypatch.setattr(db.postgres, "PING_AFTER_IDLE", 0.0)
    database.connect()                                 # idle "too long": checked with a round trip
    assert pings == ["SELECT 1"]
    database.close()
    with other_connection(pg_url) as admin, admin.cursor() as cur:   # the server drops it
        cur.execute("SELECT pg_terminate_backend(%s)", (pid,))
    database.connect()
    assert first_statement(database.connection()) != pid, "a dropped connection is replaced"
    database.close()
