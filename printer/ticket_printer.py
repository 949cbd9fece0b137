"""High-level ticket printing: status check, print, status check again."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from escpos.capabilities import get_profile
from escpos.escpos import Escpos
from escpos.printer import Dummy

from .connection import SUPPORTED_PAPER_MM, open_printer, parse_spec
from .errors import PaperOutError, PrinterError, PrinterOfflineError, PrinterSpecError
from .escpos_render import render_escpos
from .image_render import render_png
from .layout import COLUMNS_BY_PAPER_MM, Line, TicketData, build_layout
from .status import PrinterStatus, read_status
from .virtual import VirtualPrinter

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PrintResult:
    number: str
    status_before: PrinterStatus
    status_after: PrinterStatus
    bytes_sent: bytes
    file: Path | None = None  # the .bin written by a virtual printer

    @property
    def warning(self) -> str | None:
        """Something the kiosk or an officer should know, or None."""
        after = self.status_after
        if after.online is False or after.paper == "out":
            return f"printer reported '{after}' right after printing: ticket {self.number} may be incomplete"
        if after.paper == "near_end":
            return "paper is running low: replace the roll soon"
        return None


def columns_for(paper_mm: int, profile: str | None) -> int:
    """Text columns (Font A): the profile's if one is named, else 48 (80 mm) / 32 (58 mm)."""
    if profile is not None:
        columns = get_profile(profile).get_columns("a")
        if columns >= 24:  # some profiles carry odd values (NT-80-V-UL says 12)
            return columns
    return COLUMNS_BY_PAPER_MM[paper_mm]


class TicketPrinter:
    """Prints queue tickets on the printer named by a setting string (see connection.ACCEPTED_FORMS).

    Real connections (usb, network, serial, file) are opened for each operation and closed after it,
    so a printer that was switched off, unplugged or restarted in between just works again.
    Calls are serialised: one ticket at a time per TicketPrinter.
    """

    def __init__(self, spec: str, paper_mm: int = 80, profile: str | None = None, timeout: float = 5.0):
        self.spec = spec
        self._parsed = parse_spec(spec)  # PrinterSpecError early, before anyone queues at the kiosk
        if paper_mm not in SUPPORTED_PAPER_MM:
            raise PrinterSpecError(f"paper_mm must be one of {SUPPORTED_PAPER_MM}, got {paper_mm!r}")
        if timeout is None or timeout <= 0:
            raise PrinterSpecError(f"timeout must be > 0 seconds, got {timeout!r}")
        self.paper_mm, self.profile, self.timeout = paper_mm, profile, timeout
        try:
            self.width_chars = columns_for(paper_mm, profile)
        except KeyError:
            raise PrinterSpecError(f"unknown python-escpos printer profile {profile!r}") from None
        self._lock = threading.Lock()
        # dummy and virtual keep their state (recorded bytes, sequence) across calls.
        self._persistent: Escpos | None = None
        if self._parsed.kind in ("dummy", "virtual"):
            self._persistent = self._open()

    # ------------------------------------------------------------------ connection

    def _open(self) -> Escpos:
        return open_printer(self.spec, timeout=self.timeout, profile=self.profile, paper_mm=self.paper_mm)

    def _connection(self) -> Escpos:
        return self._persistent if self._persistent is not None else self._open()

    def _release(self, printer: Escpos) -> None:
        if printer is not self._persistent:
            try:
                printer.close()
            except OSError as exc:  # closing a dead connection must not hide the real outcome
                log.debug("closing printer failed: %r", exc)

    @property
    def printer(self) -> Escpos | None:
        """The underlying Dummy/VirtualPrinter for dummy: and virtual: settings, else None."""
        return self._persistent

    # ------------------------------------------------------------------ public API

    def layout(self, ticket: TicketData) -> list[Line]:
        return build_layout(ticket, self.width_chars)

    def preview_png(self, ticket: TicketData) -> bytes:
        """PNG of the ticket exactly as laid out for this printer."""
        return render_png(self.layout(ticket), self.paper_mm)

    def status(self) -> PrinterStatus:
        """Current printer status; never raises for an unreachable printer (online=False)."""
        with self._lock:
            try:
                printer = self._connection()
            except PrinterOfflineError as exc:
                return PrinterStatus(online=False, paper="unknown", detail=str(exc))
            except PrinterError as exc:
                return PrinterStatus(online=None, paper="unknown", detail=str(exc))
            try:
                return read_status(printer)
            finally:
                self._release(printer)

    def print_ticket(self, ticket: TicketData) -> PrintResult:
        """Print one ticket. Raises PrinterError (PrinterOfflineError, PaperOutError...) if it cannot."""
        layout = self.layout(ticket)
        with self._lock:
            printer = self._connection()  # PrinterOfflineError if unreachable
            try:
                before = read_status(printer)
                if before.online is False:
                    raise PrinterOfflineError(f"printer {self.spec} is offline: {before}")
                if before.paper == "out":
                    raise PaperOutError(f"printer {self.spec} is out of paper: {before}")
                data, file = self._send(printer, layout, ticket.number)
                after = read_status(printer)
            finally:
                self._release(printer)
        result = PrintResult(ticket.number, before, after, data, file)
        if result.warning:
            log.warning(result.warning)
        return result

    def _send(self, printer: Escpos, layout: list[Line], number: str) -> tuple[bytes, Path | None]:
        if isinstance(printer, VirtualPrinter):
            file = printer.print_layout(layout, number)
            return file.read_bytes(), file
        # Render into memory first, then send in one write: we know exactly what was sent and a
        # connection failure cannot leave half a ticket's worth of Python calls behind.
        buffer = Dummy(profile=self.profile)
        render_escpos(layout, buffer)
        data = buffer.output
        try:
            printer._raw(data)  # escpos' documented way to replay Dummy output
        except Exception as exc:
            raise PrinterError(f"sending ticket {number} to {self.spec} failed: {exc}") from exc
        return data, None
