"""What every HTTP handler shares: JSON bodies, the signed-in officer, the kiosk, errors."""
from __future__ import annotations

from flask import g, jsonify, request, session

from db.models import Staff
from intranet_server.actions import ActionError, Forbidden, Invalid, Unauthorized
from intranet_server.actions.kiosks import authenticate_kiosk


def body(required: bool = True) -> dict:
    """The request's JSON object. A missing, malformed or non-object body is a 400."""
    if not request.data and not required:
        return {}
    if not request.is_json:
        raise ActionError("send the body as JSON with 'Content-Type: application/json'", code="bad_json")
    try:
        data = request.get_json(silent=True)
    except RecursionError:   # deep nesting ("[[[[…") is not caught by silent=True: a 500 without this
        raise ActionError("the body is nested too deeply", code="bad_json") from None
    if not isinstance(data, dict):
        raise ActionError("the body must be a JSON object", code="bad_json")
    return data


def current_staff(*roles: str) -> Staff:
    staff = g.get("staff")
    if staff is None:
        staff_id = session.get("staff_id")
        staff = Staff.get_or_none((Staff.id == staff_id) & (Staff.active == True)) if staff_id else None  # noqa: E712
        if staff is None:
            raise Unauthorized("sign in first (POST /api/v1/auth/login)")
        g.staff = staff
    if roles and staff.role not in roles:
        raise Forbidden(f"this needs the role {' or '.join(roles)}; you are {staff.role}")
    return staff


def current_kiosk():
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("this endpoint needs 'Authorization: Bearer <kiosk token>'")
    return authenticate_kiosk(token.strip())


def int_field(data: dict, name: str, required: bool = True):
    value = data.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise Invalid(f"'{name}' must be a whole number")
    return value


def error_response(exc: ActionError):
    return jsonify({"error": exc.code, "message": exc.message}), exc.status
