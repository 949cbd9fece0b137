"""Versioned migrations: a database from an older version ends with the same schema as a fresh one."""
from __future__ import annotations


import db


def index_names(database) -> set[str]:
    return {i.name for table in database.get_tables() for i in database.get_indexes(table)}


def test_upgrading_an_older_database_gives_the_fresh_schema(empty_database_url):
    database = db.connect(empty_database_url)
    assert db.pending_migrations()[0] == "0001_initial"
    db.migrate()
    assert db.pending_migrations() == []
    with database.connection_context():
        fresh = index_names(database)
        assert {"ticket_business_day", "ticket_service_id_finished_at", "ticket_booth_id_status",
                "ticket_service_id_status_no_show_at"} <= fresh
        # make it look like a database created before 0003: its indexes and its history row gone
        database.execute_sql('DROP INDEX "ticket_business_day"')
        database.execute_sql('DROP INDEX "ticket_service_id_finished_at"')
        database.execute_sql("DELETE FROM schema_migration WHERE name = '0003_ticket_indexes'")
    assert db.pending_migrations() == ["0003_ticket_indexes"]
    assert db.migrate() == ["0003_ticket_indexes"]
    with database.connection_context():
        assert index_names(database) == fresh


def test_the_booth_indexes_are_added_to_an_older_database(empty_database_url):
    database = db.connect(empty_database_url)
    db.migrate()
    with database.connection_context():
        fresh = index_names(database)
        database.execute_sql('DROP INDEX "ticket_booth_id_status"')
        database.execute_sql('DROP INDEX "ticket_service_id_status_no_show_at"')
        database.execute_sql('DROP INDEX "task_updated_at"')
        database.execute_sql('DROP INDEX "audit_event_actor_at"')
        database.execute_sql("DELETE FROM schema_migration WHERE name = '0010_flat_history'")
    assert db.migrate() == ["0010_flat_history"]
    with database.connection_context():
        assert index_names(database) == fresh


def test_the_applicant_sms_table_is_added_to_an_older_database(empty_database_url):
    database = db.connect(empty_database_url)
    db.migrate()
    with database.connection_context():
        fresh = index_names(database), set(database.get_tables())
        database.execute_sql('DROP TABLE "applicant_sms"')
        database.execute_sql("DELETE FROM schema_migration WHERE name = '0012_applicant_sms'")
    assert db.migrate() == ["0012_applicant_sms"]
    with database.connection_context():
        assert (index_names(database), set(database.get_tables())) == fresh
