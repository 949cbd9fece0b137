"""Administration in the browser: per-unit working hours, service levels in the database, and
the staff flag that forces a password change after a one-time password.

Idempotent: tables are created when missing, the column added only when missing (a fresh
database already has it from 0001, which creates the current models)."""
from peewee import PostgresqlDatabase

from db.admin_models import ADMIN_MODELS


def up(migrator, db):
    db.create_tables(ADMIN_MODELS, safe=True)
    if "must_change_password" not in {c.name for c in db.get_columns("staff")}:
        kind = "BOOLEAN NOT NULL DEFAULT false" if isinstance(db, PostgresqlDatabase) else "INTEGER NOT NULL DEFAULT 0"
        db.execute_sql(f'ALTER TABLE "staff" ADD COLUMN "must_change_password" {kind}')
