"""Socket.IO event payloads, one model per event name, keyed by the name `publish()` sends.

Every payload carries its `room` and the room's `seq` (added by `realtime.events.publish`).
With PTSA_VALIDATE_EVENTS=1 (the test suite) `publish()` checks each payload against `EVENTS`,
so a payload that drifts from its model, or an event without a model, fails the test that sent it.
"""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, Field

from intranet_server.schemas import Body, Out
from intranet_server.schemas.auth import BoothRef
from intranet_server.schemas.common import DB_INT_MAX
from intranet_server.schemas.queue import BoothState, DisplayState, IssuedTicket, KioskOut, ServiceOut, TicketOut
from intranet_server.schemas.surveys import SurveyOffer
from intranet_server.schemas.tasks import AlertOut, TaskOut


class Event(Out):
    room: str
    seq: int


class TicketEvent(Event):
    """`service:<code>` and `booth:<n>`: a ticket changed (one message per action and room: the
    tickets the same action changed before it, such as the visit a call-next finished, in `also`)."""
    ticket: TicketOut
    also: list[TicketOut] = []


class BoothEvent(Event):
    """`display`: what a booth shows now (its latest active ticket, or none), and the summaries of
    the services the action changed: the board's one message for the action."""
    booth: BoothRef
    ticket: TicketOut | None
    services: list[ServiceOut]


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
    """`lobby` (and `display`, when no display event of the action carried it): a service's summary
    (open, waiting, wait estimate) changed."""
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


class CatalogEvent(Event):
    """`booth:<n>` (`booth`, `by`) and `display` (`booths`): the administrator changed the catalog
    (services, hours, a booth's services); the screen reloads what it shows."""
    booth: int | None = None
    by: str | None = None
    booths: list[int] | None = None


class SurveyOfferEvent(Event):
    """`survey:<booth>`: the officer finished a served visit; the booth's tablet opens the survey."""
    offer: SurveyOffer


class SurveyAnsweredEvent(Event):
    """`survey:<booth>`: this ticket's survey is in (from the kiosk, say): the tablet closes it."""
    ticket_id: int


EVENTS: dict[str, type[BaseModel]] = {
    "ticket": TicketEvent, "booth": BoothEvent, "call": CallEvent, "reprint": ReprintEvent,
    "kiosk": KioskEvent, "service": ServiceEvent, "task": TaskEvent, "alert": AlertEvent,
    "catalog": CatalogEvent, "offer": SurveyOfferEvent, "answered": SurveyAnsweredEvent,
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


# ---- the `sync` exchange: what a (re)connecting client sends and the answer it gets ---------------

class SyncRequest(Body):
    rooms: dict[Annotated[str, Field(max_length=100)], Annotated[int, Field(ge=0, le=DB_INT_MAX)] | None] = Field(
        max_length=200)


class LobbySnapshot(Out):
    services: list[ServiceOut]


class ServiceSnapshot(Out):
    service: str


class StaffSnapshot(Out):
    kiosks: list[KioskOut]


class KioskSnapshot(Out):
    pass


class UnitSnapshot(Out):
    now: dt.datetime
    unit: str
    tasks: list[TaskOut]


class SupervisorSnapshot(Out):
    now: dt.datetime
    unit: str
    alerts: list[AlertOut]


class SurveySnapshot(Out):
    """`survey:<booth>`: the visit the tablet should survey now, if any."""
    offer: SurveyOffer | None


SNAPSHOTS: dict[str, type[BaseModel]] = {
    "display": DisplayState, "lobby": LobbySnapshot, "booth": BoothState, "service": ServiceSnapshot,
    "staff": StaffSnapshot, "kiosk": KioskSnapshot, "unit": UnitSnapshot, "supervisor": SupervisorSnapshot,
    "survey": SurveySnapshot,
}


class RoomReplay(Out):
    events: list[tuple[str, dict[str, Any]]]
    seq: int


class RoomSnapshot(Out):
    snapshot: dict[str, Any] | None
    seq: int


class RoomRefused(Out):
    error: str
    message: str


class SyncAnswer(Out):
    ok: bool
    rooms: dict[str, RoomReplay | RoomSnapshot | RoomRefused] | None = None
    error: str | None = None
    message: str | None = None


def validate_sync(answer: dict) -> None:
    """The `sync` answer, each snapshot against its room kind's model and each replayed event against its own."""
    try:
        SyncAnswer.model_validate(answer)
        for room, part in (answer.get("rooms") or {}).items():
            if part.get("snapshot") is not None:
                SNAPSHOTS[room.partition(":")[0]].model_validate(part["snapshot"])
            for event, payload in part.get("events", []):
                validate_event(event, payload)
    except EventSchemaError:
        raise
    except Exception as exc:
        raise EventSchemaError(f"sync answer breaks its model: {exc}") from None
