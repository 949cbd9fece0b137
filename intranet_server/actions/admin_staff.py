"""Staff administration from /admin. Every write goes through actions/staff.py (`save_staff`,
`import_staff`), so the checks of the `ptsa staff` commands, and anything hooked into them
(session revocation on disable or a new password), apply to the screens too."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import secrets

from db.connection import locked
from db.models import Staff, database
from db.passwords import verify_password
from intranet_server.actions import ActionError, Conflict, Invalid, NotFound, Unauthorized, audit
from intranet_server.actions.staff import import_staff, save_staff
from intranet_server.rules.passwords import password_problem

# no 0/O, 1/l/I: a one-time password is read off a screen and typed
_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CSV_FIELDS = ("username", "full_name", "role", "unit", "booth", "email", "phone", "language", "active")


# save_staff's messages (shared with the CLI) say the field in words; the screens want its name
_FIELD_OF = (("username", "username"), ("full name", "full_name"), ("role", "role"), ("unknown unit", "unit"),
             ("unknown booth", "booth"), ("a front officer", "booth"), ("a p1 ", "unit"), ("a p2 ", "unit"),
             ("a supervisor", "unit"), ("e-mail", "email"), ("phone", "phone"), ("language", "language"))


def _field_named(exc: ActionError) -> ActionError:
    text = exc.message.lower()
    if text.startswith("'"):
        return exc
    for start, field in _FIELD_OF:
        if text.startswith(start) or (field == "username" and " exists;" in text):
            return type(exc)(f"'{field}': {exc.message}", code=exc.code, status=exc.status)
    return exc


def _save(*args, **kwargs) -> Staff:
    try:
        return save_staff(*args, **kwargs)
    except ActionError as exc:
        raise _field_named(exc) from None


def one_time_password() -> str:
    return "-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(3))


def staff_row(staff: Staff) -> dict:
    row = {"username": staff.username, "full_name": staff.full_name, "role": staff.role,
           "unit": staff.unit.code if staff.unit_id else None,
           "booth": staff.booth.number if staff.booth_id else None,
           "email": staff.email, "phone": staff.phone, "language": staff.language, "active": staff.active,
           "must_change_password": staff.must_change_password}
    row["version"] = hashlib.sha256(json.dumps(row, sort_keys=True).encode()).hexdigest()[:16]
    return row



def _other_active_admins(staff: Staff) -> int:
    return Staff.select().where((Staff.role == "admin") & (Staff.active == True)  # noqa: E712
                                & (Staff.id != staff.id)).count()


def add_staff(actor: str, fields: dict) -> tuple[Staff, str]:
    """A new account with a one-time password, shown once; it must be changed at the first sign-in."""
    username = fields.pop("username")
    password = one_time_password()
    with database.atomic():
        staff = _save(actor, username, create=True, password=password,
                           **{k: v for k, v in fields.items() if v is not None})
        Staff.update(must_change_password=True).where(Staff.id == staff.id).execute()
    return Staff.get_by_id(staff.id), password


def update_staff(actor: str, username: str, fields: dict, version: str | None = None) -> Staff:
    with database.atomic():
        staff = Staff.get_or_none(Staff.username == username)
        if staff is None:
            raise NotFound(f"no staff account {username}")
        staff = locked(Staff, staff.id)      # the version check and the write see the same row
        if version is not None and version != staff_row(staff)["version"]:
            raise Conflict(f"{username} was changed by someone else since you opened it; reload and try again",
                           code="stale")
        leaves_admin = staff.role == "admin" and staff.active and (
            fields.get("active") is False or fields.get("role", "admin") != "admin")
        if leaves_admin and _other_active_admins(staff) == 0:
            raise Conflict(f"'{'active' if fields.get('active') is False else 'role'}': {username} is the last "
                           "active administrator; make someone else an administrator first", code="last_admin")
        if fields.get("role") in ("p1", "p2", "supervisor", "admin", "pimpinan") and "booth" not in fields:
            fields["booth"] = None    # only a front officer sits at a booth
        return _save(actor, username, create=False, **fields)


def reset_password(actor: str, username: str) -> str:
    password = one_time_password()
    with database.atomic():
        staff = save_staff(actor, username, create=False, password=password)
        Staff.update(must_change_password=True).where(Staff.id == staff.id).execute()
        audit(actor, "staff.password_reset", "staff", staff.id)
    return password


def change_own_password(staff: Staff, current: str, new: str) -> Staff:
    """The signed-in person's new password (after a one-time password, or any time)."""
    if not verify_password(current, staff.password_hash):
        raise Unauthorized("'current': the current password is wrong", code="wrong_password")
    problem = password_problem(new, staff.username)
    if problem:
        raise Invalid(f"'new': {problem}")
    if verify_password(new, staff.password_hash):
        raise Invalid("'new': choose a password different from the current one")
    with database.atomic():
        save_staff(staff.username, staff.username, create=False, password=new)
        Staff.update(must_change_password=False).where(Staff.id == staff.id).execute()
        audit(staff.username, "staff.password_change", "staff", staff.id)
    return Staff.get_by_id(staff.id)


# ---- CSV ----------------------------------------------------------------------------------

def _rows(text: str) -> tuple[list[dict], dict[str, str]]:
    """The CSV's rows; a new account without a password gets a one-time password (returned by
    username), so an office can import its people without writing passwords into a file."""
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "username" not in [f.strip() for f in reader.fieldnames]:
        raise Invalid("'csv': the first line must be a header naming at least username "
                      f"({','.join(CSV_FIELDS)},password)")
    rows, generated, seen = [], {}, set()
    for row in reader:
        row = {(k or "").strip(): v for k, v in row.items() if k}
        username = (row.get("username") or "").strip()
        new = username not in seen and Staff.get_or_none(Staff.username == username) is None
        seen.add(username)
        if new and username and not (row.get("password") or "").strip():
            row["password"] = generated[username] = one_time_password()
        rows.append(row)
    return rows, generated


class _DryRun(Exception):
    pass


def preview_import(actor: str, text: str) -> dict:
    """What an import would do, line by line, with every line's problem; nothing is kept.
    Each line runs through the same `import_staff` as the real import, inside one transaction
    that is rolled back, so later lines see earlier ones as the real import would."""
    rows, _generated = _rows(text)
    lines = []
    try:
        with database.atomic():
            for number, row in enumerate(rows, start=2):
                username = (row.get("username") or "").strip()
                exists = Staff.get_or_none(Staff.username == username) is not None
                entry = {"line": number, "username": username, "action": "change" if exists else "add",
                         "error": None}
                try:
                    with database.atomic():
                        import_staff(actor, [row])
                except ActionError as exc:
                    entry["error"] = exc.message.replace("line 2 ", f"line {number} ", 1)
                lines.append(entry)
            raise _DryRun
    except _DryRun:
        pass
    errors = sum(1 for e in lines if e["error"])
    return {"lines": lines, "ok": errors == 0, "errors": errors,
            "added": sum(1 for e in lines if e["action"] == "add" and not e["error"]),
            "changed": sum(1 for e in lines if e["action"] == "change" and not e["error"])}


def apply_import(actor: str, text: str) -> dict:
    rows, generated = _rows(text)
    with database.atomic():
        added, changed = import_staff(actor, rows)
        if generated:
            Staff.update(must_change_password=True).where(Staff.username.in_(list(generated))).execute()
    return {"added": added, "changed": changed,
            "one_time_passwords": [{"username": u, "one_time_password": p} for u, p in generated.items()]}


def export_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for staff in Staff.select().order_by(Staff.role, Staff.username):
        row = staff_row(staff)
        writer.writerow([row["username"], row["full_name"], row["role"], row["unit"] or "", row["booth"] or "",
                         row["email"], row["phone"], row["language"], "yes" if row["active"] else "no"])
    return out.getvalue()
