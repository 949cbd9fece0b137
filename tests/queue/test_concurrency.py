"""Numbering and call-next under real concurrency, on SQLite and on PostgreSQL."""
from __future__ import annotations

import threading

import pytest

import db
from db.models import Kiosk, Staff, Ticket
from intranet_server import actions
from intranet_server.realtime import events
from intranet_server.actions import queue
from intranet_server.actions.kiosks import register_kiosk
from intranet_server.app import office_from_settings
from tests.conftest import make_settings, prepare_database
from tests.support.services import fresh_postgres_database

THREADS = 50


@pytest.fixture(params=["sqlite", "postgres"])
def any_database(request, tmp_path):
    if request.param == "postgres":
        url, drop = fresh_postgres_database()
    else:
        url, drop = f"sqlite:///{tmp_path / 'concurrency.db'}", (lambda: None)
    prepare_database(url)
    actions.configure(office_from_settings(make_settings(tmp_path, url)))
    events.set_emitter(None)
    yield request.param
    db.database.close()
    db.database.obj.close_all() if hasattr(db.database.obj, "close_all") else None
    drop()


def run_threads(fn, count=THREADS):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def worker(i):
        barrier.wait()
        try:
            with db.database.connection_context():
                results.append(fn(i))
        except Exception as exc:   # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results, errors


def test_fifty_threads_get_unique_contiguous_numbers(any_database):
    with db.database.connection_context():
        register_kiosk("k-concurrency")
        kiosk = Kiosk.get(Kiosk.name == "k-concurrency")
    results, errors = run_threads(lambda i: queue.issue_ticket(kiosk, "PP")[0].number)
    assert errors == []
    assert sorted(results) == [f"P{n:03d}" for n in range(1, THREADS + 1)]
    with db.database.connection_context():
        assert Ticket.select().count() == THREADS


def test_fifty_visitors_issued_at_once_are_each_told_a_different_number_of_people_ahead(any_database):
    """The people ahead are counted by the ticket's INSERT, after the issuing transaction holds the queue's
    counter row: every ticket numbered before it is committed and counted, so the fifty visitors hear 0 … 49,
    each in the order of their numbers (no two told the same)."""
    from intranet_server.reads.queue import ticket_for_visitor
    with db.database.connection_context():
        register_kiosk("k-ahead")
        kiosk = Kiosk.get(Kiosk.name == "k-ahead")

    def issue(_i):
        ticket, _ = queue.issue_ticket(kiosk, "PP")
        return ticket.seq, ticket_for_visitor(ticket)["ahead"]
    results, errors = run_threads(issue)
    assert errors == []
    assert sorted(results) == [(seq, seq - 1) for seq in range(1, THREADS + 1)]


def test_the_database_picks_the_same_heads_of_the_line_as_the_rule(any_database):
    """call-next reads only the two heads of the waiting line (`waiting_heads`, a window query): the same
    as `line_heads` over the whole line, with ties of arrival broken by id, on both engines."""
    import datetime as dt
    import random

    from db.models import Service
    from intranet_server.reads.queue import waiting_candidates, waiting_heads
    from intranet_server.rules.queue import line_heads
    rng = random.Random(13)
    with db.database.connection_context():
        register_kiosk("k-heads")
        kiosk = Kiosk.get(Kiosk.name == "k-heads")
        services = [s.id for s in Service.select().order_by(Service.id).limit(3)]
        base = dt.datetime(2026, 12, 7, 1, 0, tzinfo=dt.timezone.utc)
        for i in range(60):   # arrivals out of id order, ties, priority and not, some already called
            arrived = base + dt.timedelta(minutes=rng.randrange(20))
            service = rng.choice(services)
            Ticket.create(issued_for=service, service=service, business_day=base.date(), seq=i + 1,
                          number=f"T{i:03d}", priority=rng.choice([None, None, "lansia"]), kiosk=kiosk,
                          status=rng.choice(["waiting", "waiting", "waiting", "done"]), issued_at=arrived,
                          arrived_at=arrived)
        for chosen in (services[:1], services[:2], services, []):
            assert sorted(waiting_heads(chosen), key=lambda c: c.id) == \
                sorted(line_heads(waiting_candidates(chosen)), key=lambda c: c.id)


def test_same_idempotency_key_from_many_threads_issues_one_ticket(any_database):
    with db.database.connection_context():
        register_kiosk("k-idem")
        kiosk = Kiosk.get(Kiosk.name == "k-idem")
    results, errors = run_threads(lambda i: queue.issue_ticket(kiosk, "PP", idempotency_key="same-tap-123")[0].id,
                                  count=20)
    assert errors == []
    assert len(set(results)) == 1
    with db.database.connection_context():
        assert Ticket.select().count() == 1


def test_two_booths_never_get_the_same_visitor(any_database):
    with db.database.connection_context():
        register_kiosk("k-calls")
        kiosk = Kiosk.get(Kiosk.name == "k-calls")
        for _ in range(30):
            queue.issue_ticket(kiosk, "PP")
        officers = [Staff.get(Staff.username == u) for u in ("p0-03", "p0-04", "p0-09")]

    def call(i):
        ticket = queue.call_next(officers[i % 3])
        return ticket.id if ticket else None

    results, errors = run_threads(call, count=30)
    assert errors == []
    called = [r for r in results if r is not None]
    assert len(called) == len(set(called))   # nobody called twice
    with db.database.connection_context():
        at_booth = Ticket.select().where(Ticket.status == "called").count()
        finished = Ticket.select().where(Ticket.status == "done").count()
    # each booth has exactly one visitor called at the end; the rest were finished by the next call
    assert at_booth == 3 and at_booth + finished == len(called) == 30


def test_a_call_next_sent_many_times_at_once_calls_one_visitor_and_finishes_nobody(any_database):
    """A double tap, or a call-next sent again while the first is still running: each says the visit its
    screen shows (the one the officer is finishing). The first finishes it and calls the next visitor; the
    others wait for the queue's lock, see the booth already holds another visit, and answer that visitor
    instead of finishing her unseen and calling a third."""
    with db.database.connection_context():
        register_kiosk("k-taps")
        kiosk = Kiosk.get(Kiosk.name == "k-taps")
        for _ in range(5):
            queue.issue_ticket(kiosk, "PP")
        officer = Staff.get(Staff.username == "p0-03")
        shown = queue.call_next(officer).id

    results, errors = run_threads(lambda i: queue.call_next(officer, shown).id, count=10)
    assert errors == []
    assert len(set(results)) == 1 and shown not in results
    with db.database.connection_context():
        statuses = {t.id: t.status for t in Ticket.select()}
    assert statuses[shown] == "done" and statuses[results[0]] == "called"
    assert sorted(statuses.values()) == ["called", "done", "waiting", "waiting", "waiting"]


def test_the_same_task_sent_many_times_at_once_makes_one_task(any_database):
    """A booth's task sent again while the first request still runs (the same idempotency key): one task,
    every request answered with it — on PostgreSQL the losers of the insert race find the winner's row."""
    from db.task_models import Task
    from intranet_server.actions import tasks
    with db.database.connection_context():
        register_kiosk("k-task")
        kiosk = Kiosk.get(Kiosk.name == "k-task")
        queue.issue_ticket(kiosk, "PP")
        officer = Staff.get(Staff.username == "p0-03")
        ticket = queue.call_next(officer)

    def send(_i):
        task, created = tasks.create_task(officer, ticket.id, "Cek draf PP", idempotency_key="booth3-same-task")
        return task.id, created
    results, errors = run_threads(send, count=20)
    assert errors == []
    assert len({task_id for task_id, _ in results}) == 1
    assert [created for _, created in results].count(True) == 1
    with db.database.connection_context():
        assert Task.select().count() == 1
