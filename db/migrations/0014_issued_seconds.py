"""The arrivals heat map at ten times PTSA's volume: `ticket.issued_s`, the issue instant in whole seconds since
the epoch (floored, as the reports count instants), kept by `Ticket.save` and filled in here for older rows, and
the report index over tickets made again with it, so a year's heat map groups integers read from the index
instead of converting each ticket's issue instant with strftime. The local hour stays computed at report time
from the office's offset, as the rows the drill-downs list compute it.
The model declares the same column and index. Idempotent (column added when missing, the ticket index dropped
and made again), so a fresh database and an upgraded one end the same."""
from peewee import BigIntegerField, PostgresqlDatabase

TICKET_INDEX = "ticket_report_issued_at"
# the index's columns as of this migration (the model declares the newest list as REPORT_TICKET_COLUMNS)
TICKET_COLUMNS = ("issued_at", "service_id", "issued_for_id", "booth_id", "served_by_id", "outcome", "priority",
                  "first_called_at", "started_at", "finished_at", "business_day", "wait_s", "visit_s", "issued_s")


def up(migrator, db):
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
