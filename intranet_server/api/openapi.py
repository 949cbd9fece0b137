"""The OpenAPI 3.1 description of /api/v1, generated from the routes' `schemas.doc(...)` descriptions
and their pydantic models (a test checks it lists every route): what the server checks, answers and
documents is one model."""
from __future__ import annotations

import re

from intranet_server.schemas.common import DB_INT_MAX, Error

ERROR = {"$ref": "#/components/schemas/Error"}
ERRORS = {
    "4XX": {"description": "bad input, not signed in, not allowed, not found, or the wrong state; `message` is in "
                           "the requester's language",
            "content": {"application/json": {"schema": ERROR}}},
    "5XX": {"description": "the server failed (never on purpose)", "content": {"application/json": {"schema": ERROR}}},
}


def openapi_document() -> dict:
    from intranet_server.schemas.events import EVENTS
    paths, schemas = generated_paths()
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
            "schemas": schemas,
        },
        # Socket.IO is not HTTP: its events are listed here by name, each with its payload model
        "x-socketio-events": {name: {"$ref": f"#/components/schemas/{model.__name__}"}
                              for name, model in sorted(EVENTS.items())},
    }


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?([a-z_]+)>", r"{\1}", rule.removeprefix("/api/v1"))


def _responses(meta: dict, schema) -> dict:
    ok = {"description": meta["description"] or meta["summary"]}
    media = meta.get("media_type", "application/json")
    if media != "application/json":      # a file: CSV, XLSX, PDF, TOML (one of several by `fmt`)
        ok["content"] = {m: {"schema": {"type": "string", "format": "binary"}}
                         for m in ((media,) if isinstance(media, str) else media)}
    elif schema is not None:
        ok["content"] = {"application/json": {"schema": schema}}
    return {str(meta["status"]): ok, **meta["extra_responses"], **ERRORS}


def _documented_routes():
    from flask import current_app
    for rule in sorted(current_app.url_map.iter_rules(), key=lambda r: r.rule):
        meta = getattr(current_app.view_functions.get(rule.endpoint), "__openapi__", None)
        if meta and rule.rule.startswith("/api/v1/"):
            yield rule, meta


def generated_paths() -> tuple[dict, dict]:
    """Paths and component schemas for every /api/v1 route that carries `schemas.doc` metadata."""
    from pydantic import BaseModel
    from pydantic.json_schema import models_json_schema
    found = list(_documented_routes())
    bodies = {m for _, meta in found for m in (meta["body"], meta["query"]) if isinstance(m, type)}
    from intranet_server.schemas.events import EVENTS
    answers = {m for _, meta in found for m in (meta["response"],) if isinstance(m, type)} | {Error}
    answers |= set(EVENTS.values())
    keyed = sorted([(m, "validation") for m in bodies] + [(m, "serialization") for m in answers],
                   key=lambda pair: (pair[0].__name__, pair[1]))
    keyed = [(m, mode) for m, mode in keyed if issubclass(m, BaseModel)]
    mapping, defs = models_json_schema(keyed, ref_template="#/components/schemas/{model}")
    components = dict(defs.get("$defs", {}))
    refs = {key: schema for key, schema in mapping.items()}

    def schema_of(model, mode):
        if model is None:
            return None
        return model if isinstance(model, dict) else refs[(model, mode)]

    paths: dict = {}
    for rule, meta in found:
        params = [{"name": arg, "in": "path", "required": True,
                   "schema": {"type": "integer", "minimum": 1, "maximum": DB_INT_MAX}
                   if type(rule._converters.get(arg)).__name__.endswith("IntegerConverter")
                   else {"type": "string", "minLength": 1, "maxLength": 64}}
                  for arg in sorted(rule.arguments)]
        if meta["query"] is not None:
            query_schema = meta["query"].model_json_schema()
            for name, field in meta["query"].model_fields.items():
                key = field.alias or name
                params.append({"name": key, "in": "query", "required": field.is_required(),
                               "schema": query_schema["properties"][key]})
        auth = meta["auth"]
        auth = [auth] if isinstance(auth, str) else (auth or [])
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            op = {"summary": meta["summary"], "tags": meta["tags"],
                  "operationId": f"{method.lower()}_{rule.endpoint.removeprefix('api.')}",
                  "responses": _responses(meta, schema_of(meta["response"], "serialization"))}
            if meta["description"]:
                op["description"] = meta["description"]
            if auth:
                op["security"] = [{name: []} for name in auth]
            if params:
                op["parameters"] = params
            if meta["body"] is not None and method in ("POST", "PUT", "PATCH"):
                op["requestBody"] = {"required": meta["body_required"],
                                     "content": {"application/json": {"schema": schema_of(meta["body"],
                                                                                          "validation")}}}
            paths.setdefault(_openapi_path(rule.rule), {})[method.lower()] = op
    return paths, components
