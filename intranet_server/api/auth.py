"""Signing in and out on /api/v1."""
from __future__ import annotations

from flask import jsonify, session

from db.models import Staff
from intranet_server.actions import Unauthorized, audit
from intranet_server.actions.staff import authenticate, staff_dict
from intranet_server.api import api
from intranet_server.http import body, current_staff
from intranet_server.schemas import doc, parse
from intranet_server.schemas.auth import Login, StaffOut
from intranet_server.schemas.common import Ok


@api.post("/auth/login")
@doc(summary="Sign in a staff member; sets the session cookie", tags=["auth"], body=Login, response=StaffOut,
     auth=None)
def login():
    data = parse(Login, body())
    try:
        staff = authenticate(data.username, data.password)
    except Unauthorized:
        known = Staff.get_or_none(Staff.username == data.username)
        audit(data.username, "auth.login_failed", "staff", known.id if known else None)
        raise
    audit(staff.username, "auth.login", "staff", staff.id)
    session.clear()
    session["staff_id"] = staff.id
    session.permanent = True
    # after a one-time password the screens show the change-password form first
    return jsonify({**staff_dict(staff), "must_change_password": staff.must_change_password})


@api.post("/auth/logout")
@doc(summary="Sign out", tags=["auth"], response=Ok, auth=None)
def logout():
    session.clear()
    return jsonify({"ok": True})


@api.get("/auth/me")
@doc(summary="The signed-in staff member", tags=["auth"], response=StaffOut)
def me():
    return jsonify(staff_dict(current_staff()))
