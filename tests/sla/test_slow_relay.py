"""A relay that answers the message late: it must not get the message again and again (it got three
or four copies of each alert when the answer came after [smtp] timeout)."""
from __future__ import annotations

import datetime as dt

import pytest

from db.task_models import Outbox
from intranet_server import clock, sla
from intranet_server.sla import engine, outbox
from tests.tasks.helpers import new_task


@pytest.fixture
def slow_relay(mail_settings, database, frozen_clock, mailbox):
    mail_settings["smtp"].update(port=mailbox.port, timeout="1s", data_timeout="4s")
    mail_settings["sms"].update(url="")
    sla.configure(mail_settings)
    return mailbox


def one_breach_mail():
    new_task()
    clock.advance(dt.timedelta(minutes=16))
    engine.sweep()
    return Outbox.get(Outbox.channel == "email")


def test_an_answer_later_than_the_command_timeout_is_waited_for_and_sent_once(slow_relay):
    slow_relay.answer_after_s = 2.0        # > timeout (1 s), < data_timeout (4 s)
    row = one_breach_mail()
    outbox.deliver_due()
    assert Outbox.get_by_id(row.id).status == "sent"
    for _ in range(5):
        clock.advance(dt.timedelta(minutes=10))
        outbox.deliver_due()
    [message] = slow_relay.received()
    assert message["Message-ID"] == f"<ptsa-outbox-{row.id}@ptsa.local>"


def test_no_answer_at_all_is_unconfirmed_and_tried_once_much_later_with_the_same_message_id(slow_relay):
    slow_relay.answer_after_s = 6.0        # > data_timeout: we never learn whether it took it
    row = one_breach_mail()
    outbox.deliver_due()
    after = Outbox.get_by_id(row.id)
    assert after.status == "unconfirmed" and after.last_error.startswith("unconfirmed")
    assert after.next_attempt_at == clock.now() + dt.timedelta(minutes=30)
    clock.advance(dt.timedelta(minutes=29))
    assert outbox.deliver_due() == []       # not again at once, as a failure would be
    slow_relay.answer_after_s = 0
    clock.advance(dt.timedelta(minutes=2))
    outbox.deliver_due()
    assert Outbox.get_by_id(row.id).status == "sent"
    ids = {m["Message-ID"] for m in slow_relay.wait_for(1)}
    assert ids == {f"<ptsa-outbox-{row.id}@ptsa.local>"}        # a deduplicating relay keeps one


def test_a_refusal_after_the_message_is_a_failure_not_unconfirmed(slow_relay, monkeypatch):
    async def refuse(server, session, envelope):
        return "554 Transaction failed"
    monkeypatch.setattr(slow_relay, "handle_DATA", refuse)
    row = one_breach_mail()
    outbox.deliver_due()
    after = Outbox.get_by_id(row.id)
    assert after.status == "pending" and "554" in after.last_error and not after.last_error.startswith("unconf")
