"""Month-end reports at ten times PTSA's volume on SQLite: a completed task's answering unit (its result hop)
read from an index alone (`task_hop_report_result`). The models declare the same index. Idempotent
(IF NOT EXISTS), so a fresh database and an upgraded one end the same."""


def up(migrator, db):
    db.execute_sql('CREATE INDEX IF NOT EXISTS "task_hop_report_result" '
                   'ON "task_hop" ("task_id", "kind", "from_unit_id")')
