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
        assert {"ticket_service_id_finished_at", "ticket_booth_id_status",
                "ticket_service_id_status_no_show_at"} <= fresh
        # make it look like a database created before 0003 (and so before 0016, which replaced 0003's index
        # on business_day): their indexes and history rows gone
        database.execute_sql('DROP INDEX "ticket_business_day_first_called_at"')
        database.execute_sql('DROP INDEX "ticket_business_day_called_at"')
        database.execute_sql('DROP INDEX "ticket_service_id_finished_at"')
        database.execute_sql("DELETE FROM schema_migration WHERE name IN ('0003_ticket_indexes', '0016_today_indexes')")
    assert db.pending_migrations() == ["0003_ticket_indexes", "0016_today_indexes"]
    assert db.migrate() == ["0003_ticket_indexes", "0016_today_indexes"]
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


def test_the_report_columns_are_filled_in_an_older_database(empty_database_url):
    """0013: the tickets' wait and service seconds filled in for older rows, floored to whole seconds as the
    reports compare instants; the ticket report index made again with them; the result-hop index added."""
    import datetime as dt

    from db.models import Service, Ticket
    from db.catalog import load_catalog, read_catalog
    database = db.connect(empty_database_url)
    db.migrate()
    with database.connection_context():
        fresh = index_names(database)
        load_catalog(read_catalog())
        svc = Service.select().first()
        utc = dt.timezone.utc
        issued = dt.datetime(2026, 3, 2, 1, 0, 0, 900000, tzinfo=utc)
        Ticket.create(issued_for=svc, service=svc, business_day=dt.date(2026, 3, 2), seq=1, number="A001",
                      status="done", issued_at=issued, arrived_at=issued,
                      first_called_at=issued + dt.timedelta(minutes=10, microseconds=200000),
                      started_at=issued + dt.timedelta(minutes=11), finished_at=issued + dt.timedelta(minutes=20.5))
        Ticket.create(issued_for=svc, service=svc, business_day=dt.date(2026, 3, 2), seq=2, number="A002",
                      status="waiting", issued_at=issued, arrived_at=issued)
        kept = [(t.wait_s, t.visit_s) for t in Ticket.select().order_by(Ticket.id)]
        assert kept == [(601, 570), (None, None)]   # 01:00:00.9 -> 01:10:01.1 counts 601 s, as strftime('%s')
        database.execute_sql('UPDATE "ticket" SET "wait_s" = NULL, "visit_s" = NULL')
        database.execute_sql('DROP INDEX "task_hop_report_result"')
        database.execute_sql("DELETE FROM schema_migration WHERE name = '0013_report_passes'")
    assert db.migrate() == ["0013_report_passes"]
    with database.connection_context():
        assert index_names(database) == fresh
        assert [(t.wait_s, t.visit_s) for t in Ticket.select().order_by(Ticket.id)] == kept


def test_the_issue_seconds_are_filled_in_an_older_database(empty_database_url):
    """0014: `ticket.issued_s`, the issue instant floored to its whole second, added to a database from before
    it (after 0013, whose index does not have it yet) and filled in for older rows; the ticket report index
    made again with it and the hop and alert report indexes added, as a fresh database has them."""
    import datetime as dt

    from db.catalog import load_catalog, read_catalog
    from db.models import Service, Ticket
    database = db.connect(empty_database_url)
    db.migrate()
    with database.connection_context():
        fresh = index_names(database)
        load_catalog(read_catalog())
        svc = Service.select().first()
        utc = dt.timezone.utc
        for seq, issued in enumerate((dt.datetime(2026, 3, 1, 16, 59, 59, 900000, tzinfo=utc),
                                      dt.datetime(2026, 3, 2, 1, 0, tzinfo=utc)), start=1):
            Ticket.create(issued_for=svc, service=svc, business_day=dt.date(2026, 3, 2), seq=seq, number=f"A00{seq}",
                          status="waiting", issued_at=issued, arrived_at=issued)
        kept = [t.issued_s for t in Ticket.select().order_by(Ticket.id)]
        assert kept == [1772384399, 1772413200]   # 16:59:59.9 floored to 16:59:59, as strftime('%s')
        # a database from before 0014: no column, the index of 0013, neither migration's history row
        database.execute_sql('DROP INDEX "ticket_report_issued_at"')
        database.execute_sql('DROP INDEX "task_hop_report_sent_at"')
        database.execute_sql('DROP INDEX "alert_report_created_at"')
        database.execute_sql('ALTER TABLE "ticket" DROP COLUMN "issued_s"')
        database.execute_sql("DELETE FROM schema_migration WHERE name IN ('0013_report_passes', "
                             "'0014_report_indexes')")
    assert db.migrate() == ["0013_report_passes", "0014_report_indexes"]
    with database.connection_context():
        assert index_names(database) == fresh
        assert [t.issued_s for t in Ticket.select().order_by(Ticket.id)] == kept


def test_the_redundant_ticket_indexes_are_dropped_from_an_older_database(empty_database_url):
    """0015: single-column indexes whose column leads a composite index of the same table (one more write on
    every issue and booth verb each) are gone from an older database, as a fresh one never has them."""
    import importlib
    redundant = importlib.import_module("db.migrations.0015_redundant_indexes").REDUNDANT
    singles = {"ticket_issued_for_id": ("ticket", "issued_for_id"), "ticket_service_id": ("ticket", "service_id"),
               "ticket_status": ("ticket", "status"), "ticket_kiosk_id": ("ticket", "kiosk_id"),
               "ticket_booth_id": ("ticket", "booth_id"),
               "ticket_counter_service_id": ("ticket_counter", "service_id")}
    assert set(redundant) == set(singles)
    database = db.connect(empty_database_url)
    db.migrate()
    with database.connection_context():
        fresh = index_names(database)
        assert fresh.isdisjoint(singles), "a fresh database never has them"
        # a database made before 0015 (its 0001 created them from the models of the time)
        for name, (table, column) in singles.items():
            database.execute_sql(f'CREATE INDEX "{name}" ON "{table}" ("{column}")')
        database.execute_sql("DELETE FROM schema_migration WHERE name = '0015_redundant_indexes'")
    assert db.migrate() == ["0015_redundant_indexes"]
    with database.connection_context():
        assert index_names(database) == fresh


def test_todays_calls_are_indexed_in_call_order_in_an_older_database(empty_database_url):
    """0016: the ratio policy's latest first calls and the display board's latest calls of the day read from
    (business_day, first_called_at) and (business_day, called_at); the single-column business_day index they
    replace, and the unused one on arrived_at, are gone from an older database, as a fresh one never keeps them."""
    database = db.connect(empty_database_url)
    db.migrate()
    with database.connection_context():
        fresh = index_names(database)
        assert {"ticket_business_day_first_called_at", "ticket_business_day_called_at"} <= fresh
        assert "ticket_business_day" not in fresh and "ticket_arrived_at" not in fresh
        # a database made before 0016
        database.execute_sql('DROP INDEX "ticket_business_day_first_called_at"')
        database.execute_sql('DROP INDEX "ticket_business_day_called_at"')
        database.execute_sql('CREATE INDEX "ticket_business_day" ON "ticket" ("business_day")')
        database.execute_sql('CREATE INDEX "ticket_arrived_at" ON "ticket" ("arrived_at")')
        database.execute_sql("DELETE FROM schema_migration WHERE name = '0016_today_indexes'")
    assert db.migrate() == ["0016_today_indexes"]
    with database.connection_context():
        assert index_names(database) == fresh


def test_an_older_database_gets_the_tasks_idempotency_key(empty_database_url):
    """0017: `task.idempotency_key`, unique per officer who made the task, is added to a database made
    before it."""
    database = db.connect(empty_database_url)
    db.migrate()
    with database.connection_context():
        fresh = index_names(database)
        assert "task_created_by_id_idempotency_key" in fresh
        database.execute_sql('DROP INDEX "task_created_by_id_idempotency_key"')
        database.execute_sql('ALTER TABLE "task" DROP COLUMN "idempotency_key"')
        database.execute_sql("DELETE FROM schema_migration WHERE name = '0017_task_idempotency'")
        assert "idempotency_key" not in {c.name for c in database.get_columns("task")}
    assert db.migrate() == ["0017_task_idempotency"]
    with database.connection_context():
        assert index_names(database) == fresh
        assert "idempotency_key" in {c.name for c in database.get_columns("task")}
    assert db.migrate() == []
