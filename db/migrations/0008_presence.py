"""Live Socket.IO connections across server processes (presence on the supervisor screen).
Idempotent: create_tables(safe=True) creates what is missing only."""
from db.presence_models import PRESENCE_MODELS


def up(migrator, db):
    db.create_tables(PRESENCE_MODELS, safe=True)
