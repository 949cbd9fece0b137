"""Signing in and out on /api/v1."""
from __future__ import annotations

from flask import g, jsonify, request, session

from intranet_server.actions import security
from intranet_server.actions.staff import staff_dict
from intranet_server.api import api
from intranet_server.http import CSRF_COOKIE, body, client_address, current_session, current_staff
from intranet_server.schemas import doc, parse
from intranet_server.schemas.auth import Login, SignedOut, StaffOut

THROTTLED = {429: {"description": "too many failed sign-ins; the `Retry-After` header says how long to wait"}}


def set_csrf_cookie(response, token: str) -> None:
    """The pages' script reads this cookie and sends it back as X-CSRF-Token. It is compared with the
    token stored in the session row, so a cookie planted by a sibling site is useless."""
    response.set_cookie(CSRF_COOKIE, token, samesite="Strict", secure=request.is_secure, httponly=False,
                        max_age=int(security.config.lifetime.total_seconds()))


@api.post("/auth/login")
@doc(summary="Sign in a staff member; sets the session cookie", tags=["auth"], body=Login, response=StaffOut,
     auth=None, extra_responses=THROTTLED)
def login():
    data = parse(Login, body())
    staff, raw, row = security.sign_in(data.username, data.password, client_address(),
                                       request.headers.get("User-Agent", ""))
    previous = current_session()
    if previous is not None:
        security.sign_out(previous)
    session.clear()
    session["sid"] = raw
    session.permanent = True
    g.staff_session, g.staff = row, staff
    # after a one-time password the screens show the change-password form first
    response = jsonify({**staff_dict(staff), "must_change_password": staff.must_change_password})
    set_csrf_cookie(response, row.csrf_token)
    return response


@api.post("/auth/logout")
@doc(summary="Sign out: this session ends at once, also on its open Socket.IO connections", tags=["auth"],
     response=SignedOut, auth=None)
def logout():
    security.sign_out(current_session())
    session.clear()
    g.staff_session = None
    response = jsonify({"ok": True})
    response.delete_cookie(CSRF_COOKIE)
    return response


@api.post("/auth/logout-everywhere")
@doc(summary="Sign out everywhere: every session of the signed-in staff member ends at once", tags=["auth"],
     response=SignedOut)
def logout_everywhere():
    staff = current_staff()
    ended = security.sign_out_everywhere(staff)
    session.clear()
    g.staff_session = None
    response = jsonify({"ok": True, "ended": ended})
    response.delete_cookie(CSRF_COOKIE)
    return response


@api.get("/auth/me")
@doc(summary="The signed-in staff member", tags=["auth"], response=StaffOut)
def me():
    return jsonify(staff_dict(current_staff()))
