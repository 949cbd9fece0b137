"""Socket.IO event payloads, one model per event name, keyed by the name `publish()` sends.

Every payload carries its `room` and the room's `seq` (added by `realtime.events.publish`).
With PTSA_VALIDATE_EVENTS=1 (the test suite) `publish()` checks each payload against `EVENTS`,
so a payload that drifts from its model, or an event without a model, fails the test that sent it.
"""
from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from intranet_server.schemas import Out
from intranet_server.schemas.auth import BoothRef
from intranet_server.schemas.queue import IssuedTicket, KioskOut, ServiceOut, TicketOut
from intranet_server.schemas.tasks import AlertOut, TaskOut


class Event(Out):
    room: str
    seq: int


class TicketEvent(Event):
    """`service:<code>` and `booth:<n>`: a ticket changed."""
    ticket: TicketOut


class BoothEvent(Event):
    """`display`: what a booth shows now (its latest active ticket, or none)."""
    booth: BoothRef
    ticket: TicketOut | None


class CallEvent(BoothEvent):
    """`display`: a ticket is called (or recalled) to a booth; the clips and text the board says."""
    call: TicketOut
    recall: bool
    clips: list[str]
    text: str


class ReprintEvent(Event):
    """`kiosk:<name>`: print this ticket again."""
    ticket: IssuedTicket


class KioskEvent(Event):
    """`staff`: a kiosk's printer health changed."""
    kiosk: KioskOut


class ServiceEvent(Event):
    """`lobby`: a service's summary (open, waiting, wait estimate) changed."""
    service: ServiceOut


class TaskEvent(Event):
    """`unit:<code>` and `booth:<n>`: a task changed (`change` is the verb)."""
    task: TaskOut
    change: str
    by: str | None
    now: dt.datetime


class AlertEvent(Event):
    """`supervisor:<code>`: an SLA alert was raised or acknowledged."""
    alert: AlertOut
    change: str
    now: dt.datetime


EVENTS: dict[str, type[BaseModel]] = {
    "ticket": TicketEvent, "booth": BoothEvent, "call": CallEvent, "reprint": ReprintEvent,
    "kiosk": KioskEvent, "service": ServiceEvent, "task": TaskEvent, "alert": AlertEvent,
}


class EventSchemaError(AssertionError):
    """An emitted event breaks its model (raised only when validation is on)."""


def validate_event(event: str, message: dict) -> None:
    model = EVENTS.get(event)
    if model is None:
        raise EventSchemaError(f"event {event!r} has no model in intranet_server/schemas/events.py")
    try:
        model.model_validate(message)
    except Exception as exc:
        raise EventSchemaError(f"event {event!r} breaks {model.__name__}: {exc}") from None
