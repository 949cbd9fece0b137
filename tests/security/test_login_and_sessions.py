"""Sign-in throttling and lockout, equal-time answers, the audit of sign-ins, the password policy, and
server-side sessions that end at once (logout, password change, disabling, everywhere, idle, lifetime)."""
from __future__ import annotations

import datetime as dt

import pytest

from db.models import Staff
from intranet_server.actions import security
from intranet_server.actions.staff import save_staff
from intranet_server.rules.passwords import password_problem
from tests.security.helpers import audit_actions, login, session_cookie, signed_in

MIN = dt.timedelta(minutes=1)


def test_wrong_passwords_lock_the_account_then_the_lock_ends_by_itself(client, frozen_clock):
    for _ in range(5):
        assert login(client, "p0-03", "wrong-password").status_code == 401
    locked = login(client, "p0-03")     # the right password, but locked now
    assert locked.status_code == 429 and locked.get_json()["error"] == "throttled"
    retry = int(locked.headers["Retry-After"])
    assert 0 < retry <= 15 * 60
    assert login(client, "p0-04").status_code == 200      # another account is not locked
    frozen_clock.advance(dt.timedelta(seconds=retry - 1))
    assert login(client, "p0-03").status_code == 429
    frozen_clock.advance(dt.timedelta(seconds=2))
    assert login(client, "p0-03").status_code == 200


def test_one_address_trying_many_accounts_is_throttled(app, settings, frozen_clock):
    security.configure({"security": {**settings["security"], "login_max_failures_address": 8}})
    try:
        client = app.test_client()
        for i in range(8):
            assert login(client, f"nobody-{i}", "x").status_code == 401
        r = login(client, "p0-05")
        assert r.status_code == 429 and "Retry-After" in r.headers
        other = app.test_client()   # another client address is not held back
        assert login(other, "p0-05", environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 200
    finally:
        security.configure(settings)


def test_the_lockout_is_counted_in_the_database(client, frozen_clock):
    """Another server process reads the same rows: the count is not in this process's memory."""
    from db.security_models import LoginThrottle
    for _ in range(5):
        login(client, "p0-06", "wrong-password")
    row = LoginThrottle.get(LoginThrottle.key == "user:p0-06")
    assert row.failures == 5 and row.locked_until > frozen_clock.now()


def test_unknown_users_cost_the_same_password_check(client, monkeypatch):
    import intranet_server.actions.security as sec
    checked = []
    real = sec.verify_password
    monkeypatch.setattr(sec, "verify_password", lambda pw, stored: checked.append(stored) or real(pw, stored))
    assert login(client, "no-such-user", "whatever-123").status_code == 401
    assert login(client, "p0-03", "whatever-123").status_code == 401
    assert len(checked) == 2 and all(h.startswith("scrypt$") for h in checked)
    assert checked[0] == sec._DUMMY_HASH


def test_sign_ins_and_failures_are_audited(client):
    login(client, "p0-03", "wrong-password")
    login(client, "ghost", "wrong-password")
    login(client, "p0-03")
    client.post("/api/v1/auth/logout")
    assert audit_actions() == [("p0-03", "auth.login_failed"), ("ghost", "auth.login_failed"),
                               ("p0-03", "auth.login"), ("p0-03", "auth.sessions_ended"), ("p0-03", "auth.logout")]


def test_the_cookie_carries_only_a_random_id():
    from db.security_models import StaffSession
    assert "staff_id" not in StaffSession._meta.fields


def test_a_cookie_kept_from_before_logout_is_dead(app):
    officer = signed_in(app, "p0-03")
    kept = session_cookie(officer)
    officer.post("/api/v1/auth/logout")
    thief = app.test_client()
    thief.set_cookie("ptsa_session", kept)
    assert thief.get("/api/v1/auth/me").status_code == 401
    assert thief.get("/booth").status_code == 302


@pytest.mark.parametrize("change", ["password", "disable", "everywhere"])
def test_account_changes_end_every_session_at_once(app, change):
    first, second = signed_in(app, "p0-03"), signed_in(app, "p0-03")
    bystander = signed_in(app, "p0-04")
    if change == "password":
        save_staff("admin", "p0-03", create=False, password="Sandi-baru-2026")
    elif change == "disable":
        save_staff("admin", "p0-03", create=False, active=False)
    else:
        assert first.post("/api/v1/auth/logout-everywhere").get_json()["ended"] == 2
    for client in (first, second):
        assert client.get("/api/v1/auth/me").status_code == 401
    assert bystander.get("/api/v1/auth/me").status_code == 200


def test_idle_sessions_end(app, frozen_clock):
    officer = signed_in(app, "p0-03")
    frozen_clock.advance(29 * MIN)
    assert officer.get("/api/v1/auth/me").status_code == 200     # activity keeps it alive
    frozen_clock.advance(29 * MIN)
    assert officer.get("/api/v1/auth/me").status_code == 200
    frozen_clock.advance(31 * MIN)
    assert officer.get("/api/v1/auth/me").status_code == 401
    from db.security_models import StaffSession
    assert StaffSession.get().end_reason == "idle"


def test_sessions_have_an_absolute_lifetime(app, frozen_clock):
    officer = signed_in(app, "p0-03")
    for _ in range(12 * 3 + 3):
        frozen_clock.advance(20 * MIN)
        if officer.get("/api/v1/auth/me").status_code != 200:
            break
    assert officer.get("/api/v1/auth/me").status_code == 401
    signed_in_at = dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.timezone.utc)
    assert frozen_clock.now() - signed_in_at <= dt.timedelta(hours=12, minutes=20)


def test_the_session_cookie_is_set_at_sign_in_and_outlives_the_longest_session(app, settings):
    """The session row decides when a sign-in ends (idle, lifetime, sign-out); the cookie only carries its
    id. It is set once, lasting longer than the office's longest session, instead of being signed again and
    sent with every answer of every signed-in request."""
    from email.utils import parsedate_to_datetime

    from intranet_server.rules.durations import parse_duration
    client = app.test_client()
    cookie = next(c for c in login(client, "p0-03").headers.getlist("Set-Cookie") if c.startswith("ptsa_session="))
    expires = parsedate_to_datetime(cookie.split("Expires=")[1].split(";")[0])
    lifetime = parse_duration(settings["security"]["session_lifetime"])
    assert expires - dt.datetime.now(dt.timezone.utc) > lifetime
    for path in ("/api/v1/auth/me", "/api/v1/booth"):
        answer = client.get(path)
        assert answer.status_code == 200
        assert not [c for c in answer.headers.getlist("Set-Cookie") if c.startswith("ptsa_session=")], path


def test_the_password_policy():
    assert password_problem("pendek", "dimas")
    assert password_problem("dimas-pratama-1", "dimas")          # contains the username
    assert password_problem("aaaaaaaaaaaa", "dimas")              # one character repeated
    assert password_problem("1234567890", "dimas")               # a leaked favourite
    assert password_problem("demo12345", "x") and password_problem("\ud800" * 12, "dimas")
    assert password_problem("Kopi-Tubruk-Pagi", "dimas") is None
    assert "minimal" in password_problem("pendek", "dimas") and "at least" in password_problem("pendek", "dimas")


def test_staff_accounts_follow_the_policy(database):
    from intranet_server.actions import Invalid
    with pytest.raises(Invalid, match="username"):
        save_staff("admin", "p0-03", create=False, password="p0-03-password")
    save_staff("admin", "p0-03", create=False, password="Kopi-Tubruk-Pagi")
    assert Staff.get(Staff.username == "p0-03").password_hash.startswith("scrypt$")


def test_old_sessions_and_counters_are_forgotten(app, frozen_clock):
    from db.security_models import LoginThrottle, StaffSession
    officer = signed_in(app, "p0-03")
    login(app.test_client(), "p0-04", "wrong-password")
    officer.post("/api/v1/auth/logout")
    signed_in(app, "p0-05")
    frozen_clock.advance(dt.timedelta(days=29))
    assert security.prune(frozen_clock.now()) == 0
    frozen_clock.advance(dt.timedelta(days=2))
    assert security.prune(frozen_clock.now()) == 2     # the ended one, and the one long expired
    assert StaffSession.select().count() == 0 and LoginThrottle.select().count() == 0
    assert ("p0-03", "auth.login") in audit_actions()    # the history stays in the audit table
