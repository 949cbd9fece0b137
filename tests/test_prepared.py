"""Prepared queries (db/prepared.py) on both engines: the SQL is built once, and what they write and
read is what peewee's own calls write and read."""
from __future__ import annotations

import datetime as dt

import pytest

import db
from db.models import AuditEvent, Kiosk, RoomEvent, Service, Ticket, database
from db.prepared import Inserter, Param, Prepared, by_id, insert_many
from tests.conftest import prepare_database

UTC = dt.timezone.utc


@pytest.fixture
def migrated(empty_database_url):
    prepare_database(empty_database_url)
    with database.connection_context():
        yield empty_database_url


def ticket_fields(service, kiosk, seq):
    issued = dt.datetime(2026, 12, 7, 1, 2, 3, tzinfo=UTC)
    return dict(issued_for=service, service=service, business_day=dt.date(2026, 12, 7), seq=seq,
                number=f"P{seq:03d}", priority="elderly", status="waiting", kiosk=kiosk,
                idempotency_key=f"key-{seq:04d}", language="en", issued_at=issued, arrived_at=issued,
                booked=False)


def test_an_inserted_row_reads_back_as_model_create_writes_it(migrated):
    service = Service.get(Service.code == "PP")
    kiosk = Kiosk.create(name="k1", token_hash="x" * 64, created_at=dt.datetime.now(UTC))
    made = Ticket.create(**ticket_fields(service, kiosk, 1))
    inserted = Inserter(Ticket).create(**ticket_fields(service, kiosk, 2))
    assert inserted.id == made.id + 1 and not inserted.is_dirty()
    by_peewee, by_prepared = Ticket.get_by_id(made.id).__data__, Ticket.get_by_id(inserted.id).__data__
    differ = {k for k in by_peewee if by_peewee[k] != by_prepared[k]}
    assert differ == {"id", "seq", "number", "idempotency_key"}
    assert by_prepared["issued_s"] == by_peewee["issued_s"] is not None   # keep_derived() ran
    assert by_prepared["issued_at"] == dt.datetime(2026, 12, 7, 1, 2, 3, tzinfo=UTC)


def test_json_and_many_rows_go_through_their_fields(migrated):
    at = dt.datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
    row = Inserter(AuditEvent).create(at=at, actor="a", action="x.y", subject_type="t", subject_id=None,
                                      data={"nama": "Budi", "n": [1, 2]})
    assert AuditEvent.get_by_id(row.id).data == {"nama": "Budi", "n": [1, 2]}
    events = insert_many(RoomEvent, [RoomEvent.room, RoomEvent.seq, RoomEvent.event, RoomEvent.payload,
                                     RoomEvent.created_at])
    with database.atomic():
        events.execute(2, room_0="r", seq_0=1, event_0="e", payload_0={"a": 1}, created_at_0=at,
                       room_1="r", seq_1=2, event_1="e", payload_1={"b": 2}, created_at_1=at)
    assert [(e.seq, e.payload) for e in RoomEvent.select().where(RoomEvent.room == "r").order_by(RoomEvent.seq)] \
        == [(1, {"a": 1}), (2, {"b": 2})]


def test_a_select_is_built_once_and_converts_its_columns(migrated, monkeypatch):
    service = Service.get(Service.code == "PP")
    kiosk = Kiosk.create(name="k1", token_hash="x" * 64, created_at=dt.datetime.now(UTC))
    for seq in (1, 2, 3):
        Ticket.create(**ticket_fields(service, kiosk, seq))
    builds = []

    def build(limit):
        builds.append(limit)
        return (Ticket.select(Ticket.number, Ticket.issued_at)
                .where((Ticket.service == Param("service", Ticket.service)) & (Ticket.seq > Param("after")))
                .order_by(Ticket.seq).limit(limit))
    query = Prepared(build)
    issued = dt.datetime(2026, 12, 7, 1, 2, 3, tzinfo=UTC)
    assert query.tuples(2, service=service, after=0) == [("P001", issued), ("P002", issued)]
    assert [n for n, _ in query.tuples(2, service=service.id, after=2)] == ["P003"]   # a model or its id
    assert builds == [2]   # built once for this shape and engine
    with pytest.raises(TypeError, match="'after'"):
        query.tuples(2, service=service.id)


def test_each_engine_gets_its_own_sql(migrated):
    query = Prepared(lambda: Ticket.select(Ticket.id).where(Ticket.seq == Param("seq")))
    sql, _ = query.sql()
    assert ("%s" in sql) == db.is_postgres() and ("?" in sql) != db.is_postgres()


def test_rows_are_the_instances_peewee_builds(migrated):
    service = Service.get(Service.code == "PP")
    kiosk = Kiosk.create(name="k1", token_hash="x" * 64, created_at=dt.datetime.now(UTC))
    made = Ticket.create(**ticket_fields(service, kiosk, 1))
    [read] = by_id(Ticket).rows(Ticket, id=made.id)
    assert read.__data__ == Ticket.get_by_id(made.id).__data__ and not read.is_dirty()
    assert read.service.code == "PP" and read.issued_at.tzinfo is not None
    assert by_id(Ticket).rows(Ticket, id=made.id + 99) == []
    assert ("FOR UPDATE" in by_id(Ticket, lock=True).sql()[0]) == db.is_postgres()


def test_a_ticket_save_writes_its_changed_fields_only(migrated):
    """Two copies of one row, each changed and saved: both changes stay (a save of every column, as
    peewee's own does, would put the first copy's status back), and the derived seconds follow."""
    service = Service.get(Service.code == "PP")
    kiosk = Kiosk.create(name="k1", token_hash="x" * 64, created_at=dt.datetime.now(UTC))
    made = Ticket.create(**ticket_fields(service, kiosk, 1))
    first, second = Ticket.get_by_id(made.id), Ticket.get_by_id(made.id)
    first.status, first.first_called_at = "called", made.issued_at + dt.timedelta(minutes=9, seconds=30)
    assert first.save() == 1 and not first.is_dirty()
    second.priority = None
    assert second.save() == 1
    stored = Ticket.get_by_id(made.id)
    assert (stored.status, stored.priority, stored.wait_s) == ("called", None, 570)
    assert stored.first_called_at == made.issued_at + dt.timedelta(minutes=9, seconds=30)
    # what peewee's own save of these fields writes
    peewee_row = Ticket.create(**ticket_fields(service, kiosk, 2))
    peewee_row.status, peewee_row.first_called_at, peewee_row.priority = "called", stored.first_called_at, None
    peewee_row.keep_derived()
    super(Ticket, peewee_row).save()
    ours, theirs = Ticket.get_by_id(made.id).__data__, Ticket.get_by_id(peewee_row.id).__data__
    assert {k for k in ours if ours[k] != theirs[k]} == {"id", "seq", "number", "idempotency_key"}
