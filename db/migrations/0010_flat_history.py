"""Indexes that keep the hot screens flat as years of history pile up: a booth's current and parked
visits, a queue's no-shows still within the recall window, the recently updated tasks of an inbox,
each officer's latest action, and a unit's alerts (`alert.hop_unit`, filled in for older rows) —
all walked the whole history before. IF NOT EXISTS / when missing: a fresh database has them from
0001/0002."""
from peewee import ForeignKeyField

from db.models import Unit


def up(migrator, db):
    db.execute_sql('CREATE INDEX IF NOT EXISTS "ticket_booth_id_status" ON "ticket" ("booth_id", "status")')
    db.execute_sql('CREATE INDEX IF NOT EXISTS "ticket_service_id_status_no_show_at" '
                   'ON "ticket" ("service_id", "status", "no_show_at")')
    db.execute_sql('CREATE INDEX IF NOT EXISTS "task_updated_at" ON "task" ("updated_at")')
    db.execute_sql('CREATE INDEX IF NOT EXISTS "audit_event_actor_at" ON "audit_event" ("actor", "at")')
    if "hop_unit_id" not in {c.name for c in db.get_columns("alert")}:
        migrator.migrate(migrator.add_column("alert", "hop_unit_id",
                                             ForeignKeyField(Unit, null=True, field=Unit.id, on_delete="RESTRICT")))
        db.execute_sql('UPDATE "alert" SET "hop_unit_id" = (SELECT "to_unit_id" FROM "task_hop" '
                       'WHERE "task_hop"."id" = "alert"."hop_id")')
