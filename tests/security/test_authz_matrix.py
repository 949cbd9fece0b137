"""The authorization matrix, generated from the app's route table and Socket.IO handlers and checked
against tests/security/authz_table.py (one row per operation). A route or handler without a row fails."""
from __future__ import annotations

import datetime as dt
import re
import secrets

import pytest

from db.models import Staff, Unit
from db.security_models import StaffSession
from db.task_models import Alert, CalendarOverride
from intranet_server import clock
from intranet_server.actions import security
from intranet_server.actions.kiosks import register_kiosk
from intranet_server.realtime.sockets import socketio
from tests.security.authz_table import ROWS
from tests.tasks.helpers import new_task

WHO = ("anon", "kiosk", "p0", "p1", "p2", "sup", "admin")
# Where the resource is named in the body, a well-formed body (a malformed one is a 422 before anything).
BODIES = {
    "POST /api/v1/tasks": lambda p: {"ticket_id": p["ticket_id"], "summary": "Cek draf PP"},
    "POST /api/v1/tickets/<int:ticket_id>/printed": lambda p: {"printed": True},
}


def _expected(key: str) -> dict[str, str]:
    cells = ROWS[key].split()
    assert len(cells) == len(WHO), f"{key}: {len(cells)} columns, expected {len(WHO)}"
    return dict(zip(WHO, cells, strict=True))


def http_operations(app) -> list[str]:
    return sorted(f"{method} {rule.rule}" for rule in app.url_map.iter_rules()
                  for method in rule.methods - {"HEAD", "OPTIONS"})


def socket_operations() -> list[str]:
    return sorted(socketio.server.handlers["/"])


def test_every_route_and_handler_has_a_row(app):
    missing = [op for op in http_operations(app) if op not in ROWS]
    missing += [f"SIO {event}" for event in socket_operations()
                if not any(key == f"SIO {event}" or key.startswith(f"SIO {event} ") for key in ROWS)]
    assert not missing, f"add a row for each to tests/security/authz_table.py: {missing}"
    stale = [key for key in ROWS if not key.startswith("SIO ") and key not in http_operations(app)]
    assert not stale, f"rows for routes that no longer exist: {stale}"


@pytest.fixture
def world(app, settings, frozen_clock):
    """The resources (at booth 3, queue PP, task with PHIJSK) and one caller per column."""
    from intranet_server import sla
    sla.configure(settings)
    task = new_task("p0-03", "PP")
    ticket = task.ticket
    phijsk = Unit.get(Unit.code == "PHIJSK")
    from db.task_models import TaskHop
    hop = TaskHop.select().where(TaskHop.task == task).first()
    alert = Alert.create(hop=hop, task=task, level="breach", unit=phijsk, deadline=clock.now(),
                         created_at=clock.now())
    override = CalendarOverride.create(kind="closed", first_date=dt.date(2026, 12, 30), last_date=dt.date(2026, 12, 30),
                                       note="", created_by="admin", created_at=clock.now())
    _, kiosk_token = register_kiosk("matrix-kiosk")
    other_p1 = Staff.select().join(Unit).where((Staff.role == "p1") & (Unit.code != "PHIJSK")).first()
    other_p2 = (Staff.select().join(Unit).where((Staff.role == "p2") & (Unit.parent != phijsk.id)).first())
    people = {"p0": Staff.get(Staff.username == "p0-04"), "p1": other_p1, "p2": other_p2,
              "sup": Staff.get(Staff.username == "sup-barenbang"), "admin": Staff.get(Staff.username == "admin")}
    params = {"ticket_id": ticket.id, "task_id": task.id, "alert_id": alert.id, "override_id": override.id,
              "code": "PHIJSK", "filename": "css/ptsa.css", "client_id": 1, "webhook_id": 1, "number": 4,
              "username": "p0-01", "name": "no-such-kiosk", "fmt": "csv"}
    return {"app": app, "people": people, "kiosk_token": kiosk_token, "params": params}


def _client(world, who):
    """A client for the column: a fresh session row per request (no scrypt, and a route that ends
    sessions cannot spoil the next one)."""
    client = world["app"].test_client()
    headers = {}
    if who == "kiosk":
        headers["Authorization"] = f"Bearer {world['kiosk_token']}"
    elif who != "anon":
        raw = secrets.token_urlsafe(32)
        row = StaffSession.create(id_hash=security.id_hash(raw), staff=world["people"][who],
                                  csrf_token=secrets.token_urlsafe(32), created_at=clock.now(),
                                  last_seen_at=clock.now())
        with client.session_transaction() as session:
            session["sid"] = raw
        client.set_cookie("ptsa_csrf", row.csrf_token)
    return client, headers


def _url(rule: str, params: dict) -> str:
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", lambda m: str(params[m.group(1)]), rule)


def _verdict(response) -> str:
    status = response.status_code
    if status in (401, 403) or status >= 500:
        return str(status)
    if status == 302:
        return "302"
    return "ok"


def test_http_matrix(world):
    wrong = []
    for op in http_operations(world["app"]):
        method, rule = op.split(" ", 1)
        for who in WHO:   # admin last: its allowed calls change state after everyone else tried
            expected = _expected(op)[who]
            client, headers = _client(world, who)
            body = BODIES[op](world["params"]) if op in BODIES else {}
            kwargs = {"json": body} if method in ("POST", "PUT", "PATCH") else {}
            response = client.open(_url(rule, world["params"]), method=method, headers=headers, **kwargs)
            got = _verdict(response)
            if got == "302" and expected == "ok":
                got = "302"      # a page bouncing an allowed caller is a refusal too
            if got != expected:
                wrong.append(f"{op} as {who}: expected {expected}, got {response.status_code} "
                             f"{(response.get_json(silent=True) or {}).get('error', '')}")
    assert not wrong, "\n".join(wrong)


def test_socket_matrix(world):
    wrong = []
    connected = {}
    for who in WHO:
        client, headers = _client(world, who)
        auth = {"token": world["kiosk_token"]} if who == "kiosk" else None
        sock = socketio.test_client(world["app"], flask_test_client=client, auth=auth)
        connected[who] = sock
        expected = _expected("SIO connect")[who]
        if ("ok" if sock.is_connected() else "403") != expected:
            wrong.append(f"SIO connect as {who}: expected {expected}")
    for key in ROWS:
        if not key.startswith("SIO sync "):
            continue
        room = key.split(" ", 2)[2]
        for who, sock in connected.items():
            expected = _expected(key)[who]
            reply = sock.emit("sync", {"rooms": {room: None}}, callback=True)
            answer = reply["rooms"][room]
            got = "403" if answer.get("error") == "forbidden" else "ok"
            if got != expected:
                wrong.append(f"{key} as {who}: expected {expected}, got {answer}")
    for who, sock in connected.items():
        sock.disconnect()
        if sock.is_connected():
            wrong.append(f"SIO disconnect as {who}: still connected")
    assert not wrong, "\n".join(wrong)


# What a session signed in with a one-time password may still call (sign in/out, who am I, the change).
PASSWORD_CHANGE_OPEN = {"POST /api/v1/auth/login", "POST /api/v1/auth/logout", "POST /api/v1/auth/logout-everywhere",
                        "GET /api/v1/auth/me", "POST /api/v1/auth/password"}


@pytest.mark.parametrize("language, text", [("en", "Change your one-time password before you continue"),
                                            ("id", "Ganti dulu kata sandi sekali pakai Anda sebelum melanjutkan.")])
def test_a_one_time_password_session_may_only_change_it(world, language, text):
    """Every /api route of the route table (a new one cannot slip past) answers 403
    password_change_required to the administrator's session until the password is changed; the
    text is in the person's language. The same cookie without the flag is let through."""
    admin = world["people"]["admin"]
    Staff.update(must_change_password=True, language=language).where(Staff.id == admin.id).execute()
    wrong, checked = [], 0
    for op in http_operations(world["app"]):
        method, rule = op.split(" ", 1)
        if not rule.startswith("/api/"):
            continue      # the pages send such a session to /password (tests/admin/test_admin_pages.py)
        client, headers = _client(world, "admin")
        body = BODIES[op](world["params"]) if op in BODIES else {}
        kwargs = {"json": body} if method in ("POST", "PUT", "PATCH") else {}
        response = client.open(_url(rule, world["params"]), method=method, headers=headers, **kwargs)
        answer = response.get_json(silent=True) or {}
        refused = response.status_code == 403 and answer.get("error") == "password_change_required"
        if op in PASSWORD_CHANGE_OPEN:
            if refused:
                wrong.append(f"{op}: refused, but it must stay open")
        elif not refused:
            wrong.append(f"{op}: expected 403 password_change_required, got {response.status_code} {answer}")
        elif not answer["message"].startswith(text):
            wrong.append(f"{op}: message {answer['message']!r} is not in {language}")
        checked += 1
    assert checked > 100 and not wrong, "\n".join(wrong)


def test_a_one_time_password_session_gets_no_socket_until_it_is_changed(world):
    admin = world["people"]["admin"]
    Staff.update(must_change_password=True).where(Staff.id == admin.id).execute()
    client, _headers = _client(world, "admin")
    sock = socketio.test_client(world["app"], flask_test_client=client)
    assert not sock.is_connected()
    Staff.update(must_change_password=False).where(Staff.id == admin.id).execute()
    sock = socketio.test_client(world["app"], flask_test_client=client)
    assert sock.is_connected()
    sock.disconnect()
