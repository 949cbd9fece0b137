"""What every HTTP handler shares: JSON bodies, the signed-in officer, the kiosk, errors."""
from __future__ import annotations

from flask import g, jsonify, request, session

from db.models import Staff
from intranet_server.actions import ActionError, Forbidden, Invalid, Unauthorized
from intranet_server.actions.kiosks import authenticate_kiosk
from intranet_server.schemas.errors import LANGUAGES, localize


def body(required: bool = True) -> dict:
    """The request's JSON object. A missing, malformed or non-object body is a 400."""
    if not request.data and not required:
        return {}
    if not request.is_json:
        raise ActionError("send the body as JSON with 'Content-Type: application/json'", code="bad_json")
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ActionError("the body must be a JSON object", code="bad_json")
    return data


def current_staff(*roles: str) -> Staff:
    staff = g.get("staff")
    if staff is None and current_client() is not None:
        staff = g.staff = g.client.staff   # a unit's system works as its own receiver account
    if staff is None:
        staff_id = session.get("staff_id")
        staff = Staff.get_or_none((Staff.id == staff_id) & (Staff.active == True)) if staff_id else None  # noqa: E712
        if staff is None:
            raise Unauthorized("sign in first (POST /api/v1/auth/login)")
        g.staff = staff
    if roles and staff.role not in roles:
        raise Forbidden(f"this needs the role {' or '.join(roles)}; you are {staff.role}")
    return staff


def current_client():
    """The API client whose secret the request carries (`Authorization: Bearer ptsa_c_…`), or None."""
    if "client" not in g:
        from intranet_server.actions.integrations import SECRET_PREFIX, authenticate_client
        scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
        secret = secret.strip()
        g.client = authenticate_client(secret) if scheme.lower() == "bearer" and \
            secret.startswith(SECRET_PREFIX) else None
    return g.client


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


def requester_language() -> str:
    """The signed-in staff's language, else the best of Accept-Language, else Indonesian."""
    staff = g.get("staff")
    if staff is None and session.get("staff_id"):
        try:
            staff = Staff.get_or_none(Staff.id == session["staff_id"])
        except Exception:   # an error answer must not fail on the lookup (e.g. no database)
            staff = None
    if staff is not None and staff.language in LANGUAGES:
        return staff.language
    return request.accept_languages.best_match(LANGUAGES) or "id"


def error_body(code: str, message: str) -> dict:
    """`message` in the requester's language; the developer's English text stays in `detail`."""
    return {"error": code, "message": localize(code, message, requester_language()), "detail": message}


def error_response(exc: ActionError):
    return jsonify(error_body(exc.code, exc.message)), exc.status
