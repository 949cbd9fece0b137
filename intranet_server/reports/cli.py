"""`ptsa report --month 2026-11 --unit CODE --format pdf|xlsx|csv [--out FILE]`: a unit's monthly report
from the command line, as the operator (who sees every unit, like the admin)."""
from __future__ import annotations

import sys
from pathlib import Path


def add_parser(sub) -> None:
    p = sub.add_parser("report", help="a unit's monthly report as a PDF, XLSX or CSV file")
    p.add_argument("--month", required=True, help="YYYY-MM, e.g. 2026-11")
    p.add_argument("--unit", required=True, help="unit code, e.g. PHIJSK-PK (an echelon-1 unit includes its own)")
    p.add_argument("--format", choices=("pdf", "xlsx", "csv"), default="pdf")
    p.add_argument("--lang", choices=("id", "en"), default="id")
    p.add_argument("--out", help="the file to write (default: ptsa-UNIT-MONTH.FORMAT here; - for standard output)")
    p.set_defaults(func=cmd_report)


def cmd_report(args) -> int:
    import db
    from db.models import Staff
    from intranet_server import actions, sla
    from intranet_server.actions import ActionError
    from intranet_server.app import office_from_settings
    from intranet_server.cli import _settings
    from intranet_server.reads import reports
    from intranet_server.reports import monthly
    settings = _settings()
    db.connect(settings["database"]["url"])
    sla.configure(settings)
    actions.configure(office_from_settings(settings))
    reports.configure(settings.get("reports"))
    operator = Staff(username="ptsa-cli", full_name="ptsa report", role="admin")
    try:
        with db.database.connection_context():
            data, name, _ = monthly.render(operator, args.month, args.unit, args.format, args.lang)
    except ActionError as exc:
        print(f"ptsa report: {exc.message}", file=sys.stderr)
        return 2
    if args.out == "-":
        sys.stdout.buffer.write(data)
        return 0
    out = Path(args.out or name)
    out.write_bytes(data)
    print(f"{out} ({len(data)} bytes)")
    return 0
