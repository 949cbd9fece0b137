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

DEFAULTS: dict[str, dict] = {
    "office": {"name": "PTSA Kementerian Ketenagakerjaan", "timezone": "Asia/Jakarta", "language": "id"},
    "server": {"host": "0.0.0.0", "port": 8080, "data_dir": "./ptsa-data", "secret_key": "",
               "message_queue": "", "max_clients": 4096},
    "database": {"url": ""},
    "queue": {"policy": "ratio", "normal_per_priority": 2, "max_wait": "30m",
              "recall_window": "15m", "wait_history": 20},
    "calendar": {"mode": "office"},
    "kiosk": {"server": "http://127.0.0.1:8080", "token": "", "printer": "virtual:./ptsa-data/printer",
              "paper_mm": 80, "profile": "", "idle_reset": "45s", "admin_pin": "", "language": "id",
              "fullscreen": True},
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
        return float(value)
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
    queue = settings["queue"]
    if queue["policy"] not in POLICIES:
        raise ConfigError(f"queue.policy must be one of {', '.join(POLICIES)}")
    if not isinstance(queue["normal_per_priority"], int) or queue["normal_per_priority"] < 0:
        raise ConfigError("queue.normal_per_priority must be a whole number >= 0")
    if settings["calendar"]["mode"] not in ("office", "always"):
        raise ConfigError('calendar.mode must be "office" or "always"')


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
