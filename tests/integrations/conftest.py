"""Fixtures of the integration tests: an admin session, a registered client, a receiver."""
from __future__ import annotations

import pytest

from intranet_server import sla
from tests.integrations.receiver import Receiver


@pytest.fixture
def integ(settings, database, frozen_clock):
    sla.configure(settings)
    yield database
    sla.configure(settings)


@pytest.fixture
def admin(client, integ):
    assert client.post("/api/v1/auth/login", json={"username": "admin", "password": "demo12345"}).status_code == 200
    return client


def register(admin_client, name="persyaratan-app", unit="PHIJSK-PK", scopes=("tasks:read", "tasks:work")):
    answer = admin_client.post("/api/v1/admin/clients", json={"name": name, "unit": unit, "scopes": list(scopes)})
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def receiver():
    r = Receiver().start()
    yield r
    r.stop()
