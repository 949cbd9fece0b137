"""The hot path stays lean (issue 13): real-time messages per room and SQL statements per verb.

Counted, not timed: a display board gets one message per action, and each hot verb runs a bounded
number of statements (the counts below are ceilings; lowering them is fine, raising them is a
regression to look at)."""
from __future__ import annotations

import contextlib
from collections import Counter

import pytest

import db
from db.models import Staff
from intranet_server.actions import queue
from intranet_server.actions.kiosks import register_kiosk
from intranet_server.realtime import lobby


@contextlib.contextmanager
def statements(with_params: bool = False):
    """Every SQL statement the database runs meanwhile (peewee's execute_sql), with its parameters if asked."""
    run: list = []
    real = db.database.obj.execute_sql

    def counting(sql, params=None, *args, **kwargs):
        run.append((sql, list(params or ())) if with_params else sql)
        return real(sql, params, *args, **kwargs)
    db.database.obj.execute_sql = counting
    try:
        yield run
    finally:
        del db.database.obj.execute_sql


class _Deferred:
    """Stands in for the lobby publisher's wake-up event: summaries wait for `lobby.flush()`."""
    def set(self):
        pass


@pytest.fixture
def deferred_lobby():
    lobby._wake = _Deferred()
    yield
    lobby._wake = None
    lobby.flush()


@pytest.fixture
def desk(database):
    kiosk, _ = register_kiosk("lean-kiosk")
    officer = Staff.get(Staff.username == "p0-03")
    return kiosk, officer


def per_room(sent) -> Counter:
    return Counter(room for _, _, room in sent)


def _visit_in_progress(kiosk, officer):
    """Three visitors waiting and the officer serving one of them."""
    for _ in range(3):
        queue.issue_ticket(kiosk, "PP")
    lobby.flush()
    return queue.call_next(_fresh(officer))


def _fresh(officer):
    return Staff.get_by_id(officer.id)


def _verbs(kiosk, current):
    """The hot verbs, each after the one before: (name, function of the officer as a request loads her)."""
    state = {"current": current}

    def call_next(officer):
        state["current"] = queue.call_next(officer)   # finishes the visit in progress
    return [("issue", lambda _officer: queue.issue_ticket(kiosk, "PP")),
            ("call-next", call_next),
            ("recall", lambda officer: queue.recall(officer, state["current"].id)),
            ("finish", lambda officer: queue.finish(officer, state["current"].id))]


def test_one_message_per_room_per_action_and_the_board_gets_one(desk, database, deferred_lobby):
    """Each verb sends every room at most one message; the display board (room `display`) gets
    exactly one per action, also counting the lobby summaries that follow (coalesced later)."""
    kiosk, officer = desk
    current = _visit_in_progress(kiosk, officer)
    for name, verb in _verbs(kiosk, current):
        database.clear()
        verb(_fresh(officer))
        lobby.flush()
        rooms = per_room(database)
        assert max(rooms.values()) == 1, (name, rooms)
        assert rooms["display"] == 1, (name, rooms)
    # the board's message carries what it shows: the booth, the call, the services' summaries
    event, message, _ = next(m for m in database if m[2] == "display")
    assert event == "booth" and message["booth"]["number"] == 3 and message["ticket"] is None
    assert [s["code"] for s in message["services"]] == ["PP"] and message["services"][0]["waiting"] == 2


def test_a_call_that_finishes_a_visit_is_one_message_with_both_tickets(desk, database, deferred_lobby):
    kiosk, officer = desk
    current = _visit_in_progress(kiosk, officer)
    database.clear()
    called = queue.call_next(_fresh(officer))
    (event, call, _), = [m for m in database if m[2] == "display"]
    assert event == "call" and call["call"]["id"] == called.id and call["ticket"]["id"] == called.id
    assert call["services"][0]["waiting"] == 1
    (_, booth_msg, _), = [m for m in database if m[2] == "booth:3"]
    assert booth_msg["ticket"]["id"] == called.id
    assert [t["id"] for t in booth_msg["also"]] == [current.id] and booth_msg["also"][0]["status"] == "done"


def test_issuing_reaches_the_board_as_one_summary(desk, database, deferred_lobby):
    kiosk, _officer = desk
    database.clear()
    for _ in range(3):
        queue.issue_ticket(kiosk, "PP")
    assert per_room(database)["display"] == 0     # nothing in the issuing transaction
    lobby.flush()
    board = [(e, m) for e, m, room in database if room == "display"]
    assert [e for e, _ in board] == ["service"] and board[0][1]["service"]["waiting"] == 3


# Statements per verb, measured when this test was written (issue 13; before: issue 6-7,
# call-next 20 on an idle booth and 34 finishing a visit, recall 17, finish 16, claim 24;
# after: issue 6, call-next 12 finishing a visit, recall 8, finish 8, claim 16).
CEILING = {"issue": 6, "call-next": 12, "recall": 8, "finish": 8}


def test_statements_per_hot_verb(desk, database, deferred_lobby):
    kiosk, officer = desk
    current = _visit_in_progress(kiosk, officer)
    queue.issue_ticket(kiosk, "PP")     # the caches are warm, as on a working day
    counted = {}
    for name, verb in _verbs(kiosk, current):
        staff = _fresh(officer)
        with statements() as run:
            verb(staff)
        counted[name] = len(run)
    assert counted == {name: min(counted[name], n) for name, n in CEILING.items()}, counted


def test_todays_calls_are_read_from_an_index_in_call_order(desk, database, deferred_lobby):
    """The ratio policy's history (every call-next) and the board's last calls ask for today's latest calls:
    SQLite reads them from an index in call order and stops at the limit, instead of sorting every call of
    the day in a temporary B-tree (0.3 ms at 1,000 calls of a booth's queues before migration 0016)."""
    from intranet_server.reads import queue as queue_reads
    kiosk, officer = desk
    current = _visit_in_progress(kiosk, officer)
    queue.issue_ticket(kiosk, "PP")
    with statements(with_params=True) as run:
        queue.call_next(_fresh(officer))
        queue_reads.display_state()
    todays = [(sql, params) for sql, params in run if sql.startswith("SELECT") and '"business_day" = ?' in sql
              and "ORDER BY" in sql]
    assert len(todays) == 2, [sql for sql, _ in todays]   # the ratio policy's history, the board's last calls
    for sql, params in todays:
        plan = " / ".join(row[-1] for row in db.database.execute_sql("EXPLAIN QUERY PLAN " + sql, params))
        assert "TEMP B-TREE FOR ORDER BY" not in plan and "ticket_business_day_" in plan, (sql, plan)
    assert current is not None


def test_statements_to_claim_a_task(settings, database):
    from intranet_server import sla
    from intranet_server.actions import tasks
    from tests.tasks.helpers import new_task, receiver
    sla.configure(settings)
    task = new_task()
    rina = receiver("PHIJSK")
    with statements() as run:
        tasks.claim(rina, task.id)
    assert len(run) <= 16, run


def test_the_board_connects_without_database_work_gets_one_message_per_action_and_a_shared_snapshot(
        app, desk, deferred_lobby):
    from intranet_server.realtime.sockets import socketio
    kiosk, officer = desk
    with statements() as run:
        board = socketio.test_client(app, auth={"rooms": ["display"], "page": "display"})
    assert board.is_connected() and run == []
    first = board.emit("sync", {"rooms": {"display": None}}, callback=True)["rooms"]["display"]
    with statements() as run:
        other = socketio.test_client(app, auth={"rooms": ["display"]})
        again = other.emit("sync", {"rooms": {"display": None}}, callback=True)["rooms"]["display"]
    assert again == first and len(run) == 1       # the room's seq; the snapshot is the one computed before
    current = _visit_in_progress(kiosk, officer)
    board.get_received()
    for _name, verb in _verbs(kiosk, current):
        verb(_fresh(officer))
        lobby.flush()
        got = board.get_received()
        assert len(got) == 1 and got[0]["args"][0]["room"] == "display", got
    fresh = other.emit("sync", {"rooms": {"display": None}}, callback=True)["rooms"]["display"]
    assert fresh["seq"] > first["seq"] and fresh["snapshot"] != first["snapshot"]   # events invalidate it
    # a board that missed events catches up by seq
    missed = other.emit("sync", {"rooms": {"display": first["seq"]}}, callback=True)["rooms"]["display"]
    assert [e for e, _ in missed["events"]] == ["service", "call", "service", "call", "call", "booth"]


class _PacedSocketIO:
    """The three things the lobby publisher asks of the Socket.IO server, with threads, and a `sleep`
    that waits for the test to let it go: time is moved, not waited."""

    def __init__(self):
        import threading
        self.slept, self.go_on = [], threading.Semaphore(0)
        self.server = type("S", (), {"eio": type("E", (), {"create_event": staticmethod(threading.Event)})()})()

    def start_background_task(self, target):
        import threading
        threading.Thread(target=target, daemon=True).start()

    def sleep(self, seconds):
        if seconds:
            self.slept.append(seconds)
            self.go_on.acquire(timeout=10)


def test_lobby_summaries_trail_the_action_that_changed_them(desk, database):
    """A call reaches every display board at once; the lobby's summaries of what it changed go out
    `interval` later, so their queries do not run in the middle of the call's fan-out (they did: the
    publisher woke on the change and ran while the board's messages were being written)."""
    import time
    kiosk, _officer = desk
    socketio = _PacedSocketIO()
    lobby.start_publisher(socketio, interval=0.3)
    try:
        database.clear()
        queue.issue_ticket(kiosk, "PP")
        deadline = time.monotonic() + 10
        while not socketio.slept and time.monotonic() < deadline:   # the publisher woke and waits
            time.sleep(0.01)
        assert socketio.slept == [0.3]
        time.sleep(0.05)
        assert [e for e, _, _ in database if e == "service"] == []   # nothing published yet
        socketio.go_on.release()                                   # the interval has passed
        while not any(e == "service" for e, _, _ in database) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert sorted(room for e, _, room in database if e == "service") == ["display", "lobby"]
    finally:
        socketio.go_on.release(5)
        lobby.stop_publisher()


def test_a_catalog_edit_reaches_the_lobby_summary_at_once(database):
    """Summaries read the service itself, not the catalog cache the edit clears after its own commit
    callbacks: closing a queue in /admin shows closed on the kiosks and the board in the very summary the
    edit sends (the summary sent without a publisher, as in the test client and the CLI, came from the
    cached row and still said open)."""
    from intranet_server.actions import catalog
    from intranet_server.reads import queue as queue_reads
    pp = queue_reads.service_by_code("PP")
    assert queue_reads.cached_services_by_id([pp.id])[0].active   # the catalog cache holds the open queue
    database.clear()
    catalog.update_service("admin", "PP", {"active": False})
    summaries = [m["service"] for e, m, room in database if e == "service" and room == "lobby"]
    assert summaries and summaries[-1]["code"] == "PP" and summaries[-1]["open"] is False, summaries
