"""Security: server-side staff sessions (revocable) and sign-in failure counters (throttling).

Both live in the database so they hold across every server process of an office."""
from __future__ import annotations

from peewee import CharField, ForeignKeyField, IntegerField

from db.models import BaseModel, Staff, UTCDateTimeField


class StaffSession(BaseModel):
    """One signed-in browser. The cookie carries only a random id; its SHA-256 is the key here, so a
    copy of this table cannot be replayed as cookies."""
    id_hash = CharField(primary_key=True, max_length=64)
    staff = ForeignKeyField(Staff, backref="sessions", on_delete="CASCADE")
    csrf_token = CharField(max_length=64)
    created_at = UTCDateTimeField()
    last_seen_at = UTCDateTimeField()
    ended_at = UTCDateTimeField(null=True, index=True)
    end_reason = CharField(max_length=32, default="")
    address = CharField(max_length=64, default="")
    user_agent = CharField(max_length=200, default="")


class LoginThrottle(BaseModel):
    """Failed sign-ins per key ("user:<name>" or "addr:<ip>") in the current window."""
    key = CharField(primary_key=True, max_length=120)
    failures = IntegerField(default=0)
    window_start = UTCDateTimeField()
    locked_until = UTCDateTimeField(null=True)


SECURITY_MODELS = [StaffSession, LoginThrottle]
