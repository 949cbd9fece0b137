"""`ptsa check`: is this installation ready? One plain verdict line per item:

    OK    settings  /etc/ptsa/ptsa.toml
    WARN  sms       not configured ([sms] url is empty): alerts by SMS are off
    FAIL  database  sqlite:///var/lib/ptsa/ptsa.db: 2 migration(s) pending (0004_x, 0005_y): run `ptsa init`

On the server: settings, catalog, database schema, the working calendar's holidays, SMTP and SMS
reachability (no message is sent)
and, with `--printer SPEC`, a printer. On a kiosk (`--kiosk`): its settings, the server's reach and
whether it accepts the kiosk's token, and its printer. Any FAIL makes the exit code non-zero.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import tomllib
from configparser import ConfigParser, Error as ConfigParserError
from dataclasses import dataclass
from pathlib import Path

OK, WARN, FAIL = "OK", "WARN", "FAIL"


@dataclass
class Verdict:
    verdict: str
    item: str
    detail: str

    def line(self) -> str:
        return f"{self.verdict:<5} {self.item:<9} {self.detail}"


def check_settings(environ=None) -> tuple[list[Verdict], dict | None]:
    from intranet_server.config import DEFAULTS, ConfigError, load_settings
    env = os.environ if environ is None else environ
    path = env.get("PTSA_CONFIG")
    try:
        settings = load_settings(environ=env)
    except ConfigError as exc:
        return [Verdict(FAIL, "settings", str(exc))], None
    if not path:
        return [Verdict(WARN, "settings", "no settings file (PTSA_CONFIG is not set): built-in defaults "
                                           "and PTSA_* variables only")], settings
    unknown = []
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    from kiosk.config import DEFAULTS as KIOSK_DEFAULTS   # the kiosk machine reads [kiosk] itself
    known = {section: set(keys) for section, keys in DEFAULTS.items()}
    known["kiosk"] |= set(KIOSK_DEFAULTS)
    known["sms"].add("gateway")
    for section, values in data.items():
        if section not in known:
            unknown.append(f"[{section}]")
        elif isinstance(values, dict):
            unknown += [f"{section}.{key}" for key in values if key not in known[section]]
    if unknown:
        return [Verdict(WARN, "settings", f"{path}: unknown setting(s) {', '.join(unknown)} "
                                           "(a typo? they are ignored)")], settings
    secrets = [f"{section}.{key}" for section, key in (("smtp", "password"), ("sms", "token"),
                                                        ("server", "secret_key"), ("metrics", "token"))
               if data.get(section, {}).get(key)]
    if secrets and os.stat(path).st_mode & 0o004:
        return [Verdict(WARN, "settings", f"{path} holds {', '.join(secrets)} and every user of this machine "
                                           f"can read it: chmod o-r {path}")], settings
    return [Verdict(OK, "settings", path)], settings


def check_catalog(path: str | None) -> Verdict:
    from db.catalog import DEFAULT_CATALOG, CatalogError, read_catalog
    path = path or DEFAULT_CATALOG
    try:
        catalog = read_catalog(path)
    except CatalogError as exc:
        message = str(exc)
        return Verdict(FAIL, "catalog", message if str(path) in message else f"{path}: {message}")
    except OSError as exc:
        return Verdict(FAIL, "catalog", f"{path}: {exc.strerror or exc}")
    counts = {name: len(getattr(catalog, name, []) or []) for name in ("units", "services", "booths")}
    return Verdict(OK, "catalog", f"{path}: " + ", ".join(f"{n} {name}" for name, n in counts.items()))


def check_database(settings: dict) -> Verdict:
    import db
    from intranet_server.ops.backup import redact
    url = settings["database"]["url"]
    shown = redact(url)
    if url.startswith("sqlite:///") and not Path(url[len("sqlite:///"):]).exists():   # do not create it
        return Verdict(FAIL, "database", f"{shown} does not exist: run `ptsa init`")
    try:
        db.connect(url)
        with db.database.connection_context():
            db.database.execute_sql("SELECT 1")
            pending = db.pending_migrations()
            if pending:
                return Verdict(FAIL, "database", f"{shown}: {len(pending)} migration(s) pending "
                                                 f"({', '.join(pending)}): run `ptsa init`")
            from db.models import Service
            if not Service.select().exists():
                return Verdict(WARN, "database", f"{shown}: schema up to date but no services: "
                                                 "load the catalog with `ptsa init`")
    except Exception as exc:   # noqa: BLE001 - unreachable, wrong password, unreadable file...
        return Verdict(FAIL, "database", f"{shown}: {' '.join(str(exc).split())[:300]}")
    return Verdict(OK, "database", f"{shown}: schema up to date")


def check_calendar(settings: dict, today: dt.date | None = None) -> Verdict:
    """The working calendar every SLA deadline and the kiosk's opening use. Its public holidays and cuti
    bersama come from the holidays package, in a child process (intranet_server/holiday_source.py): a
    missing or broken package is found here, not by the first request that needs a deadline."""
    calendar = settings["calendar"]
    if calendar["mode"] == "always":
        return Verdict(OK, "calendar", "24/7 ([calendar] mode = \"always\"): deadlines count every hour")
    if calendar["holidays"] == "none":
        return Verdict(WARN, "calendar", "public holidays off ([calendar] holidays = \"none\"): only the days "
                                         "closed in /admin close the office")
    from intranet_server.holiday_source import holidays_from_child, package_version
    year = (today or dt.date.today()).year
    try:
        days = holidays_from_child([year])
    except RuntimeError as exc:
        return Verdict(FAIL, "calendar", f"{exc}; SLA deadlines and opening hours need it: reinstall "
                                         "(bash scripts/install.sh) or set [calendar] holidays = \"none\"")
    public = sum(day.kind == "public" for day in days)
    return Verdict(OK, "calendar", f"holidays {package_version()}: {public} public holidays and "
                                   f"{len(days) - public} days of cuti bersama in {year}")


def _used(settings: dict, channel: str) -> bool:
    sla = settings["sla"]
    return any(channel in sla[key] for key in ("warning_channels", "breach_channels", "escalation_channels"))


def check_smtp(settings: dict) -> Verdict:
    from intranet_server.sla.notify_test import NotifyError, smtp_session
    smtp = settings["smtp"]
    if not smtp["host"]:
        if _used(settings, "email"):
            return Verdict(WARN, "smtp", "not configured ([smtp] host is empty): alerts by e-mail are off")
        return Verdict(OK, "smtp", "not configured (no alert level uses e-mail)")

    def noop(client) -> str:
        code, text = client.noop()
        return f"{code} {text.decode('utf-8', 'replace') if isinstance(text, bytes) else text}"
    try:
        answer = smtp_session(smtp, noop)
    except NotifyError as exc:
        return Verdict(FAIL, "smtp", str(exc))
    how = "TLS" if smtp["ssl"] else "STARTTLS" if smtp["starttls"] else "plain"
    login = ", logged in" if smtp["username"] else ""
    return Verdict(OK, "smtp", f"{smtp['host']}:{smtp['port']} ({how}{login}) answers: {answer}")


def _gammu_folders(config: Path) -> dict[str, Path]:
    parser = ConfigParser(interpolation=None)
    parser.read(config, encoding="utf-8")
    section = next((s for s in parser.sections() if s.lower() == "smsd"), None)
    if section is None:
        raise ValueError(f"{config} has no [smsd] section")
    values = {k.lower(): v for k, v in parser.items(section)}
    if values.get("service", "").lower() != "files":
        return {}
    keys = {"outbox": "outboxpath", "sent": "sentsmspath", "error": "errorsmspath"}
    return {name: Path(values[key]) for name, key in keys.items() if key in values}


def _gammu_monitor(sms: dict) -> tuple[bool, str]:
    """Ask the running daemon for its state (gammu-smsd-monitor reads its shared memory)."""
    import subprocess
    program = shutil.which("gammu-smsd-monitor")
    if program is None:
        return True, "not asked: gammu-smsd-monitor not installed"
    try:
        done = subprocess.run([program, "-c", sms["gammu_config"], "-n", "1", "-d", "0"], capture_output=True,
                              text=True, timeout=10, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return False, "gammu-smsd-monitor did not answer"
    if done.returncode != 0:
        reason = [line.split(": ", 1)[-1] for line in (done.stderr + done.stdout).splitlines() if "Failed" in line]
        return False, reason[0] if reason else f"gammu-smsd-monitor exit {done.returncode}"
    values = dict(line.split(": ", 1) for line in done.stdout.splitlines() if ": " in line)
    return True, (f"signal {values.get('NetworkSignal', '?')}%, sent {values.get('Sent', '?')}, "
                  f"failed {values.get('Failed', '?')}")


def check_sms(settings: dict) -> Verdict:
    sms = settings["sms"]
    if sms["kind"] == "gammu":
        program = shutil.which(sms["gammu_inject"])
        if program is None:
            return Verdict(FAIL, "sms", f"gammu: {sms['gammu_inject']} not found (apt-get install gammu-smsd)")
        config = Path(sms["gammu_config"])
        if not config.is_file() or not os.access(config, os.R_OK):
            return Verdict(FAIL, "sms", f"gammu: cannot read {config} ([sms] gammu_config)")
        try:
            folders = _gammu_folders(config)
        except (ConfigParserError, ValueError, OSError) as exc:
            return Verdict(FAIL, "sms", f"gammu: {config}: {exc}")
        outbox = folders.get("outbox")
        if outbox is not None and not os.access(outbox, os.W_OK):
            return Verdict(FAIL, "sms", f"gammu: cannot write to the daemon's outbox {outbox}")
        running, state = _gammu_monitor(sms)
        if not running:
            return Verdict(FAIL, "sms", f"gammu: gammu-smsd does not run ({state}); SMS wait in its outbox "
                                        "until it does (systemctl start gammu-smsd)")
        errors = folders.get("error")
        failed = len([p for p in errors.iterdir() if p.is_file()]) if errors and errors.is_dir() else 0
        waiting = len([p for p in outbox.iterdir() if p.is_file()]) if outbox and outbox.is_dir() else 0
        detail = (f"gammu via {config}: gammu-smsd runs ({state})"
                  + (f", {waiting} waiting in {outbox}" if outbox else ""))
        if failed:
            return Verdict(WARN, "sms", f"{detail}; {failed} message(s) the modem could not send in {errors}")
        return Verdict(OK, "sms", detail)
    if not sms["url"]:
        if _used(settings, "sms"):
            return Verdict(WARN, "sms", "not configured ([sms] url is empty): alerts by SMS are off")
        return Verdict(OK, "sms", "not configured (no alert level uses SMS)")
    import requests

    from intranet_server.rules.durations import parse_duration
    from intranet_server.sla.notify_test import sms_error
    try:   # HEAD: reach the gateway without sending anything; any HTTP answer means it is there
        response = requests.head(sms["url"], timeout=parse_duration(sms["timeout"]).total_seconds(),
                                 allow_redirects=False)
    except requests.RequestException as exc:
        return Verdict(FAIL, "sms", sms_error(exc, sms))
    return Verdict(OK, "sms", f"{sms['kind']} gateway {sms['url']} answers (HTTP {response.status_code} "
                              "to HEAD; no message sent)")


def check_printer(spec: str, paper_mm: int = 80) -> Verdict:
    from printer.errors import PrinterSpecError
    from printer.ticket_printer import TicketPrinter
    try:
        status = TicketPrinter(spec, paper_mm=paper_mm).status()
    except PrinterSpecError as exc:
        return Verdict(FAIL, "printer", str(exc))
    if status.online is False:
        return Verdict(FAIL, "printer", f"{spec}: offline: {status.detail}")
    if status.paper == "out":
        return Verdict(FAIL, "printer", f"{spec}: out of paper")
    if status.paper == "near_end":
        return Verdict(WARN, "printer", f"{spec}: paper nearly finished")
    if status.online is None:
        return Verdict(WARN, "printer", f"{spec}: status unknown ({status.detail}); try `ptsa print-test`")
    return Verdict(OK, "printer", f"{spec}: online, paper {status.paper}")


def check_kiosk(environ=None, printer: str | None = None) -> list[Verdict]:
    """On a kiosk machine: its [kiosk] settings, the server's reach, its token, its printer."""
    import requests
    import socketio

    from kiosk.config import KioskConfigError, load_settings
    try:
        kiosk = load_settings(environ=os.environ if environ is None else environ)
    except KioskConfigError as exc:
        return [Verdict(FAIL, "kiosk", str(exc))]
    verdicts = [Verdict(OK, "kiosk", f"settings of the kiosk (server {kiosk.server})")]
    try:
        health = requests.get(kiosk.server.rstrip("/") + "/healthz", timeout=10)
        state = health.json().get("status") if health.headers.get("Content-Type", "").startswith(
            "application/json") else None
        verdicts.append(Verdict(OK if health.status_code == 200 and state == "ok" else FAIL, "server",
                                f"{kiosk.server}: /healthz answered {health.status_code} {state or health.text[:80]}"))
    except requests.RequestException as exc:
        verdicts.append(Verdict(FAIL, "server", f"cannot reach {kiosk.server}: {exc}"))
        verdicts.append(check_printer(printer or kiosk.printer, kiosk.paper_mm))
        return verdicts
    client = socketio.Client(reconnection=False)
    try:   # the kiosk's own way in: a Socket.IO connection authenticated by its token
        client.connect(kiosk.server, auth={"token": kiosk.token}, transports=["websocket"], wait_timeout=10)
        verdicts.append(Verdict(OK, "token", "the server accepts this kiosk's token"))
    except socketio.exceptions.ConnectionError as exc:
        verdicts.append(Verdict(FAIL, "token", f"the server refused this kiosk's token ({exc}): "
                                               "register it again with `ptsa kiosk-token NAME` on the server"))
    finally:
        client.disconnect()
    verdicts.append(check_printer(printer or kiosk.printer, kiosk.paper_mm))
    return verdicts


def run(catalog: str | None = None, printer: str | None = None, environ=None, kiosk: bool = False) -> list[Verdict]:
    if kiosk:
        return check_kiosk(environ, printer)
    verdicts, settings = check_settings(environ)
    verdicts.append(check_catalog(catalog))
    if settings is None:
        verdicts.append(Verdict(FAIL, "database", "not checked: the settings do not load"))
        return verdicts
    verdicts.append(check_database(settings))
    verdicts.append(check_calendar(settings))
    verdicts.append(check_smtp(settings))
    verdicts.append(check_sms(settings))
    if printer:
        verdicts.append(check_printer(printer, int(settings["kiosk"]["paper_mm"])))
    return verdicts
