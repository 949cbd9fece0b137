"""Month-end reports: the monthly e-mail's delivery table and the indexes the KPI queries range over (hops by
sending time, tasks by completion, messages by creation, tickets by issue time). The hop, completion and ticket
indexes cover every column a figure reads, so a year's range is read from the index alone. The models declare
the same indexes (add_index in db/models.py and db/task_models.py). Idempotent: CREATE ... IF NOT EXISTS, so a
fresh database and an upgraded one end the same."""
from db.report_models import REPORT_MODELS

TICKET_COLUMNS = ("issued_at", "service_id", "issued_for_id", "booth_id", "served_by_id", "outcome", "priority",
                  "first_called_at", "started_at", "finished_at", "business_day")
INDEXES = (
    ("task_hop_report_to_unit_id_sent_at", "task_hop", ("to_unit_id", "sent_at", "to_position", "picked_at", "due_at",
                                                         "working_s", "picked_by_id", "task_id")),
    ("task_report_completed_at", "task", ("completed_at", "service_id", "completion_due_at", "working_s", "paused_s",
                                          "completed_by_id")),
    ("task_message_kind_created_at", "task_message", ("kind", "created_at")),
    ("ticket_report_issued_at", "ticket", TICKET_COLUMNS),
)


def up(migrator, db):
    db.create_tables(REPORT_MODELS, safe=True)
    for name, table, columns in INDEXES:
        cols = ", ".join(f'"{c}"' for c in columns)
        db.execute_sql(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ({cols})')
