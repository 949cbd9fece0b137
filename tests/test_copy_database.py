"""Moving an office from its SQLite file to PostgreSQL with `ptsa copy-database`."""
from __future__ import annotations

import pytest
import requests

from tests.support.live import LiveServer
from tests.support.services import fresh_postgres_database

pytestmark = pytest.mark.postgres


def test_copy_sqlite_to_postgres_then_serve_from_it(tmp_path):
    url, drop = fresh_postgres_database()
    server = LiveServer(tmp_path / "office")
    try:
        server.init()
        token = server.kiosk_token("lobby-1")
        server.start()
        first, _ = server.task_for_a_visitor(token, "PP draft")
        server.stop()

        copied = server.ptsa("copy-database", "--to", url)
        assert "copied" in copied.stdout and "1 ticket" in copied.stdout and "1 task," in copied.stdout
        again = server.ptsa("copy-database", "--to", url, check=False)
        assert again.returncode == 2 and "already holds data" in again.stderr

        server.env["PTSA_DATABASE_URL"] = url          # the office now runs on PostgreSQL
        server.start()
        second = requests.post(server.url + "/api/v1/tickets", json={"service": "PP"},
                               headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert second.status_code == 201 and second.json()["number"] == "P002"   # the kiosk token moved too
        assert second.json()["id"] == first["id"] + 1                          # ids continue
        officer = server.login("p0-03")                                        # so did the accounts
        tasks = officer.get(server.url + "/api/v1/tasks", timeout=10).json()["tasks"]
        assert [t["summary"] for t in tasks] == ["PP draft"]
    finally:
        server.stop()
        drop()


def test_copy_to_a_bad_url_is_explained(tmp_path):
    server = LiveServer(tmp_path / "office")
    server.init()
    result = server.ptsa("copy-database", "--to", "mysql://somewhere/db", check=False)
    assert result.returncode == 2 and "postgresql://" in result.stderr
