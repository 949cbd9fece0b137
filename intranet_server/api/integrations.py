"""The units' own systems on /api/v1: API clients (admin), webhooks, the event feed, and the rules
every request made with a client's secret obeys — its scopes, and Idempotency-Key replays.

A client calls the same endpoints officers use (`GET /tasks`, `POST /tasks/ID/claim`, …) with
`Authorization: Bearer <secret>`; the routes open to clients, and the scope each needs, are listed
in CLIENT_ROUTES — every other route refuses a client (default deny).
"""
from __future__ import annotations

import json

from flask import Response, g, jsonify, request
from peewee import IntegrityError

from db.integration_models import IdempotentRequest
from db.models import Unit, database
from intranet_server import clock
from intranet_server.actions import Conflict, Forbidden, Invalid, NotFound
from intranet_server.actions import integrations as actions
from intranet_server.api import api
from intranet_server.http import body, current_client, current_staff
from intranet_server.reads import integrations as reads
from intranet_server.schemas import doc, parse
from intranet_server.schemas.integrations import (
    ClientList, ClientSecret, DeliveryLog, EventPage, EventsQuery, NewClient, NewWebhook, Redeliver, Redelivered,
    WebhookList, WebhookSecret,
)

# (method, route pattern prefix, scope): what a client may call. Anything else answers 403.
CLIENT_ROUTES = (
    ("GET", "/api/v1/auth/me", None),
    ("GET", "/api/v1/tasks", "tasks:read"),
    ("POST", "/api/v1/tasks/<int:task_id>/", "tasks:work"),
    ("GET", "/api/v1/units", "tasks:read"),
    ("GET", "/api/v1/events", "tasks:read"),
    ("GET", "/api/v1/webhooks", "tasks:read"),
    ("POST", "/api/v1/webhooks", "tasks:read"),
    ("DELETE", "/api/v1/webhooks/", "tasks:read"),
    ("POST", "/api/v1/bookings", "bookings:write"),
    ("GET", "/api/v1/bookings/", "bookings:write"),
    ("DELETE", "/api/v1/bookings/", "bookings:write"),
    ("GET", "/api/v1/reports/", "reports:read"),
)
STATE_CHANGING = ("POST", "PUT", "PATCH", "DELETE")
IN_FLIGHT_EXPIRY_S = 60


def client_scope_gate():
    """Before every /api/v1 request: a client may call only its routes, with the scope they need."""
    if not request.headers.get("Authorization", "").lower().startswith(f"bearer {actions.SECRET_PREFIX}"):
        return None
    client = current_client()
    rule = request.url_rule.rule if request.url_rule else request.path
    needed = next((scope for method, prefix, scope in CLIENT_ROUTES
                   if request.method == method and (rule == prefix.rstrip("/") or rule.startswith(prefix))), False)
    if needed is False:
        raise Forbidden(f"{request.method} {rule} is not open to API clients", code="client_not_allowed")
    if needed is not None and needed not in client.scope_set:
        raise Forbidden(f"this needs the scope {needed}; client {client.name} has {client.scopes}",
                        code="missing_scope")
    if request.method in STATE_CHANGING and request.headers.get("Idempotency-Key"):
        return _replay_or_reserve(client, request.headers["Idempotency-Key"])
    return None


class _RequestTransaction:
    """The transaction a request with an Idempotency-Key runs in, from its key's reservation to its answer:
    the work, the answer and the key commit together (or none of them does), so a process that dies half
    way leaves nothing behind and the retry does the work once."""

    class _Abandoned(Exception):
        pass

    def __init__(self):
        self._atomic = database.atomic()
        self._atomic.__enter__()

    def commit(self) -> None:
        self._atomic.__exit__(None, None, None)

    def rollback(self) -> None:
        self._atomic.__exit__(self._Abandoned, self._Abandoned(), None)


def _replay_or_reserve(client, key: str):
    if not 1 <= len(key) <= 64 or not key.isprintable():
        raise Invalid("'Idempotency-Key' must be 1 to 64 printable characters")
    transaction = _RequestTransaction()
    try:
        row = _answered(client, key, clock.now())
        if row is None:
            try:
                with database.atomic():   # a savepoint: a twin that reserved the key first makes this one replay
                    g.idempotent = IdempotentRequest.create(client=client, key=key, method=request.method,
                                                            path=request.path, created_at=clock.now())
                g.idempotent_transaction = transaction
                return None
            except IntegrityError:        # the twin committed (its work and answer with it): replay that
                row = _answered(client, key, clock.now())
    except BaseException:
        transaction.rollback()
        raise
    transaction.commit()
    if row is None:   # the twin's row went again (its old, unanswered reservation expired): the client retries
        raise Conflict("the first request with this Idempotency-Key is still running", code="idempotency_in_flight")
    if (row.method, row.path) != (request.method, request.path):
        raise Conflict(f"Idempotency-Key {key!r} was used for {row.method} {row.path}", code="idempotency_mismatch")
    if row.status is None:
        raise Conflict("the first request with this Idempotency-Key is still running", code="idempotency_in_flight")
    return Response(row.body, status=row.status, mimetype="application/json",
                    headers={"Idempotent-Replayed": "true"})


def _answered(client, key: str, now):
    """The key's row. A row without an answer was left by a version that reserved keys in a transaction
    of their own; once it is old, its request died half way and this one does the work."""
    row = IdempotentRequest.get_or_none((IdempotentRequest.client == client) & (IdempotentRequest.key == key))
    if row is not None and row.status is None and (now - row.created_at).total_seconds() > IN_FLIGHT_EXPIRY_S:
        row.delete_instance()
        return None
    return row


def remember_answer(response):
    """After the request: keep the answer for replays and commit it with the work; a 5xx is not kept and
    rolls the work back with it (the retry does the work)."""
    row, transaction = g.pop("idempotent", None), g.pop("idempotent_transaction", None)
    if transaction is None:
        return response
    if response.status_code >= 500:
        transaction.rollback()
        return response
    try:
        IdempotentRequest.update(status=response.status_code, body=response.get_data(as_text=True)).where(
            IdempotentRequest.id == row.id).execute()
    except BaseException:
        transaction.rollback()
        raise
    transaction.commit()
    return response


def abandon_unanswered(_exc):
    """A keyed request that ended without its answer being kept (an error escaped): nothing of it stays."""
    transaction = g.pop("idempotent_transaction", None)
    if transaction is not None:
        transaction.rollback()


api.before_request(client_scope_gate)
api.after_request(remember_answer)
api.teardown_request(abandon_unanswered)


# ---- clients (admin) ---------------------------------------------------------------------------

@api.post("/admin/clients")
@doc(summary="Register a unit's system as an API client; its secret is shown this once", tags=["integration"],
     body=NewClient, response=ClientSecret, status=201)
def register_client():
    admin = current_staff("admin")
    data = parse(NewClient, body())
    client, secret = actions.register_client(admin.username, data.name, data.unit, list(data.scopes))
    return jsonify({"id": client.id, "secret": secret, "client": reads.client_dict(client)}), 201


@api.get("/admin/clients")
@doc(summary="API clients with their unit, scopes and last use", tags=["integration"], response=ClientList)
def list_clients():
    current_staff("admin")
    return jsonify({"clients": reads.clients()})


@api.post("/admin/clients/<int:client_id>/rotate")
@doc(summary="A new secret for the client (shown once); the old one stops working", tags=["integration"],
     response=ClientSecret)
def rotate_client(client_id: int):
    admin = current_staff("admin")
    client, secret = actions.rotate_secret(admin.username, client_id)
    return jsonify({"id": client.id, "secret": secret, "client": reads.client_dict(client)})


@api.post("/admin/clients/<int:client_id>/revoke")
@doc(summary="Revoke the client: its secret and webhooks stop at once", tags=["integration"],
     response=ClientList)
def revoke_client(client_id: int):
    admin = current_staff("admin")
    actions.revoke_client(admin.username, client_id)
    return jsonify({"clients": reads.clients()})


# ---- webhooks ------------------------------------------------------------------------------------

def _webhook_actor():
    """An admin (any unit) or a client (its own unit)."""
    client = current_client()
    staff = current_staff() if client is not None else current_staff("admin")
    return staff, client


@api.post("/webhooks")
@doc(summary="Subscribe a URL to a unit's task events; the signing secret is shown this once",
     tags=["integration"], body=NewWebhook, response=WebhookSecret, status=201, auth=["session", "client"])
def subscribe():
    staff, client = _webhook_actor()
    data = parse(NewWebhook, body())
    unit = data.unit or (client.unit.code if client else None)
    if unit is None:
        raise Invalid("'unit' names the unit whose events the webhook hears")
    hook, secret = actions.subscribe(staff.username, unit, data.url, list(data.events), client)
    return jsonify({"id": hook.id, "secret": secret, "webhook": reads.webhook_dict(hook)}), 201


@api.get("/webhooks")
@doc(summary="Webhooks (a client sees its unit's)", tags=["integration"], response=WebhookList,
     auth=["session", "client"])
def list_webhooks():
    _staff, client = _webhook_actor()
    return jsonify({"webhooks": reads.webhooks(client.unit_id if client else None)})


@api.delete("/webhooks/<int:webhook_id>")
@doc(summary="Unsubscribe; deliveries still waiting are cancelled", tags=["integration"], response=WebhookList,
     auth=["session", "client"])
def unsubscribe(webhook_id: int):
    staff, client = _webhook_actor()
    actions.unsubscribe(staff.username, actions.webhook_for(client, webhook_id))
    return jsonify({"webhooks": reads.webhooks(client.unit_id if client else None)})


@api.get("/webhooks/<int:webhook_id>/deliveries")
@doc(summary="The delivery log: each event, its state and every attempt with the receiver's answer",
     tags=["integration"], response=DeliveryLog, auth=["session", "client"])
def deliveries(webhook_id: int):
    _staff, client = _webhook_actor()
    hook = actions.webhook_for(client, webhook_id)
    return jsonify({"webhook": reads.webhook_dict(hook), "deliveries": reads.delivery_log(hook)})


@api.post("/webhooks/<int:webhook_id>/redeliver")
@doc(summary="Deliver again: failed (or the listed) deliveries go out now and a paused webhook resumes",
     tags=["integration"], body=Redeliver, response=Redelivered)
def redeliver(webhook_id: int):
    admin = current_staff("admin")
    data = parse(Redeliver, body(required=False))
    return jsonify({"redelivered": actions.redeliver(admin.username, actions.webhook_for(None, webhook_id),
                                                     data.deliveries)})


# ---- the event feed ------------------------------------------------------------------------------

@api.get("/events")
@doc(summary="The event feed: the same events as the webhooks, after a cursor; `wait` long-polls",
     tags=["integration"], query=EventsQuery, response=EventPage, auth=["session", "client"])
def events():
    client = current_client()
    if client is None:
        current_staff("admin")
    query = parse(EventsQuery, request.args.to_dict())
    if client is not None:
        if query.unit is not None and query.unit != client.unit.code:
            raise Forbidden(f"client {client.name} hears {client.unit.code} only")
        unit_ids = [client.unit_id]
    elif query.unit is not None:
        unit = Unit.get_or_none(Unit.code == query.unit)
        if unit is None:
            raise NotFound(f"unknown unit {query.unit!r}", code="unknown_unit")
        unit_ids = [unit.id]
    else:
        unit_ids = None
    found = reads.events_after(query.after, unit_ids, query.limit)
    if not found and query.wait:
        found = _wait_for_events(query, unit_ids)
    cursor = int(found[-1]["id"]) if found else query.after
    return Response(json.dumps({"events": found, "next": cursor}, ensure_ascii=False),
                    mimetype="application/json")


def _wait_for_events(query: EventsQuery, unit_ids) -> list[dict]:
    """Long-poll: look again twice a second until an event comes or `wait` seconds pass. The
    database connection is given back while waiting (the pool stays free for other requests)."""
    import time

    from intranet_server.realtime.sockets import socketio
    deadline = time.monotonic() + query.wait
    while time.monotonic() < deadline:
        database.close()
        socketio.sleep(0.5)
        database.connect(reuse_if_open=True)
        found = reads.events_after(query.after, unit_ids, query.limit)
        if found:
            return found
    return []

