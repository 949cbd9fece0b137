"""The satisfaction survey: booth tablets and anonymous responses (db/survey_models.py), and an index
for the tickets served per service and period (the survey's population).

Idempotent like every migration here: create_tables(safe=True) creates what is missing only.
"""
from db.survey_models import SURVEY_MODELS


def up(migrator, db):
    db.create_tables(SURVEY_MODELS, safe=True)
    # The sample size needs the tickets served per service over a period: without this index the
    # planner walks every finished ticket of the service (0.6 s a month at ten times PTSA's volume).
    # `outcome` rides along so that the count never reads the table itself.
    db.execute_sql('CREATE INDEX IF NOT EXISTS "ticket_service_id_business_day_outcome" '
                   'ON "ticket" ("service_id", "business_day", "outcome")')
