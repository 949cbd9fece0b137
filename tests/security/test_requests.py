"""The request guards every route shares: CSRF (token and Origin), JSON shape limits, 64-bit integers,
valid Unicode, bounded dates, 405 with Allow, the open redirect, security headers and the Secure cookie."""
from __future__ import annotations

import json

import pytest

from db.models import AuditEvent, Ticket
from tests.security.helpers import login, signed_in


def _waiting_ticket(client, kiosk_token):
    r = client.post("/api/v1/tickets", json={"service": "PP"}, headers={"Authorization": f"Bearer {kiosk_token}"})
    assert r.status_code == 201
    return r.get_json()["id"]


# ---- CSRF ---------------------------------------------------------------------------------

def test_a_signed_in_request_without_the_token_is_refused_and_changes_nothing(app, kiosk_token):
    officer = signed_in(app, "p0-03")
    ticket_id = _waiting_ticket(officer, kiosk_token)
    token = officer.get_cookie("ptsa_csrf").value
    for headers in ({"X-CSRF-Token": ""}, {"X-CSRF-Token": "forged"}):
        r = officer.post("/api/v1/queue/call-next", headers=headers)
        assert r.status_code == 403 and r.get_json()["error"] == "csrf", r.get_json()
    assert Ticket.get_by_id(ticket_id).status == "waiting"
    # a text/plain "form" from another site, even with the right token guessed, fails the Origin check
    r = officer.post("/api/v1/queue/call-next", data="x=1", content_type="text/plain",
                     headers={"Origin": "http://127.0.0.1:9999", "X-CSRF-Token": token})
    assert r.status_code == 403 and r.get_json()["error"] == "csrf"
    r = officer.post("/api/v1/queue/call-next", headers={"Referer": "http://evil.example/page", "X-CSRF-Token": token})
    assert r.status_code == 403 and r.get_json()["error"] == "csrf"
    assert Ticket.get_by_id(ticket_id).status == "waiting"
    # the page itself (same origin, with the token) works
    r = officer.post("/api/v1/queue/call-next", headers={"Origin": "http://localhost", "X-CSRF-Token": token})
    assert r.status_code == 200 and r.get_json()["id"] == ticket_id


def test_logout_and_login_are_protected_too(app):
    officer = signed_in(app, "p0-03")
    assert officer.post("/api/v1/auth/logout", headers={"X-CSRF-Token": "nope"}).status_code == 403
    assert officer.get("/api/v1/auth/me").status_code == 200      # still signed in
    stranger = app.test_client()
    r = login(stranger, "p0-04", headers={"Origin": "http://evil.example"})
    assert r.status_code == 403 and r.get_json()["error"] == "csrf"


def test_bearer_token_callers_are_exempt(client, kiosk_token):
    r = client.post("/api/v1/tickets", json={"service": "PP"},
                    headers={"Authorization": f"Bearer {kiosk_token}", "Origin": "http://kiosk.lobby"})
    assert r.status_code == 201


def test_trusted_origins_from_the_settings(settings, database):
    from intranet_server.app import create_app
    from tests.support.csrf import CsrfClient
    settings["security"]["trusted_origins"] = ["https://ptsa.kemnaker.example"]
    app = create_app(settings)
    app.test_client_class = CsrfClient
    r = login(app.test_client(), "p0-03", headers={"Origin": "https://ptsa.kemnaker.example"})
    assert r.status_code == 200


# ---- input hardening ----------------------------------------------------------------------

@pytest.fixture
def officer(app):
    return signed_in(app, "p0-03")


def _raw(client, url, text, method="POST"):
    return client.open(url, method=method, data=text.encode("utf-8", "surrogatepass"),
                       content_type="application/json")


@pytest.mark.parametrize("url", ["/api/v1/tickets/1/transfer", "/api/v1/tasks", "/api/v1/auth/login",
                                 "/api/v1/calendar/overrides", "/api/v1/outbox/retry"])
def test_deep_json_is_a_4xx(officer, url):
    r = _raw(officer, url, "[" * 60000)
    assert 400 <= r.status_code < 500 and r.get_json()["error"] == "bad_json"
    r = _raw(officer, url, '{"a":' * 40 + "1" + "}" * 40)
    assert 400 <= r.status_code < 500


@pytest.mark.parametrize("body", [
    '{"service": "PP", "x": 9223372036854775808}', '{"ticket_id": 99999999999999999999999, "summary": "x"}',
    '{"username": "\\ud800", "password": "x"}', '{"service": "\\udfff"}', '{"ids": [NaN]}',
    '{"\\ud800": 1}', '{"ids": [-9223372036854775809]}'])
@pytest.mark.parametrize("url", ["/api/v1/tickets/1/transfer", "/api/v1/tasks", "/api/v1/auth/login",
                                 "/api/v1/outbox/retry"])
def test_out_of_range_numbers_and_lone_surrogates_are_4xx(officer, url, body):
    r = _raw(officer, url, body)
    assert 400 <= r.status_code < 500, (url, body, r.status_code)
    assert r.get_json()["message"]


def test_huge_integers_in_paths_are_4xx(officer):
    for url in ("/api/v1/tickets/9223372036854775808", "/api/v1/tickets/99999999999999999999999999/call",
                "/api/v1/tasks/9223372036854775808", "/api/v1/calendar/overrides/9223372036854775808"):
        method = "DELETE" if "overrides" in url else ("POST" if url.endswith("call") else "GET")
        r = officer.open(url, method=method)
        assert 400 <= r.status_code < 500, (url, r.status_code)


def test_dates_are_bounded(app):
    admin = signed_in(app, "admin")
    r = admin.get("/api/v1/calendar?from=9999-12-31&days=2")
    assert r.status_code == 422 and r.get_json()["message"]
    assert admin.get("/api/v1/calendar?from=0001-01-01&days=2").status_code == 422
    for first in ("0001-01-01", "9999-12-31"):
        r = admin.post("/api/v1/calendar/overrides", json={"kind": "closed", "first": first})
        assert r.status_code == 422, r.get_json()
    assert admin.post("/api/v1/calendar/overrides", json={"kind": "closed", "first": "2026-12-28"}).status_code == 201


def test_405_answers_say_what_is_allowed(client):
    r = client.delete("/api/v1/services")
    assert r.status_code == 405 and "GET" in r.headers["Allow"] and r.get_json()["error"] == "method_not_allowed"


def test_a_refused_request_writes_nothing(officer):
    before = AuditEvent.select().count()
    _raw(officer, "/api/v1/tasks", '{"ticket_id": 1, "summary": "\\ud800"}')
    assert AuditEvent.select().count() == before


# ---- open redirect ------------------------------------------------------------------------

@pytest.mark.parametrize("target", ["/%5Cevil.host/", "//evil.host/", "https://evil.host/", "/\\evil.host",
                                    "%2F%2Fevil.host", "/%09/evil.host", "javascript:alert(1)"])
def test_login_never_sends_you_to_another_site(client, target):
    page = client.get(f"/login?next={target}").get_data(as_text=True)
    assert "data-next='\"/\"'" in page, target


def test_login_keeps_a_path_of_this_site(client):
    assert "data-next='\"/inbox?tab=mine\"'" in client.get("/login?next=/inbox%3Ftab%3Dmine").get_data(as_text=True)


def test_open_redirect_rule():
    from intranet_server.web import safe_next
    assert safe_next("/booth") == "/booth"
    assert [safe_next(t) for t in ("/\\evil", "//evil", "http://evil", "/\nx", "", None)] == ["/"] * 6


# ---- headers and cookies ------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/login", "/display", "/api/v1/services", "/healthz", "/booth"])
def test_security_headers_everywhere(client, path):
    r = client.get(path)
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp and r.headers["X-Frame-Options"] == "DENY"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "same-origin"


def test_the_display_may_be_embedded_where_the_office_says(settings, database):
    from intranet_server.app import create_app
    settings["security"]["display_frame_ancestors"] = "'self' https://signage.example"
    client = create_app(settings).test_client()
    display = client.get("/display")
    assert "frame-ancestors 'self' https://signage.example" in display.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in display.headers
    assert "frame-ancestors 'none'" in client.get("/login").headers["Content-Security-Policy"]


def test_no_inline_script_in_any_page(app):
    import re
    officer = signed_in(app, "p0-03")
    inbox, boss = signed_in(app, "p1-01"), signed_in(app, "sup-phijsk")
    for client, path in ((officer, "/booth"), (inbox, "/inbox"), (boss, "/supervisor"),
                         (app.test_client(), "/display"), (app.test_client(), "/login"),
                         (app.test_client(), "/")):
        page = client.get(path).get_data(as_text=True)
        assert path == "/" or "<script" in page
        for tag in re.findall(r"<script[^>]*>", page):
            assert "src=" in tag, (path, tag)
        assert all(not body.strip() for body in re.findall(r"<script[^>]*>(.*?)</script>", page, re.S)), path
        assert not re.search(r"\son[a-z]+\s*=", page), path


def test_the_session_cookie_is_secure_over_https(app):
    https = app.test_client()
    r = login(https, "p0-03", base_url="https://ptsa.local")
    cookies = r.headers.getlist("Set-Cookie")
    assert any(c.startswith("ptsa_session=") and "Secure" in c and "HttpOnly" in c for c in cookies), cookies
    assert any(c.startswith("ptsa_csrf=") and "Secure" in c for c in cookies)
    plain = login(app.test_client(), "p0-04").headers.getlist("Set-Cookie")
    assert not any("Secure" in c for c in plain)


def test_login_page_json_escapes_the_next_value(client):
    page = client.get("/login?next=/x'\"<b>").get_data(as_text=True)
    assert "<b>" not in page and json.loads(page.split("data-next='")[1].split("'")[0]).startswith("/x")
