"""Month-end reports at ten times PTSA's volume on SQLite:
- a completed task's answering unit (its result hop) read from an index alone (`task_hop_report_result`);
- `ticket.wait_s` and `ticket.visit_s`, the waits and service times in whole seconds (each instant floored to its
  second, as the reports compare them), kept by `Ticket.save` and filled in here for older rows, and the report
  index over tickets made again with them, so a year's visitor figures read integers instead of converting four
  instants per ticket.
The models declare the same columns and indexes. Idempotent (columns added when missing, IF NOT EXISTS, the
ticket index dropped and made again), so a fresh database and an upgraded one end the same."""
from peewee import IntegerField, PostgresqlDatabase

TICKET_INDEX = "ticket_report_issued_at"
# the index's columns as of this migration (0014 adds `issued_s` after them; the model declares the newest list)
TICKET_COLUMNS = ("issued_at", "service_id", "issued_for_id", "booth_id", "served_by_id", "outcome", "priority",
                  "first_called_at", "started_at", "finished_at", "business_day", "wait_s", "visit_s")


def _epoch(db, column: str) -> str:
    if isinstance(db, PostgresqlDatabase):
        return f'FLOOR(date_part(\'epoch\', "{column}"))::BIGINT'
    return f'CAST(strftime(\'%s\', "{column}") AS INTEGER)'


def up(migrator, db):
    db.execute_sql('CREATE INDEX IF NOT EXISTS "task_hop_report_result" '
                   'ON "task_hop" ("task_id", "kind", "from_unit_id")')
    have = {c.name for c in db.get_columns("ticket")}
    for name in ("wait_s", "visit_s"):
        if name not in have:
            migrator.migrate(migrator.add_column("ticket", name, IntegerField(null=True)))
    for name, a, b in (("wait_s", "issued_at", "first_called_at"), ("visit_s", "started_at", "finished_at")):
        db.execute_sql(f'UPDATE "ticket" SET "{name}" = {_epoch(db, b)} - {_epoch(db, a)} '
                       f'WHERE "{a}" IS NOT NULL AND "{b}" IS NOT NULL')
    columns = ", ".join(f'"{c}"' for c in TICKET_COLUMNS)
    db.execute_sql(f'DROP INDEX IF EXISTS "{TICKET_INDEX}"')
    db.execute_sql(f'CREATE INDEX "{TICKET_INDEX}" ON "ticket" ({columns})')
