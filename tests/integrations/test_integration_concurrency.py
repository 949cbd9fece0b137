"""Under real concurrency, on SQLite and PostgreSQL: a booking redeemed by many requests at once gives
one ticket (the same kiosk key: the same ticket to every retry; other keys: "already used"), and feed
events written at once each carry their own row's id."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import db
from db.integration_models import Booking, IntegrationEvent
from db.models import Kiosk, Service, Ticket, Unit
from intranet_server.actions import Conflict, bookings, integrations
from intranet_server.actions.kiosks import register_kiosk
from tests.queue.test_concurrency import any_database, run_threads  # noqa: F401  (fixture)


def a_booking_for_today(code: str) -> Booking:
    today = dt.datetime.now(ZoneInfo("Asia/Jakarta")).date()
    return Booking.create(code=code, service=Service.get(Service.code == "PP"), day=today, window_start="00:00",
                          window_end="23:59", created_at=dt.datetime.now(dt.timezone.utc))


def test_one_booking_redeemed_at_once_gives_one_ticket(any_database):  # noqa: F811
    with db.database.connection_context():
        register_kiosk("k-booked")
        kiosk = Kiosk.get(Kiosk.name == "k-booked")
        a_booking_for_today("ACDEFGHJ")
        a_booking_for_today("KMNPQRTU")

    same_key, errors = run_threads(lambda i: bookings.redeem(kiosk, "ACDEFGHJ", "id", "one-tap-0001"), count=12)
    assert errors == []
    assert len({t.id for t, _ in same_key}) == 1 and sorted(c for _, c in same_key) == [False] * 11 + [True]

    def other_keys(i):
        try:
            return bookings.redeem(kiosk, "KMNPQRTU", "id", f"tap-{i:08d}")[0].id
        except Conflict as exc:
            return exc.code
    answers, errors = run_threads(other_keys, count=12)
    assert errors == [] and sorted(map(str, answers)).count("booking_used") == 11
    with db.database.connection_context():
        assert Ticket.select().where(Ticket.booked).count() == 2


def test_feed_events_written_at_once_each_carry_their_own_id(any_database):  # noqa: F811
    with db.database.connection_context():
        unit = Unit.get(Unit.code == "PHIJSK-PK").id

    def emit(i):
        with db.database.atomic():
            integrations._emit("task.message", {unit}, {"task": {"n": i}})
    _, errors = run_threads(emit, count=20)
    assert errors == []
    with db.database.connection_context():
        rows = list(IntegrationEvent.select())
        assert len(rows) == 20 and all(r.body()["id"] == str(r.id) for r in rows)
        assert sorted(r.body()["task"]["n"] for r in rows) == list(range(20))
