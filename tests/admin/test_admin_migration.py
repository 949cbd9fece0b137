"""Migration 0007 on a database from before it: the same tables and columns as a fresh database."""
from __future__ import annotations

import pytest

import db
from tests.support.services import fresh_postgres_database


def schema(database) -> dict:
    return {t: sorted(c.name for c in database.get_columns(t)) for t in sorted(database.get_tables())}


@pytest.fixture(params=["sqlite", "postgres"])
def url(request, tmp_path):
    if request.param == "postgres":
        url, drop = fresh_postgres_database()
    else:
        url, drop = f"sqlite:///{tmp_path / 'm.db'}", (lambda: None)
    yield url
    db.database.close()
    if hasattr(db.database.obj, "close_all"):
        db.database.obj.close_all()
    drop()


def test_0007_upgrades_an_older_database_to_the_fresh_schema(url):
    database = db.connect(url)
    db.migrate()
    with database.connection_context():
        fresh = schema(database)
        assert "must_change_password" in fresh["staff"] and {"unit_hours", "service_level"} <= set(fresh)
        # as before 0007: no admin tables, no column, no history row
        database.execute_sql('DROP TABLE "unit_hours"')
        database.execute_sql('DROP TABLE "service_level"')
        database.execute_sql('ALTER TABLE "staff" DROP COLUMN "must_change_password"')
        database.execute_sql("DELETE FROM schema_migration WHERE name = '0007_admin'")
    assert db.pending_migrations() == ["0007_admin"]
    assert db.migrate() == ["0007_admin"]
    with database.connection_context():
        assert schema(database) == fresh
