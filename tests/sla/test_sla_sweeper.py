"""The sweeper and its alerts with a controlled clock: levels at their instants, exactly once, the right
recipients, outbox rows per recipient and channel, the off-hours hold, concurrent sweepers, and the
loop's planning. Nothing here sleeps."""
from __future__ import annotations

import copy
import datetime as dt
import threading

import pytest

import db
from db.models import Staff
from db.task_models import Alert, Outbox, TaskHop
from intranet_server import sla
from intranet_server.actions import tasks as actions
from intranet_server.sla import alerts, engine
from intranet_server.sla import outbox as outbox_worker
from tests.tasks.helpers import new_task, receiver, staff, wib

S = dt.timedelta(seconds=1)
M = dt.timedelta(minutes=1)


def levels(task) -> list[str]:
    return [a.level for a in Alert.select().where(Alert.task == task.id).order_by(Alert.id)]


def hop(task, seq=1) -> TaskHop:
    return TaskHop.get((TaskHop.task == task.id) & (TaskHop.seq == seq))


@pytest.fixture
def mailing(mail_settings, database, frozen_clock):
    sla.configure(mail_settings)
    yield database
    sla.configure(mail_settings)


def test_each_level_is_raised_at_its_instant_and_only_once(tasks_db, frozen_clock):
    start = frozen_clock.now()
    task = new_task()
    assert engine.sweep(start + 12 * M - S) == []
    assert [a.level for a in engine.sweep(start + 12 * M)] == ["warning"]
    assert engine.sweep(start + 12 * M) == [] and engine.sweep(start + 14 * M) == []
    assert [a.level for a in engine.sweep(start + 15 * M)] == ["breach"]
    assert [a.level for a in engine.sweep(start + 30 * M)] == ["escalation"]
    assert engine.sweep(start + 600 * M) == []
    assert levels(task) == ["warning", "breach", "escalation"]
    warning = Alert.get((Alert.task == task.id) & (Alert.level == "warning"))
    assert warning.deadline == start + 12 * M and warning.created_at == start + 12 * M
    assert hop(task).next_alert_at is None


def test_a_sweeper_that_was_down_catches_up_once_in_order(tasks_db, frozen_clock):
    task = new_task()
    raised = engine.sweep(frozen_clock.now() + 3 * 60 * M)
    assert [a.level for a in raised] == ["warning", "breach", "escalation"]
    assert engine.sweep(frozen_clock.now() + 6 * 60 * M) == [] and levels(task) == [a.level for a in raised]


def test_picked_up_in_time_raises_nothing_and_a_new_hop_has_its_own_clock(tasks_db, frozen_clock):
    task = new_task()
    frozen_clock.advance(13 * M)
    engine.sweep()                                                  # the warning of hop 1
    actions.claim(receiver("PHIJSK"), task.id)
    frozen_clock.advance(60 * M)
    assert engine.sweep() == []
    actions.forward(receiver("PHIJSK"), task.id, "PHIJSK-PK")
    frozen_clock.advance(24 * M)
    raised = engine.sweep()
    assert [(a.level, a.hop.seq, a.unit.code) for a in raised] == [("warning", 2, "PHIJSK-PK")]


def test_recipients_are_the_supervisors_of_the_unit_that_must_pick_up(tasks_db):
    phijsk, pk = (db.models.Unit.get(db.models.Unit.code == c) for c in ("PHIJSK", "PHIJSK-PK"))
    assert alerts.recipients("breach", pk) == (pk, [staff("sup-phijsk-pk")])
    assert alerts.recipients("escalation", pk) == (phijsk, [staff("sup-phijsk")])   # the next one up
    assert alerts.recipients("warning", phijsk) == (phijsk, [staff("sup-phijsk")])
    assert alerts.recipients("escalation", phijsk) == (phijsk, [staff("admin")])    # above echelon 1
    Staff.update(active=False).where(Staff.username == "sup-phijsk-pk").execute()
    assert alerts.recipients("breach", pk) == (pk, [staff("sup-phijsk")])           # nobody there: up


def test_outbox_rows_one_per_recipient_per_channel(mailing, frozen_clock):
    task = new_task()
    actions.claim(receiver("PHIJSK"), task.id)
    actions.forward(receiver("PHIJSK"), task.id, "PHIJSK-PK")
    frozen_clock.advance(24 * M)
    engine.sweep()                                                   # warning: on screen only (default)
    assert Outbox.select().count() == 0
    frozen_clock.advance(6 * M)
    breach = engine.sweep()[0]
    rows = list(Outbox.select().where(Outbox.alert == breach.id).order_by(Outbox.channel))
    assert [(r.channel, r.address, r.status) for r in rows] == [
        ("email", "sup-phijsk-pk@ptsa.example", "pending"),
        ("sms", staff("sup-phijsk-pk").phone, "pending")]
    assert rows[0].next_attempt_at == frozen_clock.now() and rows[0].held_until is None
    assert "Pelanggaran SLA" in rows[0].subject and f"#{task.id}" in rows[0].subject
    assert "PHIJSK-PK" in rows[0].body and "SLA breach" in rows[0].subject
    assert len(rows[1].body) <= 160 and f"#{task.id}" in rows[1].body
    frozen_clock.advance(30 * M)
    escalation = engine.sweep()[0]
    assert {r.address for r in Outbox.select().where(Outbox.alert == escalation.id)} == \
        {"sup-phijsk@ptsa.example", staff("sup-phijsk").phone}


def test_unconfigured_channels_write_no_rows_and_the_screen_still_gets_it(tasks_db, frozen_clock):
    sent = tasks_db
    new_task()
    frozen_clock.advance(16 * M)
    assert len(engine.sweep()) == 2
    assert Outbox.select().count() == 0
    assert [m["alert"]["level"] for e, m, r in sent if e == "alert"] == ["warning", "breach"]


def test_a_breach_after_hours_waits_for_the_opening_unless_policy_says_send(mail_settings, database, frozen_clock):
    office = copy.deepcopy(mail_settings)
    office["calendar"]["mode"] = "office"
    sla.configure(office)
    sent = database
    frozen_clock.freeze(wib(2026, 11, 24, 15, 45))                  # Tuesday, closes 16:00
    task = new_task()
    assert hop(task).due_at == wib(2026, 11, 24, 16, 0)
    # the server was down at closing time and comes back at 16:05: the breach is raised now ...
    raised = engine.sweep(wib(2026, 11, 24, 16, 5))
    assert [a.level for a in raised] == ["warning", "breach"]
    assert [m["alert"]["level"] for e, m, r in sent if e == "alert"] == ["warning", "breach"]   # on screen now
    rows = list(Outbox.select())
    assert rows and all(r.held_until == wib(2026, 11, 25, 7, 30) == r.next_attempt_at for r in rows)
    # ... and its e-mail/SMS go out at Wednesday's opening, not at night
    frozen_clock.freeze(wib(2026, 11, 24, 23, 0))
    assert outbox_worker.deliver_due() == []
    assert outbox_worker.next_due() == wib(2026, 11, 25, 7, 30)
    # exactly at closing (within the minute of grace) nothing is held
    Outbox.delete().execute()
    frozen_clock.freeze(wib(2026, 11, 24, 15, 45))
    second = new_task()
    engine.sweep(wib(2026, 11, 24, 16, 0))
    assert all(r.held_until is None for r in Outbox.select().where(Outbox.alert.in_(
        Alert.select(Alert.id).where(Alert.task == second.id))))
    # policy "send": out at once, whatever the hour
    office["sla"]["off_hours"] = "send"
    sla.configure(office)
    third = new_task()
    engine.sweep(wib(2026, 11, 24, 22, 0))
    assert all(r.held_until is None for r in Outbox.select().where(Outbox.alert.in_(
        Alert.select(Alert.id).where(Alert.task == third.id))))


def test_alerts_raised_elsewhere_are_not_raised_again(tasks_db, frozen_clock):
    task = new_task()
    first = hop(task)
    # another process raised the warning but died before moving the hop's next deadline on
    Alert.create(hop=first, task=task.id, level="warning", unit=first.to_unit, deadline=first.warn_at,
                 created_at=frozen_clock.now())
    frozen_clock.advance(13 * M)
    assert engine.sweep() == []
    assert levels(task) == ["warning"] and hop(task).next_alert_level == "breach"


def test_concurrent_sweepers_raise_each_alert_exactly_once(mail_settings, database, frozen_clock):
    sla.configure(mail_settings)
    tasks = [new_task(summary=f"tugas {i}") for i in range(30)]
    now = frozen_clock.now() + 16 * M
    errors, barrier = [], threading.Barrier(4)

    def sweeper():
        try:
            with db.database.connection_context():
                barrier.wait()
                engine.sweep(now)
        except Exception as exc:   # noqa: BLE001 - reported below
            errors.append(exc)
    threads = [threading.Thread(target=sweeper) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Alert.select().count() == 60                                   # warning + breach per task
    assert Outbox.select().count() == 30 * 2                              # breach: e-mail + SMS once
    assert all(levels(t) == ["warning", "breach"] for t in tasks)


def test_next_deadline_is_the_earliest_pending_alert(tasks_db, frozen_clock):
    assert alerts.next_deadline() is None
    start = frozen_clock.now()
    new_task()
    frozen_clock.advance(5 * M)
    new_task()
    assert alerts.next_deadline() == start + 12 * M
    engine.sweep(start + 12 * M)
    assert alerts.next_deadline() == start + 15 * M


class OneTurnEvent:
    """Stands in for the async mode's event: records how long the loop would sleep, then stops it."""

    def __init__(self):
        self.waits, self.flag, self.loop = [], False, None

    def set(self):
        self.flag = True

    def clear(self):
        self.flag = False

    def wait(self, timeout):
        self.waits.append(timeout)
        self.loop.stop()


def one_turn(loop_class=engine.Sweeper, **kw):
    event = OneTurnEvent()
    loop = loop_class(lambda: event, **kw)
    event.loop = loop
    loop.run()
    return loop, event


def test_the_loop_sleeps_until_the_next_deadline(tasks_db, frozen_clock):
    new_task()
    warn_at = alerts.next_deadline()
    frozen_clock.freeze(warn_at - 3 * S)
    loop, event = one_turn(max_sleep=30.0)
    assert event.waits == [pytest.approx(3 + engine.EARLY)]
    frozen_clock.freeze(warn_at)
    loop, event = one_turn(max_sleep=30.0)
    assert loop.raised == 1 and event.waits == [30.0]     # the breach is 3 min on: the cap comes first


def test_the_loop_sleep_is_capped_for_deadlines_made_elsewhere(tasks_db, frozen_clock):
    loop, event = one_turn()                     # nothing pending: the cap decides
    assert event.waits == [30.0]                 # max_sleep "30s" (the shortest warning lead is 12 min)
    fast = copy.deepcopy(sla.settings())
    fast["sla"]["pickup_p0_p1"] = "10s"
    sla.configure(fast)
    loop, event = one_turn()
    assert event.waits == [pytest.approx(4.0)]   # half of the 8 s warning lead


def test_notify_wakes_the_loop_only_for_an_earlier_deadline(tasks_db, frozen_clock):
    event = OneTurnEvent()
    loop = engine.Sweeper(lambda: event, max_sleep=30.0)
    loop._wake_at = frozen_clock.now() + 60 * S
    loop.notify(frozen_clock.now() + 90 * S)
    assert not event.flag
    loop.notify(frozen_clock.now() + 10 * S)
    assert event.flag
    # and an action's commit is what notifies the running sweeper
    engine._sweeper, calls = loop, []
    loop.notify = calls.append
    try:
        task = new_task()
        assert calls == [hop(task).warn_at]
    finally:
        engine._sweeper = None


def test_a_failing_turn_does_not_kill_the_loop(tasks_db, frozen_clock, monkeypatch):
    monkeypatch.setattr(alerts, "raise_due", lambda now: 1 / 0)
    loop, event = one_turn()
    assert event.waits == [engine.ERROR_PAUSE] and loop.turns == 1
