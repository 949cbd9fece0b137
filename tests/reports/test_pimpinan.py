"""The office head (`pimpinan`) reads every report and changes nothing: every state-changing endpoint
refuses the role, and nothing is written."""
from __future__ import annotations

import pytest

from db.models import AuditEvent, Staff
from intranet_server.actions.staff import save_staff
from tests.tasks.helpers import db_state


def test_pimpinan_is_a_role_with_a_demo_account(database):
    head = Staff.get(Staff.username == "pimpinan")
    assert head.role == "pimpinan" and head.unit_id is None
    made = save_staff("test", "bu-kepala", create=True, full_name="Bu Kepala", role="pimpinan", password="rahasia123")
    assert made.role == "pimpinan"


def test_pimpinan_sees_every_unit(client):
    client.post("/api/v1/auth/login", json={"username": "pimpinan", "password": "demo12345"})
    r = client.get("/api/v1/reports/tasks")
    assert r.status_code == 200
    assert len(r.get_json()["units"]) == 40
    assert client.get("/api/v1/auth/me").get_json()["role"] == "pimpinan"
    assert client.get("/reports").status_code == 200


def test_every_state_changing_endpoint_refuses_pimpinan(app, client):
    client.post("/api/v1/auth/login", json={"username": "pimpinan", "password": "demo12345"})
    before, audits = db_state(), AuditEvent.select().count()
    tried = 0
    for rule in app.url_map.iter_rules():
        methods = rule.methods & {"POST", "PUT", "PATCH", "DELETE"}
        if not methods or not rule.rule.startswith("/api/v1/") or rule.rule.startswith("/api/v1/auth/"):
            continue
        path = rule.rule
        for arg in rule.arguments:
            path = path.replace(f"<int:{arg}>", "1").replace(f"<{arg}>", "PHIJSK")
        for method in methods:
            r = client.open(path, method=method, json={})
            tried += 1
            assert r.status_code in (401, 403), (method, path, r.status_code, r.get_json())
    assert tried > 20
    assert db_state() == before and AuditEvent.select().count() == audits


@pytest.mark.parametrize("role", ["pimpinan"])
def test_staff_cli_accepts_the_role(role, tmp_path):
    from intranet_server.cli import build_parser
    args = build_parser().parse_args(["staff", "add", "kepala", "--name", "Kepala", "--role", role])
    assert args.role == role
