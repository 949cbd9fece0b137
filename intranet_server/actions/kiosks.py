"""Kiosk registration, token checks and printer health reports."""
from __future__ import annotations

import re

from db.models import Kiosk, database
from db.passwords import hash_token, new_token
from intranet_server import cache, clock
from intranet_server.actions import Conflict, Invalid, NotFound, Unauthorized, audit
from intranet_server.realtime.events import publish

PRINTER_STATES = ("ok", "near_end", "paper_out", "offline", "error", "unknown")


def register_kiosk(name: str, actor: str = "cli") -> tuple[Kiosk, str]:
    """A new kiosk and its token. Only the hash is kept: the token is shown this once."""
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}", name):
        raise Invalid("kiosk name: letters, digits, '.', '_' or '-', at most 64 characters")
    token = new_token()
    with database.atomic():
        if Kiosk.get_or_none(Kiosk.name == name):
            raise Conflict(f"a kiosk named {name!r} exists; revoke it or pick another name")
        kiosk = Kiosk.create(name=name, token_hash=hash_token(token), created_at=clock.now())
        audit(actor, "kiosk.register", "kiosk", kiosk.id, name=name)
    return kiosk, token


def revoke_kiosk(name: str, actor: str = "cli") -> Kiosk:
    with database.atomic():
        kiosk = Kiosk.get_or_none(Kiosk.name == name)
        if kiosk is None:
            raise NotFound(f"no kiosk named {name!r}")
        kiosk.revoked_at = clock.now()
        kiosk.save()
        database.after_commit(cache.kiosks.clear)
        audit(actor, "kiosk.revoke", "kiosk", kiosk.id)
    return kiosk


def authenticate_kiosk(token) -> Kiosk:
    if not isinstance(token, str) or not token:
        raise Unauthorized("this endpoint needs 'Authorization: Bearer <kiosk token>'")
    digest = hash_token(token)
    kiosk = cache.kiosks.get(digest, lambda: Kiosk.get_or_none(Kiosk.token_hash == digest))
    if kiosk is None:
        raise Unauthorized("unknown kiosk token")
    if kiosk.revoked_at is not None:
        raise Unauthorized("this kiosk token has been revoked")
    return kiosk


def report_printer(kiosk: Kiosk, state, detail="") -> Kiosk:
    """The kiosk tells the server how its printer is; booth and supervisor screens show problems."""
    if state not in PRINTER_STATES:
        raise Invalid(f"'state' must be one of {', '.join(PRINTER_STATES)}")
    if not isinstance(detail, str) or len(detail) > 255:
        raise Invalid("'detail' must be text of at most 255 characters")
    with database.atomic():
        kiosk = Kiosk.get_by_id(kiosk.id)
        changed = (kiosk.printer_status, kiosk.printer_detail) != (state, detail)
        kiosk.printer_status, kiosk.printer_detail = state, detail
        kiosk.printer_checked_at = kiosk.last_seen_at = clock.now()
        kiosk.save()
        if changed:
            audit(f"kiosk:{kiosk.name}", "kiosk.printer", "kiosk", kiosk.id, state=state, detail=detail)
            publish("staff", "kiosk", {"kiosk": kiosk_dict(kiosk)})
    return kiosk


def kiosk_dict(kiosk: Kiosk) -> dict:
    from intranet_server.clock import iso
    return {"name": kiosk.name, "printer_status": kiosk.printer_status,
            "printer_detail": kiosk.printer_detail, "printer_checked_at": iso(kiosk.printer_checked_at),
            "last_seen_at": iso(kiosk.last_seen_at), "revoked": kiosk.revoked_at is not None}
