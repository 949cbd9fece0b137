"""The satisfaction survey: booth tablets and anonymous responses (db/survey_models.py).

Idempotent like every migration here: create_tables(safe=True) creates what is missing only.
"""
from db.survey_models import SURVEY_MODELS


def up(migrator, db):
    db.create_tables(SURVEY_MODELS, safe=True)
