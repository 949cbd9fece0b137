"""Month-end reports: the monthly e-mail's delivery table and the indexes the KPI queries range over
(hops by sending time, tasks by completion, alerts and messages by creation, tickets by issue time).
Idempotent: CREATE ... IF NOT EXISTS, so a fresh database and an upgraded one end the same."""
from db.report_models import REPORT_MODELS

INDEXES = (
    ("task_hop_to_unit_id_sent_at", "task_hop", ("to_unit_id", "sent_at")),
    ("task_completed_at_service_id", "task", ("completed_at", "service_id")),
    ("task_message_kind_created_at", "task_message", ("kind", "created_at")),
    ("ticket_issued_at", "ticket", ("issued_at",)),
)


def up(migrator, db):
    db.create_tables(REPORT_MODELS, safe=True)
    for name, table, columns in INDEXES:
        cols = ", ".join(f'"{c}"' for c in columns)
        db.execute_sql(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ({cols})')
