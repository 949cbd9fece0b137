"""The applicant's consent to an SMS when the task from her visit is completed (`applicant_sms`).
Idempotent: a fresh database already has the table from 0009 (which creates every integration table)."""
from db.integration_models import ApplicantSms


def up(migrator, db):
    db.create_tables([ApplicantSms], safe=True)
