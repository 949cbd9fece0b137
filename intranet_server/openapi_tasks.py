"""OpenAPI paths of the task chain, its alerts, the outbox and the calendar."""
from __future__ import annotations

from intranet_server.openapi import _body, _resp

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

