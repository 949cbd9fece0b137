"""The generated OpenAPI document: every route described from its models, errors with the Error model;
input bounded to what the database can hold; answers checked against their models while tests run."""
from __future__ import annotations

import pytest
from flask import Response

from intranet_server.schemas.contract import ResponseSchemaError, check_response
from intranet_server.schemas.queue import TicketOut

BIG = 2**63


@pytest.fixture
def document(client):
    return client.get("/api/v1/openapi.json").get_json()


def operations(document):
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            yield path, method, op


def test_every_operation_is_generated_from_models(document):
    schemas = document["components"]["schemas"]
    assert set(schemas["Error"]["properties"]) == {"error", "message", "detail"}
    for path, method, op in operations(document):
        ok = [code for code in op["responses"] if code.startswith("2")]
        assert ok, (path, method)
        for code in ok:
            content = op["responses"][code].get("content")
            if code != "204" and "application/json" in (content or {}):
                assert "$ref" in content["application/json"]["schema"], (path, method, code)
            elif code != "204":    # a file answer (CSV, XLSX, PDF, TOML)
                assert content and all(v["schema"] == {"type": "string", "format": "binary"}
                                       for v in content.values()), (path, method, code)
        assert op["responses"]["4XX"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Error"}
        body = op.get("requestBody")
        if body:
            name = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
            assert schemas[name].get("additionalProperties") is False, f"{name} accepts unknown fields"


def test_the_ticket_schema_lists_what_the_api_returns(client, document, kiosk_token):
    ticket = document["components"]["schemas"]["TicketOut"]
    answer = client.post("/api/v1/tickets", json={"service": "PP"},
                         headers={"Authorization": f"Bearer {kiosk_token}"}).get_json()
    assert set(answer) - {"ahead", "estimated_wait_s", "office", "booths"} <= set(ticket["properties"])
    assert "verbs" in ticket["properties"] and len(ticket["properties"]) >= 21


def test_path_integers_beyond_the_database_are_404_not_500(client):
    client.post("/api/v1/auth/login", json={"username": "p0-03", "password": "demo12345"})
    for path in (f"/api/v1/tickets/{BIG}", f"/api/v1/tickets/{BIG * 10}/finish", f"/api/v1/tasks/{BIG}"):
        r = client.get(path) if "finish" not in path else client.post(path)
        assert r.status_code == 404, (path, r.status_code)
    assert client.get(f"/api/v1/tickets/{BIG - 1}").status_code == 404


def test_body_numbers_and_dates_are_bounded(client, database):
    client.post("/api/v1/auth/login", json={"username": "p0-03", "password": "demo12345"})
    r = client.post("/api/v1/tasks", json={"ticket_id": BIG, "summary": "x"})
    assert r.status_code == 422 and "ticket_id" in r.get_json()["detail"]
    assert client.post("/api/v1/tasks", json={"ticket_id": True, "summary": "x"}).status_code == 422
    client.post("/api/v1/auth/login", json={"username": "admin", "password": "demo12345"})
    for first in ("9999-12-31", "0001-01-01"):
        r = client.post("/api/v1/calendar/overrides", json={"kind": "closed", "first": first})
        assert r.status_code == 422 and "first" in r.get_json()["detail"]
    assert client.get("/api/v1/calendar?from=9999-01-01").status_code == 422
    r = client.post("/api/v1/outbox/retry", json={"ids": [BIG]})
    assert r.status_code == 422
    assert client.post("/api/v1/outbox/retry", json={"ids": [1, "2"]}).status_code == 422


def test_a_drifted_answer_fails_the_check():
    meta = {"response": TicketOut}
    with pytest.raises(ResponseSchemaError, match="TicketOut"):
        check_response(meta, Response('{"id": 1}', mimetype="application/json"))
    with pytest.raises(ResponseSchemaError, match="Error"):
        check_response(meta, Response('{"oops": 1}', status=404, mimetype="application/json"))
    check_response(meta, Response('{"error": "not_found", "message": "x"}', status=404,
                                  mimetype="application/json"))


def test_every_event_payload_is_in_the_document(document):
    from intranet_server.schemas.events import EVENTS
    assert set(document["x-socketio-events"]) == set(EVENTS)
    for ref in document["x-socketio-events"].values():
        name = ref["$ref"].rsplit("/", 1)[-1]
        assert {"room", "seq"} <= set(document["components"]["schemas"][name]["properties"])


def test_the_document_is_valid_openapi_3_1(document):
    from openapi_spec_validator import validate
    validate(document)


def test_nul_and_control_characters_are_refused_before_the_database(client, kiosk_token):
    auth = {"Authorization": f"Bearer {kiosk_token}"}
    assert client.post("/api/v1/tickets", json={"service": "P\x00P"}, headers=auth).status_code == 422
    assert client.post("/api/v1/auth/login", json={"username": "p0-03\x00", "password": "x"}).status_code == 422
    client.post("/api/v1/auth/login", json={"username": "p0-03", "password": "demo12345"})
    assert client.post("/api/v1/tasks", json={"ticket_id": 1, "summary": "a\x00b"}).status_code == 422


def test_verbs_without_input_take_an_empty_body(client, document):
    assert document["paths"]["/tasks/{task_id}/claim"]["post"]["requestBody"]["required"] is False
    assert document["paths"]["/outbox/retry"]["post"]["requestBody"]["required"] is False
    assert document["paths"]["/tasks/{task_id}/complete"]["post"]["requestBody"]["required"] is True
