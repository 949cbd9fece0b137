"""Signing in through the Flask test client, as the pages do."""
from __future__ import annotations

PASSWORD = "demo12345"


def login(client, username: str, password: str = PASSWORD, **kwargs):
    return client.post("/api/v1/auth/login", json={"username": username, "password": password}, **kwargs)


def signed_in(app, username: str):
    client = app.test_client()
    r = login(client, username)
    assert r.status_code == 200, r.get_json()
    return client


def session_cookie(client) -> str:
    return client.get_cookie("ptsa_session").value


def audit_actions(prefix: str = "auth.") -> list[tuple[str, str]]:
    from db.models import AuditEvent
    return [(a.actor, a.action) for a in AuditEvent.select().where(AuditEvent.action.startswith(prefix))
            .order_by(AuditEvent.id)]
