"""The satisfaction survey (SKM): the booth-side tablets that show it and the responses.

A response is anonymous: it keeps the ticket id only so that a ticket is answered once (a unique
index), plus the service and unit of that visit for the report. No name, no officer, no device.
"""
from __future__ import annotations

from peewee import CharField, DateField, ForeignKeyField, SmallIntegerField, TextField

from db.models import BaseModel, Booth, Service, Ticket, UTCDateTimeField, Unit

SURVEY_CHANNELS = ("tablet", "kiosk", "booth")


class SurveyTablet(BaseModel):
    """A browser at a booth that shows the survey to the visitor who was just served there.
    Authenticated by its own token (only a hash is kept), which can do nothing but answer surveys."""
    name = CharField(unique=True, max_length=64)
    booth = ForeignKeyField(Booth, backref="survey_tablets", on_delete="CASCADE")
    token_hash = CharField(unique=True, max_length=64)
    created_at = UTCDateTimeField()
    revoked_at = UTCDateTimeField(null=True)
    last_seen_at = UTCDateTimeField(null=True)


class SurveyResponse(BaseModel):
    ticket = ForeignKeyField(Ticket, unique=True, backref="survey", on_delete="CASCADE")
    service = ForeignKeyField(Service, on_delete="RESTRICT")      # the service the visitor was served in
    unit = ForeignKeyField(Unit, on_delete="RESTRICT")            # that service's unit when answered
    business_day = DateField(index=True)                          # the visit's local day (the period)
    answered_at = UTCDateTimeField()
    channel = CharField(max_length=8)                             # tablet | kiosk | booth
    s1 = SmallIntegerField()
    s2 = SmallIntegerField()
    s3 = SmallIntegerField()
    s4 = SmallIntegerField()
    s5 = SmallIntegerField()
    s6 = SmallIntegerField()
    s7 = SmallIntegerField()
    s8 = SmallIntegerField()
    s9 = SmallIntegerField()
    comment = TextField(default="")
    age_band = CharField(max_length=8, null=True)
    sex = CharField(max_length=1, null=True)
    education = CharField(max_length=10, null=True)
    occupation = CharField(max_length=10, null=True)

    class Meta:
        indexes = ((("service", "business_day"), False),)   # a period of some services: the report's one question

    @property
    def scores(self) -> tuple[int, ...]:
        return (self.s1, self.s2, self.s3, self.s4, self.s5, self.s6, self.s7, self.s8, self.s9)


SURVEY_MODELS = [SurveyTablet, SurveyResponse]
