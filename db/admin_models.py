"""Business configuration edited from /admin: each unit's own weekly working hours and the
service levels (pickup targets, warning and escalation, off-hours policy). The settings file's
[calendar] and [sla] values are the defaults these rows override."""
from __future__ import annotations

from peewee import CharField, ForeignKeyField

from db.models import BaseModel, JSONField, UTCDateTimeField, Unit


class UnitHours(BaseModel):
    """A unit's weekly working hours: {"mon": ["07:30-12:00", "13:00-16:00"], ...}; a missing day
    is closed. Units without a row work the office's hours."""
    unit = ForeignKeyField(Unit, unique=True, backref="hours_rows", on_delete="CASCADE")
    hours = JSONField()
    updated_by = CharField(max_length=80, default="")
    updated_at = UTCDateTimeField(null=True)


class ServiceLevel(BaseModel):
    """Service levels stored in the database. `scope` is "office" (the office default: pickup
    targets per hop, warn/escalate ratios, channels, off-hours policy) or "unit:<CODE>" (that
    receiving unit's own pickup target)."""
    scope = CharField(primary_key=True, max_length=48)
    value = JSONField()
    updated_by = CharField(max_length=80, default="")
    updated_at = UTCDateTimeField(null=True)


ADMIN_MODELS = [UnitHours, ServiceLevel]
