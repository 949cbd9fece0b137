"""Transfer moves only a ticket the booth is serving or may serve, and every verb answers "who are
you, may you, is the state right" in that order (403 before 409)."""
from __future__ import annotations

from db.models import Ticket
from tests.security.helpers import signed_in


def _issue(client, token, service):
    r = client.post("/api/v1/tickets", json={"service": service}, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 201, r.get_json()
    return r.get_json()["id"]


def test_a_booth_cannot_pull_another_queues_visitor_into_its_own(app, kiosk_token):
    k3 = _issue(app.test_client(), kiosk_token, "K3")         # booth 3 serves PP and PKB, not K3
    _issue(app.test_client(), kiosk_token, "PP")
    officer = signed_in(app, "p0-03")
    assert officer.post(f"/api/v1/tickets/{k3}/call").status_code == 403
    r = officer.post(f"/api/v1/tickets/{k3}/transfer", json={"service": "PP"})
    assert r.status_code == 403 and r.get_json()["error"] == "forbidden"
    assert Ticket.get_by_id(k3).service.code == "K3"
    # the booth that serves K3 may move it (the visitor picked the wrong service)
    k3_booth = signed_in(app, "p0-07")
    assert k3_booth.post(f"/api/v1/tickets/{k3}/transfer", json={"service": "PP"}).status_code == 200


def test_a_booth_may_transfer_its_own_visit_and_a_waiting_ticket_it_serves(app, kiosk_token):
    pp = _issue(app.test_client(), kiosk_token, "PP")
    officer = signed_in(app, "p0-03")
    assert officer.post(f"/api/v1/tickets/{pp}/transfer", json={"service": "PKB"}).status_code == 200
    assert officer.post(f"/api/v1/tickets/{pp}/call").status_code == 200
    assert officer.post(f"/api/v1/tickets/{pp}/transfer", json={"service": "K3"}).status_code == 200
    assert Ticket.get_by_id(pp).service.code == "K3"


def test_another_booths_visit_is_403_not_409(app, kiosk_token):
    pp = _issue(app.test_client(), kiosk_token, "PP")
    booth3, booth4 = signed_in(app, "p0-03"), signed_in(app, "p0-04")
    assert booth3.post(f"/api/v1/tickets/{pp}/call").status_code == 200
    assert booth3.post(f"/api/v1/tickets/{pp}/park").status_code == 200
    # booth 4 is busy with its own visitor, and tries to resume booth 3's parked one
    other = _issue(app.test_client(), kiosk_token, "PP")
    assert booth4.post(f"/api/v1/tickets/{other}/call").status_code == 200
    for verb in ("resume", "call", "finish", "recall", "start", "no-show", "park"):
        r = booth4.post(f"/api/v1/tickets/{pp}/{verb}")
        assert r.status_code == 403, (verb, r.get_json())
    r = booth4.post(f"/api/v1/tickets/{pp}/transfer", json={"service": "PKB"})
    assert r.status_code == 403
    assert Ticket.get_by_id(pp).status == "parked"
