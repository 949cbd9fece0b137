"""What the administration screens read: the audit log, kiosks and their printers, the display
boards connected now, and whether e-mail and SMS are configured and reachable."""
from __future__ import annotations

import csv
import datetime as dt
import io
import socket
from urllib.parse import urlparse

from db.models import AuditEvent, Kiosk, Ticket
from intranet_server.actions import Invalid
from intranet_server.clock import iso

AUDIT_PAGE = 100


def _when(value: str | None, name: str, end: bool = False) -> dt.datetime | None:
    if not value:
        return None
    try:
        if len(value) == 10:    # a date: the whole day, UTC
            day = dt.date.fromisoformat(value) + dt.timedelta(days=1 if end else 0)
            return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise Invalid(f"'{name}': a date YYYY-MM-DD or a time YYYY-MM-DDTHH:MM:SS+07:00") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def audit_query(args: dict):
    query = AuditEvent.select()
    if args.get("actor"):
        query = query.where(AuditEvent.actor == args["actor"])
    if args.get("action"):
        action = args["action"]
        # "staff" finds staff.add, staff.change...; "staff.add" only that
        query = query.where((AuditEvent.action == action) | AuditEvent.action.startswith(action + "."))
    if args.get("subject_type"):
        query = query.where(AuditEvent.subject_type == args["subject_type"])
    if args.get("subject_id"):
        if not str(args["subject_id"]).isdigit() or len(str(args["subject_id"])) > 12:
            raise Invalid("'subject_id': a whole number")
        query = query.where(AuditEvent.subject_id == int(args["subject_id"]))
    start, end = _when(args.get("from"), "from"), _when(args.get("to"), "to", end=True)
    if start:
        query = query.where(AuditEvent.at >= start)
    if end:
        query = query.where(AuditEvent.at < end if len(args["to"]) == 10 else AuditEvent.at <= end)
    return query


def audit_dict(row: AuditEvent) -> dict:
    return {"id": row.id, "at": iso(row.at), "actor": row.actor, "action": row.action,
            "subject_type": row.subject_type, "subject_id": row.subject_id, "data": row.data}


def audit_page(args: dict) -> dict:
    """Newest first; `before` (an event id) pages back, `limit` up to 500."""
    query = audit_query(args)
    before = args.get("before")
    if before:
        if not str(before).isdigit() or len(str(before)) > 12:
            raise Invalid("'before': an event id")
        query = query.where(AuditEvent.id < int(before))
    limit = args.get("limit") or AUDIT_PAGE
    if not str(limit).isdigit() or not 1 <= int(limit) <= 500:
        raise Invalid("'limit': 1 to 500")
    rows = list(query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(int(limit) + 1))
    more = len(rows) > int(limit)
    rows = rows[:int(limit)]
    return {"events": [audit_dict(r) for r in rows], "next_before": rows[-1].id if more and rows else None}


def audit_csv(args: dict) -> str:
    import json
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["at", "actor", "action", "subject_type", "subject_id", "data"])
    for row in audit_query(args).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).iterator():
        writer.writerow([iso(row.at), row.actor, row.action, row.subject_type,
                         "" if row.subject_id is None else row.subject_id,
                         "" if row.data is None else json.dumps(row.data, ensure_ascii=False, sort_keys=True)])
    return out.getvalue()


def kiosks() -> list[dict]:
    out = []
    for kiosk in Kiosk.select().order_by(Kiosk.name):
        failures = (Ticket.select(Ticket.number, Ticket.issued_at)
                    .where((Ticket.kiosk == kiosk) & (Ticket.print_state == "failed"))
                    .order_by(Ticket.issued_at.desc()).limit(5))
        out.append({"name": kiosk.name, "created_at": iso(kiosk.created_at), "revoked_at": iso(kiosk.revoked_at),
                    "revoked": kiosk.revoked_at is not None, "last_seen_at": iso(kiosk.last_seen_at),
                    "printer_status": kiosk.printer_status, "printer_detail": kiosk.printer_detail,
                    "printer_checked_at": iso(kiosk.printer_checked_at),
                    "print_failures": [{"number": t.number, "issued_at": iso(t.issued_at)} for t in failures]})
    return out


def displays() -> dict:
    """Display boards connected to this server process now (connections without a login or token)."""
    from intranet_server.realtime import sockets
    boards = [sid for sid, rooms in list(sockets._allowed.items()) if rooms == {"display", "lobby"}]
    kiosks_online = sorted({room[6:] for rooms in list(sockets._allowed.values()) for room in rooms
                            if room.startswith("kiosk:")})
    return {"displays": len(boards), "kiosks_connected": kiosks_online, "scope": "this server process"}


def _reachable(host: str, port: int, timeout: float = 3.0) -> tuple[bool, str]:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True, f"{host}:{port} answers"
    except OSError as exc:
        return False, f"{host}:{port}: {exc.strerror or exc}"


def notifications(settings: dict) -> dict:
    smtp, sms = settings["smtp"], settings["sms"]
    # `reachable` and `detail` are always there: null when the channel is not configured (not tried)
    mail = {"configured": bool(smtp["host"]), "host": smtp["host"], "port": smtp["port"], "from": smtp["from"],
            "reachable": None, "detail": None}
    if mail["configured"]:
        mail["reachable"], mail["detail"] = _reachable(smtp["host"], int(smtp["port"]))
    text = {"configured": bool(sms["url"]), "kind": sms["kind"], "url": sms["url"], "reachable": None,
            "detail": None}
    if text["configured"]:
        url = urlparse(sms["url"])
        port = url.port or (443 if url.scheme == "https" else 80)
        text["reachable"], text["detail"] = _reachable(url.hostname or "", port)
    return {"email": mail, "sms": text}
