"""Indexes that keep the hot screens flat as years of history pile up: a booth's current and parked
visits, a queue's no-shows still within the recall window, the recently updated tasks of an inbox,
and each officer's latest action (all walked the whole history before). IF NOT EXISTS: a fresh
database has them from 0001/0002."""


def up(migrator, db):
    db.execute_sql('CREATE INDEX IF NOT EXISTS "ticket_booth_id_status" ON "ticket" ("booth_id", "status")')
    db.execute_sql('CREATE INDEX IF NOT EXISTS "ticket_service_id_status_no_show_at" '
                   'ON "ticket" ("service_id", "status", "no_show_at")')
    db.execute_sql('CREATE INDEX IF NOT EXISTS "task_updated_at" ON "task" ("updated_at")')
    db.execute_sql('CREATE INDEX IF NOT EXISTS "audit_event_actor_at" ON "audit_event" ("actor", "at")')
