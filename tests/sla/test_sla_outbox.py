"""The outbox worker against a real SMTP server and a real HTTP SMS gateway: delivery, retries with
backoff, giving up, and two workers never sending one row twice. Time is moved, not waited."""
from __future__ import annotations

import datetime as dt
import threading

import pytest

import db
from db.task_models import Outbox
from intranet_server import sla
from intranet_server.sla import engine, mail, outbox, sms
from tests.tasks.helpers import new_task, staff

M = dt.timedelta(minutes=1)
S = dt.timedelta(seconds=1)


@pytest.fixture
def delivering(mail_settings, database, frozen_clock, mailbox, gateway):
    mail_settings["smtp"].update(port=mailbox.port)
    mail_settings["sms"].update(url=gateway.url, token="rahasia")
    sla.configure(mail_settings)
    return mail_settings


def breach():
    """A task left untouched past its pickup deadline: one e-mail and one SMS to sup-phijsk."""
    from intranet_server import clock
    task = new_task()
    clock.advance(16 * M)
    engine.sweep()
    return task


def test_mail_and_sms_are_delivered_once(delivering, mailbox, gateway):
    task = breach()
    tried = outbox.deliver_due()
    assert len(tried) == 2
    assert {r.status for r in Outbox.select()} == {"sent"}
    assert all(r.attempts == 1 and r.sent_at and r.last_error == "" for r in Outbox.select())
    [message] = mailbox.received()
    assert message["To"] == "sup-phijsk@ptsa.example" and message["From"] == "PTSA <ptsa@localhost>"
    assert f"tugas #{task.id}" in message["Subject"] and "Pelanggaran SLA" in message["Subject"]
    assert "Cek layar" not in message.get_content() and "supervisor" in message.get_content()
    [posted] = gateway.received()
    assert posted["to"] == staff("sup-phijsk").phone and posted["to"].startswith("+62")
    assert f"#{task.id}" in posted["message"] and len(posted["message"]) <= 160
    assert gateway.headers[0]["Authorization"] == "Bearer rahasia"
    assert outbox.deliver_due() == [] and len(mailbox.received()) == 1 and len(gateway.received()) == 1


def test_smtp_down_retries_with_backoff_until_it_returns(delivering, mailbox, gateway, frozen_clock):
    mailbox.stop()
    breach()
    outbox.deliver_due()
    row = Outbox.get(Outbox.channel == "email")
    assert row.status == "pending" and row.attempts == 1 and "Connection" in row.last_error
    assert row.next_attempt_at == frozen_clock.now() + 10 * S            # retry_base
    assert Outbox.get(Outbox.channel == "sms").status == "sent"          # the SMS did not wait for it
    frozen_clock.advance(10 * S)
    outbox.deliver_due()
    row = Outbox.get(Outbox.channel == "email")
    assert row.attempts == 2 and row.next_attempt_at == frozen_clock.now() + 20 * S   # doubled
    mailbox.start()
    frozen_clock.advance(19 * S)
    assert outbox.deliver_due() == []                                   # not yet due
    frozen_clock.advance(1 * S)
    outbox.deliver_due()
    assert Outbox.get(Outbox.channel == "email").status == "sent"
    assert len(mailbox.received()) == 1


def test_a_gateway_error_is_retried_and_after_max_attempts_the_row_fails(delivering, gateway, frozen_clock):
    gateway.status = 503
    breach()
    for _ in range(3):                                                   # max_attempts = 3
        outbox.deliver_due()
        frozen_clock.advance(M)
    row = Outbox.get(Outbox.channel == "sms")
    assert row.status == "failed" and row.attempts == 3 and "503" in row.last_error
    gateway.status = 200
    frozen_clock.advance(60 * M)
    outbox.deliver_due()
    assert Outbox.get(Outbox.channel == "sms").status == "failed"        # failed rows wait for an operator
    assert outbox.retry() == 1
    outbox.deliver_due()
    assert Outbox.get(Outbox.channel == "sms").status == "sent" and len(gateway.received()) == 1


def test_backoff_doubles_up_to_the_cap(delivering):
    assert [outbox.backoff(n).total_seconds() for n in range(1, 6)] == [10, 20, 40, 60, 60]


def test_a_row_left_sending_by_a_dead_worker_is_tried_again_after_its_lease(delivering, mailbox, frozen_clock):
    breach()
    row = Outbox.get(Outbox.channel == "email")
    assert outbox.lease() == dt.timedelta(seconds=10)            # 3 x the 2 s timeouts, at least 10 s
    Outbox.update(status="sending", attempts=1, next_attempt_at=frozen_clock.now() + outbox.lease()) \
        .where(Outbox.id == row.id).execute()
    outbox.deliver_due()
    assert Outbox.get_by_id(row.id).status == "sending" and mailbox.received() == []
    frozen_clock.advance(outbox.lease())
    outbox.deliver_due()
    assert Outbox.get_by_id(row.id).status == "sent" and Outbox.get_by_id(row.id).attempts == 2


def test_two_workers_never_send_a_row_twice(mail_settings, database, frozen_clock, monkeypatch):
    sla.configure(mail_settings)
    for _ in range(15):
        breach()
    calls, lock = [], threading.Lock()

    def record(row):
        with lock:
            calls.append(row.id)
    monkeypatch.setattr(outbox, "transports", lambda: {"email": record, "sms": record})
    barrier = threading.Barrier(3)

    def worker():
        with db.database.connection_context():
            barrier.wait()
            outbox.deliver_due()
    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(calls) == sorted(r.id for r in Outbox.select()) and len(calls) >= 30
    assert {r.status for r in Outbox.select()} == {"sent"}


def test_numbers_are_sent_in_international_form():
    assert sms.normalize_number("0812-3456-7890") == "+6281234567890"
    assert sms.normalize_number("62 812 3456") == "+628123456"
    assert sms.normalize_number("+62 (812) 3456") == "+628123456"


def test_smtp_settings_are_required_and_messages_are_well_formed(mail_settings):
    message = mail.build("a@b.example", "Subjek", "Isi ✓", "PTSA <ptsa@localhost>")
    assert message["Message-ID"] and message.get_content().strip() == "Isi ✓"
    with pytest.raises(RuntimeError, match="no SMTP host"):
        mail.send("a@b.example", "s", "b", {**mail_settings["smtp"], "host": ""})
    with pytest.raises(RuntimeError, match="no SMS gateway"):
        sms.send("+62812", "m", {**mail_settings["sms"], "url": ""})
