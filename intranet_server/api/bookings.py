"""Bookings made online, on /api/v1: a booking system (a client with `bookings:write`) books a visit
and gets a code and a QR payload; the kiosk redeems it with `POST /tickets {"booking_code"}`."""
from __future__ import annotations

from flask import jsonify
from zoneinfo import ZoneInfo

from db.integration_models import Booking
from intranet_server import actions, clock
from intranet_server.actions import Forbidden, NotFound
from intranet_server.actions import bookings as booking_actions
from intranet_server.api import api
from intranet_server.http import body, current_client, current_staff
from intranet_server.reads.integrations import booking_dict
from intranet_server.rules.integrations import read_code
from intranet_server.schemas import doc, parse
from intranet_server.schemas.integrations import BookingOut, NewBooking


def _booking_client():
    client = current_client()
    if client is None:
        current_staff()
        raise Forbidden("bookings are made by a booking system with its API client secret "
                        "(scope bookings:write)", code="client_only")
    return client


def _today():
    return clock.now().astimezone(ZoneInfo(actions.office.timezone)).date()


@api.post("/bookings")
@doc(summary="Book a visit: service, office-local date and time window; answers the code and QR payload",
     tags=["bookings"], body=NewBooking, response=BookingOut, status=201, auth="client",
     description="Send an Idempotency-Key header: a retry with the same key answers the same booking. "
                 "A day whose daily cap is taken by bookings and walk-ins answers 409 booking_day_full.")
def create_booking():
    client = _booking_client()
    data = parse(NewBooking, body())
    booking = booking_actions.create_booking(client, data.service, data.date, data.window_start, data.window_end,
                                             data.name, data.phone, data.priority)
    return jsonify(booking_dict(booking, _today())), 201


def _own_booking(client, code: str) -> Booking:
    found = read_code(code)
    booking = Booking.get_or_none(Booking.code == found) if found else None
    if booking is None or booking.client_id != client.id:
        raise NotFound(f"no booking {code!r}", code="booking_unknown")
    return booking


@api.get("/bookings/<code>")
@doc(summary="One booking made by this system, with its state", tags=["bookings"], response=BookingOut,
     auth="client")
def get_booking(code: str):
    client = _booking_client()
    return jsonify(booking_dict(_own_booking(client, code), _today()))


@api.delete("/bookings/<code>")
@doc(summary="Cancel a booking not yet redeemed: its place of the daily cap is free again", tags=["bookings"],
     response=BookingOut, auth="client")
def cancel_booking(code: str):
    client = _booking_client()
    booking = booking_actions.cancel(client, _own_booking(client, code).code)
    return jsonify(booking_dict(booking, _today()))
