"""Catalog and staff edits on PostgreSQL: two administrators saving at once never interleave (one
waits for the other's transaction), and the one who read an older version is refused."""
from __future__ import annotations

import threading

import pytest

import db
from db.models import Service
from intranet_server import actions, cache
from intranet_server.actions import Conflict
from intranet_server.actions import catalog as catalog_actions
from intranet_server.actions import admin_staff
from intranet_server.app import office_from_settings
from intranet_server.realtime import events
from tests.conftest import make_settings, prepare_database
from tests.support.services import fresh_postgres_database

pytestmark = pytest.mark.postgres


@pytest.fixture
def postgres(tmp_path):
    url, drop = fresh_postgres_database()
    prepare_database(url)
    actions.configure(office_from_settings(make_settings(tmp_path, url)))
    events.set_emitter(None)
    cache.services.clear()
    db.database.connect(reuse_if_open=True)
    yield url
    if not db.database.is_closed():
        db.database.close()
    db.database.obj.close_all()
    drop()


def test_concurrent_edits_of_different_services_both_survive(postgres):
    errors = []

    def edit(code, cap):
        try:
            with db.database.connection_context():
                catalog_actions.update_service(f"admin-{code}", code, {"daily_cap": cap})
        except Exception as exc:   # noqa: BLE001 - reported below
            errors.append(exc)
    threads = [threading.Thread(target=edit, args=(code, 100 + i))
               for i, code in enumerate(("PP", "PKB", "DATA", "RTK", "K3", "TKA"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    caps = {s.code: s.daily_cap for s in Service.select()}
    assert [caps[c] for c in ("PP", "PKB", "DATA", "RTK", "K3", "TKA")] == [100, 101, 102, 103, 104, 105]


def test_the_older_version_is_refused(postgres):
    row = next(s for s in catalog_actions.catalog_rows()["services"] if s["code"] == "PP")
    catalog_actions.update_service("a", "PP", {"daily_cap": 11}, row["version"])
    with pytest.raises(Conflict):
        catalog_actions.update_service("b", "PP", {"daily_cap": 12}, row["version"])
    person = admin_staff.staff_row(admin_staff.Staff.get(admin_staff.Staff.username == "p0-03"))
    admin_staff.update_staff("a", "p0-03", {"booth": 5}, person["version"])
    with pytest.raises(Conflict):
        admin_staff.update_staff("b", "p0-03", {"booth": 6}, person["version"])
    assert Service.get(Service.code == "PP").daily_cap == 11
