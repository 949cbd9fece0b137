"""One contract: typed models for request bodies, responses and Socket.IO event payloads.

A domain's models live in `schemas/<domain>.py` (the same word as `api/<domain>.py`,
`actions/<domain>.py`, `reads/<domain>.py`). Handlers parse bodies with `parse()` and describe
themselves with `@doc(...)`; the OpenAPI document (`api/openapi.py`) is generated from those
descriptions, so what the server checks, answers and documents is the same model.
Shape checks (types, lengths, ranges) belong in the models; permission and state checks stay
in the actions.
"""
from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from intranet_server.actions import Invalid

T = TypeVar("T", bound=BaseModel)


class Body(BaseModel):
    """A request body: unknown fields are refused, so a typo is an error and not silently ignored."""
    model_config = ConfigDict(extra="forbid")


class Out(BaseModel):
    """A response or event payload."""
    model_config = ConfigDict(extra="forbid")


def _where(loc: tuple) -> str:
    return ".".join(str(part) for part in loc) or "body"


def parse(model: type[T], data: Any) -> T:
    """Validate `data` against `model`; the first problem becomes a 422 `invalid` naming the field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        raise Invalid(f"'{_where(first['loc'])}': {first['msg']}", code="invalid") from None


def doc(*, summary: str, tags: list[str], body: type[BaseModel] | None = None,
        response: type[BaseModel] | dict | None = None, status: int = 200,
        auth: str | list[str] | None = "session", description: str | None = None,
        query: type[BaseModel] | None = None, extra_responses: dict | None = None, body_required: bool = True,
        media_type: str | tuple[str, ...] = "application/json"):
    """Describe a route for the generated OpenAPI document. `auth` is "session", "kiosk", "client",
    a list of those, or None for a public route; `response` a model (or a raw JSON schema); `query`
    a model of the query parameters; `body_required=False` when an empty body is accepted too;
    `media_type` for a file answer (text/csv, an XLSX or PDF), documented as a string of bytes.
    Under PTSA_VALIDATE_EVENTS=1 the route's JSON answers are checked against `response`."""
    def decorate(view):
        view.__openapi__ = {"summary": summary, "tags": tags, "body": body, "response": response,
                            "status": status, "auth": auth, "description": description, "query": query,
                            "extra_responses": extra_responses or {}, "body_required": body_required,
                            "media_type": media_type}
        return view
    return decorate
