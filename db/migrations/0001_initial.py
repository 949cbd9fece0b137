"""The queue: organisation, services, booths, staff, kiosks, tickets, counters, audit, room events.

Migrations here are idempotent (create_tables(safe=True), columns added only when missing),
so a fresh database and an upgraded one end with the same schema.
"""
from db.models import QUEUE_MODELS


def up(migrator, db):
    db.create_tables(QUEUE_MODELS, safe=True)
