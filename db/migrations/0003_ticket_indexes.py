"""Indexes for queries that would otherwise scan every ticket ever issued: today's calls and the
latest service times of a queue. IF NOT EXISTS: a fresh database already has them from 0001."""


def up(migrator, db):
    db.execute_sql('CREATE INDEX IF NOT EXISTS "ticket_business_day" ON "ticket" ("business_day")')
    db.execute_sql('CREATE INDEX IF NOT EXISTS "ticket_service_id_finished_at" '
                   'ON "ticket" ("service_id", "finished_at")')
