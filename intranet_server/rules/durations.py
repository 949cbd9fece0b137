"""Short duration strings for configuration ("15m", "30s", "2h", "1h30m") and back.

No day unit on purpose: in this product a "day" is a working day, counted by
``WorkingCalendar.add_working_days``, never 24 hours. A bare number is refused because "90" could
mean seconds or minutes; only "0" may be unitless, and only when the caller allows zero.
"""

from __future__ import annotations

import re
from datetime import timedelta

__all__ = ["format_duration", "parse_duration"]

# Units in descending order, each at most once, whitespace allowed between parts: "1h 30m".
_PATTERN = re.compile(r"(?:(?P<h>\d+)\s*h)?\s*(?:(?P<m>\d+)\s*m)?\s*(?:(?P<s>\d+)\s*s)?")
_EXAMPLES = "e.g. '15m', '30s', '2h' or '1h30m' (units h, m, s)"


def parse_duration(text: str, *, allow_zero: bool = False) -> timedelta:
    """Parse "15m" | "30s" | "2h" | "1h30m" into a timedelta.

    Raises ValueError with a readable message for garbage, a missing unit, zero (unless
    ``allow_zero``) and negative values; TypeError for a non-string.
    """
    if not isinstance(text, str):
        raise TypeError(f"duration must be a string {_EXAMPLES}, got {type(text).__name__}")
    raw = text.strip().lower()
    if not raw:
        raise ValueError(f"empty duration: write one {_EXAMPLES}")
    if raw.startswith("-"):
        raise ValueError(f"duration {text!r} is negative: it must be positive")
    if raw.isdigit():
        if int(raw) == 0:
            if allow_zero:
                return timedelta(0)
            raise ValueError(f"duration {text!r} is zero: it must be positive")
        raise ValueError(f"duration {text!r} has no unit: write {raw}m for minutes or {raw}s for seconds")
    match = _PATTERN.fullmatch(raw)
    if not match or not any(match.groupdict().values()):
        raise ValueError(f"invalid duration {text!r}: expected {_EXAMPLES}")
    parts = {k: int(v or 0) for k, v in match.groupdict().items()}
    result = timedelta(hours=parts["h"], minutes=parts["m"], seconds=parts["s"])
    if result == timedelta(0) and not allow_zero:
        raise ValueError(f"duration {text!r} is zero: it must be positive")
    return result


def format_duration(td: timedelta) -> str:
    """timedelta -> "1h30m" / "15m" / "30s" / "0"; the inverse of parse_duration.

    Only whole, non-negative seconds: a fraction would not survive the round trip.
    """
    if not isinstance(td, timedelta):
        raise TypeError(f"format_duration takes a timedelta, got {type(td).__name__}")
    if td < timedelta(0):
        raise ValueError(f"cannot format a negative duration: {td}")
    if td.microseconds:
        raise ValueError(f"cannot format a fraction of a second: {td}")
    total = int(td.total_seconds())
    if total == 0:
        return "0"
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    return "".join(f"{v}{u}" for v, u in ((hours, "h"), (minutes, "m"), (seconds, "s")) if v)
