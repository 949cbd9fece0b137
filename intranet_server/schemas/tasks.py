"""Tasks: the P0 -> P1 -> P2 chain, hops, the thread, SLA alerts, the supervisor's screen, the outbox."""
from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, StrictBool

from intranet_server.schemas import Body, Out
from intranet_server.schemas.common import NO_NUL, Code, Id, LongText, Names, Username, list_of

TaskStatus = Literal["open", "waiting", "done", "returned", "cancelled"]
Position = Literal["p0", "p1", "p2"]
Role = Literal["p0", "p1", "p2", "supervisor", "admin"]
HopKind = Literal["send", "forward", "return", "release", "reassign", "result"]
AlertLevel = Literal["warning", "breach", "escalation"]
OutboxStatus = Literal["pending", "sending", "unconfirmed", "sent", "failed", "cancelled"]


# ---- bodies -----------------------------------------------------------------------------

REQUIRED_LATER = "required; its absence is refused after the permission check (403 before 422)"

class ApplicantSmsConsent(Body):
    """The visitor agrees, at the booth, to one SMS when the task from her visit is completed."""
    phone: str = Field(max_length=32, pattern=NO_NUL, examples=["+6281234567890"],
                       description="her mobile number, international form (0812… is read as +62812…)")
    consent: StrictBool = Field(description="she agreed; without it no SMS is sent and no number kept")


class CreateTask(Body):
    ticket_id: Id
    summary: str = Field(min_length=1, max_length=500, pattern=NO_NUL)
    contact: str | None = Field(default=None, max_length=120, pattern=NO_NUL)
    notes: LongText | None = None
    unit: Code | None = Field(default=None, examples=["PHIJSK"], description="another echelon-1 unit")
    sms: ApplicantSmsConsent | None = Field(default=None, description="an SMS to the applicant on completion")
    idempotency_key: str | None = Field(default=None, min_length=8, max_length=64, pattern=r"^[\x21-\x7e]+$",
                                        description="one key per task written: the same key again (the answer "
                                                    "was lost) answers the task made the first time")


class NoBody(Body):
    """A verb that takes no input (an empty body or `{}`)."""


class Reassign(Body):
    # Texts a verb needs are typed and bounded here, but their presence is checked by the action after
    # "may you": a caller with no part in the task hears 403, not 422, whatever it sent.
    username: Username | None = Field(default=None, description=REQUIRED_LATER)
    note: LongText | None = None


class Forward(Body):
    unit: Code | None = Field(default=None, description=REQUIRED_LATER)
    note: LongText | None = None


class Reason(Body):
    reason: LongText | None = Field(default=None, description=REQUIRED_LATER)


class Note(Body):
    note: LongText | None = None


class Complete(Body):
    result: LongText | None = Field(default=None, description=REQUIRED_LATER)


class Comment(Body):
    body: LongText | None = Field(default=None, description=REQUIRED_LATER)


class Resend(Body):
    unit: Code | None = None
    note: LongText | None = None


class RetryOutbox(Body):
    ids: list[Id] | None = Field(default=None, max_length=1000)


class AlertsQuery(Body):
    status: Literal["open"] | None = None


class OutboxQuery(Body):
    status: OutboxStatus | None = None


# ---- answers ----------------------------------------------------------------------------

class UnitOut(Out):
    code: str
    name: str
    name_en: str
    echelon: int


class Person(Out):
    username: str
    full_name: str
    role: Role


PersonList = list_of(Person, "PersonList")


class BoothNumber(Out):
    number: int


class HopOut(Out):
    seq: int
    kind: HopKind
    from_position: Position
    to_position: Position
    from_unit: UnitOut | None
    to_unit: UnitOut | None
    to_booth: BoothNumber | None
    to_staff: Person | None
    sent_by: Person | None
    sent_at: dt.datetime
    target_s: int | None = Field(description="pickup target in working seconds")
    warn_at: dt.datetime | None
    due_at: dt.datetime | None
    escalate_at: dt.datetime | None
    picked_at: dt.datetime | None
    picked_by: Person | None
    working_s: int | None = Field(description="working seconds from sent to picked")
    closed_at: dt.datetime | None
    note: str | None


class MessageOut(Out):
    id: int
    kind: str
    body: str
    author: Person | None
    created_at: dt.datetime


class AlertHop(Out):
    seq: int
    kind: HopKind
    to_unit: UnitOut | None
    sent_at: dt.datetime
    due_at: dt.datetime | None
    picked_at: dt.datetime | None


class AlertTask(Out):
    id: int
    summary: str
    status: TaskStatus
    service: str
    unit: UnitOut | None
    assignee: Person | None


class AlertOut(Out):
    id: int
    level: AlertLevel
    task_id: int
    unit: UnitOut | None = Field(description="the unit whose supervisors were told")
    hop: AlertHop
    deadline: dt.datetime
    created_at: dt.datetime
    acknowledged_at: dt.datetime | None
    acknowledged_by: Person | None
    task: AlertTask | None = None


class TaskService(Out):
    code: str
    name: Names
    unit: UnitOut | None


class TicketRef(Out):
    id: int
    number: str


class OriginBooth(Out):
    number: int
    label: str


class Completion(Out):
    """SOP working days, the completion deadline (moved on by pauses), paused seconds, when and by whom."""
    sop_days: int | None
    due_at: dt.datetime | None
    paused_at: dt.datetime | None
    paused_s: int | None
    completed_at: dt.datetime | None
    working_s: int | None
    completed_by: Person | None


class TaskOut(Out):
    """A visitor's request travelling P0 -> P1 -> P2 and back. `due_at` is the current hop's pickup
    deadline (null once picked up)."""
    id: int
    summary: str
    contact: str | None
    notes: str | None
    status: TaskStatus
    position: Position
    unit: UnitOut | None
    assignee: Person | None
    service: TaskService
    ticket: TicketRef | None
    origin_booth: OriginBooth | None
    created_by: Person | None
    created_at: dt.datetime
    updated_at: dt.datetime | None
    completion: Completion
    result: str | None
    hop: HopOut | None
    due_at: dt.datetime | None
    verbs: dict[Literal["holder", "receiver", "origin", "supervisor", "reader"], list[str]] = Field(
        default_factory=dict, description="the verbs each kind of viewer may apply now (one payload reaches "
        "every viewer of a room; a screen picks its own list by how its person stands to the task)")


class TaskDetail(TaskOut):
    """One task with its hops, thread and alerts, and the server's clock (`now`), so a screen with a
    wrong clock still counts down correctly."""
    hops: list[HopOut]
    messages: list[MessageOut]
    alerts: list[AlertOut]
    now: dt.datetime


class TaskList(Out):
    now: dt.datetime
    tasks: list[TaskOut]


class AlertList(Out):
    now: dt.datetime
    alerts: list[AlertOut]


class OutboxMessage(Out):
    id: int
    channel: Literal["email", "sms"]
    address: str
    subject: str | None
    status: OutboxStatus
    alert_id: int | None
    recipient: str | None
    created_at: dt.datetime
    held_until: dt.datetime | None
    next_attempt_at: dt.datetime | None
    attempts: int
    last_error: str | None
    sent_at: dt.datetime | None


class OutboxCounts(Out):
    pending: int
    sending: int
    unconfirmed: int = Field(description="sent, but the relay never answered: tried once more much later")
    sent: int
    failed: int
    cancelled: int = Field(description="a webhook delivery dropped when its webhook was removed")


class OutboxRows(Out):
    counts: OutboxCounts
    messages: list[OutboxMessage]


class OutboxList(OutboxRows):
    now: dt.datetime


class Retried(Out):
    retried: int


class StaffOnDuty(Out):
    username: str
    full_name: str
    role: Role
    unit: str
    holding: int
    connected: bool = Field(default=False, description="a screen of this person is connected now (any process)")
    last_active_at: dt.datetime | None


class Channels(Out):
    email: bool
    sms: bool


class SupervisorOverview(Out):
    now: dt.datetime
    units: list[UnitOut]
    tasks: list[TaskOut]
    alerts: list[AlertOut]
    staff: list[StaffOnDuty]
    outbox: OutboxRows
    channels: Channels
