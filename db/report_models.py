"""Month-end reports: which monthly report went to whom (the exactly-once key of the monthly e-mail)."""
from __future__ import annotations

from peewee import CharField, ForeignKeyField

from db.models import BaseModel, Staff, UTCDateTimeField


class ReportDelivery(BaseModel):
    """One row per (month, supervisor): written in the transaction that puts the e-mail in the outbox,
    so a restart, a second server process or a second sweep never sends the same report twice."""
    month = CharField(max_length=7)            # YYYY-MM, the month reported on
    staff = ForeignKeyField(Staff, on_delete="CASCADE")
    created_at = UTCDateTimeField()

    class Meta:
        indexes = ((("month", "staff"), True),)


REPORT_MODELS = [ReportDelivery]
