"""Who gets /admin, and the forced change of a one-time password on every screen."""
from __future__ import annotations

from db.models import Staff


def login(client, username, password="demo12345"):
    assert client.post("/api/v1/auth/login", json={"username": username, "password": password}).status_code == 200


def test_admin_lands_on_admin_and_a_supervisor_may_view_it(client):
    assert client.get("/admin").status_code == 302            # not signed in: to the login
    login(client, "admin")
    assert client.get("/").headers["Location"].endswith("/admin")
    page = client.get("/admin")
    assert page.status_code == 200 and b'data-role="admin"' in page.data
    assert b"<script>" not in page.data.split(b"</head>")[1]   # no inline script in the page body (CSP)
    client.post("/api/v1/auth/logout")
    login(client, "sup-phijsk-pk")
    page = client.get("/admin")
    assert page.status_code == 200 and b'data-role="supervisor"' in page.data


def test_other_roles_are_sent_to_their_own_screen(client):
    login(client, "p0-03")
    r = client.get("/admin")
    assert r.status_code == 302 and r.headers["Location"].endswith("/booth")


def test_a_one_time_password_forces_the_change_screen_first(client):
    login(client, "admin")
    otp = client.post("/api/v1/admin/staff/p1-01/password").get_json()["one_time_password"]
    client.post("/api/v1/auth/logout")
    login(client, "p1-01", otp)
    for path in ("/", "/inbox"):
        r = client.get(path)
        assert r.status_code == 302 and "/password" in r.headers["Location"], path
    assert b'id="must-change"' in client.get("/password").data
    assert client.post("/api/v1/auth/password", json={"current": otp, "new": "p1-01"}).status_code == 422
    assert client.post("/api/v1/auth/password", json={"current": otp, "new": "aaaaaaaaaaaa"}).status_code == 422
    assert client.post("/api/v1/auth/password", json={"current": otp, "new": "kantor-pusat-99"}).status_code == 200
    assert client.get("/inbox").status_code == 200
    assert Staff.get(Staff.username == "p1-01").must_change_password is False
