"""The JSON API under /api/v1, one module per domain. Handlers only parse, authenticate, call an
action and shape the answer; rules live in `rules`, writes in `actions`, reads in `reads`."""
from __future__ import annotations

from flask import Blueprint, jsonify

api = Blueprint("api", __name__, url_prefix="/api/v1")


@api.get("/openapi.json")
def openapi():
    from intranet_server.api.openapi import openapi_document
    return jsonify(openapi_document())


def register(app) -> None:
    """Attach every domain's routes (importing a module adds its routes to `api`) and the blueprint."""
    from intranet_server.api import alerts, auth, calendar, queue, tasks  # noqa: F401
    from intranet_server.api import surveys  # noqa: F401
    app.register_blueprint(api)
