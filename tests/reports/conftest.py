"""Fixtures of the report tests: the demo database on SQLite or PostgreSQL, with the real office calendar
(Perpres hours, national holidays and cuti bersama), and the month of March 2026 built by hand."""
from __future__ import annotations

import copy

import pytest

import db
from intranet_server import actions, cache, clock, sla
from intranet_server.realtime import events
from intranet_server.reads import reports as report_reads
from tests.conftest import make_settings, prepare_database
from tests.support.services import fresh_postgres_database


def _open(settings: dict, prepare: bool = True):
    from intranet_server.app import office_from_settings
    if prepare:
        prepare_database(settings["database"]["url"])
    else:
        db.connect(settings["database"]["url"])
    actions.configure(office_from_settings(settings))
    sla.configure(settings)
    report_reads.configure(settings.get("reports"))
    events.set_emitter(lambda *a: None)
    db.database.connect(reuse_if_open=True)
    cache.clear_all()


def _close():
    if not db.database.is_closed():
        db.database.close()
    if hasattr(db.database.obj, "close_all"):
        db.database.obj.close_all()
    events.set_emitter(None)
    clock.reset()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def office_db(request, tmp_path):
    """The demo organisation on SQLite and on PostgreSQL, with the office calendar."""
    drop = lambda: None  # noqa: E731
    url = None
    if request.param == "postgres":
        url, drop = fresh_postgres_database()
    settings = make_settings(tmp_path / "data", url)
    settings["calendar"]["mode"] = "office"
    _open(settings)
    yield settings
    _close()
    sla.configure(make_settings(tmp_path / "data"))
    drop()


@pytest.fixture
def sqlite_office_db(tmp_path):
    settings = make_settings(tmp_path / "data")
    settings["calendar"]["mode"] = "office"
    _open(settings)
    yield settings
    _close()
    sla.configure(make_settings(tmp_path / "data"))


@pytest.fixture
def march(office_db):
    from tests.reports.month import build_march
    return build_march()


@pytest.fixture
def report_client(office_db, march):
    """The Flask test client on the fixture month's database, clock at Wed 1 April 2026 09:00 WIB."""
    from intranet_server.app import create_app
    settings = copy.deepcopy(office_db)
    app = create_app(settings)
    _open(settings, prepare=False)
    clock.freeze(march["now"])
    return app.test_client()


def login(client, username: str, password: str = "demo12345"):
    r = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert r.status_code == 200, r.get_json()
    return client
