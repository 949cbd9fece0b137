"""Integration: the units' own systems as API clients, their webhooks and the event feed, and
visits booked online that the kiosk redeems."""
from __future__ import annotations

from peewee import BooleanField, CharField, DateField, ForeignKeyField, IntegerField, TextField

from db.models import BaseModel, JSONField, Service, Staff, Ticket, Unit, UTCDateTimeField
from db.task_models import Outbox, Task

CLIENT_SCOPES = ("tasks:read", "tasks:work", "bookings:write", "reports:read")
WEBHOOK_EVENTS = ("task.arrived", "task.claimed", "task.message", "task.document_requested",
                  "task.resumed", "task.completed", "alert.raised")


class ApiClient(BaseModel):
    """A unit's system. It works under its own staff account (`staff`, a receiver of `unit` that can
    never sign in), so every action it takes is audited under its name and counts in the SLA and KPI
    figures exactly as an officer's would. Only the secret's hash is kept."""
    name = CharField(unique=True, max_length=64)
    unit = ForeignKeyField(Unit, backref="api_clients", on_delete="RESTRICT")
    staff = ForeignKeyField(Staff, unique=True, on_delete="RESTRICT")
    scopes = CharField(max_length=200)                 # space-separated, from CLIENT_SCOPES
    secret_hash = CharField(unique=True, max_length=64)
    created_at = UTCDateTimeField()
    created_by = CharField(max_length=80)
    rotated_at = UTCDateTimeField(null=True)
    revoked_at = UTCDateTimeField(null=True)
    last_used_at = UTCDateTimeField(null=True)

    @property
    def scope_set(self) -> set[str]:
        return set(self.scopes.split())


class Webhook(BaseModel):
    """A URL that hears the events of one unit's tasks. The secret signs every delivery (so it is
    kept as it is, like any HMAC key); `paused_at` is set when the receiver keeps failing."""
    unit = ForeignKeyField(Unit, backref="webhooks", on_delete="RESTRICT")
    client = ForeignKeyField(ApiClient, null=True, backref="webhooks", on_delete="SET NULL")
    url = CharField(max_length=500)
    events = CharField(max_length=300)                 # space-separated, from WEBHOOK_EVENTS
    secret = CharField(max_length=64)
    created_at = UTCDateTimeField()
    created_by = CharField(max_length=80)
    active = BooleanField(default=True)                # false: deleted (kept for the delivery log)
    paused_at = UTCDateTimeField(null=True)
    paused_reason = CharField(max_length=300, default="")

    @property
    def event_set(self) -> set[str]:
        return set(self.events.split())


class IntegrationEvent(BaseModel):
    """One event of one unit's task, written in the transaction that caused it. Its id is the
    event id of every webhook delivery and the cursor of the event feed."""
    event = CharField(max_length=40)
    unit = ForeignKeyField(Unit, on_delete="CASCADE")
    task = ForeignKeyField(Task, null=True, on_delete="CASCADE")
    payload = JSONField()
    created_at = UTCDateTimeField(index=True)

    class Meta:
        indexes = ((("unit", "id"), False),)

    def body(self) -> dict:
        """What the feed and a webhook delivery carry: the stored payload with the row's id as its
        event id (older rows kept the id in the payload too: the same value)."""
        return {"id": str(self.id), **{k: v for k, v in self.payload.items() if k != "id"}}


class WebhookDelivery(BaseModel):
    """One event to one webhook: its outbox row carries the retries; attempts are logged below."""
    webhook = ForeignKeyField(Webhook, backref="deliveries", on_delete="CASCADE")
    event = ForeignKeyField(IntegrationEvent, on_delete="CASCADE")
    outbox = ForeignKeyField(Outbox, unique=True, on_delete="CASCADE")

    class Meta:
        indexes = ((("webhook", "event"), True),)


class DeliveryAttempt(BaseModel):
    delivery = ForeignKeyField(WebhookDelivery, backref="attempts", on_delete="CASCADE")
    at = UTCDateTimeField()
    ok = BooleanField()
    status_code = IntegerField(null=True)
    answer = TextField(default="")                     # the receiver's answer (or the error), cut short
    duration_ms = IntegerField(default=0)


class Booking(BaseModel):
    """A visit booked online (the ministry's portal or a unit's app), redeemed at the kiosk."""
    code = CharField(unique=True, max_length=16)
    service = ForeignKeyField(Service, on_delete="RESTRICT")
    day = DateField(index=True)                        # office-local date
    window_start = CharField(max_length=5)             # "HH:MM", office-local
    window_end = CharField(max_length=5)
    name = CharField(max_length=200, default="")
    phone = CharField(max_length=32, default="")
    priority = CharField(max_length=16, null=True)
    client = ForeignKeyField(ApiClient, null=True, on_delete="SET NULL")
    created_at = UTCDateTimeField()
    ticket = ForeignKeyField(Ticket, null=True, on_delete="SET NULL")
    redeemed_at = UTCDateTimeField(null=True)
    cancelled_at = UTCDateTimeField(null=True)

    class Meta:
        indexes = ((("service", "day"), False),)


class IdempotentRequest(BaseModel):
    """The answer a system got for a state-changing call with an Idempotency-Key: a retry with the
    same key gets the same answer instead of doing the work twice."""
    client = ForeignKeyField(ApiClient, on_delete="CASCADE")
    key = CharField(max_length=64)
    method = CharField(max_length=8)
    path = CharField(max_length=300)
    status = IntegerField(null=True)                   # null while the first request still runs
    body = TextField(null=True)
    created_at = UTCDateTimeField(index=True)

    class Meta:
        indexes = ((("client", "key"), True),)


class ApplicantSms(BaseModel):
    """The applicant's consent, recorded at the booth, to one SMS when the task from her visit is
    completed, and the phone it goes to. Personal data, kept no longer than needed: the row is
    deleted when the task is completed (the number then lives only in that SMS's outbox row, masked
    once it is sent) or ends otherwise (deleted by the hourly pruning)."""
    task = ForeignKeyField(Task, unique=True, on_delete="CASCADE")
    phone = CharField(max_length=16)                   # international form, +62812…
    consent_at = UTCDateTimeField()
    consent_by = ForeignKeyField(Staff, on_delete="RESTRICT")   # the P0 who recorded it


INTEGRATION_MODELS = [ApiClient, Webhook, IntegrationEvent, WebhookDelivery, DeliveryAttempt, Booking,
                      IdempotentRequest, ApplicantSms]
