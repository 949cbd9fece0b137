"""Supervision on /api/v1: SLA alerts, the supervisor's overview and the e-mail/SMS outbox."""
from __future__ import annotations


from flask import jsonify, request

from intranet_server import sla
from intranet_server.actions import Invalid
from intranet_server.actions import tasks as actions
from intranet_server.http import body, current_staff
from intranet_server.sla import outbox
from intranet_server.reads import scope
from intranet_server.reads import tasks as task_reads

from intranet_server.api import api
from intranet_server.api.tasks import SUPERVISORS, _now


# ---- supervisors: alerts, the screen, the outbox ----------------------------------------

@api.get("/alerts")
def list_alerts():
    staff = current_staff(*SUPERVISORS)
    only_open = request.args.get("status") == "open"
    return jsonify({"now": _now(), "alerts": task_reads.scope_alerts(scope.scope_units(staff), only_open)})


@api.post("/alerts/<int:alert_id>/ack")
def ack_alert(alert_id: int):
    staff = current_staff(*SUPERVISORS)
    return jsonify(task_reads.alert_dict(actions.acknowledge_alert(staff, alert_id)))


@api.get("/supervisor")
def supervisor_overview():
    """Everything the supervisor screen shows, in one answer."""
    staff = current_staff(*SUPERVISORS)
    units = scope.scope_units(staff)
    return jsonify({
        "now": _now(),
        "units": [task_reads.unit_dict(u) for u in units],
        "tasks": task_reads.scope_tasks(units),
        "alerts": task_reads.scope_alerts(units),
        "staff": task_reads.unit_staff(units),
        "outbox": task_reads.outbox_rows(None if staff.role == "admin" else units, limit=30),
        "channels": {channel: sla.channel_enabled(channel) for channel in ("email", "sms")},
    })


@api.get("/outbox")
def list_outbox():
    staff = current_staff(*SUPERVISORS)
    status = request.args.get("status")
    if status is not None and status not in ("pending", "sending", "unconfirmed", "sent", "failed", "cancelled"):
        raise Invalid("'status' must be pending, sending, unconfirmed, sent, failed or cancelled")
    units = None if staff.role == "admin" else scope.scope_units(staff)
    return jsonify({"now": _now(), **task_reads.outbox_rows(units, status)})


@api.post("/outbox/retry")
def retry_outbox():
    current_staff("admin")
    data = body(required=False)
    ids = data.get("ids")
    if ids is not None and (not isinstance(ids, list) or not all(isinstance(i, int) for i in ids)):
        raise Invalid("'ids' must be a list of outbox ids")
    return jsonify({"retried": outbox.retry(ids)})


