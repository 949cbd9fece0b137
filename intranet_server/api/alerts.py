"""Supervision on /api/v1: SLA alerts, the supervisor's overview and the e-mail/SMS outbox."""
from __future__ import annotations

from flask import jsonify, request

from intranet_server import sla
from intranet_server.actions import tasks as actions
from intranet_server.api import api
from intranet_server.api.tasks import SUPERVISORS, _now
from intranet_server.http import body, current_staff
from intranet_server.reads import scope
from intranet_server.reads import tasks as task_reads
from intranet_server.schemas import doc, parse
from intranet_server.schemas.tasks import (
    AlertList, AlertOut, AlertsQuery, OutboxList, OutboxQuery, Retried, RetryOutbox, SupervisorOverview,
)
from intranet_server.sla import outbox

# ---- supervisors: alerts, the screen, the outbox ----------------------------------------


@api.get("/alerts")
@doc(summary="SLA alerts of the units you oversee (supervisor, admin: all); ?status=open for unacknowledged "
             "ones", tags=["alerts"], query=AlertsQuery, response=AlertList)
def list_alerts():
    staff = current_staff(*SUPERVISORS)
    query = parse(AlertsQuery, request.args.to_dict())
    return jsonify({"now": _now(),
                    "alerts": task_reads.scope_alerts(scope.scope_units(staff), query.status == "open")})


@api.post("/alerts/<int:alert_id>/ack")
@doc(summary="Acknowledge an alert (supervisor of its unit, admin)", tags=["alerts"], response=AlertOut)
def ack_alert(alert_id: int):
    staff = current_staff(*SUPERVISORS)
    return jsonify(task_reads.alert_dict(actions.acknowledge_alert(staff, alert_id)))


@api.get("/supervisor")
@doc(summary="The supervisor screen in one answer: units, open tasks, alerts, staff, outbox", tags=["alerts"],
     response=SupervisorOverview)
def supervisor_overview():
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
@doc(summary="E-mail/SMS delivery status (admin: all; supervisor: its units' alerts)", tags=["alerts"],
     query=OutboxQuery, response=OutboxList)
def list_outbox():
    staff = current_staff(*SUPERVISORS)
    query = parse(OutboxQuery, request.args.to_dict())
    units = None if staff.role == "admin" else scope.scope_units(staff)
    return jsonify({"now": _now(), **task_reads.outbox_rows(units, query.status)})


@api.post("/outbox/retry")
@doc(summary="Queue failed messages again (admin); without `ids`, every failed message", tags=["alerts"],
     body=RetryOutbox, response=Retried, body_required=False)
def retry_outbox():
    current_staff("admin")
    data = parse(RetryOutbox, body(required=False))
    return jsonify({"retried": outbox.retry(data.ids)})
