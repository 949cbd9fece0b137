"""The sweeper's leadership (reported by /healthz and /metrics) passes at once when the leader
closes: PostgreSQL drops a session's advisory lock only when its backend has exited, some time
after the client closed the connection, so the leader releases it explicitly first."""
from __future__ import annotations

import pytest

import db
from intranet_server.sla import engine
from tests.support.services import fresh_postgres_database


@pytest.mark.postgres
def test_a_closing_leader_hands_over_immediately():
    url, drop = fresh_postgres_database()
    try:
        db.connect(url)
        for _ in range(20):
            first, second = engine.PostgresLeader(), engine.PostgresLeader()
            try:
                assert first.is_leader() is True
                assert second.is_leader() is False
                first.close()
                assert second.is_leader() is True   # at once: no waiting for the old backend to exit
            finally:
                first.close()
                second.close()
    finally:
        db.database.obj.close_all()
        drop()
