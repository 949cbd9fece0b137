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


if len(sys.argv) > 1 and sys.argv[1] == "serve" and __name__ in ("intranet_server.cli", "__main__"):
    _ASYNC_MODE = _patch_for_serve()
else:
    _ASYNC_MODE = None

import argparse  # noqa: E402  (after the monkey patch on purpose)
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
        counts = load_catalog(catalog)
        print(f"database: {settings['database']['url']}")
        print(f"migrations applied: {', '.join(applied) or 'none (already up to date)'}")
        print(f"catalog: {counts['units']} units, {counts['services']} services, {counts['booths']} booths")
        if args.demo:
            people = load_demo_staff(args.demo_password)
            roles = {}
            for _, role in people:
                roles[role] = roles.get(role, 0) + 1
            print("demo staff: " + ", ".join(f"{n} {r}" for r, n in roles.items()))
            print(f"demo logins (password {args.demo_password!r}): p0-01..p0-09 (booths), "
                  "p1-01..p1-14, p2-01..p2-33, sup-<unit code> (e.g. sup-phijsk-pk), admin")
    return 0


def cmd_serve(args) -> int:
    settings = _settings()
    if args.host:
        settings["server"]["host"] = args.host
    if args.port:
        settings["server"]["port"] = args.port
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from intranet_server.app import create_app
    from intranet_server.realtime import socketio
    mode = _ASYNC_MODE or "threading"
    try:
        app = create_app(settings, async_mode=mode)
    except RuntimeError as exc:
        print(f"ptsa serve: {exc}", file=sys.stderr)
        return 2
    host, port = settings["server"]["host"], int(settings["server"]["port"])
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
    print(f"PTSA server ({mode}) on http://{shown}:{port}/  —  display board: http://{shown}:{port}/display",
          flush=True)
    extra = {}
    if mode == "eventlet":
        extra["max_size"] = int(settings["server"]["max_clients"])
    if mode == "threading":
        extra["allow_unsafe_werkzeug"] = True
    socketio.run(app, host=host, port=port, log_output=args.access_log, use_reloader=False, **extra)
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


def cmd_print_test(args) -> int:
    from printer.cli import print_test
    settings = _settings()
    spec = args.printer or settings["kiosk"]["printer"]
    return print_test(spec, args.preview, paper_mm=int(settings["kiosk"]["paper_mm"]))


def cmd_kiosk(args) -> int:
    from kiosk.app import main as kiosk_main
    return kiosk_main(args)


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

    p = sub.add_parser("kiosk", help="run the lobby touchscreen kiosk")
    p.add_argument("--server", help="the intranet server's URL")
    p.add_argument("--token", help="this kiosk's token (from ptsa kiosk-token)")
    p.add_argument("--printer", help="printer spec")
    p.add_argument("--windowed", action="store_true", help="not full screen (for trying it out)")
    p.set_defaults(func=cmd_kiosk)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args) or 0


if __name__ == "__main__":
    sys.exit(main())
