"""Sign-in, sessions and their revocation (the only writers of StaffSession and LoginThrottle).

- A session is a row; the cookie carries only a random id (its hash is the key). Logout, a password
  change, disabling an account and "sign out everywhere" end the rows at once; every request and
  every Socket.IO event checks the row, so a copied cookie is dead the moment its row is ended.
- Idle timeout (shared booth PCs: someone walks away) and an absolute lifetime, both from the clock.
- Failed sign-ins are counted per account and per client address in the database (every process
  sees them); past the limit the key is locked for a while, then unlocks by itself.
- Unknown users cost the same scrypt as known ones, so timing does not tell which usernames exist.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import math
import secrets
from dataclasses import dataclass
from typing import Callable

from db.models import Staff, database
from db.passwords import hash_password, verify_password
from db.prepared import by_id
from db.security_models import LoginThrottle, StaffSession
from intranet_server import clock
from intranet_server.actions import ActionError, Invalid, Unauthorized, audit
from intranet_server.rules.durations import parse_duration


class Throttled(ActionError):
    status, code = 429, "throttled"

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = max(1, int(retry_after))


@dataclass
class SecurityConfig:
    idle: dt.timedelta = dt.timedelta(minutes=30)
    lifetime: dt.timedelta = dt.timedelta(hours=12)
    max_failures_account: int = 5
    max_failures_address: int = 30
    window: dt.timedelta = dt.timedelta(minutes=15)
    lockout: dt.timedelta = dt.timedelta(minutes=15)


config = SecurityConfig()
TOUCH_EVERY = dt.timedelta(seconds=30)     # last_seen is written at most this often per session
_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))

# Called after commit with the id hashes of ended sessions: the Socket.IO layer disconnects them.
_revocation_hooks: list[Callable[[list[str]], None]] = []


def configure(settings: dict) -> None:
    global config
    section = settings.get("security", {})
    config = SecurityConfig(
        idle=parse_duration(str(section.get("session_idle", "30m"))),
        lifetime=parse_duration(str(section.get("session_lifetime", "12h"))),
        max_failures_account=int(section.get("login_max_failures", 5)),
        max_failures_address=int(section.get("login_max_failures_address", 30)),
        window=parse_duration(str(section.get("login_window", "15m"))),
        lockout=parse_duration(str(section.get("login_lockout", "15m"))),
    )


def on_revoked(hook: Callable[[list[str]], None]) -> None:
    if hook not in _revocation_hooks:
        _revocation_hooks.append(hook)


def id_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


# ---- throttling ---------------------------------------------------------------------------

def _keys(username: str, address: str) -> list[tuple[str, int]]:
    return [(f"user:{username.lower()[:64]}", config.max_failures_account),
            (f"addr:{address[:64]}", config.max_failures_address)]


def _check_throttle(keys, now: dt.datetime) -> None:
    rows = LoginThrottle.select().where(LoginThrottle.key.in_([k for k, _ in keys]))
    waits = [(r.locked_until - now).total_seconds() for r in rows if r.locked_until and r.locked_until > now]
    if waits:
        seconds = math.ceil(max(waits))
        raise Throttled(f"Terlalu banyak percobaan masuk; coba lagi dalam {math.ceil(seconds / 60)} menit / "
                        f"Too many sign-in attempts; try again in {math.ceil(seconds / 60)} minute(s)", seconds)


def _count_failure(keys, now: dt.datetime) -> None:
    for key, limit in keys:
        row = LoginThrottle.get_or_none(LoginThrottle.key == key)
        if row is None:
            row = LoginThrottle(key=key, failures=0, window_start=now)
            created = True
        else:
            created = False
        if row.window_start + config.window < now or (row.locked_until and row.locked_until <= now):
            row.failures, row.window_start, row.locked_until = 0, now, None   # a new window
        row.failures += 1
        if row.failures >= limit:
            row.locked_until = now + config.lockout
        row.save(force_insert=created)


def _clear_failures(username: str) -> None:
    LoginThrottle.delete().where(LoginThrottle.key == f"user:{username.lower()[:64]}").execute()


# ---- signing in and out -------------------------------------------------------------------

def sign_in(username, password, address: str = "", user_agent: str = "") -> tuple[Staff, str, StaffSession]:
    """Check the password (throttled), then open a session. Returns (staff, raw session id, row)."""
    if not isinstance(username, str) or not isinstance(password, str) or not username or not password:
        raise Invalid("send {\"username\": ..., \"password\": ...}")
    now = clock.now()
    keys = _keys(username, address)
    with database.atomic():
        _check_throttle(keys, now)
    staff = Staff.get_or_none(Staff.username == username)
    # the same scrypt cost whether or not the account exists
    good = verify_password(password, staff.password_hash if staff is not None else _DUMMY_HASH)
    if staff is None or not staff.active or not good:
        with database.atomic():
            _count_failure(keys, now)
            audit(username[:80], "auth.login_failed", "staff", staff.id if staff else None,
                  address=address, reason="unknown" if staff is None else
                  ("disabled" if not staff.active else "password"))
        raise Unauthorized("wrong username or password")
    raw = secrets.token_urlsafe(32)
    with database.atomic():
        _clear_failures(username)
        row = StaffSession.create(id_hash=id_hash(raw), staff=staff, csrf_token=secrets.token_urlsafe(32),
                                  created_at=now, last_seen_at=now, address=address[:64],
                                  user_agent=user_agent[:200])
        audit(staff.username, "auth.login", "staff", staff.id, address=address)
    return staff, raw, row


def session_for(raw: str | None) -> StaffSession | None:
    """The live session this cookie id names (idle and absolute limits applied), or None."""
    if not raw or not isinstance(raw, str) or len(raw) > 128:
        return None
    # every signed-in request asks: the session and its officer by key, with SQL built once
    rows = by_id(StaffSession).rows(StaffSession, id=id_hash(raw))
    if not rows:
        return None
    row = rows[0]
    staff = by_id(Staff).rows(Staff, id=row.staff_id)
    if not staff:
        return None
    row.staff = staff[0]      # as a joined select would give it; nothing to write back
    row._dirty.clear()
    return row if touch(row) else None


def touch(row: StaffSession) -> bool:
    """Is this session still alive? Ends it when idle or too old; refreshes last_seen now and then."""
    if row.ended_at is not None:
        return False
    now = clock.now()
    reason = ("idle" if now - row.last_seen_at > config.idle else
              "expired" if now - row.created_at > config.lifetime else None)
    if reason:
        end_sessions(StaffSession.id_hash == row.id_hash, reason, actor=row.staff.username)
        return False
    if now - row.last_seen_at > TOUCH_EVERY:
        StaffSession.update(last_seen_at=now).where(StaffSession.id_hash == row.id_hash).execute()
        row.last_seen_at = now
    staff = row.staff
    return bool(staff.active)


def still_alive(hashes: list[str]) -> set[str]:
    """Of these sessions, the ones not ended and within their limits (the socket sweep)."""
    if not hashes:
        return set()
    now = clock.now()
    alive = set()
    for row in StaffSession.select().where(StaffSession.id_hash.in_(hashes)):
        if row.ended_at is None and now - row.last_seen_at <= config.idle + TOUCH_EVERY \
                and now - row.created_at <= config.lifetime and row.staff.active:
            alive.add(row.id_hash)
    return alive


def end_sessions(where, reason: str, *, actor: str) -> list[str]:
    """End every open session matching `where`; the Socket.IO connections go after the commit."""
    with database.atomic():
        hashes = [r.id_hash for r in StaffSession.select(StaffSession.id_hash)
                  .where(where & StaffSession.ended_at.is_null())]
        if not hashes:
            return []
        StaffSession.update(ended_at=clock.now(), end_reason=reason[:32]) \
            .where(StaffSession.id_hash.in_(hashes)).execute()
        if reason not in ("idle", "expired"):
            audit(actor, "auth.sessions_ended", "staff", None, reason=reason, count=len(hashes))
        database.after_commit(lambda: _notify(hashes))
    return hashes


def _notify(hashes: list[str]) -> None:
    for hook in _revocation_hooks:
        try:
            hook(hashes)
        except Exception:   # a socket problem must not undo the revocation
            import logging
            logging.getLogger(__name__).exception("session revocation hook failed")


def sign_out(row: StaffSession | None) -> None:
    if row is not None:
        end_sessions(StaffSession.id_hash == row.id_hash, "logout", actor=row.staff.username)
        with database.atomic():
            audit(row.staff.username, "auth.logout", "staff", row.staff_id)


def sign_out_everywhere(staff: Staff, actor: str | None = None, reason: str = "everywhere") -> int:
    return len(end_sessions(StaffSession.staff == staff.id, reason, actor=actor or staff.username))


KEEP_ENDED = dt.timedelta(days=30)


def prune(now: dt.datetime) -> int:
    """Forget sessions ended (or expired) more than 30 days ago and stale throttle counters; the audit
    table keeps the history of sign-ins."""
    with database.atomic():
        gone = StaffSession.delete().where(
            (StaffSession.ended_at < now - KEEP_ENDED)
            | (StaffSession.created_at < now - config.lifetime - KEEP_ENDED)).execute()
        LoginThrottle.delete().where((LoginThrottle.window_start < now - config.window - config.lockout)
                                     & ((LoginThrottle.locked_until.is_null())
                                        | (LoginThrottle.locked_until < now))).execute()
    return gone
