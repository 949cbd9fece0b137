"""Bookings made online: a booking system books a visit, the kiosk redeems the code for a ticket
marked as booked; used, other-day, early, late and unknown codes are refused with what to do; the
daily cap counts bookings and walk-ins together."""
from __future__ import annotations

import datetime as dt

import pytest

from db.integration_models import Booking
from db.models import Service, Ticket
from intranet_server import cache, clock
from intranet_server.rules.integrations import CODE_ALPHABET, booked_arrival, read_code, redemption_problem
from tests.integrations.conftest import bearer, register

WIB = dt.timezone(dt.timedelta(hours=7))


def at(*args):
    clock.freeze(dt.datetime(*args, tzinfo=WIB))


@pytest.fixture
def booker(app, admin):
    return register(admin, name="portal", unit="SETJEN", scopes=("bookings:write",))["secret"]


def book(api, secret, key=None, **fields):
    body = {"service": "PP", "date": "2026-11-24", "window_start": "10:00", "window_end": "11:00",
            "name": "Ibu Sari", **fields}
    headers = {**bearer(secret), **({"Idempotency-Key": key} if key else {})}
    return api.post("/api/v1/bookings", headers=headers, json=body)


def redeem(api, kiosk_token, code):
    return api.post("/api/v1/tickets", headers=bearer(kiosk_token), json={"booking_code": code})


def test_a_booking_is_redeemed_once_for_a_ticket_marked_booked(app, booker, kiosk_token):
    api = app.test_client()
    at(2026, 11, 23, 15, 0)
    made = book(api, booker, key="portal-req-0001")
    assert made.status_code == 201, made.get_json()
    booking = made.get_json()
    assert booking["status"] == "booked" and booking["qr"].endswith(booking["code"].replace("-", ""))
    again = book(api, booker, key="portal-req-0001")            # the portal retried after a timeout
    assert again.get_json()["code"] == booking["code"] and Booking.select().count() == 1

    at(2026, 11, 24, 10, 20)                                      # she comes 20 minutes into her window
    walk_in = api.post("/api/v1/tickets", headers=bearer(kiosk_token), json={"service": "PP"}).get_json()
    ticket = redeem(api, kiosk_token, booking["qr"])              # the scanner types the QR payload
    assert ticket.status_code == 201, ticket.get_json()
    assert ticket.get_json()["booked"] is True and ticket.get_json()["service"] == "PP"
    row = Ticket.get_by_id(ticket.get_json()["id"])
    assert row.arrived_at == dt.datetime(2026, 11, 24, 3, 0, tzinfo=dt.timezone.utc)   # her booked 10:00
    assert row.arrived_at < Ticket.get_by_id(walk_in["id"]).arrived_at
    used = redeem(api, kiosk_token, booking["code"].lower())
    assert used.status_code == 409 and used.get_json()["error"] == "booking_used"
    assert row.number in used.get_json()["message"]
    assert api.get(f"/api/v1/bookings/{booking['code']}", headers=bearer(booker)).get_json()["status"] == "redeemed"


def test_other_day_early_late_unknown_and_cancelled_codes_say_what_is_wrong(app, booker, kiosk_token):
    api = app.test_client()
    at(2026, 11, 23, 15, 0)
    code = book(api, booker).get_json()["code"]
    other = redeem(api, kiosk_token, code)
    assert other.status_code == 409 and other.get_json()["error"] == "booking_other_day"
    assert "2026-11-24" in other.get_json()["message"]
    at(2026, 11, 24, 9, 0)
    assert redeem(api, kiosk_token, code).get_json()["error"] == "booking_too_early"
    at(2026, 11, 24, 11, 16)
    assert redeem(api, kiosk_token, code).get_json()["error"] == "booking_expired"
    assert redeem(api, kiosk_token, "AAAA-AAAA").get_json()["error"] == "booking_unknown"
    assert redeem(api, kiosk_token, "not a code").status_code == 422
    at(2026, 11, 23, 15, 0)
    second = book(api, booker).get_json()["code"]
    assert api.delete(f"/api/v1/bookings/{second}", headers=bearer(booker)).get_json()["status"] == "cancelled"
    at(2026, 11, 24, 10, 0)
    assert redeem(api, kiosk_token, second).get_json()["error"] == "booking_cancelled"
    assert Ticket.select().count() == 0                           # nothing issued by any refusal


def test_the_daily_cap_counts_bookings_and_walk_ins_together(app, booker, kiosk_token):
    Service.update(daily_cap=3).where(Service.code == "PP").execute()
    cache.services.clear()
    api = app.test_client()
    at(2026, 11, 24, 8, 0)
    assert book(api, booker).status_code == 201
    assert book(api, booker).status_code == 201
    walk = api.post("/api/v1/tickets", headers=bearer(kiosk_token), json={"service": "PP"})
    assert walk.status_code == 201                                # 2 booked + 1 walk-in = the cap
    assert api.post("/api/v1/tickets", headers=bearer(kiosk_token),
                    json={"service": "PP"}).get_json()["error"] == "daily_cap_reached"
    full = book(api, booker)
    assert full.status_code == 409 and full.get_json()["error"] == "booking_day_full"
    assert "2026-11-24" in full.get_json()["message"]
    assert book(api, booker, date="2026-11-25").status_code == 201      # another day has room


def test_bad_bookings_are_refused_and_write_nothing(app, booker, admin):
    api = app.test_client()
    at(2026, 11, 24, 12, 0)
    for fields in ({"service": "NOPE"}, {"date": "2026-11-23"}, {"date": "2027-06-01"},
                   {"window_start": "11:00", "window_end": "10:00"}, {"window_start": "25:00"},
                   {"date": "2026-11-24", "window_start": "10:00", "window_end": "11:00"},
                   {"priority": "vip"}, {"date": "24/11/2026"}):
        answer = book(api, booker, **fields)
        assert 400 <= answer.status_code < 500 and answer.get_json()["message"], fields
    assert Booking.select().count() == 0
    staff_session = app.test_client()
    staff_session.post("/api/v1/auth/login", json={"username": "p0-03", "password": "demo12345"})
    assert staff_session.post("/api/v1/bookings", json={}).status_code == 403


@pytest.mark.parametrize("typed,expected", [
    ("K7QM-3XPD", "K7QM3XPD"), ("k7qm3xpd", "K7QM3XPD"), (" ptsa-booking:K7QM3XPD ", "K7QM3XPD"),
    ("K7QM-3XP", None), ("K0QM-3XPD", None), ("", None), (None, None)])
def test_codes_are_read_as_people_and_scanners_type_them(typed, expected):
    assert read_code(typed) == expected
    assert all(c not in CODE_ALPHABET for c in "0O1IL2Z5S8B")


def test_the_window_rule():
    day, start, end = dt.date(2026, 11, 24), dt.time(10), dt.time(11)
    early, grace = dt.timedelta(minutes=30), dt.timedelta(minutes=15)
    local = lambda h, m, d=24: dt.datetime(2026, 11, d, h, m, tzinfo=WIB)  # noqa: E731
    assert redemption_problem(day, start, end, local(9, 29), early, grace) == ("booking_too_early", "09:30")
    assert redemption_problem(day, start, end, local(9, 30), early, grace) is None
    assert redemption_problem(day, start, end, local(11, 15), early, grace) is None
    assert redemption_problem(day, start, end, local(11, 16), early, grace) == ("booking_expired", "11:15")
    assert redemption_problem(day, start, end, local(10, 0, 25), early, grace) == ("booking_other_day", "2026-11-24")
    assert booked_arrival(day, start, local(10, 40)) == local(10, 0)
    assert booked_arrival(day, start, local(9, 45)) == local(9, 45)


def test_a_redemption_retried_with_its_key_gets_the_same_ticket_not_already_used(app, booker, kiosk_token):
    """The kiosk's answer was lost: the retry with the same idempotency key answers 200 with the ticket
    issued the first time (as walk-ins do); another kiosk's, or a key without it, still meets "used"."""
    api = app.test_client()
    at(2026, 11, 23, 15, 0)
    code = book(api, booker).get_json()["code"]
    at(2026, 11, 24, 10, 5)

    def send(key, token=kiosk_token, booking_code=code):
        return api.post("/api/v1/tickets", headers=bearer(token),
                        json={"booking_code": booking_code, "idempotency_key": key})
    first = send("kiosk-tap-0001")
    assert first.status_code == 201, first.get_json()
    again = send("kiosk-tap-0001")
    assert again.status_code == 200 and again.get_json() == first.get_json()
    assert Ticket.select().count() == 1
    assert send("kiosk-tap-0002").get_json()["error"] == "booking_used"          # a new tap is a new request
    from intranet_server.actions.kiosks import register_kiosk
    other = send("kiosk-tap-0001", token=register_kiosk("lobby-2")[1])             # the key is per kiosk
    assert other.status_code == 409 and other.get_json()["error"] == "booking_used"
    walk_in = api.post("/api/v1/tickets", headers=bearer(kiosk_token),
                       json={"service": "PP", "idempotency_key": "kiosk-tap-0003"}).get_json()
    mixed = send("kiosk-tap-0003")                                                # a walk-in's key
    assert mixed.status_code == 409 and mixed.get_json()["error"] == "idempotency_mismatch"
    assert Ticket.select().count() == 2 and walk_in["booked"] is False
    assert send("short").status_code == 422
