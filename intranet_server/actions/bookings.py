"""Visits booked online (the ministry's portal, a unit's app) and their redemption at the kiosk.

Placement (documented in the README): a booked visitor who comes within her window stands in line
at the booking's start time, or at her arrival if she comes early; the daily cap counts bookings and
walk-ins together, so walk-ins leave the places of the day's bookings still to come.
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from peewee import IntegrityError, fn

from db import locked
from db.integration_models import ApiClient, Booking
from db.models import PRIORITY_GROUPS, Kiosk, Service, Ticket, TicketCounter, database
from intranet_server import actions, clock
from intranet_server.actions import Conflict, Invalid, NotFound, audit, check_idempotency_key
from intranet_server.rules.durations import parse_duration
from intranet_server.rules.integrations import (
    booked_arrival, new_booking_code, parse_hhmm, read_code, redemption_problem, show_code,
)

_settings = {"early": "30m", "grace": "15m", "max_days_ahead": 60}


def configure(settings: dict) -> None:
    _settings.update(settings)


def _zone() -> ZoneInfo:
    return ZoneInfo(actions.office.timezone)


def reserved(service: Service, day: dt.date, now: dt.datetime) -> int:
    """Places of `day`'s cap still held by bookings not yet redeemed and not yet expired."""
    if service.daily_cap is None:
        return 0
    local = now.astimezone(_zone())
    grace = parse_duration(_settings["grace"], allow_zero=True)
    still_valid = (local - grace).strftime("%H:%M") if local.date() == day else "00:00"
    return (Booking.select().where((Booking.service == service) & (Booking.day == day)
                                   & Booking.cancelled_at.is_null() & Booking.redeemed_at.is_null()
                                   & (Booking.window_end >= still_valid)).count())


def _places_taken(service: Service, day: dt.date) -> int:
    bookings = (Booking.select().where((Booking.service == service) & (Booking.day == day)
                                       & Booking.cancelled_at.is_null()).count())
    issued = (TicketCounter.select(TicketCounter.value)
              .where((TicketCounter.service == service) & (TicketCounter.business_day == day)).scalar() or 0)
    redeemed = (Ticket.select(fn.COUNT(Ticket.id)).where((Ticket.issued_for == service)
                                                          & (Ticket.business_day == day) & Ticket.booked).scalar())
    return bookings + issued - redeemed   # redeemed bookings are in both counts


def create_booking(client: ApiClient, service_code, date, window_start, window_end,
                   name=None, phone=None, priority=None) -> Booking:
    from intranet_server.reads import calendars
    from intranet_server.reads import queue as queue_reads
    try:
        day = dt.date.fromisoformat(date)
        start, end = parse_hhmm(window_start), parse_hhmm(window_end)
    except (TypeError, ValueError):
        raise Invalid("'date' is YYYY-MM-DD and the window HH:MM (office-local time)") from None
    if start >= end:
        raise Invalid("'window_start' must be before 'window_end'")
    if priority is not None and priority not in PRIORITY_GROUPS:
        raise Invalid(f"'priority' must be null or one of {', '.join(PRIORITY_GROUPS)}")
    now = clock.now()
    today = now.astimezone(_zone()).date()
    ahead = int(_settings["max_days_ahead"])
    if not today <= day <= today + dt.timedelta(days=ahead):
        raise Invalid(f"a booking is for today or one of the next {ahead} days", code="booking_bad_day")
    if day == today and dt.datetime.combine(day, end, _zone()) <= now:
        raise Invalid("that window has already passed", code="booking_bad_day")
    service = queue_reads.service_by_code(service_code) if isinstance(service_code, str) else None
    if service is None or not service.active:
        raise NotFound(f"unknown service {service_code!r}", code="unknown_service")
    if not actions.office.always_open and not calendars.book(now).for_unit(service.unit).is_working_day(day):
        raise Conflict(f"{day.isoformat()} is not a working day of {service.unit.code}", code="booking_closed_day")
    with database.atomic():
        locked(Service, service.id)   # bookings of one service are counted one at a time
        if service.daily_cap is not None and _places_taken(service, day) >= service.daily_cap:
            raise Conflict(f"Kuota {service.code} tanggal {day.isoformat()} sudah penuh / "
                           f"{service.code} is fully booked on {day.isoformat()}", code="booking_day_full")
        for _ in range(5):
            code = new_booking_code()
            if not Booking.select().where(Booking.code == code).exists():
                break
        booking = Booking.create(code=code, service=service, day=day, window_start=window_start,
                                 window_end=window_end, name=(name or "").strip(), phone=(phone or "").strip(),
                                 priority=priority, client=client, created_at=now)
        audit(client.staff.username, "booking.create", "booking", booking.id, code=show_code(code),
              service=service.code, day=day.isoformat())
    return booking


def _replayed(kiosk: Kiosk, idempotency_key, code: str) -> Ticket | None:
    """The ticket this kiosk got earlier for this key: the same booking's (a retry after a lost answer),
    or a refusal if the key was used for something else."""
    if not idempotency_key:
        return None
    earlier = Ticket.get_or_none((Ticket.kiosk == kiosk) & (Ticket.idempotency_key == idempotency_key))
    if earlier is None:
        return None
    if not Booking.select().where((Booking.ticket == earlier) & (Booking.code == code)).exists():
        raise Conflict(f"idempotency_key {idempotency_key!r} was used for another ticket",
                       code="idempotency_mismatch")
    return earlier


def redeem(kiosk: Kiosk, typed_code, language: str = "id", idempotency_key=None) -> tuple[Ticket, bool]:
    """The visitor at the kiosk with her booking code: a ticket for the booked service. Returns
    (ticket, created): as for walk-ins, a repeated idempotency key from the same kiosk returns the ticket
    it got the first time (its answer was lost) instead of meeting "already used"."""
    from intranet_server.actions import queue as queue_actions
    from intranet_server.reads import queue as queue_reads
    from intranet_server.rules.queue import business_day
    code = read_code(typed_code)
    if code is None:
        raise Invalid("a booking code has 8 letters and digits, like K7QM-3XPD", code="booking_unknown")
    if language not in ("id", "en"):
        raise Invalid("'language' must be \"id\" or \"en\"")
    check_idempotency_key(idempotency_key)
    try:
        with database.atomic():
            earlier = _replayed(kiosk, idempotency_key, code)
            if earlier is not None:
                return earlier, False
            booking = Booking.get_or_none(Booking.code == code)
            if booking is None:
                raise NotFound(f"no booking {show_code(code)}", code="booking_unknown")
            booking = locked(Booking, booking.id)
            earlier = _replayed(kiosk, idempotency_key, code)   # a retry that waited for the first one's lock
            if earlier is not None:
                return earlier, False
            if booking.cancelled_at is not None:
                raise Conflict(f"booking {show_code(code)} was cancelled", code="booking_cancelled")
            if booking.redeemed_at is not None:
                raise Conflict(f"booking {show_code(code)} was already used for ticket {booking.ticket.number}",
                               code="booking_used")
            now = clock.now()
            local = now.astimezone(_zone())
            start, end = parse_hhmm(booking.window_start), parse_hhmm(booking.window_end)
            problem = redemption_problem(booking.day, start, end, local,
                                         parse_duration(_settings["early"], allow_zero=True),
                                         parse_duration(_settings["grace"], allow_zero=True))
            if problem is not None:
                kind, when = problem
                text = {"booking_other_day": f"booking {show_code(code)} is for {when}, not today",
                        "booking_too_early": f"booking {show_code(code)} can be used from {when}",
                        "booking_expired": f"booking {show_code(code)} ended at {when}"}[kind]
                raise Conflict(text, code=kind)
            service = booking.service
            closed = queue_reads.service_closed_reason(service)
            if closed:
                raise Conflict(closed, code="service_closed")
            ticket = queue_actions._issue(
                kiosk, service, booking.priority, idempotency_key, language, now,
                business_day(now, actions.office.timezone),
                arrived_at=booked_arrival(booking.day, start, local).astimezone(dt.timezone.utc), booked=True)
            booking.ticket, booking.redeemed_at = ticket, now
            booking.save()
            audit(f"kiosk:{kiosk.name}", "booking.redeem", "booking", booking.id, ticket=ticket.number)
            return ticket, True
    except IntegrityError:   # the same code redeemed twice at once (PostgreSQL): the other one won
        with database.atomic():
            earlier = _replayed(kiosk, idempotency_key, code)
        if earlier is not None:
            return earlier, False
        raise Conflict(f"booking {show_code(code)} was already used", code="booking_used") from None


def cancel(client: ApiClient, typed_code) -> Booking:
    code = read_code(typed_code)
    with database.atomic():
        booking = Booking.get_or_none(Booking.code == code) if code else None
        if booking is None or (booking.client_id not in (None, client.id)):
            raise NotFound(f"no booking {typed_code!r}", code="booking_unknown")
        if booking.redeemed_at is not None:
            raise Conflict("a redeemed booking cannot be cancelled", code="booking_used")
        if booking.cancelled_at is None:
            booking.cancelled_at = clock.now()
            booking.save()
            audit(client.staff.username, "booking.cancel", "booking", booking.id)
    return booking
