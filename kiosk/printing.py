"""From the server's ticket to paper: TicketData for the printer, the print itself, and what to tell
the server about it. Runs on worker threads (printing can take seconds or time out)."""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from printer import PaperOutError, PrinterError, PrinterOfflineError, PrinterStatus, TicketData, TicketPrinter

from .client import Reporter
from .texts import priority_name, t, visitor_booths

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PrintOutcome:
    ticket: dict
    printed: bool
    printer_state: str  # as the server knows it: ok, near_end, paper_out, offline, error, unknown
    detail: str
    preview_png: bytes


def printer_state(status: PrinterStatus) -> str:
    """The server's word for a printer status; "unknown" when the printer did not say."""
    if status.online is False:
        return "offline"
    if status.paper == "out":
        return "paper_out"
    if status.paper == "near_end":
        return "near_end"
    if status.online is True and status.paper == "ok":
        return "ok"
    return "unknown"


def error_state(exc: PrinterError) -> str:
    if isinstance(exc, PaperOutError):
        return "paper_out"
    if isinstance(exc, PrinterOfflineError):
        return "offline"
    return "error"


def parse_issued_at(value: str, zone: str) -> dt.datetime:
    """The server's ISO UTC time ("...Z") in the office's local time, as the ticket shows it."""
    when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return when.astimezone(ZoneInfo(zone))


def ticket_reference(ticket: dict) -> str:
    """What the QR code carries: enough for an officer to find the ticket."""
    day = str(ticket.get("business_day", "")).replace("-", "")
    return f"PTSA-{day}-{ticket['number']}-{ticket['id']}"


def ticket_data(ticket: dict, language: str, zone: str, office: str | None = None) -> TicketData:
    """The printer's TicketData from the server's ticket (the 201 answer or a reprint request)."""
    names = ticket.get("service_name") or {}
    booths = visitor_booths(ticket.get("booths") or [], language, ticket.get("priority"))
    group = priority_name(language, ticket.get("priority"))
    return TicketData(
        office_name=office or ticket.get("office") or "PTSA Kementerian Ketenagakerjaan",
        number=ticket["number"],
        service_name=names.get(language) or names.get("id") or ticket.get("service", ""),
        service_code=ticket.get("service", ""),
        booth_area=f"{t(language, 'go_to')}: {', '.join(booths)}" if booths else None,
        issued_at=parse_issued_at(ticket["issued_at"], zone),
        ahead=max(0, int(ticket.get("ahead") or 0)),
        estimated_wait_s=ticket.get("estimated_wait_s"),
        reference=ticket_reference(ticket),
        priority_label=t(language, "priority_label", group=group) if group else None,
        guidance=t(language, "guidance"),
        language=language if language in ("id", "en") else "id",
    )


def print_and_report(printer: TicketPrinter, reporter: Reporter | None, ticket: dict, language: str,
                     zone: str, office: str | None = None) -> PrintOutcome:
    """Render the preview, print, and queue both reports (ticket print state, printer health).

    TicketPrinter checks the status before printing and again after; a failure never loses the
    ticket: it exists on the server, the screen shows it, and the booth can have it reprinted."""
    data = ticket_data(ticket, language, zone, office)
    preview = printer.preview_png(data)
    try:
        result = printer.print_ticket(data)
    except PrinterError as exc:
        state, detail, printed = error_state(exc), str(exc), False
        log.warning("ticket %s not printed: %s", ticket["number"], exc)
    except Exception as exc:  # a driver bug must not leave the visitor without her number
        state, detail, printed = "error", f"{type(exc).__name__}: {exc}", False
        log.exception("ticket %s: unexpected printer failure", ticket["number"])
    else:
        state, detail, printed = printer_state(result.status_after), result.warning or "", True
        if state == "unknown" and result.status_after.online is None and result.status_after.paper == "unknown":
            detail = result.status_after.detail  # e.g. a file: printer that cannot report status
    if reporter is not None:
        reporter.printed(int(ticket["id"]), printed, detail)
        reporter.printer_state(state, detail)
    return PrintOutcome(ticket, printed, state, detail, preview)


def check_printer(printer: TicketPrinter, reporter: Reporter | None) -> tuple[str, str]:
    """Ask the printer how it is and tell the server (on start and every minute)."""
    try:
        status = printer.status()
        state, detail = printer_state(status), status.detail
    except Exception as exc:  # status() should not raise; if it does, that is itself an error
        state, detail = "error", f"{type(exc).__name__}: {exc}"
    if reporter is not None:
        reporter.printer_state(state, detail)
    return state, detail
