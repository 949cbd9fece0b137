"""Month-end reports at ten times PTSA's volume on SQLite:
- the arrivals heat map: `ticket.issued_s`, the issue instant in whole seconds since the epoch (floored, as the
  reports count instants), kept by `Ticket.save` and filled in here for older rows, and the report index over
  tickets made again with it, so a year's heat map groups integers read from the index instead of converting
  each ticket's issue instant with strftime. The local hour stays computed at report time from the office's
  offset, as the rows the drill-downs list compute it;
- every unit's hops and alerts of a period (the office-wide task report, the 12-month line) read from covering
  indexes by sending and creation time (`task_hop_report_sent_at`, `alert_report_created_at`) instead of a table
  row per hop and alert.
The models declare the same column and indexes. Idempotent (column added when missing, IF NOT EXISTS, the ticket
index dropped and made again), so a fresh database and an upgraded one end the same."""
from peewee import BigIntegerField, PostgresqlDatabase

TICKET_INDEX = "ticket_report_issued_at"
# the index's columns as of this migration (the model declares the newest list as REPORT_TICKET_COLUMNS)
TICKET_COLUMNS = ("issued_at", "service_id", "issued_for_id", "booth_id", "served_by_id", "outcome", "priority",
                  "first_called_at", "started_at", "finished_at", "business_day", "wait_s", "visit_s", "issued_s")

INDEXES = (
    ("task_hop_report_sent_at", "task_hop", ("sent_at", "to_position", "to_unit_id", "picked_at", "due_at",
                                             "working_s", "picked_by_id", "task_id")),
    ("alert_report_created_at", "alert", ("created_at", "level", "hop_id", "task_id")),
)


def up(migrator, db):
    for name, table, cols in INDEXES:
        quoted = ", ".join(f'"{c}"' for c in cols)
        db.execute_sql(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ({quoted})')
    if "issued_s" not in {c.name for c in db.get_columns("ticket")}:
        migrator.migrate(migrator.add_column("ticket", "issued_s", BigIntegerField(null=True)))
    if isinstance(db, PostgresqlDatabase):
        epoch = 'FLOOR(date_part(\'epoch\', "issued_at"))::BIGINT'
    else:
        epoch = 'CAST(strftime(\'%s\', "issued_at") AS INTEGER)'
    db.execute_sql(f'UPDATE "ticket" SET "issued_s" = {epoch} WHERE "issued_at" IS NOT NULL')
    columns = ", ".join(f'"{c}"' for c in TICKET_COLUMNS)
    db.execute_sql(f'DROP INDEX IF EXISTS "{TICKET_INDEX}"')
    db.execute_sql(f'CREATE INDEX "{TICKET_INDEX}" ON "ticket" ({columns})')
