"""Rooms of the task chain and live events, through the Flask-SocketIO test client."""
from __future__ import annotations

import datetime as dt

import pytest

from intranet_server.realtime.sockets import rooms_for_staff, socketio
from intranet_server.sla import engine
from tests.tasks.helpers import receiver, staff, visitor_at_booth


def login(client, username):
    assert client.post("/api/v1/auth/login", json={"username": username, "password": "demo12345"}).status_code == 200


@pytest.fixture
def live(app, tasks_db, frozen_clock):
    return app


def socket_for(app, username):
    http = app.test_client()
    login(http, username)
    return socketio.test_client(app, flask_test_client=http)


def test_rooms_by_role(tasks_db):
    rina = receiver("PHIJSK")
    assert "unit:PHIJSK" in rooms_for_staff(rina)
    assert not any(r.startswith("supervisor:") for r in rooms_for_staff(rina))
    assert {"unit:PHIJSK-PK"} <= rooms_for_staff(receiver("PHIJSK-PK"))
    echelon1 = rooms_for_staff(staff("sup-phijsk"))
    assert {"unit:PHIJSK", "supervisor:PHIJSK", "unit:PHIJSK-PK", "supervisor:PHIJSK-PK"} <= echelon1
    assert "supervisor:BARENBANG" not in echelon1
    echelon2 = rooms_for_staff(staff("sup-phijsk-pk"))
    assert "supervisor:PHIJSK-PK" in echelon2 and "supervisor:PHIJSK" not in echelon2
    everything = rooms_for_staff(staff("admin"))
    assert {"supervisor:BARENBANG", "unit:SETJEN-HUK"} <= everything
    dimas = rooms_for_staff(staff("p0-03"))
    assert "booth:3" in dimas and not any(r.startswith(("unit:", "supervisor:")) for r in dimas)


def test_the_inbox_lights_up_when_the_booth_sends(live):
    rina = socket_for(live, receiver("PHIJSK").username)
    other = socket_for(live, receiver("BARENBANG").username)
    rina.get_received()
    other.get_received()
    booth = live.test_client()
    login(booth, "p0-03")
    ticket = visitor_at_booth(3, "PP")
    booth.post("/api/v1/tasks", json={"ticket_id": ticket.id, "summary": "Cek draf"})
    received = [m for m in rina.get_received() if m["name"] == "task"]
    assert len(received) == 1
    message = received[0]["args"][0]
    assert message["room"] == "unit:PHIJSK" and message["change"] == "create"
    assert message["task"]["summary"] == "Cek draf" and message["task"]["due_at"] and message["now"]
    assert [m for m in other.get_received() if m["name"] == "task"] == []


def test_sync_gives_the_unit_snapshot_with_server_time(live):
    booth = live.test_client()
    login(booth, "p0-03")
    booth.post("/api/v1/tasks", json={"ticket_id": visitor_at_booth(3, "PP").id, "summary": "Cek draf"})
    rina = socket_for(live, receiver("PHIJSK").username)
    answer = rina.emit("sync", {"rooms": {"unit:PHIJSK": None, "unit:BARENBANG": None,
                                          "supervisor:PHIJSK": None}}, callback=True)
    snap = answer["rooms"]["unit:PHIJSK"]["snapshot"]
    assert snap["now"] and [t["summary"] for t in snap["tasks"]] == ["Cek draf"]
    assert answer["rooms"]["unit:BARENBANG"]["error"] == "forbidden"
    assert answer["rooms"]["supervisor:PHIJSK"]["error"] == "forbidden"


def test_alerts_reach_the_supervisor_socket_live(live, frozen_clock):
    supervisor = socket_for(live, "sup-phijsk")
    elsewhere = socket_for(live, "sup-barenbang")
    booth = live.test_client()
    login(booth, "p0-03")
    booth.post("/api/v1/tasks", json={"ticket_id": visitor_at_booth(3, "PP").id, "summary": "Cek draf"})
    supervisor.get_received()
    elsewhere.get_received()
    frozen_clock.advance(dt.timedelta(minutes=12))
    engine.sweep()
    alerts = [m["args"][0] for m in supervisor.get_received() if m["name"] == "alert"]
    assert [(a["room"], a["alert"]["level"], a["change"]) for a in alerts] == \
        [("supervisor:PHIJSK", "warning", "raise")]
    assert [m for m in elsewhere.get_received() if m["name"] == "alert"] == []
    snap = supervisor.emit("sync", {"rooms": {"supervisor:PHIJSK": None}}, callback=True)
    assert [a["level"] for a in snap["rooms"]["supervisor:PHIJSK"]["snapshot"]["alerts"]] == ["warning"]
