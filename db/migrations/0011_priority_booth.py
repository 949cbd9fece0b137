"""Priority booths: `booth.priority` marks a booth that calls waiting priority visitors (lansia,
disabilitas, ibu hamil, anak) first, whatever the office's priority policy.

Idempotent: the column is added only when missing (a fresh database already has it from 0001,
which creates the current models)."""
from peewee import PostgresqlDatabase


def up(migrator, db):
    if "priority" not in {c.name for c in db.get_columns("booth")}:
        kind = "BOOLEAN NOT NULL DEFAULT false" if isinstance(db, PostgresqlDatabase) else "INTEGER NOT NULL DEFAULT 0"
        db.execute_sql(f'ALTER TABLE "booth" ADD COLUMN "priority" {kind}')
