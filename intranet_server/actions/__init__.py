"""Actions: the only code that changes state.

One function per verb. Each checks permissions and input, changes rows inside one
transaction, records an audit event, and publishes real-time events that go out after
the commit. Errors are `ActionError`s carrying the HTTP status the transports answer with.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from db.models import AuditEvent
from db.prepared import Inserter
from intranet_server import clock
from intranet_server.rules.queue import PriorityPolicy


class ActionError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        if status:
            self.status = status


class Invalid(ActionError):
    status, code = 422, "invalid"


class NotFound(ActionError):
    status, code = 404, "not_found"


class Forbidden(ActionError):
    status, code = 403, "forbidden"


class Unauthorized(ActionError):
    status, code = 401, "unauthorized"


class Conflict(ActionError):
    status, code = 409, "conflict"


@dataclass
class Office:
    """What actions need to know about the office (set from the settings at start)."""
    name: str = "PTSA Kementerian Ketenagakerjaan"
    timezone: str = "Asia/Jakarta"
    policy: PriorityPolicy = field(default_factory=PriorityPolicy)
    recall_window: dt.timedelta = dt.timedelta(minutes=15)
    wait_history: int = 20
    always_open: bool = False


office = Office()


def configure(new: Office) -> None:
    global office
    office = new


_new_audit_event = Inserter(AuditEvent)   # every verb writes one: its SQL is built once


def check_idempotency_key(key) -> None:
    """A client's own key for one thing it makes (a ticket, a task): absent, or 8 to 64 characters."""
    if key is not None and (not isinstance(key, str) or not 8 <= len(key) <= 64):
        raise Invalid("'idempotency_key' must be a string of 8 to 64 characters")


def audit(actor: str, action: str, subject_type: str, subject_id: int | None, **data) -> None:
    # nobody reads the row back: on PostgreSQL it travels with the transaction's next statement
    _new_audit_event.add(at=clock.now(), actor=actor, action=action, subject_type=subject_type,
                         subject_id=subject_id, data=data or None)
