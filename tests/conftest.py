"""Shared fixtures: a migrated temporary database with the catalog and demo staff, the Flask
test client, a real server subprocess, and a controlled clock."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Every event published and every JSON answer given while the tests run is checked against the
# contract (intranet_server/schemas); live servers inherit the variable (tests/support/live.py).
os.environ["PTSA_VALIDATE_EVENTS"] = "1"

import datetime as dt  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

import db  # noqa: E402
from db.catalog import load_catalog, load_demo_staff, read_catalog  # noqa: E402
from intranet_server import actions, cache, clock  # noqa: E402
from intranet_server.realtime import events
from intranet_server.config import load_settings  # noqa: E402
from tests.support.live import DEMO_PASSWORD, LiveServer  # noqa: E402

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"



def make_settings(data_dir: Path, database_url: str | None = None, **sections) -> dict:
    env = {"PTSA_SERVER_DATA_DIR": str(data_dir), "PTSA_CALENDAR_MODE": "always"}
    if database_url:
        env["PTSA_DATABASE_URL"] = database_url
    settings = load_settings(environ=env)
    for section, values in sections.items():
        settings.setdefault(section, {}).update(values)
    return settings


def prepare_database(url: str) -> None:
    """Migrate and load the default catalog and demo staff into the database at `url`."""
    db.connect(url)
    db.migrate()
    with db.database.connection_context():
        load_catalog(read_catalog())
        load_demo_staff(DEMO_PASSWORD)


@pytest.fixture
def settings(tmp_path):
    return make_settings(tmp_path / "data")


@pytest.fixture
def database(settings):
    """A migrated SQLite file with the PTSA catalog and demo staff; actions configured 24/7."""
    prepare_database(settings["database"]["url"])
    from intranet_server.app import office_from_settings
    actions.configure(office_from_settings(settings))
    from intranet_server.reads import calendars
    calendars.configure(settings["calendar"])
    sent: list[tuple[str, dict, str]] = []
    events.set_emitter(lambda event, message, room: sent.append((event, message, room)))
    db.database.connect(reuse_if_open=True)
    cache.clear_all()
    yield sent
    if not db.database.is_closed():
        db.database.close()
    events.set_emitter(None)


@pytest.fixture
def app(settings, database):
    """The Flask app; committed events reach its Socket.IO server and the `database` list."""
    from intranet_server.app import create_app
    from intranet_server.realtime.sockets import emit_committed
    application = create_app(settings)
    from tests.support.csrf import CsrfClient
    application.test_client_class = CsrfClient   # sends the CSRF header, as the pages do

    def record_and_emit(event, message, room):
        database.append((event, message, room))
        emit_committed(event, message, room)
    events.set_emitter(record_and_emit)
    return application


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def kiosk_token(database):
    from intranet_server.actions.kiosks import register_kiosk
    _, token = register_kiosk("test-kiosk")
    return token


@pytest.fixture
def frozen_clock():
    clock.freeze(dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.timezone.utc))   # Tue 09:00 WIB
    yield clock
    clock.reset()


@pytest.fixture
def live_server(tmp_path):
    server = LiveServer(tmp_path / "live")
    server.init()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def pytest_collection_finish(session):
    """One readable line, before the tests run, when the browser tests cannot start Chromium."""
    uses_browser = [item for item in session.items
                    if "browser" in getattr(item, "fixturenames", ()) or item.get_closest_marker("browser")]
    if not uses_browser:
        return
    from tests.support.browser import problem
    reason = problem()
    if reason:
        verdict = "fail (PTSA_REQUIRE_BROWSER=1)" if os.environ.get("PTSA_REQUIRE_BROWSER") == "1" else "skip"
        session.config.get_terminal_writer().line(
            f"PTSA: {len(uses_browser)} browser test{'s' if len(uses_browser) != 1 else ''} will {verdict}: {reason}",
            red=True, bold=True)


@pytest.fixture(params=["sqlite", "postgres"])
def empty_database_url(request, tmp_path):
    """An empty database on each engine (a SQLite file, a new PostgreSQL database), for migration tests."""
    from tests.support.services import fresh_postgres_database
    if request.param == "postgres":
        url, drop = fresh_postgres_database()
    else:
        url, drop = f"sqlite:///{tmp_path / 'm.db'}", (lambda: None)
    yield url
    db.database.close()
    if hasattr(db.database.obj, "close_all"):
        db.database.obj.close_all()
    drop()


@pytest.fixture
def mailbox():
    """A real SMTP server (aiosmtpd) on a free loopback port that keeps what it receives."""
    from tests.sla.sinks import Mailbox
    box = Mailbox().start()
    yield box
    box.stop()


@pytest.fixture
def gateway():
    """A local HTTP SMS gateway that records the POSTs it receives."""
    from tests.sla.sinks import SmsSink
    sink = SmsSink().start()
    yield sink
    sink.stop()
