"""`ptsa print-test`: print a sample ticket and report the printer status."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from .errors import PrinterError, PrinterSpecError
from .layout import TicketData
from .ticket_printer import TicketPrinter

EXIT_OK, EXIT_PRINTER_FAILURE, EXIT_BAD_SPEC = 0, 1, 2


DEFAULT_OFFICE = "PTSA Kementerian Ketenagakerjaan"
SAMPLE_SERVICE = {"code": "PP", "prefix": "P", "name_id": "Pengesahan Peraturan Perusahaan"}


def sample_ticket(now: datetime | None = None, *, office_name: str = DEFAULT_OFFICE,
                  timezone: str | None = None, service: dict | None = None) -> TicketData:
    """A realistic ticket for test prints and previews: the office's name, its time zone (the
    machine's when none is given) and a real service of its catalog, numbered with its letter."""
    service = service or SAMPLE_SERVICE
    zone = ZoneInfo(timezone) if timezone else None
    issued = (now or datetime.now(tz=zone)).astimezone(zone)
    number = f"{service['prefix']}001"
    return TicketData(
        office_name=office_name,
        number=number,
        service_name=service["name_id"],
        service_code=service["code"],
        booth_area="Booth 1-3",
        issued_at=issued,
        ahead=2,
        estimated_wait_s=15 * 60,
        reference=f"TEST-{issued:%Y%m%d-%H%M%S}-{number}",
        priority_label=None,
        guidance="Silakan tunggu nomor Anda dipanggil",
        language="id",
    )


def print_test(spec: str, preview: str | None, paper_mm: int = 80, ticket: TicketData | None = None) -> int:
    """Print a sample ticket on `spec`, optionally write a preview PNG; return a process exit code."""
    try:
        printer = TicketPrinter(spec, paper_mm=paper_mm)
    except PrinterSpecError as exc:
        print(f"print-test: bad printer setting: {exc}")
        return EXIT_BAD_SPEC
    ticket = ticket or sample_ticket()

    if preview:  # written first: useful even when the printer is down
        try:
            Path(preview).write_bytes(printer.preview_png(ticket))
        except OSError as exc:
            print(f"print-test: cannot write preview {preview}: {exc}")
            return EXIT_PRINTER_FAILURE
        print(f"print-test: preview written to {preview}")

    try:
        result = printer.print_ticket(ticket)
    except PrinterError as exc:
        print(f"print-test: FAILED on {spec}: {exc}")
        print(f"print-test: printer status: {printer.status()}")
        return EXIT_PRINTER_FAILURE
    where = f" -> {result.file}" if result.file else ""
    print(f"print-test: printed sample ticket {ticket.number} ({ticket.service_code}, "
          f"{ticket.issued_at:%H:%M} {ticket.issued_at.tzname()}, {ticket.office_name}) on {spec} "
          f"({len(result.bytes_sent)} bytes{where}); status: {result.status_after}")
    if result.warning:
        print(f"print-test: warning: {result.warning}")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry point: python -m printer.cli [--printer SPEC] [--preview FILE.png]."""
    parser = argparse.ArgumentParser(prog="print-test", description=__doc__)
    parser.add_argument("--printer", default="dummy", help="printer setting, e.g. usb:04b8:0202")
    parser.add_argument("--preview", help="also write a PNG preview to this file")
    parser.add_argument("--paper-mm", type=int, choices=(58, 80), default=80)
    args = parser.parse_args(argv)
    return print_test(args.printer, args.preview, args.paper_mm)


if __name__ == "__main__":
    sys.exit(main())
