"""Pure rules of the integration API: webhook signatures, which task change is which event and
who hears it, booking codes and the booking window. No Flask, no database, no clock."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets

SIGNATURE_TOLERANCE = dt.timedelta(minutes=5)

# task verb (actions/tasks.py) -> (event, who hears it): "arrived" = the unit the task now sits at,
# "involved" = every unit the task has reached. Verbs not listed (unclaim, reassign, ack) stay internal.
TASK_EVENTS = {
    "create": ("task.arrived", "arrived"), "forward": ("task.arrived", "arrived"),
    "resend": ("task.arrived", "arrived"), "return": ("task.returned", "involved"),
    "claim": ("task.claimed", "involved"), "comment": ("task.message", "involved"),
    "request_document": ("task.document_requested", "involved"), "resume": ("task.resumed", "involved"),
    "complete": ("task.completed", "involved"), "cancel": ("task.cancelled", "involved"),
}


INTERNATIONAL_PHONE = re.compile(r"^\+[1-9]\d{7,14}$")   # as staff phones (actions/staff.py)


def applicant_phone(text) -> str | None:
    """The applicant's mobile number in international form (+62812…), read as an officer types it:
    spaces, dashes and brackets ignored, a leading 0 or 62 taken as Indonesia's; None if not a number."""
    if not isinstance(text, str):
        return None
    digits = re.sub(r"[\s\-().]", "", text)
    if digits.startswith("0"):
        digits = "+62" + digits[1:]
    elif digits.startswith("62"):
        digits = "+" + digits
    return digits if INTERNATIONAL_PHONE.match(digits) else None


APPLICANT_SMS = "applicant"   # the outbox subject of the applicant's SMS (a staff alert's SMS has none)


def masked(phone: str) -> str:
    """An applicant's number where it need not be read in full (logs, the outbox once sent)."""
    return phone[:5] + "*" * max(0, len(phone) - 8) + phone[-3:]


def completion_sms(service_name: str, ticket_number: str | None, task_id: int) -> str:
    """The applicant's SMS when the task from her visit is completed: Bahasa Indonesia, one SMS
    (160 characters), no result or personal data in it (a phone can be read by others)."""
    ticket = f", tiket {ticket_number}" if ticket_number else ""
    head = "PTSA Kemnaker: permohonan Anda ("
    tail = f"{ticket}) sudah selesai diproses. Silakan hubungi PTSA dengan nomor tugas #{task_id}."
    room = 160 - len(head) - len(tail)
    name = service_name if len(service_name) <= room else service_name[:max(0, room - 1)].rstrip() + "…"
    return head + name + tail


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The X-PTSA-Signature header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify(secret: str, header: str, body: bytes, now: dt.datetime) -> bool:
    """What a receiver does: recompute and compare in constant time, refuse stale timestamps."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now.timestamp() - timestamp) > SIGNATURE_TOLERANCE.total_seconds():
        return False
    expected = sign(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


# Booking codes: 8 characters from an alphabet without look-alikes (0/O, 1/I/L, 2/Z, 5/S, 8/B),
# shown as XXXX-XXXX; typed codes are read case- and dash-insensitively. 25^8 ≈ 1.5e11 codes.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
QR_PREFIX = "PTSA-BOOKING:"


def new_booking_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def show_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def read_code(typed: str) -> str | None:
    """A code as a person types it or a scanner reads the QR: `k7qm-3xpd`, `PTSA-BOOKING:K7QM3XPD`."""
    if not isinstance(typed, str):
        return None
    text = typed.strip().upper()
    if text.startswith(QR_PREFIX):
        text = text[len(QR_PREFIX):]
    text = re.sub(r"[\s-]", "", text)
    return text if len(text) == 8 and all(c in CODE_ALPHABET for c in text) else None


def parse_hhmm(value: str) -> dt.time:
    if not isinstance(value, str) or not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
        raise ValueError("a time is HH:MM, e.g. 09:30")
    return dt.time(int(value[:2]), int(value[3:]))


def redemption_problem(day: dt.date, start: dt.time, end: dt.time, local_now: dt.datetime,
                       early: dt.timedelta, grace: dt.timedelta) -> tuple[str, str] | None:
    """Why a booking cannot be redeemed at `local_now` (office-local), as (code, when), or None.
    Valid on its day from `early` before the window opens until `grace` after it closes."""
    if local_now.date() != day:
        return ("booking_other_day", day.isoformat())
    opens = dt.datetime.combine(day, start, local_now.tzinfo) - early
    closes = dt.datetime.combine(day, end, local_now.tzinfo) + grace
    if local_now < opens:
        return ("booking_too_early", opens.strftime("%H:%M"))
    if local_now > closes:
        return ("booking_expired", closes.strftime("%H:%M"))
    return None


def booked_arrival(day: dt.date, start: dt.time, local_now: dt.datetime) -> dt.datetime:
    """Where a booked visitor stands in line: at the booking's start time if she comes later than
    it (she keeps the place she booked), at her arrival if she comes earlier."""
    booked = dt.datetime.combine(day, start, local_now.tzinfo)
    return min(local_now, booked)
