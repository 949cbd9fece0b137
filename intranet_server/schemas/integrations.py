"""API clients, webhooks, the event feed and bookings."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from intranet_server.schemas import Body, Out

Scope = Literal["tasks:read", "tasks:work", "bookings:write", "reports:read"]
EventName = Literal["task.arrived", "task.claimed", "task.message", "task.document_requested",
                    "task.resumed", "task.completed", "alert.raised", "task.returned", "task.cancelled"]


class NewClient(Body):
    name: str = Field(min_length=2, max_length=48, pattern=r"^[a-z0-9][a-z0-9._-]+$")
    unit: str = Field(min_length=1, max_length=32)
    scopes: list[Scope] = Field(min_length=1, max_length=4)


class ClientOut(Out):
    id: int
    name: str
    unit: str
    scopes: list[str]
    username: str
    created_at: str
    created_by: str
    rotated_at: str | None
    revoked_at: str | None
    last_used_at: str | None


class ClientSecret(Out):
    id: int
    secret: str
    client: ClientOut


class ClientList(Out):
    clients: list[ClientOut]


class NewWebhook(Body):
    url: str = Field(min_length=8, max_length=500)
    events: list[EventName] = Field(min_length=1, max_length=9)
    unit: str | None = Field(default=None, max_length=32, description="admin: the unit; a client: its own")


class WebhookOut(Out):
    id: int
    unit: str
    url: str
    events: list[str]
    client: str | None
    created_at: str
    created_by: str
    paused_at: str | None
    paused_reason: str
    pending: int
    failed: int


class WebhookSecret(Out):
    id: int
    secret: str
    webhook: WebhookOut


class WebhookList(Out):
    webhooks: list[WebhookOut]


class Attempt(Out):
    at: str
    ok: bool
    status_code: int | None
    answer: str
    duration_ms: int


class Delivery(Out):
    id: int
    event_id: str
    event: str
    status: str
    attempts: list[Attempt]
    next_attempt_at: str | None
    sent_at: str | None
    last_error: str


class DeliveryLog(Out):
    webhook: WebhookOut
    deliveries: list[Delivery]


class Redeliver(Body):
    deliveries: list[int] | None = Field(default=None, max_length=1000)


class Redelivered(Out):
    redelivered: int


class EventsQuery(Body):
    after: int = Field(default=0, ge=0, le=2**63 - 1)
    limit: int = Field(default=100, ge=1, le=500)
    wait: int = Field(default=0, ge=0, le=30, description="long-poll: seconds to wait for an event")
    unit: str | None = Field(default=None, max_length=32, description="admin only: one unit")


class Event(Out):
    id: str
    event: str
    created_at: str
    unit: str
    task: dict | None = None
    alert: dict | None = None


class EventPage(Out):
    events: list[Event]
    next: int


class NewBooking(Body):
    service: str = Field(min_length=1, max_length=32)
    date: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    window_start: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    window_end: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    name: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=32)
    priority: Literal["lansia", "disabilitas", "hamil", "anak"] | None = None


class BookingOut(Out):
    code: str
    qr: str
    service: str
    date: str
    window_start: str
    window_end: str
    name: str
    priority: str | None
    status: Literal["booked", "redeemed", "cancelled", "expired"]
    ticket: str | None
    created_at: str
