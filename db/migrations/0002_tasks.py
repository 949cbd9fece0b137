"""The task chain, SLA alerts, the notification outbox and calendar overrides.

Idempotent like every migration here: create_tables(safe=True) creates what is missing only.
"""
from db.task_models import TASK_MODELS


def up(migrator, db):
    db.create_tables(TASK_MODELS, safe=True)
