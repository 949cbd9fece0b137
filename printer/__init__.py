"""Queue-ticket printing: one layout, rendered to ESC/POS printers and to PNG previews.

Typical use::

    printer = TicketPrinter("usb:04b8:0202", paper_mm=80)
    printer.status()               # PrinterStatus(online=True, paper="ok", ...)
    result = printer.print_ticket(ticket)   # raises PrinterError subclasses on failure
    png = printer.preview_png(ticket)
"""

import logging as _logging

# python-escpos calls logging.basicConfig() when imported, which adds a handler to the root logger
# and turns the application's own later basicConfig() into a no-op. Undo that side effect.
_root_handlers = list(_logging.root.handlers)
import escpos.capabilities  # noqa: F401

_logging.root.handlers[:] = _root_handlers

from .connection import ACCEPTED_FORMS, PrinterSpec, open_printer, parse_spec
from .errors import PaperOutError, PrinterError, PrinterOfflineError, PrinterSpecError
from .escpos_render import render_escpos
from .image_render import render_png
from .layout import TicketData, build_layout, to_printable
from .status import PrinterStatus
from .ticket_printer import PrintResult, TicketPrinter
from .virtual import VirtualPrinter

__all__ = [
    "ACCEPTED_FORMS",
    "PaperOutError",
    "PrintResult",
    "PrinterError",
    "PrinterOfflineError",
    "PrinterSpec",
    "PrinterSpecError",
    "PrinterStatus",
    "TicketData",
    "TicketPrinter",
    "VirtualPrinter",
    "build_layout",
    "open_printer",
    "parse_spec",
    "render_escpos",
    "render_png",
    "to_printable",
]
