"""The SLA engine on PostgreSQL: one sweeper leads through an advisory lock, and even sweepers that all
run at once raise every alert exactly once (the unique (hop, level) key with insert-if-absent)."""
from __future__ import annotations

import datetime as dt
import threading
import time

import pytest

import db
from db.task_models import Alert, Outbox
from intranet_server import actions, clock, sla
from intranet_server.realtime import events
from intranet_server.app import office_from_settings
from intranet_server.sla import engine
from tests.conftest import make_settings, prepare_database
from tests.support.services import fresh_postgres_database
from tests.tasks.helpers import new_task

pytestmark = pytest.mark.postgres


@pytest.fixture
def postgres(tmp_path):
    url, drop = fresh_postgres_database()
    prepare_database(url)
    settings = make_settings(tmp_path, url)
    settings["smtp"]["host"] = "127.0.0.1"
    actions.configure(office_from_settings(settings))
    sla.configure(settings)
    events.set_emitter(None)
    clock.freeze(dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.timezone.utc))
    db.database.connect(reuse_if_open=True)
    yield url
    clock.reset()
    if not db.database.is_closed():
        db.database.close()
    db.database.obj.close_all()
    drop()


def test_only_one_sweeper_leads_and_another_takes_over(postgres):
    first, second = engine.PostgresLeader(), engine.PostgresLeader()
    try:
        assert first.is_leader() is True
        assert second.is_leader() is False
        assert first.is_leader() is True                    # it keeps leading, turn after turn
        first.close()                                        # its process dies: the lock goes with it
        # PostgreSQL frees the lock when the backend has seen the connection end: a moment later,
        # which is what [sla] leader_retry allows for.
        deadline = time.monotonic() + 10
        while not second.is_leader() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert second.is_leader() is True
    finally:
        first.close()
        second.close()


def test_concurrent_sweepers_on_postgres_raise_exactly_once(postgres):
    tasks = [new_task(summary=f"tugas {i}") for i in range(25)]
    db.database.close()
    now = clock.now() + dt.timedelta(minutes=16)
    errors, barrier = [], threading.Barrier(5)

    def sweeper():
        try:
            barrier.wait()
            engine.sweep(now)
        except Exception as exc:   # noqa: BLE001 - asserted below
            errors.append(exc)
    threads = [threading.Thread(target=sweeper) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    with db.database.connection_context():
        assert Alert.select().count() == 2 * len(tasks)
        assert Outbox.select().count() == len(tasks)             # one breach e-mail per task
        for task in tasks:
            levels = sorted(a.level for a in Alert.select().where(Alert.task == task.id))
            assert levels == ["breach", "warning"]


def test_a_deadline_stored_by_another_process_wakes_the_sleeping_leader_at_once(postgres, settings_2s):
    """The leader sleeps up to a minute; a deadline committed elsewhere (here: with no local notify
    reaching this sweeper) must still be swept when due, through LISTEN/NOTIFY."""
    clock.reset()                                            # the loops run on the real clock
    sweeper = engine.Sweeper(threading.Event, max_sleep=60)
    listener = engine.DeadlineListener(sweeper.notify, time.sleep)
    threads = [threading.Thread(target=sweeper.run, daemon=True), threading.Thread(target=listener.run, daemon=True)]
    for t in threads:
        t.start()
    try:
        deadline = time.monotonic() + 10
        while sweeper.turns == 0 and time.monotonic() < deadline:    # it has planned its long sleep
            time.sleep(0.05)
        task = new_task()                                    # warning due in 1.6 s, breach in 2 s
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            with db.database.connection_context():
                levels = sorted(a.level for a in Alert.select().where(Alert.task == task.id))
            if levels == ["breach", "warning"]:
                break
            time.sleep(0.1)
        assert levels == ["breach", "warning"], "the sleeping leader never heard of the new deadline"
        assert listener.received >= 1
    finally:
        listener.stop()
        sweeper.stop()
        for t in threads:
            t.join(10)


@pytest.fixture
def settings_2s(postgres, tmp_path):
    settings = make_settings(tmp_path, postgres)
    settings["sla"].update(pickup_p0_p1="2s", pickup_p1_p2="2s")
    sla.configure(settings)
    return settings
