"""The one clock of the server. Tests move it instead of sleeping."""
from __future__ import annotations

import datetime as dt
import threading

_lock = threading.Lock()
_frozen: dt.datetime | None = None
_offset = dt.timedelta(0)


def iso(value: dt.datetime | None) -> str | None:
    """An instant as the API writes it: ISO 8601 in UTC with a Z."""
    return value.isoformat().replace("+00:00", "Z") if value else None


def now() -> dt.datetime:
    """The current instant, timezone-aware, in UTC."""
    if _frozen is not None:
        return _frozen
    return dt.datetime.now(dt.timezone.utc) + _offset


def freeze(at: dt.datetime) -> None:
    global _frozen
    if at.tzinfo is None:
        raise ValueError("freeze() needs an aware datetime")
    with _lock:
        _frozen = at.astimezone(dt.timezone.utc)


def advance(delta: dt.timedelta) -> dt.datetime:
    """Move the clock forward (frozen or running)."""
    global _frozen, _offset
    with _lock:
        if _frozen is not None:
            _frozen += delta
        else:
            _offset += delta
    return now()


def reset() -> None:
    global _frozen, _offset
    with _lock:
        _frozen, _offset = None, dt.timedelta(0)
