"""Webhooks: signed deliveries through the outbox, once per event and in order, retried while the
receiver is down, paused (and the supervisor told) when it keeps failing, delivered again on demand."""
from __future__ import annotations

import datetime as dt
import json

from db.integration_models import IntegrationEvent
from db.task_models import Outbox
from intranet_server import clock
from intranet_server.actions import tasks as actions
from intranet_server.rules.integrations import sign, verify
from intranet_server.sla import outbox
from tests.integrations.conftest import bearer, register
from tests.tasks.helpers import new_task, receiver as unit_receiver, staff


def subscribe(admin, url, unit="PHIJSK-PK", events=None):
    events = events or ["task.arrived", "task.claimed", "task.message", "task.document_requested",
                        "task.resumed", "task.completed", "alert.raised"]
    answer = admin.post("/api/v1/webhooks", json={"url": url, "unit": unit, "events": events})
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def drive_a_task_to_completion():
    task = new_task()
    p1 = unit_receiver("PHIJSK")
    actions.claim(p1, task.id)
    actions.forward(p1, task.id, "PHIJSK-PK")
    p2 = unit_receiver("PHIJSK-PK")
    actions.claim(p2, task.id)
    actions.comment(p2, task.id, "Lampiran kurang")
    actions.request_document(p2, task.id, "Draf PP halaman 3")
    actions.resume(p2, task.id, "Sudah diterima")
    actions.complete(p2, task.id, "PP disahkan")
    return task


def deliver_all(rounds: int = 30, step=dt.timedelta(seconds=20)):
    for _ in range(rounds):
        outbox.deliver_due(clock.now())
        clock.advance(step)


def test_every_event_arrives_once_signed_and_in_order(app, admin, receiver):
    made = subscribe(admin, receiver.url)
    receiver.secret = made["secret"]
    task = drive_a_task_to_completion()
    deliver_all(3)
    events = [(e["event"], e["task"]["id"]) for e in receiver.accepted]
    assert events == [("task.arrived", task.id), ("task.claimed", task.id), ("task.message", task.id),
                      ("task.document_requested", task.id), ("task.resumed", task.id),
                      ("task.completed", task.id)]
    assert receiver.rejected == 0
    assert len(set(receiver.seen_ids)) == 6
    assert [e["id"] for e in receiver.accepted] == receiver.seen_ids      # the body and header agree
    log = admin.get(f"/api/v1/webhooks/{made['id']}/deliveries").get_json()
    assert all(d["status"] == "sent" and len(d["attempts"]) == 1 and d["attempts"][0]["status_code"] == 200
               for d in log["deliveries"])


def test_a_receiver_that_is_down_gets_everything_once_it_is_back(app, admin, receiver):
    made = subscribe(admin, receiver.url)
    receiver.secret = made["secret"]
    port = receiver.port
    receiver.stop()
    task = drive_a_task_to_completion()
    deliver_all(4)                     # a minute of attempts against a closed port
    assert Outbox.select().where((Outbox.channel == "webhook") & (Outbox.status == "sent")).count() == 0
    receiver.start(port)
    deliver_all(40)
    assert [e["event"] for e in receiver.accepted][0] == "task.arrived"
    assert len(receiver.accepted) == 6 and {e["task"]["id"] for e in receiver.accepted} == {task.id}
    log = admin.get(f"/api/v1/webhooks/{made['id']}/deliveries").get_json()["deliveries"]
    first = log[-1]                    # newest first: the last is the first event
    assert len(first["attempts"]) >= 3 and not first["attempts"][0]["ok"] and first["attempts"][-1]["ok"]
    assert "ConnectionError" in first["attempts"][0]["answer"]


def test_a_receiver_that_keeps_failing_is_paused_its_supervisor_told_and_redelivery_resumes(
        app, admin, receiver, settings):
    settings["smtp"]["host"] = "127.0.0.1"     # e-mail configured: the supervisor gets one
    settings["outbox"]["webhook_attempts"] = 3
    from intranet_server import sla
    sla.configure(settings)
    made = subscribe(admin, receiver.url)
    receiver.secret, receiver.fail_with = made["secret"], 503
    drive_a_task_to_completion()
    deliver_all(20, dt.timedelta(minutes=5))
    # 100 minutes passed: the admin's session ended by its idle timeout; she signs in again
    admin.post("/api/v1/auth/login", json={"username": "admin", "password": "demo12345"})
    hook = admin.get("/api/v1/webhooks").get_json()["webhooks"][0]
    assert hook["paused_at"] and "503" in hook["paused_reason"] and hook["failed"] == 1 and hook["pending"] == 5
    told = Outbox.select().where((Outbox.channel == "email") & (Outbox.subject.contains("Webhook")))
    assert [m.address for m in told] == [staff("sup-phijsk-pk").email]
    assert receiver.accepted == []
    receiver.fail_with = None
    assert admin.post(f"/api/v1/webhooks/{made['id']}/redeliver", json={}).get_json() == {"redelivered": 1}
    deliver_all(3)
    assert len(receiver.accepted) == 6
    assert admin.get("/api/v1/webhooks").get_json()["webhooks"][0]["paused_at"] is None


def test_a_client_subscribes_for_its_own_unit_only_and_bad_urls_are_refused(app, admin, receiver):
    secret = register(admin)["secret"]
    api = app.test_client()
    own = api.post("/api/v1/webhooks", headers=bearer(secret), json={"url": receiver.url, "events": ["task.arrived"]})
    assert own.status_code == 201 and own.get_json()["webhook"]["unit"] == "PHIJSK-PK"
    other = api.post("/api/v1/webhooks", headers=bearer(secret),
                     json={"url": receiver.url, "unit": "BARENBANG", "events": ["task.arrived"]})
    assert other.status_code == 403
    for url in ("ftp://example/hook", "not a url", "http://"):
        assert 400 <= admin.post("/api/v1/webhooks", json={"url": url, "unit": "PHIJSK-PK",
                                                           "events": ["task.arrived"]}).status_code < 500
    assert admin.post("/api/v1/webhooks", json={"url": receiver.url, "unit": "PHIJSK-PK",
                                                "events": ["task.exploded"]}).status_code == 422


def test_the_event_feed_pages_by_cursor_and_hears_only_the_clients_unit(app, admin):
    secret = register(admin)["secret"]
    api = app.test_client()
    drive_a_task_to_completion()
    new_task(service="DATA")            # Barenbang: not this client's
    page = api.get("/api/v1/events?after=0&limit=4", headers=bearer(secret)).get_json()
    assert [e["event"] for e in page["events"]] == ["task.arrived", "task.claimed", "task.message",
                                                    "task.document_requested"]
    rest = api.get(f"/api/v1/events?after={page['next']}", headers=bearer(secret)).get_json()
    assert [e["event"] for e in rest["events"]] == ["task.resumed", "task.completed"]
    assert api.get(f"/api/v1/events?after={rest['next']}", headers=bearer(secret)).get_json() == \
        {"events": [], "next": rest["next"]}
    assert all(e["unit"] == "PHIJSK-PK" for e in page["events"] + rest["events"])
    stored = IntegrationEvent.get_by_id(int(page["events"][0]["id"]))
    assert stored.body() == page["events"][0]                        # the feed and the webhook body agree
    assert api.get("/api/v1/events?after=-1", headers=bearer(secret)).status_code == 422
    assert api.get("/api/v1/events?unit=BARENBANG", headers=bearer(secret)).status_code == 403


def test_the_feed_long_polls_until_an_event_comes(app, admin):
    import threading
    secret = register(admin)["secret"]
    api = app.test_client()
    timer = threading.Timer(0.6, lambda: _task_in_other_thread())
    timer.start()
    page = api.get("/api/v1/events?after=0&wait=10", headers=bearer(secret)).get_json()
    timer.join()
    assert [e["event"] for e in page["events"]] == ["task.arrived"]


def _task_in_other_thread():
    import db
    with db.database.connection_context():
        task = new_task()
        p1 = unit_receiver("PHIJSK")
        actions.claim(p1, task.id)
        actions.forward(p1, task.id, "PHIJSK-PK")


def test_the_signature_scheme_is_what_the_readme_says():
    body = json.dumps({"id": "1"}).encode()
    header = sign("s3cret", 1764561600, body)
    import hashlib
    import hmac
    assert header == "t=1764561600,v1=" + hmac.new(b"s3cret", b"1764561600." + body, hashlib.sha256).hexdigest()
    now = dt.datetime.fromtimestamp(1764561600, dt.timezone.utc)
    assert verify("s3cret", header, body, now)
    assert not verify("other", header, body, now)
    assert not verify("s3cret", header, body + b" ", now)
    assert not verify("s3cret", header, body, now + dt.timedelta(minutes=6))


def test_housekeeping_forgets_old_feed_events_but_never_one_still_being_delivered(app, admin, receiver):
    from intranet_server.actions import integrations
    made = subscribe(admin, receiver.url, events=["task.arrived"])
    receiver.secret = made["secret"]
    receiver.stop()                                  # its delivery stays pending
    new_task(service="DATA")                         # Barenbang: heard by no webhook
    task = new_task()
    p1 = unit_receiver("PHIJSK")
    actions.claim(p1, task.id)
    actions.forward(p1, task.id, "PHIJSK-PK")        # task.arrived at PHIJSK-PK: its delivery waits
    before = IntegrationEvent.select().count()
    clock.advance(integrations.FEED_KEEP + dt.timedelta(hours=1))
    integrations.prune(clock.now())
    left = list(IntegrationEvent.select())
    assert before > len(left) >= 1
    assert all(e.event == "task.arrived" and e.unit.code == "PHIJSK-PK" for e in left)


def test_each_event_is_one_insert_and_its_payloads_carry_its_id(app, admin, receiver, caplog):
    """The feed row is written once (no insert-then-update for the id); the feed and every webhook
    delivery still carry the row's id as the event id."""
    import logging
    receiver.secret = subscribe(admin, receiver.url)["secret"]
    with caplog.at_level(logging.DEBUG, logger="peewee"):
        drive_a_task_to_completion()
    table = f'"{IntegrationEvent._meta.table_name}"'
    statements = [r.getMessage() for r in caplog.records if r.name == "peewee"]
    rows = list(IntegrationEvent.select().order_by(IntegrationEvent.id))
    assert len(rows) > 6 and sum(f"INSERT INTO {table}" in s for s in statements) == len(rows)
    assert not [s for s in statements if f"UPDATE {table}" in s]
    secret = register(admin)["secret"]
    feed = app.test_client().get("/api/v1/events?after=0", headers=bearer(secret)).get_json()["events"]
    assert [e["id"] for e in feed] == [str(r.id) for r in rows if r.unit.code == "PHIJSK-PK"]
    deliver_all(3)
    assert receiver.seen_ids == [e["id"] for e in feed] == [e["id"] for e in receiver.accepted]
