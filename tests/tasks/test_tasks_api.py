"""The task API through the Flask test client: the chain, alerts, outbox, calendar; 403s and bad input."""
from __future__ import annotations

import datetime as dt

import pytest

from intranet_server.sla import engine
from tests.tasks.helpers import db_state, receiver, visitor_at_booth

M = dt.timedelta(minutes=1)


def login(client, username):
    r = client.post("/api/v1/auth/login", json={"username": username, "password": "demo12345"})
    assert r.status_code == 200, r.get_json()


@pytest.fixture
def api(client, tasks_db, frozen_clock):
    return client


def create(client, booth=3, service="PP", **extra):
    ticket = visitor_at_booth(booth, service)
    login(client, f"p0-{booth:02d}")
    return client.post("/api/v1/tasks", json={"ticket_id": ticket.id, "summary": "Cek draf PP", **extra})


def test_create_claim_forward_complete_over_http(api, frozen_clock):
    r = create(api, contact="0812-555-0101", notes="Menunggu di lobi")
    assert r.status_code == 201, r.get_json()
    task = r.get_json()
    start = frozen_clock.now()
    assert task["unit"]["code"] == "PHIJSK" and task["status"] == "open" and task["position"] == "p1"
    assert task["due_at"] == (start + 15 * M).isoformat().replace("+00:00", "Z")
    assert task["hop"]["warn_at"] and task["hop"]["escalate_at"] and task["now"]
    assert [m["kind"] for m in task["messages"]] == ["note"]
    tid = task["id"]

    rina, andi = receiver("PHIJSK").username, receiver("PHIJSK-PK").username
    login(api, rina)
    inbox = api.get("/api/v1/tasks").get_json()
    assert [t["id"] for t in inbox["tasks"]] == [tid] and inbox["now"]
    claimed = api.post(f"/api/v1/tasks/{tid}/claim").get_json()
    assert claimed["assignee"]["username"] == rina and claimed["due_at"] is None
    forwarded = api.post(f"/api/v1/tasks/{tid}/forward", json={"unit": "PHIJSK-PK"}).get_json()
    assert forwarded["unit"]["code"] == "PHIJSK-PK"
    assert forwarded["due_at"] == (start + 30 * M).isoformat().replace("+00:00", "Z")

    login(api, andi)
    assert api.post(f"/api/v1/tasks/{tid}/claim").status_code == 200
    done = api.post(f"/api/v1/tasks/{tid}/complete", json={"result": "Disahkan"}).get_json()
    assert done["status"] == "done" and done["result"] == "Disahkan"
    assert done["completion"]["completed_at"] and done["completion"]["working_s"] == 0

    login(api, "p0-03")
    mine = api.get("/api/v1/tasks").get_json()["tasks"]
    assert mine[0]["id"] == tid and mine[0]["status"] == "done"
    assert api.post(f"/api/v1/tasks/{tid}/ack").status_code == 200
    detail = api.get(f"/api/v1/tasks/{tid}").get_json()
    assert [h["kind"] for h in detail["hops"]] == ["send", "forward", "result"]
    assert detail["hops"][-1]["picked_by"]["username"] == "p0-03"


def test_a_task_sent_again_with_its_key_is_answered_the_task_made_the_first_time(api):
    """The booth sends one key per task it writes. Sent again (the first answer was lost with a dying
    process), the same key answers the same task and writes nothing more; the key with another visitor
    is a 409; a key is bounded text."""
    r = create(api, idempotency_key="booth3-task-0001")
    assert r.status_code == 201 and "Idempotent-Replayed" not in r.headers
    first = r.get_json()
    before = db_state()
    ticket_id = first["ticket"]["id"]
    again = api.post("/api/v1/tasks", json={"ticket_id": ticket_id, "summary": "Cek draf PP",
                                            "idempotency_key": "booth3-task-0001"})
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["id"] == first["id"]
    assert db_state() == before                       # no second task, hop, event or audit row
    other = visitor_at_booth(3, "PP")
    clash = api.post("/api/v1/tasks", json={"ticket_id": other.id, "summary": "Lain",
                                            "idempotency_key": "booth3-task-0001"})
    assert clash.status_code == 409 and clash.get_json()["error"] == "task_key_reused"
    assert clash.get_json()["message"]
    for key in ("short", "x" * 65, "dua kata!"):
        r = api.post("/api/v1/tasks", json={"ticket_id": other.id, "summary": "Lain", "idempotency_key": key})
        assert r.status_code == 422 and r.get_json()["message"], key
    # another officer's key is another key: the same text makes her own task
    ticket4 = visitor_at_booth(4, "PP")
    login(api, "p0-04")
    mine = api.post("/api/v1/tasks", json={"ticket_id": ticket4.id, "summary": "Cek",
                                           "idempotency_key": "booth3-task-0001"})
    assert mine.status_code == 201 and mine.get_json()["id"] != first["id"]


def test_alerts_for_supervisors_with_task_hop_level_and_time(api, frozen_clock):
    tid = create(api).get_json()["id"]
    frozen_clock.advance(16 * M)
    assert [a.level for a in engine.sweep()] == ["warning", "breach"]
    login(api, "sup-phijsk")
    alerts = api.get("/api/v1/alerts").get_json()["alerts"]
    assert {a["level"] for a in alerts} == {"warning", "breach"}
    breach = next(a for a in alerts if a["level"] == "breach")
    assert breach["task"]["id"] == tid and breach["task"]["summary"] == "Cek draf PP"
    assert breach["hop"]["seq"] == 1 and breach["hop"]["to_unit"]["code"] == "PHIJSK"
    assert breach["created_at"] and breach["deadline"] and breach["acknowledged_at"] is None
    warning = next(a for a in alerts if a["level"] == "warning")
    # another unit's supervisor sees nothing of it and may not acknowledge it
    login(api, "sup-barenbang")
    assert api.get("/api/v1/alerts").get_json()["alerts"] == []
    assert api.post(f"/api/v1/alerts/{warning['id']}/ack").status_code == 403
    login(api, "sup-phijsk")
    assert len(api.get("/api/v1/alerts?status=open").get_json()["alerts"]) == 2
    acked = api.post(f"/api/v1/alerts/{breach['id']}/ack").get_json()
    assert acked["acknowledged_by"]["username"] == "sup-phijsk"
    assert api.post(f"/api/v1/alerts/{breach['id']}/ack").status_code == 409
    # acknowledging the breach acknowledges the warning before it: one click per late task
    assert api.get("/api/v1/alerts?status=open").get_json()["alerts"] == []
    login(api, "admin")
    assert len(api.get("/api/v1/alerts").get_json()["alerts"]) == 2
    overview = api.get("/api/v1/supervisor").get_json()
    assert len(overview["units"]) > 30 and overview["tasks"][0]["id"] == tid and overview["outbox"]["counts"]


def test_an_echelon_1_supervisor_oversees_its_echelon_2_units(api, frozen_clock):
    tid = create(api).get_json()["id"]
    login(api, receiver("PHIJSK").username)
    api.post(f"/api/v1/tasks/{tid}/claim")
    api.post(f"/api/v1/tasks/{tid}/forward", json={"unit": "PHIJSK-PK"})
    frozen_clock.advance(31 * M)
    engine.sweep()
    login(api, "sup-phijsk")
    assert {a["hop"]["to_unit"]["code"] for a in api.get("/api/v1/alerts").get_json()["alerts"]} == {"PHIJSK-PK"}
    assert api.get(f"/api/v1/tasks/{tid}").status_code == 200
    login(api, "sup-phijsk-pk")
    assert len(api.get("/api/v1/alerts").get_json()["alerts"]) == 2
    login(api, "sup-phijsk-upah")
    assert api.get("/api/v1/alerts").get_json()["alerts"] == []
    assert api.get(f"/api/v1/tasks/{tid}").status_code == 403


def test_wrong_role_or_unit_is_403_and_writes_nothing(api):
    tid = create(api).get_json()["id"]
    before = db_state()
    cases = [
        ("p1-01", "POST", "/api/v1/tasks", {"ticket_id": 1, "summary": "x"}),
        ("p0-03", "POST", f"/api/v1/tasks/{tid}/claim", None),
        ("sup-phijsk", "POST", f"/api/v1/tasks/{tid}/claim", None),
        ("admin", "POST", f"/api/v1/tasks/{tid}/claim", None),
        (receiver("BARENBANG").username, "POST", f"/api/v1/tasks/{tid}/claim", None),
        (receiver("PHIJSK-PK").username, "POST", f"/api/v1/tasks/{tid}/claim", None),
        (receiver("PHIJSK-PK").username, "POST", f"/api/v1/tasks/{tid}/forward", {"unit": "PHIJSK-PK"}),
        (receiver("BARENBANG").username, "GET", f"/api/v1/tasks/{tid}", None),
        ("p0-04", "GET", f"/api/v1/tasks/{tid}", None),
        ("p0-04", "POST", f"/api/v1/tasks/{tid}/cancel", {"reason": "x"}),
        (receiver("PHIJSK").username, "POST", f"/api/v1/tasks/{tid}/cancel", {"reason": "x"}),
        (receiver("PHIJSK").username, "GET", "/api/v1/alerts", None),
        ("p0-03", "GET", "/api/v1/outbox", None),
        ("sup-phijsk", "POST", "/api/v1/outbox/retry", {}),
        ("sup-phijsk", "POST", "/api/v1/calendar/overrides", {"kind": "closed", "first": "2026-12-24"}),
        ("p1-01", "PUT", "/api/v1/units/PHIJSK/calendar", {"open_on_cuti_bersama": True}),
    ]
    for username, method, url, payload in cases:
        login(api, username)
        r = api.open(url, method=method, json=payload)
        assert r.status_code == 403, (username, url, r.get_json())
        assert r.get_json()["message"]
    assert db_state() == before
    api.post("/api/v1/auth/logout")
    assert api.get("/api/v1/tasks").status_code == 401


def test_bad_input_is_4xx_with_a_message_and_writes_nothing(api):
    tid = create(api).get_json()["id"]
    ticket = visitor_at_booth(3, "PP")
    rina = receiver("PHIJSK").username
    before = db_state()
    login(api, "p0-03")
    cases = [
        (api.post("/api/v1/tasks", data="{oops", content_type="application/json"), 400),
        (api.post("/api/v1/tasks", json=["x"]), 400),
        (api.post("/api/v1/tasks", data="ticket=1", content_type="application/x-www-form-urlencoded"), 400),
        (api.post("/api/v1/tasks", json={"summary": "x"}), 422),
        (api.post("/api/v1/tasks", json={"ticket_id": "1", "summary": "x"}), 422),
        (api.post("/api/v1/tasks", json={"ticket_id": ticket.id}), 422),
        (api.post("/api/v1/tasks", json={"ticket_id": ticket.id, "summary": "  "}), 422),
        (api.post("/api/v1/tasks", json={"ticket_id": ticket.id, "summary": "x" * 501}), 422),
        (api.post("/api/v1/tasks", json={"ticket_id": ticket.id, "summary": "x", "unit": 5}), 422),
        (api.post("/api/v1/tasks", json={"ticket_id": ticket.id, "summary": "x", "unit": "NOPE"}), 404),
        (api.post("/api/v1/tasks", json={"ticket_id": 10**6, "summary": "x"}), 404),
        (api.post("/api/v1/tasks", data="x" * 100_000, content_type="application/json"), 413),
        (api.post(f"/api/v1/tasks/{tid}/resend", json={"unit": "PHIJSK"}), 409),      # not returned
        (api.post("/api/v1/tasks/999/ack"), 404),
    ]
    login(api, rina)
    cases += [
        (api.post(f"/api/v1/tasks/{tid}/forward", json={"unit": "PHIJSK-PK"}), 409),   # not claimed yet
        (api.post(f"/api/v1/tasks/{tid}/comment", json={"body": ""}), 422),
        (api.post(f"/api/v1/tasks/{tid}/return", json={}), 422),
        (api.post(f"/api/v1/tasks/{tid}/reassign", json={"username": "nobody"}), 422),
        (api.post(f"/api/v1/tasks/{tid}/claim", data="[", content_type="application/json"), 400),
    ]
    login(api, "admin")
    cases += [
        (api.post("/api/v1/calendar/overrides", json={"kind": "holiday", "first": "2026-12-24"}), 422),
        (api.post("/api/v1/calendar/overrides", json={"kind": "closed", "first": "24-12-2026"}), 422),
        (api.post("/api/v1/calendar/overrides", json={"kind": "closed", "first": "2026-12-24",
                                                      "last": "2026-12-20"}), 422),
        (api.post("/api/v1/calendar/overrides", json={"kind": "ramadan", "first": "2027-02-08",
                                                      "last": "2027-03-09", "unit": "PHIJSK"}), 422),
        (api.put("/api/v1/units/PHIJSK/calendar", json={"open_on_cuti_bersama": "yes"}), 422),
        (api.put("/api/v1/units/NOPE/calendar", json={"open_on_cuti_bersama": True}), 404),
        (api.delete("/api/v1/calendar/overrides/77"), 404),
        (api.get("/api/v1/calendar?unit=PHIJSK&days=0"), 422),
        (api.get("/api/v1/calendar?from=yesterday"), 422),
        (api.get("/api/v1/outbox?status=lost"), 422),
        (api.post("/api/v1/outbox/retry", json={"ids": "all"}), 422),
    ]
    for response, status in cases:
        assert response.status_code == status, (response.request.path, response.get_json())
        assert response.get_json()["message"]
    assert db_state() == before


def test_calendar_api_shows_days_and_edits_move_deadlines(api, frozen_clock):
    login(api, "admin")
    days = api.get("/api/v1/calendar?unit=PHIJSK&from=2026-11-24&days=3").get_json()
    assert days["always_open"] is True and len(days["days"]) == 3 and days["days"][0]["working"]
    r = api.post("/api/v1/calendar/overrides", json={"kind": "closed", "first": "2026-12-24",
                                                     "last": "2026-12-24", "note": "Cuti bersama Natal"})
    assert r.status_code == 201 and r.get_json()["unit"] is None
    listed = api.get("/api/v1/calendar/overrides").get_json()
    assert [o["note"] for o in listed] == ["Cuti bersama Natal"]
    dup = api.post("/api/v1/calendar/overrides", json={"kind": "open", "first": "2026-12-24"})
    assert dup.status_code == 409
    assert api.delete(f"/api/v1/calendar/overrides/{listed[0]['id']}").status_code == 204
    units = api.put("/api/v1/units/PHIJSK/calendar", json={"open_on_cuti_bersama": True}).get_json()
    assert units["open_on_cuti_bersama"] is True
    assert api.get("/api/v1/units").get_json()[0]["code"] == "SETJEN"


def test_outbox_api_shows_delivery_status(api, frozen_clock, settings):
    from intranet_server import sla
    settings["smtp"]["host"] = "127.0.0.1"     # configured, never reached: nothing is delivered here
    sla.configure(settings)
    create(api)
    frozen_clock.advance(16 * M)
    engine.sweep()
    login(api, "sup-phijsk")
    box = api.get("/api/v1/outbox").get_json()
    assert box["counts"]["pending"] == 1
    row = box["messages"][0]
    assert row["channel"] == "email" and row["address"] == "sup-phijsk@ptsa.example" and row["status"] == "pending"
    login(api, "sup-barenbang")
    assert api.get("/api/v1/outbox").get_json()["messages"] == []
    login(api, "admin")
    assert api.get("/api/v1/outbox?status=pending").get_json()["counts"]["pending"] == 1
    assert api.post("/api/v1/outbox/retry", json={}).get_json() == {"retried": 0}


def test_pages_redirect_by_role(api):
    login(api, receiver("PHIJSK").username)
    assert api.get("/").headers["Location"].endswith("/inbox")
    page = api.get("/inbox")
    assert page.status_code == 200 and b"PHIJSK" in page.data and b"inbox.js" in page.data
    assert api.get("/supervisor").status_code == 302
    login(api, "sup-phijsk")
    assert api.get("/").headers["Location"].endswith("/supervisor")
    assert b"supervisor.js" in api.get("/supervisor").data
    login(api, "admin")
    assert api.get("/supervisor").status_code == 200
    login(api, "p0-03")
    assert b"task-create" in api.get("/booth").data
