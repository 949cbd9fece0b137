"""Presence on /api/v1: who is signed in and connected now (supervisors and the administrator)."""
from __future__ import annotations

from flask import jsonify

from intranet_server.api import api
from intranet_server.http import current_staff
from intranet_server.reads import presence as presence_reads
from intranet_server.reads import scope
from intranet_server.schemas import doc
from intranet_server.schemas.presence import PresenceOut


@api.get("/presence")
@doc(summary="Who is connected now: the receivers of my units and the officers at every booth",
     tags=["presence"], response=PresenceOut)
def presence():
    staff = current_staff("supervisor", "admin")
    return jsonify(presence_reads.scope_presence(scope.scope_units(staff)))
