"""The `ptsa` command.

`ptsa serve` picks the async mode from PTSA_ASYNC_MODE (eventlet by default, gevent or
threading) and monkey-patches BEFORE anything else is imported: patching after Flask,
redis or a DB driver is loaded fails at start or hangs later.
"""
import os
import sys

ASYNC_MODES = ("eventlet", "gevent", "threading")


def _patch_for_serve() -> str:
    mode = os.environ.get("PTSA_ASYNC_MODE", "eventlet").strip().lower()
    if mode not in ASYNC_MODES:
        sys.exit(f"ptsa: PTSA_ASYNC_MODE must be one of {', '.join(ASYNC_MODES)}, not {mode!r}")
    if mode == "eventlet":
        import warnings
        warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
        import eventlet
        eventlet.monkey_patch()
    elif mode == "gevent":
        from gevent import monkey
        monkey.patch_all()
    return mode


def _without_postgres_driver() -> None:
    """A server on SQLite never loads psycopg2. eventlet's monkey patch and peewee import it whenever it
    is installed, and with libpq and the libraries libpq links it would hold about 5 MB of the server's
    memory for nothing. Before the patch (reading the settings imports nothing it patches); a
    configuration that does not load is reported by `serve` itself."""
    try:
        from intranet_server.config import load_settings
        url = str(load_settings()["database"]["url"])
    except Exception:   # noqa: BLE001
        return
    if url.startswith("sqlite"):
        sys.modules.setdefault("psycopg2", None)   # `import psycopg2` fails: peewee leaves PostgreSQL out


if len(sys.argv) > 1 and sys.argv[1] == "serve" and __name__ in ("intranet_server.cli", "__main__"):
    _without_postgres_driver()
    _ASYNC_MODE = _patch_for_serve()
else:
    _ASYNC_MODE = None

import argparse  # noqa: E402  (after the monkey patch on purpose)
from pathlib import Path  # noqa: E402
import logging  # noqa: E402


def _settings():
    from intranet_server.config import ConfigError, load_settings
    try:
        return load_settings()
    except ConfigError as exc:
        sys.exit(f"ptsa: configuration error: {exc}")


def cmd_init(args) -> int:
    import db
    from db.catalog import DEFAULT_CATALOG, CatalogError, load_catalog, load_demo_staff, read_catalog
    settings = _settings()
    try:
        catalog = read_catalog(args.catalog or DEFAULT_CATALOG)
    except CatalogError as exc:
        print(f"ptsa init: {exc}", file=sys.stderr)
        return 2
    db.connect(settings["database"]["url"])
    applied = db.migrate()
    with db.database.connection_context():
        from db.models import Unit
        # The catalog is business configuration kept in the database (edited in /admin): an upgrade's
        # `ptsa init` keeps it; the built-in catalog only fills a new office, --catalog FILE replaces it.
        keep = args.catalog is None and Unit.select().exists()
        if not keep:
            from intranet_server.reads import calendars
            with db.database.atomic():
                counts = load_catalog(catalog)
                calendars.bump_version()     # unit hours and time zones may have changed
        print(f"database: {settings['database']['url']}")
        print(f"migrations applied: {', '.join(applied) or 'none (already up to date)'}")
        if keep:
            print("catalog: kept the database's (edited in /admin); `ptsa init --catalog FILE` loads a file, "
                  "`ptsa catalog export` writes the live one")
        else:
            print(f"catalog: {counts['units']} units, {counts['services']} services, {counts['booths']} booths")
        if args.demo:
            people = load_demo_staff(args.demo_password)
            roles = {}
            for _, role in people:
                roles[role] = roles.get(role, 0) + 1
            print("demo staff: " + ", ".join(f"{n} {r}" for r, n in roles.items()))
            print(f"demo logins (password {args.demo_password!r}): p0-01..p0-09 (booths), "
                  "p1-01..p1-14, p2-01..p2-33, sup-<unit code> (e.g. sup-phijsk-pk), admin, pimpinan")
    return 0


def cmd_serve(args) -> int:
    settings = _settings()
    if args.host:
        settings["server"]["host"] = args.host
    if args.port:
        settings["server"]["port"] = args.port
    from intranet_server.ops import logs, memory
    logs.configure(settings)
    memory.return_large_blocks()   # each sign-in's 16 MB scrypt buffer goes back once checked
    json_logs = settings["server"]["log_format"] == "json"
    settings["server"]["access_log"] = args.access_log and json_logs   # then one JSON line per request
    from intranet_server.app import create_app
    from intranet_server.realtime.sockets import socketio
    mode = _ASYNC_MODE or "threading"
    try:
        app = create_app(settings, async_mode=mode)
    except RuntimeError as exc:
        print(f"ptsa serve: {exc}", file=sys.stderr)
        return 2
    from intranet_server import extensions
    extensions.start_background(app)   # lobby summaries, the SLA sweeper, the outbox worker
    host, port = settings["server"]["host"], int(settings["server"]["port"])
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
    banner = f"PTSA server ({mode}) on http://{shown}:{port}/  —  display board: http://{shown}:{port}/display"
    if json_logs:
        logging.getLogger("ptsa").info(banner)
    else:
        print(banner, flush=True)
    extra = {}
    if mode == "eventlet":
        extra["max_size"] = int(settings["server"]["max_clients"])
    if mode == "threading":
        extra["allow_unsafe_werkzeug"] = True
    try:
        socketio.run(app, host=host, port=port, log_output=args.access_log and not json_logs, use_reloader=False,
                     **extra)
    except OSError as exc:   # e.g. the port is taken by another program
        print(f"ptsa serve: cannot listen on {host}:{port}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    return 0


def cmd_kiosk_token(args) -> int:
    import db
    from intranet_server.actions import ActionError
    from intranet_server.actions.kiosks import register_kiosk, revoke_kiosk
    settings = _settings()
    db.connect(settings["database"]["url"])
    with db.database.connection_context():
        try:
            if args.revoke:
                revoke_kiosk(args.name)
                print(f"kiosk {args.name} revoked: its token no longer works")
                return 0
            _, token = register_kiosk(args.name)
        except ActionError as exc:
            print(f"ptsa kiosk-token: {exc.message}", file=sys.stderr)
            return 2
    print(f"kiosk {args.name} registered. Its token (shown only now, keep it in the kiosk's settings):")
    print(token)
    return 0


def cmd_survey_tablet(args) -> int:
    """Register the survey tablet of a booth (or revoke it); prints its token and the address to open."""
    import db
    from intranet_server.actions import ActionError
    from intranet_server.actions.surveys import register_tablet, revoke_tablet
    settings = _settings()
    db.connect(settings["database"]["url"])
    with db.database.connection_context():
        try:
            if args.revoke:
                revoke_tablet(args.name)
                print(f"survey tablet {args.name} revoked: its token no longer works")
                return 0
            if args.booth is None:
                print("ptsa survey-tablet: --booth N is required", file=sys.stderr)
                return 2
            _, token = register_tablet(args.name, args.booth)
        except ActionError as exc:
            print(f"ptsa survey-tablet: {exc.message}", file=sys.stderr)
            return 2
    print(f"survey tablet {args.name} registered for booth {args.booth}. On the tablet open "
          f"http://SERVER:{settings['server']['port']}/survey and enter this token (shown only now):")
    print(token)
    return 0


def cmd_print_test(args) -> int:
    from printer.cli import print_test, sample_ticket
    settings = _settings()
    spec = args.printer or settings["kiosk"]["printer"]
    office = settings["office"]
    ticket = sample_ticket(office_name=office["name"], timezone=office["timezone"], service=_sample_service(settings))
    return print_test(spec, args.preview, paper_mm=int(settings["kiosk"]["paper_mm"]), ticket=ticket)


def _sample_service(settings) -> dict | None:
    """A service of the office (PP when it has one), so the sample shows a real letter: from its
    database when this machine has it, else from the built-in catalog (a kiosk has no database)."""
    services: list[dict] = []
    url = settings["database"]["url"]
    if not url.startswith("sqlite:///") or Path(url[len("sqlite:///"):]).exists():
        try:
            import db
            from db.models import Service
            db.connect(url)
            with db.database.connection_context():
                services = [{"code": s.code, "prefix": s.prefix, "name_id": s.name_id}
                            for s in Service.select().order_by(Service.sort_order, Service.id)]
        except Exception:  # noqa: BLE001 - an unreachable database only means the catalog's sample
            services = []
    if not services:
        from db.catalog import CatalogError, read_catalog
        try:
            services = read_catalog().services
        except CatalogError:
            return None
    return next((s for s in services if s["code"] == "PP"), services[0] if services else None)


def cmd_kiosk(args) -> int:
    from kiosk.app import main as kiosk_main
    return kiosk_main(args)


def _task_db():
    import db
    from intranet_server import sla
    settings = _settings()
    db.connect(settings["database"]["url"])
    sla.configure(settings)
    return db


def cmd_calendar(args) -> int:
    """Show a unit's working days, and edit the office's holiday overrides (deadlines move)."""
    from intranet_server import clock
    from intranet_server.actions import ActionError
    from intranet_server.actions import tasks as actions
    from intranet_server.reads.calendars import calendar_listing
    from intranet_server.reads import calendars
    db = _task_db()
    actor = f"cli:{os.environ.get('USER', 'operator')}"
    with db.database.connection_context():
        try:
            if args.calendar_command == "show":
                import datetime as dt
                from zoneinfo import ZoneInfo

                from db.models import Unit
                unit = Unit.get_or_none(Unit.code == args.unit) if args.unit else None
                if args.unit and unit is None:
                    print(f"ptsa calendar: unknown unit {args.unit!r}", file=sys.stderr)
                    return 2
                calendar = calendars.book(clock.now()).for_unit(unit)
                first = (dt.date.fromisoformat(args.start) if args.start
                         else clock.now().astimezone(ZoneInfo(calendar.tz)).date())
                print(f"{args.unit or 'office'} ({calendar.tz}{', always open' if calendar.always_open else ''})")
                for day in calendar_listing(calendar, first, args.days):
                    hours = ", ".join(day["hours"]) or "closed"
                    why = day["holiday"]["name"] + f" ({day['holiday']['kind']})" if day["holiday"] else ""
                    if day["extra_closed"]:
                        why = "closed by override " + why
                    if day["extra_open"]:
                        why = "opened by override " + why
                    print(f"  {day['date']} {day['weekday']}  {hours:<28} {why}".rstrip())
            elif args.calendar_command == "list":
                from intranet_server.reads.calendars import override_dict
                from db.task_models import CalendarOverride
                rows = CalendarOverride.select().order_by(CalendarOverride.first_date)
                for row in map(override_dict, rows):
                    span = row["first"] if row["first"] == row["last"] else f"{row['first']}..{row['last']}"
                    print(f"#{row['id']:<4} {row['kind']:<8} {span:<23} {row['unit'] or 'office':<16} {row['note']}")
                if not rows.count():
                    print("no overrides: the holiday package and the weekly hours alone decide")
            elif args.calendar_command in ("close", "open", "ramadan"):
                kind = {"close": "closed", "open": "open", "ramadan": "ramadan"}[args.calendar_command]
                row = actions.add_calendar_override(actor, kind, args.first, args.last,
                                                    getattr(args, "unit", None), args.note)
                print(f"override #{row.id} added: {kind} {row.first_date}..{row.last_date}"
                      f" ({row.unit.code if row.unit_id else 'whole office'}); open deadlines recomputed")
            elif args.calendar_command == "remove":
                actions.remove_calendar_override(actor, args.id)
                print(f"override #{args.id} removed; open deadlines recomputed")
            elif args.calendar_command == "cuti-bersama":
                unit = actions.set_open_on_cuti_bersama(actor, args.unit, args.state == "open")
                print(f"{unit.code} is {'open' if unit.open_on_cuti_bersama else 'closed'} on cuti bersama; "
                      "open deadlines recomputed")
        except ActionError as exc:
            print(f"ptsa calendar: {exc.message}", file=sys.stderr)
            return 2
    return 0


def cmd_outbox(args) -> int:
    """The e-mail/SMS outbox: counts, the latest messages, and sending failed ones again."""
    from intranet_server.sla import outbox
    from intranet_server.reads import tasks as task_reads
    db = _task_db()
    with db.database.connection_context():
        if args.retry is not None:
            count = outbox.retry(args.retry or None)
            print(f"{count} message(s) queued again (the running server sends them within its next turn)")
            return 0
        data = task_reads.outbox_rows(None, args.status, limit=args.limit)
        shown = {s: n for s, n in data["counts"].items() if n or s in ("pending", "sending", "sent", "failed")}
        print("outbox: " + ", ".join(f"{n} {s}" for s, n in shown.items()))
        for row in data["messages"]:
            when = row["sent_at"] or row["next_attempt_at"] or ""
            held = f" held until {row['held_until']}" if row["held_until"] and not row["sent_at"] else ""
            error = f"  last error: {row['last_error']}" if row["last_error"] else ""
            print(f"#{row['id']:<5} {row['channel']:<5} {row['status']:<8} {row['address']:<32} "
                  f"attempts {row['attempts']} {when}{held}{error}")
    return 0


def cmd_staff(args) -> int:
    import csv
    import getpass

    import db
    from db.models import Staff
    from intranet_server.actions import ActionError
    from intranet_server.actions.staff import import_staff, save_staff
    settings = _settings()
    db.connect(settings["database"]["url"])
    fields = {k: v for k, v in (("full_name", args.name), ("role", args.role), ("unit", args.unit),
                                ("booth", args.booth), ("email", args.email), ("phone", args.phone),
                                ("language", args.language)) if v is not None} if args.action in ("add", "set") else {}
    if args.action in ("add", "set") and args.active is not None:
        fields["active"] = args.active
    with db.database.connection_context():
        try:
            if args.action == "list":
                for s in Staff.select().order_by(Staff.role, Staff.username):
                    place = s.booth.label if s.booth_id else (s.unit.code if s.unit_id else "")
                    print(f"{s.username:<28} {s.role:<10} {place:<26} {s.email:<34} {s.phone:<16}"
                          f"{'' if s.active else ' (disabled)'}")
                return 0
            if args.action == "import":
                try:
                    with open(args.username, newline="", encoding="utf-8") as fh:
                        rows = list(csv.DictReader(fh))
                except OSError as exc:
                    print(f"ptsa staff import: {exc.strerror}: {args.username}", file=sys.stderr)
                    return 2
                added, changed = import_staff("cli", rows)
                print(f"{added} accounts added, {changed} changed")
                return 0
            if args.action == "password" or (args.action == "add" and "password" not in fields):
                password = args.password or getpass.getpass(f"new password for {args.username}: ")
                fields["password"] = password
            elif args.password:
                fields["password"] = args.password
            staff = save_staff("cli", args.username, create=args.action == "add", **fields)
        except ActionError as exc:
            print(f"ptsa staff {args.action}: {exc.message}", file=sys.stderr)
            return 2
    print(f"{staff.username}: saved")
    return 0


def cmd_catalog(args) -> int:
    """`ptsa catalog export [FILE]`: the live catalog as TOML, for `ptsa init --catalog FILE`."""
    import db
    from db.catalog import dump_catalog, export_catalog
    settings = _settings()
    db.connect(settings["database"]["url"])
    with db.database.connection_context():
        text = dump_catalog(export_catalog({"name": settings["office"]["name"]}))
    if args.file in (None, "-"):
        sys.stdout.write(text)
    else:
        with open(args.file, "w", encoding="utf-8") as fh:
            fh.write(text)
        print(f"catalog written to {args.file}")
    return 0


def cmd_copy_database(args) -> int:
    import db
    from db.transfer import TransferError, copy_database
    settings = _settings()
    source_url = settings["database"]["url"]
    if args.to == source_url:
        print("ptsa copy-database: the target is the database in use", file=sys.stderr)
        return 2
    try:
        target = db.connect(args.to)     # migrate the target first, with the models bound to it
    except ValueError as exc:
        print(f"ptsa copy-database: {exc}", file=sys.stderr)
        return 2
    try:
        db.migrate()
        source = db.connect(source_url)
        with source.connection_context():
            if db.pending_migrations():
                print("ptsa copy-database: run `ptsa init` on the source first", file=sys.stderr)
                return 2
            counts = copy_database(source, target)
    except TransferError as exc:
        print(f"ptsa copy-database: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:   # a target that cannot be reached, say: nothing was committed
        print(f"ptsa copy-database: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(f"copied {sum(counts.values())} rows into {args.to}: "
          + ", ".join(f"{n} {t}" for t, n in counts.items() if n))
    print("now set [database] url to the new database and restart the server")
    return 0


def cmd_notify_test(args) -> int:
    """Send a real test e-mail / SMS and print exactly what the relay / gateway answered."""
    from intranet_server import sla
    from intranet_server.sla.notify_test import send_test
    if not args.email and not args.sms:
        print("ptsa notify-test: give --email ADDRESS and/or --sms NUMBER", file=sys.stderr)
        return 2
    sla.configure(_settings())
    results = send_test(email=args.email, sms=args.sms)
    for r in results:
        print(f"{'OK  ' if r['ok'] else 'FAIL'} {r['channel']:<5} {r['to']}: {r['answer']}")
    return 0 if all(r["ok"] for r in results) else 1


def cmd_backup(args) -> int:
    from intranet_server.ops.backup import BackupError, backup
    settings = _settings()
    try:
        manifest = backup(settings, args.file)
    except BackupError as exc:
        print(f"ptsa backup: {exc}", file=sys.stderr)
        return 1
    rows = sum(manifest["rows"].values())
    print(f"backup written to {args.file}: {manifest['database']} database {manifest['source']}, "
          f"{rows} rows, schema {manifest['migrations'][-1] if manifest['migrations'] else 'empty'}, "
          "with the secret key (keep the file private: mode 0600)")
    return 0


def cmd_restore(args) -> int:
    from intranet_server.ops.backup import BackupError, redact, restore
    settings = _settings()
    try:
        summary = restore(settings, args.file, force=args.force)
    except BackupError as exc:
        print(f"ptsa restore: {exc}", file=sys.stderr)
        return 1
    manifest = summary["manifest"]
    print(f"restored {args.file} (made {manifest['created_at']} from {manifest['source']}) "
          f"into {redact(settings['database']['url'])}: {sum(summary['rows'].values())} rows")
    print(f"migrations applied after the restore: {', '.join(summary['migrations_applied']) or 'none'}")
    print(f"secret key: {summary['secret_key']}")
    return 0


def cmd_check(args) -> int:
    from intranet_server.ops.check import FAIL, run
    verdicts = run(catalog=args.catalog, printer=args.printer, kiosk=args.kiosk)
    for v in verdicts:
        print(v.line())
    return 1 if any(v.verdict == FAIL for v in verdicts) else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ptsa", description="PTSA queue and task system")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("init", help="create or migrate the database and load the catalog")
    p.add_argument("--catalog", help="catalog TOML file (default: the built-in PTSA catalog)")
    p.add_argument("--demo", action="store_true", help="also create the demo staff accounts")
    p.add_argument("--demo-password", default="demo12345", help="password of the demo accounts")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("serve", help="run the intranet server (async mode from PTSA_ASYNC_MODE)")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.add_argument("--access-log", action="store_true", help="log every HTTP request")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("kiosk-token", help="register a kiosk and print its token once")
    p.add_argument("name")
    p.add_argument("--revoke", action="store_true", help="revoke the kiosk's token instead")
    p.set_defaults(func=cmd_kiosk_token)

    p = sub.add_parser("print-test", help="print a sample ticket (for installers)")
    p.add_argument("--printer", help="printer spec, e.g. usb:04b8:0202, network:HOST:9100, virtual:DIR")
    p.add_argument("--preview", help="also write the ticket as a PNG image here")
    p.set_defaults(func=cmd_print_test)

    p = sub.add_parser("calendar", help="working calendars: show a unit's days, edit holiday overrides")
    cal = p.add_subparsers(dest="calendar_command", required=True)
    c = cal.add_parser("show", help="working hours day by day")
    c.add_argument("--unit", help="unit code (default: the office calendar)")
    c.add_argument("--from", dest="start", help="first date, YYYY-MM-DD (default: today)")
    c.add_argument("--days", type=int, default=14)
    cal.add_parser("list", help="the office's overrides")
    for name, what in (("close", "close dates (e.g. a cuti bersama the package does not know yet)"),
                       ("open", "open dates that the holiday package closes"),
                       ("ramadan", "work Ramadan hours (Perpres 21/2023) from FIRST to LAST")):
        c = cal.add_parser(name, help=what)
        c.add_argument("first", help="YYYY-MM-DD")
        c.add_argument("last", nargs="?", help="YYYY-MM-DD (default: FIRST)")
        if name != "ramadan":
            c.add_argument("--unit", help="only this unit (default: the whole office)")
        c.add_argument("--note", default="")
    c = cal.add_parser("remove", help="remove an override by its #id (see list)")
    c.add_argument("id", type=int)
    c = cal.add_parser("cuti-bersama", help="whether a unit works on cuti bersama days")
    c.add_argument("unit")
    c.add_argument("state", choices=("open", "closed"))
    p.set_defaults(func=cmd_calendar)

    p = sub.add_parser("outbox", help="e-mail/SMS delivery status; send failed messages again")
    p.add_argument("--status", choices=("pending", "sending", "unconfirmed", "sent", "failed", "cancelled"))
    p.add_argument("--limit", type=int, default=30)
    p.add_argument("--retry", nargs="*", type=int, metavar="ID",
                   help="queue failed messages again (all failed ones when no id is given)")
    p.set_defaults(func=cmd_outbox)

    p = sub.add_parser("staff", help="staff accounts: list, add, set, password, import a CSV file")
    p.add_argument("action", choices=["list", "add", "set", "password", "import"])
    p.add_argument("username", nargs="?", default="", help="the account (for import: the CSV file, with a "
                   "header of username,full_name,role,unit,booth,email,phone,language,active,password)")
    p.add_argument("--name", help="full name")
    p.add_argument("--role", choices=["p0", "p1", "p2", "supervisor", "admin", "pimpinan"])
    p.add_argument("--unit", help="unit code (P1: echelon 1, P2: echelon 2, supervisor: any)")
    p.add_argument("--booth", type=int, help="booth number (P0)")
    p.add_argument("--email")
    p.add_argument("--phone", help="international form, e.g. +6281234567890")
    p.add_argument("--language", choices=["id", "en"])
    p.add_argument("--password", help="otherwise asked for without echo")
    p.add_argument("--disable", dest="active", action="store_false", default=None)
    p.add_argument("--enable", dest="active", action="store_true")
    p.set_defaults(func=cmd_staff)

    p = sub.add_parser("catalog", help="export the live catalog (units, services, booths) as TOML")
    p.add_argument("catalog_command", choices=["export"])
    p.add_argument("file", nargs="?", help="where to write it (default: standard output)")
    p.set_defaults(func=cmd_catalog)

    p = sub.add_parser("copy-database", help="copy every row into another (new, empty) database, "
                                               "e.g. from SQLite to PostgreSQL")
    p.add_argument("--to", required=True, help="postgresql://USER@HOST/NAME")
    p.set_defaults(func=cmd_copy_database)

    p = sub.add_parser("notify-test", help="send a real test e-mail/SMS and show what the relay/gateway answered")
    p.add_argument("--email", metavar="ADDRESS")
    p.add_argument("--sms", metavar="NUMBER", help="e.g. +6281234567890 or 081234567890")
    p.set_defaults(func=cmd_notify_test)

    p = sub.add_parser("backup", help="the database, the secret key and a manifest in one archive "
                                      "(safe while the server runs)")
    p.add_argument("file", help="the archive to write, e.g. ptsa-2026-12-01.tar.gz")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="restore a `ptsa backup` archive (stop the server first)")
    p.add_argument("file")
    p.add_argument("--force", action="store_true", help="replace a database that already holds data")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("check", help="check settings, catalog, database schema, SMTP, SMS (and a printer)")
    p.add_argument("--catalog", help="catalog TOML file (default: the built-in PTSA catalog)")
    p.add_argument("--printer", metavar="SPEC", help="also check this printer, e.g. usb:04b8:0202")
    p.add_argument("--kiosk", action="store_true", help="on a kiosk machine: its settings, the server, its token "
                                                        "and its printer ([kiosk] printer unless --printer)")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("kiosk", help="run the lobby touchscreen kiosk")
    p.add_argument("--server", help="the intranet server's URL")
    p.add_argument("--token", help="this kiosk's token (from ptsa kiosk-token)")
    p.add_argument("--pair", help="the pairing text of /admin's kiosk QR code (sets --server and --token)")
    p.add_argument("--printer", help="printer spec")
    p.add_argument("--windowed", action="store_true", help="not full screen (for trying it out)")
    p.set_defaults(func=cmd_kiosk)

    from intranet_server.reports.cli import add_parser as add_report_parser
    add_report_parser(sub)
    p = sub.add_parser("survey-tablet", help="register a booth's satisfaction-survey tablet and print its token")
    p.add_argument("name")
    p.add_argument("--booth", type=int, help="the booth number the tablet stands at")
    p.add_argument("--revoke", action="store_true", help="revoke the tablet's token instead")
    p.set_defaults(func=cmd_survey_tablet)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code = args.func(args) or 0
        sys.stdout.flush()  # inside the try: piped output is buffered and fails only here
        return code
    except BrokenPipeError:
        # `ptsa staff list | head`: the reader has gone, which is not an error worth a traceback.
        # Point stdout at /dev/null so the interpreter's final flush stays quiet (Python's docs, signal).
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141  # what a shell reports for a program ended by SIGPIPE


if __name__ == "__main__":
    sys.exit(main())
