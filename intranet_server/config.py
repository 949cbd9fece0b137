"""Settings: built-in defaults, then the TOML file named by PTSA_CONFIG, then environment
variables `PTSA_<SECTION>_<KEY>` (e.g. PTSA_SERVER_PORT=8080, PTSA_DATABASE_URL=...).
`DATABASE_URL` and `PTSA_MESSAGE_QUEUE` are also honoured as the common short forms.
Every setting is documented in README.md ("Configuration")."""
from __future__ import annotations

import copy
import os
import secrets
import tomllib
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from intranet_server.rules.durations import parse_duration

DEFAULTS: dict[str, dict] = {
    "office": {"name": "PTSA Kementerian Ketenagakerjaan", "timezone": "Asia/Jakarta", "language": "id"},
    "server": {"host": "0.0.0.0", "port": 8080, "data_dir": "./ptsa-data", "secret_key": "",
               "message_queue": "", "max_clients": 4096,
               "log_format": "text", "trusted_proxies": 0, "message_queue_channel": "",
               "ping_interval": "10s", "ping_timeout": "10s"},
    "database": {"url": ""},
    "queue": {"policy": "ratio", "normal_per_priority": 2, "max_wait": "30m",
              "recall_window": "15m", "wait_history": 20},
    "calendar": {"mode": "office", "hours": "perpres-21-2023", "holidays": "package"},
    "sla": {"pickup_p0_p1": "15m", "pickup_p1_p2": "30m", "warn_ratio": 0.8, "escalate_ratio": 2.0,
            "off_hours": "hold", "warning_channels": ["screen"],
            "breach_channels": ["screen", "email", "sms"], "escalation_channels": ["screen", "email", "sms"],
            "max_sleep": "30s", "leader_retry": "3s", "public_url": "", "units": {}, "services": {}},
    "smtp": {"host": "", "port": 25, "starttls": False, "ssl": False, "username": "", "password": "",
             "from": "PTSA <ptsa@localhost>", "timeout": "10s", "data_timeout": "2m"},
    "sms": {"kind": "http_json", "url": "", "token": "", "timeout": "10s",
            "gammu_config": "/etc/gammu-smsdrc", "gammu_inject": "gammu-smsd-inject"},
    "metrics": {"allow": ["127.0.0.1/32", "::1/128"], "token": ""},
    "outbox": {"retry_base": "15s", "retry_max": "15m", "max_attempts": 100, "webhook_attempts": 12,
               "unconfirmed_retry": "30m"},
    "webhooks": {"timeout": "10s"},
    "bookings": {"early": "30m", "grace": "15m", "max_days_ahead": 60},
    "kiosk": {"server": "http://127.0.0.1:8080", "token": "", "printer": "virtual:./ptsa-data/printer",
              "paper_mm": 80, "profile": "", "idle_reset": "45s", "admin_pin": "", "language": "id",
              "fullscreen": True},
    # sessions, sign-in throttling, origins, framing (SECURITY.md)
    "security": {"session_idle": "30m", "session_lifetime": "12h", "login_max_failures": 5,
                 "login_max_failures_address": 30, "login_window": "15m", "login_lockout": "15m",
                 "trusted_origins": [], "display_frame_ancestors": ""},
    "reports": {"wait_target": "15m", "monthly_email": False},
}

POLICIES = ("strict", "ratio", "fifo")


class ConfigError(ValueError):
    """A setting that cannot be used; the message names it."""


def _coerce(value: str, like):
    if isinstance(like, bool):
        if value.lower() in ("1", "true", "yes", "on"):
            return True
        if value.lower() in ("0", "false", "no", "off"):
            return False
        raise ConfigError(f"expected true/false, got {value!r}")
    if isinstance(like, int):
        try:
            return int(value)
        except ValueError:
            raise ConfigError(f"expected a whole number, got {value!r}") from None
    if isinstance(like, float):
        try:
            return float(value)
        except ValueError:
            raise ConfigError(f"expected a number, got {value!r}") from None
    return value


def load_settings(path: str | None = None, environ: dict | None = None) -> dict:
    env = os.environ if environ is None else environ
    settings = copy.deepcopy(DEFAULTS)
    path = path or env.get("PTSA_CONFIG")
    if path:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"PTSA_CONFIG names {path}, which does not exist") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path} is not valid TOML: {exc}") from None
        for section, values in data.items():
            if not isinstance(values, dict):
                raise ConfigError(f"{path}: [{section}] must be a table")
            settings.setdefault(section, {}).update(values)
    for section, values in settings.items():
        for key, default in list(values.items()):
            name = f"PTSA_{section}_{key}".upper()
            if name in env:
                try:
                    values[key] = _coerce(env[name], default)
                except ConfigError as exc:
                    raise ConfigError(f"{name}: {exc}") from None
    if env.get("DATABASE_URL") and "PTSA_DATABASE_URL" not in env:
        settings["database"]["url"] = env["DATABASE_URL"]
    if env.get("PTSA_MESSAGE_QUEUE"):
        settings["server"]["message_queue"] = env["PTSA_MESSAGE_QUEUE"]
    _finish(settings)
    return settings


def _finish(settings: dict) -> None:
    server = settings["server"]
    data_dir = Path(server["data_dir"]).expanduser().resolve()
    server["data_dir"] = str(data_dir)
    if not settings["database"]["url"]:
        settings["database"]["url"] = f"sqlite:///{data_dir / 'ptsa.db'}"
    try:
        ZoneInfo(settings["office"]["timezone"])
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"office.timezone {settings['office']['timezone']!r} is not an IANA time zone "
                          "(e.g. Asia/Jakarta, Asia/Makassar, Asia/Jayapura)") from None
    for key in ("ping_interval", "ping_timeout"):
        _duration(settings, "server", key)
        if not 1 <= parse_duration(server[key]).total_seconds() <= 300:
            raise ConfigError(f"server.{key} must be between 1s and 5m")
    queue = settings["queue"]
    if queue["policy"] not in POLICIES:
        raise ConfigError(f"queue.policy must be one of {', '.join(POLICIES)}")
    if not isinstance(queue["normal_per_priority"], int) or queue["normal_per_priority"] < 0:
        raise ConfigError("queue.normal_per_priority must be a whole number >= 0")
    _duration(settings, "queue", "max_wait", str(queue["max_wait"]), allow_zero=True)   # "0": no aging
    _duration(settings, "queue", "recall_window")
    if not isinstance(queue["wait_history"], int) or queue["wait_history"] < 1:
        raise ConfigError("queue.wait_history must be a whole number >= 1")
    if settings["calendar"]["mode"] not in ("office", "always"):
        raise ConfigError('calendar.mode must be "office" or "always"')
    _finish_tasks(settings)
    _finish_security(settings)
    _duration(settings, "reports", "wait_target")
    if not isinstance(settings["reports"]["monthly_email"], bool):
        raise ConfigError("reports.monthly_email must be true or false")


# ---- the task chain: [calendar], [sla], [smtp], [sms], [outbox] ---------------------------

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ALERT_CHANNELS = ("screen", "email", "sms")
SMS_KINDS = ("http_json", "gammu")   # gammu: gammu-smsd on a USB GSM modem (sla/sms.py)


def _duration(settings: dict, section: str, key: str, value=None, allow_zero: bool = False) -> None:
    try:
        parse_duration(settings[section][key] if value is None else value, allow_zero=allow_zero)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{section}.{key}: {exc}") from None


def _channels(sla: dict, key: str) -> None:
    value = sla[key]
    if isinstance(value, str):   # from an environment variable: "screen,email"
        value = [part.strip() for part in value.split(",") if part.strip()]
    if not isinstance(value, list) or any(v not in ALERT_CHANNELS for v in value):
        raise ConfigError(f"sla.{key} must be a list drawn from {', '.join(ALERT_CHANNELS)}")
    sla[key] = value


def _calendar_hours(calendar: dict) -> None:
    hours = calendar["hours"]
    if hours == "perpres-21-2023":
        return
    if not isinstance(hours, dict) or any(day not in WEEKDAYS for day in hours):
        raise ConfigError('calendar.hours must be "perpres-21-2023" or a table such as '
                          '{ mon = ["07:30-12:00", "13:00-16:00"], ... } with days mon..sun')
    from intranet_server.rules.calendar import CalendarError, WeeklyHours
    try:
        WeeklyHours.from_dict({WEEKDAYS.index(day): [tuple(span.split("-")) for span in spans]
                               for day, spans in hours.items()})
    except (CalendarError, AttributeError, TypeError) as exc:
        raise ConfigError(f"calendar.hours: {exc} (write each interval as \"HH:MM-HH:MM\")") from None


def _finish_tasks(settings: dict) -> None:
    calendar, sla = settings["calendar"], settings["sla"]
    _calendar_hours(calendar)
    if calendar["holidays"] not in ("package", "none"):
        raise ConfigError('calendar.holidays must be "package" (the holidays package, with cuti bersama) '
                          'or "none" (only the office\'s own overrides)')
    for key in ("pickup_p0_p1", "pickup_p1_p2", "max_sleep", "leader_retry"):
        _duration(settings, "sla", key)
    if not isinstance(sla["warn_ratio"], (int, float)) or not 0 < sla["warn_ratio"] < 1:
        raise ConfigError("sla.warn_ratio must be a number between 0 and 1 (e.g. 0.8 = warn at 80%)")
    if not isinstance(sla["escalate_ratio"], (int, float)) or not (
            sla["escalate_ratio"] == 0 or sla["escalate_ratio"] > 1):
        raise ConfigError("sla.escalate_ratio must be above 1 (e.g. 2.0 = escalate at 200%), or 0 for none")
    if sla["off_hours"] not in ("hold", "send"):
        raise ConfigError('sla.off_hours must be "hold" (e-mail/SMS wait for the next opening) or "send"')
    for key in ("warning_channels", "breach_channels", "escalation_channels"):
        _channels(sla, key)
    for name, table, keys in (("units", sla["units"], ("pickup",)),
                              ("services", sla["services"], ("pickup_p0_p1", "pickup_p1_p2"))):
        if not isinstance(table, dict) or any(not isinstance(v, dict) for v in table.values()):
            raise ConfigError(f"sla.{name} must be a table of tables, e.g. [sla.{name}.CODE]")
        for code, values in table.items():
            for key, value in values.items():
                if key not in keys:
                    raise ConfigError(f"sla.{name}.{code}: unknown key {key!r} (use {', '.join(keys)})")
                _duration(settings, "sla", f"{name}.{code}.{key}", value)
    smtp = settings["smtp"]
    if not isinstance(smtp["port"], int) or not 0 < smtp["port"] < 65536:
        raise ConfigError("smtp.port must be a port number")
    if smtp["starttls"] and smtp["ssl"]:
        raise ConfigError("smtp.starttls and smtp.ssl exclude each other: STARTTLS upgrades a plain "
                          "connection (port 587), ssl connects with TLS from the start (port 465)")
    _duration(settings, "smtp", "timeout")
    _duration(settings, "smtp", "data_timeout")
    sms = settings["sms"]
    if sms.get("gateway"):   # `[sms] gateway = "gammu"` is accepted as another name for `kind`
        sms["kind"] = sms["gateway"]
    if sms["kind"] not in SMS_KINDS:
        raise ConfigError(f"sms.kind must be one of {', '.join(SMS_KINDS)}")
    if sms["url"] and not str(sms["url"]).startswith(("http://", "https://")):
        raise ConfigError("sms.url must be an http:// or https:// URL (or empty: no SMS)")
    _duration(settings, "sms", "timeout")
    _finish_ops(settings)
    outbox = settings["outbox"]
    _duration(settings, "outbox", "retry_base")
    _duration(settings, "outbox", "retry_max")
    _duration(settings, "outbox", "unconfirmed_retry")
    for key in ("max_attempts", "webhook_attempts"):
        if not isinstance(outbox[key], int) or isinstance(outbox[key], bool) or outbox[key] < 1:
            raise ConfigError(f"outbox.{key} must be a whole number of at least 1")
    _duration(settings, "webhooks", "timeout")
    _duration(settings, "bookings", "early", allow_zero=True)
    _duration(settings, "bookings", "grace", allow_zero=True)
    ahead = settings["bookings"]["max_days_ahead"]
    if not isinstance(ahead, int) or isinstance(ahead, bool) or not 0 <= ahead <= 366:
        raise ConfigError("bookings.max_days_ahead must be a whole number of days from 0 to 366")


def secret_key(settings: dict) -> str:
    """The session-signing key: configured, or generated once and kept in the data directory
    so that logins survive a restart."""
    if settings["server"]["secret_key"]:
        return settings["server"]["secret_key"]
    path = Path(settings["server"]["data_dir"]) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _finish_security(settings: dict) -> None:
    sec = settings["security"]
    for key in ("session_idle", "session_lifetime", "login_window", "login_lockout"):
        _duration(settings, "security", key)
    for key in ("login_max_failures", "login_max_failures_address"):
        if not isinstance(sec[key], int) or isinstance(sec[key], bool) or sec[key] < 1:
            raise ConfigError(f"security.{key} must be a whole number >= 1")
    origins = sec["trusted_origins"]
    if isinstance(origins, str):   # from the environment: comma-separated
        origins = sec["trusted_origins"] = [o for o in origins.split(",") if o.strip()]
    if not isinstance(origins, list) or not all(isinstance(o, str) and o.startswith(("http://", "https://"))
                                                for o in origins):
        raise ConfigError("security.trusted_origins must be a list of origins like \"https://ptsa.example\"")
    if any(c in str(sec["display_frame_ancestors"]) for c in ";,\n\r"):
        raise ConfigError("security.display_frame_ancestors: sources separated by spaces, e.g. "
                          "\"'self' https://signage.example\"")
    channel = settings["server"].get("message_queue_channel", "")
    if channel and not all(c.isalnum() or c in "-_.:" for c in channel):
        raise ConfigError("server.message_queue_channel: letters, digits, '-', '_', '.', ':' only")


def _finish_ops(settings: dict) -> None:
    """[server] log_format / trusted_proxies and [metrics] (see intranet_server/ops)."""
    import ipaddress
    server, metrics = settings["server"], settings["metrics"]
    if server["log_format"] not in ("text", "json"):
        raise ConfigError('server.log_format must be "text" or "json" (one JSON object per line)')
    if not isinstance(server["trusted_proxies"], int) or not 0 <= server["trusted_proxies"] <= 5:
        raise ConfigError("server.trusted_proxies must be a whole number from 0 (no proxy) to 5: "
                          "how many reverse proxies in front of the server set X-Forwarded-*")
    allow = metrics["allow"]
    if isinstance(allow, str):   # from an environment variable: "10.0.0.0/8,127.0.0.1"
        allow = [part.strip() for part in allow.split(",") if part.strip()]
    if not isinstance(allow, list):
        raise ConfigError('metrics.allow must be a list of addresses or networks, e.g. ["10.0.0.5", "127.0.0.1/32"]')
    try:
        metrics["allow"] = [str(ipaddress.ip_network(str(a), strict=False)) for a in allow]
    except ValueError as exc:
        raise ConfigError(f"metrics.allow: {exc}") from None
