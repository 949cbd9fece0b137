"""Survey fixtures: the Flask app on a migrated SQLite file or a fresh PostgreSQL database, and served
visits made with the real queue actions (a kiosk issues, the booth's P0 calls and finishes)."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.support.csrf import CsrfClient

import db
from db.models import Kiosk, Staff, Ticket
from intranet_server import actions, cache, clock
from intranet_server.actions import queue
from intranet_server.realtime import events
from tests.conftest import make_settings, prepare_database
from tests.support.services import fresh_postgres_database

MONDAY_0900_WIB = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.timezone.utc)


def _serving(tmp_path, url: str | None, drop=lambda: None):
    """(Flask test client, sent events) on the database at `url` (None: a SQLite file), then tidy up."""
    settings = make_settings(tmp_path / "data", url)
    prepare_database(settings["database"]["url"])
    from intranet_server.app import create_app
    clock.freeze(MONDAY_0900_WIB)
    app = create_app(settings)
    app.test_client_class = CsrfClient   # sends the CSRF header, as the pages do
    sent: list = []
    events.set_emitter(lambda event, message, room: sent.append((event, message, room)))
    cache.clear_all()
    db.database.connect(reuse_if_open=True)
    yield app.test_client(), sent
    clock.reset()
    events.set_emitter(None)
    if not db.database.is_closed():
        db.database.close()
    if hasattr(db.database.obj, "close_all"):
        db.database.obj.close_all()
    drop()


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request, tmp_path):
    """(Flask test client, sent events) on each database the product supports."""
    if request.param == "postgres":
        url, drop = fresh_postgres_database()
        yield from _serving(tmp_path, url, drop)
    else:
        yield from _serving(tmp_path, None)


@pytest.fixture
def sqlite_backend(tmp_path):
    yield from _serving(tmp_path, None)


def kiosk() -> Kiosk:
    found = Kiosk.get_or_none(Kiosk.name == "survey-test")
    if found:
        return found
    from intranet_server.actions.kiosks import register_kiosk
    return register_kiosk("survey-test")[0]


def visit(service: str, officer: str, outcome: str = "served") -> Ticket:
    """A visitor takes a ticket and the officer calls her; `served` finishes the visit, `no_show` marks
    her absent, `waiting` leaves the ticket in the queue."""
    ticket, _ = queue.issue_ticket(kiosk(), service)
    if outcome == "waiting":
        return Ticket.get_by_id(ticket.id)
    staff = Staff.get(Staff.username == officer)
    called = queue.call_ticket(staff, ticket.id)
    clock.freeze(clock.now() + dt.timedelta(minutes=3))
    if outcome == "served":
        queue.finish(staff, called.id)
    elif outcome == "no_show":
        queue.no_show(staff, called.id)
    return Ticket.get_by_id(ticket.id)


def login(client, username: str, password: str = "demo12345") -> None:
    r = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert r.status_code == 200, r.get_json()


def office_today() -> dt.date:
    from intranet_server.rules.queue import business_day
    return business_day(clock.now(), actions.office.timezone)
