"""Indexes that keep a booth's screen and call-next flat as years of tickets pile up: the booth's
current and parked visits, and the no-shows of a queue still within the recall window (both walked
the booth's or the queue's whole history before). IF NOT EXISTS: a fresh database has them from 0001."""


def up(migrator, db):
    db.execute_sql('CREATE INDEX IF NOT EXISTS "ticket_booth_id_status" ON "ticket" ("booth_id", "status")')
    db.execute_sql('CREATE INDEX IF NOT EXISTS "ticket_service_id_status_no_show_at" '
                   'ON "ticket" ("service_id", "status", "no_show_at")')
