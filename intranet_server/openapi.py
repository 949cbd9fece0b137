"""The OpenAPI 3.1 description of /api/v1 (a test checks it lists every route)."""
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
    from intranet_server.openapi_tasks import task_paths
    paths.update(task_paths())
    return {
        "openapi": "3.1.0",
        "info": {"title": "PTSA queue and task API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "ptsa_session"},
                "kiosk": {"type": "http", "scheme": "bearer", "description": "token from `ptsa kiosk-token NAME`"},
            },
            "schemas": {
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
