"""The real server as a subprocess (eventlet), python-socketio clients, real HTTP."""
from __future__ import annotations

import time

import requests

from tests.e2e.realtime_client import Recorder, cookie_of


def issue(server, token, service="PP", **extra):
    r = requests.post(server.url + "/api/v1/tickets", json={"service": service, **extra},
                      headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert r.status_code in (200, 201), r.text
    return r.json()


def test_issue_reaches_booth_and_call_reaches_display(live_server):
    token = live_server.kiosk_token("lobby-1")
    officer = live_server.login("p0-03")
    booth = Recorder(live_server.url, cookie=cookie_of(officer)).connect()
    display = Recorder(live_server.url).connect()
    kiosk = Recorder(live_server.url, token=token).connect()
    try:
        ticket = issue(live_server, token)
        booth.wait_for(lambda e, d: e == "ticket" and d["ticket"]["id"] == ticket["id"]
                       and d["room"] == "service:PP")
        kiosk.wait_for(lambda e, d: e == "service" and d["service"]["code"] == "PP" and d["service"]["waiting"] == 1)
        called = officer.post(live_server.url + "/api/v1/queue/call-next", timeout=10).json()
        assert called["number"] == ticket["number"]
        _, call = display.wait_for(lambda e, d: e == "call" and d["call"]["id"] == ticket["id"])
        assert call["booth"]["number"] == 3
        assert call["clips"][0] == "nomor_antrean" and "booth" in call["text"]
        assert call["room"] == "display" and isinstance(call["seq"], int)
    finally:
        for client in (booth, display, kiosk):
            client.close()


def test_a_display_that_reconnects_catches_up(live_server):
    token = live_server.kiosk_token("lobby-2")
    officer = live_server.login("p0-03")
    display = Recorder(live_server.url).connect()
    first = display.sync({"display": None})["rooms"]["display"]
    assert "snapshot" in first
    seen = first["seq"]
    display.close()
    # while the board is away, two visitors are called
    issue(live_server, token)
    issue(live_server, token)
    officer.post(live_server.url + "/api/v1/queue/call-next", timeout=10)
    officer.post(live_server.url + "/api/v1/queue/call-next", timeout=10)
    again = Recorder(live_server.url).connect()
    try:
        answer = again.sync({"display": seen})["rooms"]["display"]
        calls = [payload for event, payload in answer["events"] if event == "call"]
        assert [c["call"]["number"] for c in calls] == ["P001", "P002"]
        assert [p["seq"] for _, p in answer["events"]] == list(range(seen + 1, answer["seq"] + 1))
        # a client that is too far behind (or ahead, after a database reset) gets a snapshot instead
        stale = again.sync({"display": answer["seq"] + 1000})["rooms"]["display"]
        assert stale["snapshot"]["recent"][0]["number"] == "P002"
        # a room this connection may not read is refused
        assert again.sync({"booth:3": None})["rooms"]["booth:3"]["error"] == "forbidden"
    finally:
        again.close()


def test_server_restart_keeps_queue_numbers_and_sessions(live_server):
    token = live_server.kiosk_token("lobby-3")
    officer = live_server.login("p0-03")
    issue(live_server, token)
    booth = Recorder(live_server.url, cookie=cookie_of(officer)).connect()
    before = booth.sync({"booth:3": None})["rooms"]["booth:3"]
    live_server.restart()
    # same login still works after the restart; the screen reconnects and sees the same queue
    state = officer.get(live_server.url + "/api/v1/booth", timeout=10).json()
    assert [t["number"] for t in state["waiting"]] == ["P001"]
    # the screen that was open reconnects by itself and catches up from where it was
    deadline = time.monotonic() + 15
    while not booth.client.connected and time.monotonic() < deadline:
        time.sleep(0.1)
    assert booth.client.connected
    try:
        snap = booth.sync({"booth:3": before["seq"]})["rooms"]["booth:3"]
        assert snap["events"] == [] and snap["seq"] == before["seq"]
        second = issue(live_server, token)
        assert second["number"] == "P002"   # no number repeats after a restart
        booth.wait_for(lambda e, d: e == "ticket" and d["ticket"]["id"] == second["id"])
    finally:
        booth.close()


def test_kiosk_socket_with_a_bad_token_is_refused(live_server):
    import socketio
    client = socketio.Client(reconnection=False)
    try:
        client.connect(live_server.url, auth={"token": "forged"}, transports=["websocket"], wait_timeout=5)
        connected = True
    except socketio.exceptions.ConnectionError:
        connected = False
    finally:
        client.disconnect()
    assert not connected
