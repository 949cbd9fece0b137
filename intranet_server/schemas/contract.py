"""Checking answers against the contract while the tests run (PTSA_VALIDATE_EVENTS=1)."""
from __future__ import annotations

import json
import logging

from pydantic import BaseModel, ValidationError

from intranet_server.schemas.common import Error

log = logging.getLogger(__name__)


class ResponseSchemaError(AssertionError):
    """An answer breaks its route's response model."""


def check_response(meta: dict | None, response) -> None:
    """Validate a JSON answer: an error against `Error`, a success against the route's model."""
    if response.direct_passthrough or response.mimetype != "application/json":
        return
    status = response.status_code
    model = Error if status >= 400 else (meta or {}).get("response")
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        return
    try:
        model.model_validate(json.loads(response.get_data()))
    except (ValidationError, ValueError) as exc:
        log.error("answer %s breaks %s: %s", status, model.__name__, exc)
        raise ResponseSchemaError(f"answer {status} breaks {model.__name__}: {exc}") from None
