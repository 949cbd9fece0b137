"""Staff sign-in and accounts."""
from __future__ import annotations

from db.models import Staff
from db.passwords import verify_password
from intranet_server.actions import Invalid, Unauthorized


def authenticate(username, password) -> Staff:
    if not isinstance(username, str) or not isinstance(password, str) or not username or not password:
        raise Invalid("send {\"username\": ..., \"password\": ...}")
    staff = Staff.get_or_none(Staff.username == username)
    # verify even for unknown users would be nicer for timing; scrypt cost makes the gap small
    if staff is None or not staff.active or not verify_password(password, staff.password_hash):
        raise Unauthorized("wrong username or password")
    return staff


def staff_dict(staff: Staff) -> dict:
    return {
        "username": staff.username, "full_name": staff.full_name, "role": staff.role,
        "unit": staff.unit.code if staff.unit_id else None,
        "booth": {"number": staff.booth.number, "label": staff.booth.label} if staff.booth_id else None,
        "language": staff.language,
    }
