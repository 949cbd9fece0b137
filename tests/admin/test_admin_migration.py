"""Migration 0007 on a database from before it: the same tables and columns as a fresh database."""
from __future__ import annotations


import db


def schema(database) -> dict:
    return {t: sorted(c.name for c in database.get_columns(t)) for t in sorted(database.get_tables())}


def test_0007_upgrades_an_older_database_to_the_fresh_schema(empty_database_url):
    database = db.connect(empty_database_url)
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


def test_0011_adds_the_priority_booth_flag_to_an_older_database(empty_database_url):
    database = db.connect(empty_database_url)
    db.migrate()
    with database.connection_context():
        fresh = schema(database)
        assert "priority" in fresh["booth"]
        database.execute_sql('ALTER TABLE "booth" DROP COLUMN "priority"')
        database.execute_sql("DELETE FROM schema_migration WHERE name = '0011_priority_booth'")
    assert db.pending_migrations() == ["0011_priority_booth"]
    assert db.migrate() == ["0011_priority_booth"]
    with database.connection_context():
        assert schema(database) == fresh
        database.execute_sql('INSERT INTO "booth" ("number", "label", "active") VALUES (77, \'B77\', true)')
        from db.models import Booth
        assert Booth.get(Booth.number == 77).priority is False     # older rows: ordinary booths
