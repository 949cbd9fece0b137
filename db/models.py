"""The tables. Timestamps are stored in UTC; business days are the office's local dates."""
from __future__ import annotations

import datetime as dt
import json

from peewee import (
    BigIntegerField, BooleanField, CharField, DatabaseProxy, DateField, DateTimeField, ForeignKeyField,
    IntegerField, Model, SmallIntegerField, TextField,
)

database = DatabaseProxy()

ROLES = ("p0", "p1", "p2", "supervisor", "admin", "pimpinan")   # pimpinan: read-only office head
PRIORITY_GROUPS = ("lansia", "disabilitas", "hamil", "anak")
TICKET_STATUSES = ("waiting", "called", "serving", "parked", "done", "no_show", "cancelled")


class UTCDateTimeField(DateTimeField):
    """Aware datetimes in, aware UTC datetimes out; naive UTC in the database."""

    def db_value(self, value):
        if isinstance(value, dt.datetime):
            if value.tzinfo is None:
                raise ValueError("naive datetime given to a UTC column")
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return super().db_value(value)

    def python_value(self, value):
        # SQLite gives ISO text: fromisoformat (C) is far faster than peewee's format guessing
        value = dt.datetime.fromisoformat(value) if isinstance(value, str) else super().python_value(value)
        if isinstance(value, dt.datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=dt.timezone.utc)
        return value


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def whole_seconds(a: dt.datetime | None, b: dt.datetime | None) -> int | None:
    """b - a as the reports count it: each instant floored to its whole second (since the epoch), then
    subtracted; None when either is missing."""
    if a is None or b is None:
        return None
    second = dt.timedelta(seconds=1)
    return (b - _EPOCH) // second - (a - _EPOCH) // second


def epoch_seconds(instant: dt.datetime | None) -> int | None:
    """An instant as the reports count it: whole seconds since the epoch, floored (as strftime('%s') gives)."""
    return None if instant is None else (instant - _EPOCH) // dt.timedelta(seconds=1)


class JSONField(TextField):
    def db_value(self, value):
        return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)

    def python_value(self, value):
        return None if value is None else json.loads(value)


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class Unit(BaseModel):
    """An echelon-1 (Ditjen/Badan) or echelon-2 (Direktorat/Pusat) unit."""
    code = CharField(unique=True, max_length=32)
    name = CharField(max_length=200)
    name_en = CharField(max_length=200, default="")
    echelon = SmallIntegerField()
    parent = ForeignKeyField("self", null=True, backref="children", on_delete="RESTRICT")
    timezone = CharField(max_length=64, default="Asia/Jakarta")
    open_on_cuti_bersama = BooleanField(default=False)
    active = BooleanField(default=True)


class Service(BaseModel):
    code = CharField(unique=True, max_length=32)
    prefix = CharField(max_length=2)
    name_id = CharField(max_length=200)
    name_en = CharField(max_length=200)
    unit = ForeignKeyField(Unit, backref="services", on_delete="RESTRICT")
    sop_days = SmallIntegerField(null=True)
    daily_cap = IntegerField(null=True)
    opens_at = CharField(max_length=5, default="07:30")   # local HH:MM, ticket issuing window
    closes_at = CharField(max_length=5, default="15:30")
    open_days = CharField(max_length=32, default="mon,tue,wed,thu,fri")
    typical_service_s = IntegerField(default=600)   # the wait estimate before any history exists
    sort_order = IntegerField(default=0)
    active = BooleanField(default=True)


class Booth(BaseModel):
    number = IntegerField(unique=True)
    label = CharField(max_length=64)
    active = BooleanField(default=True)
    priority = BooleanField(default=False)   # a priority booth calls priority visitors first (0011)


class BoothService(BaseModel):
    booth = ForeignKeyField(Booth, backref="service_links", on_delete="CASCADE")
    service = ForeignKeyField(Service, backref="booth_links", on_delete="CASCADE")

    class Meta:
        indexes = ((("booth", "service"), True),)


class Staff(BaseModel):
    username = CharField(unique=True, max_length=64)
    full_name = CharField(max_length=200)
    password_hash = CharField(max_length=255)
    role = CharField(max_length=16)
    unit = ForeignKeyField(Unit, null=True, backref="staff", on_delete="RESTRICT")
    booth = ForeignKeyField(Booth, null=True, backref="staff", on_delete="SET NULL")
    email = CharField(max_length=200, default="")
    phone = CharField(max_length=32, default="")
    language = CharField(max_length=2, default="id")
    active = BooleanField(default=True)
    must_change_password = BooleanField(default=False)   # after a one-time password (0007)


class Kiosk(BaseModel):
    name = CharField(unique=True, max_length=64)
    token_hash = CharField(unique=True, max_length=64)
    created_at = UTCDateTimeField()
    revoked_at = UTCDateTimeField(null=True)
    last_seen_at = UTCDateTimeField(null=True)
    printer_status = CharField(max_length=16, default="unknown")   # ok | near_end | paper_out | offline | unknown
    printer_detail = CharField(max_length=255, default="")
    printer_checked_at = UTCDateTimeField(null=True)


class Ticket(BaseModel):
    # index=False where a composite index below starts with the column (migration 0015): each index is
    # one more write on every issue and every booth verb
    issued_for = ForeignKeyField(Service, on_delete="RESTRICT", index=False)   # the service that numbered it
    service = ForeignKeyField(Service, backref="tickets", on_delete="RESTRICT", index=False)   # its queue now
    business_day = DateField()
    seq = IntegerField()
    number = CharField(max_length=8)
    priority = CharField(max_length=16, null=True)
    status = CharField(max_length=16, default="waiting")
    kiosk = ForeignKeyField(Kiosk, null=True, backref="tickets", on_delete="SET NULL", index=False)
    idempotency_key = CharField(max_length=64, null=True)
    language = CharField(max_length=2, default="id")
    issued_at = UTCDateTimeField()
    arrived_at = UTCDateTimeField()    # kept on transfer: the visitor keeps her place (indexed after status, service)
    called_at = UTCDateTimeField(null=True)
    first_called_at = UTCDateTimeField(null=True)
    started_at = UTCDateTimeField(null=True)
    finished_at = UTCDateTimeField(null=True)
    no_show_at = UTCDateTimeField(null=True)
    parked_at = UTCDateTimeField(null=True)
    booth = ForeignKeyField(Booth, null=True, backref="tickets", on_delete="SET NULL", index=False)
    served_by = ForeignKeyField(Staff, null=True, backref="tickets", on_delete="SET NULL")
    recall_count = SmallIntegerField(default=0)
    outcome = CharField(max_length=16, null=True)   # served | no_show | cancelled
    print_state = CharField(max_length=16, default="pending")  # pending | printed | failed
    booked = BooleanField(default=False)            # redeemed from a booking made online
    # the reports' durations in whole seconds, kept by save() (migration 0013 fills older rows): a year's
    # percentiles read integers from the report index instead of converting four instants per ticket
    wait_s = IntegerField(null=True)                # first call - issue
    visit_s = IntegerField(null=True)               # finish - start
    # the issue instant in whole seconds since the epoch, kept by save() (migration 0014 fills older rows): the
    # arrivals heat map groups by (issued_s + the office's UTC offset) / 3600, integers read from the report
    # index, instead of converting each ticket's issue instant with strftime
    issued_s = BigIntegerField(null=True)

    def save(self, force_insert=False, only=None):
        self.keep_derived()
        if self.id is None or force_insert or only is not None:
            return super().save(force_insert=force_insert, only=only)
        # every booth verb saves a ticket: the UPDATE of its changed fields, with SQL built once
        from db.prepared import updater   # (db.prepared imports this module)
        return updater(Ticket).save(self)

    def keep_derived(self) -> None:
        """The derived seconds of the instants being written (all of them for a new row): a copy read
        before another transaction's change must not write back seconds computed from stale instants."""
        changed = self._dirty if self.id is not None else None
        if changed is None or "issued_at" in changed:
            self.issued_s = epoch_seconds(self.issued_at)
        if changed is None or not changed.isdisjoint(("issued_at", "first_called_at")):
            self.wait_s = whole_seconds(self.issued_at, self.first_called_at)
        if changed is None or not changed.isdisjoint(("started_at", "finished_at")):
            self.visit_s = whole_seconds(self.started_at, self.finished_at)

    class Meta:
        indexes = (
            (("issued_for", "business_day", "seq"), True),   # the safety net under the counter
            (("kiosk", "idempotency_key"), True),
            (("status", "service", "arrived_at"), False),
            (("business_day", "first_called_at"), False),   # today's first calls, latest first (ratio policy)
            (("business_day", "called_at"), False),         # today's calls, latest first (display board)
            (("service", "finished_at"), False),        # recent service times (wait estimate)
            (("booth", "status"), False),               # the booth's current and parked visits
            (("service", "status", "no_show_at"), False),   # no-shows still within the recall window
        )


class TicketCounter(BaseModel):
    """One row per service per local business day; incremented inside the issuing transaction."""
    service = ForeignKeyField(Service, on_delete="CASCADE", index=False)   # the unique index leads with it
    business_day = DateField()
    value = IntegerField(default=0)

    class Meta:
        indexes = ((("service", "business_day"), True),)


class AuditEvent(BaseModel):
    """Append-only: who did what to which subject, and when."""
    at = UTCDateTimeField(index=True)
    actor = CharField(max_length=80)
    action = CharField(max_length=40)
    subject_type = CharField(max_length=20)
    subject_id = IntegerField(null=True)
    data = JSONField(null=True)

    class Meta:
        indexes = ((("subject_type", "subject_id"), False), (("actor", "at"), False))


class RoomSeq(BaseModel):
    room = CharField(primary_key=True, max_length=80)
    value = IntegerField(default=0)


class RoomEvent(BaseModel):
    """Every real-time event, numbered per room, so a reconnecting client can catch up."""
    room = CharField(max_length=80)
    seq = IntegerField()
    event = CharField(max_length=40)
    payload = JSONField()
    created_at = UTCDateTimeField(index=True)

    class Meta:
        indexes = ((("room", "seq"), True),)


QUEUE_MODELS = [Unit, Service, Booth, BoothService, Staff, Kiosk, Ticket, TicketCounter,
                AuditEvent, RoomSeq, RoomEvent]

# The month-end reports (migration 0005): a period's tickets read from this index alone (it covers every
# column a visitor figure uses), not one table row per ticket.
REPORT_TICKET_COLUMNS = ("issued_at", "service", "issued_for", "booth", "served_by", "outcome", "priority",
                         "first_called_at", "started_at", "finished_at", "business_day", "wait_s", "visit_s",
                         "issued_s")
Ticket.add_index(*(getattr(Ticket, c) for c in REPORT_TICKET_COLUMNS), name="ticket_report_issued_at")
