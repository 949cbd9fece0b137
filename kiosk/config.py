"""Kiosk settings: built-in defaults, then `[kiosk]` in the TOML file named by PTSA_CONFIG, then
environment variables PTSA_KIOSK_<KEY>, then command-line options.

The kiosk is another machine than the server, so this is its own small loader (it must not import
`intranet_server`). Keys of `[kiosk]`:

    server      URL of the intranet server, e.g. "http://10.0.0.2:8080"       (required)
    token       this kiosk's token, from `ptsa kiosk-token NAME` on the server (required)
    printer     printer setting, e.g. "usb:04b8:0202" or "virtual:/tmp/tickets"
    paper_mm    58 or 80
    profile     python-escpos printer profile ("" = generic)
    idle_reset  back to the home screen after this long without a touch: "45s", "2m", "1m30s"
    admin_pin   digits asked after the administrator gesture before the kiosk may close
    language    "id" or "en": the language the home screen returns to
    fullscreen  true: full screen, frameless, closing locked
    office      office name printed on tickets ("" = the name the server sends)
    timezone    local time zone for the printed date (default: [office] timezone, else Asia/Jakarta)
    pair        the pairing text of the QR code shown when /admin registers the kiosk (a USB scanner
                types it): sets server and token at once
"""
from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULTS: dict[str, object] = {
    "server": "http://127.0.0.1:8080",
    "token": "",
    "printer": "virtual:./ptsa-data/printer",
    "paper_mm": 80,
    "profile": "",
    "idle_reset": "45s",
    "admin_pin": "",
    "language": "id",
    "fullscreen": True,
    "office": "",
    "timezone": "",
    "pair": "",
}
PAIRING_PREFIX = "PTSA-KIOSK:"   # what /admin's kiosk QR code holds (a USB scanner types it)
MIN_IDLE_RESET_S = 5.0
_DURATION = re.compile(r"^\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*(?:(\d+(?:\.\d+)?)\s*s)?\s*$")


class KioskConfigError(ValueError):
    """A kiosk setting is missing or unusable; the message names it and says how to fix it."""


@dataclass(frozen=True)
class KioskSettings:
    server: str
    token: str
    printer: str
    paper_mm: int = 80
    profile: str | None = None
    idle_reset_s: float = 45.0
    admin_pin: str = ""
    language: str = "id"
    fullscreen: bool = True
    office: str | None = None
    timezone: str = "Asia/Jakarta"


def parse_duration(value) -> float:
    """Seconds from 45, "45", "45s", "2m", "1m30s" or "1h"."""
    if isinstance(value, bool):
        raise KioskConfigError(f"expected a duration like \"45s\" or \"2m\", got {value!r}")
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip().lower()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text)
    match = _DURATION.match(text)
    if not text or not match or not any(match.groups()):
        raise KioskConfigError(f"expected a duration like \"45s\", \"2m\" or \"1m30s\", got {value!r}")
    hours, minutes, seconds = match.groups()
    return int(hours or 0) * 3600 + int(minutes or 0) * 60 + float(seconds or 0)


def _as_bool(value, key: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise KioskConfigError(f"kiosk.{key} must be true or false, got {value!r}")


def _read_file(path: str) -> dict:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise KioskConfigError(f"PTSA_CONFIG names {path}, which does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise KioskConfigError(f"{path} is not valid TOML: {exc}") from None
    for section in ("kiosk", "office"):
        if not isinstance(data.get(section, {}), dict):
            raise KioskConfigError(f"{path}: [{section}] must be a table")
    return data


def load_settings(path: str | None = None, environ: dict | None = None,
                  overrides: dict | None = None) -> KioskSettings:
    """The kiosk's settings. `overrides` come from the command line; None values are ignored."""
    env = os.environ if environ is None else environ
    raw = dict(DEFAULTS)
    path = path or env.get("PTSA_CONFIG")
    office_zone = ""
    if path:
        data = _read_file(path)
        unknown = set(data.get("kiosk", {})) - set(DEFAULTS)
        if unknown:
            raise KioskConfigError(f"{path}: unknown [kiosk] setting(s): {', '.join(sorted(unknown))} "
                                   f"(known: {', '.join(DEFAULTS)})")
        raw.update(data.get("kiosk", {}))
        office_zone = str(data.get("office", {}).get("timezone", ""))
    for key in DEFAULTS:
        name = f"PTSA_KIOSK_{key.upper()}"
        if name in env:
            raw[key] = env[name]
    for key, value in (overrides or {}).items():
        if value is not None:
            raw[key] = value
    return _validate(raw, office_zone)


def parse_pairing(text: str) -> tuple[str, str]:
    """`PTSA-KIOSK:{"server": URL, "token": TOKEN}` (from the QR code of /admin's kiosk registration)
    -> (server, token)."""
    import json
    text = str(text or "").strip()
    if not text.startswith(PAIRING_PREFIX):
        raise KioskConfigError(f"kiosk.pair must be the text of the pairing QR code ({PAIRING_PREFIX}...)")
    try:
        data = json.loads(text[len(PAIRING_PREFIX):])
        server, token = str(data["server"]), str(data["token"])
    except (ValueError, KeyError, TypeError):
        raise KioskConfigError("kiosk.pair: the pairing text is damaged; scan the QR code again") from None
    return server, token


def _validate(raw: dict, office_zone: str) -> KioskSettings:
    if str(raw.get("pair") or "").strip():
        raw = dict(raw)
        raw["server"], raw["token"] = parse_pairing(raw["pair"])
    server = str(raw["server"] or "").strip().rstrip("/")
    if not server:
        raise KioskConfigError("no server: set [kiosk] server in the PTSA_CONFIG file, "
                               "PTSA_KIOSK_SERVER, or --server (e.g. http://10.0.0.2:8080)")
    parsed = urlparse(server)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise KioskConfigError(f"kiosk.server must be an http:// or https:// URL, got {server!r}")
    token = str(raw["token"] or "").strip()
    if not token:
        raise KioskConfigError("no kiosk token: run `ptsa kiosk-token NAME` on the server, then put the "
                               "token in [kiosk] token, PTSA_KIOSK_TOKEN, or pass --token")
    printer = str(raw["printer"] or "").strip()
    if not printer:
        raise KioskConfigError("no printer: set [kiosk] printer (e.g. usb:04b8:0202, network:HOST, "
                               "virtual:DIR) or pass --printer")
    try:
        paper_mm = int(raw["paper_mm"])
    except (TypeError, ValueError):
        raise KioskConfigError(f"kiosk.paper_mm must be 58 or 80, got {raw['paper_mm']!r}") from None
    if paper_mm not in (58, 80):
        raise KioskConfigError(f"kiosk.paper_mm must be 58 or 80, got {paper_mm}")
    try:
        idle = parse_duration(raw["idle_reset"])
    except KioskConfigError as exc:
        raise KioskConfigError(f"kiosk.idle_reset: {exc}") from None
    if idle < MIN_IDLE_RESET_S:
        raise KioskConfigError(f"kiosk.idle_reset must be at least {MIN_IDLE_RESET_S:g}s, got {idle:g}s")
    language = str(raw["language"]).strip().lower()
    if language not in ("id", "en"):
        raise KioskConfigError(f'kiosk.language must be "id" or "en", got {raw["language"]!r}')
    fullscreen = _as_bool(raw["fullscreen"], "fullscreen")
    pin = str(raw["admin_pin"] or "").strip()
    if pin and not re.fullmatch(r"\d{4,12}", pin):
        raise KioskConfigError("kiosk.admin_pin must be 4 to 12 digits (it is typed on an on-screen keypad)")
    if fullscreen and not pin:
        # Otherwise a locked full-screen kiosk could never be closed from its own screen.
        raise KioskConfigError("kiosk.admin_pin is not set: a full-screen kiosk needs an administrator PIN "
                               "(4-12 digits) to be closed; set it, or run with --windowed to try the kiosk")
    zone = str(raw["timezone"] or office_zone or "Asia/Jakarta").strip()
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise KioskConfigError(f"kiosk.timezone {zone!r} is not an IANA time zone (e.g. Asia/Jakarta)") from None
    return KioskSettings(
        server=server, token=token, printer=printer, paper_mm=paper_mm,
        profile=str(raw["profile"] or "").strip() or None, idle_reset_s=idle, admin_pin=pin,
        language=language, fullscreen=fullscreen, office=str(raw["office"] or "").strip() or None,
        timezone=zone)
