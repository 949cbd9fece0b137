"""The JSON API under /api/v1, one module per domain. Handlers only parse, authenticate, call an
action and shape the answer; rules live in `rules`, writes in `actions`, reads in `reads`."""
from __future__ import annotations

import os

from flask import Blueprint, jsonify, request
from werkzeug.routing import IntegerConverter

api = Blueprint("api", __name__, url_prefix="/api/v1")


@api.get("/openapi.json")
def openapi():
    """The generated OpenAPI document (not itself described in it)."""
    from intranet_server.api.openapi import openapi_document
    return jsonify(openapi_document())


def register(app) -> None:
    """Attach every domain's routes (importing a module adds its routes to `api`) and the blueprint."""
    from intranet_server.api import (  # noqa: F401
        admin, alerts, auth, bookings, calendar, integrations, presence, queue, reports, surveys, tasks,
    )
    # Ids are signed 64-bit in the database: a larger path number is a 404, never an OverflowError.
    app.url_map.converters["int"] = BoundedInt
    app.register_blueprint(api)
    install_response_checks(app)


class BoundedInt(IntegerConverter):
    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(map, *args, **kwargs)


def install_response_checks(app) -> None:
    """Under PTSA_VALIDATE_EVENTS=1 (the test suite) every JSON answer of a described /api/v1 route is
    checked against its response model (an error against `Error`), so drift fails the test that saw it."""
    if os.environ.get("PTSA_VALIDATE_EVENTS") != "1":
        return
    from intranet_server.schemas.contract import check_response

    @app.after_request
    def _check(response):
        if request.path.startswith("/api/v1/"):
            view = app.view_functions.get(request.endpoint) if request.endpoint else None
            check_response(getattr(view, "__openapi__", None), response)
        return response
