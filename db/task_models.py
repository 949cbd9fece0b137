"""The task chain (P0 -> P1 -> P2 and back), its SLA alerts, the notification outbox and the
office's calendar overrides. Timestamps are UTC; durations of work are in working seconds."""
from __future__ import annotations

from peewee import (
    CharField, DateField, ForeignKeyField, IntegerField, SmallIntegerField, TextField,
)

from db.models import BaseModel, Booth, Service, Staff, Ticket, UTCDateTimeField, Unit

TASK_STATUSES = ("open", "waiting", "done", "returned", "cancelled")
POSITIONS = ("p0", "p1", "p2")
ALERT_LEVELS = ("warning", "breach", "escalation")
CHANNELS = ("email", "sms")
OUTBOX_STATUSES = ("pending", "sending", "sent", "failed")
OVERRIDE_KINDS = ("closed", "open", "ramadan")


class Task(BaseModel):
    """A visitor's request that needs the back office. `position`/`unit`/`assignee` say where it is now."""
    ticket = ForeignKeyField(Ticket, null=True, backref="tasks", on_delete="SET NULL")
    service = ForeignKeyField(Service, backref="tasks", on_delete="RESTRICT")
    origin_booth = ForeignKeyField(Booth, null=True, backref="tasks", on_delete="SET NULL")
    created_by = ForeignKeyField(Staff, backref="created_tasks", on_delete="RESTRICT")
    summary = CharField(max_length=500)
    contact = CharField(max_length=120, default="")
    notes = TextField(default="")
    status = CharField(max_length=16, default="open", index=True)
    position = CharField(max_length=2)
    unit = ForeignKeyField(Unit, null=True, backref="tasks", on_delete="RESTRICT")
    assignee = ForeignKeyField(Staff, null=True, backref="assigned_tasks", on_delete="SET NULL")
    created_at = UTCDateTimeField(index=True)
    updated_at = UTCDateTimeField(index=True)
    # The completion clock (KPI of the echelon-2 unit that owns the service):
    sop_days = SmallIntegerField(null=True)
    completion_due_at = UTCDateTimeField(null=True, index=True)
    paused_at = UTCDateTimeField(null=True)
    paused_s = IntegerField(default=0)          # working seconds spent waiting on the applicant
    completed_at = UTCDateTimeField(null=True, index=True)
    working_s = IntegerField(null=True)         # working seconds used, pauses excluded
    completed_by = ForeignKeyField(Staff, null=True, backref="completed_tasks", on_delete="SET NULL")
    result = TextField(default="")
    idempotency_key = CharField(max_length=64, null=True)   # the booth's key: sent again, the same task

    class Meta:
        indexes = ((("created_by", "idempotency_key"), True),)


class TaskHop(BaseModel):
    """One handover. Hops to P1/P2 carry pickup deadlines in the receiving unit's working time;
    hops back to P0 (answers, returns) carry none. `next_alert_at` is the earliest deadline whose
    alert is not raised yet: the sweeper's one indexed question."""
    task = ForeignKeyField(Task, backref="hops", on_delete="CASCADE")
    seq = SmallIntegerField()
    kind = CharField(max_length=16)               # send | forward | return | release | reassign | result
    from_position = CharField(max_length=2)
    to_position = CharField(max_length=2)
    from_unit = ForeignKeyField(Unit, null=True, backref="hops_out", on_delete="RESTRICT")
    to_unit = ForeignKeyField(Unit, null=True, backref="hops_in", on_delete="RESTRICT")
    to_booth = ForeignKeyField(Booth, null=True, on_delete="SET NULL")
    to_staff = ForeignKeyField(Staff, null=True, on_delete="SET NULL")   # a named colleague (reassign)
    sent_by = ForeignKeyField(Staff, null=True, backref="hops_sent", on_delete="SET NULL")
    sent_at = UTCDateTimeField(index=True)
    target_s = IntegerField(null=True)            # pickup target, working seconds
    warn_at = UTCDateTimeField(null=True, index=True)
    due_at = UTCDateTimeField(null=True, index=True)
    escalate_at = UTCDateTimeField(null=True, index=True)
    next_alert_at = UTCDateTimeField(null=True, index=True)
    next_alert_level = CharField(max_length=12, null=True)
    picked_at = UTCDateTimeField(null=True)
    picked_by = ForeignKeyField(Staff, null=True, backref="hops_picked", on_delete="SET NULL")
    working_s = IntegerField(null=True)           # working seconds from sent to picked (or closed)
    closed_at = UTCDateTimeField(null=True)       # ended without a pickup (returned, cancelled, ...)
    note = TextField(default="")

    class Meta:
        indexes = ((("task", "seq"), True),)


class TaskMessage(BaseModel):
    """The task's thread: comments both ways, questions, results, requests for documents."""
    task = ForeignKeyField(Task, backref="messages", on_delete="CASCADE")
    hop = ForeignKeyField(TaskHop, null=True, on_delete="SET NULL")
    author = ForeignKeyField(Staff, null=True, on_delete="SET NULL")   # null: the system
    kind = CharField(max_length=20)
    body = TextField()
    created_at = UTCDateTimeField(index=True)


class Alert(BaseModel):
    """A raised SLA level. Unique per (hop, level): raised exactly once, whatever restarts or
    concurrent sweepers do."""
    hop = ForeignKeyField(TaskHop, backref="alerts", on_delete="CASCADE")
    task = ForeignKeyField(Task, backref="alerts", on_delete="CASCADE")
    level = CharField(max_length=12)
    unit = ForeignKeyField(Unit, backref="alerts", on_delete="RESTRICT")   # whose supervisors are told
    # the unit that had to pick up (the hop's to_unit), kept here so a unit's alerts are one index away
    hop_unit = ForeignKeyField(Unit, null=True, backref="hop_alerts", on_delete="RESTRICT")
    deadline = UTCDateTimeField()
    created_at = UTCDateTimeField(index=True)
    acknowledged_at = UTCDateTimeField(null=True)
    acknowledged_by = ForeignKeyField(Staff, null=True, on_delete="SET NULL")

    class Meta:
        indexes = ((("hop", "level"), True),)


class Outbox(BaseModel):
    """One e-mail or SMS to one recipient, written in the transaction that raised its alert and
    delivered later by the outbox worker, with retries."""
    alert = ForeignKeyField(Alert, null=True, backref="messages", on_delete="SET NULL")
    channel = CharField(max_length=8)
    staff = ForeignKeyField(Staff, null=True, on_delete="SET NULL")
    address = CharField(max_length=200)
    subject = CharField(max_length=300, default="")
    body = TextField()
    status = CharField(max_length=10, default="pending")
    created_at = UTCDateTimeField(index=True)
    held_until = UTCDateTimeField(null=True)      # outside working hours with off_hours = "hold"
    next_attempt_at = UTCDateTimeField(index=True)
    attempts = SmallIntegerField(default=0)
    last_error = TextField(default="")
    sent_at = UTCDateTimeField(null=True)

    class Meta:
        indexes = ((("status", "next_attempt_at"), False),)


class CalendarOverride(BaseModel):
    """The office's own calendar corrections on top of the holiday package: dates closed, dates
    opened (a holiday or cuti bersama worked after all), and Ramadan-hours periods.
    `unit` null = the whole office."""
    unit = ForeignKeyField(Unit, null=True, backref="calendar_overrides", on_delete="CASCADE")
    kind = CharField(max_length=8)
    first_date = DateField()
    last_date = DateField()
    note = CharField(max_length=200, default="")
    created_by = CharField(max_length=80)
    created_at = UTCDateTimeField()


class SlaState(BaseModel):
    """Small shared facts: the calendar version (bumped by every calendar edit, so every process
    drops its cached calendars) and the fingerprint of the calendar settings."""
    key = CharField(primary_key=True, max_length=40)
    value = CharField(max_length=200)


TASK_MODELS = [Task, TaskHop, TaskMessage, Alert, Outbox, CalendarOverride, SlaState]

# The month-end reports' ranges (migration 0005 creates the same, so a fresh schema equals an upgraded one).
# The hop and completion indexes cover every column the figures read, so a year is read from them alone.
TaskHop.add_index(TaskHop.to_unit, TaskHop.sent_at, TaskHop.to_position, TaskHop.picked_at, TaskHop.due_at,
                  TaskHop.working_s, TaskHop.picked_by, TaskHop.task, name="task_hop_report_to_unit_id_sent_at")
Task.add_index(Task.completed_at, Task.service, Task.completion_due_at, Task.working_s, Task.paused_s,
               Task.completed_by, name="task_report_completed_at")
TaskMessage.add_index(TaskMessage.kind, TaskMessage.created_at, name="task_message_kind_created_at")
# A completed task's answering unit (its result hop) read from this index alone (migration 0013).
TaskHop.add_index(TaskHop.task, TaskHop.kind, TaskHop.from_unit, name="task_hop_report_result")
# Every unit's hops and alerts of a period (the office-wide task report, the 12-month line) read from these
# indexes alone instead of a table row per hop or alert (migration 0014).
TaskHop.add_index(TaskHop.sent_at, TaskHop.to_position, TaskHop.to_unit, TaskHop.picked_at, TaskHop.due_at,
                  TaskHop.working_s, TaskHop.picked_by, TaskHop.task, name="task_hop_report_sent_at")
Alert.add_index(Alert.created_at, Alert.level, Alert.hop, Alert.task, name="alert_report_created_at")
