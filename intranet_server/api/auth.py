"""Signing in and out on /api/v1."""
from __future__ import annotations

from flask import jsonify, session

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
    staff = authenticate(data.username, data.password)
    session.clear()
    session["staff_id"] = staff.id
    session.permanent = True
    return jsonify(staff_dict(staff))


@api.post("/auth/logout")
@doc(summary="Sign out", tags=["auth"], response=Ok, auth=None)
def logout():
    session.clear()
    return jsonify({"ok": True})


@api.get("/auth/me")
@doc(summary="The signed-in staff member", tags=["auth"], response=StaffOut)
def me():
    return jsonify(staff_dict(current_staff()))
