"""The optional SMS to the applicant when the task from her visit is completed: consent and phone
recorded at the booth, one SMS in Bahasa Indonesia through the outbox to a real local HTTP gateway
(held while the gateway is down, never lost), nothing without consent, and her number shown to no
P1/P2 and forgotten once the SMS is out."""
from __future__ import annotations

import copy
import datetime as dt

import pytest

from db.integration_models import ApplicantSms
from db.models import AuditEvent
from db.task_models import Outbox, Task
from intranet_server import clock, sla
from intranet_server.actions import integrations
from intranet_server.actions import tasks as actions
from intranet_server.rules.integrations import applicant_phone, completion_sms
from intranet_server.sla import outbox
from tests.tasks.helpers import receiver, staff, visitor_at_booth

NUMBER = "+6281234567890"


@pytest.fixture
def sms_on(settings, database, frozen_clock, gateway):
    configured = copy.deepcopy(settings)
    configured["sms"].update(url=gateway.url, timeout="2s")
    configured["outbox"].update(retry_base="10s", retry_max="1m", max_attempts=5)
    sla.configure(configured)
    yield gateway
    sla.configure(settings)


def create(client, **extra):
    ticket = visitor_at_booth(3, "PP")
    answer = client.post("/api/v1/auth/login", json={"username": "p0-03", "password": "demo12345"})
    assert answer.status_code == 200
    return client.post("/api/v1/tasks", json={"ticket_id": ticket.id, "summary": "Cek draf PP", **extra})


def complete(task_id: int):
    p1 = receiver("PHIJSK")
    actions.claim(p1, task_id)
    actions.complete(p1, task_id, "PP disahkan")


def test_with_consent_one_sms_in_bahasa_indonesia_even_after_the_gateway_was_down(app, client, sms_on, caplog):
    gateway = sms_on
    made = create(client, sms={"phone": "0812-3456-7890", "consent": True})
    assert made.status_code == 201, made.get_json()
    task_id = made.get_json()["id"]
    assert ApplicantSms.get(ApplicantSms.task == task_id).phone == NUMBER      # international form
    assert "sms_on_completion" in AuditEvent.get((AuditEvent.action == "task.create")
                                                  & (AuditEvent.subject_id == task_id)).data
    assert NUMBER[3:] not in str(AuditEvent.get((AuditEvent.action == "task.create")
                                                & (AuditEvent.subject_id == task_id)).data)

    officer = app.test_client()                                    # P1 and P2 never see her number
    officer.post("/api/v1/auth/login", json={"username": receiver("PHIJSK").username, "password": "demo12345"})
    for path in (f"/api/v1/tasks/{task_id}", "/api/v1/tasks"):
        answer = officer.get(path)
        assert answer.status_code == 200 and "34567890" not in answer.get_data(as_text=True)

    gateway.status = 500                                           # the gateway is down
    complete(task_id)
    assert ApplicantSms.select().count() == 0                      # the consent row is gone with its use
    outbox.deliver_due(clock.now())
    row = Outbox.get(Outbox.subject == integrations.APPLICANT_SMS)
    assert row.status == "pending" and row.attempts == 1 and gateway.received() == []
    assert "+6281******890" in caplog.text and "34567890" not in caplog.text     # not in full in the log

    gateway.status = 200
    clock.advance(dt.timedelta(minutes=2))
    outbox.deliver_due(clock.now())
    clock.advance(dt.timedelta(minutes=2))
    outbox.deliver_due(clock.now())
    [sms] = gateway.received()
    assert sms["to"] == NUMBER
    assert sms["message"] == completion_sms("Pengesahan Peraturan Perusahaan", Task.get_by_id(task_id).ticket.number,
                                            task_id)
    assert "sudah selesai diproses" in sms["message"] and len(sms["message"]) <= 160

    integrations.prune(clock.now())                                # once sent, the outbox forgets the number
    assert Outbox.get_by_id(row.id).address == "+6281******890"


def test_without_consent_nothing_is_kept_or_sent(app, client, sms_on):
    gateway = sms_on
    before = Task.select().count()
    refused = create(client, sms={"phone": NUMBER, "consent": False})
    assert refused.status_code == 422 and refused.get_json()["error"] == "sms_consent_missing"
    assert "setuju" in refused.get_json()["message"]                            # the booth's language
    bad = client.post("/api/v1/tasks", json={"ticket_id": 1, "summary": "x", "sms": {"phone": "12", "consent": True}})
    assert bad.status_code == 422 and bad.get_json()["error"] == "applicant_phone_invalid"
    assert Task.select().count() == before and ApplicantSms.select().count() == 0   # wrote nothing

    plain = create(client)                                         # no SMS asked for
    assert plain.status_code == 201
    complete(plain.get_json()["id"])
    outbox.deliver_due(clock.now())
    assert gateway.received() == [] and not Outbox.select().where(Outbox.subject == integrations.APPLICANT_SMS).exists()


def test_a_cancelled_tasks_number_is_forgotten_by_the_hourly_pruning(app, client, sms_on):
    task_id = create(client, sms={"phone": NUMBER, "consent": True}).get_json()["id"]
    actions.cancel(staff("p0-03"), task_id, "pemohon mundur")
    assert Task.get_by_id(task_id).status == "cancelled"
    integrations.prune(clock.now())
    assert ApplicantSms.select().count() == 0


@pytest.mark.parametrize("typed, number", [
    ("+6281234567890", NUMBER), ("0812 3456 7890", NUMBER), ("62-812-3456-7890", NUMBER),
    ("(0812) 3456-7890", NUMBER), ("12", None), ("+0812345678", None), ("", None), (None, None),
    ("0812abc", None)])
def test_the_applicants_number_is_read_in_international_form(typed, number):
    assert applicant_phone(typed) == number


def test_the_sms_fits_one_message_whatever_the_service_name():
    text = completion_sms("Layanan " * 40, "P123", 123456)
    assert len(text) <= 160 and text.endswith("#123456.") and "tiket P123" in text
