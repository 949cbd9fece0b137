"""Socket.IO: a hand-written fuzz of the handlers (they always answer), session revocation and idle
timeout reaching open connections, and the Origin check on connect."""
from __future__ import annotations

import datetime as dt

import pytest
import requests
import socketio as python_socketio

from intranet_server.actions.staff import save_staff
from intranet_server.realtime import sockets
from intranet_server.realtime.sockets import socketio
from tests.security.helpers import signed_in

FUZZ = [
    None, 0, -1, 2**63, 10**400 if False else 2**200, 1.5, float("inf"), True, "", "x" * 100000, "\ud800",
    [], [1, 2], {}, {"rooms": None}, {"rooms": []}, {"rooms": "display"}, {"rooms": {"display": 2**63}},
    {"rooms": {"display": -5}}, {"rooms": {"display": 1.5}}, {"rooms": {"display": "1"}},
    {"rooms": {"display": True}}, {"rooms": {"display": None, "x" * 10000: None}},
    {"rooms": {f"room{i}": None for i in range(500)}}, {"rooms": {"display": None}, "extra": 1},
    {"rooms": {"\ud800": None}}, {"rooms": {"booth:99999999999999999999": None}},
    {"rooms": {"booth:abc": None}}, {"rooms": {"display": [1]}}, {"rooms": {"display": {"a": 1}}},
]


@pytest.fixture
def display_socket(app):
    client = socketio.test_client(app)
    assert client.is_connected()
    yield client
    if client.is_connected():
        client.disconnect()


@pytest.mark.parametrize("argument", FUZZ, ids=[repr(a)[:40] for a in FUZZ])
def test_sync_always_answers(display_socket, argument):
    reply = display_socket.emit("sync", argument, callback=True)
    assert isinstance(reply, dict) and "ok" in reply, reply
    if reply["ok"]:
        assert all(isinstance(v, dict) for v in reply["rooms"].values())
    else:
        assert reply["error"] and reply["message"]


def test_sync_with_no_argument_or_several_answers(display_socket):
    assert display_socket.emit("sync", callback=True)["error"] == "bad_request"
    assert display_socket.emit("sync", {"rooms": {}}, 2, callback=True)["error"] == "bad_request"
    assert display_socket.emit("sync", {"rooms": {"display": None}}, callback=True)["ok"] is True


def test_rooms_of_others_stay_closed_whatever_is_sent(display_socket):
    reply = display_socket.emit("sync", {"rooms": {"booth:3": None, "unit:PHIJSK": 0, "staff": None}},
                                callback=True)
    assert {r["error"] for r in reply["rooms"].values()} == {"forbidden"}


def _staff_socket(app, username):
    http = signed_in(app, username)
    return http, socketio.test_client(app, flask_test_client=http)


def test_logout_disconnects_that_sessions_sockets_at_once(app):
    http, sock = _staff_socket(app, "p0-03")
    _, other = _staff_socket(app, "p0-04")
    assert sock.is_connected() and other.is_connected()
    http.post("/api/v1/auth/logout")
    assert not sock.is_connected()
    assert other.is_connected()


def test_disabling_an_account_disconnects_it_everywhere(app):
    _, first = _staff_socket(app, "p1-01")
    _, second = _staff_socket(app, "p1-01")
    save_staff("admin", "p1-01", create=False, active=False)
    assert not first.is_connected() and not second.is_connected()


def test_idle_sessions_lose_their_sockets(app, frozen_clock):
    _, sock = _staff_socket(app, "p0-03")
    frozen_clock.advance(dt.timedelta(minutes=31))
    assert sockets.sweep_sessions() >= 1
    assert not sock.is_connected()


def test_an_ended_session_cannot_sync(app):
    from db.security_models import StaffSession
    _, sock = _staff_socket(app, "p0-03")
    StaffSession.update(ended_at=dt.datetime.now(dt.timezone.utc)).execute()   # as another process would
    reply = sock.emit("sync", {"rooms": {"booth:3": None}}, callback=True)
    assert reply["ok"] is False and reply["error"] == "session_ended"


def test_a_page_of_another_site_cannot_open_a_socket(live_server):
    officer = live_server.login("p0-03")
    cookie = "; ".join(f"{c.name}={c.value}" for c in officer.cookies)
    # long-polling: the header we send is the only Origin (the websocket library adds its own)
    for origin in ("http://127.0.0.1:1", "null", "http://localhost:" + live_server.url.rsplit(":", 1)[1]):
        evil = python_socketio.Client(reconnection=False)
        with pytest.raises(python_socketio.exceptions.ConnectionError):
            evil.connect(live_server.url, headers={"Cookie": cookie, "Origin": origin},
                         transports=["polling"], wait_timeout=5)
    good = python_socketio.Client(reconnection=False)
    good.connect(live_server.url, headers={"Cookie": cookie, "Origin": live_server.url}, transports=["polling"],
                 wait_timeout=5)
    assert good.call("sync", {"rooms": {"booth:3": None}}, timeout=5)["ok"] is True
    good.disconnect()
    assert requests.get(live_server.url + "/healthz", timeout=5).json()["status"] == "ok"
