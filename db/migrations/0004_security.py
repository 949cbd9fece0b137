"""Server-side staff sessions and sign-in throttling counters. Idempotent like every migration here."""
from db.security_models import SECURITY_MODELS


def up(migrator, db):
    db.create_tables(SECURITY_MODELS, safe=True)
