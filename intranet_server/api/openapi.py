"""The OpenAPI 3.1 description of /api/v1 (a test checks it lists every route).

Routes described with `schemas.doc(...)` are generated from their models (`generated_paths`);
the hand-written descriptions below cover the routes not yet moved to models."""
from __future__ import annotations

ERROR = {"$ref": "#/components/schemas/Error"}


def _resp(desc: str, schema=None, code: str = "200") -> dict:
    out = {code: {"description": desc}}
    if schema is not None:
        out[code]["content"] = {"application/json": {"schema": schema}}
    out["4XX"] = {"description": "bad input, not signed in, not allowed, or wrong state",
                  "content": {"application/json": {"schema": ERROR}}}
    return out


def _body(schema: dict) -> dict:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


TICKET = {"$ref": "#/components/schemas/Ticket"}
TICKET_ID = [{"name": "ticket_id", "in": "path", "required": True, "schema": {"type": "integer"}}]


def _ticket_verb(summary: str) -> dict:
    return {"post": {"summary": summary, "tags": ["booth"], "security": [{"session": []}],
                     "parameters": TICKET_ID, "responses": _resp("the ticket after the change", TICKET)}}


def openapi_document() -> dict:
    paths = {
        "/auth/login": {"post": {
            "summary": "Sign in a staff member; sets the session cookie", "tags": ["auth"],
            "requestBody": _body({"type": "object", "required": ["username", "password"],
                                  "properties": {"username": {"type": "string"}, "password": {"type": "string"}}}),
            "responses": _resp("the signed-in staff member", {"$ref": "#/components/schemas/Staff"})}},
        "/auth/logout": {"post": {"summary": "Sign out", "tags": ["auth"], "responses": _resp("signed out")}},
        "/auth/me": {"get": {"summary": "The signed-in staff member", "tags": ["auth"],
                             "security": [{"session": []}],
                             "responses": _resp("staff", {"$ref": "#/components/schemas/Staff"})}},
        "/services": {"get": {"summary": "Services with open/closed state, people waiting and wait estimate",
                              "tags": ["lobby"], "responses": _resp("services", {
                                  "type": "array", "items": {"$ref": "#/components/schemas/Service"}})}},
        "/display": {"get": {"summary": "What the display board shows: current call per booth, last 10 calls",
                             "tags": ["lobby"], "responses": _resp("display state", {"type": "object"})}},
        "/tickets": {"post": {
            "summary": "Issue a queue ticket (kiosk)", "tags": ["lobby"], "security": [{"kiosk": []}],
            "description": "A repeated idempotency_key from the same kiosk answers 200 with the ticket "
                           "issued the first time instead of issuing another.",
            "requestBody": _body({"type": "object", "required": ["service"], "properties": {
                "service": {"type": "string", "example": "PP"},
                "priority": {"type": ["string", "null"], "enum": ["lansia", "disabilitas", "hamil", "anak", None]},
                "idempotency_key": {"type": "string", "minLength": 8, "maxLength": 64},
                "language": {"type": "string", "enum": ["id", "en"]}}}),
            "responses": {**_resp("the ticket issued", {"$ref": "#/components/schemas/IssuedTicket"}, "201"),
                          "200": {"description": "the ticket issued earlier for this idempotency key"}}}},
        "/tickets/{ticket_id}": {"get": {"summary": "One ticket", "tags": ["booth"], "parameters": TICKET_ID,
                                         "security": [{"session": []}], "responses": _resp("ticket", TICKET)}},
        "/tickets/{ticket_id}/printed": {"post": {
            "summary": "The kiosk reports whether the ticket came out of the printer", "tags": ["lobby"],
            "security": [{"kiosk": []}], "parameters": TICKET_ID,
            "requestBody": _body({"type": "object", "required": ["printed"], "properties": {
                "printed": {"type": "boolean"}, "detail": {"type": "string"}}}),
            "responses": _resp("ticket", TICKET)}},
        "/tickets/{ticket_id}/reprint": {"post": {
            "summary": "Ask the kiosk that issued the ticket to print it again (P0)", "tags": ["booth"],
            "security": [{"session": []}], "parameters": TICKET_ID,
            "responses": _resp("the request was sent to the kiosk", {"type": "object"}, "202")}},
        "/kiosk/printer": {"post": {
            "summary": "The kiosk reports its printer's health", "tags": ["lobby"], "security": [{"kiosk": []}],
            "requestBody": _body({"type": "object", "required": ["state"], "properties": {
                "state": {"type": "string", "enum": ["ok", "near_end", "paper_out", "offline", "error", "unknown"]},
                "detail": {"type": "string", "maxLength": 255}}}),
            "responses": _resp("the kiosk", {"type": "object"})}},
        "/kiosks": {"get": {"summary": "Kiosks and their printer health", "tags": ["lobby"],
                            "security": [{"session": []}], "responses": _resp("kiosks", {"type": "array"})}},
        "/booth": {"get": {"summary": "The signed-in P0's booth: current visitor, queue in call order, "
                                      "no-shows within the recall window, parked visits",
                           "tags": ["booth"], "security": [{"session": []}],
                           "responses": _resp("booth state", {"type": "object"})}},
        "/queue/call-next": {"post": {
            "summary": "Finish the current visit and call the next visitor (P0)", "tags": ["booth"],
            "security": [{"session": []}],
            "responses": {**_resp("the ticket called", TICKET), "204": {"description": "nobody waits"}}}},
        "/tickets/{ticket_id}/call": _ticket_verb("Call this ticket (waiting, parked, or a no-show back in time)"),
        "/tickets/{ticket_id}/recall": _ticket_verb("Call the ticket again"),
        "/tickets/{ticket_id}/start": _ticket_verb("The visitor arrived at the booth: start serving"),
        "/tickets/{ticket_id}/finish": _ticket_verb("Finish the visit"),
        "/tickets/{ticket_id}/no-show": _ticket_verb("The visitor did not come"),
        "/tickets/{ticket_id}/park": _ticket_verb("Set the visit aside"),
        "/tickets/{ticket_id}/resume": _ticket_verb("Resume a parked visit"),
        "/tickets/{ticket_id}/transfer": {"post": {
            "summary": "Move the ticket to another service's queue, keeping its arrival time", "tags": ["booth"],
            "security": [{"session": []}], "parameters": TICKET_ID,
            "requestBody": _body({"type": "object", "required": ["service"],
                                  "properties": {"service": {"type": "string"}}}),
            "responses": _resp("ticket", TICKET)}},
    }
    paths.update(task_paths())
    generated, schemas = generated_paths()
    for path, ops in generated.items():
        paths.setdefault(path, {}).update(ops)
    return {
        "openapi": "3.1.0",
        "info": {"title": "PTSA queue and task API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "ptsa_session"},
                "kiosk": {"type": "http", "scheme": "bearer", "description": "token from `ptsa kiosk-token NAME`"},
                "client": {"type": "http", "scheme": "bearer", "description": "an API client's secret"},
            },
            "schemas": {
                **schemas,
                "Error": {"type": "object", "required": ["error", "message"], "properties": {
                    "error": {"type": "string"}, "message": {"type": "string"}}},
                "Staff": {"type": "object", "properties": {
                    "username": {"type": "string"}, "full_name": {"type": "string"},
                    "role": {"type": "string", "enum": ["p0", "p1", "p2", "supervisor", "admin"]},
                    "unit": {"type": ["string", "null"]}, "booth": {"type": ["object", "null"]}}},
                "Service": {"type": "object", "properties": {
                    "code": {"type": "string"}, "prefix": {"type": "string"},
                    "name": {"type": "object", "properties": {"id": {"type": "string"}, "en": {"type": "string"}}},
                    "unit": {"type": "object"}, "echelon1": {"type": ["object", "null"]},
                    "open": {"type": "boolean"}, "closed_reason": {"type": ["string", "null"]},
                    "waiting": {"type": "integer"}, "estimated_wait_s": {"type": "integer"},
                    "sop_days": {"type": ["integer", "null"]}}},
                "Ticket": {"type": "object", "properties": {
                    "id": {"type": "integer"}, "number": {"type": "string", "example": "P002"},
                    "service": {"type": "string"}, "priority": {"type": ["string", "null"]},
                    "status": {"type": "string", "enum": ["waiting", "called", "serving", "parked", "done",
                                                          "no_show", "cancelled"]},
                    "issued_at": {"type": "string", "format": "date-time"},
                    "arrived_at": {"type": "string", "format": "date-time"},
                    "booth": {"type": ["object", "null"]}}},
                "IssuedTicket": {"allOf": [TICKET, {"type": "object", "properties": {
                    "ahead": {"type": "integer"}, "estimated_wait_s": {"type": "integer"},
                    "booths": {"type": "array", "items": {"type": "string"}}}}]},
            },
        },
    }



TASK_ID = [{"name": "task_id", "in": "path", "required": True, "schema": {"type": "integer"}}]
SESSION = [{"session": []}]


def _text_body(*fields: str, required: tuple[str, ...] = ()) -> dict:
    return _body({"type": "object", "required": list(required),
                  "properties": {f: {"type": "string"} for f in fields}})


def _verb(summary: str, who: str, request: dict | None = None, description: str = "") -> dict:
    op = {"summary": f"{summary} ({who})", "tags": ["tasks"], "security": SESSION, "parameters": TASK_ID,
          "responses": _resp("the task after the change, with its thread", TASK)}
    if description:
        op["description"] = description
    if request:
        op["requestBody"] = request
    return {"post": op}


# Schemas are inline: the shared components belong to openapi.py.
HOP_SCHEMA = {"type": "object", "properties": {
    "seq": {"type": "integer"},
    "kind": {"type": "string", "enum": ["send", "forward", "return", "release", "reassign", "result"]},
    "from_position": {"type": "string"}, "to_position": {"type": "string"},
    "from_unit": {"type": ["object", "null"]}, "to_unit": {"type": ["object", "null"]},
    "sent_at": {"type": "string", "format": "date-time"},
    "target_s": {"type": ["integer", "null"], "description": "pickup target in working seconds"},
    "warn_at": {"type": ["string", "null"]}, "due_at": {"type": ["string", "null"]},
    "escalate_at": {"type": ["string", "null"]}, "picked_at": {"type": ["string", "null"]},
    "picked_by": {"type": ["object", "null"]},
    "working_s": {"type": ["integer", "null"], "description": "working seconds from sent to picked"}}}
ALERT_SCHEMA = {"type": "object", "properties": {
    "id": {"type": "integer"}, "level": {"type": "string", "enum": ["warning", "breach", "escalation"]},
    "task": {"type": "object"}, "task_id": {"type": "integer"}, "hop": {"type": "object"},
    "unit": {"type": "object", "description": "the unit whose supervisors were told"},
    "deadline": {"type": "string", "format": "date-time"}, "created_at": {"type": "string", "format": "date-time"},
    "acknowledged_at": {"type": ["string", "null"]}, "acknowledged_by": {"type": ["object", "null"]}}}
TASK_SCHEMA = {
    "type": "object",
    "description": "A visitor's request travelling P0 -> P1 -> P2 and back. `due_at` is the current hop's "
                   "pickup deadline (null once picked up); `now` is the server's clock, so a screen with a "
                   "wrong clock can still count down correctly.",
    "properties": {
        "id": {"type": "integer"}, "summary": {"type": "string"}, "contact": {"type": "string"},
        "notes": {"type": "string"},
        "status": {"type": "string", "enum": ["open", "waiting", "done", "returned", "cancelled"]},
        "position": {"type": "string", "enum": ["p0", "p1", "p2"]},
        "unit": {"type": ["object", "null"]}, "assignee": {"type": ["object", "null"]},
        "service": {"type": "object"}, "ticket": {"type": ["object", "null"]},
        "origin_booth": {"type": ["object", "null"]}, "created_by": {"type": "object"},
        "created_at": {"type": "string", "format": "date-time"},
        "due_at": {"type": ["string", "null"], "format": "date-time"},
        "hop": HOP_SCHEMA,
        "completion": {"type": "object", "description": "SOP working days, the completion deadline (moved on "
                       "by pauses), paused working seconds, completed_at, working seconds used"},
        "result": {"type": "string"},
        "hops": {"type": "array", "items": HOP_SCHEMA},
        "messages": {"type": "array", "items": {"type": "object"}},
        "alerts": {"type": "array", "items": ALERT_SCHEMA},
        "now": {"type": "string", "format": "date-time"},
    },
}
TASK = TASK_SCHEMA


def task_paths() -> dict:
    paths = {
        "/tasks": {
            "get": {"summary": "Tasks: a P0 sees its booth's, a P1/P2 its unit's inbox, a supervisor the open "
                               "tasks of the units it oversees", "tags": ["tasks"], "security": SESSION,
                    "responses": _resp("tasks and the server's now", {"type": "object", "properties": {
                        "now": {"type": "string"}, "tasks": {"type": "array", "items": TASK}}})},
            "post": {"summary": "Turn the visitor's request into a task (P0)", "tags": ["tasks"],
                     "security": SESSION,
                     "description": "Goes to the echelon-1 unit that owns the ticket's service unless `unit` "
                                    "names another echelon-1 unit. The ticket must have been served at your booth.",
                     "requestBody": _body({"type": "object", "required": ["ticket_id", "summary"], "properties": {
                         "ticket_id": {"type": "integer"}, "summary": {"type": "string", "maxLength": 500},
                         "contact": {"type": "string", "maxLength": 120}, "notes": {"type": "string"},
                         "unit": {"type": "string", "example": "PHIJSK"}}}),
                     "responses": _resp("the task created", TASK, "201")}},
        "/tasks/{task_id}": {"get": {"summary": "One task with its hops, thread and alerts", "tags": ["tasks"],
                                     "security": SESSION, "parameters": TASK_ID, "responses": _resp("task", TASK)}},
        "/tasks/{task_id}/claim": _verb("Take the task", "P1/P2 of the unit that has it"),
        "/tasks/{task_id}/unclaim": _verb("Put the task back in the unit's inbox; its pickup clock restarts",
                                          "its holder"),
        "/tasks/{task_id}/reassign": _verb("Hand the task to a colleague of the same unit",
                                           "its holder, or the unit's supervisor",
                                           _text_body("username", "note", required=("username",))),
        "/tasks/{task_id}/forward": _verb("Send the task on to one of our echelon-2 units", "P1 holder",
                                          _text_body("unit", "note", required=("unit",))),
        "/tasks/{task_id}/request-document": _verb(
            "Ask the applicant for a missing document; the completion clock pauses", "holder",
            _text_body("reason", required=("reason",))),
        "/tasks/{task_id}/resume": _verb("The document arrived; the completion clock runs again",
                                         "holder, or the P0 of the booth", _text_body("note")),
        "/tasks/{task_id}/complete": _verb("Answer the task; the result goes back to the booth", "P1/P2 holder",
                                           _text_body("result", required=("result",))),
        "/tasks/{task_id}/return": _verb("Return to the sender with a reason (P2 -> P1, P1 -> P0)",
                                         "the unit that has it", _text_body("reason", required=("reason",))),
        "/tasks/{task_id}/comment": _verb("Add to the task's thread", "anyone taking part",
                                          _text_body("body", required=("body",))),
        "/tasks/{task_id}/cancel": _verb("The visitor withdrew the request", "P0 of the booth",
                                         _text_body("reason", required=("reason",))),
        "/tasks/{task_id}/resend": _verb("Send a returned task again", "P0 of the booth", _text_body("unit", "note")),
        "/tasks/{task_id}/ack": _verb("The answer (or return) was read and passed on to the visitor",
                                      "P0 of the booth"),
        "/alerts": {"get": {
            "summary": "SLA alerts of the units you oversee (supervisor, admin: all); ?status=open for "
                       "unacknowledged ones", "tags": ["alerts"], "security": SESSION,
            "parameters": [{"name": "status", "in": "query", "schema": {"type": "string", "enum": ["open"]}}],
            "responses": _resp("alerts", {"type": "object", "properties": {
                "now": {"type": "string"}, "alerts": {"type": "array", "items": ALERT_SCHEMA}}})}},
        "/alerts/{alert_id}/ack": {"post": {
            "summary": "Acknowledge an alert (supervisor of its unit, admin)", "tags": ["alerts"], "security": SESSION,
            "parameters": [{"name": "alert_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "responses": _resp("the alert", ALERT_SCHEMA)}},
        "/supervisor": {"get": {
            "summary": "The supervisor screen in one answer: units, open tasks, alerts, staff, outbox",
            "tags": ["alerts"], "security": SESSION, "responses": _resp("overview", {"type": "object"})}},
        "/outbox": {"get": {
            "summary": "E-mail/SMS delivery status (admin: all; supervisor: its units' alerts)", "tags": ["alerts"],
            "security": SESSION,
            "parameters": [{"name": "status", "in": "query", "schema": {
                "type": "string", "enum": ["pending", "sending", "sent", "failed"]}}],
            "responses": _resp("counts per status and the latest messages", {"type": "object"})}},
        "/outbox/retry": {"post": {
            "summary": "Queue failed messages again (admin)", "tags": ["alerts"], "security": SESSION,
            "requestBody": {"required": False, "content": {"application/json": {"schema": {
                "type": "object", "properties": {"ids": {"type": "array", "items": {"type": "integer"}}}}}}},
            "responses": _resp("how many were queued", {"type": "object"})}},
        "/units": {"get": {"summary": "Units with their echelon, parent and time zone", "tags": ["calendar"],
                           "security": SESSION, "responses": _resp("units", {"type": "array"})}},
        "/units/{code}/staff": {"get": {
            "summary": "A unit's P1/P2 receivers", "tags": ["tasks"], "security": SESSION,
            "parameters": [{"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": _resp("staff", {"type": "array"})}},
        "/units/{code}/calendar": {"put": {
            "summary": "Whether the unit works on cuti bersama (admin); open deadlines are recomputed",
            "tags": ["calendar"], "security": SESSION,
            "parameters": [{"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}],
            "requestBody": _body({"type": "object", "required": ["open_on_cuti_bersama"],
                                  "properties": {"open_on_cuti_bersama": {"type": "boolean"}}}),
            "responses": _resp("the unit", {"type": "object"})}},
        "/calendar": {"get": {
            "summary": "A unit's working intervals day by day", "tags": ["calendar"], "security": SESSION,
            "parameters": [{"name": "unit", "in": "query", "schema": {"type": "string"}},
                           {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"}},
                           {"name": "days", "in": "query", "schema": {"type": "integer", "maximum": 366}}],
            "responses": _resp("days", {"type": "object"})}},
        "/calendar/overrides": {
            "get": {"summary": "The office's calendar overrides", "tags": ["calendar"], "security": SESSION,
                    "responses": _resp("overrides", {"type": "array"})},
            "post": {"summary": "Close dates, open dates, or set a Ramadan-hours period (admin); open deadlines "
                                "are recomputed in the same transaction", "tags": ["calendar"], "security": SESSION,
                     "requestBody": _body({"type": "object", "required": ["kind", "first"], "properties": {
                         "kind": {"type": "string", "enum": ["closed", "open", "ramadan"]},
                         "first": {"type": "string", "format": "date"}, "last": {"type": "string", "format": "date"},
                         "unit": {"type": "string"}, "note": {"type": "string"}}}),
                     "responses": _resp("the override", {"type": "object"}, "201")}},
        "/calendar/overrides/{override_id}": {"delete": {
            "summary": "Remove an override (admin); open deadlines are recomputed", "tags": ["calendar"],
            "security": SESSION,
            "parameters": [{"name": "override_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "responses": {"204": {"description": "removed"}, **_resp("removed")}}},
    }
    return paths



def _openapi_path(rule: str) -> str:
    import re
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.removeprefix("/api/v1"))


def generated_paths() -> tuple[dict, dict]:
    """Paths and component schemas for every /api/v1 route that carries `schemas.doc` metadata."""
    from flask import current_app
    from pydantic import BaseModel
    from pydantic.json_schema import models_json_schema
    components: dict = {}
    paths: dict = {}
    found = []
    for rule in current_app.url_map.iter_rules():
        meta = getattr(current_app.view_functions.get(rule.endpoint), "__openapi__", None)
        if meta and rule.rule.startswith("/api/v1/"):
            found.append((rule, meta))
    models = {m for _, meta in found for m in (meta["body"], meta["response"], meta["query"])
              if isinstance(m, type) and issubclass(m, BaseModel)}
    refs: dict = {}
    if models:
        keyed = [(m, "validation" if any(meta["body"] is m for _, meta in found) else "serialization")
                 for m in sorted(models, key=lambda m: m.__name__)]
        mapping, defs = models_json_schema(keyed, ref_template="#/components/schemas/{model}")
        components.update(defs.get("$defs", {}))
        refs = {m: schema for (m, _), schema in mapping.items()}

    def schema_of(model):
        if model is None:
            return None
        return model if isinstance(model, dict) else refs[model]

    for rule, meta in found:
        path = _openapi_path(rule.rule)
        params = [{"name": arg, "in": "path", "required": True,
                   "schema": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}
                   if rule._converters.get(arg).__class__.__name__ == "IntegerConverter" else {"type": "string"}}
                  for arg in rule.arguments]
        if meta["query"] is not None:
            for name, field in meta["query"].model_fields.items():
                name = field.alias or name   # `from` is a Python keyword: such a field has an alias
                params.append({"name": name, "in": "query", "required": field.is_required(),
                               "schema": meta["query"].model_json_schema()["properties"][name]})
        auth = meta["auth"]
        auth = [auth] if isinstance(auth, str) else (auth or [])
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            op = {"summary": meta["summary"], "tags": meta["tags"],
                  "responses": _resp(meta["description"] or meta["summary"], schema_of(meta["response"]),
                                     str(meta["status"]))}
            op["responses"].update(meta["extra_responses"])
            if meta["description"]:
                op["description"] = meta["description"]
            if auth:
                op["security"] = [{name: []} for name in auth]
            if params:
                op["parameters"] = params
            if meta["body"] is not None and method in ("POST", "PUT", "PATCH"):
                op["requestBody"] = _body(schema_of(meta["body"]))
            paths.setdefault(path, {})[method.lower()] = op
    return paths, components
