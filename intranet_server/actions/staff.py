"""Staff sign-in and accounts."""
from __future__ import annotations

import re

from db.models import ROLES, Booth, Staff, Unit, database
from db.passwords import hash_password, verify_password
from intranet_server.actions import ActionError, Conflict, Invalid, NotFound, Unauthorized, audit, security
from intranet_server.rules.passwords import password_problem


def authenticate(username, password) -> Staff:
    """Check a password without opening a session (equal time for unknown users). Sign-in from a
    browser goes through `actions.security.sign_in`, which also throttles and audits."""
    if not isinstance(username, str) or not isinstance(password, str) or not username or not password:
        raise Invalid("send {\"username\": ..., \"password\": ...}")
    staff = Staff.get_or_none(Staff.username == username)
    good = verify_password(password, staff.password_hash if staff is not None else security._DUMMY_HASH)
    if staff is None or not staff.active or not good:
        raise Unauthorized("wrong username or password")
    return staff


def staff_dict(staff: Staff) -> dict:
    return {
        "username": staff.username, "full_name": staff.full_name, "role": staff.role,
        "unit": staff.unit.code if staff.unit_id else None,
        "booth": {"number": staff.booth.number, "label": staff.booth.label} if staff.booth_id else None,
        "language": staff.language,
    }


# ---- accounts (the operator's `ptsa staff` commands) ----------------------------------

STAFF_FIELDS = ("full_name", "role", "unit", "booth", "email", "phone", "language", "active", "password")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+[1-9]\d{7,14}$")


def save_staff(actor: str, username, *, create: bool, **fields) -> Staff:
    """Create (create=True) or change a staff account. Every field is checked before anything is
    written: a P0 needs a booth, a P1 an echelon-1 unit, a P2 an echelon-2 unit, a supervisor a unit;
    phone numbers are international (+62...), so the SMS gateway can use them as they are."""
    unknown = set(fields) - set(STAFF_FIELDS)
    if unknown:
        raise Invalid(f"unknown field(s): {', '.join(sorted(unknown))}")
    if not isinstance(username, str) or not re.fullmatch(r"[a-z0-9][a-z0-9._-]{1,63}", username):
        raise Invalid("username: 2 to 64 lower-case letters, digits, '.', '_' or '-'")
    with database.atomic():
        staff = Staff.get_or_none(Staff.username == username)
        if create and staff is not None:
            raise Conflict(f"{username} exists; change it instead of adding it")
        if not create and staff is None:
            raise NotFound(f"no staff account {username}")
        staff = staff or Staff(username=username, password_hash="!", active=True)
        _apply(staff, fields)
        if create and "password" not in fields:
            raise Invalid("a new account needs a password")
        if not staff.full_name:
            raise Invalid("full name is required")
        _check_placement(staff)
        if "password" in fields:
            problem = password_problem(fields["password"], username)
            if problem:
                raise Invalid(problem)
            staff.password_hash = hash_password(fields["password"])
        staff.save()
        audit(actor, "staff.add" if create else "staff.change", "staff", staff.id,
              fields=sorted(k for k in fields if k != "password"))
        # a new password or a disabled account ends every session of that person at once
        if not create and ("password" in fields or not staff.active):
            security.sign_out_everywhere(staff, actor, "password" if "password" in fields else "disabled")
    return staff


def _apply(staff: Staff, fields: dict) -> None:
    for name, value in fields.items():
        if name == "role":
            if value not in ROLES:
                raise Invalid(f"role must be one of {', '.join(ROLES)}")
            staff.role = value
        elif name == "unit":
            unit = Unit.get_or_none(Unit.code == value) if value else None
            if value and unit is None:
                raise NotFound(f"unknown unit {value!r}")
            staff.unit = unit
        elif name == "booth":
            booth = Booth.get_or_none(Booth.number == value) if value else None
            if value and booth is None:
                raise NotFound(f"unknown booth {value!r}")
            staff.booth = booth
        elif name == "email":
            if value and not _EMAIL.match(value):
                raise Invalid(f"e-mail address {value!r} does not look right")
            staff.email = value or ""
        elif name == "phone":
            if value and not _PHONE.match(value):
                raise Invalid(f"phone {value!r}: write it internationally, e.g. +6281234567890")
            staff.phone = value or ""
        elif name == "language":
            if value not in ("id", "en"):
                raise Invalid("language must be id or en")
            staff.language = value
        elif name == "password":
            if not isinstance(value, str):
                raise Invalid("the password must be text")   # the policy is checked after placement
        elif name == "active":
            staff.active = bool(value)
        elif name == "full_name":
            staff.full_name = (value or "").strip()


def _check_placement(staff: Staff) -> None:
    role, unit = staff.role, staff.unit
    if role is None:
        raise Invalid("role is required")
    if role == "p0" and staff.booth_id is None:
        raise Invalid("a front officer (p0) needs a booth")
    if role == "p1" and (unit is None or unit.echelon != 1):
        raise Invalid("a P1 receiver needs an echelon-1 unit")
    if role == "p2" and (unit is None or unit.echelon != 2):
        raise Invalid("a P2 receiver needs an echelon-2 unit")
    if role == "supervisor" and unit is None:
        raise Invalid("a supervisor needs a unit")


def import_staff(actor: str, rows: list[dict]) -> tuple[int, int]:
    """Add or change many accounts from CSV rows; all or nothing. Returns (added, changed)."""
    added = changed = 0
    with database.atomic():
        for line, row in enumerate(rows, start=2):
            row = {k.strip(): (v or "").strip() for k, v in row.items() if k}
            username = row.pop("username", "")
            fields = {k: v for k, v in row.items() if v != ""}
            if "booth" in fields:
                if not fields["booth"].isdigit():
                    raise Invalid(f"line {line}: booth must be a number")
                fields["booth"] = int(fields["booth"])
            if "active" in fields:
                fields["active"] = fields["active"].lower() in ("1", "yes", "true", "ya")
            exists = Staff.get_or_none(Staff.username == username) is not None
            try:
                save_staff(actor, username, create=not exists, **fields)
            except ActionError as exc:
                raise type(exc)(f"line {line} ({username or 'no username'}): {exc.message}") from None
            changed += exists
            added += not exists
    return added, changed
