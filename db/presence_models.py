"""Live Socket.IO connections, shared by every server process through the database, so that the
supervisor screen sees who is connected now whichever process holds their socket."""
from __future__ import annotations

from peewee import CharField, ForeignKeyField

from db.models import BaseModel, Staff, UTCDateTimeField


class LiveConnection(BaseModel):
    """One browser tab or kiosk socket. Its process refreshes `seen_at` every heartbeat; a row whose
    process died stops being refreshed and counts as gone after a few missed beats (then pruned).
    A clean disconnect sets `disconnected_at` (kept a day so "last seen" survives)."""
    sid = CharField(max_length=64, unique=True)
    process = CharField(max_length=80, index=True)
    staff = ForeignKeyField(Staff, null=True, backref="connections", on_delete="CASCADE")
    kind = CharField(max_length=16)          # staff | kiosk | public
    page = CharField(max_length=32, default="")
    connected_at = UTCDateTimeField()
    seen_at = UTCDateTimeField(index=True)
    disconnected_at = UTCDateTimeField(null=True)


PRESENCE_MODELS = [LiveConnection]
