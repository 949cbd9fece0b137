"""`GET /metrics` in the Prometheus text format (prometheus-client).

Read at scrape time from the database (the same on every server process): people waiting per
service, open tasks per unit, alerts raised (a counter) and open per level, outbox messages per
channel and status. Per process: the Socket.IO connections per room (screens connected to THIS
process) and the HTTP request latency histogram per endpoint (the route's pattern, so the label
set stays small). Socket.IO traffic is not in the histogram: it never reaches Flask's routing.

Access: the client's address is in `[metrics] allow` (networks; default only this machine), or it
sends `Authorization: Bearer <[metrics] token>`. Behind a reverse proxy the address is the one the
proxy forwards, if `[server] trusted_proxies` says to trust it.
"""
from __future__ import annotations

import hmac
import ipaddress
import logging
import time

from flask import Response, current_app, g, jsonify, request
from peewee import fn
from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.exposition import choose_encoder

log = logging.getLogger(__name__)
REGISTRY = CollectorRegistry(auto_describe=False)
LATENCY = Histogram("ptsa_http_request_duration_seconds", "HTTP request latency by route pattern",
                    ["method", "endpoint"], registry=REGISTRY,
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0))
REQUESTS = Counter("ptsa_http_requests", "HTTP requests answered, by route pattern and status",
                   ["method", "endpoint", "status"], registry=REGISTRY)
OPEN_TASK_STATUSES = ("open", "waiting")


def _gauge(name, doc, labels, rows):
    family = GaugeMetricFamily(name, doc, labels=labels)
    for values, value in rows:
        family.add_metric(list(values), value)
    return family


class DatabaseCollector:
    """Collected on each scrape; a database that does not answer gives `ptsa_database_up 0`."""

    def collect(self):
        import db
        from db.models import Service, Ticket, Unit
        from db.task_models import Alert, Outbox, Task
        up = GaugeMetricFamily("ptsa_database_up", "1 when the database answered this scrape")
        try:
            with db.database.connection_context():
                waiting = dict(Ticket.select(Ticket.service, fn.COUNT(Ticket.id))
                               .where(Ticket.status == "waiting").group_by(Ticket.service).tuples())
                services = [((s.code,), waiting.get(s.id, 0)) for s in Service.select().order_by(Service.code)]
                open_tasks = dict(Task.select(Task.unit, fn.COUNT(Task.id))
                                  .where(Task.status.in_(OPEN_TASK_STATUSES)).group_by(Task.unit).tuples())
                units = {u.id: u.code for u in Unit.select()}
                tasks = [((units.get(unit_id, "none"),), n) for unit_id, n in sorted(
                    open_tasks.items(), key=lambda item: units.get(item[0], ""))]
                raised = list(Alert.select(Alert.level, fn.COUNT(Alert.id)).group_by(Alert.level).tuples())
                unacked = list(Alert.select(Alert.level, fn.COUNT(Alert.id))
                               .where(Alert.acknowledged_at.is_null()).group_by(Alert.level).tuples())
                outbox = list(Outbox.select(Outbox.channel, Outbox.status, fn.COUNT(Outbox.id))
                              .group_by(Outbox.channel, Outbox.status).tuples())
                from intranet_server import clock
                from intranet_server.ops.health import outbox_backlog
                backlog = outbox_backlog(clock.now())
        except Exception as exc:   # noqa: BLE001 - a scrape reports, it does not fail
            log.warning("metrics: the database did not answer: %s", exc)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield _gauge("ptsa_queue_waiting", "Visitors waiting now, per service", ["service"], services)
        yield _gauge("ptsa_tasks_open", "Open tasks (open or waiting for the applicant) per unit",
                     ["unit"], tasks)
        counter = CounterMetricFamily("ptsa_alerts_raised", "SLA alerts raised since the database began",
                                      labels=["level"])
        levels = dict(raised)
        for level in ("warning", "breach", "escalation"):
            counter.add_metric([level], levels.pop(level, 0))
        for level, n in levels.items():
            counter.add_metric([level], n)
        yield counter
        yield _gauge("ptsa_alerts_open", "SLA alerts not yet acknowledged, per level", ["level"],
                     [((level,), n) for level, n in unacked])
        counts = {(c, s): n for c, s, n in outbox}
        yield _gauge("ptsa_outbox_messages", "E-mail/SMS outbox rows per channel and status",
                     ["channel", "status"],
                     [((c, s), counts.get((c, s), 0)) for c in ("email", "sms")
                      for s in ("pending", "sending", "sent", "failed")])
        age = GaugeMetricFamily("ptsa_outbox_oldest_pending_age_seconds",
                                "How long the oldest due e-mail/SMS has waited (0: none waiting)")
        age.add_metric([], backlog["oldest_pending_age_s"] or 0)
        yield age
        from intranet_server.ops.health import sweeper_state
        leader = GaugeMetricFamily("ptsa_sweeper_leader", "1 when this process leads the SLA sweep")
        leader.add_metric([], 1 if sweeper_state()["leader"] else 0)
        yield leader


class SocketCollector:
    """Socket.IO connections of this process per room (a connection is in several rooms)."""

    def collect(self):
        from intranet_server.realtime.sockets import socketio
        family = GaugeMetricFamily("ptsa_screens_connected", "Socket.IO connections to this process, per room",
                                   labels=["room"])
        server = getattr(socketio, "server", None)
        if server is not None:
            rooms = server.manager.rooms.get("/", {})
            sids = set(rooms.get(None, {}))
            total = len(sids)
            for room, members in sorted((r, m) for r, m in rooms.items() if isinstance(r, str) and r not in sids):
                family.add_metric([room], len(members))
        else:
            total = 0
        yield family
        connections = GaugeMetricFamily("ptsa_socket_connections", "Socket.IO connections to this process")
        connections.add_metric([], total)
        yield connections


REGISTRY.register(DatabaseCollector())
REGISTRY.register(SocketCollector())


def allowed(settings: dict) -> bool:
    metrics = settings["metrics"]
    token = metrics.get("token") or ""
    header = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(header.encode(), f"Bearer {token}".encode()):
        return True
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(network) for network in metrics["allow"])


def metrics_view():
    if not allowed(current_app.config["PTSA"]):
        return jsonify({"error": "forbidden", "message": "metrics are open to the addresses in [metrics] allow "
                                                         "or with Authorization: Bearer <[metrics] token>"}), 403
    # the format the scraper asks for (Prometheus text, or OpenMetrics), as prometheus-client negotiates it
    encoder, content_type = choose_encoder(request.headers.get("Accept"))
    return Response(encoder(REGISTRY), headers={"Content-Type": content_type})


def _start_timer():
    g.ptsa_started = time.perf_counter()


def _observe(response):
    started = g.pop("ptsa_started", None)
    if started is not None:
        endpoint = request.url_rule.rule if request.url_rule is not None else "unmatched"
        LATENCY.labels(request.method, endpoint).observe(time.perf_counter() - started)
        REQUESTS.labels(request.method, endpoint, str(response.status_code)).inc()
    return response


def register(app) -> None:
    app.before_request(_start_timer)
    app.after_request(_observe)
    app.add_url_rule("/metrics", "metrics", metrics_view, methods=["GET"])
