"""A task's idempotency key (`task.idempotency_key`, unique per officer who created it): a booth that sends
the same new task again — its answer was lost with a dying process or a dropped connection — is answered the
task made the first time instead of making a second one in the unit's inbox.

Idempotent: the column is added only when missing (a fresh database already has it and its index from 0001,
which creates the current models)."""


def up(migrator, db):
    if "idempotency_key" not in {c.name for c in db.get_columns("task")}:
        db.execute_sql('ALTER TABLE "task" ADD COLUMN "idempotency_key" VARCHAR(64)')
    db.execute_sql('CREATE UNIQUE INDEX IF NOT EXISTS "task_created_by_id_idempotency_key" '
                   'ON "task" ("created_by_id", "idempotency_key")')
