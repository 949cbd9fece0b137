"""Integration: API clients, webhooks and their deliveries, the event feed, bookings, idempotent
requests; and `ticket.booked`. Idempotent: tables created when missing, the column added when missing."""
from peewee import BooleanField

from db.integration_models import INTEGRATION_MODELS


def up(migrator, db):
    if "booked" not in {c.name for c in db.get_columns("ticket")}:
        migrator.migrate(migrator.add_column("ticket", "booked", BooleanField(default=False)))
    db.create_tables(INTEGRATION_MODELS, safe=True)
